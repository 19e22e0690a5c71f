/**
 * A parsed iJw/iWmo bericht as the rules see it: element lookup by local name within the bericht
 * and basisschema namespaces (whatever prefixes the sender chose), the header fields, the path of
 * every element for Problem locations, the record each element belongs to, and cached register
 * lookups so a rule set asks the register once per toewijzing.
 */
import type { XmlElement } from '../../../xml/parse.js';
import { alle, eigenVan, kind, kindLangs, tekst, tekstLangs, type Eigen } from '../pad.js';
import { basisschemaNamespace, BERICHTSOORTEN, berichtNamespace, type BerichtNummer, type Standaard } from '../catalog.js';
import { isRecordPath, RECORDS } from '../records.js';

/** The deepest record path of any bericht: below it no element is a record. */
const MAX_RECORD_DIEPTE = Math.max(...Object.values(RECORDS).flatMap((paden) => paden.map((p) => p.length)));
import type { RegisterToewijzing } from '../register.js';
import type { BeoordelingContext } from './types.js';

export interface HeaderVelden {
  element?: XmlElement;
  berichtCode?: string;
  afzender?: string;
  ontvanger?: string;
  identificatie?: string;
  dagtekening?: string;
}

export class Bericht {
  readonly berichtNs: string;
  readonly basisNs: string;
  readonly header: HeaderVelden;
  /** The gemeente and the aanbieder of this exchange, by the direction of the bericht. */
  readonly gemeente: string;
  readonly aanbieder: string;
  private readonly paden = new Map<XmlElement, string>();
  private readonly ouders = new Map<XmlElement, XmlElement>();
  private readonly recordElementen = new Set<XmlElement>();
  private readonly toewijzingen = new Map<string, Promise<RegisterToewijzing | undefined>>();
  /** True for an element in the bericht's own or the basisschema namespace. */
  private readonly eigen: Eigen;

  constructor(
    readonly root: XmlElement,
    readonly standaard: Standaard,
    readonly nummer: BerichtNummer,
    readonly ctx: BeoordelingContext,
  ) {
    this.berichtNs = berichtNamespace(standaard, nummer);
    this.basisNs = basisschemaNamespace(standaard);
    this.eigen = eigenVan(this.berichtNs, this.basisNs);
    const h = this.kind(root, 'Header');
    this.header = {
      ...(h ? { element: h } : {}),
      ...veld('berichtCode', this.tekst(h, 'BerichtCode')),
      ...veld('afzender', this.tekst(h, 'Afzender')),
      ...veld('ontvanger', this.tekst(h, 'Ontvanger')),
      ...veld('identificatie', this.tekst(h, 'BerichtIdentificatie', 'Identificatie')),
      ...veld('dagtekening', this.tekst(h, 'BerichtIdentificatie', 'Dagtekening')),
    };
    const vanGemeente = BERICHTSOORTEN.get(nummer)?.richting === 'gemeente-naar-aanbieder';
    this.gemeente = (vanGemeente ? this.header.afzender : this.header.ontvanger) ?? '';
    this.aanbieder = (vanGemeente ? this.header.ontvanger : this.header.afzender) ?? '';
  }

  private stappen = 0;

  /**
   * For a rule's loop over records: true each time the steps taken (one, or `stappen` at once)
   * pass a multiple of 500 in a large bericht (one with a `pauze`), when the rule should
   * `await ctx.pauze()` so other parties' requests run meanwhile.
   */
  tijdVoorPauze(stappen = 1): boolean {
    const voor = this.stappen;
    this.stappen += stappen;
    return this.ctx.pauze !== undefined && Math.floor(voor / 500) !== Math.floor(this.stappen / 500);
  }

  /** The Dagtekening of the bericht ('' when absent, which the XSD does not allow). */
  get dagtekening(): string {
    return this.header.dagtekening ?? '';
  }

  /**
   * The first child with this local name (bericht or basisschema namespace), following a path of
   * up to four names (pad.ts kind: named parameters, no list per call).
   */
  kind(el: XmlElement | undefined, a: string, b?: string, c?: string, d?: string): XmlElement | undefined {
    return kind(el, this.eigen, a, b, c, d);
  }

  /** The trimmed text at a path of up to four names below `el`, undefined when absent or empty. */
  tekst(el: XmlElement | undefined, a: string, b?: string, c?: string, d?: string): string | undefined {
    return tekst(el, this.eigen, a, b, c, d);
  }

  /** tekst() with the path as a list (a path a rule composes). */
  tekstLangs(el: XmlElement | undefined, pad: readonly string[]): string | undefined {
    return tekstLangs(el, this.eigen, pad);
  }

  /** kind() with the path as a list. */
  kindLangs(el: XmlElement | undefined, pad: readonly string[]): XmlElement | undefined {
    return kindLangs(el, this.eigen, pad);
  }

  /** Every element reached by following the path of local names from `el` (all matches at every step). */
  alle(el: XmlElement | undefined, ...pad: string[]): XmlElement[] {
    return alle(el, this.eigen, ...pad);
  }

  /**
   * Every element reached from the root `Bericht` by this path. An index: each path is walked once
   * per bericht, however many rules ask for it (a 323 has a dozen rules over its prestaties).
   * Callers get their own copy of the list.
   */
  records(...pad: string[]): XmlElement[] {
    const sleutel = pad.join('/');
    let gevonden = this.recordIndex.get(sleutel);
    if (!gevonden) {
      gevonden = this.alle(this.root, ...pad);
      this.recordIndex.set(sleutel, gevonden);
    }
    return gevonden.slice();
  }

  private readonly recordIndex = new Map<string, XmlElement[]>();

  /**
   * The location of an element: local names from the root, record elements with their 1-based
   * position. Worked out when asked (only for findings) and remembered, not for every element up
   * front: a 10,000-line declaratie has 300,000 elements and a handful of findings at most.
   */
  pad(el: XmlElement): string {
    this.geindexeerd();
    const bekend = this.paden.get(el);
    if (bekend !== undefined) return bekend;
    const ouder = this.ouders.get(el);
    if (el === this.root || !ouder) return `/${this.root.name}`;
    let stap = el.name;
    if (this.recordElementen.has(el)) {
      let n = 0;
      for (const c of ouder.children) {
        if (c.name === el.name && this.recordElementen.has(c)) n++;
        if (c === el) break;
      }
      stap = `${el.name}[${n}]`;
    }
    const pad = `${this.pad(ouder)}/${stap}`;
    this.paden.set(el, pad);
    return pad;
  }

  /** The nearest record element at or above `el`; undefined for the Header and the root. */
  recordVan(el: XmlElement): XmlElement | undefined {
    this.geindexeerd();
    for (let cur: XmlElement | undefined = el; cur; cur = this.ouders.get(cur)) {
      if (this.recordElementen.has(cur)) return cur;
    }
    return undefined;
  }

  /** The toewijzing with this number between this bericht's gemeente and aanbieder, asked once. */
  toewijzing(toewijzingNummer: string): Promise<RegisterToewijzing | undefined> {
    let p = this.toewijzingen.get(toewijzingNummer);
    if (!p) {
      p = this.ctx.register.toewijzing(this.standaard, this.gemeente, this.aanbieder, toewijzingNummer);
      this.toewijzingen.set(toewijzingNummer, p);
    }
    return p;
  }

  private index = false;

  /**
   * Parents and records are indexed when first asked, for a finding: a valid bericht never needs
   * them, and on a big declaratie the index of 300,000 elements was the longest single step.
   */
  private geindexeerd(): void {
    if (this.index) return;
    this.index = true;
    this.indexeer(this.root, []);
  }

  /** Every element of the body (not the Header) and its parent, in document order, walked once per bericht. */
  lichaam(): { elementen: readonly XmlElement[]; ouders: readonly XmlElement[] } {
    if (this.lichaamLijst) return this.lichaamLijst;
    const elementen: XmlElement[] = [];
    const ouders: XmlElement[] = [];
    // Two stacks side by side (element, its parent): no pair allocated per element.
    const stapel: XmlElement[] = [];
    const stapelOuders: XmlElement[] = [];
    const top = this.root.children;
    for (let i = top.length - 1; i >= 0; i--) {
      if (top[i] === this.header.element) continue;
      stapel.push(top[i]!);
      stapelOuders.push(this.root);
    }
    while (stapel.length > 0) {
      const el = stapel.pop()!;
      elementen.push(el);
      ouders.push(stapelOuders.pop()!);
      for (let i = el.children.length - 1; i >= 0; i--) {
        stapel.push(el.children[i]!);
        stapelOuders.push(el);
      }
    }
    this.lichaamLijst = { elementen, ouders };
    return this.lichaamLijst;
  }

  private lichaamLijst?: { elementen: readonly XmlElement[]; ouders: readonly XmlElement[] };

  /** Parents of every element, and which elements are records (a path of names in RECORDS). */
  private indexeer(el: XmlElement, namen: string[]): void {
    for (const c of el.children) {
      this.ouders.set(c, el);
      namen.push(c.name);
      if (namen.length <= MAX_RECORD_DIEPTE && this.eigen(c) && isRecordPath(this.nummer, namen)) this.recordElementen.add(c);
      this.indexeer(c, namen);
      namen.pop();
    }
  }
}

function veld<K extends keyof HeaderVelden>(k: K, v: string | undefined): Partial<HeaderVelden> {
  return v === undefined ? {} : { [k]: v };
}

/** The Prestatie records of a declaratie (323): the rules of several files judge them one by one. */
export function prestaties(b: Bericht): XmlElement[] {
  return b.records('Declaratie', 'Clienten', 'Client', 'Prestaties', 'Prestatie');
}

// ---------------------------------------------------------------------------------------------
// Small helpers for dates (YYYY-MM-DD strings compare as dates) and amounts

/** The last day of the month of a YYYY-MM-DD date. */
export function laatsteDag(datum: string): string {
  const [j, m] = datum.split('-').map(Number) as [number, number];
  const dag = new Date(Date.UTC(j, m, 0)).getUTCDate();
  return `${datum.slice(0, 7)}-${String(dag).padStart(2, '0')}`;
}

/** The same day `jaren` years earlier (29 February becomes 28 February where needed). */
export function jarenEerder(datum: string, jaren: number): string {
  const j = Number(datum.slice(0, 4)) - jaren;
  const md = datum.slice(5);
  const kandidaat = `${String(j).padStart(4, '0')}-${md}`;
  return md === '02-29' && laatsteDag(`${kandidaat.slice(0, 7)}-01`) !== kandidaat ? `${kandidaat.slice(0, 8)}28` : kandidaat;
}

/** An integer from element text, NaN when absent or not an integer. */
export function geheel(tekst: string | undefined): number {
  return tekst !== undefined && /^-?\d+$/.test(tekst) ? Number(tekst) : Number.NaN;
}

/** A CDT_Bedrag / CDT_TotaalBedrag as a signed number: debet positive, credit negative. */
export function metTeken(bedrag: number, debetCredit: string | undefined): number {
  return debetCredit === 'C' ? -bedrag : bedrag;
}
