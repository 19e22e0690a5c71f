/**
 * The XML of SUWI-style bevragingen (docs/suwi/bevraging.md): reading a BevragingVraag, writing a
 * BevragingAntwoord and an FWI, the BronVraag / BronAntwoord of SOAP sources, and the element ⇄
 * JSON rule for the data they carry. Pure functions; schemas/suwi/*.xsd is what they write and read.
 *
 * ## The element ⇄ JSON rule (suwi:Gegevens, bron:Gegevens)
 *
 * Writing ({@link gegevensNaarXml}), for a JSON object:
 * - every key becomes one element with the key as local name, in the given namespace, in the
 *   object's key order. A key must be an XML NCName (no colon) that does not start with `xml`
 *   (any case); anything else is refused ({@link GegevensFout}), as is a string holding a
 *   character XML cannot carry.
 * - a string is the element's text, exactly (no trimming);
 * - a number (finite) is its text as JavaScript writes it (`42`, `-1.5`, `1e+21`) with the
 *   attribute `type="getal"`; a boolean is `true` / `false` with `type="boolean"`;
 * - an object is an element holding the elements of its keys;
 * - an array repeats the key's element once per item, in order, each item marked `lijst="true"`
 *   (so that a list of one item reads back as a list); items are strings, numbers, booleans or
 *   objects. An array inside an array, or a null item, is refused (XML has no name for it);
 * - `null` and `undefined` values are left out: in an answer, absent and null mean the same.
 * The marker attributes are unqualified; the XSDs take the data with a `skip` wildcard (see suwi.xsd).
 *
 * Reading ({@link xmlNaarGegevens}), for an element holding elements:
 * - child elements (which must be in the parent's namespace) become keys by local name, in order
 *   of first appearance; siblings with the same name, or any carrying `lijst="true"`, become an
 *   array in document order;
 * - an element with child elements is an object; an element without is a leaf whose text is a
 *   string, unchanged (also when it looks like a number: `"0123"` stays `"0123"`), unless it is
 *   marked `type="getal"` (read as a JSON number; text that is not one is refused) or
 *   `type="boolean"` (`true`/`1` or `false`/`0`).
 * So what {@link gegevensNaarXml} writes reads back as the same JSON, except: null values are gone,
 * an empty array is gone, an empty object reads back as the empty string, and a carriage return
 * in a string reads back as a line feed (XML end-of-line handling). Text mixed with child
 * elements is refused.
 *
 * Errors name the element or the kind of problem, never a value (nor a data key: keys can be data).
 */
import type { BevragingFoutcode } from '../../bevragingen/types.js';
import { serializeXml } from '../../xml/build.js';
import type { XmlElement } from '../../xml/parse.js';

export const SUWI_NS = 'urn:knooppunt:suwi:1';
export const SUWI_BRON_NS = 'urn:knooppunt:suwi:bron:1';
/** The SOAPAction of the Bevraging operation (schemas/suwi/suwi.wsdl). */
export const SUWI_BEVRAGING_ACTION = 'urn:knooppunt:suwi:1/Bevraging';
/** The conventional SOAPAction of a SOAP source (configurable per source). */
export const SUWI_BRON_ACTION = 'urn:knooppunt:suwi:bron:1/BronVraag';

/** The largest Omschrijving in an FWI (suwi:Tekst). */
export const MAX_OMSCHRIJVING = 500;

/** A request or answer that lacks an element or holds one that does not fit. `element` is a local name path, never a value. */
export class SuwiBerichtFout extends Error {
  constructor(
    readonly element: string,
    message: string,
  ) {
    super(message);
    this.name = 'SuwiBerichtFout';
  }
}

/** Data that the element ⇄ JSON rule cannot carry. The message names the problem and the depth, never a key or value. */
export class GegevensFout extends Error {
  constructor(
    readonly reden: 'ongeldige-naam' | 'ongeldige-waarde' | 'geneste-lijst' | 'te-diep' | 'gemengde-inhoud' | 'ander-namespace' | 'ongeldig-getal' | 'ongeldige-boolean',
    message: string,
  ) {
    super(message);
    this.name = 'GegevensFout';
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers

function el(ns: string, name: string, children: XmlElement[] = [], text?: string, prefix = '', attrs: Record<string, string> = {}): XmlElement {
  const e: XmlElement = { ns, name, prefix, attrs, children };
  if (text !== undefined) e.text = text;
  else if (children.length === 0) e.text = '';
  return e;
}

function kinderen(parent: XmlElement, ns: string, name: string): XmlElement[] {
  return parent.children.filter((c) => c.ns === ns && c.name === name);
}

/** The trimmed text of the single child `name`, or undefined when it is absent or blank. */
function tekstVan(parent: XmlElement | undefined, ns: string, name: string): string | undefined {
  if (!parent) return undefined;
  const found = kinderen(parent, ns, name);
  if (found.length > 1) throw new SuwiBerichtFout(name, `${name} occurs more than once`);
  const text = found[0]?.text?.trim();
  return text === undefined || text === '' ? undefined : text;
}

/** At most `max` characters (code points). */
function afgekapt(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

function tekst(root: XmlElement, prefixen: Record<string, string>): string {
  return serializeXml(root, { namespaces: prefixen, declaration: false });
}

// ---------------------------------------------------------------------------------------------
// BevragingVraag, BevragingAntwoord, FWI

export interface BevragingVraag {
  dienst: string;
  bsn: string;
  /** Absent when the request has no (or an empty) Doelbinding/Doel: the service answers doel-ontbreekt. */
  doel?: string;
  zaakreferentie?: string;
}

/** Reads a `suwi:BevragingVraag` (the SOAP Body's child). Throws {@link SuwiBerichtFout} naming what is missing. */
export function leesBevragingVraag(e: XmlElement): BevragingVraag {
  if (e.ns !== SUWI_NS || e.name !== 'BevragingVraag') throw new SuwiBerichtFout('BevragingVraag', 'The request is not a suwi:BevragingVraag');
  const dienst = tekstVan(e, SUWI_NS, 'Dienst');
  if (dienst === undefined) throw new SuwiBerichtFout('Dienst', 'BevragingVraag lacks Dienst');
  const bsn = tekstVan(e, SUWI_NS, 'Burgerservicenr');
  if (bsn === undefined) throw new SuwiBerichtFout('Burgerservicenr', 'BevragingVraag lacks Burgerservicenr');
  const doelbindingen = kinderen(e, SUWI_NS, 'Doelbinding');
  if (doelbindingen.length > 1) throw new SuwiBerichtFout('Doelbinding', 'Doelbinding occurs more than once');
  const doel = tekstVan(doelbindingen[0], SUWI_NS, 'Doel');
  const zaakreferentie = tekstVan(doelbindingen[0], SUWI_NS, 'Zaakreferentie');
  return { dienst, bsn, ...(doel !== undefined ? { doel } : {}), ...(zaakreferentie !== undefined ? { zaakreferentie } : {}) };
}

export interface BevragingAntwoordInhoud {
  uitkomst: 'gevonden' | 'niet-gevonden';
  doel: string;
  grondslag: string;
  bron: string;
  /** The minimised data; only written when found (an absent one is an empty Gegevens). */
  gegevens?: Record<string, unknown>;
}

/** `suwi:BevragingAntwoord`, without XML declaration (for a SOAP Body). Throws {@link GegevensFout} for data the rule cannot carry. */
export function bouwBevragingAntwoord(a: BevragingAntwoordInhoud): string {
  const p = 'suwi';
  const slot =
    a.uitkomst === 'gevonden'
      ? el(SUWI_NS, 'Gegevens', gegevensNaarXml(a.gegevens ?? {}, SUWI_NS, p), undefined, p)
      : el(SUWI_NS, 'NietGevonden', [], undefined, p);
  const root = el(
    SUWI_NS,
    'BevragingAntwoord',
    [
      el(SUWI_NS, 'Uitkomst', [], a.uitkomst, p),
      el(SUWI_NS, 'Doel', [], a.doel, p),
      el(SUWI_NS, 'Grondslag', [], a.grondslag, p),
      el(SUWI_NS, 'Bron', [], a.bron, p),
      slot,
    ],
    undefined,
    p,
  );
  return tekst(root, { suwi: SUWI_NS });
}

/** `suwi:FWI` (foutinformatie) for a Fault's detail, without XML declaration. The omschrijving is cut at {@link MAX_OMSCHRIJVING} characters. */
export function bouwFwi(foutcode: BevragingFoutcode, omschrijving: string): string {
  const p = 'suwi';
  const root = el(SUWI_NS, 'FWI', [el(SUWI_NS, 'Foutcode', [], foutcode, p), el(SUWI_NS, 'Omschrijving', [], afgekapt(omschrijving, MAX_OMSCHRIJVING), p)], undefined, p);
  return tekst(root, { suwi: SUWI_NS });
}

// ---------------------------------------------------------------------------------------------
// BronVraag, BronAntwoord

export interface BronVraagInhoud {
  dienst: string;
  bsn: string;
  doel: string;
  grondslag: string;
  /** The requester's party id. */
  afnemer: string;
}

/** `bron:BronVraag`, without XML declaration (for a SOAP Body). */
export function bouwBronVraag(v: BronVraagInhoud): string {
  const p = 'bron';
  const root = el(
    SUWI_BRON_NS,
    'BronVraag',
    [
      el(SUWI_BRON_NS, 'Dienst', [], v.dienst, p),
      el(SUWI_BRON_NS, 'Burgerservicenr', [], v.bsn, p),
      el(SUWI_BRON_NS, 'Doel', [], v.doel, p),
      el(SUWI_BRON_NS, 'Grondslag', [], afgekapt(v.grondslag, MAX_OMSCHRIJVING), p),
      el(SUWI_BRON_NS, 'Afnemer', [], v.afnemer, p),
    ],
    undefined,
    p,
  );
  return tekst(root, { bron: SUWI_BRON_NS });
}

export type { BronAntwoord } from '../../bevragingen/bron.js';
import type { BronAntwoord } from '../../bevragingen/bron.js';

/** Reads a `bron:BronAntwoord`. Throws {@link SuwiBerichtFout} or {@link GegevensFout}. */
export function leesBronAntwoord(e: XmlElement): BronAntwoord {
  if (e.ns !== SUWI_BRON_NS || e.name !== 'BronAntwoord') throw new SuwiBerichtFout('BronAntwoord', 'The answer is not a bron:BronAntwoord');
  const niet = kinderen(e, SUWI_BRON_NS, 'NietGevonden');
  const gegevens = kinderen(e, SUWI_BRON_NS, 'Gegevens');
  if (niet.length + gegevens.length !== 1 || e.children.length !== 1) {
    throw new SuwiBerichtFout('BronAntwoord', 'BronAntwoord must hold either NietGevonden or Gegevens');
  }
  if (niet.length === 1) return { gevonden: false };
  return { gevonden: true, gegevens: xmlNaarGegevens(gegevens[0]!) };
}

// ---------------------------------------------------------------------------------------------
// The element ⇄ JSON rule

/** Attribute marking a number or boolean leaf. */
export const TYPE_ATTR = 'type';
/** Attribute marking an item of a JSON array. */
export const LIJST_ATTR = 'lijst';
const MAX_DIEPTE = 48;

// XML 1.0 (5th ed.) NameStartChar / NameChar, without the colon: an NCName.
const NAME_START = 'A-Z_a-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C-\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD\\u{10000}-\\u{EFFFF}';
const NAME_CHAR = `${NAME_START}\\-.0-9\\u00B7\\u0300-\\u036F\\u203F-\\u2040`;
const NCNAME = new RegExp(`^[${NAME_START}][${NAME_CHAR}]*$`, 'u');
/** Characters XML 1.0 cannot carry (also not as a character reference). */
const NIET_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/u;
const JSON_GETAL = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;

/** True when `key` may be an element name by the rule: an NCName not starting with `xml`. */
export function isGegevensNaam(key: string): boolean {
  return key.length <= 200 && NCNAME.test(key) && !/^xml/i.test(key);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** The elements for the keys of `obj`, in `ns` with `prefix`, by the rule above. Throws {@link GegevensFout}. */
export function gegevensNaarXml(obj: Record<string, unknown>, ns: string, prefix: string): XmlElement[] {
  if (!isPlainObject(obj)) throw new GegevensFout('ongeldige-waarde', 'Gegevens must be a JSON object');
  return objectNaarXml(obj, ns, prefix, 1);
}

function objectNaarXml(obj: Record<string, unknown>, ns: string, prefix: string, diepte: number): XmlElement[] {
  if (diepte > MAX_DIEPTE) throw new GegevensFout('te-diep', `Gegevens are nested deeper than ${MAX_DIEPTE} levels`);
  const out: XmlElement[] = [];
  for (const [key, value] of Object.entries(obj)) {
    if (!isGegevensNaam(key)) throw new GegevensFout('ongeldige-naam', `A key at depth ${diepte} is not a valid XML element name`);
    if (value === null || value === undefined) continue;
    if (Array.isArray(value)) {
      for (const item of value as unknown[]) {
        if (Array.isArray(item)) throw new GegevensFout('geneste-lijst', `An array at depth ${diepte} holds an array, which XML cannot name`);
        if (item === null || item === undefined) throw new GegevensFout('ongeldige-waarde', `An array at depth ${diepte} holds a null item`);
        const e = waardeNaarXml(key, item, ns, prefix, diepte);
        e.attrs[LIJST_ATTR] = 'true';
        out.push(e);
      }
    } else {
      out.push(waardeNaarXml(key, value, ns, prefix, diepte));
    }
  }
  return out;
}

function waardeNaarXml(key: string, value: unknown, ns: string, prefix: string, diepte: number): XmlElement {
  switch (typeof value) {
    case 'string':
      if (NIET_XML.test(value)) throw new GegevensFout('ongeldige-waarde', `A string at depth ${diepte} holds a character XML cannot carry`);
      return el(ns, key, [], value, prefix);
    case 'number':
      if (!Number.isFinite(value)) throw new GegevensFout('ongeldige-waarde', `A number at depth ${diepte} is not finite`);
      return el(ns, key, [], String(value), prefix, { [TYPE_ATTR]: 'getal' });
    case 'boolean':
      return el(ns, key, [], String(value), prefix, { [TYPE_ATTR]: 'boolean' });
    default:
      if (!isPlainObject(value)) throw new GegevensFout('ongeldige-waarde', `A value at depth ${diepte} is not a JSON value`);
      return el(ns, key, objectNaarXml(value, ns, prefix, diepte + 1), undefined, prefix);
  }
}

/** The JSON object for the child elements of `e` (e.g. a suwi:Gegevens), by the rule above. Throws {@link GegevensFout}. */
export function xmlNaarGegevens(e: XmlElement): Record<string, unknown> {
  if (e.children.length === 0 && e.text !== undefined && /\S/.test(e.text)) {
    throw new GegevensFout('gemengde-inhoud', `${e.name} holds text instead of elements`);
  }
  return objectVan(e, 1);
}

function objectVan(e: XmlElement, diepte: number): Record<string, unknown> {
  if (diepte > MAX_DIEPTE) throw new GegevensFout('te-diep', `Gegevens are nested deeper than ${MAX_DIEPTE} levels`);
  if (e.text !== undefined && e.children.length > 0) throw new GegevensFout('gemengde-inhoud', `An element at depth ${diepte} mixes text and elements`);
  const groepen = new Map<string, XmlElement[]>();
  for (const c of e.children) {
    if (c.ns !== e.ns) throw new GegevensFout('ander-namespace', `An element at depth ${diepte} is not in the namespace of ${e.name}`);
    const groep = groepen.get(c.name);
    if (groep) groep.push(c);
    else groepen.set(c.name, [c]);
  }
  // Object.fromEntries defines own properties: an element named __proto__ cannot touch the prototype.
  return Object.fromEntries(
    [...groepen].map(([name, groep]) => {
      const lijst = groep.length > 1 || groep.some((c) => c.attrs[LIJST_ATTR] === 'true');
      return [name, lijst ? groep.map((c) => waardeVan(c, diepte)) : waardeVan(groep[0]!, diepte)];
    }),
  );
}

function waardeVan(c: XmlElement, diepte: number): unknown {
  if (c.children.length > 0) return objectVan(c, diepte + 1);
  const text = c.text ?? '';
  const type = c.attrs[TYPE_ATTR];
  if (type === 'getal') {
    const t = text.trim();
    const n = Number(t);
    if (!JSON_GETAL.test(t) || !Number.isFinite(n)) throw new GegevensFout('ongeldig-getal', `An element at depth ${diepte} marked as a number does not hold one`);
    return n;
  }
  if (type === 'boolean') {
    const t = text.trim();
    if (t === 'true' || t === '1') return true;
    if (t === 'false' || t === '0') return false;
    throw new GegevensFout('ongeldige-boolean', `An element at depth ${diepte} marked as a boolean does not hold one`);
  }
  return text;
}
