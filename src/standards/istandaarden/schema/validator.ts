/**
 * In-process XSD validation of iJw 3.2 / iWmo 3.2 berichten with libxml2 (WebAssembly).
 *
 * - The XSDs are read from disk once, in {@link XsdValidators.load}; every schema is compiled
 *   once and kept. `basisschema.xsd` is resolved from memory through an input provider; while we
 *   compile or validate, that provider answers every other name with "not found", so libxml2 can
 *   load nothing else (the wasm build only sees its own in-memory file system anyway).
 * - Instance documents are parsed without entity substitution (no XML_PARSE_NOENT), without DTD
 *   loading (no XML_PARSE_DTDLOAD, plus XML_PARSE_NO_XXE and XML_PARSE_NONET), and a document that
 *   carries a DOCTYPE is refused before validation. src/xml/parse.ts already refuses DOCTYPE
 *   earlier in the pipeline; this is the second line.
 * - Every parsed document is disposed in a `finally`, so nothing stays in the wasm heap.
 *   How this was checked: a script captured libxml2's WebAssembly.Memory (by wrapping
 *   WebAssembly.instantiate before the import) and validated 40,000 WMO301s, valid and with three
 *   issues each, under `node --expose-gc`. The wasm memory stayed at 16.3 MB from the first to the
 *   last document, JS heap and RSS flat once warm. Note: in one long *synchronous* loop the JS heap
 *   does grow (~100 bytes per document, plain XmlDocument.fromString().dispose() too), because V8
 *   keeps the targets of WeakRefs created in the current job alive until the job ends;
 *   libxml2-wasm makes a WeakRef per document. Yielding to the event loop (as the gateway does
 *   between messages) releases them.
 * - Issue messages never contain values from the document: libxml2 quotes the offending value
 *   (`The value '12345' is not accepted by the pattern '[0-9]{9}'`), so each libxml2 message is
 *   recognised and rewritten from a template. Only element names, facets and expected content
 *   remain, and those are checked against what the schemas themselves contain before they are used.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
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
import { projectRoot } from '../../../util/paths.js';
import { basisschemaNamespace, berichtNamespace, berichtType, STANDAARDEN, type BerichtNummer, type Standaard } from '../catalog.js';
import { BASISSCHEMA_BESTAND, BERICHTNUMMERS, berichtXsdBestand, releaseMap } from './generate-xsd.js';
import { berichtElement, COMPLEX_TYPES, SIMPLE_TYPES, type ElementDef } from './model.js';

/** One reason a document does not match its XSD. Never contains a value from the document. */
export interface XsdIssue {
  /** Line in the document where libxml2 noticed the problem. */
  line?: number;
  /** Where: the element path in local names, e.g. `/Bericht/Client/ToegewezenProducten/ToegewezenProduct[2]/Ingangsdatum`. */
  element?: string;
  /** What, in English, starting with the element's local name: `Bsn: value does not match the required pattern [0-9]{9}`. */
  message: string;
}

/** At most this many issues per document: enough to repair a message, bounded work for a hostile one. */
export const MAX_ISSUES = 100;

/** The default folder with `<ijw|iwmo>/3_2/*.xsd`. */
export function defaultSchemasDir(): string {
  return join(projectRoot(), 'schemas', 'istandaarden');
}

// ---------------------------------------------------------------------------------------------
// Schema resolution from memory

/**
 * The one input provider of this module (libxml2 keeps a small global table of providers, so it is
 * registered once). It serves the schema buffers added by {@link XsdValidators.load}; inside
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

// ---------------------------------------------------------------------------------------------
// What the schemas contain: the only words an issue message may take from libxml2

const SCHEMA_NAMES = new Set<string>();
const SCHEMA_TYPES = new Set<string>(['xs:string', 'xs:integer', 'xs:date', 'xs:time', 'xs:decimal']);
const SCHEMA_VALUES = new Set<string>();
const KNOWN_NAMESPACES = new Set<string>();
{
  const collect = (d: ElementDef) => {
    SCHEMA_NAMES.add(d.name);
    if (d.fixed !== undefined) {
      SCHEMA_VALUES.add(d.fixed);
      SCHEMA_TYPES.add(d.name);
    }
    d.children?.forEach(collect);
  };
  for (const standaard of STANDAARDEN) {
    KNOWN_NAMESPACES.add(basisschemaNamespace(standaard));
    for (const nummer of BERICHTNUMMERS) {
      KNOWN_NAMESPACES.add(berichtNamespace(standaard, nummer));
      collect(berichtElement(nummer, standaard));
    }
  }
  for (const c of COMPLEX_TYPES) c.children.forEach(collect);
  for (const t of SIMPLE_TYPES) {
    SCHEMA_TYPES.add(t.name);
    for (const v of [t.pattern, t.minLength, t.maxLength, t.minInclusive, t.maxInclusive, ...(t.enumeration ?? [])]) {
      if (v !== undefined) SCHEMA_VALUES.add(String(v));
    }
  }
}

const WITHHELD = '(name withheld)';

/**
 * An element or attribute name from the document, safe to show: a name of the schemas, or a
 * plain name without long digit runs (names are markup, but a sender could still write
 * `<X999993653>`).
 */
function safeName(name: string | undefined): string {
  if (name && SCHEMA_NAMES.has(name)) return name;
  return name && /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/.test(name) && !/[0-9]{4}/.test(name) ? name : WITHHELD;
}


/** `{ns}Local` names from an "Expected is ( … )" list, kept only when the schemas declare them. */
function expectedNames(list: string): Array<{ ns: string; name: string }> {
  const out: Array<{ ns: string; name: string }> = [];
  for (const m of list.matchAll(/\{([^{}]*)\}([A-Za-z_][A-Za-z0-9_.-]*)/g)) {
    if (KNOWN_NAMESPACES.has(m[1]!) && SCHEMA_NAMES.has(m[2]!)) out.push({ ns: m[1]!, name: m[2]! });
  }
  return out;
}

function schemaValue(v: string | undefined): string | undefined {
  return v !== undefined && SCHEMA_VALUES.has(v) ? v : undefined;
}

function schemaType(t: string | undefined): string | undefined {
  const local = t?.replace(/^\{[^{}]*\}/, '');
  return local !== undefined && SCHEMA_TYPES.has(local) ? local : undefined;
}

// ---------------------------------------------------------------------------------------------
// The node an issue is about

interface Plek {
  /** Local names from the root down, e.g. ['Bericht', 'Client', 'Bsn']. */
  names: string[];
  /** The same, for display: with [n] where an element has same-named siblings. */
  path: string;
  node: XmlElement;
}

function elementChildren(el: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  for (let c = el.firstChild; c; c = c.next) if (c instanceof XmlElement) out.push(c);
  return out;
}

/**
 * Finds the element of a libxml2 node path (xmlGetNodePath: `/*` + `/*[2]` for elements in a
 * default namespace, `/p:Name[2]` for prefixed ones, `/@attr` for an attribute) and describes it
 * in local names.
 */
function plekVan(doc: XmlDocument, xpath: string | undefined): Plek | undefined {
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
    const matches = elementChildren(node).filter((c) => name === '*' || (c.name === name && c.prefix === (prefix ?? '')));
    const next = matches[Number(index ?? '1') - 1];
    if (!next) return undefined;
    node = next;
  }
  const chain: XmlElement[] = [];
  for (let n: XmlElement | null = node; n; n = n.parent) chain.unshift(n);
  const names = chain.map((n) => n.name);
  const path = chain
    .map((n) => {
      const name = safeName(n.name);
      const parent = n.parent;
      if (!parent) return name;
      const same = elementChildren(parent).filter((c) => c.name === n.name && c.namespaceUri === n.namespaceUri);
      return same.length > 1 ? `${name}[${same.findIndex((c) => c.isSameNode(n)) + 1}]` : name;
    })
    .join('/');
  return { names, path: `/${path}`, node };
}

// ---------------------------------------------------------------------------------------------
// libxml2 messages → issues

interface Context {
  standaard: Standaard;
  nummer: BerichtNummer;
  /** The sequence of child elements the model declares under the element at this local-name path. */
  childrenOf(names: readonly string[], standaard?: Standaard): readonly ElementDef[] | undefined;
}

const MISSING = /Missing child element\(s\)\. Expected is (?:one of )?\( ([^()]*) \)\.\s*$/;
const NOT_EXPECTED = /This element is not expected\.(?: Expected is (?:one of )?\( ([^()]*) \)\.)?\s*$/;

function list(names: readonly string[]): string {
  return names.length === 1 ? names[0]! : `one of ${names.join(', ')}`;
}

/** Required elements of `sequence` from the first of `expected` up to (not including) `before`. */
function missingRequired(sequence: readonly ElementDef[], expected: readonly string[], before?: string): string[] {
  const from = Math.min(...expected.map((e) => sequence.findIndex((d) => d.name === e)).filter((i) => i >= 0));
  if (!Number.isFinite(from)) return [];
  const to = before === undefined ? sequence.length : sequence.findIndex((d) => d.name === before);
  if (to < from) return [];
  return sequence.slice(from, to).filter((d) => d.min === 1).map((d) => d.name);
}

function omschrijf(detail: ErrorDetail, plek: Plek | undefined, ctx: Context): XsdIssue {
  const msg = detail.message;
  const line = detail.line > 0 ? detail.line : undefined;
  const name = safeName(plek?.names.at(-1) ?? /^Element '(?:\{[^{}]*\})?([^'{}]*)'/.exec(msg)?.[1]);
  const at = (message: string, where = plek?.path): XsdIssue => ({ ...(line !== undefined ? { line } : {}), ...(where ? { element: where } : {}), message });
  const own = berichtNamespace(ctx.standaard, ctx.nummer);
  let m: RegExpExecArray | null;

  if (/No matching global declaration available for the validation root\.\s*$/.test(msg)) {
    return at(
      name === 'Bericht'
        ? `Bericht: root element is not in the namespace of ${berichtType(ctx.standaard, ctx.nummer)} (expected ${own})`
        : `${name}: root element must be Bericht in namespace ${own}`,
    );
  }
  if ((m = MISSING.exec(msg))) {
    const expected = expectedNames(m[1]!).map((e) => e.name);
    const sequence = plek ? ctx.childrenOf(plek.names) : undefined;
    const missing = sequence ? missingRequired(sequence, expected) : [];
    if (missing.length > 0) return at(`${name}: missing child element${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
    return at(expected.length > 0 ? `${name}: missing child element ${list(expected)}` : `${name}: missing child element`);
  }
  if ((m = NOT_EXPECTED.exec(msg))) {
    const expected = expectedNames(m[1] ?? '');
    const names = expected.map((e) => e.name);
    const node = plek?.node;
    const sameName = expected.find((e) => e.name === plek?.names.at(-1));
    if (node && sameName && sameName.ns !== node.namespaceUri) {
      return at(`${name}: element is in the wrong namespace (expected ${sameName.ns})`);
    }
    const parentNames = plek?.names.slice(0, -1);
    const parentPath = plek?.path.slice(0, plek.path.lastIndexOf('/')) || undefined;
    const sequence = parentNames ? ctx.childrenOf(parentNames) : undefined;
    const parentName = safeName(parentNames?.at(-1));
    if (sequence && plek && sequence.some((d) => d.name === plek.names.at(-1))) {
      const missing = missingRequired(sequence, names, plek.names.at(-1));
      if (missing.length > 0) return at(`${parentName}: missing child element${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`, parentPath);
      return at(`${name}: element not expected here (out of order or repeated)${names.length > 0 ? `; expected ${list(names)}` : ''}`);
    }
    const ander = ctx.standaard === 'ijw' ? 'iwmo' : 'ijw';
    if (sequence && parentNames && ctx.childrenOf(parentNames, ander)?.some((d) => d.name === plek?.names.at(-1))) {
      return at(`${name}: element is part of ${ander === 'ijw' ? 'iJw' : 'iWmo'}, not of ${ctx.standaard === 'ijw' ? 'iJw' : 'iWmo'}`);
    }
    return at(`${name}: element not allowed here${names.length > 0 ? `; expected ${list(names)}` : ''}`);
  }
  if ((m = /\[facet 'pattern'\] The value [\s\S]* is not accepted by the pattern '([^]*)'\.\s*$/.exec(msg))) {
    const p = schemaValue(m[1]);
    return at(`${name}: value does not match the required pattern${p ? ` ${p}` : ''}`);
  }
  if ((m = /\[facet 'enumeration'\] The value [\s\S]* is not an element of the set \{([^{}]*)\}\.\s*$/.exec(msg))) {
    const values = [...m[1]!.matchAll(/'([^']*)'/g)].map((v) => schemaValue(v[1]));
    const allowed = values.every((v) => v !== undefined) ? values.join(', ') : undefined;
    return at(`${name}: value is not one of the allowed values${allowed ? ` ${allowed}` : ''}`);
  }
  if ((m = /\[facet '(minLength|maxLength|length)'\][\s\S]* the allowed (?:minimum |maximum )?length of '(\d+)'\.\s*$/.exec(msg))) {
    const n = schemaValue(m[2]);
    const what = m[1] === 'minLength' ? 'shorter than the minimum length' : m[1] === 'maxLength' ? 'longer than the maximum length' : 'not of the required length';
    return at(`${name}: value is ${what}${n ? ` ${n}` : ''}`);
  }
  if ((m = /\[facet '(minInclusive|maxInclusive)'\][\s\S]* the (?:minimum|maximum) value allowed \('([^']*)'\)\.\s*$/.exec(msg))) {
    const n = schemaValue(m[2]);
    return at(`${name}: value is ${m[1] === 'minInclusive' ? 'less than the minimum' : 'greater than the maximum'}${n ? ` ${n}` : ''}`);
  }
  if ((m = /is not a valid value of the (?:local )?(?:atomic|list|union) type(?: '([^']*)')?\.\s*$/.exec(msg))) {
    const t = schemaType(m[1]);
    return at(`${name}: value is not valid for type ${t ?? 'of this element'}`);
  }
  if (/Character content other than whitespace is not allowed because the content type is 'element-only'\.\s*$/.test(msg)) {
    return at(`${name}: text is not allowed here, only child elements`);
  }
  if (/Element content is not allowed, because the (?:type definition is simple|content type is a simple type definition)\.\s*$/.test(msg)) {
    return at(`${name}: child elements are not allowed here, only a value`);
  }
  if (/specified by xsi:type, is blocked or not validly derived/.test(msg) || /The QName value [\s\S]* of the xsi:type attribute/.test(msg)) {
    return at(`${name}: xsi:type is not allowed here`);
  }
  if (/The element is not 'nillable'\.\s*$/.test(msg)) return at(`${name}: element may not be nil`);
  if ((m = /^Element '[^]*', attribute '(?:\{[^{}]*\})?([^'{}]*)': The attribute [\s\S]* is not allowed\.\s*$/.exec(msg))) {
    return at(`${name}: attribute ${safeName(m[1])} is not allowed`);
  }
  return at(`${name}: content does not conform to the schema`);
}

// ---------------------------------------------------------------------------------------------

/** Safe parse options for instance documents: no entity substitution, no DTD, nothing external. */
const INSTANCE_OPTIONS = ParseOption.XML_PARSE_NONET | ParseOption.XML_PARSE_NO_XXE | ParseOption.XML_PARSE_BIG_LINES;

interface Compiled {
  schema: XmlDocument;
  validator: XsdValidator;
}

function key(standaard: Standaard, nummer: BerichtNummer): string {
  return `${standaard}/${nummer}`;
}

/** The compiled XSDs of iJw 3.2 and iWmo 3.2: one validator per (standaard, bericht). */
export class XsdValidators {
  private readonly models = new Map<string, ElementDef>();
  private disposed = false;

  private constructor(private readonly compiled: ReadonlyMap<string, Compiled>) {}

  /**
   * Reads `<schemasDir>/<ijw|iwmo>/3_2/*.xsd` and compiles every message schema. This is the only
   * file access; afterwards validation works from memory.
   */
  static async load(schemasDir: string = defaultSchemasDir()): Promise<XsdValidators> {
    const bestanden = STANDAARDEN.flatMap((standaard) => [
      { standaard, nummer: undefined, file: BASISSCHEMA_BESTAND },
      ...BERICHTNUMMERS.map((nummer) => ({ standaard, nummer, file: berichtXsdBestand(standaard, nummer) })),
    ]);
    const inhoud = await Promise.all(bestanden.map((b) => readFile(join(schemasDir, ...releaseMap(b.standaard).split('/'), b.file))));

    const g = schemaGeheugen();
    const base = `mem:/knooppunt/${++loads}`;
    const url = (b: { standaard: Standaard; file: string }) => `${base}/${releaseMap(b.standaard)}/${b.file}`;
    const compiled = new Map<string, Compiled>();
    bestanden.forEach((b, i) => {
      if (!b.nummer) g.add(url(b), inhoud[i]!);
    });
    try {
      g.sealed(() => {
        bestanden.forEach((b, i) => {
          if (!b.nummer) return;
          const schema = XmlDocument.fromBuffer(inhoud[i]!, { url: url(b), option: INSTANCE_OPTIONS });
          try {
            compiled.set(key(b.standaard, b.nummer), { schema, validator: XsdValidator.fromDoc(schema) });
          } catch (err) {
            schema.dispose();
            const details = err instanceof XmlLibError ? err.details.map((d) => d.message.trim()).join('; ') : String(err);
            throw new Error(`cannot compile ${releaseMap(b.standaard)}/${b.file}: ${details}`);
          }
        });
      });
    } catch (err) {
      for (const c of compiled.values()) {
        c.validator.dispose();
        c.schema.dispose();
      }
      throw err;
    } finally {
      bestanden.forEach((b) => {
        if (!b.nummer) g.remove(url(b));
      });
    }
    return new XsdValidators(compiled);
  }

  /**
   * Validates one bericht against the XSD of (standaard, nummer). Returns the issues, empty when
   * the document is valid. A document that is not well-formed gives one issue with its line.
   */
  validate(xml: string | Uint8Array, standaard: Standaard, nummer: BerichtNummer): XsdIssue[] {
    if (this.disposed) throw new Error('XsdValidators: already disposed');
    const c = this.compiled.get(key(standaard, nummer));
    if (!c) throw new Error(`no XSD for ${standaard} ${nummer}`);
    return schemaGeheugen().sealed(() => {
      let doc: XmlDocument;
      try {
        doc = typeof xml === 'string' ? XmlDocument.fromString(xml, { encoding: 'utf-8', option: INSTANCE_OPTIONS }) : XmlDocument.fromBuffer(xml, { option: INSTANCE_OPTIONS });
      } catch (err) {
        // libxml2's parse messages may quote document content: keep only the position.
        const first = err instanceof XmlLibError ? err.details.find((d) => d.level >= 2) : undefined;
        return [{ ...(first && first.line > 0 ? { line: first.line } : {}), message: 'document is not well-formed XML' }];
      }
      try {
        if (doc.dtd) return [{ message: 'document type declarations (DOCTYPE) are not allowed' }];
        try {
          c.validator.validate(doc);
          return [];
        } catch (err) {
          if (!(err instanceof XmlLibError)) throw err;
          const ctx: Context = { standaard, nummer, childrenOf: (names, std = standaard) => this.childrenOf(names, std, nummer) };
          const details = err.details.filter((d) => d.level >= 2);
          const issues = details.slice(0, MAX_ISSUES).map((d) => omschrijf(d, plekVan(doc, d.xpath), ctx));
          if (issues.length === 0) issues.push({ message: 'document does not conform to the schema' });
          if (details.length > MAX_ISSUES) issues.push({ message: `${details.length - MAX_ISSUES} more issues not shown` });
          return issues;
        }
      } finally {
        doc.dispose();
      }
    });
  }

  /** Frees the compiled schemas. The instance cannot validate afterwards. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const c of this.compiled.values()) {
      c.validator.dispose();
      c.schema.dispose();
    }
  }

  /** The child sequence the model declares for the element at this local-name path (from Bericht), if any. */
  private childrenOf(names: readonly string[], standaard: Standaard, nummer: BerichtNummer): readonly ElementDef[] | undefined {
    const k = key(standaard, nummer);
    let def = this.models.get(k);
    if (!def) {
      def = berichtElement(nummer, standaard);
      this.models.set(k, def);
    }
    if (names[0] !== def.name) return undefined;
    let children = kinderen(def, standaard);
    for (const name of names.slice(1)) {
      const child = children?.find((d) => d.name === name);
      if (!child) return undefined;
      children = kinderen(child, standaard);
    }
    return children;
  }
}

/** The children of an element: its own group, or those of its basisschema complex type. */
function kinderen(def: ElementDef, standaard: Standaard): readonly ElementDef[] | undefined {
  if (def.children) return def.children;
  const cdt = COMPLEX_TYPES.find((c) => c.name === def.type && (c.only === undefined || c.only === standaard));
  return cdt?.children.filter((d) => d.only === undefined || d.only === standaard);
}
