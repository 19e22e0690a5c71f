import { describe, expect, it } from '@jest/globals';
import { compileDateConversion, compileDateFormat } from '../../../src/mapping/dates.js';
import { ValueFailure } from '../../../src/mapping/errors.js';

const convert = (from: string, to: string, value: unknown, zone?: string): unknown => compileDateConversion(from, to, zone)(value);

function failureOf(work: () => unknown): string {
  try {
    work();
  } catch (err) {
    if (err instanceof ValueFailure) return err.reason;
    throw err;
  }
  return 'no failure';
}

describe('date conversion', () => {
  it.each([
    ['YYYY-MM-DD', 'DD-MM-YYYY', '2026-11-20', '20-11-2026'],
    ['YYYY-MM-DD', 'YYYYMMDD', '2026-11-20', '20261120'],
    ['YYYYMMDD', 'YYYY-MM-DD', '20261120', '2026-11-20'],
    ['YYYYMMDD', 'YYYY-MM-DD', 20261120, '2026-11-20'],
    ['DD-MM-YYYY', 'YYYY-MM-DD', '17-04-2012', '2012-04-17'],
    ['DD-MM-YYYY', 'YYYYMMDD', '29-02-2024', '20240229'],
    ['iso-date', 'DD/MM/YYYY', '2026-01-05', '05/01/2026'],
    ['iso-datetime', 'YYYY-MM-DD', '2026-11-20T23:30:00+01:00', '2026-11-20'],
    ['iso-datetime', 'iso-datetime', '2026-11-20T10:15+01:00', '2026-11-20T10:15:00+01:00'],
    ['iso-datetime', 'iso-datetime', '2026-11-20T10:15:00.123456Z', '2026-11-20T10:15:00Z'],
    ['iso-datetime', 'YYYY-MM-DD HH:mm:ss.SSS', '2026-11-20T10:15:07.5-02:30', '2026-11-20 10:15:07.500'],
    ['YYYY-MM-DDTHH:mm:ssZ', 'DD-MM-YYYY HH:mm', '2026-03-01T08:05:09Z', '01-03-2026 08:05'],
    ['YYYY-MM-DD', 'YYYY-MM-DDTHH:mm:ss', '2026-11-20', '2026-11-20T00:00:00'],
  ])('%s → %s: %p → %p', (from, to, value, expected) => {
    expect(convert(from, to, value)).toBe(expected);
  });

  it('converts instants to Dutch local time with a zone, winter and summer', () => {
    expect(convert('iso-datetime', 'iso-datetime', '2026-11-20T23:30:00Z', 'Europe/Amsterdam')).toBe('2026-11-21T00:30:00+01:00');
    expect(convert('iso-datetime', 'YYYY-MM-DD', '2026-06-30T22:30:00Z', 'Europe/Amsterdam')).toBe('2026-07-01');
    expect(convert('iso-datetime', 'DD-MM-YYYY HH:mm', '2026-06-30T12:00:00-04:00', 'Europe/Amsterdam')).toBe('30-06-2026 18:00');
  });

  it('supplies the offset of local time from the zone', () => {
    expect(convert('YYYY-MM-DD', 'iso-datetime', '2026-01-15', 'Europe/Amsterdam')).toBe('2026-01-15T00:00:00+01:00');
    expect(convert('YYYY-MM-DD HH:mm', 'iso-datetime', '2026-07-15 14:00', 'Europe/Amsterdam')).toBe('2026-07-15T14:00:00+02:00');
    // the last Sunday of March 2026 is the 29th: 03:00 local is already summer time
    expect(convert('YYYY-MM-DD HH:mm', 'iso-datetime', '2026-03-29 03:00', 'Europe/Amsterdam')).toBe('2026-03-29T03:00:00+02:00');
    expect(convert('YYYY-MM-DD HH:mm', 'iso-datetime', '2026-03-29 01:59', 'Europe/Amsterdam')).toBe('2026-03-29T01:59:00+01:00');
  });

  // The policy of docs/dates.md for local times where the clocks change.
  it('refuses a local time that does not exist (the hour skipped on 2026-03-29), not shifting it', () => {
    for (const t of ['2026-03-29 02:00', '2026-03-29 02:30', '2026-03-29 02:59']) {
      expect([t, failureOf(() => convert('YYYY-MM-DD HH:mm', 'iso-datetime', t, 'Europe/Amsterdam'))]).toEqual([t, 'nonexistent-local-time']);
      expect([t, failureOf(() => convert('YYYY-MM-DD HH:mm', 'YYYY-MM-DD', t, 'Europe/Amsterdam'))]).toEqual([t, 'nonexistent-local-time']);
    }
    // The same wall time on another day, and with an explicit offset, is fine.
    expect(convert('YYYY-MM-DD HH:mm', 'iso-datetime', '2026-03-30 02:30', 'Europe/Amsterdam')).toBe('2026-03-30T02:30:00+02:00');
    expect(convert('iso-datetime', 'iso-datetime', '2026-03-29T02:30:00+01:00', 'Europe/Amsterdam')).toBe('2026-03-29T03:30:00+02:00');
  });

  it('gives a local time that exists twice (2026-10-25 02:30) the earlier instant, summer time +02:00', () => {
    expect(convert('YYYY-MM-DD HH:mm', 'iso-datetime', '2026-10-25 02:30', 'Europe/Amsterdam')).toBe('2026-10-25T02:30:00+02:00');
    expect(convert('YYYY-MM-DD HH:mm', 'iso-datetime', '2026-10-25 02:00', 'Europe/Amsterdam')).toBe('2026-10-25T02:00:00+02:00');
    expect(convert('YYYY-MM-DD HH:mm', 'iso-datetime', '2026-10-25 03:00', 'Europe/Amsterdam')).toBe('2026-10-25T03:00:00+01:00');
    expect(convert('YYYY-MM-DD HH:mm', 'iso-datetime', '2026-10-25 01:59', 'Europe/Amsterdam')).toBe('2026-10-25T01:59:00+02:00');
    // An instant is never ambiguous: both 02:30s come out with their own offset.
    expect(convert('iso-datetime', 'iso-datetime', '2026-10-25T00:30:00Z', 'Europe/Amsterdam')).toBe('2026-10-25T02:30:00+02:00');
    expect(convert('iso-datetime', 'iso-datetime', '2026-10-25T01:30:00Z', 'Europe/Amsterdam')).toBe('2026-10-25T02:30:00+01:00');
  });

  it.each([
    ['YYYY-MM-DD', '2026-02-30'],
    ['YYYY-MM-DD', '2025-02-29'],
    ['YYYY-MM-DD', '1900-02-29'],
    ['YYYY-MM-DD', '2026-13-01'],
    ['YYYY-MM-DD', '2026-00-10'],
    ['YYYY-MM-DD', '2026-04-31'],
    ['YYYY-MM-DD', '0000-01-01'],
    ['YYYY-MM-DD', '2026-1-5'],
    ['YYYY-MM-DD', '20261120'],
    ['YYYY-MM-DD', ' 2026-11-20'],
    ['YYYY-MM-DD', '2026-11-20T00:00:00Z'],
    ['DD-MM-YYYY', '2026-11-20'],
    ['YYYYMMDD', 2026112],
    ['YYYYMMDD', null],
    ['iso-datetime', '2026-11-20T24:00:00Z'],
    ['iso-datetime', '2026-11-20T10:60:00Z'],
    ['iso-datetime', '2026-11-20T10:00:00'],
    ['iso-datetime', '2026-11-20T10:00:00+01:75'],
    ['iso-datetime', '2026-11-20T10:00:00+15:00'],
  ])('%s refuses %p as invalid-date', (from, value) => {
    expect(failureOf(() => convert(from, 'YYYY-MM-DD', value))).toBe('invalid-date');
  });

  it('accepts 29 February in leap years, including 2000', () => {
    expect(convert('YYYY-MM-DD', 'DD-MM-YYYY', '2000-02-29')).toBe('29-02-2000');
  });

  it('refuses bad patterns when the mapping is loaded', () => {
    expect(() => compileDateFormat('DD-MM-JJJJ')).toThrow("date pattern 'DD-MM-JJJJ' has an unknown element at 'JJJJ'");
    expect(() => compileDateFormat('YYYY-MM')).toThrow('needs YYYY, MM and DD');
    expect(() => compileDateFormat('YYYY-MM-DD-DD')).toThrow('has DD twice');
    expect(() => compileDateFormat('YYYY-MM-DD ss')).toThrow('has ss without mm');
    expect(() => compileDateConversion('YYYY-MM-DD', 'iso-datetime')).toThrow('add zone');
    expect(() => compileDateConversion('YYYY-MM-DD', 'YYYYMMDD', 'Europe/Amsterdan')).toThrow("unknown time zone 'Europe/Amsterdan'");
  });
});
