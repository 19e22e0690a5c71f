/**
 * StUF stuurgegevens (docs/stuf/zds.md, "Stuurgegevens"): reading them from a message, building
 * them, and the answer rule.
 *
 * Reading works on the parsed tree of src/xml/parse.ts (names are namespace URI + local name, so
 * any prefix works). A problem is a {@link StuurgegevensFout} that names the element and the StUF
 * foutcode that fits, never a value from the message.
 */
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { NL_ZONE } from '../../util/vandaag.js';
import type { XmlElement } from '../../xml/parse.js';
import type { StufFoutcode } from './foutcodes.js';
import { STUF_NS } from './namespaces.js';

/** Every berichtcode of StUF 03.01. */
export const BERICHTCODES = [
  'Bv01', 'Bv02', 'Bv03', 'Bv04', 'Di01', 'Di02', 'Du01', 'Du02', 'Fo01', 'Fo02', 'Fo03',
  'La01', 'La02', 'La03', 'La04', 'La05', 'La06', 'La07', 'La08', 'La09', 'La10', 'La11', 'La12', 'La13', 'La14',
  'Lk01', 'Lk02', 'Lk03', 'Lk04', 'Lk05', 'Lk06',
  'Lv01', 'Lv02', 'Lv03', 'Lv04', 'Lv05', 'Lv06', 'Lv07', 'Lv08', 'Lv09', 'Lv10', 'Lv11', 'Lv12', 'Lv13', 'Lv14',
  'Sa01', 'Sa02', 'Sa03', 'Sa04', 'Sh01', 'Sh02', 'Sh03', 'Sh04', 'Tr01',
] as const;

export type Berichtcode = (typeof BERICHTCODES)[number];

/** A StUF party: knooppunt knows each party by (organisatie, applicatie). */
export interface Systeem {
  organisatie: string;
  applicatie: string;
  administratie?: string;
  gebruiker?: string;
}

/**
 * The stuurgegevens of a message, as the contract requires them: zender and ontvanger (each with
 * organisatie and applicatie), referentienummer and tijdstipBericht are always present.
 */
export interface Stuurgegevens {
  berichtcode: Berichtcode;
  zender: Systeem;
  ontvanger: Systeem;
  /** 1 to 40 characters. */
  referentienummer: string;
  /** `yyyymmddhhmmss` plus up to 3 digits of milliseconds (StUF allows 8 to 17 digits). */
  tijdstipBericht: string;
  crossRefnummer?: string;
  /** ZAK, EDC; absent in vrije berichten. */
  entiteittype?: string;
  /** Vrije berichten: `genereerZaakidentificatie`. */
  functie?: string;
}

/** What {@link bouwStuurgegevens} writes: only the berichtcode is required (a Fo02 has nothing else). */
export type StuurgegevensInvoer = Pick<Stuurgegevens, 'berichtcode'> & Partial<Omit<Stuurgegevens, 'berichtcode'>>;

/** Why the stuurgegevens cannot be used. `element` is a path below `stuurgegevens`, e.g. `zender/organisatie`. */
export class StuurgegevensFout extends Error {
  constructor(
    /** The element concerned: `stuurgegevens`, `berichtcode`, `zender/applicatie`, … */
    readonly element: string,
    readonly reden: 'ontbreekt' | 'onbekend' | 'ongeldig',
    /** The StUF foutcode that fits (StUF013 for the zender, StUF010 for the ontvanger, StUF022 for the berichtcode, else StUF055). */
    readonly foutcode: StufFoutcode,
  ) {
    super(
      reden === 'ontbreekt'
        ? `stuurgegevens: element ${element} is missing or empty`
        : reden === 'onbekend'
          ? `stuurgegevens: ${element} is not a StUF ${element}`
          : `stuurgegevens: ${element} is not valid`,
    );
    this.name = 'StuurgegevensFout';
  }
}

const CODES: ReadonlySet<string> = new Set(BERICHTCODES);
const STUURGEGEVENS_NS: ReadonlySet<string> = new Set([STUF_NS.ZKN, STUF_NS.StUF, STUF_NS.BG, STUF_NS.ZDS]);

function kind(el: XmlElement | undefined, name: string): XmlElement | undefined {
  return el?.children.find((c) => c.name === name && c.ns === STUF_NS.StUF);
}

/** The trimmed text of a StUF child, or undefined when it is absent, empty or nil. */
function tekst(el: XmlElement | undefined, name: string): string | undefined {
  const c = kind(el, name);
  if (!c || c.children.length > 0) return undefined;
  const t = c.text?.trim();
  return t ? t : undefined;
}

/**
 * What a receiver fills in for stuurgegevens StUF 03.01 leaves optional (zender, ontvanger,
 * referentienummer and tijdstipBericht are minOccurs 0 in StUF:Stuurgegevens, and several ZDS
 * questions leave them out): the authenticated party as zender, the receiver itself as ontvanger,
 * a referentienummer of its own, and the moment of receipt. Whether a message type requires them
 * is the schema's to say, not this reader's.
 */
export interface Aanvulling {
  zender?: Systeem;
  ontvanger?: Systeem;
  referentienummer?: () => string;
}

/**
 * Reads the stuurgegevens of a message: `root` is the message element (the SOAP Body's child, e.g.
 * `ZKN:zakLk01` or `StUF:Bv03Bericht`), whose `stuurgegevens` child may be in the ZKN, StUF, BG or
 * ZDS namespace; its children are in the StUF namespace.
 *
 * Requires a berichtcode (a StUF code); zender and ontvanger with organisatie and applicatie,
 * referentienummer and tijdstipBericht unless `aanvulling` supplies what is absent. A Fo02
 * (berichtcode only) therefore does not read without it.
 * @throws StuurgegevensFout naming the first element that is missing or unusable.
 */
export function leesStuurgegevens(root: XmlElement, aanvulling?: Aanvulling): Stuurgegevens {
  const sg = root.children.find((c) => c.name === 'stuurgegevens' && STUURGEGEVENS_NS.has(c.ns));
  if (!sg) throw new StuurgegevensFout('stuurgegevens', 'ontbreekt', 'StUF055');

  const berichtcode = tekst(sg, 'berichtcode');
  if (berichtcode === undefined) throw new StuurgegevensFout('berichtcode', 'ontbreekt', 'StUF055');
  if (!CODES.has(berichtcode)) throw new StuurgegevensFout('berichtcode', 'onbekend', 'StUF022');

  const systeem = (rol: 'zender' | 'ontvanger'): Systeem => {
    const foutcode = rol === 'zender' ? 'StUF013' : 'StUF010';
    const el = kind(sg, rol);
    const standaard = aanvulling?.[rol];
    if (!el && standaard) return standaard;
    if (!el) throw new StuurgegevensFout(rol, 'ontbreekt', foutcode);
    const organisatie = tekst(el, 'organisatie');
    if (organisatie === undefined) throw new StuurgegevensFout(`${rol}/organisatie`, 'ontbreekt', foutcode);
    const applicatie = tekst(el, 'applicatie');
    if (applicatie === undefined) throw new StuurgegevensFout(`${rol}/applicatie`, 'ontbreekt', foutcode);
    const administratie = tekst(el, 'administratie');
    const gebruiker = tekst(el, 'gebruiker');
    return { organisatie, applicatie, ...(administratie !== undefined ? { administratie } : {}), ...(gebruiker !== undefined ? { gebruiker } : {}) };
  };
  const zender = systeem('zender');
  const ontvanger = systeem('ontvanger');

  const referentienummer = tekst(sg, 'referentienummer') ?? aanvulling?.referentienummer?.();
  if (referentienummer === undefined) throw new StuurgegevensFout('referentienummer', 'ontbreekt', 'StUF055');
  if (referentienummer.length > 40) throw new StuurgegevensFout('referentienummer', 'ongeldig', 'StUF055');
  const tijdstipBericht = tekst(sg, 'tijdstipBericht') ?? (aanvulling ? stufTijdstip(new Date()) : undefined);
  if (tijdstipBericht === undefined) throw new StuurgegevensFout('tijdstipBericht', 'ontbreekt', 'StUF055');
  if (!/^[0-9]{8,17}$/.test(tijdstipBericht)) throw new StuurgegevensFout('tijdstipBericht', 'ongeldig', 'StUF055');

  const crossRefnummer = tekst(sg, 'crossRefnummer');
  const entiteittype = tekst(sg, 'entiteittype');
  const functie = tekst(sg, 'functie');
  return {
    berichtcode: berichtcode as Berichtcode,
    zender,
    ontvanger,
    referentienummer,
    tijdstipBericht,
    ...(crossRefnummer !== undefined ? { crossRefnummer } : {}),
    ...(entiteittype !== undefined ? { entiteittype } : {}),
    ...(functie !== undefined ? { functie } : {}),
  };
}

function el(ns: string, name: string, children: XmlElement[] = [], text?: string): XmlElement {
  return { ns, name, prefix: '', attrs: {}, children, ...(text !== undefined ? { text } : children.length === 0 ? { text: '' } : {}) };
}

function systeemElement(rol: 'zender' | 'ontvanger', s: Systeem): XmlElement {
  const c: XmlElement[] = [el(STUF_NS.StUF, 'organisatie', [], s.organisatie), el(STUF_NS.StUF, 'applicatie', [], s.applicatie)];
  if (s.administratie !== undefined) c.push(el(STUF_NS.StUF, 'administratie', [], s.administratie));
  if (s.gebruiker !== undefined) c.push(el(STUF_NS.StUF, 'gebruiker', [], s.gebruiker));
  return el(STUF_NS.StUF, rol, c);
}

/**
 * The `stuurgegevens` element, in the contract's order (berichtcode, zender, ontvanger,
 * referentienummer, tijdstipBericht, crossRefnummer, entiteittype, functie), with what `sg` holds.
 * `ns` is the namespace of the `stuurgegevens` element itself: ZKN in ZKN messages (the default),
 * StUF in Bv03/Fo02/Fo03. Serialise with `STUF_PREFIXEN` (namespaces.ts) for the contract's prefixes.
 */
export function bouwStuurgegevens(sg: StuurgegevensInvoer, ns: string = STUF_NS.ZKN): XmlElement {
  const c: XmlElement[] = [el(STUF_NS.StUF, 'berichtcode', [], sg.berichtcode)];
  if (sg.zender) c.push(systeemElement('zender', sg.zender));
  if (sg.ontvanger) c.push(systeemElement('ontvanger', sg.ontvanger));
  for (const name of ['referentienummer', 'tijdstipBericht', 'crossRefnummer', 'entiteittype', 'functie'] as const) {
    const v = sg[name];
    if (v !== undefined) c.push(el(STUF_NS.StUF, name, [], v));
  }
  return el(ns, 'stuurgegevens', c);
}

/** How an answer is made; both default (a new UUID, now). */
export interface AntwoordMeta {
  /** The answer's own referentienummer (at most 40 characters). Default: a random UUID. */
  referentienummer?: string;
  /** The answer's tijdstipBericht. Default: now. */
  tijdstip?: Date;
  /** The answer's zender, when it is not the question's ontvanger verbatim. */
  zender?: Systeem;
}

/**
 * The answer rule: the answer swaps zender and ontvanger, has its own referentienummer and
 * tijdstipBericht (Europe/Amsterdam), and carries the question's referentienummer as
 * crossRefnummer. A La01 repeats the question's entiteittype, a Du02 its functie.
 */
export function antwoordStuurgegevens(vraag: Stuurgegevens, berichtcode: Berichtcode, meta: AntwoordMeta = {}): Stuurgegevens {
  const referentienummer = meta.referentienummer ?? nieuwReferentienummer();
  if (referentienummer.length === 0 || referentienummer.length > 40) throw new Error('antwoordStuurgegevens: a referentienummer has 1 to 40 characters');
  return {
    berichtcode,
    zender: meta.zender ?? vraag.ontvanger,
    ontvanger: vraag.zender,
    referentienummer,
    tijdstipBericht: stufTijdstip(meta.tijdstip ?? new Date()),
    crossRefnummer: vraag.referentienummer,
    ...(berichtcode.startsWith('La') && vraag.entiteittype !== undefined ? { entiteittype: vraag.entiteittype } : {}),
    ...(berichtcode.startsWith('Du') && vraag.functie !== undefined ? { functie: vraag.functie } : {}),
  };
}

/** A new referentienummer: a random UUID (36 characters). */
export function nieuwReferentienummer(): string {
  return randomUUID();
}

/**
 * A moment as a StUF tijdstip in Europe/Amsterdam: `yyyymmddhhmmssfff` (17 digits). StUF's
 * tijdstip carries no offset: it is Dutch local time. Formatting an instant is always defined;
 * in the repeated hour at the end of summer time two instants give the same text (docs/dates.md).
 */
export function stufTijdstip(moment: Date): string {
  if (Number.isNaN(moment.getTime())) throw new Error('stufTijdstip: invalid date');
  return DateTime.fromJSDate(moment, { zone: NL_ZONE }).toFormat('yyyyMMddHHmmssSSS');
}
