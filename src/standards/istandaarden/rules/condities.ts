/**
 * Condities (CD…): when an optional element must or must not be filled, depending on another
 * element of the same record.
 */
import type { XmlElement } from '../../../xml/parse.js';
import type { BerichtNummer } from '../catalog.js';
import { prestaties, type Bericht } from './bericht.js';
import type { Regel } from './types.js';

interface ProductRecord {
  record: XmlElement;
  /** Whether this record type has a Product element at all (TeWijzigenProduct does not). */
  metProduct: boolean;
  einddatum: string;
}

/** The records that carry Omvang / Budget: ToegewezenProduct, AangevraagdProduct, TeWijzigenProduct, NieuwProduct. */
function productRecords(b: Bericht): ProductRecord[] {
  const van = (records: XmlElement[], metProduct: boolean, einddatum: string) => records.map((record) => ({ record, metProduct, einddatum }));
  return [
    ...van(b.records('Client', 'ToegewezenProducten', 'ToegewezenProduct'), true, 'Einddatum'),
    ...van(b.records('Client', 'AangevraagdeProducten', 'AangevraagdProduct'), true, 'ToewijzingEinddatum'),
    ...van(b.records('Client', 'Verzoek', 'TeWijzigenProducten', 'TeWijzigenProduct'), false, 'Einddatum'),
    ...van(b.records('Client', 'Verzoek', 'NieuweProducten', 'NieuwProduct'), true, 'Einddatum'),
  ];
}

/** The product records with a Budget, for the condities that hang on it (CD078, CD075). */
function metBudget(b: Bericht): Array<ProductRecord & { budget: XmlElement }> {
  return productRecords(b).flatMap((p) => {
    const budget = b.kind(p.record, 'Budget');
    return budget ? [{ ...p, budget }] : [];
  });
}

const MET_OMVANG: readonly BerichtNummer[] = ['301', '315', '317'];

const cd041: Regel = {
  id: 'CD041',
  omschrijving: 'Omvang is verplicht als Code in Product gevuld is.',
  berichten: MET_OMVANG,
  retourcode: '0001',
  niveau: 'record',
  toets(b, fout) {
    for (const p of productRecords(b)) {
      if (p.metProduct && b.tekst(p.record, 'Product', 'Code') !== undefined && !b.kind(p.record, 'Omvang')) fout(p.record, b.kind(p.record, 'Product'));
    }
  },
};

const cd078: Regel = {
  id: 'CD078',
  omschrijving: 'Budget moet leeg zijn als Omvang gevuld is.',
  berichten: MET_OMVANG,
  retourcode: '0001',
  niveau: 'record',
  toets(b, fout) {
    for (const p of metBudget(b)) if (b.kind(p.record, 'Omvang')) fout(p.record, p.budget);
  },
};

const cd079: Regel = {
  id: 'CD079',
  omschrijving: 'Product is verplicht als Budget leeg is.',
  berichten: ['301', '315'],
  retourcode: '0001',
  niveau: 'record',
  toets(b, fout) {
    for (const p of productRecords(b)) {
      if (p.metProduct && !b.kind(p.record, 'Budget') && !b.kind(p.record, 'Product')) fout(p.record);
    }
  },
};

const cd075: Regel = {
  id: 'CD075',
  omschrijving: 'Einddatum is verplicht als Budget gevuld is.',
  berichten: MET_OMVANG,
  retourcode: '0001',
  niveau: 'record',
  toets(b, fout) {
    for (const p of metBudget(b)) if (!b.kind(p.record, p.einddatum)) fout(p.record, p.budget);
  },
};

const cd076: Regel = {
  id: 'CD076',
  omschrijving: 'Einddatum is verplicht als Frequentie 2 (per week) is.',
  berichten: MET_OMVANG,
  retourcode: '0001',
  niveau: 'record',
  toets(b, fout) {
    for (const p of productRecords(b)) {
      if (b.tekst(p.record, 'Omvang', 'Frequentie') === '2' && !b.kind(p.record, p.einddatum)) fout(p.record, b.kind(p.record, 'Omvang', 'Frequentie'));
    }
  },
};

const cd085: Regel = {
  id: 'CD085',
  omschrijving: 'RedenAfwijzingVerzoek is verplicht als VerzoekAntwoord 1 (verzoek afgewezen) is.',
  berichten: ['319'],
  retourcode: '0001',
  niveau: 'record',
  toets(b, fout) {
    for (const a of b.records('Antwoord')) {
      if (b.tekst(a, 'VerzoekAntwoord') === '1' && !b.kind(a, 'RedenAfwijzingVerzoek')) fout(a, b.kind(a, 'VerzoekAntwoord'));
    }
  },
};

const cd086: Regel = {
  id: 'CD086',
  omschrijving: 'RedenAfwijzingVerzoek moet leeg zijn als VerzoekAntwoord 2 (aanvraag in onderzoek) is.',
  berichten: ['319'],
  retourcode: '0001',
  niveau: 'record',
  toets(b, fout) {
    for (const a of b.records('Antwoord')) {
      const reden = b.kind(a, 'RedenAfwijzingVerzoek');
      if (b.tekst(a, 'VerzoekAntwoord') === '2' && reden) fout(a, reden);
    }
  },
};

const cd060: Regel = {
  id: 'CD060',
  omschrijving: 'VorigReferentieNummer is verplicht als het IngediendBedrag credit (C) is, en moet anders leeg zijn.',
  berichten: ['323'],
  retourcode: '0001',
  niveau: 'record',
  toets(b, fout) {
    for (const p of prestaties(b)) {
      const credit = b.tekst(p, 'IngediendBedrag', 'DebetCredit') === 'C';
      const vorig = b.kind(p, 'ProductReferentie', 'VorigReferentieNummer');
      if (credit !== (vorig !== undefined)) fout(p, b.kind(p, 'ProductReferentie'));
    }
  },
};

export const CONDITIE_REGELS: readonly Regel[] = [cd041, cd078, cd079, cd075, cd076, cd085, cd086, cd060];
