import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileBounded, createAjv, type BoundedValidate } from '../../util/ajv.js';
import { COUNTING_STOPPED } from '../../core/problem-cap.js';
import { isValidBsn } from '../common/bsn.js';

export interface JsonMessageType {
  name: string;
  schema: Record<string, unknown>;
  /** True when the payload is valid; bounded like `bounded`. */
  validate: (payload: unknown) => boolean;
  /** Stops collecting at the error budget: a huge bad document costs a bounded amount of work and memory. */
  bounded: BoundedValidate;
  /** JSON pointers (relative to the payload, `*` for every array element) where citizens' BSNs stand. */
  subjectPointers: string[];
}

export interface PayloadProblem {
  pointer: string;
  message: string;
  /** COUNTING_STOPPED on the closing entry when validation stopped at the budget. */
  code?: string;
}

/**
 * The JSON message types back offices may send: one JSON Schema per type in schemas/json/,
 * named `<type>.schema.json`, with `x-knooppunt-subjects` telling where the BSNs are.
 */
export class JsonMessageTypes {
  private readonly types = new Map<string, JsonMessageType>();

  /** From a folder of `<type>.schema.json` files, or from schemas in memory (generated ones, as for the iStandaarden). */
  constructor(dirOrSchemas: string | ReadonlyArray<{ name: string; schema: Record<string, unknown> }>) {
    const schemas =
      typeof dirOrSchemas === 'string'
        ? readdirSync(dirOrSchemas)
            .filter((f) => f.endsWith('.schema.json'))
            .sort()
            .map((file) => ({ name: file.slice(0, -'.schema.json'.length), schema: JSON.parse(readFileSync(join(dirOrSchemas, file), 'utf8')) as Record<string, unknown> }))
        : dirOrSchemas;
    const validators = compiledSet(schemas);
    for (const { name, schema } of schemas) {
      const subjects = schema['x-knooppunt-subjects'];
      this.types.set(name, {
        name,
        schema,
        ...boundedPair(validators.get(name)!),
        subjectPointers: Array.isArray(subjects) ? subjects.map(String) : [],
      });
    }
  }

  get(name: string): JsonMessageType | undefined {
    return this.types.get(name);
  }

  all(): JsonMessageType[] {
    return [...this.types.values()];
  }

  /** Problems without echoing values: a rejected BSN must not end up in an answer or a log. */
  check(type: JsonMessageType, payload: unknown): PayloadProblem[] {
    const result = type.bounded(payload);
    if (result.valid) return [];
    const problems: PayloadProblem[] = result.errors.map((e) => ({
      pointer: e.instancePath || '/',
      message: e.keyword === 'format' && e.params.format === 'bsn' ? 'is not a valid BSN (elfproef)' : (e.message ?? 'is invalid'),
    }));
    if (result.truncated) problems.push({ pointer: '/', message: `validation stopped after ${result.errors.length} problems`, code: COUNTING_STOPPED });
    return problems;
  }

  subjects(type: JsonMessageType, payload: unknown): string[] {
    const found = new Set<string>();
    for (const pointer of type.subjectPointers) {
      for (const v of resolvePointer(payload, pointer.split('/').slice(1))) {
        if (typeof v === 'string' && v !== '') found.add(v);
      }
    }
    return [...found];
  }
}

/**
 * Compiled validators of this process by the content of the whole set (names and schemas):
 * compiling is most of what a set costs, and every gateway of a process with the same schema files
 * (or the same code lists, for the generated ones) would compile the same code. A set is compiled
 * with one ajv of its own, so schemas of different sets never meet (their `$id`s may be equal).
 * The validators hold no state between calls, so gateways can share them. A few sets per
 * configuration; at most {@link JSON_CACHE_SIZE} are kept, oldest dropped first.
 */
const compiledSets = new Map<string, Map<string, BoundedValidate>>();
const JSON_CACHE_SIZE = 32;

/** How often a set was compiled and how often a compiled one was reused (for tests and the start-up benchmark). */
export const jsonCompileCounts = { compiled: 0, reused: 0 };

function compiledSet(schemas: ReadonlyArray<{ name: string; schema: Record<string, unknown> }>): Map<string, BoundedValidate> {
  const key = createHash('sha256').update(JSON.stringify(schemas.map((s) => [s.name, s.schema]))).digest('hex');
  let set = compiledSets.get(key);
  if (set) {
    jsonCompileCounts.reused++;
    compiledSets.delete(key);
  } else {
    const ajv = createAjv();
    ajv.addFormat('bsn', { type: 'string', validate: isValidBsn });
    ajv.addKeyword({ keyword: 'x-knooppunt-subjects', schemaType: 'array' });
    set = new Map(schemas.map(({ name, schema }) => [name, compileBounded(ajv, schema)]));
    jsonCompileCounts.compiled++;
  }
  compiledSets.set(key, set);
  if (compiledSets.size > JSON_CACHE_SIZE) compiledSets.delete(compiledSets.keys().next().value!);
  return set;
}

function resolvePointer(doc: unknown, steps: string[]): unknown[] {
  if (steps.length === 0) return [doc];
  if (doc === null || typeof doc !== 'object') return [];
  const [step, ...rest] = steps as [string, ...string[]];
  if (step === '*') return Array.isArray(doc) ? doc.flatMap((item) => resolvePointer(item, rest)) : [];
  const key = step.replace(/~1/g, '/').replace(/~0/g, '~');
  return resolvePointer((doc as Record<string, unknown>)[key], rest);
}

function boundedPair(bounded: BoundedValidate): { validate: (payload: unknown) => boolean; bounded: BoundedValidate } {
  return { validate: (payload) => bounded(payload).valid, bounded };
}
