/**
 * Property tests for the iJw/iWmo side:
 * - the rule engine (rules/index.ts `beoordeel`, MemoryRegister) on randomly mutated fixtures
 *   (fixtures/istandaarden/ijw, iwmo and invalid) never throws, and no Problem holds a BSN (or any
 *   other 9-digit run) from the bericht;
 * - the XSD validators (XsdValidators) on mutated fixtures, structurally and as text, never throw,
 *   and no issue repeats a value that was put into the document;
 * - the codec round trip (codec.ts jsonNaarBericht → berichtNaarJson) gives the payload back for
 *   payloads made from the JSON fixtures by drawing leaf values anew within their JSON Schema and
 *   leaving out random optional fields.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BerichtJsonError } from '../../src/standards/istandaarden/json.js';
import { BERICHTSOORTEN, HEENBERICHTEN, STANDAARDEN, type BerichtNummer, type Standaard } from '../../src/standards/istandaarden/catalog.js';
import { jsonNaarBericht } from '../../src/standards/istandaarden/codec.js';
import { berichtNaarJson } from '../../src/standards/istandaarden/gemeente-json.js';
import { readHeader } from '../../src/standards/istandaarden/header.js';
import { MemoryRegister, type MemoryRegisterSeed } from '../../src/standards/istandaarden/register.js';
import { beoordeel } from '../../src/standards/istandaarden/rules/index.js';
import { XsdValidators } from '../../src/standards/istandaarden/schema/validator.js';
import { JsonMessageTypes } from '../../src/standards/json/message-types.js';
import { projectRoot } from '../../src/util/paths.js';
import { serializeXml } from '../../src/xml/build.js';
import { parseXml, type XmlElement } from '../../src/xml/parse.js';
import { mutateJson, mutateXml, mutations, nineDigitRuns, params, texts, validBsn } from './mutate.js';

const ROOT = projectRoot();
const FIX = join(ROOT, 'fixtures', 'istandaarden');
const VANDAAG = '2026-11-23';

interface Fixture {
  name: string;
  standaard: Standaard;
  nummer: BerichtNummer;
  root: XmlElement;
  afzender: string;
  register?: MemoryRegisterSeed;
}

function fixtures(): Fixture[] {
  const out: Fixture[] = [];
  for (const standaard of STANDAARDEN) {
    for (const nummer of HEENBERICHTEN) {
      const file = join(FIX, standaard, `${standaard === 'ijw' ? 'jw' : 'wmo'}${nummer}.xml`);
      const root = parseXml(readFileSync(file));
      out.push({ name: `${standaard}/${nummer}`, standaard, nummer, root, afzender: readHeader(root).afzender });
    }
  }
  const manifest = JSON.parse(readFileSync(join(FIX, 'invalid', 'manifest.json'), 'utf8')) as Array<{ file: string; standaard: Standaard; nummer: BerichtNummer; register?: MemoryRegisterSeed; afzender?: string }>;
  for (const e of manifest) {
    const root = parseXml(readFileSync(join(FIX, 'invalid', e.file)));
    const afzender = e.afzender ?? /<(?:\w+:)?Afzender>([^<]+)</.exec(readFileSync(join(FIX, 'invalid', e.file), 'utf8'))?.[1] ?? '';
    out.push({ name: `invalid/${e.file}`, standaard: e.standaard, nummer: e.nummer, root, afzender, ...(e.register ? { register: e.register } : {}) });
  }
  return out;
}

const FIXTURES = fixtures();


const mutationTexts = fc.oneof({ weight: 3, arbitrary: texts }, { weight: 2, arbitrary: validBsn });
const mutationValues = fc.constant(null);

let xsd: XsdValidators;
let jsonTypes: JsonMessageTypes;

beforeAll(async () => {
  xsd = await XsdValidators.load();
  jsonTypes = new JsonMessageTypes(join(ROOT, 'schemas', 'istandaarden', 'json'));
});

afterAll(() => xsd?.dispose());

describe('beoordeel on mutated fixtures', () => {
  it('never throws, and no Problem or bevinding holds a BSN or other 9-digit value from the bericht', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), mutations(mutationValues, mutationTexts, 5), fc.boolean(), async (which, muts, structural) => {
        const f = FIXTURES[which % FIXTURES.length]!;
        const root = mutateXml(f.root, muts, structural);
        const b = await beoordeel(root, f.standaard, f.nummer, { afzenderVerwacht: f.afzender, vandaag: VANDAAG, register: new MemoryRegister(f.register) });
        expect(Array.isArray(b.problems)).toBe(true);
        const shown = JSON.stringify({ problems: b.problems, header: b.header, records: [...b.records.values()] });
        for (const run of nineDigitRuns(root)) expect(shown).not.toContain(run);
      }),
      params(400),
    );
  });
});

describe('XsdValidators on mutated fixtures', () => {
  const good = () => FIXTURES.filter((f) => !f.name.startsWith('invalid/'));

  it('never throw, and no issue repeats a value put into the document (tree mutations)', () => {
    fc.assert(
      fc.property(fc.nat(), mutations(mutationValues, mutationTexts, 5), (which, muts) => {
        const all = good();
        const f = all[which % all.length]!;
        const root = mutateXml(f.root, muts);
        let xml: string;
        try {
          xml = serializeXml(root);
        } catch {
          return; // a text XML cannot carry
        }
        const issues = xsd.validate(xml, f.standaard, f.nummer);
        const shown = issues.map((i) => `${i.element ?? ''} ${i.message}`).join('\n');
        for (const run of nineDigitRuns(root)) expect(shown).not.toContain(run);
        for (const m of muts) {
          const t = m.text.trim();
          if (t.length >= 4 && !isSchemaWord(t)) expect(shown).not.toContain(t);
        }
      }),
      params(250),
    );
  });

  it('never throw on text mutations (truncation, inserted markup, flipped characters), against any bericht schema', () => {
    const edit = fc.record({ at: fc.nat(), cut: fc.boolean(), insert: fc.constantFrom('', '<', '>', '&', '<x>', '</', '<!DOCTYPE x>', '&e;', '\u0000', '"', 'Bsn>999993653</', ']]>', '<?pi?>') });
    fc.assert(
      fc.property(fc.nat(), fc.array(edit, { minLength: 1, maxLength: 3 }), fc.nat(), (which, edits, other) => {
        const all = good();
        const f = all[which % all.length]!;
        let xml = serializeXml(f.root);
        for (const e of edits) {
          const at = e.at % (xml.length + 1);
          xml = e.cut ? xml.slice(0, at) + e.insert : xml.slice(0, at) + e.insert + xml.slice(at);
        }
        const target = all[other % all.length]!;
        const issues = xsd.validate(xml, target.standaard, target.nummer);
        expect(Array.isArray(issues)).toBe(true);
        expect(JSON.stringify(issues)).not.toContain('999993653');
        xsd.validate(new TextEncoder().encode(xml), target.standaard, target.nummer);
      }),
      params(250),
    );
  });
});

let vocabulary: Set<string> | undefined;
/** A word the XSDs themselves contain (an element name, an enumeration value): fine in an issue. */
function isSchemaWord(text: string): boolean {
  if (!vocabulary) {
    vocabulary = new Set();
    for (const f of ['ijw', 'iwmo']) {
      const dir = join(ROOT, 'schemas', 'istandaarden', f);
      for (const m of readAll(dir).matchAll(/(?:name|value|fixed|base|type)="([^"]*)"/g)) vocabulary.add(m[1]!.replace(/^\w+:/, ''));
    }
  }
  return vocabulary.has(text.trim());
}

function readAll(dir: string): string {
  let out = '';
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out += readAll(full);
    else if (name.endsWith('.xsd')) out += readFileSync(full, 'utf8');
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Codec round trip with payloads drawn within the JSON Schemas

type Schema = {
  type?: string;
  enum?: unknown[];
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
};

const leafCache = new WeakMap<Schema, fc.Arbitrary<unknown> | undefined>();

/** A value valid for a leaf schema (enum, pattern, date, bounded string or integer); built once per schema. */
function leafArbitrary(s: Schema): fc.Arbitrary<unknown> | undefined {
  if (!leafCache.has(s)) leafCache.set(s, buildLeafArbitrary(s));
  return leafCache.get(s);
}

function buildLeafArbitrary(s: Schema): fc.Arbitrary<unknown> | undefined {
  if (s.enum) return fc.constantFrom(...s.enum);
  if (s.type === 'integer' || s.type === 'number') {
    return fc.integer({ min: Math.ceil(s.minimum ?? -1_000_000), max: Math.floor(s.maximum ?? 1_000_000) });
  }
  if (s.type !== 'string') return undefined;
  if (s.format === 'bsn') return validBsn;
  if (s.format === 'date') {
    return fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
  }
  const patterns = [s.pattern, ...((s as { allOf?: Array<{ pattern?: string }> }).allOf ?? []).map((x) => x.pattern)].filter((p): p is string => typeof p === 'string');
  // XML normalises a carriage return to a line feed on reading (XML 1.0 §2.11): not a value JSON → XML → JSON can keep.
  const fits = (t: string) => !t.includes('\r') && t.length >= (s.minLength ?? 0) && t.length <= (s.maxLength ?? Infinity) && patterns.every((p) => new RegExp(p, 'u').test(t));
  // The basisschema's free-text pattern (.*[^\s].*) is what the free-text generator below produces.
  const vrij = patterns.every((p) => p === '^(?:.*[^\\s].*)$');
  if (patterns.length && !vrij) return fc.stringMatching(new RegExp(patterns.at(-1)!, 'u')).filter(fits);
  // Free text: printable, with what needs escaping in XML, no leading/trailing or only whitespace.
  const char = fc.oneof(fc.constantFrom(...'abcXYZ09 &<>"\'éß€;'.split('')), fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)));
  const min = s.minLength ?? 0;
  const max = Math.min(s.maxLength ?? 40, 40);
  return fc.array(char, { minLength: Math.max(min, 1), maxLength: Math.max(max, 1) }).map((a) => a.join('')).filter((t) => t.trim() === t && t.length >= min);
}

/** Draws every leaf of `doc` anew within `schema` and leaves out optional keys at random (`drop` decides). */
function regenerate(doc: unknown, schema: Schema, choices: { next: () => number; leaf: (s: Schema) => unknown }): unknown {
  if (Array.isArray(doc)) return doc.map((d) => regenerate(d, schema.items ?? {}, choices));
  if (doc !== null && typeof doc === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(doc)) {
      const sub = schema.properties?.[k] ?? {};
      const required = schema.required?.includes(k) ?? false;
      if (!required && choices.next() % 4 === 0) continue;
      out[k] = regenerate(v, sub, choices);
    }
    return out;
  }
  if (choices.next() % 3 === 0) return doc;
  const drawn = choices.leaf(schema);
  return drawn === undefined ? doc : drawn;
}

describe('codec: jsonNaarBericht → berichtNaarJson gives the payload back', () => {
  const cases = STANDAARDEN.flatMap((standaard) => HEENBERICHTEN.map((nummer) => ({ standaard, nummer })));
  it.each(cases)('$standaard $nummer', ({ standaard, nummer }) => {
    const slug = BERICHTSOORTEN.get(nummer)!.slug;
    const payload = JSON.parse(readFileSync(join(FIX, 'json', `${standaard}-${slug}.json`), 'utf8')) as Record<string, unknown>;
    const header = readHeader(parseXml(readFileSync(join(FIX, standaard, `${standaard === 'ijw' ? 'jw' : 'wmo'}${nummer}.xml`))));
    const type = jsonTypes.get(slug)!;
    const schema = type.schema as Schema;
    let valid = 0;
    let mappingErrors = 0;
    fc.assert(
      fc.property(fc.gen(), (g) => {
        const leaf = (s: Schema): unknown => {
          const arb = leafArbitrary(s);
          return arb ? g(() => arb) : undefined;
        };
        const candidate = regenerate(payload, schema, { next: () => g(fc.nat), leaf }) as Record<string, unknown>;
        const clean = JSON.parse(JSON.stringify(candidate)) as Record<string, unknown>;
        if (jsonTypes.check(type, clean).length > 0) return; // a combination the schema refuses (or an undefined leaf): not this property's business
        valid++;
        let xml: string;
        try {
          xml = jsonNaarBericht(structuredClone(clean), header, standaard, nummer);
        } catch (err) {
          if (err instanceof BerichtJsonError) {
            mappingErrors++;
            return; // e.g. a date rule of the mapping stricter than the schema
          }
          throw err;
        }
        const back = berichtNaarJson(parseXml(xml), standaard, nummer);
        expect(back.payload).toEqual(clean);
        expect(back.header).toEqual(header);
      }),
      params(60),
    );
    expect(valid).toBeGreaterThan(10);
    if (process.env.PROPERTY_STATS) console.log(`${standaard} ${nummer}: ${valid} schema-valid payloads, ${mappingErrors} refused by the mapping`);
  });

  it('mutated payloads (any leaf, any key) throw nothing but BerichtJsonError on the way to XML', () => {
    const all = cases.map(({ standaard, nummer }) => {
      const slug = BERICHTSOORTEN.get(nummer)!.slug;
      return {
        standaard,
        nummer,
        payload: JSON.parse(readFileSync(join(FIX, 'json', `${standaard}-${slug}.json`), 'utf8')) as Record<string, unknown>,
        header: readHeader(parseXml(readFileSync(join(FIX, standaard, `${standaard === 'ijw' ? 'jw' : 'wmo'}${nummer}.xml`)))),
      };
    });
    fc.assert(
      fc.property(fc.nat(), mutations(fc.oneof(texts, fc.integer(), fc.boolean(), fc.constant(null), fc.jsonValue({ maxDepth: 2 })), texts, 4), (which, muts) => {
        const c = all[which % all.length]!;
        const payload = mutateJson(c.payload, muts);
        try {
          const xml = jsonNaarBericht(payload, c.header, c.standaard, c.nummer);
          berichtNaarJson(parseXml(xml), c.standaard, c.nummer);
        } catch (err) {
          if (!(err instanceof BerichtJsonError)) throw err;
        }
      }),
      params(300),
    );
  });
});
