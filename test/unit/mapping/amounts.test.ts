import { describe, expect, it } from '@jest/globals';
import { centsToEuro, euroToCents } from '../../../src/mapping/amounts.js';
import { ValueFailure } from '../../../src/mapping/errors.js';

function failure(work: () => unknown): ValueFailure {
  try {
    work();
  } catch (err) {
    if (err instanceof ValueFailure) return err;
    throw err;
  }
  throw new Error('expected a ValueFailure');
}

describe('centsToEuro', () => {
  it.each([
    [1999, '19.99'],
    [10, '0.10'],
    [1, '0.01'],
    [0, '0.00'],
    [100, '1.00'],
    [125000, '1250.00'],
    [-5, '-0.05'],
    [-1999, '-19.99'],
    ['1999', '19.99'],
    [Number.MAX_SAFE_INTEGER, '90071992547409.91'],
    ['123456789012345678901', '1234567890123456789.01'],
  ])('%p cents → %p', (cents, euro) => {
    expect(centsToEuro(cents)).toBe(euro);
  });

  it('writes a comma when asked', () => {
    expect(centsToEuro(1999, ',')).toBe('19,99');
  });

  it.each([[19.99], [Number.MAX_SAFE_INTEGER + 1], ['19.99'], ['12a'], [''], [null], [true], [{}]])('refuses %p', (value) => {
    expect(failure(() => centsToEuro(value)).reason).toBe('invalid-amount');
  });
});

describe('euroToCents', () => {
  it.each([
    ['19.99', 1999],
    ['0.10', 10],
    ['0.1', 10],
    ['1', 100],
    ['1.5', 150],
    ['1.500', 150],
    ['-0.05', -5],
    ['+2.00', 200],
    ['-0.00', 0],
    [19.99, 1999],
    [0.1, 10],
    [1.15, 115], // 1.15 * 100 is 114.99999999999999 in floating point; we never multiply floats
    [4.35, 435],
    ['90071992547409.91', Number.MAX_SAFE_INTEGER],
  ])('%p → %p cents', (euro, cents) => {
    expect(euroToCents(euro)).toBe(cents);
  });

  it('reads a comma when asked', () => {
    expect(euroToCents('19,99', ',')).toBe(1999);
    expect(failure(() => euroToCents('19.99', ',')).reason).toBe('invalid-amount');
  });

  it('refuses amounts it cannot convert exactly', () => {
    expect(failure(() => euroToCents('1.999')).detail).toBe('more than two decimals');
    expect(failure(() => euroToCents(0.1 + 0.2)).detail).toBe('more than two decimals');
    expect(failure(() => euroToCents('90071992547409.92')).detail).toBe('too large to represent exactly');
    expect(failure(() => euroToCents(1e21)).reason).toBe('invalid-amount');
  });

  it.each([['12,50'], ['€ 12.50'], ['1.'], ['.5'], [''], ['1e3'], [Number.NaN], [null], [[]]])('refuses %p', (value) => {
    expect(failure(() => euroToCents(value)).reason).toBe('invalid-amount');
  });
});
