/**
 * Conformance: knooppunt's own StUF schemas (schemas/stuf/zds-1.1 and zds-1.2, generated from the
 * model in src/standards/stuf/schema/model/) describe exactly the messages the official ZDS 1.1.02
 * and ZDS 1.2 sets describe. Both are read into canonical components (xsd-structure.ts: element
 * names, namespaces, order, min/maxOccurs, nillable, types, facets, attributes with use/fixed/default,
 * forms, wildcards, substitution groups) and compared type by type over everything reachable from
 * every request, answer and fault root of the ZDS 1.1 and 1.2 WSDLs. A self-test shows the comparison
 * catches a changed facet, cardinality, element name and attribute.
 *
 * Also: the committed XSDs are what the model generates (no hand edits, no stale files).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { officialSetFiles, type OfficialStufVersie } from '../../src/standards/stuf/official-schemas.js';
import { generateStufXsd, STUF_XSD_ENTRY } from '../../src/standards/stuf/schema/generate-xsd.js';
import { loadStufModel } from '../../src/standards/stuf/schema/model-files.js';
import { STUF_SETS, type StufSet } from '../../src/standards/stuf/schema/model.js';
import { stufRoots } from '../../src/standards/stuf/schema/roots.js';
import { closure, readSchemaStructure, structureDiff, type ComponentKey, type SchemaNode } from '../../src/xml/xsd-structure.js';
import { OfficialStufSchemas } from '../../src/standards/stuf/official-schemas.js';
import { defaultStufSchemasDir, StufSchemas } from '../../src/standards/stuf/validator.js';
import { serializeXml } from '../../src/xml/build.js';
import { parseXml } from '../../src/xml/parse.js';
import { sharedDir } from '../helpers/istandaarden-official.js';
import { describeStufOfficial, stufOfficialDir } from '../helpers/stuf-official.js';

const OFFICIAL: Record<StufSet, OfficialStufVersie> = { 'zds-1.1': 'zds-1.1.02', 'zds-1.2': 'zds-1.2' };

function ownFiles(set: StufSet): Record<string, string> {
  const dir = join(defaultStufSchemasDir(), set);
  return Object.fromEntries(readdirSync(dir).filter((f) => f.endsWith('.xsd')).sort().map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
}

function own(set: StufSet, files = ownFiles(set)): Map<ComponentKey, SchemaNode> {
  const { [STUF_XSD_ENTRY]: _entry, ...rest } = files;
  return closure(readSchemaStructure(rest), stufRoots(set));
}

describe('schemas/stuf: generated from the model', () => {
  const model = loadStufModel();
  it.each(STUF_SETS)('%s: the committed XSDs are exactly what the model generates', (set) => {
    expect(ownFiles(set)).toEqual(generateStufXsd(model, set));
  });
});

describeStufOfficial('StUF 03.01 / ZKN 03.10 / BG 03.10 / ZDS XSD conformance (official schemas in ../shared)', () => {
  const official = new Map<StufSet, Map<ComponentKey, SchemaNode>>();
  const official_ = (set: StufSet) => {
    let c = official.get(set);
    if (!c) official.set(set, (c = closure(readSchemaStructure(officialSetFiles(stufOfficialDir(), OFFICIAL[set])), stufRoots(set))));
    return c;
  };

  it.each(STUF_SETS)('%s: every component reachable from the ZDS roots equals the official one', (set) => {
    const expected = official_(set);
    const actual = own(set);
    expect(structureDiff(expected, actual)).toEqual([]);
    // The closure is the whole of it: StUF, ZKN and BG types, and every root.
    const ns = (n: string) => [...actual.keys()].filter((k) => k.includes(`{${n}}`)).length;
    expect(ns('http://www.egem.nl/StUF/StUF0301')).toBeGreaterThan(150);
    expect(ns('http://www.egem.nl/StUF/sector/zkn/0310')).toBeGreaterThan(400);
    expect(ns('http://www.egem.nl/StUF/sector/bg/0310')).toBeGreaterThan(500);
    for (const r of stufRoots(set)) expect(actual.has(`element ${r}`)).toBe(true);
  });

  describe('the comparison catches a change', () => {
    const files = ownFiles('zds-1.2');
    const mutated = (file: string, from: RegExp, to: string): Map<ComponentKey, SchemaNode> => {
      const text = files[file]!;
      expect(from.test(text)).toBe(true);
      return own('zds-1.2', { ...files, [file]: text.replace(from, to) });
    };
    const diff = (m: Map<ComponentKey, SchemaNode>) => structureDiff(official_('zds-1.2'), m);

    it('a facet', () => {
      const d = diff(mutated('zkn0310.xsd', /(<xs:simpleType name="Omschrijving">[\s\S]*?<xs:maxLength value=")(\d+)"/, '$1999"'));
      expect(d).toEqual([expect.stringMatching(/^simpleType \{http:\/\/www\.egem\.nl\/StUF\/sector\/zkn\/0310\}Omschrijving\/.*maxLength.*value "\d+" expected, "999" found$/)]);
    });

    it('a cardinality', () => {
      const d = diff(mutated('stuf0301.xsd', /<xs:element name="referentienummer" type="StUF:Refnummer"\/>/, '<xs:element name="referentienummer" type="StUF:Refnummer" maxOccurs="2"/>'));
      expect(d.length).toBeGreaterThan(0);
      expect(d[0]).toMatch(/element\[\d+\]\(referentienummer\): maxOccurs "1" expected, "2" found$/);
    });

    it('an element name', () => {
      const d = diff(mutated('zkn0310.xsd', /<xs:element name="betalingsIndicatie"/, '<xs:element name="betaalIndicatie"'));
      expect(d.join('\n')).toMatch(/name "betalingsIndicatie" expected, "betaalIndicatie" found/);
    });

    it('an attribute use, and a type left out', () => {
      const d = diff(mutated('zkn0310.xsd', /(<xs:attribute ref="StUF:functie") use="required"( fixed="antwoord")/, '$1$2'));
      expect(d.join('\n')).toMatch(/use "required" expected, "optional" found/);
      // A type the set refers to but does not declare: the reader refuses the set.
      expect(() => mutated('bg0310.xsd', /<xs:simpleType name="BSN">[\s\S]*?<\/xs:simpleType>/, '')).toThrow(/does not declare \w+ \{http:\/\/www\.egem\.nl\/StUF\/sector\/bg\/0310\}BSN$/);
    });
  });

  // The same verdict on real messages: every request of ../shared/stuf-corpus (the SOAP Body's child).
  const CORPUS = join(sharedDir(), 'stuf-corpus');
  if (!existsSync(CORPUS)) console.warn(`SKIPPED: StUF corpus verdicts: ${CORPUS} is missing (set KNOOPPUNT_SHARED_DIR)`);
  (existsSync(CORPUS) ? it : it.skip)('accepts and refuses exactly the corpus messages the official sets accept and refuse', async () => {
    const ours = await StufSchemas.load();
    const theirs = OfficialStufSchemas.load(stufOfficialDir());
    try {
      const files = readdirSync(CORPUS).filter((f) => f.endsWith('.xml'));
      const verdicts = files.map((f) => {
        const body = parseXml(readFileSync(join(CORPUS, f))).children.find((c) => c.name === 'Body')!.children[0]!;
        const doc = serializeXml(body, { declaration: true });
        return { f, ours: ours.validate(doc).length === 0, official: theirs.validate(doc).length === 0 };
      });
      console.log(`stuf-corpus: ${verdicts.filter((v) => v.ours).length}/${files.length} valid against knooppunt's schemas, ${verdicts.filter((v) => v.official).length}/${files.length} against the official`);
      expect(verdicts.filter((v) => v.ours !== v.official)).toEqual([]);
      expect(verdicts.filter((v) => v.ours).length).toBeGreaterThan(80);
    } finally {
      ours.dispose();
      theirs.dispose();
    }
  }, 180_000);
});
