import { describe, expect, it } from '@jest/globals';
import { MappingProblem, ValueFailure } from '../../../src/mapping/errors.js';
import { compileTransform, type CodeLists } from '../../../src/mapping/transforms.js';
import type { TransformSpec } from '../../../src/mapping/types.js';

const lists: CodeLists = new Map([
  ['eenheid', new Map([['01', 'minuut'], ['04', 'uur'], ['14', 'etmaal']])],
  ['vreemd', new Map([['constructor', 'c'], ['1', 'een']])],
]);

const apply = (spec: TransformSpec, value: unknown): unknown => compileTransform(spec, ['t'], lists)(value);

function failure(spec: TransformSpec, value: unknown): ValueFailure {
  try {
    apply(spec, value);
  } catch (err) {
    if (err instanceof ValueFailure) return err;
    throw err;
  }
  throw new Error('expected a ValueFailure');
}

describe('text transforms', () => {
  it('trim, upper, lower', () => {
    expect(apply('trim', '  7511 ab \n')).toBe('7511 ab');
    expect(apply('upper', '7511ab')).toBe('7511AB');
    expect(apply('lower', 'JANSEN')).toBe('jansen');
    expect(apply({ upper: {} }, 'x')).toBe('X');
    expect(apply({ trim: null }, ' x ')).toBe('x');
  });

  it('padLeft makes AGB codes 8 digits, padRight pads on the right, longer values stay', () => {
    expect(apply({ padLeft: { length: 8 } }, '1234567')).toBe('01234567');
    expect(apply({ padLeft: { length: 8, char: '0' } }, 1234567)).toBe('01234567');
    expect(apply({ padLeft: { length: 8 } }, '123456789')).toBe('123456789');
    expect(apply({ padRight: { length: 5, char: ' ' } }, 'ab')).toBe('ab   ');
  });

  it('refuses to treat a structure as text', () => {
    expect(failure('upper', { a: 1 }).reason).toBe('not-a-scalar');
    expect(failure('trim', ['a']).reason).toBe('not-a-scalar');
  });
});

describe('number and string conversion', () => {
  it('toNumber reads decimal text strictly', () => {
    expect(apply('toNumber', '4')).toBe(4);
    expect(apply('toNumber', '-12.50')).toBe(-12.5);
    expect(apply('toNumber', '007')).toBe(7);
    expect(apply('toNumber', 4)).toBe(4);
    for (const bad of ['', '4 ', '1e3', '0x10', 'vier', '1,5', true, null]) expect(failure('toNumber', bad).reason).toBe('invalid-number');
    expect(failure('toNumber', '9007199254740993').detail).toBe('too large to represent exactly');
  });

  it('toString writes numbers and booleans as text', () => {
    expect(apply('toString', 4)).toBe('4');
    expect(apply('toString', 0.5)).toBe('0.5');
    expect(apply('toString', false)).toBe('false');
    expect(apply('toString', 'x')).toBe('x');
  });
});

describe('amount transforms', () => {
  it('centsToEuro and euroToCents with options', () => {
    expect(apply('centsToEuro', 1999)).toBe('19.99');
    expect(apply({ centsToEuro: { separator: ',' } }, 1999)).toBe('19,99');
    expect(apply('euroToCents', '0.10')).toBe(10);
    expect(apply({ euroToCents: { separator: ',' } }, '0,10')).toBe(10);
    expect(failure('euroToCents', '0.105').reason).toBe('invalid-amount');
  });
});

describe('lookup', () => {
  it('looks codes up in a named list, by text', () => {
    expect(apply({ lookup: 'eenheid' }, '04')).toBe('uur');
    expect(apply({ lookup: { list: 'eenheid' } }, '14')).toBe('etmaal');
    expect(apply({ lookup: 'vreemd' }, 1)).toBe('een');
  });

  it('an unknown code is an error naming the list, never the code', () => {
    const err = failure({ lookup: 'eenheid' }, '4');
    expect(err.reason).toBe('unknown-code');
    expect(err.detail).toBe("code list 'eenheid'");
  });

  it('does not find inherited object keys', () => {
    expect(failure({ lookup: 'eenheid' }, 'constructor').reason).toBe('unknown-code');
    expect(failure({ lookup: { codes: { a: 'b' } } }, 'toString').reason).toBe('unknown-code');
    expect(apply({ lookup: 'vreemd' }, 'constructor')).toBe('c');
  });

  it('uses the fallback for unknown codes', () => {
    expect(apply({ lookup: { list: 'eenheid', fallback: 'onbekend' } }, '99')).toBe('onbekend');
    expect(apply({ lookup: { codes: { J: true, N: false }, fallback: false } }, 'J')).toBe(true);
    expect(apply({ lookup: { codes: { J: true, N: false }, fallback: false } }, '?')).toBe(false);
  });

  it('refuses unknown lists and ambiguous specs at load time', () => {
    expect(() => apply({ lookup: 'eenhied' }, '01')).toThrow(MappingProblem);
    expect(() => apply({ lookup: 'eenhied' }, '01')).toThrow("unknown code list 'eenhied'");
    expect(() => apply({ lookup: { list: 'eenheid', codes: { a: 'b' } } }, '01')).toThrow('either list');
    expect(() => apply({ lookup: {} }, '01')).toThrow('either list');
  });
});

describe('date transform', () => {
  it('converts and refuses invalid dates', () => {
    expect(apply({ date: { from: 'YYYY-MM-DD', to: 'DD-MM-YYYY' } }, '2012-04-17')).toBe('17-04-2012');
    expect(failure({ date: { from: 'YYYY-MM-DD', to: 'DD-MM-YYYY' } }, '2012-02-30').reason).toBe('invalid-date');
  });

  it('locates a bad pattern at the parameter', () => {
    try {
      compileTransform({ date: { from: 'YYYY-MM-DD', to: 'DD-MM-JJJJ' } }, ['fields', 0, 'transform', 0], lists);
      throw new Error('expected a problem');
    } catch (err) {
      expect(err).toBeInstanceOf(MappingProblem);
      expect((err as MappingProblem).at).toEqual(['fields', 0, 'transform', 0, 'date', 'to']);
    }
  });
});

it('an unknown transform name is a load-time problem', () => {
  expect(() => apply('dat', 'x')).toThrow("unknown transform 'dat'");
  expect(() => apply({ hasOwnProperty: {} }, 'x')).toThrow("unknown transform 'hasOwnProperty'");
});
