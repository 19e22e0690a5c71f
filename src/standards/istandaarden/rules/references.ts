/**
 * Rules on how the records of one bericht relate to each other: no duplicates (TR101, TR383,
 * TR315), no crediting inside the same bericht (TR316), no overlapping periods of the same product
 * (TR302, TR386, TR410), and a verzoek om wijziging that says something (TR352, TR353).
 */
import type { XmlElement } from '../../../xml/parse.js';
import type { BerichtNummer } from '../catalog.js';
import { prestaties, type Bericht } from './bericht.js';
import type { Fout, Regel } from './types.js';

/** Reports every record whose key equals the key of an earlier record of the same list. */
function dubbel(records: XmlElement[], sleutel: (r: XmlElement) => string | undefined, fout: (r: XmlElement) => void): void {
  const gezien = new Set<string>();
  for (const r of records) {
    const k = sleutel(r);
    if (k === undefined) continue;
    if (gezien.has(k)) fout(r);
    gezien.add(k);
  }
}

/** The logical keys of the records per bericht, for TR101. AangevraagdProduct (TR383), Prestatie (TR314) and NieuwProduct (TR410) have their own rules. */
function tr101Lijsten(b: Bericht): Array<{ records: XmlElement[]; sleutel: (r: XmlElement) => string | undefined }> {
  const t = (r: XmlElement, ...pad: string[]) => b.tekstLangs(r, pad) ?? '';
  const product = (r: XmlElement) => `${t(r, 'Product', 'Categorie')}|${t(r, 'Product', 'Code')}`;
  switch (b.nummer) {
    case '301':
      return [{ records: b.records('Client', 'ToegewezenProducten', 'ToegewezenProduct'), sleutel: (r) => b.tekst(r, 'ToewijzingNummer') }];
    case '305':
      return [{ records: b.records('Client', 'StartProducten', 'StartProduct'), sleutel: (r) => `${t(r, 'ToewijzingNummer')}|${product(r)}|${t(r, 'Begindatum')}` }];
    case '307':
      return [
        {
          records: b.records('Client', 'StopProducten', 'StopProduct'),
          sleutel: (r) => `${t(r, 'ToewijzingNummer')}|${product(r)}|${t(r, 'Begindatum')}|${t(r, 'Einddatum')}`,
        },
      ];
    case '317':
      return [
        { records: b.records('Client', 'Verzoek', 'OngewijzigdeProducten', 'OngewijzigdProduct'), sleutel: (r) => b.tekst(r, 'ToewijzingNummer') },
        { records: b.records('Client', 'Verzoek', 'TeWijzigenProducten', 'TeWijzigenProduct'), sleutel: (r) => b.tekst(r, 'ToewijzingNummer') },
      ];
    case '323':
      return [{ records: b.records('Declaratie', 'Clienten', 'Client'), sleutel: (r) => b.tekst(r, 'Bsn') }];
    case '325':
      return [{ records: b.records('DeclaratieAntwoord', 'Clienten', 'Client'), sleutel: (r) => b.tekst(r, 'Bsn') }];
    default:
      return [];
  }
}

const tr101: Regel = {
  id: 'TR101',
  omschrijving: 'Binnen een bericht zijn dubbele regels niet toegestaan: de logische sleutel van een berichtklasse moet uniek zijn.',
  berichten: ['301', '305', '307', '317', '323', '325'],
  retourcode: '0001',
  niveau: 'record',
  toets(b, fout) {
    for (const lijst of tr101Lijsten(b)) dubbel(lijst.records, lijst.sleutel, (r) => fout(r));
  },
};

const tr383: Regel = {
  id: 'TR383',
  omschrijving: 'ReferentieAanbieder moet uniek zijn voor elk AangevraagdProduct binnen het bericht.',
  berichten: ['315'],
  retourcode: '0001',
  niveau: 'record',
  toets(b, fout) {
    dubbel(
      b.records('Client', 'AangevraagdeProducten', 'AangevraagdProduct'),
      (r) => b.tekst(r, 'ReferentieAanbieder'),
      (r) => fout(r, b.kind(r, 'ReferentieAanbieder')),
    );
  },
};

// ---------------------------------------------------------------------------------------------
// Overlapping periods of the same product

const OPEN_EINDE = '9999-12-31';

interface ProductInPeriode {
  record: XmlElement;
  /** Without Product the record overlaps with every other product. */
  product?: { categorie?: string; code?: string };
  begin: string;
  eind: string;
}

/** Same product: by code when both have one, else by categorie; no Product at all matches everything. */
function zelfdeProduct(a: ProductInPeriode, c: ProductInPeriode): boolean {
  if (!a.product || !c.product) return true;
  if (a.product.code !== undefined && c.product.code !== undefined) return a.product.code === c.product.code;
  return a.product.categorie === c.product.categorie;
}

/** Reports every record that overlaps an earlier record of the same product. Quadratic in the records of one client, which are few. */
function overlappend(items: ProductInPeriode[], fout: Fout): void {
  for (let i = 1; i < items.length; i++) {
    const x = items[i]!;
    if (items.slice(0, i).some((y) => zelfdeProduct(x, y) && x.begin <= y.eind && y.begin <= x.eind)) fout(x.record);
  }
}

function productInPeriode(b: Bericht, record: XmlElement, begin: string, eind: string): ProductInPeriode | undefined {
  const start = b.tekst(record, begin);
  if (start === undefined) return undefined;
  const p = b.kind(record, 'Product');
  const categorie = b.tekst(p, 'Categorie');
  const code = b.tekst(p, 'Code');
  return {
    record,
    ...(p ? { product: { ...(categorie !== undefined ? { categorie } : {}), ...(code !== undefined ? { code } : {}) } } : {}),
    begin: start,
    eind: b.tekst(record, eind) ?? OPEN_EINDE,
  };
}

function overlapRegel(id: string, omschrijving: string, nummer: BerichtNummer, pad: string[], begin: string, eind: string, telt?: (b: Bericht, r: XmlElement) => boolean): Regel {
  return {
    id,
    omschrijving,
    berichten: [nummer],
    retourcode: '0001',
    niveau: 'record',
    toets(b, fout) {
      const items = b
        .records(...pad)
        .filter((r) => telt?.(b, r) ?? true)
        .map((r) => productInPeriode(b, r, begin, eind))
        .filter((x): x is ProductInPeriode => x !== undefined);
      overlappend(items, fout);
    },
  };
}

/** A toewijzing verwijderd (13) or vervallen (01) with Einddatum = Ingangsdatum does not count for stapeling. */
function telt301(b: Bericht, r: XmlElement): boolean {
  const reden = b.tekst(r, 'RedenWijziging');
  return !((reden === '13' || reden === '01') && b.tekst(r, 'Einddatum') === b.tekst(r, 'Ingangsdatum'));
}

const tr302 = overlapRegel(
  'TR302',
  'Een product mag alleen vaker in een toewijzingsbericht voorkomen als de perioden elkaar niet overlappen.',
  '301',
  ['Client', 'ToegewezenProducten', 'ToegewezenProduct'],
  'Ingangsdatum',
  'Einddatum',
  telt301,
);

const tr386 = overlapRegel(
  'TR386',
  'Een product mag alleen vaker in een verzoek om toewijzing voorkomen als de perioden elkaar niet overlappen.',
  '315',
  ['Client', 'AangevraagdeProducten', 'AangevraagdProduct'],
  'ToewijzingIngangsdatum',
  'ToewijzingEinddatum',
);

const tr410 = overlapRegel(
  'TR410',
  'Een product mag alleen vaker als NieuwProduct voorkomen als de perioden elkaar niet overlappen.',
  '317',
  ['Client', 'Verzoek', 'NieuweProducten', 'NieuwProduct'],
  'GewensteIngangsdatum',
  'Einddatum',
);

// ---------------------------------------------------------------------------------------------
// Prestaties: VorigReferentieNummer

const tr315: Regel = {
  id: 'TR315',
  omschrijving: 'VorigReferentieNummer van een Prestatie moet uniek zijn in het bericht.',
  berichten: ['323'],
  retourcode: '0001',
  niveau: 'record',
  toets(b, fout) {
    dubbel(prestaties(b), (p) => b.tekst(p, 'ProductReferentie', 'VorigReferentieNummer'), (p) => fout(p, b.kind(p, 'ProductReferentie', 'VorigReferentieNummer')));
  },
};

const tr316: Regel = {
  id: 'TR316',
  omschrijving: 'Een debetprestatie mag niet in hetzelfde bericht gecrediteerd worden: VorigReferentieNummer mag niet gelijk zijn aan een ReferentieNummer in het bericht.',
  berichten: ['323'],
  retourcode: '0001',
  niveau: 'record',
  toets(b, fout) {
    const alle = prestaties(b);
    const nummers = new Set(alle.map((p) => b.tekst(p, 'ProductReferentie', 'ReferentieNummer')).filter((x) => x !== undefined));
    for (const p of alle) {
      const vorig = b.tekst(p, 'ProductReferentie', 'VorigReferentieNummer');
      if (vorig !== undefined && nummers.has(vorig)) fout(p, b.kind(p, 'ProductReferentie', 'VorigReferentieNummer'));
    }
  },
};

// ---------------------------------------------------------------------------------------------
// Verzoek om wijziging: what it must contain

/** A rule that every Verzoek holds at least one product of either kind, each given as [lijst, product]. */
function verzoekInhoudRegel(id: string, omschrijving: string, een: [string, string], ander: [string, string]): Regel {
  return {
    id,
    omschrijving,
    berichten: ['317'],
    retourcode: '0001',
    niveau: 'record',
    toets(b, fout) {
      for (const v of b.records('Client', 'Verzoek')) if (b.alle(v, ...een).length + b.alle(v, ...ander).length === 0) fout(v);
    },
  };
}

const tr352 = verzoekInhoudRegel(
  'TR352',
  'Een verzoek om wijziging bevat minstens één OngewijzigdProduct of TeWijzigenProduct.',
  ['OngewijzigdeProducten', 'OngewijzigdProduct'],
  ['TeWijzigenProducten', 'TeWijzigenProduct'],
);

const tr353 = verzoekInhoudRegel(
  'TR353',
  'Een verzoek om wijziging bevat minstens één TeWijzigenProduct of NieuwProduct.',
  ['TeWijzigenProducten', 'TeWijzigenProduct'],
  ['NieuweProducten', 'NieuwProduct'],
);

export const REFERENTIE_REGELS: readonly Regel[] = [tr101, tr383, tr302, tr386, tr410, tr315, tr316, tr352, tr353];
