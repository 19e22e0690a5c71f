/**
 * Property tests for the elfproef (src/standards/common/bsn.ts): every generated valid BSN passes,
 * every single-digit change of a valid BSN fails (the weights 9..2 and -1 are all prime to 11, so
 * one changed digit always breaks the sum), and arbitrary strings never throw.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { isValidBsn } from '../../src/standards/common/bsn.js';
import { params, validBsn } from './mutate.js';

describe('isValidBsn (elfproef)', () => {
  it('accepts every generated valid BSN', () => {
    fc.assert(
      fc.property(validBsn, (bsn) => {
        expect(isValidBsn(bsn)).toBe(true);
      }),
      params(2000),
    );
  });

  it('refuses every single-digit mutation of a valid BSN', () => {
    fc.assert(
      fc.property(validBsn, fc.integer({ min: 0, max: 8 }), fc.integer({ min: 1, max: 9 }), (bsn, position, delta) => {
        const digit = (Number(bsn[position]) + delta) % 10;
        const mutated = bsn.slice(0, position) + String(digit) + bsn.slice(position + 1);
        expect(mutated).not.toBe(bsn);
        expect(isValidBsn(mutated)).toBe(false);
      }),
      params(3000),
    );
  });

  it('refuses anything that is not 9 digits, and never throws', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 12 }), fc.stringMatching(/^\s*\d{8,10}\s*$/), validBsn.map((b) => ` ${b}`), validBsn.map((b) => `${b}\n`)), (s) => {
        const ok = isValidBsn(s);
        if (ok) expect(s).toMatch(/^\d{9}$/);
      }),
      params(2000),
    );
  });
});
