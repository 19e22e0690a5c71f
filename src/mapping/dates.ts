/**
 * Date and date-time reformatting for the `date` transform.
 *
 * A pattern is built from the tokens YYYY MM DD HH mm ss SSS Z (Z: `Z` or `+01:00`) and the
 * separators `- / . : T` and space, e.g. `YYYY-MM-DD`, `YYYYMMDD`, `DD-MM-YYYY`,
 * `YYYY-MM-DDTHH:mm:ssZ`. Two names are accepted as well: `iso-date` (= YYYY-MM-DD) and
 * `iso-datetime` (reads any ISO 8601 date-time with offset, seconds and fraction optional; writes
 * YYYY-MM-DDTHH:mm:ssZ). Parsing is strict: a value that does not fit the pattern or is not a
 * real calendar date (2026-02-30) is an error, never passed on.
 */
import { DateTime, FixedOffsetZone, IANAZone } from 'luxon';
import { ValueFailure } from './errors.js';

interface DateParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  /** Minutes east of UTC, when the value carried an offset. */
  offset?: number;
}

export interface DateFormat {
  readonly pattern: string;
  readonly hasTime: boolean;
  readonly hasOffset: boolean;
  parse(text: string): DateParts | undefined;
  format(parts: DateParts): string;
}

type Token = 'YYYY' | 'MM' | 'DD' | 'HH' | 'mm' | 'ss' | 'SSS' | 'Z';
const TOKENS: Token[] = ['YYYY', 'SSS', 'MM', 'DD', 'HH', 'mm', 'ss', 'Z'];
const LITERALS = new Set(['-', '/', '.', ':', 'T', ' ']);
const TOKEN_REGEX: Record<Token, string> = {
  YYYY: '(\\d{4})',
  MM: '(\\d{2})',
  DD: '(\\d{2})',
  HH: '(\\d{2})',
  mm: '(\\d{2})',
  ss: '(\\d{2})',
  SSS: '(\\d{3})',
  Z: '(Z|[+-]\\d{2}:\\d{2})',
};

/** Throws an Error describing what is wrong with the pattern. */
export function compileDateFormat(pattern: string): DateFormat {
  if (pattern === 'iso-date') return compileDateFormat('YYYY-MM-DD');
  if (pattern === 'iso-datetime') return ISO_DATETIME;

  const parts: (Token | { literal: string })[] = [];
  for (let i = 0; i < pattern.length; ) {
    const token = TOKENS.find((t) => pattern.startsWith(t, i));
    if (token) {
      if (parts.includes(token)) throw new Error(`date pattern '${pattern}' has ${token} twice`);
      parts.push(token);
      i += token.length;
    } else if (LITERALS.has(pattern[i]!)) {
      parts.push({ literal: pattern[i]! });
      i++;
    } else {
      throw new Error(`date pattern '${pattern}' has an unknown element at '${pattern.slice(i)}'; use YYYY MM DD HH mm ss SSS Z and - / . : T or space`);
    }
  }
  const has = (t: Token): boolean => parts.includes(t);
  if (!has('YYYY') || !has('MM') || !has('DD')) throw new Error(`date pattern '${pattern}' needs YYYY, MM and DD`);
  for (const [needs, needed] of [['mm', 'HH'], ['ss', 'mm'], ['SSS', 'ss'], ['Z', 'HH'], ['HH', 'mm']] as const) {
    if (has(needs) && !has(needed)) throw new Error(`date pattern '${pattern}' has ${needs} without ${needed}`);
  }

  const groups = parts.filter((p): p is Token => typeof p === 'string');
  const regex = new RegExp(`^${parts.map((p) => (typeof p === 'string' ? TOKEN_REGEX[p] : escapeRegex(p.literal))).join('')}$`);
  return {
    pattern,
    hasTime: has('HH'),
    hasOffset: has('Z'),
    parse(text) {
      const match = regex.exec(text);
      if (!match) return undefined;
      const parts: DateParts = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, millisecond: 0 };
      groups.forEach((token, i) => {
        const value = match[i + 1]!;
        switch (token) {
          case 'YYYY': parts.year = Number(value); break;
          case 'MM': parts.month = Number(value); break;
          case 'DD': parts.day = Number(value); break;
          case 'HH': parts.hour = Number(value); break;
          case 'mm': parts.minute = Number(value); break;
          case 'ss': parts.second = Number(value); break;
          case 'SSS': parts.millisecond = Number(value); break;
          case 'Z': parts.offset = parseOffset(value); break;
        }
      });
      return isValid(parts) ? parts : undefined;
    },
    format(p) {
      return parts
        .map((part) => {
          if (typeof part !== 'string') return part.literal;
          switch (part) {
            case 'YYYY': return pad(p.year, 4);
            case 'MM': return pad(p.month, 2);
            case 'DD': return pad(p.day, 2);
            case 'HH': return pad(p.hour, 2);
            case 'mm': return pad(p.minute, 2);
            case 'ss': return pad(p.second, 2);
            case 'SSS': return pad(p.millisecond, 3);
            case 'Z': return formatOffset(p.offset ?? 0);
          }
        })
        .join('');
    },
  };
}

const ISO_DATETIME: DateFormat = {
  pattern: 'iso-datetime',
  hasTime: true,
  hasOffset: true,
  parse(text) {
    const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})$/.exec(text);
    if (!m) return undefined;
    const parts: DateParts = {
      year: Number(m[1]),
      month: Number(m[2]),
      day: Number(m[3]),
      hour: Number(m[4]),
      minute: Number(m[5]),
      second: m[6] === undefined ? 0 : Number(m[6]),
      // Fractions beyond milliseconds are cut, not rounded, so a value never moves into the next second.
      millisecond: m[7] === undefined ? 0 : Number(m[7].padEnd(3, '0').slice(0, 3)),
      offset: parseOffset(m[8]!),
    };
    return isValid(parts) ? parts : undefined;
  },
  format(p) {
    return `${pad(p.year, 4)}-${pad(p.month, 2)}-${pad(p.day, 2)}T${pad(p.hour, 2)}:${pad(p.minute, 2)}:${pad(p.second, 2)}${formatOffset(p.offset ?? 0)}`;
  },
};

/**
 * Compiles a from/to/zone triple into one conversion function. Throws an Error at load time for
 * a bad pattern, an unknown zone, or a target that needs an offset the source cannot give.
 */
export function compileDateConversion(from: string, to: string, zone?: string): (value: unknown) => string {
  const source = compileDateFormat(from);
  const target = compileDateFormat(to);
  if (zone !== undefined) checkZone(zone);
  if (target.hasOffset && !source.hasOffset && zone === undefined) {
    throw new Error(`date: '${to}' writes a time zone offset that '${from}' does not have; add zone (e.g. Europe/Amsterdam)`);
  }
  return (value) => {
    const text = typeof value === 'number' && Number.isInteger(value) ? String(value) : value;
    if (typeof text !== 'string') throw new ValueFailure('invalid-date', `expected ${from}`);
    const parts = source.parse(text);
    if (!parts) throw new ValueFailure('invalid-date', `expected ${from}`);
    return target.format(zone === undefined ? parts : inZone(parts, zone));
  };
}

function parseOffset(text: string): number {
  if (text === 'Z') return 0;
  const sign = text[0] === '-' ? -1 : 1;
  const minutes = Number(text.slice(4, 6));
  // NaN marks an impossible offset such as +01:75; isValid refuses it.
  return minutes > 59 ? Number.NaN : sign * (Number(text.slice(1, 3)) * 60 + minutes);
}

function formatOffset(minutes: number): string {
  if (minutes === 0) return 'Z';
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${pad(Math.floor(abs / 60), 2)}:${pad(abs % 60, 2)}`;
}

function isValid(p: DateParts): boolean {
  if (p.year < 1 || p.month < 1 || p.month > 12 || p.day < 1) return false;
  if (p.day > daysInMonth(p.year, p.month)) return false;
  if (p.hour > 23 || p.minute > 59 || p.second > 59) return false;
  if (p.offset !== undefined && !(Math.abs(p.offset) <= 14 * 60)) return false;
  return true;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

// ---------------------------------------------------------------------------------------------
// Time zones, through Luxon (IANA names), for turning an instant into local time and back.
//
// The policy for local times without an offset (docs/dates.md), where the zone's clocks change:
// - a local time that does not exist (the hour skipped at the start of summer time, e.g.
//   2026-03-29 02:30 in Europe/Amsterdam) is refused: `nonexistent-local-time`, naming the field.
//   It is not shifted to 03:30 as Luxon and Date would: a time that never happened on that clock
//   is a mistake in the source, and a guess would write a moment nobody meant;
// - a local time that exists twice (the hour repeated at the end of summer time, e.g.
//   2026-10-25 02:30) is the earlier of the two: the summer-time offset (+02:00). Luxon by itself
//   would pick the later one (+01:00); the earlier one is what RFC 5545 and Temporal's
//   "compatible" disambiguation choose, so other tools read the same instant from it.

function checkZone(zone: string): void {
  if (!IANAZone.isValidZone(zone)) throw new Error(`date: unknown time zone '${zone}'`);
}

/** The same moment as wall-clock time in `zone`; a value without offset is taken to be local time there already. */
function inZone(p: DateParts, zone: string): DateParts {
  const wall = { year: p.year, month: p.month, day: p.day, hour: p.hour, minute: p.minute, second: p.second, millisecond: p.millisecond };
  if (p.offset === undefined) {
    const local = DateTime.fromObject(wall, { zone });
    // Luxon moves a time in the gap forward; a different wall clock afterwards means it did not exist.
    if (local.hour !== p.hour || local.minute !== p.minute || local.day !== p.day) {
      throw new ValueFailure('nonexistent-local-time', `this local time does not exist in ${zone}: it falls in the hour the clocks skip`);
    }
    // Twice on the clock: the earlier instant, which has the larger offset.
    const offset = Math.max(...local.getPossibleOffsets().map((d) => d.offset));
    return { ...p, offset };
  }
  const there = DateTime.fromObject(wall, { zone: FixedOffsetZone.instance(p.offset) }).setZone(zone);
  return {
    year: there.year,
    month: there.month,
    day: there.day,
    hour: there.hour,
    minute: there.minute,
    second: there.second,
    millisecond: there.millisecond,
    offset: there.offset,
  };
}
