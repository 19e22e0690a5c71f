/** Date rules inside one bericht: periods that end before they begin, dates after the Dagtekening, declaratie months. */
import type { XmlElement } from '../../../xml/parse.js';
import { laatsteDag, prestaties, type Bericht } from './bericht.js';
import type { Fout, Regel } from './types.js';

interface Periode {
  record: XmlElement;
  begin?: XmlElement;
  eind?: XmlElement;
}

function datum(el: XmlElement | undefined): string | undefined {
  const t = el?.text?.trim();
  return t === undefined || t === '' ? undefined : t;
}

/** The (begin, optional end) pairs of the products: of 301, 315 and 317 for CS003, of the 307 for TR018. */
function productPeriodes(b: Bericht): Periode[] {
  const periode = (record: XmlElement, begin: string, eind: string): Periode => ({
    record,
    ...maybe('begin', b.kind(record, begin)),
    ...maybe('eind', b.kind(record, eind)),
  });
  switch (b.nummer) {
    case '301':
      return b.records('Client', 'ToegewezenProducten', 'ToegewezenProduct').map((r) => periode(r, 'Ingangsdatum', 'Einddatum'));
    case '307':
      return b.records('Client', 'StopProducten', 'StopProduct').map((r) => periode(r, 'Begindatum', 'Einddatum'));
    case '315':
      return b.records('Client', 'AangevraagdeProducten', 'AangevraagdProduct').map((r) => periode(r, 'ToewijzingIngangsdatum', 'ToewijzingEinddatum'));
    case '317':
      return [
        ...b.records('Client', 'Verzoek', 'TeWijzigenProducten', 'TeWijzigenProduct'),
        ...b.records('Client', 'Verzoek', 'NieuweProducten', 'NieuwProduct'),
      ].map((r) => periode(r, 'GewensteIngangsdatum', 'Einddatum'));
    default:
      return [];
  }
}

function maybe<K extends 'begin' | 'eind'>(k: K, el: XmlElement | undefined): Partial<Record<K, XmlElement>> {
  return el ? ({ [k]: el } as Partial<Record<K, XmlElement>>) : {};
}

/**
 * The Begindatum and Einddatum of each record's period (the element at `pad`, or the record
 * itself), for the rules that compare the two: a record lacking either has nothing to compare.
 */
function volledigePerioden(b: Bericht, records: XmlElement[], ...pad: string[]): Array<{ record: XmlElement; begin: string; eind: string }> {
  // The two paths once, not two lists per record (10,000 records in a big declaratie).
  const beginPad = [...pad, 'Begindatum'];
  const eindPad = [...pad, 'Einddatum'];
  const uit: Array<{ record: XmlElement; begin: string; eind: string }> = [];
  for (const record of records) {
    const begin = b.tekstLangs(record, beginPad);
    const eind = b.tekstLangs(record, eindPad);
    if (begin !== undefined && eind !== undefined) uit.push({ record, begin, eind });
  }
  return uit;
}

/** The Einddatum of a product is not before its begin: TR018 demands it of the 307, CS003 of the other product berichten. */
function eindNietVoorBegin(b: Bericht, fout: Fout): void {
  for (const p of productPeriodes(b)) {
    const begin = datum(p.begin);
    const eind = datum(p.eind);
    if (begin !== undefined && eind !== undefined && eind < begin) fout(p.record, p.eind);
  }
}

const tr018: Regel = {
  id: 'TR018',
  omschrijving: 'Einddatum moet groter dan of gelijk zijn aan Begindatum.',
  berichten: ['307'],
  retourcode: '0001',
  niveau: 'record',
  toets: eindNietVoorBegin,
};

const cs003: Regel = {
  id: 'CS003',
  omschrijving: 'Einddatum moet, indien gevuld, groter dan of gelijk zijn aan de Begindatum (of Ingangsdatum) van de periode.',
  berichten: ['301', '315', '317'],
  retourcode: '0001',
  niveau: 'record',
  toets: eindNietVoorBegin,
};

const tr134: Regel = {
  id: 'TR134',
  omschrijving: 'Datum moet een bestaande datum zijn die niet groter is dan de Dagtekening van het bericht.',
  berichten: ['301', '305', '307'],
  retourcode: '0001',
  niveau: 'record',
  toets(b, fout) {
    const velden: Array<[XmlElement, string]> = [];
    for (const r of b.records('Client', 'ToegewezenProducten', 'ToegewezenProduct')) velden.push([r, 'Toewijzingsdatum']);
    for (const r of b.records('Client', 'StartProducten', 'StartProduct')) velden.push([r, 'Begindatum']);
    for (const r of b.records('Client', 'StopProducten', 'StopProduct')) velden.push([r, 'Begindatum'], [r, 'Einddatum']);
    for (const [record, naam] of velden) {
      const el = b.kind(record, naam);
      const d = datum(el);
      if (el && d !== undefined && b.dagtekening !== '' && d > b.dagtekening) fout(record, el);
    }
  },
};

const tr137: Regel = {
  id: 'TR137',
  omschrijving: 'Einddatum van de ProductPeriode moet groter dan of gelijk zijn aan de Begindatum en niet groter dan de Dagtekening van het bericht.',
  berichten: ['323'],
  retourcode: '0001',
  niveau: 'record',
  toets(b, fout) {
    for (const { record, begin, eind } of volledigePerioden(b, prestaties(b), 'ProductPeriode')) {
      if (eind < begin || (b.dagtekening !== '' && eind > b.dagtekening)) fout(record, b.kind(record, 'ProductPeriode', 'Einddatum'));
    }
  },
};

const cs337: Regel = {
  id: 'CS337',
  omschrijving: 'Einddatum van de ProductPeriode moet in dezelfde kalendermaand en hetzelfde jaar liggen als de Begindatum.',
  berichten: ['323'],
  retourcode: '0001',
  niveau: 'record',
  toets(b, fout) {
    for (const { record, begin, eind } of volledigePerioden(b, prestaties(b), 'ProductPeriode')) {
      if (begin.slice(0, 7) !== eind.slice(0, 7)) fout(record, b.kind(record, 'ProductPeriode'));
    }
  },
};

const cs340: Regel = {
  id: 'CS340',
  omschrijving: 'DeclaratiePeriode moet precies één hele kalendermaand zijn.',
  berichten: ['323'],
  retourcode: '0001',
  niveau: 'record',
  toets(b, fout) {
    for (const { record, begin, eind } of volledigePerioden(b, b.records('Declaratie'), 'DeclaratiePeriode')) {
      if (!begin.endsWith('-01') || eind !== laatsteDag(begin)) fout(record, b.kind(record, 'DeclaratiePeriode'));
    }
  },
};

const VANAF = '2021-01-01';

const cs100: Regel = {
  id: 'CS100',
  omschrijving: 'Begindatum van de DeclaratiePeriode en de ProductPeriode moet op of na 1 januari 2021 liggen.',
  berichten: ['323'],
  retourcode: '0001',
  niveau: 'record',
  toets(b, fout) {
    const toetsBegin = (records: XmlElement[], periode: string) => {
      for (const r of records) {
        const el = b.kind(r, periode, 'Begindatum');
        const v = datum(el);
        if (v !== undefined && v < VANAF) fout(r, el);
      }
    };
    toetsBegin(b.records('Declaratie'), 'DeclaratiePeriode');
    toetsBegin(prestaties(b), 'ProductPeriode');
  },
};

export const DATUM_REGELS: readonly Regel[] = [tr018, cs003, tr134, tr137, cs337, cs340, cs100];
