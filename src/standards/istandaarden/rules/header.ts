/**
 * Header rules, for every heenbericht: who sent it, when, is its identification new, is the
 * gemeente real. BerichtCode, BerichtVersie and BerichtSubversie are fixed values in the XSD
 * (CS025, CS015, RS047) and need no rule here.
 */
import type { BerichtNummer } from '../catalog.js';
import { gemeenteGeldigOp } from '../codelists.js';
import { prestaties, type Bericht } from './bericht.js';
import type { Regel } from './types.js';

const ALLE: readonly BerichtNummer[] = ['301', '305', '307', '315', '317', '319', '323', '325'];

/** The Afzender is the party that authenticated: nobody sends in another's name. */
const afzender: Regel = {
  id: 'KP-001',
  omschrijving: 'Afzender moet gelijk zijn aan de code van de geauthenticeerde partij.',
  berichten: ALLE,
  retourcode: '0001',
  niveau: 'header',
  toets(b, fout) {
    const plek = b.kind(b.header.element, 'Afzender');
    if (b.ctx.afzenderVerwacht === '' || b.header.afzender !== b.ctx.afzenderVerwacht) fout('header', plek);
  },
};

const tr135: Regel = {
  id: 'TR135',
  omschrijving: 'Dagtekening mag niet in de toekomst liggen.',
  berichten: ALLE,
  retourcode: '8848',
  niveau: 'header',
  toets(b, fout) {
    if (b.dagtekening > b.ctx.vandaag) fout('header', b.kind(b.header.element, 'BerichtIdentificatie', 'Dagtekening'));
  },
};

const tr056: Regel = {
  id: 'TR056',
  omschrijving: 'Identificatie moet per berichtsoort uniek zijn voor de verzendende partij.',
  berichten: ALLE,
  retourcode: '9056',
  niveau: 'header',
  async toets(b, fout) {
    const { afzender: van, berichtCode, identificatie } = b.header;
    if (van === undefined || berichtCode === undefined || identificatie === undefined) return;
    if (await b.ctx.register.identificatieBekend(b.standaard, van, berichtCode, identificatie)) {
      fout('header', b.kind(b.header.element, 'BerichtIdentificatie', 'Identificatie'));
    }
  },
};

/** The records that carry a product, each with the date its toewijzing starts (or, in a declaratie, the start of the ProductPeriode). */
function productDatums(b: Bericht): Array<string | undefined> {
  const datum = (pad: string[], ...velden: string[][]) => b.records(...pad).map((r) => velden.map((v) => b.tekstLangs(r, v)).find((d) => d !== undefined));
  switch (b.nummer) {
    case '301':
      return datum(['Client', 'ToegewezenProducten', 'ToegewezenProduct'], ['Ingangsdatum']);
    case '305':
      return datum(['Client', 'StartProducten', 'StartProduct'], ['ToewijzingIngangsdatum'], ['Begindatum']);
    case '307':
      return datum(['Client', 'StopProducten', 'StopProduct'], ['ToewijzingIngangsdatum'], ['Begindatum']);
    case '315':
      return datum(['Client', 'AangevraagdeProducten', 'AangevraagdProduct'], ['ToewijzingIngangsdatum']);
    case '317':
      return [
        ...datum(['Client', 'Verzoek', 'TeWijzigenProducten', 'TeWijzigenProduct'], ['GewensteIngangsdatum']),
        ...datum(['Client', 'Verzoek', 'NieuweProducten', 'NieuwProduct'], ['GewensteIngangsdatum']),
      ];
    case '323':
      return prestaties(b).map((p) => b.tekst(p, 'ProductPeriode', 'Begindatum'));
    default:
      return [];
  }
}

/**
 * TR378 with the list's validity dates: the gemeentecode must be in force on the Dagtekening, or,
 * after a herindeling, on the Ingangsdatum of every product the bericht carries. So a declaratie or
 * a stop on a toewijzing that started before the herindeling may still carry the old code; a
 * bericht without products (319, 325) is judged by its Dagtekening alone.
 */
const tr378: Regel = {
  id: 'TR378',
  omschrijving: 'Gemeentecode moet voorkomen in de CBS-lijst van gemeentecodes die gold op de Dagtekening of op de Ingangsdatum van elk product.',
  berichten: ALLE,
  retourcode: 'S300',
  niveau: 'header',
  toets(b, fout) {
    if (gemeenteGeldigOp(b.gemeente, b.dagtekening)) return;
    const datums = productDatums(b);
    if (datums.length > 0 && datums.every((d) => d !== undefined && gemeenteGeldigOp(b.gemeente, d))) return;
    const veld = b.header.afzender === b.gemeente ? 'Afzender' : 'Ontvanger';
    fout('header', b.kind(b.header.element, veld));
  },
};

export const HEADER_REGELS: readonly Regel[] = [afzender, tr135, tr056, tr378];
