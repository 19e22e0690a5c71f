/**
 * StUF-ZKN kennisgevingen (zakLk01, edcLk01) and answers (zakLa01, edcLa01) ⇄ the JSON zaak model
 * of docs/stuf/zds.md. The field work is done by the mapping files in mappings/stuf/
 * (`stuf-zak-naar-json`, `stuf-zak-uit-json`, `stuf-edc-naar-json`, `stuf-edc-uit-json`); this
 * module does what a mapping file cannot:
 * - the kennisgeving's StUF semantics: mutatiesoort against the operation, one object or two
 *   (oud, nieuw), verwerkingssoort, entiteittypen, the sleutel of oud and nieuw, the status of
 *   actualiseerZaakstatus;
 * - the verwerkingssoort of every object and relation written (given to the mapping as input);
 * - `null` for a field with StUF:noValue (a mapping field cannot write a JSON null);
 * - element names with a dot (`BG:inp.bsn`, `ZKN:dct.omschrijving`): a mapping path cannot hold
 *   a dot inside a step, so the mapping files write `BG:inp_bsn`; the object is renamed
 *   '.' → '_' before a naar-json mapping and '_' → '.' after an uit-json mapping (StUF names
 *   inside objects have no underscores);
 * - the envelope: stuurgegevens (from the caller), parameters, objects.
 *
 * Problems are a {@link KennisgevingError} with a StUF-style location
 * (`ZKN:zakLk01/ZKN:object[2]/ZKN:identificatie`, or a JSON pointer for JSON input), never a value.
 * Problems inside an object's fields are the mapping's MappingRunError (field and reason, no value).
 *
 * Pure functions: no I/O; inputs are never modified.
 */
import type { CompiledMapping } from '../../mapping/index.js';
import { serializeXml } from '../../xml/build.js';
import { clark, parseXml, type XmlElement } from '../../xml/parse.js';
import { STUF_NS, STUF_PREFIXEN } from './namespaces.js';

const NS = STUF_NS;

/**
 * Prefix → namespace for serialising what this module builds (serializeXml's `namespaces`): the
 * contract's prefixes (STUF_PREFIXEN) plus xmime for the contentType of a document's inhoud.
 */
export const KENNISGEVING_PREFIXEN: Readonly<Record<string, string>> = { ...STUF_PREFIXEN, xmime: STUF_NS.xmime };

export type Operatie = 'creeerZaak' | 'updateZaak' | 'actualiseerZaakstatus' | 'voegZaakdocumentToe';
export type Mutatiesoort = 'T' | 'W' | 'V' | 'E';
export type NoValue = 'geenWaarde' | 'waardeOnbekend' | 'nietOndersteund' | 'vastgesteldOnbekend';

/** The JSON zaak (schemas/stuf/json/zaak.schema.json); the mapping files define its fields. */
export interface JsonZaak {
  identificatie: string;
  geenWaarde?: Partial<Record<string, NoValue>>;
  [veld: string]: unknown;
}

/** The JSON zaakdocument (schemas/stuf/json/zaakdocument.schema.json). */
export interface JsonZaakdocument {
  identificatie: string;
  /** identificatie of the zaak the document belongs to */
  zaak: string;
  geenWaarde?: Partial<Record<string, NoValue>>;
  [veld: string]: unknown;
}

/** A kennisgeving as JSON (schemas/stuf/json/zaak-kennisgeving.schema.json). */
export type JsonKennisgeving =
  | { operatie: 'creeerZaak' | 'updateZaak'; mutatiesoort: 'T' | 'V' | 'E'; zaak: JsonZaak }
  | { operatie: 'updateZaak' | 'actualiseerZaakstatus'; mutatiesoort: 'W'; oud: JsonZaak; nieuw: JsonZaak }
  | { operatie: 'voegZaakdocumentToe'; mutatiesoort: 'T'; document: JsonZaakdocument };

/**
 * Which mutatiesoorten an operation carries. creeerZaak adds (T); updateZaak changes (W: oud and
 * nieuw), and may also delete (V) or end (E) a zaak with one object; actualiseerZaakstatus is a W
 * with a new status; voegZaakdocumentToe adds a document (T).
 */
export const OPERATIES: Readonly<Record<Operatie, { root: 'zakLk01' | 'edcLk01'; entiteittype: 'ZAK' | 'EDC'; mutatiesoorten: readonly Mutatiesoort[] }>> = {
  creeerZaak: { root: 'zakLk01', entiteittype: 'ZAK', mutatiesoorten: ['T'] },
  updateZaak: { root: 'zakLk01', entiteittype: 'ZAK', mutatiesoorten: ['W', 'V', 'E'] },
  actualiseerZaakstatus: { root: 'zakLk01', entiteittype: 'ZAK', mutatiesoorten: ['W'] },
  voegZaakdocumentToe: { root: 'edcLk01', entiteittype: 'EDC', mutatiesoorten: ['T'] },
};

export const NO_VALUES: readonly NoValue[] = ['geenWaarde', 'waardeOnbekend', 'nietOndersteund', 'vastgesteldOnbekend'];

/** Names of the mapping files this module runs. */
export const STUF_MAPPINGS = {
  zaakNaarJson: 'stuf-zak-naar-json',
  zaakUitJson: 'stuf-zak-uit-json',
  documentNaarJson: 'stuf-edc-naar-json',
  documentUitJson: 'stuf-edc-uit-json',
} as const;

export type KennisgevingFoutcode =
  /** the root element is not the kennisgeving of the operation */
  | 'root'
  /** the operation is not one this module knows */
  | 'operatie'
  /** parameters/mutatiesoort is missing, unknown, or not one the operation carries */
  | 'mutatiesoort'
  /** the wrong number of objects for the mutatiesoort */
  | 'objecten'
  /** an object or relation has another StUF:entiteittype than its place requires */
  | 'entiteittype'
  /** an object or relation has a StUF:verwerkingssoort that does not fit the mutatiesoort */
  | 'verwerkingssoort'
  /** oud and nieuw do not identify the same zaak */
  | 'sleutel'
  /** actualiseerZaakstatus without a status (heeft/STT) in nieuw */
  | 'status'
  /** StUF:noValue with an unknown reason, with a value, or a JSON null without a reason */
  | 'geenWaarde';

/** A kennisgeving that makes no StUF sense. `locatie` says where; the message never holds a value. */
export class KennisgevingError extends Error {
  constructor(
    readonly code: KennisgevingFoutcode,
    /** `ZKN:zakLk01/ZKN:object[2]/@StUF:verwerkingssoort` for XML, `/nieuw/status` for JSON */
    readonly locatie: string,
    uitleg: string,
  ) {
    super(`${locatie}: ${uitleg}`);
    this.name = 'KennisgevingError';
  }
}

// ---------------------------------------------------------------------------------------------
// Small XML helpers

const ATTR_ENTITEITTYPE = clark(NS.StUF, 'entiteittype');
const ATTR_VERWERKINGSSOORT = clark(NS.StUF, 'verwerkingssoort');
const ATTR_SLEUTEL = clark(NS.StUF, 'sleutelVerzendend');

function kinderen(parent: XmlElement, ns: string, name: string): XmlElement[] {
  return parent.children.filter((c) => c.ns === ns && c.name === name);
}

function kind(parent: XmlElement, ns: string, name: string): XmlElement | undefined {
  return parent.children.find((c) => c.ns === ns && c.name === name);
}

function tekst(element: XmlElement | undefined): string | undefined {
  if (!element || element.children.length > 0) return undefined;
  const value = (element.text ?? '').trim();
  return value === '' ? undefined : value;
}

/** A copy of the tree with `van` replaced by `naar` in every element's local name; attributes and text are kept. */
function hernoem(el: XmlElement, van: string, naar: string): XmlElement {
  const copy: XmlElement = { ns: el.ns, name: el.name.split(van).join(naar), prefix: el.prefix, attrs: el.attrs, children: el.children.map((c) => hernoem(c, van, naar)) };
  if (el.text !== undefined) copy.text = el.text;
  return copy;
}

function element(ns: string, prefix: string, name: string, inhoud: XmlElement[] | string): XmlElement {
  return typeof inhoud === 'string' ? { ns, name, prefix, attrs: {}, children: [], text: inhoud } : { ns, name, prefix, attrs: {}, children: inhoud };
}

// ---------------------------------------------------------------------------------------------
// XML → JSON

/** What each relation of an object is, as [ZKN element, relation entiteittype, entiteittype(s) of the gerelateerde]. */
const RELATIES: Record<'ZAK' | 'EDC', readonly [string, string, Readonly<Record<string, string>> | string][]> = {
  ZAK: [
    ['isVan', 'ZAKZKT', 'ZKT'],
    ['heeftAlsInitiator', 'ZAKBTRINI', { natuurlijkPersoon: 'NPS', nietNatuurlijkPersoon: 'NNP', medewerker: 'MDW', vestiging: 'VES', organisatorischeEenheid: 'OEH' }],
    ['heeft', 'ZAKSTT', 'STT'],
    ['heeftRelevant', 'ZAKEDC', 'EDC'],
    ['heeftBetrekkingOp', 'ZAKOBJ', ''],
  ],
  EDC: [['isRelevantVoor', 'EDCZAK', 'ZAK']],
};

/**
 * A kennisgeving (`ZKN:zakLk01` or `ZKN:edcLk01`, parsed) of operation `operatie` → its JSON.
 * Throws {@link KennisgevingError} when it makes no StUF sense, MappingRunError when a field
 * cannot be mapped, and an Error when a mapping file is missing.
 */
export function kennisgevingNaarJson(root: XmlElement, operatie: Operatie, mappings: ReadonlyMap<string, CompiledMapping>): JsonKennisgeving {
  const spec = Object.hasOwn(OPERATIES, operatie) ? OPERATIES[operatie] : undefined;
  if (!spec) throw new KennisgevingError('operatie', 'operatie', 'unknown operation');
  const pad = `ZKN:${spec.root}`;
  if (root.ns !== NS.ZKN || root.name !== spec.root) throw new KennisgevingError('root', pad, `${operatie} is a ZKN:${spec.root}; the root element is another`);

  // Stuurgegevens: an entiteittype, when given, is the kennisgeving's.
  const stuurgegevens = kind(root, NS.ZKN, 'stuurgegevens');
  const stuurEntiteittype = stuurgegevens ? kind(stuurgegevens, NS.StUF, 'entiteittype') : undefined;
  if (stuurEntiteittype && tekst(stuurEntiteittype) !== spec.entiteittype) {
    throw new KennisgevingError('entiteittype', `${pad}/ZKN:stuurgegevens/StUF:entiteittype`, `must be ${spec.entiteittype}`);
  }

  const parameters = kind(root, NS.ZKN, 'parameters');
  const mutatiesoort = tekst(parameters ? kind(parameters, NS.StUF, 'mutatiesoort') : undefined);
  const mutatiePad = `${pad}/ZKN:parameters/StUF:mutatiesoort`;
  if (mutatiesoort === undefined) throw new KennisgevingError('mutatiesoort', mutatiePad, 'is missing');
  if (!(spec.mutatiesoorten as readonly string[]).includes(mutatiesoort)) {
    throw new KennisgevingError('mutatiesoort', mutatiePad, `${operatie} carries mutatiesoort ${spec.mutatiesoorten.join(' or ')}`);
  }
  const soort = mutatiesoort as Mutatiesoort;

  const objecten = kinderen(root, NS.ZKN, 'object');
  const verwacht = soort === 'W' ? 2 : 1;
  if (objecten.length !== verwacht) {
    throw new KennisgevingError(
      'objecten',
      `${pad}/ZKN:object`,
      soort === 'W' ? `mutatiesoort W needs two objects, oud and nieuw (found ${objecten.length})` : `mutatiesoort ${soort} needs one object (found ${objecten.length})`,
    );
  }

  objecten.forEach((object, i) => {
    const objectPad = `${pad}/ZKN:object[${i + 1}]`;
    if (object.attrs[ATTR_ENTITEITTYPE] !== spec.entiteittype) {
      throw new KennisgevingError('entiteittype', `${objectPad}/@StUF:entiteittype`, `must be ${spec.entiteittype} in a ZKN:${spec.root}`);
    }
    const toegestaan = soort === 'W' ? (i === 0 ? ['W', 'I'] : ['W']) : [soort];
    if (!toegestaan.includes(object.attrs[ATTR_VERWERKINGSSOORT] ?? '')) {
      const rol = soort === 'W' ? (i === 0 ? ' for oud (the first object)' : ' for nieuw (the second object)') : '';
      throw new KennisgevingError('verwerkingssoort', `${objectPad}/@StUF:verwerkingssoort`, `mutatiesoort ${soort} needs ${toegestaan.join(' or ')}${rol}`);
    }
    if (tekst(kind(object, NS.ZKN, 'identificatie')) === undefined) {
      throw new KennisgevingError('sleutel', `${objectPad}/ZKN:identificatie`, 'is missing or empty');
    }
    controleerRelaties(object, spec.entiteittype, soort, objectPad);
  });

  if (soort === 'W') {
    const [oud, nieuw] = objecten as [XmlElement, XmlElement];
    if (tekst(kind(oud, NS.ZKN, 'identificatie')) !== tekst(kind(nieuw, NS.ZKN, 'identificatie'))) {
      throw new KennisgevingError('sleutel', `${pad}/ZKN:object[2]/ZKN:identificatie`, 'oud and nieuw must have the same identificatie');
    }
    const sleutels = [oud.attrs[ATTR_SLEUTEL], nieuw.attrs[ATTR_SLEUTEL]];
    if (sleutels[0] !== undefined && sleutels[1] !== undefined && sleutels[0] !== sleutels[1]) {
      throw new KennisgevingError('sleutel', `${pad}/ZKN:object[2]/@StUF:sleutelVerzendend`, 'oud and nieuw must have the same sleutelVerzendend');
    }
    if (operatie === 'actualiseerZaakstatus') {
      const heeft = kinderen(nieuw, NS.ZKN, 'heeft');
      if (heeft.length === 0 || !heeft.some((h) => kind(h, NS.ZKN, 'gerelateerde') !== undefined)) {
        throw new KennisgevingError('status', `${pad}/ZKN:object[2]/ZKN:heeft`, 'actualiseerZaakstatus needs the new status (heeft with a gerelateerde STT) in nieuw');
      }
    }
  }

  if (spec.entiteittype === 'EDC') {
    const document = kennisgevingObject(objecten[0]!, mappings, STUF_MAPPINGS.documentNaarJson, `${pad}/ZKN:object[1]`) as JsonZaakdocument;
    return { operatie: 'voegZaakdocumentToe', mutatiesoort: 'T', document };
  }
  const zaken = objecten.map((o, i) => kennisgevingObject(o, mappings, STUF_MAPPINGS.zaakNaarJson, `${pad}/ZKN:object[${i + 1}]`) as JsonZaak);
  if (soort === 'W') return { operatie: operatie as 'updateZaak' | 'actualiseerZaakstatus', mutatiesoort: 'W', oud: zaken[0]!, nieuw: zaken[1]! };
  return { operatie: operatie as 'creeerZaak' | 'updateZaak', mutatiesoort: soort as 'T' | 'V' | 'E', zaak: zaken[0]! };
}

/** Entiteittypen of the relations of an object and their gerelateerden; in a T every relation is new (T). */
function controleerRelaties(object: XmlElement, entiteittype: 'ZAK' | 'EDC', soort: Mutatiesoort, objectPad: string): void {
  for (const [naam, relatieType, gerelateerdeType] of RELATIES[entiteittype]) {
    kinderen(object, NS.ZKN, naam).forEach((relatie, i, alle) => {
      const relatiePad = `${objectPad}/ZKN:${naam}${alle.length > 1 ? `[${i + 1}]` : ''}`;
      if (relatie.attrs[ATTR_ENTITEITTYPE] !== relatieType) {
        throw new KennisgevingError('entiteittype', `${relatiePad}/@StUF:entiteittype`, `must be ${relatieType}`);
      }
      const relatieSoort = relatie.attrs[ATTR_VERWERKINGSSOORT];
      if (soort === 'T' && relatieSoort !== undefined && relatieSoort !== 'T') {
        throw new KennisgevingError('verwerkingssoort', `${relatiePad}/@StUF:verwerkingssoort`, 'a relation in a T object is new: T');
      }
      const gerelateerde = kind(relatie, NS.ZKN, 'gerelateerde');
      if (!gerelateerde || gerelateerdeType === '') return;
      if (typeof gerelateerdeType === 'string') {
        if (gerelateerde.attrs[ATTR_ENTITEITTYPE] !== gerelateerdeType) {
          throw new KennisgevingError('entiteittype', `${relatiePad}/ZKN:gerelateerde/@StUF:entiteittype`, `must be ${gerelateerdeType}`);
        }
        return;
      }
      // A betrokkene: gerelateerde holds one choice element (natuurlijkPersoon, ...), which carries the entiteittype.
      for (const keuze of gerelateerde.children) {
        const verwachtType = keuze.ns === NS.ZKN && Object.hasOwn(gerelateerdeType, keuze.name) ? gerelateerdeType[keuze.name] : undefined;
        if (verwachtType !== undefined && keuze.attrs[ATTR_ENTITEITTYPE] !== verwachtType) {
          throw new KennisgevingError('entiteittype', `${relatiePad}/ZKN:gerelateerde/ZKN:${keuze.name}/@StUF:entiteittype`, `must be ${verwachtType}`);
        }
      }
    });
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Runs a naar-json mapping on one object and turns every geenWaarde entry into a JSON null. */
function naarJsonObject(object: XmlElement, mappings: ReadonlyMap<string, CompiledMapping>, naam: string, objectPad: string): Record<string, unknown> {
  const output = mappingVoor(mappings, naam, 'xml', 'json').run(hernoem(object, '.', '_')).output;
  if (!isObject(output)) throw new Error(`mapping '${naam}' did not produce a JSON object`);
  const geenWaarde = output.geenWaarde;
  if (isObject(geenWaarde)) {
    for (const [veld, reden] of Object.entries(geenWaarde)) {
      if (!(NO_VALUES as readonly unknown[]).includes(reden)) {
        throw new KennisgevingError('geenWaarde', `${objectPad}`, `field '${veld}': StUF:noValue must be one of ${NO_VALUES.join(', ')}`);
      }
      if (output[veld] !== undefined && output[veld] !== null) {
        throw new KennisgevingError('geenWaarde', `${objectPad}`, `field '${veld}' has both a value and StUF:noValue`);
      }
      output[veld] = null;
    }
  }
  return output;
}

/** naarJsonObject for a received kennisgeving: with `overig`, what the model does not carry. */
function kennisgevingObject(object: XmlElement, mappings: ReadonlyMap<string, CompiledMapping>, naam: string, objectPad: string): Record<string, unknown> {
  const output = naarJsonObject(object, mappings, naam, objectPad);
  const overig = nietGedragen(object, output, mappings, naam);
  if (overig.length > 0) output.overig = overig;
  return output;
}

/**
 * What the client sent that the JSON model does not carry: each child element of the object
 * that writing the JSON back (the uit-json mapping, as for a La01) does not produce, serialised as
 * received. Nothing is lost silently: a client's opschorting, heeftAlsUitvoerende or
 * heeftBetrekkingOp stays with the zaak. extraElementen have their own field.
 */
function nietGedragen(object: XmlElement, json: Record<string, unknown>, mappings: ReadonlyMap<string, CompiledMapping>, naam: string): string[] {
  const uit = naam === STUF_MAPPINGS.zaakNaarJson ? STUF_MAPPINGS.zaakUitJson : naam === STUF_MAPPINGS.documentNaarJson ? STUF_MAPPINGS.documentUitJson : undefined;
  if (!uit || !mappings.has(uit)) return [];
  // What the uit-json mapping writes for this JSON, by element name: one run serves both checks.
  const terugRelaties = new Map<string, XmlElement[]>();
  let gedragen: Set<string>;
  try {
    const terug = hernoem(mappingVoor(mappings, uit, 'json', 'xml').run({ [uit === STUF_MAPPINGS.zaakUitJson ? 'zaak' : 'document']: json }).output as XmlElement, '_', '.');
    for (const c of terug.children) {
      const k = clark(c.ns, c.name);
      terugRelaties.set(k, [...(terugRelaties.get(k) ?? []), c]);
    }
    gedragen = new Set(terugRelaties.keys());
  } catch {
    // A partial object (the nieuw of a W) may not write back on its own: then keep every element.
    gedragen = new Set([clark(NS.ZKN, 'identificatie')]);
  }
  gedragen.add(clark(NS.StUF, 'extraElementen'));
  return object.children
    // A relation the model maps, but whose content it carries only in part (the initiator's
    // verblijfsadres, the zaaktype's ingangsdatumObject), is kept whole: written back, it is merged
    // with what the mapping writes (see metOverig).
    .filter((c) => !gedragen.has(clark(c.ns, c.name)) || (c.attrs[ATTR_ENTITEITTYPE] !== undefined && !gedekt(c, terugRelaties.get(clark(c.ns, c.name)) ?? [])))
    .map((c) => serializeXml(c, { namespaces: KENNISGEVING_PREFIXEN, declaration: false }));
}

/** Does one of the written relations carry everything in `ontvangen` (every element, at any depth)? */
function gedekt(ontvangen: XmlElement, geschreven: readonly XmlElement[]): boolean {
  return geschreven.some((w) => zelfdeGerelateerde(ontvangen, w) && bevat(w, ontvangen));
}

function bevat(w: XmlElement, r: XmlElement): boolean {
  const gebruikt = new Map<string, number>();
  for (const rc of r.children) {
    const k = clark(rc.ns, rc.name);
    const n = gebruikt.get(k) ?? 0;
    gebruikt.set(k, n + 1);
    const wc = w.children.filter((c) => c.ns === rc.ns && c.name === rc.name)[n];
    if (!wc || !bevat(wc, rc)) return false;
  }
  return true;
}

/**
 * The identifying elements of a gerelateerde (ZKT code, STT volgnummer, NPS inp.bsn, ...): two
 * relations are about the same one when every such element they both carry is equal, and they
 * share at least one. Only then is received content merged into what the mapping writes.
 */
const IDENTIFICEREND = new Set(['inp.bsn', 'ann.identificatie', 'inn.nnpId', 'vestigingsNummer', 'identificatie', 'code', 'volgnummer', 'zkt.code', 'sta.code', 'medewerkeridentificatie']);

function identificatie(relatie: XmlElement): Map<string, string> {
  const uit = new Map<string, string>();
  const gerelateerde = relatie.children.find((c) => c.name === 'gerelateerde');
  const zoek = (el: XmlElement, pad: string): void => {
    for (const c of el.children) {
      const p = `${pad}/${c.name}`;
      if (IDENTIFICEREND.has(c.name) && c.children.length === 0) uit.set(p, (c.text ?? '').trim());
      else if (c.attrs[ATTR_ENTITEITTYPE] === undefined) zoek(c, p);
    }
  };
  if (gerelateerde) zoek(gerelateerde, '');
  return uit;
}

function zelfdeGerelateerde(a: XmlElement, b: XmlElement): boolean {
  const ia = identificatie(a);
  const ib = identificatie(b);
  let gedeeld = 0;
  for (const [k, v] of ia) {
    const w = ib.get(k);
    if (w === undefined) continue;
    if (w !== v) return false;
    gedeeld++;
  }
  return gedeeld > 0 || (ia.size === 0 && ib.size === 0);
}

/**
 * A written relation with the received one's content put back: the received order is kept (it was
 * valid against the XSD), each element the mapping wrote takes the mapping's value and attributes
 * (the JSON may have changed it), what the mapping did not write comes as received, and what only
 * the mapping wrote follows its predecessor in the mapping's order.
 */
function samengevoegd(w: XmlElement, r: XmlElement): XmlElement {
  if (r.children.length === 0 || w.children.length === 0) return w.children.length === 0 && r.children.length > 0 ? { ...w, children: r.children } : w;
  const gebruikt = new Set<XmlElement>();
  const teller = new Map<string, number>();
  const uit: XmlElement[] = [];
  for (const rc of r.children) {
    const k = clark(rc.ns, rc.name);
    const n = teller.get(k) ?? 0;
    teller.set(k, n + 1);
    const wc = w.children.filter((c) => c.ns === rc.ns && c.name === rc.name)[n];
    if (wc) {
      gebruikt.add(wc);
      uit.push(samengevoegd(wc, rc));
    } else uit.push(rc);
  }
  // What only the mapping wrote: after the element that precedes it in the mapping's order.
  let vorige: XmlElement | undefined;
  for (const wc of w.children) {
    if (gebruikt.has(wc)) {
      vorige = wc;
      continue;
    }
    const na = vorige ? uit.findIndex((x) => x === vorige || (vorige !== undefined && x.name === vorige.name && x.ns === vorige.ns)) : -1;
    uit.splice(na + 1, 0, wc);
    vorige = wc;
  }
  return { ...w, attrs: { ...r.attrs, ...w.attrs }, children: uit };
}

/** The JSON's extraElementen as StUF:extraElementen, where StUF 03.01 has them: after tijdstipRegistratie, before historie and relations. */
function metExtraElementen(object: XmlElement, json: Record<string, unknown>): XmlElement {
  const lijst = Array.isArray(json.extraElementen) ? (json.extraElementen as Array<{ naam?: unknown; waarde?: unknown; geenWaarde?: unknown }>) : [];
  if (lijst.length === 0) return object;
  const elementen: XmlElement[] = lijst.map((e) => {
    const attrs: Record<string, string> = { naam: String(e.naam ?? '') };
    if (typeof e.geenWaarde === 'string') {
      attrs[clark(NS.StUF, 'noValue')] = e.geenWaarde;
      attrs[clark(NS.xsi, 'nil')] = 'true';
    }
    return { ns: NS.StUF, name: 'extraElement', prefix: 'StUF', attrs, children: [], ...(typeof e.waarde === 'string' ? { text: e.waarde } : {}) };
  });
  const extra: XmlElement = { ns: NS.StUF, name: 'extraElementen', prefix: 'StUF', attrs: {}, children: elementen };
  const children = object.children.filter((c) => !(c.ns === NS.StUF && c.name === 'extraElementen'));
  const na = children.findIndex((c) => c.attrs[ATTR_ENTITEITTYPE] !== undefined || ['aanvullendeElementen', 'historieMaterieel', 'historieFormeel'].includes(c.name));
  return { ...object, children: na < 0 ? [...children, extra] : [...children.slice(0, na), extra, ...children.slice(na)] };
}

/**
 * The children of ZKN:ZAK-basis and ZKN:EDC-basis (ZKN 03.10) in their XSD sequence, `StUF:` for
 * the StUF 03.01 elements. A kennisgeving's object is a restriction of these, so an element keeps
 * its place when it is put back among the ones the uit-json mapping writes.
 */
const OBJECT_VOLGORDE: Readonly<Record<'ZAK' | 'EDC', readonly string[]>> = {
  ZAK: ['identificatie', 'omschrijving', 'toelichting', 'kenmerk', 'anderZaakObject', 'resultaat', 'startdatum', 'registratiedatum', 'publicatiedatum',
    'einddatumGepland', 'uiterlijkeEinddatum', 'einddatum', 'opschorting', 'verlenging', 'betalingsIndicatie', 'laatsteBetaaldatum', 'archiefnominatie',
    'datumVernietigingDossier', 'zaakniveau', 'deelzakenIndicatie', 'StUF:tijdvakGeldigheid', 'StUF:tijdstipRegistratie', 'StUF:extraElementen',
    'historieMaterieel', 'historieFormeel', 'isVan', 'heeftBetrekkingOp', 'heeftAlsBelanghebbende', 'heeftAlsGemachtigde', 'heeftAlsInitiator',
    'heeftAlsUitvoerende', 'heeftAlsVerantwoordelijke', 'heeftAlsOverigBetrokkene', 'heeftAlsDeelzaak', 'heeftAlsHoofdzaak', 'heeftBetrekkingOpAndere',
    'heeft', 'heeftRelevant', 'leidtTot'],
  EDC: ['identificatie', 'dct.omschrijving', 'dct.omschrijvingGeneriek', 'dct.categorie', 'creatiedatum', 'ontvangstdatum', 'titel', 'beschrijving',
    'formaat', 'taal', 'versie', 'status', 'verzenddatum', 'vertrouwelijkAanduiding', 'auteur', 'link', 'inhoud', 'StUF:tijdvakGeldigheid',
    'StUF:tijdstipRegistratie', 'StUF:extraElementen', 'historieMaterieel', 'historieFormeel', 'isRelevantVoor', 'kanVastleggingZijnVan', 'maaktDeelUitVan'],
};

/**
 * The JSON's `overig` (what a client sent that the JSON model does not carry, as received) back in
 * the object, each element at its place in the XSD sequence, so a StUF → JSON → StUF trip loses
 * nothing. An element the mapping wrote itself wins: the JSON may have changed it since.
 */
function metOverig(object: XmlElement, json: Record<string, unknown>, entiteittype: 'ZAK' | 'EDC'): XmlElement {
  const lijst = Array.isArray(json.overig) ? json.overig.filter((x): x is string => typeof x === 'string') : [];
  if (lijst.length === 0) return object;
  const geschreven = new Set(object.children.map((c) => clark(c.ns, c.name)));
  const ontvangen = lijst.map((x) => parseXml(x));
  // A kept relation the mapping wrote again (for the same gerelateerde): the two merged.
  const relaties = ontvangen.filter((el) => geschreven.has(clark(el.ns, el.name)) && el.attrs[ATTR_ENTITEITTYPE] !== undefined);
  if (relaties.length > 0) {
    const over = [...relaties];
    object = {
      ...object,
      children: object.children.map((c) => {
        const i = over.findIndex((r) => r.ns === c.ns && r.name === c.name && zelfdeGerelateerde(r, c));
        if (i < 0) return c;
        const [r] = over.splice(i, 1);
        return samengevoegd(c, r!);
      }),
    };
  }
  const terug = ontvangen.filter((el) => !geschreven.has(clark(el.ns, el.name)));
  const volgorde = OBJECT_VOLGORDE[entiteittype];
  const plaats = (c: XmlElement): number => {
    const i = volgorde.indexOf(c.ns === NS.StUF ? `StUF:${c.name}` : c.ns === NS.ZKN ? c.name : '');
    return i < 0 ? volgorde.length : i;
  };
  // A stable sort: repeated elements (several heeftBetrekkingOp) keep the order they came in.
  const children = [...object.children, ...terug].map((c, i) => ({ c, i })).sort((a, b) => plaats(a.c) - plaats(b.c) || a.i - b.i).map((x) => x.c);
  return { ...object, children };
}

function mappingVoor(mappings: ReadonlyMap<string, CompiledMapping>, naam: string, bron: 'xml' | 'json', doel: 'xml' | 'json'): CompiledMapping {
  const mapping = mappings.get(naam);
  if (!mapping) throw new Error(`StUF: mapping '${naam}' is not loaded (mappings/stuf/${naam}.yaml)`);
  if (mapping.sourceFormat !== bron || mapping.targetFormat !== doel) throw new Error(`StUF: mapping '${naam}' must map ${bron} to ${doel}`);
  return mapping;
}

// ---------------------------------------------------------------------------------------------
// JSON → XML

/** StUF:verwerkingssoort per level, the input `verwerking` of the uit-json mappings. */
interface ZaakVerwerking {
  object: string;
  isVan: string;
  heeftAlsInitiator: string;
  heeft: string;
  gerelateerde: string;
}

type Relatie = 'isVan' | 'heeftAlsInitiator' | 'heeft';

/** The JSON field of each ZAK relation and what identifies its gerelateerde. */
const ZAAK_RELATIES: readonly { relatie: Relatie; veld: string; sleutel: (v: Record<string, unknown>) => string }[] = [
  { relatie: 'isVan', veld: 'zaaktype', sleutel: (v) => JSON.stringify([v.code]) },
  { relatie: 'heeftAlsInitiator', veld: 'initiator', sleutel: (v) => JSON.stringify([v.type, v.bsn, v.innNnpId, v.identificatie]) },
  { relatie: 'heeft', veld: 'status', sleutel: (v) => JSON.stringify([v.code, v.volgnummer]) },
];

/**
 * The verwerkingssoort of the object and its relations. T, V: everything T or V. E: the zaak ends,
 * its relations are given for identification (I). The gerelateerde (ZKT, STT, NPS, ...) is always
 * identified, never created or changed (I).
 */
function verwerkingEnkel(soort: 'T' | 'V' | 'E'): ZaakVerwerking {
  const relatie = soort === 'E' ? 'I' : soort;
  return { object: soort, isVan: relatie, heeftAlsInitiator: relatie, heeft: relatie, gerelateerde: 'I' };
}

/**
 * W: both objects W. A relation in both with the same gerelateerde: W in both (its own data may
 * change); with another gerelateerde: R (replaced) in both, except a status, which is history: the
 * new status is added (T in nieuw) and the old one identified (I in oud). Only in nieuw: T (new).
 * Only in oud: I (absent in nieuw means no change; oud merely shows it).
 */
function verwerkingW(oud: JsonZaak, nieuw: JsonZaak): [ZaakVerwerking, ZaakVerwerking] {
  const o: ZaakVerwerking = { object: 'W', isVan: 'W', heeftAlsInitiator: 'W', heeft: 'W', gerelateerde: 'I' };
  const n: ZaakVerwerking = { ...o };
  for (const { relatie, veld, sleutel } of ZAAK_RELATIES) {
    const a = oud[veld];
    const b = nieuw[veld];
    if (isObject(a) && isObject(b)) {
      if (sleutel(a) === sleutel(b)) continue;
      [o[relatie], n[relatie]] = relatie === 'heeft' ? ['I', 'T'] : ['R', 'R'];
    } else if (isObject(b)) {
      n[relatie] = 'T';
    } else if (isObject(a)) {
      o[relatie] = 'I';
    }
  }
  return [o, n];
}

/**
 * StUF:noValue in JSON: every key of geenWaarde has a known reason and a field that is null or
 * absent; a field that is null has its reason in geenWaarde.
 */
function controleerGeenWaarde(object: Record<string, unknown>, pad: string): void {
  const geenWaarde = object.geenWaarde;
  if (geenWaarde !== undefined && !isObject(geenWaarde)) throw new KennisgevingError('geenWaarde', `${pad}/geenWaarde`, 'must be an object');
  for (const [veld, reden] of Object.entries(geenWaarde ?? {})) {
    if (!(NO_VALUES as readonly unknown[]).includes(reden)) {
      throw new KennisgevingError('geenWaarde', `${pad}/geenWaarde/${veld}`, `must be one of ${NO_VALUES.join(', ')}`);
    }
    if (object[veld] !== undefined && object[veld] !== null) {
      throw new KennisgevingError('geenWaarde', `${pad}/${veld}`, 'has a value and a reason in geenWaarde; a field with StUF:noValue is null');
    }
  }
  for (const [veld, waarde] of Object.entries(object)) {
    if (waarde === null && !(isObject(geenWaarde) && Object.hasOwn(geenWaarde, veld))) {
      throw new KennisgevingError('geenWaarde', `${pad}/${veld}`, 'is null without a reason in geenWaarde');
    }
  }
}

function zaakVan(json: Record<string, unknown>, veld: 'zaak' | 'oud' | 'nieuw'): JsonZaak {
  const zaak = json[veld];
  if (!isObject(zaak)) throw new KennisgevingError('objecten', `/${veld}`, 'is missing or not an object');
  if (typeof zaak.identificatie !== 'string' || zaak.identificatie === '') throw new KennisgevingError('sleutel', `/${veld}/identificatie`, 'is missing or empty');
  controleerGeenWaarde(zaak, `/${veld}`);
  return zaak as JsonZaak;
}

function documentVan(json: Record<string, unknown>): JsonZaakdocument {
  const document = json.document;
  if (!isObject(document)) throw new KennisgevingError('objecten', '/document', 'is missing or not an object');
  if (typeof document.identificatie !== 'string' || document.identificatie === '') throw new KennisgevingError('sleutel', '/document/identificatie', 'is missing or empty');
  controleerGeenWaarde(document, '/document');
  return document as JsonZaakdocument;
}

function zaakObject(zaak: JsonZaak, verwerking: ZaakVerwerking | undefined, documenten: readonly JsonZaakdocument[] | undefined, mappings: ReadonlyMap<string, CompiledMapping>): XmlElement {
  const input: Record<string, unknown> = { zaak };
  if (verwerking) input.verwerking = verwerking;
  if (documenten && documenten.length > 0) input.documenten = documenten;
  const object = metExtraElementen(hernoem(mappingVoor(mappings, STUF_MAPPINGS.zaakUitJson, 'json', 'xml').run(input).output as XmlElement, '_', '.'), zaak);
  // Only a kennisgeving carries what was received; an answer (La01) has its own, restricted type.
  return verwerking ? metOverig(object, zaak, 'ZAK') : object;
}

function documentObject(document: JsonZaakdocument, verwerking: { object: string; isRelevantVoor: string; gerelateerde: string } | undefined, mappings: ReadonlyMap<string, CompiledMapping>): XmlElement {
  const input: Record<string, unknown> = { document };
  if (verwerking) input.verwerking = verwerking;
  const object = metExtraElementen(hernoem(mappingVoor(mappings, STUF_MAPPINGS.documentUitJson, 'json', 'xml').run(input).output as XmlElement, '_', '.'), document);
  return verwerking ? metOverig(object, document, 'EDC') : object;
}

/**
 * A JSON kennisgeving → the complete `ZKN:zakLk01` / `ZKN:edcLk01`: the caller's stuurgegevens
 * (a `ZKN:stuurgegevens` element, used as given), then `ZKN:parameters` (mutatiesoort,
 * indicatorOvername V), then the object(s). Serialise with {@link KENNISGEVING_PREFIXEN}.
 * Throws {@link KennisgevingError} (location: a JSON pointer) and MappingRunError.
 */
export function jsonNaarKennisgeving(json: unknown, stuurgegevens: XmlElement, mappings: ReadonlyMap<string, CompiledMapping>): XmlElement {
  if (!isObject(json)) throw new KennisgevingError('objecten', '/', 'a kennisgeving is a JSON object');
  const operatie = json.operatie;
  const spec = typeof operatie === 'string' && Object.hasOwn(OPERATIES, operatie) ? OPERATIES[operatie as Operatie] : undefined;
  if (!spec) throw new KennisgevingError('operatie', '/operatie', `must be one of ${Object.keys(OPERATIES).join(', ')}`);
  // A document kennisgeving is always T; mutatiesoort may be left out there.
  const mutatiesoort = json.mutatiesoort ?? (spec.entiteittype === 'EDC' ? 'T' : undefined);
  if (typeof mutatiesoort !== 'string' || !(spec.mutatiesoorten as readonly string[]).includes(mutatiesoort)) {
    throw new KennisgevingError('mutatiesoort', '/mutatiesoort', `${String(operatie)} carries mutatiesoort ${spec.mutatiesoorten.join(' or ')}`);
  }
  const soort = mutatiesoort as Mutatiesoort;

  let objecten: XmlElement[];
  if (spec.entiteittype === 'EDC') {
    objecten = [documentObject(documentVan(json), { object: 'T', isRelevantVoor: 'T', gerelateerde: 'I' }, mappings)];
  } else if (soort === 'W') {
    const oud = zaakVan(json, 'oud');
    const nieuw = zaakVan(json, 'nieuw');
    if (oud.identificatie !== nieuw.identificatie) throw new KennisgevingError('sleutel', '/nieuw/identificatie', 'oud and nieuw must have the same identificatie');
    if (operatie === 'actualiseerZaakstatus' && !isObject(nieuw.status)) {
      throw new KennisgevingError('status', '/nieuw/status', 'actualiseerZaakstatus needs the new status in nieuw');
    }
    const [vo, vn] = verwerkingW(oud, nieuw);
    objecten = [zaakObject(oud, vo, undefined, mappings), zaakObject(nieuw, vn, undefined, mappings)];
  } else {
    objecten = [zaakObject(zaakVan(json, 'zaak'), verwerkingEnkel(soort as 'T' | 'V' | 'E'), undefined, mappings)];
  }

  const parameters = element(NS.ZKN, 'ZKN', 'parameters', [element(NS.StUF, 'StUF', 'mutatiesoort', soort), element(NS.StUF, 'StUF', 'indicatorOvername', 'V')]);
  return element(NS.ZKN, 'ZKN', spec.root, [stuurgegevens, parameters, ...objecten]);
}

/**
 * The `ZKN:antwoord` of a zakLa01 (geefZaakdetails; with `documenten` for geefLijstZaakdocumenten,
 * written as heeftRelevant/EDC): one ZAK object, entiteittypen but no verwerkingssoort. The caller
 * adds stuurgegevens and parameters around it.
 */
export function zaakNaarLa01Antwoord(zaak: JsonZaak, documenten: readonly JsonZaakdocument[] | undefined, mappings: ReadonlyMap<string, CompiledMapping>): XmlElement {
  const geldig = zaakVan({ zaak }, 'zaak');
  (documenten ?? []).forEach((d, i) => controleerGeenWaarde(d, `/documenten/${i}`));
  return element(NS.ZKN, 'ZKN', 'antwoord', [zaakObject(geldig, undefined, documenten, mappings)]);
}

/** The `ZKN:antwoord` of an edcLa01 (geefZaakdocumentLezen): one EDC object with its inhoud. */
export function documentNaarLa01Antwoord(document: JsonZaakdocument, mappings: ReadonlyMap<string, CompiledMapping>): XmlElement {
  return element(NS.ZKN, 'ZKN', 'antwoord', [documentObject(documentVan({ document }), undefined, mappings)]);
}

/** The objects of a La01 `ZKN:antwoord` → JSON (what a client of geefZaakdetails / geefZaakdocumentLezen reads). */
export function la01AntwoordNaarJson(antwoord: XmlElement, entiteittype: 'ZAK' | 'EDC', mappings: ReadonlyMap<string, CompiledMapping>): (JsonZaak | JsonZaakdocument)[] {
  const naam = entiteittype === 'ZAK' ? STUF_MAPPINGS.zaakNaarJson : STUF_MAPPINGS.documentNaarJson;
  return kinderen(antwoord, NS.ZKN, 'object').map((object, i) => {
    const objectPad = `ZKN:antwoord/ZKN:object[${i + 1}]`;
    if (object.attrs[ATTR_ENTITEITTYPE] !== entiteittype) throw new KennisgevingError('entiteittype', `${objectPad}/@StUF:entiteittype`, `must be ${entiteittype}`);
    return naarJsonObject(object, mappings, naam, objectPad) as JsonZaak | JsonZaakdocument;
  });
}
