/**
 * Reads an iJw/iWmo XSD set (a bericht XSD and the basisschema it imports) into one canonical
 * tree: every element with its name, namespace, cardinality and its type resolved down to the XSD
 * built-in, with the facets of every restriction step. Annotations, type names of the bericht's own
 * complex types and the layout of the file do not count.
 *
 * Two XSD sets describe the same messages exactly when their trees are equal, so the conformance
 * test compares knooppunt's generated XSDs with the official ones through this, element by element.
 * The XSD constructs are read by the shared structure reader (src/xml/xsd-structure.ts, also used
 * for StUF); this builds the iStandaarden view on its components and refuses what the iStandaarden
 * do not use (only sequence, element, named and anonymous complex and simple types, restriction
 * with facets), so a construct it does not understand can never compare equal by accident.
 */
import { readSchemaStructure, type SchemaNode, type SchemaStructure } from '../../../xml/xsd-structure.js';

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

/** `{ns}local` into its parts. */
function split(clark: string): { ns: string; local: string } {
  const close = clark.indexOf('}');
  return { ns: clark.slice(1, close), local: clark.slice(close + 1) };
}

/** The schema nodes under `n` (annotations are already left out by the structure reader). */
function parts(n: SchemaNode): SchemaNode[] {
  return n.c;
}

class Reader {
  private readonly s: SchemaStructure;
  /** Namespaces that declare a global Bericht: the bericht XSDs (their own type names do not count). */
  private readonly berichtNs = new Set<string>();

  constructor(files: XsdFiles) {
    this.s = readSchemaStructure(files);
    for (const [k, n] of this.s.components) {
      if (n.k === 'attribute' || n.k === 'attributeGroup' || n.k === 'group') throw new Error(`schema: unsupported top-level xs:${n.k}`);
      if (k.startsWith('element ') && split(k.slice(8)).local === 'Bericht') this.berichtNs.add(split(k.slice(8)).ns);
    }
  }

  root(mainNs: string, elementName = 'Bericht'): ElementStructure {
    const el = this.s.components.get(`element {${mainNs}}${elementName}`);
    if (!el) throw new Error(`schema ${mainNs}: no global element ${elementName}`);
    return this.element(mainNs, el, [], true);
  }

  private element(ns: string, el: SchemaNode, path: readonly string[], top = false): ElementStructure {
    if (el.a.ref) throw new Error('schema: element references are not supported');
    const name = el.a.name;
    if (!name) throw new Error('schema: element without a name');
    const here = [...path, name];
    if (here.length > 40) throw new Error('schema: nesting too deep');
    if (!top && el.a.form !== 'qualified') throw new Error('schema: elementFormDefault must be qualified');
    const maxRaw = el.a.maxOccurs ?? '1';
    return {
      name,
      ns,
      min: Number(el.a.minOccurs ?? '1'),
      max: maxRaw === 'unbounded' ? 'unbounded' : Number(maxRaw),
      type: this.elementType(ns, el, here),
    };
  }

  private elementType(ns: string, el: SchemaNode, path: readonly string[]): SimpleStructure | ComplexStructure {
    const inline = parts(el);
    if (el.a.type) {
      if (inline.length) throw new Error(`${path.join('/')}: both a type attribute and an inline type`);
      return this.namedType(ns, el.a.type, path);
    }
    if (inline.length !== 1) throw new Error(`${path.join('/')}: expected one inline type`);
    const t = inline[0]!;
    if (t.k === 'simpleType') return this.simple(ns, t, '', path);
    if (t.k === 'complexType') return this.complex(ns, t, '', path);
    throw new Error(`${path.join('/')}: unsupported xs:${t.k}`);
  }

  /** A type by its `{ns}local` name, used in namespace `from`. */
  private namedType(from: string, clark: string, path: readonly string[]): SimpleStructure | ComplexStructure {
    const q = split(clark);
    if (q.ns === XS) return { kind: 'simple', builtin: `xs:${q.local}`, steps: [] };
    const simple = this.s.components.get(`simpleType ${clark}`);
    if (simple) return this.simple(q.ns, simple, q.local, path);
    const complex = this.s.components.get(`complexType ${clark}`);
    // A bericht's own complex types (Root, Header, Client …) are named after nothing that matters
    // to a document; only a shared basisschema type keeps its name in the tree.
    if (complex) return this.complex(q.ns, complex, q.ns === from && this.berichtNs.has(q.ns) ? '' : q.local, path);
    throw new Error(`${path.join('/')}: unknown type ${q.local}`);
  }

  private complex(ns: string, t: SchemaNode, name: string, path: readonly string[]): ComplexStructure {
    const content = parts(t);
    if (content.length === 0) return { kind: 'complex', type: name, children: [] };
    if (content.length !== 1 || content[0]!.k !== 'sequence') throw new Error(`${path.join('/')}: only a plain xs:sequence is supported`);
    const seq = content[0]!;
    // The structure reader makes occurrences explicit: a plain sequence is 1..1.
    if (seq.a.minOccurs !== '1' || seq.a.maxOccurs !== '1') throw new Error(`${path.join('/')}: occurrence on a sequence is not supported`);
    const children = parts(seq).map((c) => {
      if (c.k !== 'element') throw new Error(`${path.join('/')}: unsupported xs:${c.k} in a sequence`);
      return this.element(ns, c, path);
    });
    return { kind: 'complex', type: name, children };
  }

  private simple(ns: string, t: SchemaNode, name: string, path: readonly string[]): SimpleStructure {
    const content = parts(t);
    if (content.length !== 1 || content[0]!.k !== 'restriction') throw new Error(`${path.join('/')}: only xs:restriction is supported in a simple type`);
    const r = content[0]!;
    if (!r.a.base) throw new Error(`${path.join('/')}: restriction without a base`);
    const base = this.namedType(ns, r.a.base, path);
    if (base.kind !== 'simple') throw new Error(`${path.join('/')}: simple type restricts a complex type`);
    const step: FacetStep = { type: name };
    const patterns: string[] = [];
    const enumeration: string[] = [];
    for (const f of parts(r)) {
      const v = f.a.value;
      if (v === undefined) throw new Error(`${path.join('/')}: facet xs:${f.k} without a value`);
      switch (f.k) {
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
          step[f.k] = Number(v);
          break;
        case 'minInclusive':
        case 'maxInclusive':
          step[f.k] = v;
          break;
        default:
          throw new Error(`${path.join('/')}: unsupported facet xs:${f.k}`);
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
