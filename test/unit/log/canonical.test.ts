import { describe, expect, it } from '@jest/globals';
import { canonicalJson } from '../../../src/log/canonical.js';

describe('canonical JSON', () => {
  it('sorts keys recursively and keeps array order', () => {
    const a = { b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } };
    const b = { a: { c: null, d: [3, { y: 2, z: 1 }] }, b: 1 };
    expect(canonicalJson(a)).toBe('{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson(b)).toBe(canonicalJson(a));
    expect(canonicalJson([2, 1])).not.toBe(canonicalJson([1, 2]));
  });

  it('is what a jsonb round trip preserves: parse(canonical) re-canonicalises identically', () => {
    const v = { 'é': 'ü\n"\\', '10': true, '9': false, n: -0.5, big: 1e21, tiny: 1e-7, s: '\u2028' };
    const c = canonicalJson(v);
    expect(canonicalJson(JSON.parse(c))).toBe(c);
    expect(JSON.parse(c)).toEqual(v);
  });

  it('writes dates as ISO strings', () => {
    const d = new Date('2026-01-02T03:04:05.678Z');
    expect(canonicalJson({ at: d })).toBe('{"at":"2026-01-02T03:04:05.678Z"}');
    expect(canonicalJson({ at: d })).toBe(canonicalJson({ at: d.toISOString() }));
    expect(() => canonicalJson({ at: new Date('nope') })).toThrow(/invalid Date at value.at/);
  });

  it('drops undefined members like JSON and turns undefined array items into null', () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
    expect(canonicalJson([undefined, 1])).toBe('[null,1]');
    expect(canonicalJson(Object.create(null) as object)).toBe('{}');
  });

  it.each<[string, unknown]>([
    ['NaN', { x: NaN }],
    ['Infinity', { x: [Infinity] }],
    ['bigint', { x: 1n }],
    ['function', { x: () => 1 }],
    ['Map', { x: new Map() }],
    ['Buffer', { x: Buffer.from('a') }],
    ['undefined at top level', undefined],
  ])('refuses %s rather than silently changing it', (_name, value) => {
    expect(() => canonicalJson(value)).toThrow(TypeError);
  });

  it('names where the bad value is', () => {
    expect(() => canonicalJson({ a: { b: [0, NaN] } })).toThrow('value.a.b[1]');
  });
});
