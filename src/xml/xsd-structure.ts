/**
 * The one reader of XSD constructs for the conformance tests: reads an XSD set (every file of
 * every namespace, as a map of path → text) into canonical components: each global element, complexType, simpleType, group, attributeGroup and attribute
 * by its qualified name, as a tree of schema nodes with every reference resolved to `{namespace}name`,
 * defaults made explicit where they matter (minOccurs/maxOccurs, use, the form of local
 * declarations), annotations dropped, and the order kept except among attribute uses (where XSD
 * gives it no meaning).
 *
 * Two sets describe the same messages exactly when the components reachable from the message
 * roots are equal, so the StUF conformance test compares knooppunt's generated schemas with the
 * official ones through this, type by type; the iStandaarden one reads its element trees from the
 * same components (src/standards/istandaarden/schema/xsd-structure.ts). The reader knows the XSD
 * 1.0 constructs these schemas use and refuses anything else, so a construct it does not understand
 * can never compare equal by accident. QNames resolve in the scope where they are written
 * (src/xml/xsd-reader.ts).
 */
import type { XmlElement } from './parse.js';
import { readXsdTree, XSD_NS as XS, type XsdTree } from './xsd-reader.js';

/** One schema node: its kind (the XSD element's local name), significant attributes, children. */
export interface SchemaNode {
  k: string;
  a: Record<string, string>;
  c: SchemaNode[];
}

export type ComponentKind = 'element' | 'complexType' | 'simpleType' | 'group' | 'attributeGroup' | 'attribute';

/** A top-level component: `${kind} {ns}name`. */
export type ComponentKey = string;

export interface SchemaStructure {
  components: Map<ComponentKey, SchemaNode>;
}

const SKIP = new Set(['annotation']);
const KINDS = new Set<string>(['element', 'complexType', 'simpleType', 'group', 'attributeGroup', 'attribute']);
const PARTICLE = new Set(['element', 'group', 'sequence', 'choice', 'all', 'any']);
const FACETS = new Set(['enumeration', 'pattern', 'length', 'minLength', 'maxLength', 'minInclusive', 'maxInclusive', 'minExclusive', 'maxExclusive', 'totalDigits', 'fractionDigits', 'whiteSpace']);
const STRUCTURE = new Set([
  ...KINDS,
  ...PARTICLE,
  ...FACETS,
  'complexContent',
  'simpleContent',
  'extension',
  'restriction',
  'list',
  'union',
  'anyAttribute',
]);
/** Attributes whose value is a QName (resolved to `{ns}name`). */
const QNAME_ATTRS = new Set(['type', 'ref', 'base', 'itemType', 'substitutionGroup']);
/** Attributes of schema nodes that carry meaning; anything else is refused. */
const KNOWN_ATTRS = new Set([
  'name',
  ...QNAME_ATTRS,
  'memberTypes',
  'minOccurs',
  'maxOccurs',
  'nillable',
  'abstract',
  'default',
  'fixed',
  'use',
  'form',
  'mixed',
  'value',
  'namespace',
  'processContents',
  'final',
  'block',
]);

export function key(kind: ComponentKind, ns: string, name: string): ComponentKey {
  return `${kind} {${ns}}${name}`;
}

interface Ctx {
  file: string;
  tns: string;
  tree: XsdTree;
  elementForm: string;
  attributeForm: string;
}

/** A QName written on `el` as `{ns}local`; a prefix not bound there is an error (the set would not compile). */
function resolve(ctx: Ctx, el: XmlElement, qname: string): string {
  const i = qname.indexOf(':');
  const prefix = i < 0 ? '' : qname.slice(0, i);
  const local = i < 0 ? qname : qname.slice(i + 1);
  const ns = ctx.tree.namespaceFor(el, prefix);
  if (ns === undefined) throw new Error(`${ctx.file}: prefix '${prefix}' of ${qname} is not declared`);
  return `{${ns}}${local}`;
}

/** One schema node in canonical form; `top` for a global component (no occurrence or form). */
function canon(el: XmlElement, ctx: Ctx, top: boolean): SchemaNode {
  if (el.ns !== XS) throw new Error(`${ctx.file}: element ${el.name} outside the XSD namespace inside a schema component`);
  if (!STRUCTURE.has(el.name)) throw new Error(`${ctx.file}: XSD construct ${el.name} is not understood by the XSD structure reader`);
  const a: Record<string, string> = {};
  for (const [n, v] of Object.entries(el.attrs)) {
    if (n === 'id' || n.startsWith('{') || n.startsWith('xmlns')) continue;
    if (!KNOWN_ATTRS.has(n)) throw new Error(`${ctx.file}: attribute ${n} on ${el.name} is not understood by the XSD structure reader`);
    if (QNAME_ATTRS.has(n)) a[n] = resolve(ctx, el, v.trim());
    else if (n === 'memberTypes') a[n] = v.trim().split(/\s+/).map((q) => resolve(ctx, el, q)).join(' ');
    else a[n] = v;
  }
  if (PARTICLE.has(el.name) && !top) {
    a.minOccurs = a.minOccurs ?? '1';
    a.maxOccurs = a.maxOccurs ?? '1';
  }
  if (el.name === 'attribute' && !top) a.use = a.use ?? 'optional';
  if (el.name === 'any' || el.name === 'anyAttribute') {
    a.namespace = a.namespace ?? '##any';
    a.processContents = a.processContents ?? 'strict';
    // ##targetNamespace/##other mean something only together with the schema's namespace.
    if (a.namespace.includes('##targetNamespace') || a.namespace.includes('##other')) a.tns = ctx.tns;
  }
  if ((el.name === 'element' || el.name === 'attribute') && !top && a.name !== undefined) {
    a.form = a.form ?? (el.name === 'element' ? ctx.elementForm : ctx.attributeForm);
    if (a.form === 'qualified') a.ns = ctx.tns;
  }
  if (el.name === 'element') a.nillable = a.nillable ?? 'false';
  if (el.name === 'complexType') a.mixed = a.mixed ?? 'false';
  const c: SchemaNode[] = [];
  for (const child of el.children) {
    if (child.ns === XS && SKIP.has(child.name)) continue;
    c.push(canon(child, ctx, false));
  }
  // Order does not count among attribute uses. Enumerations keep the published order (it has no
  // meaning for validity, but it is the order an error message lists the allowed values in).
  const unordered = (n: SchemaNode) => n.k === 'attribute' || n.k === 'attributeGroup' || n.k === 'anyAttribute';
  const ordered = c.filter((n) => !unordered(n));
  const loose = c.filter(unordered).sort((x, y) => (stable(x) < stable(y) ? -1 : stable(x) > stable(y) ? 1 : 0));
  return { k: el.name, a, c: [...ordered, ...loose] };
}

/** A deterministic text of a node (keys sorted), for ordering and comparison. */
export function stable(n: SchemaNode): string {
  const keys = Object.keys(n.a).sort();
  return `${n.k}(${keys.map((k) => `${k}=${JSON.stringify(n.a[k])}`).join(',')})[${n.c.map(stable).join(',')}]`;
}

/**
 * Reads every top-level component of every file. A component declared twice must be declared the
 * same (the official sets repeat shared types in several files); otherwise the reader refuses.
 */
export function readSchemaStructure(files: Readonly<Record<string, string | Uint8Array>>): SchemaStructure {
  const components = new Map<ComponentKey, SchemaNode>();
  for (const [file, raw] of Object.entries(files)) {
    const tree = readXsdTree(raw);
    const root = tree.root;
    if (root.ns !== XS || root.name !== 'schema') throw new Error(`${file}: not an XML Schema`);
    const ctx: Ctx = {
      file,
      tns: root.attrs.targetNamespace ?? '',
      tree,
      elementForm: root.attrs.elementFormDefault ?? 'unqualified',
      attributeForm: root.attrs.attributeFormDefault ?? 'unqualified',
    };
    for (const child of root.children) {
      if (child.ns !== XS) continue;
      if (child.name === 'annotation' || child.name === 'import' || child.name === 'include') continue;
      if (!KINDS.has(child.name)) throw new Error(`${file}: top-level ${child.name} is not understood by the XSD structure reader`);
      const name = child.attrs.name;
      if (!name) throw new Error(`${file}: top-level ${child.name} without a name`);
      const k = key(child.name as ComponentKind, ctx.tns, name);
      const node = canon(child, ctx, true);
      const before = components.get(k);
      if (before && stable(before) !== stable(node)) throw new Error(`${file}: ${k} is declared twice, differently`);
      components.set(k, node);
    }
  }
  return { components };
}

const BUILTIN_NS = new Set([XS, 'http://www.w3.org/XML/1998/namespace']);

/** The references of one node to other components. */
function references(n: SchemaNode, out: ComponentKey[]): void {
  const q = (kind: ComponentKind, qn: string) => {
    const m = /^\{([^}]*)\}(.*)$/.exec(qn)!;
    if (kind !== 'attribute' && BUILTIN_NS.has(m[1]!) && m[1] === XS) return;
    out.push(`${kind} ${qn}`);
  };
  // A type reference names a complex or a simple type: both are tried, one must exist.
  for (const t of [n.a.type, n.a.base]) if (t) for (const k of ['complexType', 'simpleType'] as const) q(k, t);
  if (n.a.itemType) q('simpleType', n.a.itemType);
  if (n.a.memberTypes) for (const t of n.a.memberTypes.split(' ')) q('simpleType', t);
  if (n.a.substitutionGroup) q('element', n.a.substitutionGroup);
  if (n.a.ref) q(n.k === 'element' ? 'element' : n.k === 'group' ? 'group' : n.k === 'attributeGroup' ? 'attributeGroup' : 'attribute', n.a.ref);
  for (const c of n.c) references(c, out);
}

/**
 * The components reachable from the roots (global element names as `{ns}name`), with the members
 * of every substitution group whose head is reachable. A reference to a component the set does not
 * declare is an error (the set would not compile), except the XML namespace's own attributes.
 */
export function closure(s: SchemaStructure, roots: readonly string[]): Map<ComponentKey, SchemaNode> {
  const out = new Map<ComponentKey, SchemaNode>();
  const heads = new Map<string, ComponentKey[]>();
  for (const [k, n] of s.components) if (k.startsWith('element ') && n.a.substitutionGroup) heads.set(n.a.substitutionGroup, [...(heads.get(n.a.substitutionGroup) ?? []), k]);
  const todo: ComponentKey[] = roots.map((r) => `element ${r}`);
  while (todo.length) {
    const k = todo.pop()!;
    if (out.has(k)) continue;
    const n = s.components.get(k);
    if (!n) {
      // A type reference is tried as complex and as simple: one of them exists.
      if (k.startsWith('complexType ') || k.startsWith('simpleType ')) {
        const other = k.startsWith('complexType ') ? `simpleType ${k.slice(12)}` : `complexType ${k.slice(11)}`;
        if (s.components.has(other)) continue;
      }
      if (k.includes('{http://www.w3.org/XML/1998/namespace}')) continue;
      throw new Error(`the schema set does not declare ${k}`);
    }
    out.set(k, n);
    const refs: ComponentKey[] = [];
    references(n, refs);
    if (k.startsWith('element ')) refs.push(...(heads.get(k.slice(8)) ?? []));
    todo.push(...refs);
  }
  return out;
}

function label(n: SchemaNode, i: number): string {
  const name = n.a.name ?? n.a.ref ?? n.a.value;
  return `${n.k}[${i}]${name !== undefined ? `(${name})` : ''}`;
}

/** Where two nodes first differ, as a path with the differing facts; undefined when equal. */
function nodeDiff(e: SchemaNode, a: SchemaNode, path: string): string | undefined {
  if (e.k !== a.k) return `${path}: ${e.k} expected, ${a.k} found`;
  for (const k of new Set([...Object.keys(e.a), ...Object.keys(a.a)])) {
    if (e.a[k] !== a.a[k]) return `${path}: ${k} ${JSON.stringify(e.a[k])} expected, ${JSON.stringify(a.a[k])} found`;
  }
  for (let i = 0; i < Math.max(e.c.length, a.c.length); i++) {
    const x = e.c[i];
    const y = a.c[i];
    if (!x) return `${path}/${label(y!, i)}: not in the official schema`;
    if (!y) return `${path}/${label(x, i)}: missing`;
    const d = nodeDiff(x, y, `${path}/${label(x, i)}`);
    if (d) return d;
  }
  return undefined;
}

/** The differences between two closures, component by component: empty when they are equal. */
export function structureDiff(expected: ReadonlyMap<ComponentKey, SchemaNode>, actual: ReadonlyMap<ComponentKey, SchemaNode>): string[] {
  const out: string[] = [];
  for (const [k, e] of expected) {
    const a = actual.get(k);
    if (!a) out.push(`${k}: missing`);
    else {
      const d = nodeDiff(e, a, k);
      if (d) out.push(d);
    }
  }
  for (const k of actual.keys()) if (!expected.has(k)) out.push(`${k}: not in the official schema`);
  return out;
}
