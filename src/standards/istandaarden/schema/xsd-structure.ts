/**
 * Reads an iJw/iWmo XSD set (a bericht XSD and the basisschema it imports) into one canonical
 * tree: every element with its name, namespace, cardinality and its type resolved down to the XSD
 * built-in, with the facets of every restriction step. Annotations, type names of the bericht's own
 * complex types and the layout of the file do not count.
 *
 * Two XSD sets describe the same messages exactly when their trees are equal, so the conformance
 * test compares knooppunt's generated XSDs with the official ones through this, element by element.
 * The reader knows the subset of XSD 1.0 the iStandaarden use (sequence, element, named and
 * anonymous complex and simple types, restriction with facets) and refuses anything else, so a
 * construct it does not understand can never compare equal by accident.
 */
import { parseXml, type XmlElement } from '../../../xml/parse.js';

const XS = 'http://www.w3.org/2001/XMLSchema';

/** One restriction step: its facets, values sorted where order does not matter. */
export interface FacetStep {
  /** The named simple type this step defines, '' for an anonymous (inline) restriction. */
  type: string;
  minLength?: number;
  maxLength?: number;
  length?: number;
  minInclusive?: string;
  maxInclusive?: string;
  totalDigits?: number;
  fractionDigits?: number;
  patterns?: string[];
  enumeration?: string[];
}

export interface SimpleStructure {
  kind: 'simple';
  /** The XSD built-in at the bottom of the chain: xs:string, xs:integer, xs:date, xs:time. */
  builtin: string;
  /** Restriction steps from the built-in up to the element's own type. */
  steps: FacetStep[];
}

export interface ComplexStructure {
  kind: 'complex';
  /** Named basisschema complex type (CDT_…), '' for a type of the bericht itself. */
  type: string;
  children: ElementStructure[];
}

export interface ElementStructure {
  name: string;
  ns: string;
  min: number;
  max: number | 'unbounded';
  type: SimpleStructure | ComplexStructure;
}

/** An XSD document by its schemaLocation (file name): the bericht XSD and the basisschema. */
export type XsdFiles = Readonly<Record<string, string | Uint8Array>>;

interface Schema {
  targetNamespace: string;
  root: XmlElement;
  /** prefix → namespace, from the schema element's declarations. */
  prefixes: Map<string, string>;
  simpleTypes: Map<string, XmlElement>;
  complexTypes: Map<string, XmlElement>;
  elements: Map<string, XmlElement>;
}

const KNOWN = new Set(['annotation', 'appinfo', 'documentation']);

function xsChildren(el: XmlElement): XmlElement[] {
  return el.children.filter((c) => c.ns === XS && !KNOWN.has(c.name));
}

function attr(el: XmlElement, name: string): string | undefined {
  return el.attrs[name];
}

/** Prefix declarations are not kept by the parser, so they are read from the raw text of the schema element. */
function readPrefixes(text: string): Map<string, string> {
  const open = /<(?:[A-Za-z_][\w.-]*:)?schema\b[^>]*>/.exec(text);
  const map = new Map<string, string>();
  if (!open) return map;
  for (const m of open[0].matchAll(/xmlns(?::([\w.-]+))?\s*=\s*"([^"]*)"/g)) map.set(m[1] ?? '', m[2]!);
  return map;
}

function loadSchema(text: string): Schema {
  const root = parseXml(text, { maxBytes: 16 * 1024 * 1024, maxDepth: 64, maxElements: 1_000_000 });
  if (root.ns !== XS || root.name !== 'schema') throw new Error('not an XML Schema document');
  if ((attr(root, 'elementFormDefault') ?? 'unqualified') !== 'qualified') throw new Error('schema: elementFormDefault must be qualified');
  const s: Schema = {
    targetNamespace: attr(root, 'targetNamespace') ?? '',
    root,
    prefixes: readPrefixes(text),
    simpleTypes: new Map(),
    complexTypes: new Map(),
    elements: new Map(),
  };
  for (const c of xsChildren(root)) {
    const name = attr(c, 'name');
    if (c.name === 'import' || c.name === 'include') continue;
    if (!name) throw new Error(`schema: top-level xs:${c.name} without a name`);
    if (c.name === 'simpleType') s.simpleTypes.set(name, c);
    else if (c.name === 'complexType') s.complexTypes.set(name, c);
    else if (c.name === 'element') s.elements.set(name, c);
    else throw new Error(`schema: unsupported top-level xs:${c.name}`);
  }
  return s;
}

function text(x: string | Uint8Array): string {
  return typeof x === 'string' ? x : new TextDecoder('utf-8').decode(x);
}

/** A QName resolved against the schema that uses it. */
interface QName {
  ns: string;
  local: string;
}

function qname(s: Schema, value: string): QName {
  const i = value.indexOf(':');
  const prefix = i < 0 ? '' : value.slice(0, i);
  const local = i < 0 ? value : value.slice(i + 1);
  const ns = s.prefixes.get(prefix);
  if (ns === undefined) throw new Error(`schema: undeclared prefix in ${value}`);
  return { ns, local };
}

class Reader {
  private readonly byNs = new Map<string, Schema>();

  constructor(files: XsdFiles) {
    for (const t of Object.values(files)) {
      const s = loadSchema(text(t));
      this.byNs.set(s.targetNamespace, s);
    }
  }

  root(mainNs: string, elementName = 'Bericht'): ElementStructure {
    const s = this.schema(mainNs);
    const el = s.elements.get(elementName);
    if (!el) throw new Error(`schema ${mainNs}: no global element ${elementName}`);
    return this.element(s, el, []);
  }

  private schema(ns: string): Schema {
    const s = this.byNs.get(ns);
    if (!s) throw new Error(`no schema for namespace ${ns}`);
    return s;
  }

  private element(s: Schema, el: XmlElement, path: readonly string[]): ElementStructure {
    if (attr(el, 'ref')) throw new Error('schema: element references are not supported');
    const name = attr(el, 'name');
    if (!name) throw new Error('schema: element without a name');
    const here = [...path, name];
    if (here.length > 40) throw new Error('schema: nesting too deep');
    const maxRaw = attr(el, 'maxOccurs') ?? '1';
    const out: ElementStructure = {
      name,
      ns: s.targetNamespace,
      min: Number(attr(el, 'minOccurs') ?? '1'),
      max: maxRaw === 'unbounded' ? 'unbounded' : Number(maxRaw),
      type: this.elementType(s, el, here),
    };
    return out;
  }

  private elementType(s: Schema, el: XmlElement, path: readonly string[]): SimpleStructure | ComplexStructure {
    const typeAttr = attr(el, 'type');
    const inline = xsChildren(el);
    if (typeAttr) {
      if (inline.length) throw new Error(`${path.join('/')}: both a type attribute and an inline type`);
      return this.namedType(s, qname(s, typeAttr), path);
    }
    if (inline.length !== 1) throw new Error(`${path.join('/')}: expected one inline type`);
    const t = inline[0]!;
    if (t.name === 'simpleType') return this.simple(s, t, '', path);
    if (t.name === 'complexType') return this.complex(s, t, '', path);
    throw new Error(`${path.join('/')}: unsupported xs:${t.name}`);
  }

  private namedType(from: Schema, q: QName, path: readonly string[]): SimpleStructure | ComplexStructure {
    if (q.ns === XS) return { kind: 'simple', builtin: `xs:${q.local}`, steps: [] };
    const s = this.schema(q.ns);
    const simple = s.simpleTypes.get(q.local);
    if (simple) return this.simple(s, simple, q.local, path);
    const complex = s.complexTypes.get(q.local);
    // A bericht's own complex types (Root, Header, Client …) are named after nothing that matters
    // to a document; only a shared basisschema type keeps its name in the tree.
    if (complex) return this.complex(s, complex, s === from && this.isBericht(s) ? '' : q.local, path);
    throw new Error(`${path.join('/')}: unknown type ${q.local}`);
  }

  private isBericht(s: Schema): boolean {
    return s.elements.has('Bericht');
  }

  private complex(s: Schema, t: XmlElement, name: string, path: readonly string[]): ComplexStructure {
    const parts = xsChildren(t);
    if (parts.length === 0) return { kind: 'complex', type: name, children: [] };
    if (parts.length !== 1 || parts[0]!.name !== 'sequence') throw new Error(`${path.join('/')}: only a plain xs:sequence is supported`);
    const seq = parts[0]!;
    if (attr(seq, 'minOccurs') !== undefined || attr(seq, 'maxOccurs') !== undefined) throw new Error(`${path.join('/')}: occurrence on a sequence is not supported`);
    const children = xsChildren(seq).map((c) => {
      if (c.name !== 'element') throw new Error(`${path.join('/')}: unsupported xs:${c.name} in a sequence`);
      return this.element(s, c, path);
    });
    return { kind: 'complex', type: name, children };
  }

  private simple(s: Schema, t: XmlElement, name: string, path: readonly string[]): SimpleStructure {
    const parts = xsChildren(t);
    if (parts.length !== 1 || parts[0]!.name !== 'restriction') throw new Error(`${path.join('/')}: only xs:restriction is supported in a simple type`);
    const r = parts[0]!;
    const baseAttr = attr(r, 'base');
    if (!baseAttr) throw new Error(`${path.join('/')}: restriction without a base`);
    const base = this.namedType(s, qname(s, baseAttr), path);
    if (base.kind !== 'simple') throw new Error(`${path.join('/')}: simple type restricts a complex type`);
    const step: FacetStep = { type: name };
    const patterns: string[] = [];
    const enumeration: string[] = [];
    for (const f of xsChildren(r)) {
      const v = attr(f, 'value');
      if (v === undefined) throw new Error(`${path.join('/')}: facet xs:${f.name} without a value`);
      switch (f.name) {
        case 'pattern':
          patterns.push(v);
          break;
        case 'enumeration':
          enumeration.push(v);
          break;
        case 'minLength':
        case 'maxLength':
        case 'length':
        case 'totalDigits':
        case 'fractionDigits':
          step[f.name] = Number(v);
          break;
        case 'minInclusive':
        case 'maxInclusive':
          step[f.name] = v;
          break;
        default:
          throw new Error(`${path.join('/')}: unsupported facet xs:${f.name}`);
      }
    }
    if (patterns.length) step.patterns = patterns.sort();
    if (enumeration.length) step.enumeration = enumeration.sort();
    return { kind: 'simple', builtin: base.builtin, steps: [...base.steps, step] };
  }
}

/**
 * The canonical tree of the global element `Bericht` of the schema with namespace `mainNs`,
 * reading the types it uses from `files` (the bericht XSD and the basisschema).
 */
export function xsdStructure(files: XsdFiles, mainNs: string): ElementStructure {
  return new Reader(files).root(mainNs);
}

/**
 * The differences between two trees, as readable lines (`Bericht/Client/Bsn: maxLength 9 ≠ 12`);
 * empty when they are equal. Bounded: at most `limit` lines.
 */
export function structureDiff(expected: ElementStructure, actual: ElementStructure, limit = 50): string[] {
  const out: string[] = [];
  const add = (line: string) => {
    if (out.length < limit) out.push(line);
  };
  const walk = (a: ElementStructure, b: ElementStructure, path: string) => {
    if (a.name !== b.name) add(`${path}: name ${a.name} ≠ ${b.name}`);
    if (a.ns !== b.ns) add(`${path}: namespace ${a.ns} ≠ ${b.ns}`);
    if (a.min !== b.min || a.max !== b.max) add(`${path}: occurs ${a.min}..${a.max} ≠ ${b.min}..${b.max}`);
    if (a.type.kind !== b.type.kind) {
      add(`${path}: ${a.type.kind} type ≠ ${b.type.kind} type`);
      return;
    }
    if (a.type.kind === 'simple' && b.type.kind === 'simple') {
      const x = JSON.stringify({ builtin: a.type.builtin, steps: a.type.steps });
      const y = JSON.stringify({ builtin: b.type.builtin, steps: b.type.steps });
      if (x !== y) add(`${path}: simple type ${x} ≠ ${y}`);
      return;
    }
    if (a.type.kind === 'complex' && b.type.kind === 'complex') {
      if (a.type.type !== b.type.type) add(`${path}: complex type ${a.type.type || '(own)'} ≠ ${b.type.type || '(own)'}`);
      const na = a.type.children.map((c) => c.name).join(',');
      const nb = b.type.children.map((c) => c.name).join(',');
      if (na !== nb) {
        add(`${path}: children [${na}] ≠ [${nb}]`);
        return;
      }
      a.type.children.forEach((c, i) => walk(c, (b.type as ComplexStructure).children[i]!, `${path}/${c.name}`));
    }
  };
  walk(expected, actual, expected.name);
  return out;
}
