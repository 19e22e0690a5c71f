/**
 * In-process XSD validation with libxml2 (WebAssembly), shared by every standard (iStandaarden,
 * StUF). A {@link XsdSchemaSet} is one compiled schema: an entry XSD plus the XSDs it imports or
 * includes, all handed over as text.
 *
 * - Schemas come from memory only. {@link XsdSchemaSet.load} registers the files under a private
 *   `mem:` URL, compiles the entry (libxml2 resolves relative `schemaLocation`s against it, so
 *   `../0301/stuf0301.xsd` works) and removes them again. While we compile or validate, the one
 *   input provider of this module answers every other name with "not found", so libxml2 can load
 *   nothing else (the wasm build only sees its own in-memory file system anyway).
 * - Instance documents are parsed without entity substitution (no XML_PARSE_NOENT), without DTD
 *   loading (no XML_PARSE_DTDLOAD, plus XML_PARSE_NO_XXE and XML_PARSE_NONET), and a document that
 *   carries a DOCTYPE is refused before validation. src/xml/parse.ts already refuses DOCTYPE
 *   earlier in the pipeline; this is the second line.
 * - Every parsed document is disposed in a `finally`, so nothing stays in the wasm heap. (Measured
 *   for the iStandaarden: 40,000 validations, wasm memory flat at 16.3 MB. In one long synchronous
 *   loop the JS heap grows ~100 bytes per document because V8 keeps WeakRef targets of the current
 *   job alive; yielding to the event loop, as the gateway does between messages, releases them.)
 * - Issue messages never contain values from the document. libxml2 quotes the offending value
 *   (`The value '12345' is not accepted by the pattern '[0-9]{9}'`), so each libxml2 message is
 *   recognised and rewritten from a template. Only element and attribute names, facets and expected
 *   content remain, and each of those is checked against what the schema files themselves contain
 *   (their {@link XsdVocabulary}) before it is used.
 * - When a required element is missing, libxml2 names only the first element it expected. The
 *   content model read from the XSDs (sequences, choices, groups, extensions; see
 *   {@link XsdSchemaSet.childrenOf}) lets an issue name every required element that is missing.
 * - Compiling is the costly part of a gateway start (seconds for the StUF and iStandaarden sets), so
 *   a compiled set is kept per process under a key of its content (entry name plus every file's
 *   name and bytes): the second gateway of a process with the same schemas reuses it, one with
 *   other code lists or other official XSDs has other text and so compiles its own. Each
 *   {@link XsdSchemaSet} is a handle with its own hooks; dispose() releases the handle, and only a
 *   compiled set no handle uses can be freed, when the cache holds more than {@link XSD_CACHE_SIZE}.
 *   A worker thread has its own libxml2 instance and so its own cache.
 * - libxml2 ignores `fixed` on an attribute use that refers to a global attribute
 *   (`<xs:attribute ref="StUF:entiteittype" fixed="ZAK"/>`, the StUF idiom). Those constraints are
 *   read from the XSDs and checked after libxml2, with one XPath query per document.
 */
import {
  ParseOption,
  XmlBufferInputProvider,
  XmlDocument,
  XmlElement,
  XmlLibError,
  xmlRegisterInputProvider,
  XsdValidator,
  type ErrorDetail,
  type XmlInputProvider,
} from 'libxml2-wasm';
import { createHash } from 'node:crypto';
import { XmlRejectedError, type XmlElement as SchemaElement } from './parse.js';
import { validateBounded } from './xsd-bounded.js';
import { readXsdTree, resolveQName, XSD_NS, xsdChildren, type XsdTree } from './xsd-reader.js';

/** One reason a document does not match its XSD. Never contains a value from the document. */
export interface XsdIssue {
  /** Line in the document where libxml2 noticed the problem. */
  line?: number;
  /** Where: the element path in local names, e.g. `/zakLk01/object[2]/heeft/gerelateerde/volgnummer`. */
  element?: string;
  /** What, in English, starting with the element's local name: `volgnummer: value is not valid for type Volgnummer`. */
  message: string;
}

/** At most this many issues per document: enough to repair a message, bounded work for a hostile one. */
export const MAX_ISSUES = 100;

export { XSD_NS };

/** A child element as a content model declares it: local name, namespace URI, minOccurs (0 when optional). */
export interface ChildDecl {
  name: string;
  ns: string;
  min: number;
}

/** What the schema files contain: the only words an issue message may take over from libxml2. */
export interface XsdVocabulary {
  /** Declared names: elements, attributes, types, groups. */
  names: ReadonlySet<string>;
  /** Type names, local (and the XSD built-ins as `xs:…`). */
  types: ReadonlySet<string>;
  /** Facet values (enumeration, pattern, lengths, bounds, digits) and fixed/default values. */
  values: ReadonlySet<string>;
  /** Target namespaces of the schema files. */
  namespaces: ReadonlySet<string>;
}

/**
 * Standard-specific wording. Every hook may return `undefined` for the generic text.
 * Paths are local names from the root, e.g. `['Bericht', 'Client', 'Bsn']`.
 */
export interface XsdIssueHooks {
  /** The root element is not declared by the schema (wrong message, wrong namespace). */
  rootNotDeclared?(root: { name: string; ns: string; safeName: string }): string | undefined;
  /** The declared children of the element at `names`; replaces the content model read from the XSDs. */
  childrenOf?(names: readonly string[]): readonly ChildDecl[] | undefined;
  /** The element at `names` is not declared in its parent at all: a more specific explanation. */
  notDeclared?(names: readonly string[], safeName: string): string | undefined;
}

export interface XsdLoadOptions {
  hooks?: XsdIssueHooks;
}

// ---------------------------------------------------------------------------------------------
// Schema resolution from memory

/**
 * The one input provider of this module (libxml2 keeps a small global table of providers, so it is
 * registered once). It serves the schema buffers added during {@link XsdSchemaSet.load}; inside
 * {@link sealed} it claims every other name too and refuses to open it.
 */
class SchemaGeheugen implements XmlInputProvider {
  private readonly buffers = new XmlBufferInputProvider({});
  private depth = 0;

  match(filename: string): boolean {
    return this.depth > 0 || this.buffers.match(filename);
  }
  open(filename: string): number | undefined {
    return this.buffers.match(filename) ? this.buffers.open(filename) : undefined;
  }
  read(fd: number, buf: Uint8Array): number {
    return this.buffers.read(fd, buf);
  }
  close(fd: number): boolean {
    return this.buffers.close(fd);
  }
  add(url: string, data: Uint8Array): void {
    this.buffers.addBuffer(url, data);
  }
  remove(url: string): void {
    this.buffers.removeBuffer(url);
  }
  /** Runs `fn` (synchronously) with all loading outside the schema buffers refused. */
  sealed<T>(fn: () => T): T {
    this.depth++;
    try {
      return fn();
    } finally {
      this.depth--;
    }
  }
}

let geheugen: SchemaGeheugen | undefined;
let loads = 0;

function schemaGeheugen(): SchemaGeheugen {
  if (!geheugen) {
    const g = new SchemaGeheugen();
    if (!xmlRegisterInputProvider(g)) throw new Error('libxml2: cannot register the in-memory schema provider');
    geheugen = g;
  }
  return geheugen;
}

/** Safe parse options for instance documents and schema files: no entity substitution, no DTD, nothing external. */
const PARSE_OPTIONS = ParseOption.XML_PARSE_NONET | ParseOption.XML_PARSE_NO_XXE | ParseOption.XML_PARSE_BIG_LINES;

const BUILT_IN_TYPES = [
  'string', 'normalizedString', 'token', 'boolean', 'decimal', 'integer', 'int', 'long', 'short', 'byte',
  'nonNegativeInteger', 'positiveInteger', 'nonPositiveInteger', 'negativeInteger', 'unsignedInt', 'unsignedLong',
  'date', 'time', 'dateTime', 'gYear', 'duration', 'base64Binary', 'hexBinary', 'anyURI', 'QName', 'NCName', 'ID',
].map((t) => `xs:${t}`);

// ---------------------------------------------------------------------------------------------
// Reading the XSD files: vocabulary and content model

type Particle =
  | { k: 'el'; name: string; ns: string; min: number; type?: string; inline?: TypeDef; ref?: string }
  | { k: 'seq' | 'choice'; min: number; items: Particle[] }
  | { k: 'group'; ref: string; min: number }
  | { k: 'any' };

/** A value constraint libxml2 does not check: `fixed` on an attribute use that refers to a global attribute. */
interface FixedAttr {
  ns: string;
  name: string;
  value: string;
}

/** The attribute uses of a type or attribute group that matter here. */
interface AttrUses {
  fixed: FixedAttr[];
  /** Clark names of attribute groups referred to. */
  groups: string[];
}

interface TypeDef {
  /** Clark name of the base type of an extension (complex or simple content). */
  extends?: string;
  content?: Particle;
  attrs?: AttrUses;
}

interface Model {
  elements: Map<string, Particle & { k: 'el' }>;
  types: Map<string, TypeDef>;
  groups: Map<string, Particle>;
  attributeGroups: Map<string, AttrUses>;
  /** Whether any ref+fixed attribute use exists (only then are documents walked for them). */
  hasFixedRefs: boolean;
}

const clarkName = (ns: string, name: string): string => `{${ns}}${name}`;

function attrOf(el: SchemaElement, name: string): string | undefined {
  return Object.hasOwn(el.attrs, name) ? el.attrs[name] : undefined;
}

function occurs(el: SchemaElement): number {
  const min = attrOf(el, 'minOccurs');
  return min === undefined ? 1 : Number(min);
}

/**
 * A schema file as knooppunt's own parser reads it (much cheaper than walking libxml2's DOM from
 * JavaScript). A file that parser refuses, such as a schema with a DOCTYPE (as some W3C schemas
 * have), is read through libxml2 and converted: any file libxml2 reads is read, and one it cannot
 * read fails with libxml2's message, as before.
 */
function schemaTree(data: Uint8Array, url: string): XsdTree {
  try {
    return readXsdTree(data);
  } catch (err) {
    if (!(err instanceof XmlRejectedError)) throw err;
  }
  const doc = XmlDocument.fromBuffer(data, { url, option: PARSE_OPTIONS });
  try {
    const origin = new Map<SchemaElement, Record<string, string>>();
    const convert = (el: XmlElement, outer: Record<string, string>): SchemaElement => {
      const attrs: Record<string, string> = {};
      for (const a of el.attrs) attrs[a.namespaceUri ? `{${a.namespaceUri}}${a.name}` : a.name] = a.value;
      const scope: Record<string, string> = { ...outer };
      for (const [prefix, uri] of Object.entries(el.nsDeclarations)) scope[prefix] = uri;
      const children: SchemaElement[] = [];
      const out: SchemaElement = { ns: el.namespaceUri ?? '', name: el.name, prefix: el.prefix ?? '', attrs, children };
      origin.set(out, scope);
      for (let c = el.firstChild; c; c = c.next) if (c instanceof XmlElement) children.push(convert(c, scope));
      return out;
    };
    const root = convert(doc.root, {});
    return { root, namespaceFor: (el, prefix) => origin.get(el)?.[prefix] };
  } finally {
    doc.dispose();
  }
}

/** Reads one schema document into the vocabulary and the model. */
function readSchema(tree: XsdTree, model: Model, vocab: { names: Set<string>; types: Set<string>; values: Set<string>; namespaces: Set<string> }): void {
  const schema = tree.root;
  /** A QName attribute value (`StUF:Systeem`) as a Clark name, resolved in the scope of `el`. */
  const qname = (el: SchemaElement, value: string): string => {
    const q = resolveQName(tree, el, value);
    return clarkName(q.ns, q.name);
  };
  const tns = attrOf(schema, 'targetNamespace') ?? '';
  const qualified = attrOf(schema, 'elementFormDefault') === 'qualified';
  vocab.namespaces.add(tns);

  const collect = (el: SchemaElement): void => {
    const local = el.name;
    const name = attrOf(el, 'name');
    if (name !== undefined && ['element', 'attribute', 'simpleType', 'complexType', 'group', 'attributeGroup'].includes(local)) {
      vocab.names.add(name);
      if (local === 'simpleType' || local === 'complexType') vocab.types.add(name);
    }
    const ref = attrOf(el, 'ref');
    if (ref !== undefined) vocab.names.add(ref.slice(ref.indexOf(':') + 1));
    for (const a of ['fixed', 'default']) {
      const v = attrOf(el, a);
      if (v !== undefined) vocab.values.add(v);
    }
    if (['enumeration', 'pattern', 'length', 'minLength', 'maxLength', 'minInclusive', 'maxInclusive', 'minExclusive', 'maxExclusive', 'totalDigits', 'fractionDigits'].includes(local)) {
      const v = attrOf(el, 'value');
      if (v !== undefined) vocab.values.add(v);
    }
    xsdChildren(el).forEach(collect);
  };
  collect(schema);

  const particle = (el: SchemaElement, top: boolean): Particle | undefined => {
    switch (el.name) {
      case 'element': {
        const ref = attrOf(el, 'ref');
        if (ref !== undefined) {
          const r = qname(el, ref);
          const close = r.indexOf('}');
          return { k: 'el', name: r.slice(close + 1), ns: r.slice(1, close), min: occurs(el), ref: r };
        }
        const form = attrOf(el, 'form');
        const ns = top || form === 'qualified' || (form === undefined && qualified) ? tns : '';
        const type = attrOf(el, 'type');
        const inline = xsdChildren(el).find((c) => c.name === 'complexType' || c.name === 'simpleType');
        return {
          k: 'el',
          name: attrOf(el, 'name') ?? '',
          ns,
          min: top ? 1 : occurs(el),
          ...(type !== undefined ? { type: qname(el, type) } : {}),
          ...(inline ? { inline: typeDef(inline) } : {}),
        };
      }
      case 'sequence':
      case 'all':
      case 'choice':
        return { k: el.name === 'choice' ? 'choice' : 'seq', min: occurs(el), items: xsdChildren(el).map((c) => particle(c, false)).filter((p): p is Particle => p !== undefined) };
      case 'group': {
        const ref = attrOf(el, 'ref');
        return ref !== undefined ? { k: 'group', ref: qname(el, ref), min: occurs(el) } : undefined;
      }
      case 'any':
        return { k: 'any' };
      default:
        return undefined;
    }
  };

  const contentOf = (el: SchemaElement): Particle | undefined => {
    for (const c of xsdChildren(el)) {
      if (['sequence', 'choice', 'group', 'all'].includes(c.name)) return particle(c, false);
    }
    return undefined;
  };

  /** The attribute uses declared directly in `el` (a complexType, derivation or attributeGroup). */
  const attrUses = (el: SchemaElement): AttrUses | undefined => {
    const uses: AttrUses = { fixed: [], groups: [] };
    for (const c of xsdChildren(el)) {
      const ref = attrOf(c, 'ref');
      if (ref === undefined) continue;
      if (c.name === 'attributeGroup') uses.groups.push(qname(c, ref));
      const fixed = attrOf(c, 'fixed');
      if (c.name === 'attribute' && fixed !== undefined) {
        const r = qname(c, ref);
        const close = r.indexOf('}');
        uses.fixed.push({ ns: r.slice(1, close), name: r.slice(close + 1), value: fixed });
        model.hasFixedRefs = true;
      }
    }
    return uses.fixed.length > 0 || uses.groups.length > 0 ? uses : undefined;
  };

  function typeDef(el: SchemaElement): TypeDef {
    if (el.name === 'simpleType') return {};
    for (const c of xsdChildren(el)) {
      if (c.name === 'complexContent' || c.name === 'simpleContent') {
        const derivation = xsdChildren(c).find((d) => d.name === 'extension' || d.name === 'restriction');
        if (!derivation) return {};
        const base = attrOf(derivation, 'base');
        const content = c.name === 'complexContent' ? contentOf(derivation) : undefined;
        const attrs = attrUses(derivation);
        return {
          ...(derivation.name === 'extension' && base !== undefined ? { extends: qname(derivation, base) } : {}),
          ...(content ? { content } : {}),
          ...(attrs ? { attrs } : {}),
        };
      }
    }
    const content = contentOf(el);
    const attrs = attrUses(el);
    return { ...(content ? { content } : {}), ...(attrs ? { attrs } : {}) };
  }

  for (const top of xsdChildren(schema)) {
    const name = attrOf(top, 'name');
    if (name === undefined) continue;
    const key = clarkName(tns, name);
    if (top.name === 'element') {
      const p = particle(top, true);
      if (p?.k === 'el') model.elements.set(key, p);
    } else if (top.name === 'complexType' || top.name === 'simpleType') {
      model.types.set(key, typeDef(top));
    } else if (top.name === 'group') {
      const content = contentOf(top);
      if (content) model.groups.set(key, content);
    } else if (top.name === 'attributeGroup') {
      const uses = attrUses(top);
      if (uses) model.attributeGroups.set(key, uses);
    }
  }
}

/** The children a type declares, in order, with minOccurs 0 for everything optional (choices included). */
function flatten(model: Model, type: TypeDef | undefined, seen = new Set<TypeDef>()): ChildDecl[] {
  if (!type || seen.has(type)) return [];
  seen.add(type);
  const base = type.extends ? flatten(model, model.types.get(type.extends), seen) : [];
  const out = [...base];
  const walk = (p: Particle, optional: boolean): void => {
    switch (p.k) {
      case 'el':
        out.push({ name: p.name, ns: p.ns, min: optional ? 0 : Math.min(p.min, 1) });
        return;
      case 'seq':
        p.items.forEach((i) => walk(i, optional || p.min === 0));
        return;
      case 'choice':
        p.items.forEach((i) => walk(i, optional || p.min === 0 || p.items.length > 1));
        return;
      case 'group': {
        const g = model.groups.get(p.ref);
        if (g) walk(g, optional || p.min === 0);
        return;
      }
      case 'any':
        return;
    }
  };
  if (type.content) walk(type.content, false);
  return out;
}

/** The type of an element particle: inline, named, or that of the global element it refers to. */
function typeOfElement(model: Model, p: Particle & { k: 'el' }): TypeDef | undefined {
  if (p.ref) {
    const g = model.elements.get(p.ref);
    return g ? typeOfElement(model, g) : undefined;
  }
  return p.inline ?? (p.type ? model.types.get(p.type) : undefined);
}

/** The ref+fixed attribute uses of a type: its own, those of its attribute groups and of its base. */
function fixedAttributes(model: Model, type: TypeDef | undefined, seen = new Set<object>()): FixedAttr[] {
  if (!type || seen.has(type)) return [];
  seen.add(type);
  const out: FixedAttr[] = [];
  const add = (uses: AttrUses | undefined): void => {
    if (!uses || seen.has(uses)) return;
    seen.add(uses);
    out.push(...uses.fixed);
    uses.groups.forEach((g) => add(model.attributeGroups.get(g)));
  };
  add(type.attrs);
  if (type.extends) out.push(...fixedAttributes(model, model.types.get(type.extends), seen));
  return out;
}

/** The element particle a type declares for a child (by namespace and local name). */
function childParticle(model: Model, type: TypeDef | undefined, ns: string, name: string, seen = new Set<TypeDef>()): (Particle & { k: 'el' }) | undefined {
  if (!type || seen.has(type)) return undefined;
  seen.add(type);
  const find = (p: Particle): (Particle & { k: 'el' }) | undefined => {
    switch (p.k) {
      case 'el':
        return p.name === name && p.ns === ns ? p : undefined;
      case 'seq':
      case 'choice':
        for (const i of p.items) {
          const f = find(i);
          if (f) return f;
        }
        return undefined;
      case 'group': {
        const g = model.groups.get(p.ref);
        return g ? find(g) : undefined;
      }
      case 'any':
        return undefined;
    }
  };
  return (type.content ? find(type.content) : undefined) ?? (type.extends ? childParticle(model, model.types.get(type.extends), ns, name, seen) : undefined);
}

// ---------------------------------------------------------------------------------------------
// The node an issue is about

interface Plek {
  /** Local names from the root down, e.g. ['zakLk01', 'object', 'identificatie']. */
  names: string[];
  /** Namespace URIs of the same chain. */
  namespaces: string[];
  /** The same, for display: with [n] where an element has same-named siblings. */
  path: string;
  node: XmlElement;
}

function elementChildren(el: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  for (let c = el.firstChild; c; c = c.next) if (c instanceof XmlElement) out.push(c);
  return out;
}

/** libxml2-wasm's handle of a node: the same node always has the same one. */
const nodePtr = (n: XmlElement): number => (n as unknown as { _nodePtr: number })._nodePtr;

/**
 * Element children and sibling positions, each parent read once per validation. Locating 100
 * issues among n siblings by listing the siblings per issue cost 100 · n DOM nodes (5.7 s for
 * 20,000 invalid siblings); with this the listing is done once per parent and each lookup is a
 * map read, so the work stays linear in the document.
 */
/** Parents whose children were listed, and how many children that read (what the unit test counts). */
export const siblingCounts = { listed: 0, nodes: 0 };

export class Siblings {
  private readonly byName = new Map<string, XmlElement[]>();
  private readonly positions = new Map<number, { index: number; count: number }>();

  /** The element children of `parent` with this prefix and local name (`*`: all). */
  named(parent: XmlElement, prefix: string, name: string): XmlElement[] {
    const key = `${nodePtr(parent)} ${prefix}:${name}`;
    let list = this.byName.get(key);
    if (!list) {
      const all = this.all(parent);
      list = name === '*' ? all : all.filter((c) => c.name === name && c.prefix === prefix);
      this.byName.set(key, list);
    }
    return list;
  }

  /** The position (1-based) of `n` among its parent's children with its name and namespace, and their count. */
  position(n: XmlElement, parent: XmlElement): { index: number; count: number } {
    let p = this.positions.get(nodePtr(n));
    if (!p) {
      const counts = new Map<string, number>();
      const all = this.all(parent);
      for (const c of all) {
        const k = `{${c.namespaceUri}}${c.name}`;
        counts.set(k, (counts.get(k) ?? 0) + 1);
      }
      const seen = new Map<string, number>();
      for (const c of all) {
        const k = `{${c.namespaceUri}}${c.name}`;
        const index = (seen.get(k) ?? 0) + 1;
        seen.set(k, index);
        this.positions.set(nodePtr(c), { index, count: counts.get(k)! });
      }
      p = this.positions.get(nodePtr(n)) ?? { index: 1, count: 1 };
    }
    return p;
  }

  private all(parent: XmlElement): XmlElement[] {
    const key = `${nodePtr(parent)} *`;
    let list = this.byName.get(key);
    if (!list) {
      siblingCounts.listed++;
      list = elementChildren(parent);
      siblingCounts.nodes += list.length;
      this.byName.set(key, list);
    }
    return list;
  }
}

const WITHHELD = '(name withheld)';

/**
 * What the rewriter reads of one libxml2 message: its head (which element, which attribute, which
 * facet) and its tail (the template's end: pattern, set, bound, expected names). The middle is the
 * sender's value, which is never shown anyway; libxml2 quotes it whole (up to 64 KB), and templates
 * run over all of it made a large declaratie cost seconds. Bounded here, the rewriting is linear.
 */
export const XSD_MESSAGE_HEAD = 512;
export const XSD_MESSAGE_TAIL = 4096;

export function messageSlice(message: string): string {
  if (message.length <= XSD_MESSAGE_HEAD + XSD_MESSAGE_TAIL) return message;
  return `${message.slice(0, XSD_MESSAGE_HEAD)} … ${message.slice(-XSD_MESSAGE_TAIL)}`;
}

// ---------------------------------------------------------------------------------------------
// libxml2 messages → issues

const MISSING = /Missing child element\(s\)\. Expected is (?:one of )?\( ([^()]*) \)\.\s*$/;
const NOT_EXPECTED = /This element is not expected\.(?: Expected is (?:one of )?\( ([^()]*) \)\.)?\s*$/;
/** `Element '{ns}name', attribute '{ns}attr': …` */
const ON_ATTRIBUTE = /^Element '[^']*', attribute '(?:\{[^{}]*\})?([^'{}]*)':/;

function list(names: readonly string[]): string {
  return names.length === 1 ? names[0]! : `one of ${names.join(', ')}`;
}

/** Required elements of `sequence` from the first of `expected` up to (not including) `before`. */
function missingRequired(sequence: readonly ChildDecl[], expected: readonly string[], before?: string): string[] {
  const from = Math.min(...expected.map((e) => sequence.findIndex((d) => d.name === e)).filter((i) => i >= 0));
  if (!Number.isFinite(from)) return [];
  const to = before === undefined ? sequence.length : sequence.findIndex((d) => d.name === before);
  if (to < from) return [];
  return sequence.slice(from, to).filter((d) => d.min >= 1).map((d) => d.name);
}

/** The compiled schema of one entry XSD (and everything it imports or includes). */
/** One compiled schema with what was read from its files, shared by the handles of a process. */
interface CompiledXsd {
  readonly schema: XmlDocument;
  readonly validator: XsdValidator;
  readonly model: Model;
  readonly vocabulary: XsdVocabulary;
  /** Handles not yet disposed. */
  users: number;
}

/** Compiled sets kept without users before the oldest unused one is freed (a gateway uses ~30). */
export const XSD_CACHE_SIZE = 64;

/** Compiled sets of this process by content key, least recently used first. */
const compiledSets = new Map<string, CompiledXsd>();

/** How often a set was compiled and how often a compiled one was reused (for tests and the start-up benchmark). */
export const xsdCompileCounts = { compiled: 0, reused: 0 };

function contentKey(bytes: Readonly<Record<string, Uint8Array>>, entry: string): string {
  const h = createHash('sha256');
  // Lengths first, so that no two different file lists hash the same byte stream.
  const part = (data: Uint8Array): void => {
    h.update(`${data.byteLength}:`);
    h.update(data);
  };
  part(Buffer.from(entry));
  for (const name of Object.keys(bytes).sort()) {
    part(Buffer.from(name));
    part(bytes[name]!);
  }
  return h.digest('hex');
}

/** Frees compiled sets no handle uses, oldest first, until the cache is back at its size. */
function trimCache(): void {
  for (const [key, c] of compiledSets) {
    if (compiledSets.size <= XSD_CACHE_SIZE) return;
    if (c.users > 0) continue;
    compiledSets.delete(key);
    c.validator.dispose();
    c.schema.dispose();
  }
}

function compileXsd(bytes: Readonly<Record<string, Uint8Array>>, entry: string): Omit<CompiledXsd, 'users'> {
  const g = schemaGeheugen();
  const base = `mem:/knooppunt/${++loads}/`;
  const url = (name: string): string => base + name.split(/[\\/]+/).map(encodeURIComponent).join('/');

  const model: Model = { elements: new Map(), types: new Map(), groups: new Map(), attributeGroups: new Map(), hasFixedRefs: false };
  const vocab = { names: new Set<string>(), types: new Set<string>(BUILT_IN_TYPES), values: new Set<string>(), namespaces: new Set<string>() };

  for (const [name, data] of Object.entries(bytes)) g.add(url(name), data);
  try {
    return g.sealed(() => {
      for (const [name, data] of Object.entries(bytes)) {
        let tree: XsdTree;
        try {
          tree = schemaTree(data, url(name));
        } catch (err) {
          throw new Error(`cannot read ${name}: ${details(err)}`);
        }
        readSchema(tree, model, vocab);
      }
      const schema = XmlDocument.fromBuffer(bytes[entry]!, { url: url(entry), option: PARSE_OPTIONS });
      try {
        xsdCompileCounts.compiled++;
        return { schema, validator: XsdValidator.fromDoc(schema), model, vocabulary: vocab };
      } catch (err) {
        schema.dispose();
        throw new Error(`cannot compile ${entry}: ${details(err)}`);
      }
    });
  } finally {
    for (const name of Object.keys(bytes)) g.remove(url(name));
  }
}

export class XsdSchemaSet {
  private disposed = false;
  private readonly validator: XsdValidator;
  private readonly model: Model;
  /** What the schema files contain. */
  readonly vocabulary: XsdVocabulary;

  private constructor(
    private readonly compiled: CompiledXsd,
    private readonly hooks: XsdIssueHooks,
  ) {
    this.validator = compiled.validator;
    this.model = compiled.model;
    this.vocabulary = compiled.vocabulary;
  }

  /**
   * Compiles `entry`, one of the keys of `files` (name → XSD text or bytes). Names are paths
   * relative to a common folder (`zds0120/zds0120_msg_zs-dms.xsd`); `schemaLocation`s are resolved among
   * them. Nothing is read from disk or network. The same files compiled before in this process
   * give a handle on that compilation.
   * @throws Error naming the file that does not compile, with libxml2's compile messages.
   */
  static async load(files: Readonly<Record<string, string | Uint8Array>>, entry: string, options: XsdLoadOptions = {}): Promise<XsdSchemaSet> {
    return XsdSchemaSet.loadSync(files, entry, options);
  }

  /** {@link load}, synchronously (libxml2-wasm compiles synchronously). */
  static loadSync(files: Readonly<Record<string, string | Uint8Array>>, entry: string, options: XsdLoadOptions = {}): XsdSchemaSet {
    if (!(entry in files)) throw new Error(`XsdSchemaSet: entry ${entry} is not among the files`);
    const bytes = Object.fromEntries(Object.entries(files).map(([name, text]) => [name, typeof text === 'string' ? new TextEncoder().encode(text) : text]));
    const key = contentKey(bytes, entry);
    let compiled = compiledSets.get(key);
    if (compiled) {
      xsdCompileCounts.reused++;
      compiledSets.delete(key); // most recently used goes last
    } else {
      // A set that does not compile is not kept: the next load tries (and reports) again.
      compiled = { ...compileXsd(bytes, entry), users: 0 };
    }
    compiledSets.set(key, compiled);
    compiled.users++;
    trimCache();
    return new XsdSchemaSet(compiled, options.hooks ?? {});
  }

  /**
   * Validates one document. Returns the issues, empty when the document is valid. A document that
   * is not well-formed gives one issue with its line; a DOCTYPE is refused.
   */
  validate(xml: string | Uint8Array): XsdIssue[] {
    if (this.disposed) throw new Error('XsdSchemaSet: already disposed');
    return schemaGeheugen().sealed(() => {
      let doc: XmlDocument;
      try {
        doc = typeof xml === 'string' ? XmlDocument.fromString(xml, { encoding: 'utf-8', option: PARSE_OPTIONS }) : XmlDocument.fromBuffer(xml, { option: PARSE_OPTIONS });
      } catch (err) {
        // libxml2's parse messages may quote document content: keep only the position.
        const first = err instanceof XmlLibError ? err.details.find((d) => d.level >= 2) : undefined;
        return [{ ...(first && first.line > 0 ? { line: first.line } : {}), message: 'document is not well-formed XML' }];
      }
      try {
        if (doc.dtd) return [{ message: 'document type declarations (DOCTYPE) are not allowed' }];
        let issues: XsdIssue[] = [];
        let total = 0;
        // Bounded collection: past MAX_ISSUES an error is only counted (src/xml/xsd-bounded.ts).
        const found = validateBounded(this.validator, doc, MAX_ISSUES);
        const siblings = new Siblings();
        if (found.invalid) {
          total = found.total;
          issues = found.details.map((d) => this.describe(d, this.plekVan(doc, d.xpath, siblings)));
          if (issues.length === 0) {
            issues.push({ message: 'document does not conform to the schema' });
            total = 1;
          }
        }
        if (this.model.hasFixedRefs) {
          const fixed = this.fixedAttributeIssues(doc, siblings);
          total += fixed.length;
          issues.push(...fixed.slice(0, Math.max(0, MAX_ISSUES - issues.length)));
        }
        if (total > issues.length) issues.push({ message: `${total - issues.length} more issues not shown` });
        return issues;
      } finally {
        doc.dispose();
      }
    });
  }

  /**
   * The children declared for the element at this path (namespace URI and local name from the
   * root), as the XSDs' content model gives them; `undefined` when the path is not declared.
   */
  childrenOf(path: ReadonlyArray<{ ns: string; name: string }>): ChildDecl[] | undefined {
    const [root, ...rest] = path;
    if (!root) return undefined;
    const decl = this.model.elements.get(clarkName(root.ns, root.name));
    if (!decl) return undefined;
    let type = typeOfElement(this.model, decl);
    for (const step of rest) {
      const child = childParticle(this.model, type, step.ns, step.name);
      if (!child) return undefined;
      type = typeOfElement(this.model, child);
    }
    return flatten(this.model, type);
  }

  /**
   * Releases this handle; it cannot validate afterwards. The compiled schema stays for other
   * handles and later loads, and is freed only once unused and pushed out of the cache.
   */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.compiled.users--;
    trimCache();
  }

  // -------------------------------------------------------------------------------------------

  /**
   * An element or attribute name from the document, safe to show: a name of the schemas, or a
   * plain name without long digit runs (names are markup, but a sender could still write
   * `<X999993653>`).
   */
  private safeName(name: string | undefined): string {
    if (name && this.vocabulary.names.has(name)) return name;
    return name && /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/.test(name) && !/[0-9]{4}/.test(name) ? name : WITHHELD;
  }

  /** `{ns}Local` names from an "Expected is ( … )" list, kept only when the schemas declare them. */
  private expectedNames(text: string): Array<{ ns: string; name: string }> {
    const out: Array<{ ns: string; name: string }> = [];
    for (const m of text.matchAll(/\{([^{}]*)\}([A-Za-z_][A-Za-z0-9_.-]*)/g)) {
      if (this.vocabulary.namespaces.has(m[1]!) && this.vocabulary.names.has(m[2]!)) out.push({ ns: m[1]!, name: m[2]! });
    }
    return out;
  }

  private schemaValue(v: string | undefined): string | undefined {
    return v !== undefined && this.vocabulary.values.has(v) ? v : undefined;
  }

  private schemaType(t: string | undefined): string | undefined {
    const local = t?.replace(/^\{[^{}]*\}/, '');
    return local !== undefined && this.vocabulary.types.has(local) ? local : undefined;
  }

  /** Declared children at a document position: the hook's answer, else the XSD content model. */
  private declaredChildren(names: readonly string[], namespaces: readonly string[]): readonly ChildDecl[] | undefined {
    if (this.hooks.childrenOf) return this.hooks.childrenOf(names);
    return this.childrenOf(names.map((name, i) => ({ name, ns: namespaces[i] ?? '' })));
  }

  /**
   * Finds the element of a libxml2 node path (xmlGetNodePath: `/*` + `/*[2]` for elements in a
   * default namespace, `/p:Name[2]` for prefixed ones, `/@attr` for an attribute) and describes it
   * in local names.
   */
  private plekVan(doc: XmlDocument, xpath: string | undefined, siblings: Siblings): Plek | undefined {
    if (!xpath?.startsWith('/')) return undefined;
    let node: XmlElement;
    try {
      node = doc.root;
    } catch {
      return undefined;
    }
    const steps = xpath.slice(1).split('/');
    for (const [i, step] of steps.entries()) {
      if (step.startsWith('@')) break;
      const m = /^(?:([^:[\]]+):)?([^:[\]]+)(?:\[(\d+)\])?$/.exec(step);
      if (!m) return undefined;
      const [, prefix, name, index] = m;
      if (i === 0) continue; // the root
      const next = siblings.named(node, prefix ?? '', name!)[Number(index ?? '1') - 1];
      if (!next) return undefined;
      node = next;
    }
    const chain: XmlElement[] = [];
    for (let n: XmlElement | null = node; n; n = n.parent) chain.unshift(n);
    return { names: chain.map((n) => n.name), namespaces: chain.map((n) => n.namespaceUri), path: this.pathOf(chain, siblings), node };
  }

  /** `/a/b[2]/c` for a chain of elements from the root, names made safe. */
  private pathOf(chain: readonly XmlElement[], siblings: Siblings): string {
    const path = chain
      .map((n) => {
        const name = this.safeName(n.name);
        const parent = n.parent;
        if (!parent) return name;
        const { index, count } = siblings.position(n, parent);
        return count > 1 ? `${name}[${index}]` : name;
      })
      .join('/');
    return `/${path}`;
  }

  /**
   * The `fixed` values of attribute uses that refer to a global attribute (`<xs:attribute
   * ref="StUF:entiteittype" fixed="ZAK"/>`): libxml2 does not check those. One XPath query finds
   * the elements that carry such an attribute; the type of each is found along the content model
   * (cached by path) and the value compared here.
   */
  private fixedAttributeIssues(doc: XmlDocument, siblings: Siblings): XsdIssue[] {
    const issues: XsdIssue[] = [];
    const root = doc.root;
    const decl = this.model.elements.get(clarkName(root.namespaceUri, root.name));
    if (!decl) return issues;
    const { xpath, namespaces } = this.fixedQuery(decl);
    if (xpath === '') return issues;
    for (const node of doc.find(xpath, namespaces)) {
      if (!(node instanceof XmlElement)) continue;
      const chain: XmlElement[] = [];
      for (let n: XmlElement | null = node; n; n = n.parent) chain.unshift(n);
      const type = this.typeAt(chain);
      if (!type) continue;
      const attrs = node.attrs;
      for (const f of this.fixedOf(type)) {
        const a = attrs.find((x) => x.name === f.name && x.namespaceUri === f.ns);
        if (a && a.value !== f.value) {
          issues.push({ ...(node.line > 0 ? { line: node.line } : {}), element: this.pathOf(chain, siblings), message: `${this.safeName(node.name)}: attribute ${this.safeName(f.name)}: value must be ${f.value}` });
          if (issues.length >= MAX_ISSUES) return issues;
        }
      }
    }
    return issues;
  }

  private readonly fixedQueryCache = new Map<string, { xpath: string; namespaces: Record<string, string> }>();
  private readonly typeAtCache = new Map<string, TypeDef | null>();
  private readonly fixedOfCache = new Map<TypeDef, FixedAttr[]>();

  /**
   * One XPath that selects exactly the elements whose ref+fixed attribute has another value:
   * the union of `/p0:root/p0:child[@p1:attr != 'value']` over every element path the content
   * model allows below this root (recursion and depth bounded; cached per root). A valid
   * document costs one query. If the model is too large to expand, every element carrying such an
   * attribute is selected instead and checked one by one.
   */
  private fixedQuery(root: Particle & { k: 'el' }): { xpath: string; namespaces: Record<string, string> } {
    const cacheKey = clarkName(root.ns, root.name);
    const cached = this.fixedQueryCache.get(cacheKey);
    if (cached) return cached;
    const prefixes = new Map<string, string>();
    const prefix = (ns: string): string => {
      let p = prefixes.get(ns);
      if (p === undefined) {
        p = `n${prefixes.size}`;
        prefixes.set(ns, p);
      }
      return p;
    };
    const step = (ns: string, name: string): string => (ns === '' ? name : `${prefix(ns)}:${name}`);
    const literal = (v: string): string => (v.includes("'") ? `"${v}"` : `'${v}'`);
    const rules: string[] = [];
    const attrs = new Map<string, FixedAttr>();
    const MAX_RULES = 5000;
    // A union of many deep paths costs libxml2 far more than selecting the few carriers and checking
    // them one by one (the full StUF-ZKN zakLk01: 138 paths, about 5 ms a document, against 0.1 ms).
    const UNION_RULES = 32;
    const MAX_DEPTH = 24;
    const expand = (type: TypeDef | undefined, path: string, stack: TypeDef[]): void => {
      if (!type || stack.includes(type) || stack.length >= MAX_DEPTH || rules.length > MAX_RULES) return;
      for (const f of this.fixedOf(type)) {
        attrs.set(clarkName(f.ns, f.name), f);
        rules.push(`${path}[@${step(f.ns, f.name)} != ${literal(f.value)}]`);
      }
      const seen = new Set<string>();
      for (const c of flatten(this.model, type)) {
        const key = clarkName(c.ns, c.name);
        if (seen.has(key)) continue;
        seen.add(key);
        const p = childParticle(this.model, type, c.ns, c.name);
        if (p) expand(typeOfElement(this.model, p), `${path}/${step(c.ns, c.name)}`, [...stack, type]);
      }
    };
    expand(typeOfElement(this.model, root), `/${step(root.ns, root.name)}`, []);
    let xpath: string;
    if (rules.length === 0) {
      xpath = '';
    } else if (rules.length <= UNION_RULES) {
      xpath = rules.join(' | ');
    } else {
      xpath = `//*[${[...attrs.values()].map((f) => `@${step(f.ns, f.name)}`).join(' or ')}]`;
    }
    const query = { xpath, namespaces: Object.fromEntries([...prefixes].map(([ns, p]) => [p, ns])) };
    this.fixedQueryCache.set(cacheKey, query);
    return query;
  }

  /** The declared type of the last element of a chain from the root, or undefined (not declared, or under a wildcard). */
  private typeAt(chain: readonly XmlElement[]): TypeDef | undefined {
    const key = chain.map((n) => clarkName(n.namespaceUri, n.name)).join('');
    const known = this.typeAtCache.get(key);
    if (known !== undefined) return known ?? undefined;
    let type: TypeDef | undefined;
    const [root, ...rest] = chain;
    const decl = root ? this.model.elements.get(clarkName(root.namespaceUri, root.name)) : undefined;
    if (decl) {
      type = typeOfElement(this.model, decl);
      for (const step of rest) {
        const p = childParticle(this.model, type, step.namespaceUri, step.name);
        type = p ? typeOfElement(this.model, p) : undefined;
        if (!type) break;
      }
    }
    if (this.typeAtCache.size < 10_000) this.typeAtCache.set(key, type ?? null);
    return type;
  }

  private fixedOf(type: TypeDef): FixedAttr[] {
    let f = this.fixedOfCache.get(type);
    if (!f) {
      f = fixedAttributes(this.model, type);
      this.fixedOfCache.set(type, f);
    }
    return f;
  }

  private describe(detail: ErrorDetail, plek: Plek | undefined): XsdIssue {
    const msg = messageSlice(detail.message);
    const line = detail.line > 0 ? detail.line : undefined;
    const name = this.safeName(plek?.names.at(-1) ?? /^Element '(?:\{[^{}]*\})?([^'{}]*)'/.exec(msg)?.[1]);
    const at = (message: string, where = plek?.path): XsdIssue => ({ ...(line !== undefined ? { line } : {}), ...(where ? { element: where } : {}), message });
    const attribute = ON_ATTRIBUTE.exec(msg)?.[1];
    /** The subject of a value message: the element, or the attribute on it. */
    const subject = attribute !== undefined ? `${name}: attribute ${this.safeName(attribute)}` : name;
    let m: RegExpExecArray | null;

    if (/No matching global declaration available for the validation root\.\s*$/.test(msg)) {
      const ns = plek?.namespaces[0] ?? '';
      const hooked = this.hooks.rootNotDeclared?.({ name: plek?.names[0] ?? '', ns, safeName: name });
      if (hooked !== undefined) return at(hooked);
      const elsewhere = [...this.model.elements.values()].find((e) => e.name === plek?.names[0]);
      return at(elsewhere ? `${name}: root element is in the wrong namespace (expected ${elsewhere.ns})` : `${name}: root element is not declared by the schema`);
    }
    if ((m = MISSING.exec(msg))) {
      const expected = this.expectedNames(m[1]!).map((e) => e.name);
      const sequence = plek ? this.declaredChildren(plek.names, plek.namespaces) : undefined;
      const missing = sequence ? missingRequired(sequence, expected) : [];
      if (missing.length > 0) return at(`${name}: missing child element${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
      return at(expected.length > 0 ? `${name}: missing child element ${list(expected)}` : `${name}: missing child element`);
    }
    if ((m = NOT_EXPECTED.exec(msg))) {
      const expected = this.expectedNames(m[1] ?? '');
      const names = expected.map((e) => e.name);
      const node = plek?.node;
      const sameName = expected.find((e) => e.name === plek?.names.at(-1));
      if (node && sameName && sameName.ns !== node.namespaceUri) {
        return at(`${name}: element is in the wrong namespace (expected ${sameName.ns})`);
      }
      const parentNames = plek?.names.slice(0, -1);
      const parentPath = plek?.path.slice(0, plek.path.lastIndexOf('/')) || undefined;
      const sequence = parentNames && plek ? this.declaredChildren(parentNames, plek.namespaces.slice(0, -1)) : undefined;
      const parentName = this.safeName(parentNames?.at(-1));
      if (sequence && plek && sequence.some((d) => d.name === plek.names.at(-1))) {
        const missing = missingRequired(sequence, names, plek.names.at(-1));
        if (missing.length > 0) return at(`${parentName}: missing child element${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`, parentPath);
        return at(`${name}: element not expected here (out of order or repeated)${names.length > 0 ? `; expected ${list(names)}` : ''}`);
      }
      const hooked = plek ? this.hooks.notDeclared?.(plek.names, name) : undefined;
      if (hooked !== undefined) return at(hooked);
      return at(`${name}: element not allowed here${names.length > 0 ? `; expected ${list(names)}` : ''}`);
    }
    if ((m = /\[facet 'pattern'\] The value [\s\S]* is not accepted by the pattern '([^]*)'\.\s*$/.exec(msg))) {
      const p = this.schemaValue(m[1]);
      return at(`${subject}: value does not match the required pattern${p ? ` ${p}` : ''}`);
    }
    if ((m = /\[facet 'enumeration'\] The value [\s\S]* is not an element of the set \{([^{}]*)\}\.\s*$/.exec(msg))) {
      const values = [...m[1]!.matchAll(/'([^']*)'/g)].map((v) => this.schemaValue(v[1]));
      const allowed = values.every((v) => v !== undefined) ? values.join(', ') : undefined;
      return at(`${subject}: value is not one of the allowed values${allowed ? ` ${allowed}` : ''}`);
    }
    if ((m = /\[facet '(minLength|maxLength|length)'\][\s\S]* the allowed (?:minimum |maximum )?length of '(\d+)'\.\s*$/.exec(msg))) {
      const n = this.schemaValue(m[2]);
      const what = m[1] === 'minLength' ? 'shorter than the minimum length' : m[1] === 'maxLength' ? 'longer than the maximum length' : 'not of the required length';
      return at(`${subject}: value is ${what}${n ? ` ${n}` : ''}`);
    }
    if ((m = /\[facet '(minInclusive|maxInclusive)'\][\s\S]* the (?:minimum|maximum) value allowed \('([^']*)'\)\.\s*$/.exec(msg))) {
      const n = this.schemaValue(m[2]);
      return at(`${subject}: value is ${m[1] === 'minInclusive' ? 'less than the minimum' : 'greater than the maximum'}${n ? ` ${n}` : ''}`);
    }
    if ((m = /\[facet 'totalDigits'\][\s\S]* has more digits than are allowed \('(\d+)'\)\.\s*$/.exec(msg))) {
      const n = this.schemaValue(m[1]);
      return at(`${subject}: value has more digits than allowed${n ? ` (${n})` : ''}`);
    }
    if ((m = /is not a valid value of the (?:local )?(?:atomic|list|union) type(?: '([^']*)')?\.\s*$/.exec(msg))) {
      const t = this.schemaType(m[1]);
      return at(`${subject}: value is not valid for type ${t ?? 'of this element'}`);
    }
    if ((m = /does not match the fixed value constraint '([^']*)'\.\s*$/.exec(msg))) {
      const v = this.schemaValue(m[1]);
      return at(`${subject}: value must be${v !== undefined ? ` ${v}` : ' the fixed value of the schema'}`);
    }
    if ((m = /^Element '[^']*': The attribute '(?:\{[^{}]*\})?([^'{}]*)' is required but missing\.\s*$/.exec(msg))) {
      return at(`${name}: missing attribute ${this.safeName(m[1])}`);
    }
    if (/Character content other than whitespace is not allowed because the content type is 'element-only'\.\s*$/.test(msg)) {
      return at(`${name}: text is not allowed here, only child elements`);
    }
    if (/Character content is not allowed, because the content type is empty\.\s*$/.test(msg) || /Element content is not allowed, because the content type is empty\.\s*$/.test(msg)) {
      return at(`${name}: content is not allowed here, the element must be empty`);
    }
    if (/Element content is not allowed, because the (?:type definition is simple|content type is a simple type definition)\.\s*$/.test(msg)) {
      return at(`${name}: child elements are not allowed here, only a value`);
    }
    if (/specified by xsi:type, is blocked or not validly derived/.test(msg) || /The QName value [\s\S]* of the xsi:type attribute/.test(msg)) {
      return at(`${name}: xsi:type is not allowed here`);
    }
    if (/The element is not 'nillable'\.\s*$/.test(msg)) return at(`${name}: element may not be nil`);
    if (/'nilled'/.test(msg) || /since it is nilled/.test(msg)) return at(`${name}: an element with xsi:nil="true" must be empty`);
    if ((m = /^Element '[^']*', attribute '(?:\{[^{}]*\})?([^'{}]*)': The attribute [\s\S]* is not allowed\.\s*$/.exec(msg))) {
      return at(`${name}: attribute ${this.safeName(m[1])} is not allowed`);
    }
    return at(`${subject}: content does not conform to the schema`);
  }
}

function details(err: unknown): string {
  return err instanceof XmlLibError ? err.details.map((d) => d.message.trim()).join('; ') : String(err);
}
