/**
 * Rules on coded values: a value must come from its code list (the XSD only checks the pattern),
 * a product code must belong to its categorie, and the constraints that narrow a code list for
 * one bericht (CS058, CS335, CS336, CS338, CS343).
 */
import type { XmlElement } from '../../../xml/parse.js';
import { codelijstVoor, type CodelijstElement } from '../codelists.js';
import type { Bericht } from './bericht.js';
import type { Regel } from './types.js';

/** The code list of an element, by its local name and its parent's; undefined for elements without one. */
function codelijstElement(naam: string, ouder: string): CodelijstElement | undefined {
  switch (naam) {
    case 'Categorie':
      return ouder === 'Product' ? 'Categorie' : undefined;
    case 'ProductCategorie':
      return 'Categorie';
    case 'Eenheid':
    case 'Frequentie':
    case 'RedenWijziging':
    case 'RedenBeeindiging':
    case 'RedenVerzoek':
    case 'RedenAfwijzingVerzoek':
      return naam;
    case 'Type':
      return ouder === 'Verwijzer' ? 'Type' : undefined;
    default:
      return undefined;
  }
}

const kp002: Regel = {
  id: 'KP-002',
  omschrijving: 'Waarde moet voorkomen in de codelijst van het element (WJ756, WJ757/WMO757, JZ020/WMO020, JZ002/WMO002, JZ588/WMO588, WJ758, WJ759, COD327).',
  berichten: ['301', '305', '307', '315', '317', '319', '323', '325'],
  retourcode: '0001',
  niveau: 'record',
  async toets(b, fout) {
    const { elementen, ouders } = b.lichaam();
    for (let i = 0; i < elementen.length; i++) {
      if (b.tijdVoorPauze()) await b.ctx.pauze!();
      const el = elementen[i]!;
      if (el.ns !== b.berichtNs && el.ns !== b.basisNs) continue;
      const lijst = codelijstElement(el.name, ouders[i]!.name);
      if (lijst === undefined || codelijstVoor(b.standaard, lijst).codes.has(el.text?.trim() ?? '')) continue;
      // The record only for a finding: finding it walks up an index of the whole bericht.
      const record = b.recordVan(el);
      if (record) fout(record, el);
    }
  },
};

/**
 * TR381 checks a product code against "the productcodelijst in use". knooppunt has no regional
 * lists yet; it applies the convention of the landelijke productcodelijsten iJw and iWmo, where the
 * first two positions of a product code are its categorie (45A11 is categorie 45).
 */
const tr381: Regel = {
  id: 'TR381',
  omschrijving: 'ProductCode moet volgens de productcodelijst horen bij de ProductCategorie.',
  berichten: ['301', '305', '307', '315', '317', '323'],
  retourcode: 'S329',
  niveau: 'record',
  async toets(b, fout) {
    for (const p of b.lichaam().elementen) {
      if (b.tijdVoorPauze()) await b.ctx.pauze!();
      // CDT_Product (301 … 317), or the flat ProductCategorie/ProductCode of a 3.2 prestatie.
      const flat = p.name === 'Prestatie';
      if ((p.name !== 'Product' && !flat) || p.ns !== b.berichtNs) continue;
      const categorie = b.tekst(p, flat ? 'ProductCategorie' : 'Categorie');
      const code = b.tekst(p, flat ? 'ProductCode' : 'Code');
      if (categorie === undefined || code === undefined || code.slice(0, 2) === categorie) continue;
      const record = flat ? p : b.recordVan(p);
      if (record) fout(record, b.kind(p, flat ? 'ProductCode' : 'Code'));
    }
  },
};

const cs058: Regel = {
  id: 'CS058',
  omschrijving: 'StatusAanlevering moet 1 (eerste aanlevering) of 3 (verwijderen aanlevering) zijn.',
  berichten: ['305', '307'],
  retourcode: '0001',
  niveau: 'record',
  toets(b, fout) {
    for (const r of [...b.records('Client', 'StartProducten', 'StartProduct'), ...b.records('Client', 'StopProducten', 'StopProduct')]) {
      const status = b.tekst(r, 'StatusAanlevering');
      if (status !== undefined && status !== '1' && status !== '3') fout(r, b.kind(r, 'StatusAanlevering'));
    }
  },
};

const toegewezen = (b: Bericht) => b.records('Client', 'ToegewezenProducten', 'ToegewezenProduct');

const cs335: Regel = {
  id: 'CS335',
  omschrijving: 'RedenWijziging 13 (verwijderd) mag alleen gebruikt worden als de Einddatum gelijk is aan de Ingangsdatum.',
  berichten: ['301'],
  retourcode: '0001',
  niveau: 'record',
  toets(b, fout) {
    for (const r of toegewezen(b)) {
      if (b.tekst(r, 'RedenWijziging') === '13' && b.tekst(r, 'Einddatum') !== b.tekst(r, 'Ingangsdatum')) fout(r, b.kind(r, 'RedenWijziging'));
    }
  },
};

const cs336: Regel = {
  id: 'CS336',
  omschrijving: 'RedenWijziging 01 (administratieve correctie, vervallen) mag niet gebruikt worden.',
  berichten: ['301'],
  retourcode: '0001',
  niveau: 'record',
  toets(b, fout) {
    for (const r of toegewezen(b)) if (b.tekst(r, 'RedenWijziging') === '01') fout(r, b.kind(r, 'RedenWijziging'));
  },
};

const PER_ETMAAL_OF_BEDRAG = new Set(['14', '16', '83', '84']);
const LANGE_FREQUENTIE = new Set(['2', '4', '6']);

/** Eenheid etmaal, dagdeel, euro of stuks (inspanning) on a toewijzing ending after 2020: Frequentie per week, per maand or totaal. */
function frequentieFout(b: Bericht, record: XmlElement, einddatum: string): XmlElement | undefined {
  const omvang = b.kind(record, 'Omvang');
  const eenheid = b.tekst(omvang, 'Eenheid');
  const frequentie = b.tekst(omvang, 'Frequentie');
  if (!omvang || eenheid === undefined || frequentie === undefined || !PER_ETMAAL_OF_BEDRAG.has(eenheid)) return undefined;
  const eind = b.tekst(record, einddatum);
  if (eind !== undefined && eind <= '2020-12-31') return undefined;
  return LANGE_FREQUENTIE.has(frequentie) ? undefined : b.kind(omvang, 'Frequentie');
}

const cs338: Regel = {
  id: 'CS338',
  omschrijving: 'Als Eenheid 14, 16, 83 of 84 is en de Einddatum na 31-12-2020 ligt of leeg is, moet Frequentie 2, 4 of 6 zijn.',
  berichten: ['301', '317'],
  retourcode: '0001',
  niveau: 'record',
  toets(b, fout) {
    const records = [
      ...toegewezen(b),
      ...b.records('Client', 'Verzoek', 'TeWijzigenProducten', 'TeWijzigenProduct'),
      ...b.records('Client', 'Verzoek', 'NieuweProducten', 'NieuwProduct'),
    ];
    for (const r of records) {
      const plek = frequentieFout(b, r, 'Einddatum');
      if (plek) fout(r, plek);
    }
  },
};

const cs343: Regel = {
  id: 'CS343',
  omschrijving: 'Als Eenheid 14, 16, 83 of 84 is en de ToewijzingEinddatum na 31-12-2020 ligt of leeg is, moet Frequentie 2, 4 of 6 zijn.',
  berichten: ['315'],
  retourcode: '0001',
  niveau: 'record',
  toets(b, fout) {
    for (const r of b.records('Client', 'AangevraagdeProducten', 'AangevraagdProduct')) {
      const plek = frequentieFout(b, r, 'ToewijzingEinddatum');
      if (plek) fout(r, plek);
    }
  },
};

export const CODELIJST_REGELS: readonly Regel[] = [kp002, tr381, cs058, cs335, cs336, cs338, cs343];
