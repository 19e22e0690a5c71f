/**
 * Amounts between whole cents (how iStandaarden and most back offices count) and euro text.
 * Done on digit strings and BigInt so no floating-point rounding ever touches money:
 * 1999 → "19.99", "0.10" → 10, and a value that cannot be represented exactly is an error.
 */
import { ValueFailure } from './errors.js';

export type DecimalSeparator = '.' | ',';

export function centsToEuro(value: unknown, separator: DecimalSeparator = '.'): string {
  let cents: bigint;
  if (typeof value === 'number') {
    // Beyond 2^53 a JavaScript number no longer holds every integer, so its cents are not trustworthy.
    if (!Number.isSafeInteger(value)) throw new ValueFailure('invalid-amount', 'expected whole cents');
    cents = BigInt(value);
  } else if (typeof value === 'string' && /^-?\d+$/.test(value)) {
    cents = BigInt(value);
  } else {
    throw new ValueFailure('invalid-amount', 'expected whole cents');
  }
  const negative = cents < 0n;
  const abs = negative ? -cents : cents;
  return `${negative ? '-' : ''}${abs / 100n}${separator}${String(abs % 100n).padStart(2, '0')}`;
}

export function euroToCents(value: unknown, separator: DecimalSeparator = '.'): number {
  let text: string;
  if (typeof value === 'number') {
    // String() gives the shortest text that reads back as this number: 0.1 → "0.1", 0.1 + 0.2 → "0.30000000000000004" (refused below).
    if (!Number.isFinite(value)) throw new ValueFailure('invalid-amount', 'expected a euro amount');
    text = String(value);
    separator = '.';
  } else if (typeof value === 'string') {
    text = value;
  } else {
    throw new ValueFailure('invalid-amount', 'expected a euro amount');
  }
  const sep = separator === '.' ? '\\.' : ',';
  const match = new RegExp(`^([-+]?)(\\d+)(?:${sep}(\\d+))?$`).exec(text);
  if (!match) throw new ValueFailure('invalid-amount', 'expected a euro amount');
  const [, sign, whole, fraction = ''] = match;
  // Trailing zeros beyond the cents are harmless ("1.500"); any other third decimal would be lost.
  if (fraction.length > 2 && !/^0+$/.test(fraction.slice(2))) {
    throw new ValueFailure('invalid-amount', 'more than two decimals');
  }
  const cents = BigInt(whole!) * 100n + BigInt(fraction.slice(0, 2).padEnd(2, '0'));
  if (cents > BigInt(Number.MAX_SAFE_INTEGER)) throw new ValueFailure('invalid-amount', 'too large to represent exactly');
  // Normalise -0 to 0.
  return sign === '-' && cents !== 0n ? -Number(cents) : Number(cents);
}
