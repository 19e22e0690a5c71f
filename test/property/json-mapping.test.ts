/**
 * Property tests for the JSON side and the mapping engine:
 * - the REST envelope schema (schemas/api/message-envelope.schema.json through src/util/ajv.ts) and
 *   every JSON message type (src/standards/json/message-types.ts: check and subjects) never throw
 *   on arbitrary JSON values;
 * - every mapping in mappings/ run on arbitrary input throws nothing but MappingRunError: arbitrary
 *   JSON, arbitrary strings, and input shaped after the mapping itself (the keys / element names
 *   and code-list values its paths mention, with random leaves), so runs get past the first field;
 * - the transforms (date, lookup, amounts, numbers, padding) on arbitrary values return or throw
 *   ValueFailure, and amounts and dates convert there and back exactly.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { loadMappings, MappingRunError, type CompiledMapping } from '../../src/mapping/index.js';
import { ValueFailure } from '../../src/mapping/errors.js';
import { centsToEuro, euroToCents } from '../../src/mapping/amounts.js';
import { compileTransform } from '../../src/mapping/transforms.js';
import { JsonMessageTypes } from '../../src/standards/json/message-types.js';
import { createAjv } from '../../src/util/ajv.js';
import { projectRoot } from '../../src/util/paths.js';
import { parseXml, type XmlElement } from '../../src/xml/parse.js';
import { naarNeutraal } from '../../src/standards/istandaarden/codec.js';
import { mutateJson, mutateXml, mutations, texts } from './mutate.js';

const SEED = Number(process.env.PROPERTY_SEED ?? 20261123);
const params = (numRuns: number): { seed: number; numRuns: number } => ({ seed: SEED, numRuns });
const ROOT = projectRoot();

/** JSON values, including the awkward ones: prototype keys, deep nesting, big and odd numbers. */
const anyJson = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'toString', 'payload', 'messageType', 'client'), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
  fc.constantFrom(null, 0, -0, 1e308, Number.MAX_SAFE_INTEGER + 2, '', [], {}, [[[]]], { payload: null }),
);

describe('JSON validation never throws', () => {
  const envelopeSchema = JSON.parse(readFileSync(join(ROOT, 'schemas', 'api', 'message-envelope.schema.json'), 'utf8')) as Record<string, unknown>;
  const validateEnvelope = createAjv().compile(envelopeSchema);

  it('the REST envelope schema on arbitrary JSON values', () => {
    fc.assert(
      fc.property(anyJson, (value) => {
        const ok = validateEnvelope(value);
        expect(typeof ok).toBe('boolean');
        if (!ok) expect(validateEnvelope.errors?.length).toBeGreaterThan(0);
      }),
      params(1500),
    );
  });

  it('the REST envelope schema accepts every envelope built by its rules, with any payload object', () => {
    const printable = fc.stringMatching(/^[\x21-\x7e]{1,100}$/);
    const envelope = fc.record(
      {
        messageType: fc.stringMatching(/^[a-z][a-z0-9-]{1,62}$/),
        messageId: printable,
        receiver: fc.string({ minLength: 1, maxLength: 64 }),
        sender: fc.string({ maxLength: 64 }),
        correlationId: printable,
        payload: fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
      },
      { requiredKeys: ['messageType', 'messageId', 'receiver', 'payload'] },
    );
    fc.assert(
      fc.property(envelope, (e) => {
        expect(validateEnvelope(e)).toBe(true);
      }),
      params(500),
    );
  });

  const typeDirs = [join(ROOT, 'schemas', 'json'), join(ROOT, 'schemas', 'istandaarden', 'json'), join(ROOT, 'schemas', 'stuf', 'json')];
  it.each(typeDirs.map((d) => [d.slice(ROOT.length + 1)]))('every message type of %s: check and subjects on arbitrary JSON values', (dir) => {
    const types = new JsonMessageTypes(join(ROOT, dir));
    expect(types.all().length).toBeGreaterThan(0);
    // Also shaped after the subject pointers, so subjects() walks real paths.
    const keys = [...new Set(types.all().flatMap((t) => t.subjectPointers.flatMap((p) => p.split('/').filter((s) => s !== '' && s !== '*'))))];
    const shaped = fc.letrec<{ v: unknown }>((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        fc.jsonValue({ maxDepth: 1 }),
        fc.array(tie('v'), { maxLength: 3 }),
        fc.dictionary(keys.length > 0 ? fc.constantFrom(...keys) : fc.string(), tie('v'), { maxKeys: 3 }),
      ),
    })).v;
    fc.assert(
      fc.property(fc.oneof(anyJson, shaped), (value) => {
        for (const type of types.all()) {
          const problems = types.check(type, value);
          for (const p of problems) {
            expect(typeof p.pointer).toBe('string');
            expect(typeof p.message).toBe('string');
          }
          for (const s of types.subjects(type, value)) expect(typeof s).toBe('string');
        }
      }),
      params(300),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Mappings

interface MappingCase {
  folder: string;
  mapping: CompiledMapping;
  /** JSON keys (JSON source) found in the mapping's paths. */
  keys: string[];
  /** Elements (XML source) found in the mapping's paths, as namespace + local name. */
  elements: Array<{ ns: string; name: string; prefix: string }>;
  /** Attribute keys (Clark) found in the mapping's paths. */
  attributes: string[];
  /** Literal values in the file (code-list keys, values) to use as leaves. */
  literals: string[];
  root?: { ns: string; name: string; prefix: string };
}

function collectStrings(node: unknown, into: string[] = []): string[] {
  if (typeof node === 'string') into.push(node);
  else if (Array.isArray(node)) node.forEach((n) => collectStrings(n, into));
  else if (node !== null && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      into.push(k);
      collectStrings(v, into);
    }
  }
  return into;
}

function mappingCases(): MappingCase[] {
  const cases: MappingCase[] = [];
  for (const folder of readdirSync(join(ROOT, 'mappings')).sort()) {
    const dir = join(ROOT, 'mappings', folder);
    for (const mapping of loadMappings(dir).values()) {
      const doc = parseYaml(readFileSync(mapping.file, 'utf8')) as Record<string, unknown>;
      const source = doc.source as { format: string; namespaces?: Record<string, string>; root?: string };
      const pathStrings: string[] = [];
      const walk = (n: unknown): void => {
        if (Array.isArray(n)) n.forEach(walk);
        else if (n !== null && typeof n === 'object') {
          for (const [k, v] of Object.entries(n)) {
            if (['source', 'each', 'concat', 'template', 'path'].includes(k)) pathStrings.push(...collectStrings(v));
            else walk(v);
          }
        }
      };
      walk(doc.fields);
      const tokens = pathStrings.flatMap((p) => p.split(/[.\s{}[\]]+/)).filter((t) => t !== '' && t !== '$' && t !== '$root' && !/^\d+$/.test(t));
      const literals = [...new Set(collectStrings(doc.codeLists ?? {}).concat(collectStrings(doc.fields).filter((s) => s.length < 20)))];
      const ns = source.namespaces ?? {};
      const qualify = (t: string): { ns: string; name: string; prefix: string } | undefined => {
        const [p, l] = t.includes(':') ? (t.split(':') as [string, string]) : ['', t];
        const uri = p === '' ? (ns[''] ?? '') : ns[p];
        return uri === undefined || l === undefined || l === '' ? undefined : { ns: uri, name: l, prefix: p };
      };
      const elements = tokens.filter((t) => !t.startsWith('@')).map(qualify).filter((e): e is NonNullable<typeof e> => e !== undefined);
      const attributes = tokens
        .filter((t) => t.startsWith('@'))
        .map((t) => qualify(t.slice(1)))
        .filter((e): e is NonNullable<typeof e> => e !== undefined)
        .map((e) => (e.prefix === '' ? e.name : `{${e.ns}}${e.name}`));
      cases.push({
        folder,
        mapping,
        keys: [...new Set(tokens)],
        elements,
        attributes: [...new Set(attributes)],
        literals,
        ...(source.format === 'xml' && source.root ? { root: qualify(source.root)! } : {}),
      });
    }
  }
  return cases;
}

const CASES = mappingCases();

/** Runs a mapping; anything but a MappingRunError fails the property. */
function runMapping(m: CompiledMapping, input: unknown): void {
  try {
    const result = m.run(input);
    expect(Buffer.isBuffer(result.serialized)).toBe(true);
  } catch (err) {
    if (!(err instanceof MappingRunError)) throw err;
  }
}

const leafValue = (literals: string[]): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom(...(literals.length > 0 ? literals : ['x'])),
    fc.string({ maxLength: 12 }),
    fc.constantFrom('', ' ', '2026-10-01', '2026-02-30', '20261001', '01-10-2026', '14:30:00', '0', '-1', '12.50', '1,5', '999993653', '1e999', 'true', 'C', 'D', '\u0007', '&amp;'),
    fc.stringMatching(/^-?\d{1,12}([.,]\d{1,3})?$/),
  );

function jsonShaped(c: MappingCase): fc.Arbitrary<unknown> {
  const keys = c.keys.length > 0 ? c.keys : ['x'];
  const leaf = fc.oneof(leafValue(c.literals), fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
  return fc.letrec<{ v: unknown }>((tie) => ({
    v: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.array(tie('v'), { maxLength: 3 }),
      fc.dictionary(fc.constantFrom(...keys), tie('v'), { maxKeys: 6 }),
    ),
  })).v;
}

function xmlShaped(c: MappingCase): fc.Arbitrary<XmlElement> {
  const names = c.elements.length > 0 ? c.elements : [{ ns: '', name: 'x', prefix: '' }];
  const attrs = fc.dictionary(c.attributes.length > 0 ? fc.constantFrom(...c.attributes, '{http://www.w3.org/2001/XMLSchema-instance}nil') : fc.constant('a'), fc.oneof(leafValue(c.literals), fc.constant('true')), { maxKeys: 2 });
  const element = fc.letrec<{ e: XmlElement }>((tie) => ({
    e: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.record({ q: fc.constantFrom(...names), attrs, text: leafValue(c.literals) }).map(({ q, attrs: a, text }) => ({ ...q, attrs: a, children: [], text })),
      fc.record({ q: fc.constantFrom(...names), attrs, children: fc.array(tie('e'), { minLength: 1, maxLength: 5 }) }).map(({ q, attrs: a, children }) => ({ ...q, attrs: a, children })),
    ),
  })).e;
  const root = c.root ?? names[0]!;
  return fc.array(element, { maxLength: 6 }).map((children) => ({ ...root, attrs: {}, children }));
}

/** Every fixture as a possible input: JSON files, XML files parsed, iStandaarden XML also in the neutral namespaces. */
function fixtureInputs(): unknown[] {
  const out: unknown[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.json') && entry.name !== 'manifest.json') out.push(JSON.parse(readFileSync(full, 'utf8')));
      else if (entry.name.endsWith('.xml')) {
        let root: XmlElement;
        try {
          root = parseXml(readFileSync(full));
        } catch {
          continue;
        }
        out.push(root);
        for (const standaard of ['ijw', 'iwmo'] as const) {
          try {
            out.push(naarNeutraal(root, standaard));
          } catch {
            // not an iStandaarden bericht of this standaard
          }
        }
      }
    }
  };
  walk(join(ROOT, 'fixtures'));
  return out;
}

const FIXTURE_INPUTS = fixtureInputs();

/** The fixtures a mapping maps without error: starting points for mutation. */
function seedsFor(m: CompiledMapping): unknown[] {
  return FIXTURE_INPUTS.filter((input) => {
    if ((m.sourceFormat === 'xml') !== (input !== null && typeof input === 'object' && 'children' in input && 'ns' in input)) return false;
    try {
      m.run(input);
      return true;
    } catch {
      return false;
    }
  });
}

const mutationValues = fc.oneof(texts, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.jsonValue({ maxDepth: 2 }));

describe('every mapping in mappings/ throws nothing but MappingRunError', () => {
  it('finds every mapping file in mappings/', () => {
    const files = readdirSync(join(ROOT, 'mappings'), { recursive: true }).filter((f) => String(f).endsWith('.yaml'));
    expect(CASES.length).toBeGreaterThan(0);
    expect(CASES.length).toBe(files.length);
  });

  it.each(CASES.map((c) => [`${c.folder}/${c.mapping.name}`, c] as const))('%s', (_name, c) => {
    const shaped = c.mapping.sourceFormat === 'xml' ? xmlShaped(c) : jsonShaped(c);
    fc.assert(
      fc.property(fc.oneof({ weight: 1, arbitrary: anyJson }, { weight: 1, arbitrary: fc.string({ maxLength: 40 }) }, { weight: 6, arbitrary: shaped as fc.Arbitrary<unknown> }), (input) => {
        runMapping(c.mapping, input);
      }),
      params(c.mapping.sourceFormat === 'xml' ? 120 : 200),
    );
    // Mutated fixtures the mapping maps as they are, so runs get past the required fields.
    const seeds = seedsFor(c.mapping);
    if (seeds.length === 0) return;
    fc.assert(
      fc.property(fc.nat(), mutations(mutationValues, texts), (which, muts) => {
        const seed = seeds[which % seeds.length];
        const input = c.mapping.sourceFormat === 'xml' ? mutateXml(seed as XmlElement, muts) : mutateJson(seed, muts);
        runMapping(c.mapping, input);
      }),
      params(150),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Transforms

/** Applies a transform; only ValueFailure counts as refusing the value. */
function apply(t: (v: unknown) => unknown, value: unknown): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: t(value) };
  } catch (err) {
    if (err instanceof ValueFailure) return { ok: false };
    throw err;
  }
}

const anyValue = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ maxLength: 20, unit: 'binary' }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.bigInt(), anyJson);
const dateLike = fc.oneof(
  fc.stringMatching(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/),
  fc.stringMatching(/^\d{2}[-/.]\d{2}[-/.]\d{4}$/),
  fc.stringMatching(/^\d{8}$/),
);

describe('transforms never crash on arbitrary values', () => {
  const codeLists = new Map([['eenheid', new Map<string, string | number | boolean>([['01', 'minuut'], ['04', 'uur'], ['__proto__', 'x']])]]);
  const specs: Array<Parameters<typeof compileTransform>[0]> = [
    { date: { from: 'iso-date', to: 'iso-date' } },
    { date: { from: 'YYYYMMDD', to: 'DD-MM-YYYY' } },
    { date: { from: 'DD/MM/YYYY', to: 'YYYY-MM-DD' } },
    { date: { from: 'iso-datetime', to: 'iso-datetime', zone: 'Europe/Amsterdam' } },
    { date: { from: 'YYYY-MM-DD HH:mm', to: 'YYYY-MM-DDTHH:mm:ssZ', zone: 'Europe/Amsterdam' } },
    { date: { from: 'YYYY-MM-DDTHH:mm:ss.SSSZ', to: 'YYYY-MM-DD' } },
    { lookup: 'eenheid' },
    { lookup: { codes: { a: 1, b: true, constructor: 'c' } } },
    { lookup: { list: 'eenheid', fallback: 'onbekend' } },
    { euroToCents: { separator: ',' } },
    { euroToCents: { separator: '.' } },
    'euroToCents',
    'centsToEuro',
    { centsToEuro: { separator: ',' } },
    'toNumber',
    'trim',
    'upper',
    { padLeft: { length: 8 } },
    { padRight: { length: 3, char: ' ' } },
  ] as never;
  const transforms = specs.map((s, i) => ({ label: JSON.stringify(s), t: compileTransform(s, ['fields', i], codeLists) }));

  it.each(transforms.map((t) => [t.label, t.t] as const))('%s', (_label, t) => {
    fc.assert(
      fc.property(fc.oneof(anyValue, dateLike, fc.constantFrom('toString', 'constructor', '__proto__', '01', '04', 'a')), (value) => {
        apply(t, value);
      }),
      params(400),
    );
  });

  it('euro text → cents → euro text gives the normalised amount back', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }), fc.constantFrom('.', ',') as fc.Arbitrary<'.' | ','>, (cents, sep) => {
        const euro = centsToEuro(String(cents), sep);
        expect(euroToCents(euro, sep)).toBe(Number(cents));
        expect(centsToEuro(euroToCents(euro, sep), sep)).toBe(euro);
      }),
      params(1000),
    );
  });

  it('a real date converts to another pattern and back unchanged', () => {
    const there = compileTransform({ date: { from: 'iso-date', to: 'DD.MM.YYYY' } } as never, ['x'], codeLists);
    const back = compileTransform({ date: { from: 'DD.MM.YYYY', to: 'iso-date' } } as never, ['x'], codeLists);
    fc.assert(
      fc.property(fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T00:00:00Z'), noInvalidDate: true }), (d) => {
        const iso = d.toISOString().slice(0, 10);
        expect(back(there(iso))).toBe(iso);
      }),
      params(1000),
    );
  });
});
