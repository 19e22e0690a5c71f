/**
 * Every list that comes from input has a maximum: each array in the message-type JSON Schemas
 * (REST/JSON, iStandaarden, StUF, API envelopes) carries maxItems, and the iStandaarden ones are
 * exactly what the generator writes from the model. Also: the error budget really stops ajv.
 */
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateAllJsonSchemas, MAX_HERHALING } from '../../src/standards/istandaarden/schema/generate-json-schema.js';
import { compileBounded, createAjv } from '../../src/util/ajv.js';
import { projectRoot } from '../../src/util/paths.js';

const DIRS = ['schemas/json', 'schemas/api', 'schemas/istandaarden/json', 'schemas/stuf/json'];

function arraysWithoutMax(node: unknown, path: string, out: string[]): string[] {
  if (Array.isArray(node)) node.forEach((n, i) => arraysWithoutMax(n, `${path}/${i}`, out));
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    const isArray = o.type === 'array' || (Array.isArray(o.type) && o.type.includes('array')) || 'items' in o;
    if (isArray && typeof o.maxItems !== 'number') out.push(path || '/');
    for (const [k, v] of Object.entries(o)) arraysWithoutMax(v, `${path}/${k}`, out);
  }
  return out;
}

describe('input lists have a maximum', () => {
  const files = DIRS.flatMap((d) => readdirSync(join(projectRoot(), d)).filter((f) => f.endsWith('.json')).map((f) => join(d, f)));

  it.each(files)('%s: every array has maxItems', (file) => {
    const schema = JSON.parse(readFileSync(join(projectRoot(), file), 'utf8')) as unknown;
    expect(arraysWithoutMax(schema, '', [])).toEqual([]);
  });

  it('the iStandaarden schemas are the generator output, unbounded lists at MAX_HERHALING', () => {
    for (const f of generateAllJsonSchemas()) {
      expect(readFileSync(join(projectRoot(), 'schemas', 'istandaarden', f.path), 'utf8')).toBe(f.text);
    }
    expect(generateAllJsonSchemas().some((f) => f.text.includes(`"maxItems": ${MAX_HERHALING}`))).toBe(true);
  });
});

describe('the error budget', () => {
  const schema = { type: 'object', properties: { xs: { type: 'array', items: { type: 'object', required: ['a', 'b', 'c'], properties: { a: { type: 'string' } } } } } };
  const bad = { xs: Array.from({ length: 50_000 }, () => ({ a: 1 })) };

  it('stops collecting at the budget: errors and items visited are bounded', () => {
    let visited = 0;
    const ajv = createAjv();
    ajv.addKeyword({ keyword: 'x-count', validate: () => (visited++, true) });
    const v = compileBounded(ajv, { ...schema, properties: { xs: { ...schema.properties.xs, items: { ...schema.properties.xs.items, 'x-count': true } } } }, 500);
    const r = v(bad);
    expect(r.valid).toBe(false);
    expect(r.truncated).toBe(true);
    expect(r.errors).toHaveLength(500);
    // Three errors per item: validation stopped after about 170 of the 50,000 items.
    expect(visited).toBeLessThan(200);
  });

  it('leaves valid and slightly invalid documents as they were', () => {
    const v = compileBounded(createAjv(), schema, 500);
    expect(v({ xs: [{ a: 'x', b: 1, c: 2 }] })).toEqual({ valid: true, errors: [], truncated: false });
    const r = v({ xs: [{ a: 1, b: 1, c: 2 }] });
    expect(r).toMatchObject({ valid: false, truncated: false });
    expect(r.errors).toHaveLength(1);
  });
});
