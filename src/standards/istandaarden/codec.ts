/**
 * iJw/iWmo JSON → bericht XML. The field work follows the structure model (json.ts), so every
 * element of the standard is carried; this module adds the Header, and the renaming of the real
 * namespaces to the neutral ones ({@link NEUTRAAL}) that declarative route mappings (such as
 * `istandaarden-315-naar-zaak`) are written against, so that one mapping file serves iJw and iWmo.
 * The other way, bericht → JSON, is gemeente-json.ts; reading the Header is header.ts.
 *
 * Pure functions: no I/O, inputs are never modified.
 */
import { serializeXml } from '../../xml/build.js';
import type { XmlElement } from '../../xml/parse.js';
import { payloadNaarXml } from './json.js';
import { basisschemaNamespace, berichtNamespace, berichtPrefix, NEUTRAAL, parseBerichtNamespace, RELEASE, type BerichtNummer, type Standaard } from './catalog.js';
import type { BerichtHeader } from './header.js';

/** Prefixes of the neutral namespaces, as the mapping files use them. */
export const NEUTRALE_PREFIXEN = { bericht: 'b', basisschema: 'i' } as const;

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
