/**
 * Berichtoverstijgende rules: the bericht against what came before, through the register
 * (toewijzingen, verzoeken, declaratienummers, prestatiereferenties). Lookups are deduplicated per
 * bericht and run a bounded number at a time, so a 10,000-line declaratie does not open 10,000
 * queries at once.
 */
import type { XmlElement } from '../../../xml/parse.js';
import type { RegisterToewijzing } from '../register.js';
import { prestaties, type Bericht } from './bericht.js';
import type { Fout, Regel } from './types.js';

const TEGELIJK = 32;

/**
 * Runs `fn` over the items, at most {@link TEGELIJK} at a time, and returns the results in order.
 * Lookups a prefetched register answers at once resolve as microtasks, which never give the event
 * loop back: a large bericht pauses between rounds (Bericht.tijdVoorPauze, every 500 steps).
 */
async function gebundeld<T, R>(b: Bericht, items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const uit: R[] = [];
  for (let i = 0; i < items.length; i += TEGELIJK) {
    uit.push(...(await Promise.all(items.slice(i, i + TEGELIJK).map(fn))));
    if (b.tijdVoorPauze(TEGELIJK)) await b.ctx.pauze!();
  }
  return uit;
}

type MetToewijzing = { record: XmlElement; nummer?: string; toewijzing?: RegisterToewijzing };

/** Per bericht and records list (by name): every prestatie rule of a 323 asks for the same list (twelve rules, 10,000 records). */
const gevonden = new WeakMap<Bericht, Map<string, Promise<MetToewijzing[]>>>();

/**
 * The toewijzing of every record (by its ToewijzingNummer), asked once per number, and worked out
 * once per bericht and records list. Without a promise per record: 10,000 of them settled in one
 * microtask run, a block of the event loop for each rule that asked.
 */
function toewijzingenVan(b: Bericht, lijst: string, alsNodig: () => readonly XmlElement[]): Promise<MetToewijzing[]> {
  let perLijst = gevonden.get(b);
  if (!perLijst) gevonden.set(b, (perLijst = new Map()));
  let uitkomst = perLijst.get(lijst);
  if (!uitkomst) {
    const records = alsNodig();
    uitkomst = (async () => {
      const nummerVan = records.map((r) => b.tekst(r, 'ToewijzingNummer'));
      const nummers = [...new Set(nummerVan.filter((n): n is string => n !== undefined))];
      const toewijzingen = await gebundeld(b, nummers, (n) => b.toewijzing(n));
      const perNummer = new Map(nummers.map((n, i) => [n, toewijzingen[i]]));
      return records.map((record, i): MetToewijzing => {
        const nummer = nummerVan[i];
        if (nummer === undefined) return { record };
        const toewijzing = perNummer.get(nummer);
        return { record, nummer, ...(toewijzing ? { toewijzing } : {}) };
      });
    })();
    perLijst.set(lijst, uitkomst);
  }
  return uitkomst;
}

/** Verwijderd (13), or vervallen (01) with Einddatum = Ingangsdatum: as if never sent. */
function verwijderd(t: RegisterToewijzing): boolean {
  return t.redenWijziging === '13' || (t.redenWijziging === '01' && t.einddatum === t.ingangsdatum);
}

/** Current on `datum`: not verwijderd and not ended before it (a toewijzing starting later is current too). */
function actueel(t: RegisterToewijzing | undefined, datum: string): boolean {
  return t !== undefined && !verwijderd(t) && (t.einddatum === undefined || t.einddatum >= datum);
}

const startStop = (b: Bericht) => [...b.records('Client', 'StartProducten', 'StartProduct'), ...b.records('Client', 'StopProducten', 'StopProduct')];

const tr019: Regel = {
  id: 'TR019',
  omschrijving: 'De melding van de start of de stop van de zorg moet op basis van het ToewijzingNummer gerelateerd zijn aan een toewijzing.',
  berichten: ['305', '307'],
  retourcode: '9019',
  niveau: 'record',
  async toets(b, fout) {
    for (const { record, toewijzing } of await toewijzingenVan(b, 'start-stop', () => startStop(b))) if (!toewijzing) fout(record, b.kind(record, 'ToewijzingNummer'));
  },
};

// ---------------------------------------------------------------------------------------------
// Declaratie: each prestatie against its toegewezen product

/**
 * A rule that compares each prestatie with its toewijzing. Unknown toewijzingen are TR338's and
 * verwijderde TR384's; the comparisons (TR307 … TR341) only look at the others.
 */
function prestatieRegel(
  id: string,
  omschrijving: string,
  retourcode: string,
  vergelijk: (b: Bericht, prestatie: XmlElement, t: RegisterToewijzing | undefined, fout: Fout) => void,
): Regel {
  return {
    id,
    omschrijving,
    berichten: ['323'],
    retourcode,
    niveau: 'record',
    async toets(b, fout) {
      for (const { record, toewijzing } of await toewijzingenVan(b, 'prestaties', () => prestaties(b))) vergelijk(b, record, toewijzing, fout);
    },
  };
}

const vergelijkbaar = (t: RegisterToewijzing | undefined): t is RegisterToewijzing => t !== undefined && t.redenWijziging !== '13';

const tr338 = prestatieRegel('TR338', 'De prestatie moet op basis van het ToewijzingNummer gerelateerd zijn aan een toegewezen product.', '9338', (b, p, t, fout) => {
  if (!t) fout(p, b.kind(p, 'ToewijzingNummer'));
});

const tr384 = prestatieRegel('TR384', 'Declareren op een toewijzing met RedenWijziging 13 (verwijderd) is niet toegestaan.', '9384', (b, p, t, fout) => {
  if (t?.redenWijziging === '13') fout(p, b.kind(p, 'ToewijzingNummer'));
});

const tr307 = prestatieRegel('TR307', 'Begindatum van de ProductPeriode moet op of na de Ingangsdatum van het toegewezen product liggen.', '9307', (b, p, t, fout) => {
  const begin = b.tekst(p, 'ProductPeriode', 'Begindatum');
  if (vergelijkbaar(t) && begin !== undefined && begin < t.ingangsdatum) fout(p, b.kind(p, 'ProductPeriode', 'Begindatum'));
});

const tr308 = prestatieRegel('TR308', 'Einddatum van de ProductPeriode moet op of voor de Einddatum van het toegewezen product liggen, als die gevuld is.', '9308', (b, p, t, fout) => {
  const eind = b.tekst(p, 'ProductPeriode', 'Einddatum');
  if (vergelijkbaar(t) && t.einddatum !== undefined && eind !== undefined && eind > t.einddatum) fout(p, b.kind(p, 'ProductPeriode', 'Einddatum'));
});

const tr339 = prestatieRegel('TR339', 'Categorie in de prestatie moet gelijk zijn aan de categorie in het toegewezen product, als die gevuld is.', '9339', (b, p, t, fout) => {
  if (vergelijkbaar(t) && t.product && b.tekst(p, 'ProductCategorie') !== t.product.categorie) fout(p, b.kind(p, 'ProductCategorie'));
});

const tr340 = prestatieRegel('TR340', 'Code in de prestatie moet gelijk zijn aan de productcode in het toegewezen product, als die gevuld is.', '9340', (b, p, t, fout) => {
  if (vergelijkbaar(t) && t.product?.code !== undefined && b.tekst(p, 'ProductCode') !== t.product.code) fout(p, b.kind(p, 'ProductCode'));
});

/** Equal units fit; a toewijzing in hours (04) may be declared in minutes (01). */
function eenheidPast(toegewezen: string, gedeclareerd: string | undefined): boolean {
  return gedeclareerd === toegewezen || (toegewezen === '04' && gedeclareerd === '01');
}

const tr341 = prestatieRegel('TR341', 'Eenheid in de prestatie moet passen bij de eenheid in het toegewezen product.', '9341', (b, p, t, fout) => {
  if (vergelijkbaar(t) && t.omvang && !eenheidPast(t.omvang.eenheid, b.tekst(p, 'Eenheid'))) fout(p, b.kind(p, 'Eenheid'));
});

const tr333: Regel = {
  id: 'TR333',
  omschrijving: 'DeclaratieNummer moet uniek zijn voor de aanbieder binnen het wettelijk domein.',
  berichten: ['323'],
  retourcode: '9333',
  niveau: 'record',
  async toets(b, fout) {
    for (const d of b.records('Declaratie')) {
      const nummer = b.tekst(d, 'DeclaratieNummer');
      if (nummer !== undefined && (await b.ctx.register.declaratieNummerBekend(b.standaard, b.aanbieder, b.gemeente, nummer))) fout(d, b.kind(d, 'DeclaratieNummer'));
    }
  },
};

const tr314: Regel = {
  id: 'TR314',
  omschrijving: 'ReferentieNummer van de prestatie moet uniek zijn voor de aanbieder, binnen het bericht en over berichten heen.',
  berichten: ['323'],
  retourcode: '8021',
  niveau: 'record',
  async toets(b, fout) {
    const alle = prestaties(b).map((p) => ({ p, ref: b.tekst(p, 'ProductReferentie', 'ReferentieNummer') }));
    const refs = [...new Set(alle.map((x) => x.ref).filter((r): r is string => r !== undefined))];
    const bekend = new Set<string>();
    const antwoorden = await gebundeld(b, refs, (r) => b.ctx.register.prestatieReferentieBekend(b.standaard, b.aanbieder, r));
    refs.forEach((r, i) => antwoorden[i] && bekend.add(r));
    const gezien = new Set<string>();
    for (const { p, ref } of alle) {
      if (ref === undefined) continue;
      if (bekend.has(ref) || gezien.has(ref)) fout(p, b.kind(p, 'ProductReferentie', 'ReferentieNummer'));
      gezien.add(ref);
    }
  },
};

// ---------------------------------------------------------------------------------------------
// Verzoeken and antwoorden

/**
 * Reports each record whose ReferentieAanbieder the register does (`moetBekend` false) or does not
 * (`moetBekend` true) know as a verzoek: an antwoord or a toewijzing answers an earlier verzoek
 * (TR355, TR379), a new verzoek must not reuse one (TR347).
 */
async function toetsReferentieAanbieder(b: Bericht, records: XmlElement[], moetBekend: boolean, fout: Fout): Promise<void> {
  for (const r of records) {
    const ref = b.tekst(r, 'ReferentieAanbieder');
    if (ref !== undefined && (await b.ctx.register.verzoekBekend(b.standaard, b.gemeente, b.aanbieder, ref)) !== moetBekend) fout(r, b.kind(r, 'ReferentieAanbieder'));
  }
}

const tr355: Regel = {
  id: 'TR355',
  omschrijving: 'ReferentieAanbieder in het antwoordbericht moet voorkomen in een eerder verzoek om toewijzing of verzoek om wijziging.',
  berichten: ['319'],
  retourcode: '9355',
  niveau: 'record',
  async toets(b, fout) {
    await toetsReferentieAanbieder(b, b.records('Antwoord'), true, fout);
  },
};

/** TR347 is per aanbieder within the wettelijk domein; the register answers per gemeente, which is the domein a verzoek is sent in. */
const tr347: Regel = {
  id: 'TR347',
  omschrijving: 'ReferentieAanbieder moet uniek zijn voor de aanbieder binnen het wettelijk domein.',
  berichten: ['315', '317'],
  retourcode: '9347',
  niveau: 'record',
  async toets(b, fout) {
    const records = [...b.records('Client', 'AangevraagdeProducten', 'AangevraagdProduct'), ...b.records('Client', 'Verzoek')];
    await toetsReferentieAanbieder(b, records, false, fout);
  },
};

function actueelRegel(id: string, omschrijving: string, retourcode: string, pad: string[]): Regel {
  return {
    id,
    omschrijving,
    berichten: ['317'],
    retourcode,
    niveau: 'record',
    async toets(b, fout) {
      for (const { record, toewijzing } of await toewijzingenVan(b, pad.join('/'), () => b.records(...pad))) {
        if (!actueel(toewijzing, b.dagtekening)) fout(record, b.kind(record, 'ToewijzingNummer'));
      }
    },
  };
}

const tr350 = actueelRegel(
  'TR350',
  'Ieder OngewijzigdProduct moet op basis van het ToewijzingNummer gerelateerd zijn aan een actueel toegewezen product.',
  '9350',
  ['Client', 'Verzoek', 'OngewijzigdeProducten', 'OngewijzigdProduct'],
);

const tr351 = actueelRegel(
  'TR351',
  'Ieder TeWijzigenProduct moet op basis van het ToewijzingNummer gerelateerd zijn aan een actueel toegewezen product.',
  '9351',
  ['Client', 'Verzoek', 'TeWijzigenProducten', 'TeWijzigenProduct'],
);

const tr379: Regel = {
  id: 'TR379',
  omschrijving: 'ReferentieAanbieder in een toegewezen product mag alleen gevuld zijn met de ReferentieAanbieder van een verzoek om toewijzing of verzoek om wijziging.',
  berichten: ['301'],
  retourcode: '9379',
  niveau: 'record',
  async toets(b, fout) {
    await toetsReferentieAanbieder(b, b.records('Client', 'ToegewezenProducten', 'ToegewezenProduct'), true, fout);
  },
};

export const BERICHTOVERSTIJGENDE_REGELS: readonly Regel[] = [tr019, tr338, tr384, tr307, tr308, tr339, tr340, tr341, tr333, tr314, tr355, tr347, tr350, tr351, tr379];
