import { describe, expect, it } from '@jest/globals';
import { backoffDelayMs } from '../../src/delivery/backoff.js';
import { isValidBsn } from '../../src/standards/common/bsn.js';

describe('backoff', () => {
  it('doubles per attempt, within ±20 % jitter, capped', () => {
    const mid = () => 0.5;
    expect([1, 2, 3, 4].map((a) => backoffDelayMs(a, 1000, 60000, mid))).toEqual([1000, 2000, 4000, 8000]);
    expect(backoffDelayMs(30, 1000, 60000, mid)).toBe(60000);
    expect(backoffDelayMs(1, 1000, 60000, () => 0)).toBe(800);
    expect(backoffDelayMs(1, 1000, 60000, () => 0.999999)).toBe(1200);
  });
});

describe('BSN elfproef', () => {
  it('accepts valid and refuses invalid numbers', () => {
    for (const ok of ['999993653', '999990627', '999998456', '111222333']) expect(isValidBsn(ok)).toBe(true);
    for (const bad of ['123456789', '999993654', '00000000', '000000000', '99999365', '9999936530', 'abcdefghi', '']) expect(isValidBsn(bad)).toBe(false);
  });
});
