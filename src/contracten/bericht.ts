/**
 * What the contract checks and the monitor read from a bericht: the products of a toewijzing (301)
 * and a start (305), the prestaties of a declaratie (323) and the answer of a 325. Written for the
 * 3.2 structure (ProductCategorie/ProductCode flat in a Prestatie, an optional ProductTarief,
 * TotaalIngediendBedrag) and tolerant of the nested Product/Categorie form, so the checks keep
 * working whichever shape the project's schemas take.
 */
import type { XmlElement } from '../xml/parse.js';
import { alle, eigenVan, kind, tekst, type Eigen } from '../standards/istandaarden/pad.js';
import { basisschemaNamespace, berichtNamespace, type BerichtNummer, type Standaard } from '../standards/istandaarden/catalog.js';

export interface Leesbaar {
  eigen: Eigen;
  root: XmlElement;
  standaard: Standaard;
  gemeente: string;
  aanbieder: string;
  identificatie: string;
  dagtekening: string;
}

export function leesbaar(root: XmlElement, standaard: Standaard, nummer: BerichtNummer): Leesbaar {
  const eigen = eigenVan(berichtNamespace(standaard, nummer), basisschemaNamespace(standaard));
  const h = kind(root, eigen, 'Header');
  const vanGemeente = nummer === '301' || nummer === '319' || nummer === '325';
  const afzender = tekst(h, eigen, 'Afzender') ?? '';
  const ontvanger = tekst(h, eigen, 'Ontvanger') ?? '';
  return {
    eigen, root, standaard,
    gemeente: vanGemeente ? afzender : ontvanger,
    aanbieder: vanGemeente ? ontvanger : afzender,
    identificatie: tekst(h, eigen, 'BerichtIdentificatie', 'Identificatie') ?? '',
    dagtekening: tekst(h, eigen, 'BerichtIdentificatie', 'Dagtekening') ?? '',
  };
}

export interface ProductVerwijzing {
  categorie?: string;
  code?: string;
  /** The element holding the code (for the Problem location). */
  plek: XmlElement;
}

/** The product of a Prestatie, ToegewezenProduct or StartProduct in either form. */
export function productVan(l: Leesbaar, record: XmlElement): ProductVerwijzing | undefined {
  const genest = kind(record, l.eigen, 'Product');
  if (genest) {
    const categorie = tekst(genest, l.eigen, 'Categorie');
    const code = tekst(genest, l.eigen, 'Code');
    return { ...(categorie ? { categorie } : {}), ...(code ? { code } : {}), plek: kind(genest, l.eigen, 'Code') ?? genest };
  }
  const categorie = tekst(record, l.eigen, 'ProductCategorie');
  const code = tekst(record, l.eigen, 'ProductCode');
  if (!categorie && !code) return undefined;
  return { ...(categorie ? { categorie } : {}), ...(code ? { code } : {}), plek: kind(record, l.eigen, 'ProductCode') ?? kind(record, l.eigen, 'ProductCategorie')! };
}

export interface GelezenPrestatie {
  element: XmlElement;
  bsn: string;
  referentie: string;
  toewijzingNummer: string;
  product?: ProductVerwijzing;
  begindatum: string;
  einddatum: string;
  volume: number;
  eenheid: string;
  /** ProductTarief in cents, when given (optional in 3.2). */
  tarief?: number;
  tariefElement?: XmlElement;
  /** Signed cents: debet positive, credit negative. */
  bedrag: number;
}

const geheel = (t: string | undefined): number => (t !== undefined && /^-?\d+$/.test(t) ? Number(t) : Number.NaN);

export function declaratieNummer(l: Leesbaar, record: 'Declaratie' | 'DeclaratieAntwoord'): string {
  return tekst(l.root, l.eigen, record, 'DeclaratieNummer') ?? '';
}

/** The prestaties read from a parsed 323, per root: four contract rules and the monitor read the same list. */
const gelezen = new WeakMap<XmlElement, readonly GelezenPrestatie[]>();

/** Every prestatie of a 323 with its client (read once per parsed bericht; the tree does not change after the parse). */
export function prestaties323(l: Leesbaar): readonly GelezenPrestatie[] {
  const klaar = gelezen.get(l.root);
  if (klaar) return klaar;
  const uit = leesPrestaties323(l);
  gelezen.set(l.root, uit);
  return uit;
}

/**
 * Reads a 323's prestaties ahead of {@link prestaties323}, for a large bericht: `pauze` is awaited
 * every 500 prestaties, so the reading of 10,000 of them does not hold the event loop.
 */
export async function leesPrestaties323Vooraf(l: Leesbaar, pauze: () => Promise<void>): Promise<void> {
  if (gelezen.has(l.root)) return;
  const uit: GelezenPrestatie[] = [];
  for (const client of alle(l.root, l.eigen, 'Declaratie', 'Clienten', 'Client')) {
    const bsn = tekst(client, l.eigen, 'Bsn') ?? '';
    for (const p of alle(client, l.eigen, 'Prestaties', 'Prestatie')) {
      if (uit.length % 500 === 499) await pauze();
      uit.push(leesPrestatie(l, bsn, p));
    }
  }
  gelezen.set(l.root, uit);
}

function leesPrestaties323(l: Leesbaar): GelezenPrestatie[] {
  const uit: GelezenPrestatie[] = [];
  for (const client of alle(l.root, l.eigen, 'Declaratie', 'Clienten', 'Client')) {
    const bsn = tekst(client, l.eigen, 'Bsn') ?? '';
    for (const p of alle(client, l.eigen, 'Prestaties', 'Prestatie')) uit.push(leesPrestatie(l, bsn, p));
  }
  return uit;
}

function leesPrestatie(l: Leesbaar, bsn: string, p: XmlElement): GelezenPrestatie {
  const tariefTekst = tekst(p, l.eigen, 'ProductTarief');
  const tariefElement = kind(p, l.eigen, 'ProductTarief');
  const bedrag = geheel(tekst(p, l.eigen, 'IngediendBedrag', 'Bedrag'));
  const product = productVan(l, p);
  return {
    element: p,
    bsn,
    referentie: tekst(p, l.eigen, 'ProductReferentie', 'ReferentieNummer') ?? '',
    toewijzingNummer: tekst(p, l.eigen, 'ToewijzingNummer') ?? '',
    ...(product ? { product } : {}),
    begindatum: tekst(p, l.eigen, 'ProductPeriode', 'Begindatum') ?? '',
    einddatum: tekst(p, l.eigen, 'ProductPeriode', 'Einddatum') ?? '',
    volume: geheel(tekst(p, l.eigen, 'GeleverdVolume')),
    eenheid: tekst(p, l.eigen, 'Eenheid') ?? '',
    ...(tariefTekst !== undefined ? { tarief: geheel(tariefTekst) } : {}),
    ...(tariefElement ? { tariefElement } : {}),
    bedrag: tekst(p, l.eigen, 'IngediendBedrag', 'DebetCredit') === 'C' ? -bedrag : bedrag,
  };
}

export interface ToewijzingProduct {
  element: XmlElement;
  toewijzingNummer: string;
  product?: ProductVerwijzing;
  /** Ingangsdatum of the toewijzing, or Begindatum of the start. */
  datum: string;
}

/** The ToegewezenProducten of a 301 or the StartProducten of a 305. */
export function toewijzingProducten(l: Leesbaar, nummer: '301' | '305'): ToewijzingProduct[] {
  const pad = nummer === '301' ? ['Client', 'ToegewezenProducten', 'ToegewezenProduct'] : ['Client', 'StartProducten', 'StartProduct'];
  return alle(l.root, l.eigen, ...pad).map((el) => {
    const product = productVan(l, el);
    return {
      element: el,
      toewijzingNummer: tekst(el, l.eigen, 'ToewijzingNummer') ?? '',
      ...(product ? { product } : {}),
      datum: tekst(el, l.eigen, nummer === '301' ? 'Ingangsdatum' : 'Begindatum') ?? '',
    };
  });
}

export interface Antwoord325 {
  declaratieNummer: string;
  /** False when the DeclaratieAntwoord itself carries a rejecting code: nothing is granted. */
  beoordeeld: boolean;
  /** ReferentieNummers of the prestaties listed as afgewezen. */
  afgewezen: Set<string>;
}

export function antwoord325(l: Leesbaar): Antwoord325 {
  const d = kind(l.root, l.eigen, 'DeclaratieAntwoord');
  const codes = alle(d, l.eigen, 'RetourCodes', 'RetourCode').map((c) => c.text?.trim() ?? '');
  const afgewezen = new Set(
    alle(d, l.eigen, 'Clienten', 'Client', 'Prestaties', 'Prestatie').map((p) => tekst(p, l.eigen, 'ProductReferentie', 'ReferentieNummer') ?? ''),
  );
  return { declaratieNummer: tekst(d, l.eigen, 'DeclaratieNummer') ?? '', beoordeeld: codes.every((c) => c === '0200' || c === '8001'), afgewezen };
}
