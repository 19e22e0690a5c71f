/**
 * iJw/iWmo bericht XML ⇄ JSON. The field work follows the structure model (json.ts), so every
 * element of the standard is carried both ways; this module adds the Header and the renaming of the
 * real namespaces to the neutral ones ({@link NEUTRAAL}) that declarative route mappings (such as
 * `istandaarden-315-naar-zaak`) are written against, so that one mapping file serves iJw and iWmo.
 *
 * Pure functions: no I/O, inputs are never modified.
 */
import { serializeXml } from '../../xml/build.js';
import type { XmlElement } from '../../xml/parse.js';
import { berichtPayload, payloadNaarXml } from './json.js';
import { basisschemaNamespace, berichtNamespace, berichtPrefix, berichtType, NEUTRAAL, parseBerichtNamespace, RELEASE, type BerichtNummer, type Standaard } from './catalog.js';

/** The heenbericht header fields every bericht starts with (docs/istandaarden/berichten.md, "Header"). */
export interface BerichtHeader {
  berichtCode: number;
  versie: number;
  subversie: number;
  /** CBS gemeentecode (4 digits) or AGB code (8 digits), by direction. */
  afzender: string;
  ontvanger: string;
  identificatie: string;
  /** YYYY-MM-DD */
  dagtekening: string;
  xsdVersie: { basisschema: string; bericht: string };
}

/** Prefixes of the neutral namespaces, as the mapping files use them. */
export const NEUTRALE_PREFIXEN = { bericht: 'b', basisschema: 'i' } as const;

/** A bericht whose Header is absent or incomplete; the message names the element, never a value. */
export class BerichtHeaderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BerichtHeaderError';
  }
}

/**
 * Reads the Header of a bericht (heenbericht or retourbericht: the first fields are the same).
 * Works on the real and on the neutral namespaces: the Header and its fields are looked up in the
 * root's namespace, the parts of CDT_BerichtIdentificatie and CDT_XsdVersie by local name.
 * Throws {@link BerichtHeaderError} naming the first missing or malformed element.
 */
export function readHeader(root: XmlElement): BerichtHeader {
  const header = root.children.find((c) => c.ns === root.ns && c.name === 'Header');
  if (!header) throw new BerichtHeaderError('iStandaarden bericht: the Header element is missing');
  const field = (name: string): XmlElement => {
    const el = header.children.find((c) => c.ns === root.ns && c.name === name);
    if (!el) throw new BerichtHeaderError(`iStandaarden bericht: Header/${name} is missing`);
    return el;
  };
  const text = (el: XmlElement, at: string): string => {
    const value = el.children.length === 0 ? (el.text ?? '').trim() : '';
    if (value === '') throw new BerichtHeaderError(`iStandaarden bericht: ${at} is empty`);
    return value;
  };
  const part = (parent: XmlElement, parentName: string, name: string): string => {
    const el = parent.children.find((c) => c.name === name);
    if (!el) throw new BerichtHeaderError(`iStandaarden bericht: Header/${parentName}/${name} is missing`);
    return text(el, `Header/${parentName}/${name}`);
  };
  const whole = (name: string): number => {
    const value = text(field(name), `Header/${name}`);
    if (!/^\d{1,9}$/.test(value)) throw new BerichtHeaderError(`iStandaarden bericht: Header/${name} is not a whole number`);
    return Number(value);
  };

  const berichtCode = whole('BerichtCode');
  const versie = whole('BerichtVersie');
  const subversie = whole('BerichtSubversie');
  const afzender = text(field('Afzender'), 'Header/Afzender');
  const ontvanger = text(field('Ontvanger'), 'Header/Ontvanger');
  const identificatie = field('BerichtIdentificatie');
  const xsd = field('XsdVersie');
  return {
    berichtCode,
    versie,
    subversie,
    afzender,
    ontvanger,
    identificatie: part(identificatie, 'BerichtIdentificatie', 'Identificatie'),
    dagtekening: part(identificatie, 'BerichtIdentificatie', 'Dagtekening'),
    xsdVersie: { basisschema: part(xsd, 'XsdVersie', 'BasisschemaXsdVersie'), bericht: part(xsd, 'XsdVersie', 'BerichtXsdVersie') },
  };
}

interface Hernoeming {
  ns: string;
  prefix: string;
}

/** A copy of the tree with element (and attribute) namespaces renamed; everything else is kept. */
function hernoem(element: XmlElement, table: ReadonlyMap<string, Hernoeming>): XmlElement {
  const to = table.get(element.ns);
  const attrs: Record<string, string> = {};
  for (const [key, value] of Object.entries(element.attrs)) {
    let name = key;
    const close = key.startsWith('{') ? key.indexOf('}') : -1;
    if (close > 0) {
      const renamed = table.get(key.slice(1, close));
      if (renamed) name = `{${renamed.ns}}${key.slice(close + 1)}`;
    }
    Object.defineProperty(attrs, name, { value, enumerable: true, writable: true, configurable: true });
  }
  const copy: XmlElement = {
    ns: to ? to.ns : element.ns,
    name: element.name,
    prefix: to ? to.prefix : element.prefix,
    attrs,
    children: element.children.map((c) => hernoem(c, table)),
  };
  if (element.text !== undefined) copy.text = element.text;
  return copy;
}

/**
 * The bericht with its own namespace → NEUTRAAL.bericht (prefix `b`) and the basisschema
 * namespace of `standaard` → NEUTRAAL.basisschema (prefix `i`), as the mapping files read it.
 * The root must be in a release 3.2 bericht namespace of `standaard` (any bericht, retour included).
 */
export function naarNeutraal(root: XmlElement, standaard: Standaard): XmlElement {
  const ns = parseBerichtNamespace(root.ns);
  if (!ns || ns.standaard !== standaard || ns.release !== RELEASE.pad) {
    throw new Error(`naarNeutraal: the root element is not in a ${standaard} ${RELEASE.versie}.${RELEASE.subversie} bericht namespace`);
  }
  return hernoem(
    root,
    new Map([
      [root.ns, { ns: NEUTRAAL.bericht, prefix: NEUTRALE_PREFIXEN.bericht }],
      [basisschemaNamespace(standaard), { ns: NEUTRAAL.basisschema, prefix: NEUTRALE_PREFIXEN.basisschema }],
    ]),
  );
}

/** The reverse of {@link naarNeutraal}: NEUTRAAL.bericht → the namespace of bericht `nummer` of `standaard`, NEUTRAAL.basisschema → its basisschema. */
export function uitNeutraal(root: XmlElement, standaard: Standaard, nummer: BerichtNummer): XmlElement {
  return hernoem(
    root,
    new Map([
      [NEUTRAAL.bericht, { ns: berichtNamespace(standaard, nummer), prefix: berichtPrefix(standaard, nummer) }],
      [NEUTRAAL.basisschema, { ns: basisschemaNamespace(standaard), prefix: standaard }],
    ]),
  );
}

function el(ns: string, prefix: string, name: string, children: XmlElement[] | string): XmlElement {
  return typeof children === 'string'
    ? { ns, name, prefix, attrs: {}, children: [], text: children }
    : { ns, name, prefix, attrs: {}, children };
}

/**
 * A parsed bericht (real namespaces) → its header and its JSON payload (json.ts: every value of
 * the body and of the Header's own extra fields). Throws when the root is not that bericht and
 * when the Header is incomplete ({@link BerichtHeaderError}).
 */
export function berichtNaarJson(root: XmlElement, standaard: Standaard, nummer: BerichtNummer): { header: BerichtHeader; payload: Record<string, unknown> } {
  if (root.name !== 'Bericht' || root.ns !== berichtNamespace(standaard, nummer)) {
    throw new Error(`berichtNaarJson: expected a ${berichtType(standaard, nummer)} Bericht in ${berichtNamespace(standaard, nummer)}`);
  }
  return { header: readHeader(root), payload: berichtPayload(root, standaard, nummer) };
}

/** The common Header fields in the real namespaces, in the order of the standard. */
function headerElement(header: BerichtHeader, standaard: Standaard, nummer: BerichtNummer): XmlElement {
  const ns = berichtNamespace(standaard, nummer);
  const prefix = berichtPrefix(standaard, nummer);
  const b = (name: string, children: XmlElement[] | string) => el(ns, prefix, name, children);
  const i = (name: string, text: string) => el(basisschemaNamespace(standaard), standaard, name, text);
  return b('Header', [
    b('BerichtCode', String(header.berichtCode)),
    b('BerichtVersie', String(header.versie)),
    b('BerichtSubversie', String(header.subversie)),
    b('Afzender', header.afzender),
    b('Ontvanger', header.ontvanger),
    b('BerichtIdentificatie', [i('Identificatie', header.identificatie), i('Dagtekening', header.dagtekening)]),
    b('XsdVersie', [i('BasisschemaXsdVersie', header.xsdVersie.basisschema), i('BerichtXsdVersie', header.xsdVersie.bericht)]),
  ]);
}

/**
 * A JSON payload → the complete bericht XML document: root `Bericht` in the bericht's own
 * namespace (prefix jw301 / wmo301 ...) with the basisschema namespace (prefix ijw / iwmo), the
 * Header first (the common fields from `header`, then the payload's header fields such as the
 * 325's DeclaratieIdentificatie), then the body. Throws {@link BerichtJsonError} for a key the
 * bericht does not have; the caller validates the result against the XSD.
 */
export function jsonNaarBericht(payload: Record<string, unknown>, header: BerichtHeader, standaard: Standaard, nummer: BerichtNummer): string {
  return jsonNaarBerichtBoom(payload, header, standaard, nummer).xml;
}

/**
 * {@link jsonNaarBericht}, with the tree it built beside the text: the same tree parseXml gives
 * for that text (a unit test holds them equal), so knooppunt never parses XML it wrote itself.
 */
export function jsonNaarBerichtBoom(payload: Record<string, unknown>, header: BerichtHeader, standaard: Standaard, nummer: BerichtNummer): { root: XmlElement; xml: string } {
  const { headerExtra, body } = payloadNaarXml(payload, standaard, nummer);
  const kop = headerElement(header, standaard, nummer);
  kop.children.push(...headerExtra);
  const root: XmlElement = { ns: berichtNamespace(standaard, nummer), name: 'Bericht', prefix: berichtPrefix(standaard, nummer), attrs: {}, children: [kop, ...body] };
  const xml = serializeXml(root, {
    namespaces: { [berichtPrefix(standaard, nummer)]: berichtNamespace(standaard, nummer), [standaard]: basisschemaNamespace(standaard) },
    declaration: true,
    pretty: true,
  });
  return { root, xml: `${xml}\n` };
}
