/** Rules on the amounts and periods of a declaratie (323) and a declaratie-antwoord (325). */
import type { XmlElement } from '../../../xml/parse.js';
import { geheel, metTeken, prestaties, type Bericht } from './bericht.js';
import type { Regel } from './types.js';

/** The prestaties of a declaratie-antwoord (325), which CS325 judges like those of the 323. */
const prestaties325 = (b: Bericht) => b.records('DeclaratieAntwoord', 'Clienten', 'Client', 'Prestaties', 'Prestatie');

/** A CDT_Bedrag or CDT_TotaalBedrag element as a signed amount in cents. */
function bedrag(b: Bericht, el: XmlElement | undefined, veld: 'Bedrag' | 'TotaalBedrag'): number {
  return metTeken(geheel(b.tekst(el, veld)), b.tekst(el, 'DebetCredit'));
}

const tr358: Regel = {
  id: 'TR358',
  omschrijving: 'TotaalIngediendBedrag van de declaratie moet gelijk zijn aan de som van de IngediendBedragen van de prestaties (debet opgeteld, credit afgetrokken).',
  berichten: ['323'],
  retourcode: '0001',
  niveau: 'record',
  toets(b, fout) {
    for (const d of b.records('Declaratie')) {
      const totaal = bedrag(b, b.kind(d, 'TotaalIngediendBedrag'), 'TotaalBedrag');
      const som = b.alle(d, 'Clienten', 'Client', 'Prestaties', 'Prestatie').reduce((s, p) => s + bedrag(b, b.kind(p, 'IngediendBedrag'), 'Bedrag'), 0);
      if (!(totaal === som)) fout(d, b.kind(d, 'TotaalIngediendBedrag'));
    }
  },
};

/**
 * TR346. IV081 lets a provider with an hourly contract rate declare minutes, rounding the amount;
 * the 323 only carries the ProductTarief per Eenheid, so knooppunt checks the exact product.
 */
const tr346: Regel = {
  id: 'TR346',
  omschrijving: "Als Eenheid niet 83 (euro's) is, moet IngediendBedrag gelijk zijn aan GeleverdVolume vermenigvuldigd met ProductTarief.",
  berichten: ['323'],
  retourcode: '9346',
  niveau: 'record',
  toets(b, fout) {
    for (const p of prestaties(b)) {
      if (b.tekst(p, 'Eenheid') === '83') continue;
      const verwacht = geheel(b.tekst(p, 'GeleverdVolume')) * geheel(b.tekst(p, 'ProductTarief'));
      if (geheel(b.tekst(p, 'IngediendBedrag', 'Bedrag')) !== verwacht) fout(p, b.kind(p, 'IngediendBedrag'));
    }
  },
};

const cs339: Regel = {
  id: 'CS339',
  omschrijving: "Als Eenheid 83 (euro's) is, moet IngediendBedrag gelijk zijn aan GeleverdVolume.",
  berichten: ['323'],
  retourcode: '0001',
  niveau: 'record',
  toets(b, fout) {
    for (const p of prestaties(b)) {
      if (b.tekst(p, 'Eenheid') !== '83') continue;
      if (geheel(b.tekst(p, 'IngediendBedrag', 'Bedrag')) !== geheel(b.tekst(p, 'GeleverdVolume'))) fout(p, b.kind(p, 'IngediendBedrag'));
    }
  },
};

const cs325: Regel = {
  id: 'CS325',
  omschrijving: 'Als een (Totaal)Bedrag 0 is, moet DebetCredit D (debet) zijn.',
  berichten: ['323', '325'],
  retourcode: '0001',
  niveau: 'record',
  toets(b, fout) {
    const controleer = (record: XmlElement, el: XmlElement | undefined, veld: 'Bedrag' | 'TotaalBedrag') => {
      if (el && geheel(b.tekst(el, veld)) === 0 && b.tekst(el, 'DebetCredit') !== 'D') fout(record, b.kind(el, 'DebetCredit'));
    };
    for (const d of b.records('Declaratie')) controleer(d, b.kind(d, 'TotaalIngediendBedrag'), 'TotaalBedrag');
    for (const d of b.records('DeclaratieAntwoord')) {
      controleer(d, b.kind(d, 'TotaalIngediendBedrag'), 'TotaalBedrag');
      controleer(d, b.kind(d, 'TotaalToegekendBedrag'), 'TotaalBedrag');
    }
    for (const p of [...prestaties(b), ...prestaties325(b)]) controleer(p, b.kind(p, 'IngediendBedrag'), 'Bedrag');
  },
};

const tr319: Regel = {
  id: 'TR319',
  omschrijving: 'De ProductPeriode moet vallen binnen de huidige of een voorgaande DeclaratiePeriode.',
  berichten: ['323'],
  retourcode: '9319',
  niveau: 'record',
  toets(b, fout) {
    for (const d of b.records('Declaratie')) {
      const einde = b.tekst(d, 'DeclaratiePeriode', 'Einddatum');
      if (einde === undefined) continue;
      for (const p of b.alle(d, 'Clienten', 'Client', 'Prestaties', 'Prestatie')) {
        const eind = b.tekst(p, 'ProductPeriode', 'Einddatum');
        if (eind !== undefined && eind > einde) fout(p, b.kind(p, 'ProductPeriode'));
      }
    }
  },
};

const tr342: Regel = {
  id: 'TR342',
  omschrijving: 'Als DeclaratieAntwoord niet is afgekeurd, moet de som van de IngediendBedragen van de afgewezen prestaties gelijk zijn aan TotaalIngediendBedrag min TotaalToegekendBedrag.',
  berichten: ['325'],
  retourcode: '0001',
  niveau: 'record',
  toets(b, fout) {
    for (const d of b.records('DeclaratieAntwoord')) {
      // Rejected as a whole (a code other than 0200 or 8001 on DeclaratieAntwoord): prestaties are not assessed, nothing to add up.
      const codes = b.alle(d, 'RetourCodes', 'RetourCode').map((c) => c.text?.trim() ?? '');
      if (codes.some((c) => c !== '0200' && c !== '8001')) continue;
      const verschil = bedrag(b, b.kind(d, 'TotaalIngediendBedrag'), 'TotaalBedrag') - bedrag(b, b.kind(d, 'TotaalToegekendBedrag'), 'TotaalBedrag');
      const som = b.alle(d, 'Clienten', 'Client', 'Prestaties', 'Prestatie').reduce((s, p) => s + bedrag(b, b.kind(p, 'IngediendBedrag'), 'Bedrag'), 0);
      if (!(som === verschil)) fout(d, b.kind(d, 'TotaalToegekendBedrag'));
    }
  },
};

export const DECLARATIE_REGELS: readonly Regel[] = [tr358, tr346, cs339, cs325, tr319, tr342];
