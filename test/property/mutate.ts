/**
 * Mutators for the property tests: take a real document (a JSON fixture, a parsed XML fixture) and
 * change it a little at random places, so that generated input gets as far into the code as a real
 * message does. Mutations are plain data (fast-check shrinks them); applying one never changes the
 * original.
 */
import fc from 'fast-check';
import type { XmlElement } from '../../src/xml/parse.js';

export interface Mutation {
  /** Which node: taken modulo the number of nodes. */
  at: number;
  /** What to do: see {@link mutateJson} / {@link mutateXml}. */
  kind: number;
  value: unknown;
  text: string;
}

export const SEED = Number(process.env.PROPERTY_SEED ?? 20261123);
export const params = (numRuns: number): { seed: number; numRuns: number } => ({ seed: SEED, numRuns });

export function mutations(values: fc.Arbitrary<unknown>, texts: fc.Arbitrary<string>, maxLength = 4): fc.Arbitrary<Mutation[]> {
  return fc.array(fc.record({ at: fc.nat(), kind: fc.nat({ max: 99 }), value: values, text: texts }), { minLength: 1, maxLength });
}

const clone = <T>(v: T): T => structuredClone(v);

type Slot = { parent: Record<string, unknown> | unknown[]; key: string | number };

function slots(doc: unknown, into: Slot[] = []): Slot[] {
  if (Array.isArray(doc)) {
    doc.forEach((v, i) => {
      into.push({ parent: doc, key: i });
      slots(v, into);
    });
  } else if (doc !== null && typeof doc === 'object') {
    for (const [k, v] of Object.entries(doc)) {
      into.push({ parent: doc as Record<string, unknown>, key: k });
      slots(v, into);
    }
  }
  return into;
}

/** JSON: replace a value (most often a leaf), delete a key or item, duplicate an array item, wrap in an array. */
export function mutateJson<T>(doc: T, muts: readonly Mutation[]): T {
  const out = clone(doc);
  for (const m of muts) {
    const all = slots(out);
    if (all.length === 0) return out;
    const leaves = all.filter((s) => {
      const v = (s.parent as Record<string | number, unknown>)[s.key];
      return v === null || typeof v !== 'object';
    });
    const kind = m.kind % 10;
    const pool = kind < 6 && leaves.length > 0 ? leaves : all;
    const s = pool[m.at % pool.length]!;
    const parent = s.parent as Record<string | number, unknown>;
    if (kind < 4) parent[s.key] = m.text;
    else if (kind < 6) parent[s.key] = m.value;
    else if (kind < 8) {
      if (Array.isArray(s.parent)) s.parent.splice(s.key as number, 1);
      else delete parent[s.key];
    } else if (kind === 8) {
      if (Array.isArray(s.parent)) s.parent.splice(s.key as number, 0, clone(s.parent[s.key as number]));
      else parent[s.key] = [parent[s.key]];
    } else parent[s.key] = [parent[s.key], clone(parent[s.key])];
  }
  return out;
}

function elements(root: XmlElement, into: Array<{ el: XmlElement; parent?: XmlElement }> = [], parent?: XmlElement): Array<{ el: XmlElement; parent?: XmlElement }> {
  into.push({ el: root, ...(parent ? { parent } : {}) });
  for (const c of root.children) elements(c, into, root);
  return into;
}

/**
 * XML: set a leaf's text (most often), delete / duplicate / move an element, give it an attribute
 * (xsi:nil, or a plain one), give a leaf a child, or rename it within the names of the document.
 * `structural: false` keeps to leaf texts.
 */
export function mutateXml(root: XmlElement, muts: readonly Mutation[], structural = true): XmlElement {
  const out = clone(root);
  const names = [...new Set(elements(out).map((e) => `${e.el.ns}\u0000${e.el.name}\u0000${e.el.prefix}`))];
  for (const m of muts) {
    const all = elements(out);
    const leaves = all.filter((e) => e.el.children.length === 0);
    const kind = structural ? m.kind % 12 : 0;
    const pool = kind < 5 && leaves.length > 0 ? leaves : all;
    const { el, parent } = pool[m.at % pool.length]!;
    switch (kind) {
      case 0:
      case 1:
      case 2:
      case 3:
      case 4:
        el.text = m.text;
        break;
      case 5:
      case 6:
        if (parent) parent.children.splice(parent.children.indexOf(el), 1);
        break;
      case 7:
        if (parent) parent.children.splice(parent.children.indexOf(el), 0, clone(el));
        break;
      case 8:
        if (parent && parent.children.length > 1) {
          const i = parent.children.indexOf(el);
          const j = (i + 1) % parent.children.length;
          [parent.children[i], parent.children[j]] = [parent.children[j]!, parent.children[i]!];
        }
        break;
      case 9:
        el.attrs = { ...el.attrs, [m.kind % 2 === 0 ? '{http://www.w3.org/2001/XMLSchema-instance}nil' : 'extra']: m.kind % 3 === 0 ? 'true' : m.text };
        break;
      case 10: {
        const [ns, name, prefix] = names[m.at % names.length]!.split('\u0000') as [string, string, string];
        el.children.push({ ns, name, prefix, attrs: {}, children: [], text: m.text });
        delete el.text;
        break;
      }
      default: {
        const [ns, name, prefix] = names[(m.at >> 3) % names.length]!.split('\u0000') as [string, string, string];
        Object.assign(el, { ns, name, prefix });
      }
    }
  }
  return out;
}

/** Values that hit the validators' edges: dates, codes, numbers, BSN-like digit runs, markup, blanks. */
export const texts = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('', ' ', '2026-10-01', '2026-02-29', '1900-01-01', '2199-12-31', '00', '01', '02', '45', '99', '0', '-1', '1', '12345678', '999', 'C', 'D', '&<>"\'', '\u00e9\u00ef', 'J', '2026-13-45', '14:30:00'),
  fc.stringMatching(/^\d{1,12}$/),
  fc.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
);

/** A valid BSN (elfproef), 9 digits, not all zeros. */
export const validBsn = fc
  .array(fc.integer({ min: 0, max: 9 }), { minLength: 8, maxLength: 8 })
  .map((d) => {
    const sum = d.reduce((s, x, i) => s + x * (9 - i), 0);
    const last = sum % 11;
    return last === 10 ? undefined : [...d, last].join('');
  })
  .filter((b): b is string => b !== undefined && b !== '000000000');

/** Every 9-digit run in the texts and attribute values of a tree: what a Problem or issue must never show. */
export function nineDigitRuns(el: XmlElement, into = new Set<string>()): Set<string> {
  const add = (s: string | undefined): void => {
    for (const m of (s ?? '').matchAll(/\d{9,}/g)) for (let i = 0; i + 9 <= m[0].length; i++) into.add(m[0].slice(i, i + 9));
  };
  add(el.text);
  Object.values(el.attrs).forEach(add);
  el.children.forEach((c) => nineDigitRuns(c, into));
  return into;
}
