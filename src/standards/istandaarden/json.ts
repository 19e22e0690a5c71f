/**
 * iJw/iWmo bericht ⇄ JSON, driven by the structure model (schema/model.ts), so that every element
 * the standard has is carried and nothing else: lossless in both directions by construction.
 *
 * The JSON follows the element tree with a few fixed rules:
 * - a key is the element's name with a lower-case first letter (`ToegewezenProduct` →
 *   `toegewezenProduct`, `Bsn` → `bsn`);
 * - a value of an integer basisschema type (LDT_Nummer, LDT_Bedrag, LDT_Volume …) is a JSON number,
 *   every other value a string exactly as in the XML (dates `YYYY-MM-DD`, codes with leading zeros);
 * - an element that may occur more than once is an array;
 * - a group whose only child is such a repeated element (ToegewezenProducten, Clienten,
 *   Prestaties, Relaties, Contactgegevens, RetourCodes) is that array itself;
 * - the Header's common fields (BerichtCode … XsdVersie) are not in the payload (the envelope
 *   carries them); fields a header has beyond them (the 325's DeclaratieIdentificatie, a
 *   retourbericht's IdentificatieRetour, RetourCodes …) are top-level keys beside the body.
 */
import type { XmlElement } from '../../xml/parse.js';
import { basisschemaNamespace, berichtNamespace, type BerichtNummer, type Standaard } from './catalog.js';
import { berichtElement, COMPLEX_TYPES, SIMPLE_TYPES, type ElementDef } from './schema/model.js';

/** The Header fields every bericht has; the envelope carries them, not the payload. */
export const GEMEENSCHAPPELIJKE_HEADER = ['BerichtCode', 'BerichtVersie', 'BerichtSubversie', 'Afzender', 'Ontvanger', 'BerichtIdentificatie', 'XsdVersie'] as const;

/** Control characters, U+FFFE/U+FFFF and lone surrogates: not allowed in XML 1.0 text. */
// eslint-disable-next-line no-control-regex
const NIET_IN_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const INTEGER_TYPES = new Set(SIMPLE_TYPES.filter((t) => t.base === 'xs:integer').map((t) => t.name));

export function jsonSleutel(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

/** A value the JSON cannot carry into the bericht: names the JSON path and the rule, never the value. */
export class BerichtJsonError extends Error {
  constructor(
    readonly pointer: string,
    message: string,
  ) {
    super(`${pointer || '/'}: ${message}`);
    this.name = 'BerichtJsonError';
  }
}

/** The children of an element in the model: its own group, or those of its basisschema complex type. */
export function kinderenVan(def: ElementDef): { children: readonly ElementDef[]; basis: boolean } | undefined {
  if (def.children) return { children: def.children, basis: false };
  const cdt = COMPLEX_TYPES.find((c) => c.name === def.type);
  return cdt ? { children: cdt.children, basis: true } : undefined;
}

const herhaald = (d: ElementDef) => d.max === 'unbounded' || d.max > 1;

/** The repeated child a group consists of, when the group is only a list wrapper. */
export function lijstKind(def: ElementDef): ElementDef | undefined {
  const k = kinderenVan(def);
  if (!k || k.basis || k.children.length !== 1) return undefined;
  const only = k.children[0]!;
  return herhaald(only) ? only : undefined;
}

function waardeNaarJson(el: XmlElement, def: ElementDef): unknown {
  const k = kinderenVan(def);
  if (!k) {
    const text = el.text ?? '';
    return def.type && INTEGER_TYPES.has(def.type) && /^[+-]?\d+$/.test(text.trim()) ? Number(text.trim()) : text;
  }
  const lijst = lijstKind(def);
  if (lijst) {
    const uit: unknown[] = [];
    for (const c of el.children) if (c.name === lijst.name) uit.push(waardeNaarJson(c, lijst));
    return uit;
  }
  return groepNaarJson(el.children, k.children);
}

// This runs for each of a declaratie's 150,000 elements. An XSD-valid record has its children in
// the order of the model's sequence: then one walk along both does it; otherwise (a choice, an
// order the model does not have) each field looks through the children.
function groepNaarJson(children: readonly XmlElement[], defs: readonly ElementDef[]): Record<string, unknown> {
  const inVolgorde = opVolgorde(children, defs);
  if (inVolgorde) return inVolgorde;
  const out: Record<string, unknown> = {};
  for (const def of defs) {
    if (herhaald(def)) {
      let values: unknown[] | undefined;
      for (const c of children) if (c.name === def.name) (values ??= []).push(waardeNaarJson(c, def));
      if (values) out[jsonSleutel(def.name)] = values;
    } else {
      // A field that occurs once: its first occurrence, as before (the XSD allows no second).
      for (const c of children) {
        if (c.name !== def.name) continue;
        out[jsonSleutel(def.name)] = waardeNaarJson(c, def);
        break;
      }
    }
  }
  return out;
}

/** groepNaarJson in one walk, when the children follow the model's order; undefined when they do not. */
function opVolgorde(children: readonly XmlElement[], defs: readonly ElementDef[]): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  let i = 0;
  for (let d = 0; d < defs.length && i < children.length; d++) {
    const def = defs[d]!;
    if (children[i]!.name !== def.name) continue;
    if (herhaald(def)) {
      const values: unknown[] = [];
      while (i < children.length && children[i]!.name === def.name) values.push(waardeNaarJson(children[i++]!, def));
      out[jsonSleutel(def.name)] = values;
    } else {
      out[jsonSleutel(def.name)] = waardeNaarJson(children[i++]!, def);
      // A second one of a field that occurs once: not the model's order.
      if (i < children.length && children[i]!.name === def.name) return undefined;
    }
  }
  return i === children.length ? out : undefined;
}

/**
 * The payload of a parsed, XSD-valid bericht: the body and the Header's own extra fields. Elements
 * the model does not know cannot occur after XSD validation; they would be left out.
 */
export function berichtPayload(root: XmlElement, standaard: Standaard, nummer: BerichtNummer): Record<string, unknown> {
  const model = berichtElement(nummer, standaard);
  const defs = model.children!;
  const headerDef = defs[0]!;
  const header = root.children.find((c) => c.name === 'Header');
  const extra = headerDef.children!.filter((d) => !(GEMEENSCHAPPELIJKE_HEADER as readonly string[]).includes(d.name));
  return { ...(header ? groepNaarJson(header.children, extra) : {}), ...groepNaarJson(root.children, defs.slice(1)) };
}

function leaf(ns: string, prefix: string, name: string, text: string): XmlElement {
  return { ns, name, prefix, attrs: {}, children: [], text };
}

interface Ns {
  bericht: string;
  berichtPrefix: string;
  basis: string;
  basisPrefix: string;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function waardeNaarXml(value: unknown, def: ElementDef, inBasis: boolean, ns: Ns, pointer: string): XmlElement {
  const [uri, prefix] = inBasis ? [ns.basis, ns.basisPrefix] : [ns.bericht, ns.berichtPrefix];
  const k = kinderenVan(def);
  if (!k) {
    if (typeof value === 'number') {
      if (!Number.isSafeInteger(value)) throw new BerichtJsonError(pointer, 'must be a whole number');
      return leaf(uri, prefix, def.name, String(value));
    }
    if (typeof value !== 'string') throw new BerichtJsonError(pointer, 'must be a string or a number');
    if (NIET_IN_XML.test(value)) throw new BerichtJsonError(pointer, 'contains a character XML 1.0 cannot carry');
    return leaf(uri, prefix, def.name, value);
  }
  const lijst = lijstKind(def);
  if (lijst) {
    if (!Array.isArray(value)) throw new BerichtJsonError(pointer, 'must be an array');
    return { ns: uri, name: def.name, prefix, attrs: {}, children: value.map((v, i) => waardeNaarXml(v, lijst, false, ns, `${pointer}/${i}`)) };
  }
  if (!isObject(value)) throw new BerichtJsonError(pointer, 'must be an object');
  return { ns: uri, name: def.name, prefix, attrs: {}, children: groepNaarXml(value, k.children, k.basis, ns, pointer) };
}

function groepNaarXml(value: Record<string, unknown>, defs: readonly ElementDef[], inBasis: boolean, ns: Ns, pointer: string): XmlElement[] {
  const known = new Set(defs.map((d) => jsonSleutel(d.name)));
  for (const key of Object.keys(value)) {
    if (!known.has(key)) throw new BerichtJsonError(`${pointer}/${key}`, 'is not an element of this bericht');
  }
  const out: XmlElement[] = [];
  for (const def of defs) {
    const key = jsonSleutel(def.name);
    const v = value[key];
    if (v === undefined || v === null) continue;
    if (herhaald(def)) {
      if (!Array.isArray(v)) throw new BerichtJsonError(`${pointer}/${key}`, 'must be an array');
      v.forEach((item, i) => out.push(waardeNaarXml(item, def, inBasis, ns, `${pointer}/${key}/${i}`)));
    } else {
      out.push(waardeNaarXml(v, def, inBasis, ns, `${pointer}/${key}`));
    }
  }
  return out;
}

/**
 * The body elements and the Header's extra elements of a bericht from its payload, in model order
 * and in the real namespaces. Throws {@link BerichtJsonError} for a key the bericht does not have
 * or a value of the wrong JSON type; facets are the XSD's job afterwards.
 */
export function payloadNaarXml(payload: Record<string, unknown>, standaard: Standaard, nummer: BerichtNummer): { headerExtra: XmlElement[]; body: XmlElement[] } {
  const model = berichtElement(nummer, standaard);
  const defs = model.children!;
  const headerDefs = defs[0]!.children!.filter((d) => !(GEMEENSCHAPPELIJKE_HEADER as readonly string[]).includes(d.name));
  const bodyDefs = defs.slice(1);
  const ns: Ns = {
    bericht: berichtNamespace(standaard, nummer),
    berichtPrefix: `${standaard === 'ijw' ? 'jw' : 'wmo'}${nummer}`,
    basis: basisschemaNamespace(standaard),
    basisPrefix: standaard,
  };
  const headerKeys = new Set(headerDefs.map((d) => jsonSleutel(d.name)));
  const headerPart: Record<string, unknown> = {};
  const bodyPart: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(payload)) (headerKeys.has(k) ? headerPart : bodyPart)[k] = v;
  return { headerExtra: groepNaarXml(headerPart, headerDefs, false, ns, ''), body: groepNaarXml(bodyPart, bodyDefs, false, ns, '') };
}
