/**
 * Writes the JSON Schemas of the iJw/iWmo payloads (schemas/istandaarden/json/<slug>.schema.json)
 * from the structure model, in the JSON shape of json.ts: every element, its cardinality and the
 * facets of its basisschema type (lengths, patterns, ranges, enumerations). One schema serves iJw
 * and iWmo: where the two differ (productcategorieën, redenen beëindiging, the iJw-only elements)
 * it allows both, and the XSD of the standaard decides afterwards.
 */
import { BERICHTSOORTEN, berichtType, STANDAARDEN, type BerichtNummer } from '../catalog.js';
import { GEMEENSCHAPPELIJKE_HEADER, jsonSleutel, kinderenVan, lijstKind } from '../json.js';
import { basisschemaTypes, berichtElement, type ElementDef, type SimpleTypeDef } from './model.js';

type Schema = Record<string, unknown>;

function simpleTypes(): Map<string, SimpleTypeDef[]> {
  const out = new Map<string, SimpleTypeDef[]>();
  for (const s of STANDAARDEN) for (const t of basisschemaTypes(s).simple) out.set(t.name, [...(out.get(t.name) ?? []), t]);
  return out;
}

const anchored = (p: string) => `^(?:${p})$`;

/**
 * The maximum of a list the XSD leaves unbounded: every list that comes from input has one. A bericht
 * is at most 25 MB (the GGk's limit) and no repeated element is smaller than about 500 bytes, so no
 * real bericht has more than 50,000 of one element.
 */
export const MAX_HERHALING = 50_000;
const maxItems = (max: number | 'unbounded') => (max === 'unbounded' ? MAX_HERHALING : max);

function leafSchema(def: ElementDef, types: Map<string, SimpleTypeDef[]>): Schema {
  const variants = types.get(def.type ?? '');
  if (!variants) throw new Error(`unknown type ${def.type ?? ''}`);
  const t = variants[0]!;
  const out: Schema = { description: def.type };
  const patterns: string[] = [];
  if (t.pattern) patterns.push(t.pattern);
  if (def.pattern) patterns.push(def.pattern);
  if (t.base === 'xs:integer') {
    out.type = 'integer';
    if (t.minInclusive !== undefined) out.minimum = t.minInclusive;
    if (t.maxInclusive !== undefined) out.maximum = t.maxInclusive;
    // A fixed header value (BerichtCode) is a pattern on an integer in the XSD.
    if (def.pattern) out.enum = [Number(def.pattern)];
    return out;
  }
  out.type = 'string';
  if (t.minLength !== undefined) out.minLength = t.minLength;
  if (t.maxLength !== undefined) out.maxLength = t.maxLength;
  if (t.base === 'xs:date') {
    out.format = 'date';
    patterns.push('[0-9]{4}-[0-9]{2}-[0-9]{2}');
  }
  if (t.base === 'xs:time') patterns.push('[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?');
  if (def.type === 'LDT_BurgerServicenummer') out.format = 'bsn';
  const values = [...new Set(variants.flatMap((v) => v.enumeration ?? []))];
  if (values.length) out.enum = values.sort();
  if (patterns.length === 1) out.pattern = anchored(patterns[0]!);
  else if (patterns.length > 1) out.allOf = patterns.map((p) => ({ pattern: anchored(p) }));
  return out;
}

function groupSchema(defs: readonly ElementDef[], types: Map<string, SimpleTypeDef[]>, pointer: string, subjects: string[]): Schema {
  const properties: Record<string, Schema> = {};
  const required: string[] = [];
  for (const d of defs) {
    const key = jsonSleutel(d.name);
    const many = d.max === 'unbounded' || d.max > 1;
    const item = elementSchema(d, types, many ? `${pointer}/${key}/*` : `${pointer}/${key}`, subjects);
    properties[key] = many ? { type: 'array', minItems: d.min, maxItems: maxItems(d.max), items: item } : item;
    if (d.min > 0) required.push(key);
  }
  return { type: 'object', additionalProperties: false, ...(required.length ? { required } : {}), properties };
}

function elementSchema(def: ElementDef, types: Map<string, SimpleTypeDef[]>, pointer: string, subjects: string[]): Schema {
  const k = kinderenVan(def);
  if (!k) {
    if (def.type === 'LDT_BurgerServicenummer') subjects.push(pointer);
    return leafSchema(def, types);
  }
  const lijst = lijstKind(def);
  if (lijst) {
    return { type: 'array', description: def.name, minItems: lijst.min, maxItems: maxItems(lijst.max), items: elementSchema(lijst, types, `${pointer}/*`, subjects) };
  }
  return { description: def.name, ...groupSchema(k.children, types, pointer, subjects) };
}

/** Both standaarden's elements of a group, merged by name in model order (iJw's extra elements included). */
function samengevoegd(nummer: BerichtNummer): ElementDef[] {
  const [ijw, iwmo] = STANDAARDEN.map((s) => berichtElement(nummer, s));
  const merge = (a: readonly ElementDef[], b: readonly ElementDef[]): ElementDef[] => {
    const out: ElementDef[] = [];
    for (const d of a) {
      const other = b.find((x) => x.name === d.name);
      // Present in one standaard only: optional in the shared schema.
      if (!other) out.push({ ...d, min: 0 });
      else out.push(d.children && other.children ? { ...d, children: merge(d.children, other.children) } : d);
    }
    for (const d of b) if (!a.some((x) => x.name === d.name)) out.push({ ...d, min: 0 });
    return out;
  };
  return merge(ijw!.children!, iwmo!.children!);
}

/** The JSON Schema of one bericht's payload. */
export function generateJsonSchema(nummer: BerichtNummer): { slug: string; schema: Schema } {
  const soort = BERICHTSOORTEN.get(nummer)!;
  const types = simpleTypes();
  const subjects: string[] = [];
  const [header, ...body] = samengevoegd(nummer);
  const extra = header!.children!.filter((d) => !(GEMEENSCHAPPELIJKE_HEADER as readonly string[]).includes(d.name));
  const group = groupSchema([...extra, ...body], types, '', subjects);
  return {
    slug: soort.slug,
    schema: {
      $schema: 'http://json-schema.org/draft-07/schema#',
      $id: `https://knooppunt.example/schemas/istandaarden/json/${soort.slug}.schema.json`,
      title: `${soort.naam} (${berichtType('ijw', nummer)} / ${berichtType('iwmo', nummer)}) als JSON`,
      description:
        'Generated by scripts/generate-istandaarden-xsd.ts from src/standards/istandaarden/schema/model.ts: do not edit. Every element of the bericht, keys as in src/standards/istandaarden/json.ts.',
      'x-knooppunt-subjects': subjects,
      ...group,
    },
  };
}

export function generateAllJsonSchemas(): { path: string; text: string }[] {
  return [...BERICHTSOORTEN.keys()].map((n) => {
    const { slug, schema } = generateJsonSchema(n);
    return { path: `json/${slug}.schema.json`, text: `${JSON.stringify(schema, null, 2)}\n` };
  });
}
