/**
 * iJw/iWmo bericht XML ⇄ clean JSON. The field work is done by the declarative mapping files in
 * mappings/istandaarden/ (`istandaarden-<nummer>-naar-json`, `istandaarden-<nummer>-uit-json`),
 * written once against the neutral namespaces of {@link NEUTRAAL} so that one file serves iJw and
 * iWmo. This module does what those files cannot: the Header, and renaming the real namespaces
 * (`…/iwmo/3_2/wmo301/schema`, `…/iwmo/3_2/basisschema/schema`) to the neutral ones and back.
 *
 * Pure functions: no I/O, inputs are never modified.
 */
import type { CompiledMapping } from '../../mapping/index.js';
import { serializeXml } from '../../xml/build.js';
import type { XmlElement } from '../../xml/parse.js';
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

/** The mapping file that reads a bericht (`naar-json`) or writes one (`uit-json`). */
export function mappingNaam(nummer: BerichtNummer, richting: 'naar-json' | 'uit-json'): string {
  return `istandaarden-${nummer}-${richting}`;
}

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

function mappingVoor(mappings: ReadonlyMap<string, CompiledMapping>, nummer: BerichtNummer, richting: 'naar-json' | 'uit-json'): CompiledMapping {
  const name = mappingNaam(nummer, richting);
  const mapping = mappings.get(name);
  if (!mapping) throw new Error(`mapping '${name}' is not loaded (expected in mappings/istandaarden/)`);
  const [source, target] = richting === 'naar-json' ? ['xml', 'json'] : ['json', 'xml'];
  if (mapping.sourceFormat !== source || mapping.targetFormat !== target) {
    throw new Error(`mapping '${name}' must map ${source} to ${target}`);
  }
  return mapping;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * A parsed bericht (real namespaces) → its header and the clean JSON payload of mapping
 * `istandaarden-<nummer>-naar-json`. Throws when the root is not that bericht, when the Header is
 * incomplete ({@link BerichtHeaderError}) and when the mapping fails (MappingRunError).
 */
export function berichtNaarJson(
  root: XmlElement,
  standaard: Standaard,
  nummer: BerichtNummer,
  mappings: ReadonlyMap<string, CompiledMapping>,
): { header: BerichtHeader; payload: Record<string, unknown> } {
  if (root.name !== 'Bericht' || root.ns !== berichtNamespace(standaard, nummer)) {
    throw new Error(`berichtNaarJson: expected a ${berichtType(standaard, nummer)} Bericht in ${berichtNamespace(standaard, nummer)}`);
  }
  const header = readHeader(root);
  const output = mappingVoor(mappings, nummer, 'naar-json').run(naarNeutraal(root, standaard)).output;
  if (!isPlainObject(output)) throw new Error(`mapping '${mappingNaam(nummer, 'naar-json')}' did not produce a JSON object`);
  return { header, payload: output };
}

function el(ns: string, prefix: string, name: string, children: XmlElement[] | string): XmlElement {
  return typeof children === 'string'
    ? { ns, name, prefix, attrs: {}, children: [], text: children }
    : { ns, name, prefix, attrs: {}, children };
}

/** The Header in the neutral namespaces, fields in the order of the standard. */
function headerElement(header: BerichtHeader): XmlElement {
  const b = (name: string, children: XmlElement[] | string) => el(NEUTRAAL.bericht, NEUTRALE_PREFIXEN.bericht, name, children);
  const i = (name: string, text: string) => el(NEUTRAAL.basisschema, NEUTRALE_PREFIXEN.basisschema, name, text);
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
 * A clean JSON payload → the complete bericht XML document: root `Bericht` in the bericht's own
 * namespace (prefix jw301 / wmo301 ...) with the basisschema namespace (prefix ijw / iwmo), the
 * Header first, then the body written by mapping `istandaarden-<nummer>-uit-json`.
 *
 * A mapping may add fields that the standard puts in the Header after the common ones (the 325's
 * DeclaratieIdentificatie, XsltVersie, XsdVersieDeclaratie, RetourCodes) by writing them below
 * `b:Header`: they are appended to the Header built from `header`.
 * Throws MappingRunError when the payload cannot be mapped, and an Error when the mapping is missing.
 */
export function jsonNaarBericht(
  payload: Record<string, unknown>,
  header: BerichtHeader,
  standaard: Standaard,
  nummer: BerichtNummer,
  mappings: ReadonlyMap<string, CompiledMapping>,
): string {
  const body = mappingVoor(mappings, nummer, 'uit-json').run(payload).output as XmlElement;
  if (body.ns !== NEUTRAAL.bericht || body.name !== 'Bericht') {
    throw new Error(`mapping '${mappingNaam(nummer, 'uit-json')}' must write target root b:Bericht in ${NEUTRAAL.bericht}`);
  }
  const isHeader = (c: XmlElement) => c.ns === NEUTRAAL.bericht && c.name === 'Header';
  const kop = headerElement(header);
  for (const extra of body.children.filter(isHeader)) kop.children.push(...extra.children);
  const neutraal: XmlElement = {
    ns: NEUTRAAL.bericht,
    name: 'Bericht',
    prefix: NEUTRALE_PREFIXEN.bericht,
    attrs: body.attrs,
    children: [kop, ...body.children.filter((c) => !isHeader(c))],
  };
  const xml = serializeXml(uitNeutraal(neutraal, standaard, nummer), {
    namespaces: { [berichtPrefix(standaard, nummer)]: berichtNamespace(standaard, nummer), [standaard]: basisschemaNamespace(standaard) },
    declaration: true,
    pretty: true,
  });
  return `${xml}\n`;
}
