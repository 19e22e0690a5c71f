/**
 * Checks a mapping document against schemas/mapping.schema.json and turns ajv's findings into
 * one problem a person can act on: the first one in the file, located, in plain words.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { createAjv } from '../util/ajv.js';
import { projectRoot } from '../util/paths.js';
import { MappingProblem } from './errors.js';
import type { MappingDocument } from './types.js';

let validator: ValidateFunction | undefined;

function validate(): ValidateFunction {
  // ownProperties: a transform is called toString, which every object inherits.
  validator ??= createAjv({ allErrors: true, ownProperties: true }).compile(
    JSON.parse(readFileSync(join(projectRoot(), 'schemas', 'mapping.schema.json'), 'utf8')) as object,
  );
  return validator;
}

/**
 * Returns the document typed, or the problems sorted by where they are (first = earliest in the file,
 * decided by the caller who knows positions). Throws nothing.
 */
export function checkSchema(data: unknown): { ok: true; doc: MappingDocument } | { ok: false; problems: MappingProblem[] } {
  const check = validate();
  if (check(data)) return { ok: true, doc: data as MappingDocument };
  return { ok: false, problems: translate(check.errors ?? [], data) };
}

function translate(errors: ErrorObject[], data: unknown): MappingProblem[] {
  // `if` only says "then/else failed", whose own errors are more precise.
  let relevant = errors.filter((e) => e.keyword !== 'if');
  // For a failed oneOf the branch errors ("must have required property 'source'") mislead; keep the oneOf.
  const oneOfs = relevant.filter((e) => e.keyword === 'oneOf').map((e) => `${e.schemaPath}/`);
  relevant = relevant.filter((e) => !oneOfs.some((prefix) => e.schemaPath.startsWith(prefix)));
  // The enum inside propertyNames repeats the propertyNames error.
  relevant = relevant.filter((e) => !(e.keyword === 'enum' && e.schemaPath.includes('/propertyNames/')));
  return relevant.map((e) => toProblem(e, data));
}

function toProblem(e: ErrorObject, data: unknown): MappingProblem {
  const at = pointerToPath(e.instancePath, data);
  const here = valueAt(data, at);
  const isTransformItem = /\/transform\/\d+$/.test(e.instancePath);
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return new MappingProblem(at, `missing required key '${String(params.missingProperty)}'`);
    case 'additionalProperties':
      return new MappingProblem([...at, String(params.additionalProperty)], `unknown key '${String(params.additionalProperty)}'`, true);
    case 'propertyNames': {
      const name = String(params.propertyName);
      // A transform item is one `name: parameters` pair, so the item itself is the place to name.
      if (isTransformItem) return new MappingProblem(at, `unknown transform '${name}'`);
      return new MappingProblem([...at, name], `'${name}' is not an allowed name here`, true);
    }
    case 'enum':
      if (isTransformItem) return new MappingProblem(at, `unknown transform '${String(here)}'`);
      return new MappingProblem(at, `must be one of: ${(params.allowedValues as unknown[]).map(String).join(', ')}`);
    case 'false schema':
      return new MappingProblem(at, `'${String(at[at.length - 1])}' is not allowed here`, true);
    case 'type':
      return new MappingProblem(at, `must be ${article(String(params.type))}`);
    case 'oneOf':
      if (/\/when$|\/not$|\/(all|any)\/\d+$/.test(e.instancePath)) {
        return new MappingProblem(at, 'a condition needs exactly one of: exists, equals, in (each with path), not, all, any');
      }
      return new MappingProblem(at, 'a field needs exactly one of: source, value, template, concat, fields');
    case 'dependencies':
      return new MappingProblem(at, `'${String(params.property)}' needs '${String(params.missingProperty)}' next to it`);
    case 'minProperties':
    case 'maxProperties':
      if (isTransformItem) return new MappingProblem(at, 'a transform is written as a name or as { name: parameters } with one name');
      return new MappingProblem(at, `must have ${e.keyword === 'minProperties' ? 'at least' : 'at most'} ${String(params.limit)} entries`);
    case 'pattern':
      return new MappingProblem(at, patternText(e.instancePath));
    default:
      return new MappingProblem(at, e.message ?? 'is not valid here');
  }
}

function patternText(pointer: string): string {
  if (pointer === '/mapping') return 'a mapping name has lowercase letters, digits and hyphens only';
  if (pointer.endsWith('/root')) return 'must be an element name, prefix:Local or Local';
  return 'is not a valid name';
}

function article(type: string): string {
  const words = type.split(',').map((t) => ({ object: 'a map', array: 'a list', string: 'text', integer: 'a whole number', number: 'a number', boolean: 'true or false', null: 'empty' })[t] ?? t);
  return words.join(' or ');
}

/** `/fields/3/transform/0` → ['fields', 3, 'transform', 0], numbers where the data is a list. */
export function pointerToPath(pointer: string, data: unknown): (string | number)[] {
  if (pointer === '') return [];
  const path: (string | number)[] = [];
  let node = data;
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      const index = Number(segment);
      path.push(index);
      node = node[index];
    } else {
      path.push(segment);
      node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[segment] : undefined;
    }
  }
  return path;
}

function valueAt(data: unknown, at: (string | number)[]): unknown {
  let node = data;
  for (const segment of at) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[segment];
  }
  return node;
}
