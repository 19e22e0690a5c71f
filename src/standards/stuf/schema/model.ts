/**
 * knooppunt's StUF schema model: StUF 03.01, ZKN 03.10, the BG 03.10 entity types ZKN refers to, the
 * ZDS 1.1 (zs-dms) and ZDS 1.2 (zds0120) messages, and what those reach outside StUF (gml 3.1.1,
 * SMIL, xlink, xmlmime, xml:lang), written in a compact notation of our own
 * (src/standards/stuf/schema/model/*.stuf). One model serves both sets: a component without a tag
 * belongs to both, `@zds-1.1` or `@zds-1.2` to one. scripts/generate-stuf-xsd.ts turns it into
 * schemas/stuf/zds-1.1/ and schemas/stuf/zds-1.2/ (one XSD per namespace); the conformance test
 * (test/conformance/stuf-xsd.test.ts) proves those equal to the official sets, type by type.
 *
 * The notation, one schema node a line, children indented two spaces:
 *   prefix ZKN http://www.egem.nl/StUF/sector/zkn/0310   a prefix of the model
 *   namespace ZKN                                        the components below are in this namespace
 *   complexType ZAK-kennisgeving @zds-1.2                a component (first word a name)
 *     sequence
 *       element omschrijving :ZKN:Omschrijving-e ? nillable=true
 * A name is the first bare word, `:Q` the type, `?` `*` `+` `[2..5]` the occurrence (absent: once),
 * other facts `key=value` (a value with spaces or quotes in JSON quotes). Defaults are left out:
 * occurrence 1..1, use=optional, nillable/mixed false, a local element qualified and a local
 * attribute unqualified, any/anyAttribute namespace=##any processContents=strict.
 */
import { stable, type SchemaNode } from '../../../xml/xsd-structure.js';

export const STUF_SETS = ['zds-1.1', 'zds-1.2'] as const;
export type StufSet = (typeof STUF_SETS)[number];

export interface ModelComponent {
  /** `${kind} {ns}name`, as the structure reader keys it. */
  key: string;
  ns: string;
  node: SchemaNode;
  /** The sets it belongs to. */
  sets: readonly StufSet[];
}

export interface StufModel {
  /** prefix → namespace, in the order of declaration. */
  prefixes: Map<string, string>;
  components: ModelComponent[];
}

const PARTICLES = new Set(['element', 'group', 'sequence', 'choice', 'all', 'any']);
const NAMED = new Set(['element', 'complexType', 'simpleType', 'group', 'attributeGroup', 'attribute']);
const QNAMES = new Set(['type', 'ref', 'base', 'itemType', 'substitutionGroup']);

function tokens(line: string, where: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < line.length) {
    if (line[i] === ' ') {
      i++;
      continue;
    }
    const eq = line.indexOf('=', i);
    const sp = line.indexOf(' ', i);
    const end = sp < 0 ? line.length : sp;
    if (eq >= 0 && eq < end && line[eq + 1] === '"') {
      // key="json string"
      let j = eq + 2;
      while (j < line.length && line[j] !== '"') j += line[j] === '\\' ? 2 : 1;
      if (j >= line.length) throw new Error(`${where}: unterminated string`);
      out.push(line.slice(i, eq + 1) + JSON.stringify(JSON.parse(line.slice(eq + 1, j + 1))));
      i = j + 1;
      continue;
    }
    out.push(line.slice(i, end));
    i = end;
  }
  return out;
}

function value(v: string): string {
  return v.startsWith('"') ? (JSON.parse(v) as string) : v;
}

/** Reads the model files (in any order; prefixes may be declared in any of them). */
export function parseModel(texts: Readonly<Record<string, string>>): StufModel {
  const prefixes = new Map<string, string>();
  for (const [file, text] of Object.entries(texts)) {
    for (const [i, line] of text.split('\n').entries()) {
      const m = /^prefix (\S+) (\S+)$/.exec(line);
      if (m) {
        if (prefixes.has(m[1]!) && prefixes.get(m[1]!) !== m[2]) throw new Error(`${file}:${i + 1}: prefix ${m[1]} declared twice`);
        prefixes.set(m[1]!, m[2]!);
      }
    }
  }
  const qn = (q: string, where: string): string => {
    const i = q.indexOf(':');
    const p = q.slice(0, i);
    const ns = p === 'xml' ? 'http://www.w3.org/XML/1998/namespace' : prefixes.get(p);
    if (i < 0 || ns === undefined) throw new Error(`${where}: ${q} has no known prefix`);
    return `{${ns}}${q.slice(i + 1)}`;
  };
  const components: ModelComponent[] = [];
  for (const [file, text] of Object.entries(texts)) {
    let ns: string | undefined;
    const stack: Array<{ depth: number; node: SchemaNode }> = [];
    for (const [i, raw] of text.split('\n').entries()) {
      const where = `${file}:${i + 1}`;
      const line = raw.replace(/\s+$/, '');
      if (line === '' || line.startsWith('#') || line.startsWith('prefix ')) continue;
      const nsm = /^namespace (\S+)$/.exec(line);
      if (nsm) {
        ns = prefixes.get(nsm[1]!);
        if (ns === undefined) throw new Error(`${where}: unknown prefix ${nsm[1]}`);
        continue;
      }
      const indent = line.length - line.trimStart().length;
      if (indent % 2 !== 0) throw new Error(`${where}: indentation is not a multiple of two`);
      const depth = indent / 2;
      const [kind, ...rest] = tokens(line.trimStart(), where);
      if (!kind) continue;
      const top = depth === 0;
      const node: SchemaNode = { k: kind, a: {}, c: [] };
      let sets: StufSet[] = [...STUF_SETS];
      let occ: [string, string] = ['1', '1'];
      for (const [j, t] of rest.entries()) {
        if (t.startsWith('@')) {
          const s = t.slice(1) as StufSet;
          if (!STUF_SETS.includes(s)) throw new Error(`${where}: unknown set ${t}`);
          sets = [s];
        } else if (t === '?') occ = ['0', '1'];
        else if (t === '*') occ = ['0', 'unbounded'];
        else if (t === '+') occ = ['1', 'unbounded'];
        else if (/^\[\d+\.\.(\d+|unbounded)\]$/.test(t)) occ = t.slice(1, -1).split('..') as [string, string];
        else if (t.startsWith(':')) node.a.type = qn(t.slice(1), where);
        else if (t.includes('=')) {
          const eq = t.indexOf('=');
          const k = t.slice(0, eq);
          const v = value(t.slice(eq + 1));
          node.a[k] = QNAMES.has(k) ? qn(v, where) : k === 'memberTypes' ? v.split(' ').map((q) => qn(q, where)).join(' ') : v;
        } else if (j === 0 && NAMED.has(kind)) node.a.name = value(t);
        else throw new Error(`${where}: token ${t} is not understood`);
      }
      if (ns === undefined) throw new Error(`${where}: a component before any namespace line`);
      // The defaults the notation leaves out, made explicit as the structure reader has them.
      if (PARTICLES.has(kind) && !top) [node.a.minOccurs, node.a.maxOccurs] = occ;
      if (kind === 'attribute' && !top) node.a.use = node.a.use ?? 'optional';
      if (kind === 'any' || kind === 'anyAttribute') {
        node.a.namespace = node.a.namespace ?? '##any';
        node.a.processContents = node.a.processContents ?? 'strict';
        if (node.a.namespace.includes('##targetNamespace') || node.a.namespace.includes('##other')) node.a.tns = ns;
      }
      if ((kind === 'element' || kind === 'attribute') && !top && node.a.name !== undefined) {
        node.a.form = node.a.form ?? (kind === 'element' ? 'qualified' : 'unqualified');
        if (node.a.form === 'qualified') node.a.ns = ns;
      }
      if (kind === 'element') node.a.nillable = node.a.nillable ?? 'false';
      if (kind === 'complexType') node.a.mixed = node.a.mixed ?? 'false';
      while (stack.length && stack[stack.length - 1]!.depth >= depth) stack.pop();
      if (top) {
        if (!NAMED.has(kind) || node.a.name === undefined) throw new Error(`${where}: a component needs a kind and a name`);
        components.push({ key: `${kind} {${ns}}${node.a.name}`, ns, node, sets });
      } else {
        const parent = stack[stack.length - 1];
        if (!parent || parent.depth !== depth - 1) throw new Error(`${where}: indented without a parent`);
        parent.node.c.push(node);
      }
      stack.push({ depth, node });
    }
  }
  for (const c of components) sortLoose(c.node);
  return { prefixes, components };
}

/** The structure reader's order: particles and facets as written, attribute uses sorted. */
function sortLoose(n: SchemaNode): void {
  for (const c of n.c) sortLoose(c);
  const loose = (x: SchemaNode) => x.k === 'attribute' || x.k === 'attributeGroup' || x.k === 'anyAttribute';
  const ordered = n.c.filter((x) => !loose(x));
  const rest = n.c.filter(loose).sort((x, y) => (stable(x) < stable(y) ? -1 : stable(x) > stable(y) ? 1 : 0));
  n.c = [...ordered, ...rest];
}

