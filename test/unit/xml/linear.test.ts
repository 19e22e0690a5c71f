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
