/**
 * The transform library. Each transform is compiled once from its mapping-file spec into a plain
 * function; at run time a failing transform throws ValueFailure (reason only, never the value).
 */
import { centsToEuro, euroToCents, type DecimalSeparator } from './amounts.js';
import { compileDateConversion } from './dates.js';
import { MappingProblem, ValueFailure } from './errors.js';
import type { Scalar, TransformSpec } from './types.js';

export type Transform = (value: unknown) => unknown;
export type CodeLists = ReadonlyMap<string, ReadonlyMap<string, Scalar>>;
type Path = readonly (string | number)[];

type Factory = (params: unknown, at: Path, codeLists: CodeLists) => Transform;

const FACTORIES = new Map<string, Factory>([
  ['trim', () => (v) => text(v).trim()],
  ['upper', () => (v) => text(v).toUpperCase()],
  ['lower', () => (v) => text(v).toLowerCase()],
  ['padLeft', (p) => pad(p, 'left')],
  ['padRight', (p) => pad(p, 'right')],
  ['toNumber', () => toNumber],
  ['toString', () => (v) => text(v)],
  ['centsToEuro', (p) => { const sep = separatorOf(p); return (v) => centsToEuro(v, sep); }],
  ['euroToCents', (p) => { const sep = separatorOf(p); return (v) => euroToCents(v, sep); }],
  ['date', dateFactory],
  ['lookup', lookupFactory],
]);

export const TRANSFORM_NAMES: readonly string[] = [...FACTORIES.keys()];

/** Compiles one transform spec (`trim` or `{ date: {...} }`); `at` locates it in the file for problems. */
export function compileTransform(spec: TransformSpec, at: Path, codeLists: CodeLists): Transform {
  const [name, params] = typeof spec === 'string' ? [spec, undefined] : Object.entries(spec)[0]!;
  const factory = FACTORIES.get(name);
  if (!factory) throw new MappingProblem(at, `unknown transform '${name}'`);
  return factory(params, typeof spec === 'string' ? at : [...at, name], codeLists);
}

/** A scalar as text; structures cannot be transformed. */
function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  throw new ValueFailure('not-a-scalar');
}

function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string' || !/^[-+]?\d+(?:\.\d+)?$/.test(value)) throw new ValueFailure('invalid-number');
  const number = Number(value);
  // A whole number beyond 2^53 would silently change; refuse it instead.
  if (Number.isInteger(number) && !Number.isSafeInteger(number)) throw new ValueFailure('invalid-number', 'too large to represent exactly');
  return number;
}

function pad(params: unknown, side: 'left' | 'right'): Transform {
  const { length, char = '0' } = params as { length: number; char?: string };
  return side === 'left' ? (v) => text(v).padStart(length, char) : (v) => text(v).padEnd(length, char);
}

function separatorOf(params: unknown): DecimalSeparator {
  return ((params as { separator?: DecimalSeparator } | null | undefined)?.separator) ?? '.';
}

function dateFactory(params: unknown, at: Path): Transform {
  const { from, to, zone } = params as { from: string; to: string; zone?: string };
  try {
    return compileDateConversion(from, to, zone);
  } catch (err) {
    // Point at the parameter that is wrong where we can tell.
    const message = (err as Error).message;
    const key = message.includes('time zone') ? 'zone' : message.includes(`'${from}'`) && !message.includes(`'${to}'`) ? 'from' : message.includes(`'${to}'`) && !message.includes(`'${from}'`) ? 'to' : undefined;
    throw new MappingProblem(key ? [...at, key] : at, message);
  }
}

function lookupFactory(params: unknown, at: Path, codeLists: CodeLists): Transform {
  let codes: ReadonlyMap<string, Scalar> | undefined;
  let listName = 'inline';
  let fallback: Scalar | undefined;
  let keep = false;
  if (typeof params === 'string') {
    listName = params;
    codes = codeLists.get(params);
    if (!codes) throw new MappingProblem(at, `unknown code list '${params}'`);
  } else {
    // keep: a value the list does not know passes unchanged (for fields whose source standard allows free text besides the listed codes).
    const spec = params as { list?: string; codes?: Record<string, Scalar>; fallback?: Scalar; keep?: boolean };
    fallback = spec.fallback;
    keep = spec.keep === true;
    if ((spec.list === undefined) === (spec.codes === undefined)) {
      throw new MappingProblem(at, 'lookup needs either list (a code list name) or codes (inline), not both');
    }
    if (spec.list !== undefined) {
      listName = spec.list;
      codes = codeLists.get(spec.list);
      if (!codes) throw new MappingProblem([...at, 'list'], `unknown code list '${spec.list}'`);
    } else {
      codes = new Map(Object.entries(spec.codes!));
    }
  }
  const table = codes;
  const detail = `code list '${listName}'`;
  return (value) => {
    const found = table.get(text(value));
    if (found !== undefined) return found;
    if (fallback !== undefined) return fallback;
    if (keep) return value as Scalar;
    throw new ValueFailure('unknown-code', detail);
  };
}
