/**
 * The parse is linear in the document: many namespace declarations must not make every element
 * copy the prefix map (a 755 KB bericht with many declarations took 29 s that way). Counted, not
 * timed: every Map entry the parse writes (a Map copy writes each entry through Map.prototype.set),
 * for a document and for one twice its size, in the same run.
 */
import { describe, expect, it } from '@jest/globals';
import { parseXml } from '../../../src/xml/parse.js';

/** A root declaring n prefixes, with n children that each declare one more. */
function manyNamespaces(n: number): string {
  const decls = Array.from({ length: n }, (_, i) => ` xmlns:p${i}="urn:example:p${i}"`).join('');
  const children = Array.from({ length: n }, (_, i) => `<p${i}:c xmlns:q="urn:example:q${i}"><q:d>${i}</q:d></p${i}:c>`).join('');
  return `<r${decls}>${children}</r>`;
}

function mapWrites(run: () => void): number {
  const original = Map.prototype.set;
  let writes = 0;
  Map.prototype.set = function (this: Map<unknown, unknown>, k: unknown, v: unknown) {
    writes++;
    return original.call(this, k, v);
  } as typeof original;
  try {
    run();
  } finally {
    Map.prototype.set = original;
  }
  return writes;
}

describe('parseXml is linear in the document', () => {
  it('namespace scope work doubles (not quadruples) when the document doubles', () => {
    const small = manyNamespaces(400);
    const big = manyNamespaces(800);
    const a = mapWrites(() => parseXml(small));
    const b = mapWrites(() => parseXml(big));
    // Linear: about 2x. Copying the scope per declaring element: about 4x (and ~n² writes in all).
    expect(b / a).toBeLessThan(2.5);
    expect(b).toBeLessThan(20 * big.length);
  });

  it('still resolves every prefix to its own namespace, and a redeclaration ends with its element', () => {
    const root = parseXml('<r xmlns:a="urn:1"><a:x xmlns:a="urn:2"><a:y/></a:x><a:z/></r>');
    expect(root.children[0]!.ns).toBe('urn:2');
    expect(root.children[0]!.children[0]!.ns).toBe('urn:2');
    expect(root.children[1]!.ns).toBe('urn:1');
    expect(() => parseXml('<r><a:x xmlns:a="urn:2"/><a:z/></r>')).toThrow(/not declared/);
  });
});

/** A declaratie-shaped document: n clients, each with prestaties of prefixed leaves, attributes, entities and CDATA. */
function declaratieLike(n: number): string {
  const client = (i: number) =>
    `<b:Client nr="${i}" x:note="a&amp;b"><b:Bsn>${100000000 + i}</b:Bsn><!-- c -->` +
    `<b:Prestatie><i:Bedrag>${i}</i:Bedrag><i:Tekst>A &lt; B &#x20AC;<![CDATA[<raw>]]></i:Tekst></b:Prestatie></b:Client>\n`;
  return `<?xml version="1.0"?><b:Bericht xmlns:b="urn:b" xmlns:i="urn:i" xmlns:x="urn:x">${Array.from({ length: n }, (_, i) => client(i)).join('')}</b:Bericht>`;
}

/** Characters covered by String.prototype.indexOf searches during `run` (from the start position to the hit or the end). */
function searchedCharacters(run: () => void): number {
  const original = String.prototype.indexOf;
  let covered = 0;
  String.prototype.indexOf = function (this: string, search: string, from?: number) {
    const start = Math.max(0, from ?? 0);
    const hit = original.call(this, search, start);
    covered += (hit === -1 ? this.length : hit + search.length) - start;
    return hit;
  } as typeof original;
  try {
    run();
  } finally {
    String.prototype.indexOf = original;
  }
  return covered;
}

describe('parseXml is a single pass', () => {
  it('starts at the beginning of the text once, and its steps grow in proportion to the document', () => {
    const small = declaratieLike(500);
    const big = declaratieLike(1000);
    const a = { passes: 0, tokens: 0 };
    const b = { passes: 0, tokens: 0 };
    const root = parseXml(big, { maxElements: 1_000_000 }, b);
    parseXml(small, {}, a);
    expect(a.passes).toBe(1);
    expect(b.passes).toBe(1);
    // One step per piece of markup or text: 6 elements, a comment, a CDATA section and the text between them per client.
    expect(b.tokens / a.tokens).toBeGreaterThan(1.9);
    expect(b.tokens / a.tokens).toBeLessThan(2.1);
    expect(b.tokens).toBeLessThan(20 * 1000);
    // And it built the tree on the way.
    expect(root.children).toHaveLength(1000);
    expect(root.children[7]!.attrs).toEqual({ nr: '7', '{urn:x}note': 'a&b' });
    expect(root.children[7]!.children[1]!.children[1]!.text).toBe('A < B €<raw>');
  });

  it('searches each character of the text at most once', () => {
    const doc = declaratieLike(1000);
    // Several passes (a pre-scan, a validator, a parser) would search the text several times over.
    expect(searchedCharacters(() => parseXml(doc, { maxElements: 1_000_000 }))).toBeLessThanOrEqual(doc.length);
  });
});
