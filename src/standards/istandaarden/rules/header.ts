/**
 * Header rules, for every heenbericht: who sent it, when, is its identification new, is the
 * gemeente real. BerichtCode, BerichtVersie and BerichtSubversie are fixed values in the XSD
 * (CS025, CS015, RS047) and need no rule here.
 */
import type { BerichtNummer } from '../catalog.js';
import { isCbsGemeente } from '../codelists.js';
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

const tr378: Regel = {
  id: 'TR378',
  omschrijving: 'Gemeentecode moet voorkomen in de CBS-lijst van gemeentecodes.',
  berichten: ALLE,
  retourcode: 'S300',
  niveau: 'header',
  toets(b, fout) {
    if (isCbsGemeente(b.gemeente)) return;
    const veld = b.header.afzender === b.gemeente ? 'Afzender' : 'Ontvanger';
    fout('header', b.kind(b.header.element, veld));
  },
};

export const HEADER_REGELS: readonly Regel[] = [afzender, tr135, tr056, tr378];
