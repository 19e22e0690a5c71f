/**
 * Property tests for SUWI and StUF:
 * - the SUWI element ⇄ JSON rule (src/standards/suwi/xml.ts): gegevensNaarXml → serializeXml →
 *   parseXml → xmlNaarGegevens gives generated objects back, also inside a BevragingAntwoord that
 *   passes suwi.xsd;
 * - SuwiSchemas and StufSchemas on mutated documents (SUWI messages built by the module, the StUF
 *   fixtures) never throw, and no issue repeats a value that was put into the document.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StufSchemas } from '../../src/standards/stuf/validator.js';
import { SuwiSchemas } from '../../src/standards/suwi/schemas.js';
import { bouwBevragingAntwoord, bouwBronVraag, bouwFwi, gegevensNaarXml, SUWI_NS, xmlNaarGegevens } from '../../src/standards/suwi/xml.js';
import { projectRoot } from '../../src/util/paths.js';
import { serializeXml } from '../../src/xml/build.js';
import { parseXml, type XmlElement } from '../../src/xml/parse.js';
import { mutateXml, mutations, nineDigitRuns, params, texts, validBsn } from './mutate.js';

const ROOT = projectRoot();

// ---------------------------------------------------------------------------------------------
// Generated JSON objects within the rule: NCName keys not starting with xml, no null, no empty
// object or array (they do not come back, as documented), no CR (read back as LF), no -0.

const key = fc.oneof(
  fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.-]{0,10}$/).filter((k) => !/^xml/i.test(k)),
  fc.constantFrom('__proto__', 'constructor', 'toString', 'bedrag', 'werkgever', 'éénÀ'),
);
const xmlString = fc
  .array(fc.oneof(fc.constantFrom(...'ab Z09&<>"\'\t\n;]]>'.split(''), ' ', '&amp;', 'AT&T;'), fc.integer({ min: 0x20, max: 0xd7ff }).map((c) => String.fromCodePoint(c)), fc.integer({ min: 0x10000, max: 0x10ffff }).map((c) => String.fromCodePoint(c))), { maxLength: 10 })
  .map((a) => a.join(''));
const number = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })).filter((n) => !Object.is(n, -0));
const scalar = fc.oneof(xmlString, number, fc.boolean());

const gegevens = fc.letrec<{ obj: Record<string, unknown>; value: unknown; item: unknown }>((tie) => ({
  obj: fc.dictionary(key, tie('value'), { minKeys: 1, maxKeys: 4 }),
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('obj'), fc.array(tie('item'), { minLength: 1, maxLength: 3 })),
  item: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('obj')),
})).obj;

describe('SUWI element ⇄ JSON rule', () => {
  it('gegevensNaarXml → serializeXml → parseXml → xmlNaarGegevens gives the object back', () => {
    fc.assert(
      fc.property(gegevens, fc.constantFrom('', 'suwi', 'g'), (obj, prefix) => {
        const wrapper: XmlElement = { ns: SUWI_NS, name: 'Gegevens', prefix, attrs: {}, children: gegevensNaarXml(obj, SUWI_NS, prefix) };
        const xml = serializeXml(wrapper, { declaration: false });
        expect(xmlNaarGegevens(parseXml(xml))).toEqual(obj);
      }),
      params(700),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Validators

let suwi: SuwiSchemas;
let stuf: StufSchemas;
beforeAll(async () => {
  suwi = await SuwiSchemas.load();
  stuf = await StufSchemas.load();
});
afterAll(() => {
  suwi?.dispose();
  stuf?.dispose();
});


function vocabularyOf(dir: string): Set<string> {
  const words = new Set<string>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name.endsWith('.xsd')) for (const m of readFileSync(full, 'utf8').matchAll(/(?:name|value|fixed|default|base|type|ref)="([^"]*)"/g)) words.add(m[1]!.replace(/^\w+:/, ''));
    }
  };
  walk(dir);
  return words;
}

/** Checks one validation: no 9-digit run of the document, no mutation text (unless the XSDs contain it) in any issue. */
function checkIssues(issues: Array<{ element?: string; message: string }>, root: XmlElement, inserted: string[], vocabulary: Set<string>): void {
  const shown = issues.map((i) => `${i.element ?? ''} ${i.message}`).join('\n');
  for (const run of nineDigitRuns(root)) expect(shown).not.toContain(run);
  for (const t0 of inserted) {
    const t = t0.trim();
    if (t.length >= 4 && !vocabulary.has(t)) expect(shown).not.toContain(t);
  }
}

const mutationTexts = fc.oneof({ weight: 3, arbitrary: texts }, { weight: 2, arbitrary: validBsn }, { weight: 1, arbitrary: fc.constant('GEHEIM-WAARDE') });

describe('SuwiSchemas on mutated messages', () => {
  const vocabulary = vocabularyOf(join(ROOT, 'schemas', 'suwi'));
  const message = fc.oneof(
    gegevens.map((g) => bouwBevragingAntwoord({ uitkomst: 'gevonden', doel: 'BIJSTAND', grondslag: 'Pw art. 64', bron: 'bron-a', gegevens: g })),
    fc.constant(bouwBevragingAntwoord({ uitkomst: 'niet-gevonden', doel: 'BIJSTAND', grondslag: 'Pw', bron: 'b' })),
    validBsn.map((bsn) => bouwBronVraag({ dienst: 'inkomen', bsn, doel: 'BIJSTAND', grondslag: 'Pw art. 64', afnemer: 'gemeente-0153' })),
    fc.constant(bouwFwi('ongeldig-bsn', 'Het BSN voldoet niet aan de elfproef')),
    validBsn.map((bsn) => `<suwi:BevragingVraag xmlns:suwi="${SUWI_NS}"><suwi:Dienst>inkomen</suwi:Dienst><suwi:Burgerservicenr>${bsn}</suwi:Burgerservicenr><suwi:Doelbinding><suwi:Doel>BIJSTAND</suwi:Doel></suwi:Doelbinding></suwi:BevragingVraag>`),
  );

  it('valid as built, and never throw on mutations; issues hold no value', () => {
    fc.assert(
      fc.property(message, mutations(fc.constant(null), mutationTexts, 4), (xml, muts) => {
        const original = parseXml(xml);
        expect(suwi.validate(xml)).toEqual([]);
        const root = mutateXml(original, muts);
        let mutated: string;
        try {
          mutated = serializeXml(root, { declaration: false });
        } catch {
          return;
        }
        checkIssues(suwi.validate(mutated), root, muts.map((m) => m.text), vocabulary);
        checkIssues(suwi.validateBron(mutated), root, muts.map((m) => m.text), vocabulary);
      }),
      params(250),
    );
  });
});

describe('StufSchemas on mutated fixtures', () => {
  const vocabulary = vocabularyOf(join(ROOT, 'schemas', 'stuf'));
  const dir = join(ROOT, 'fixtures', 'stuf');
  const roots = readdirSync(dir)
    .filter((f) => f.endsWith('.xml'))
    .sort()
    .map((f) => parseXml(readFileSync(join(dir, f))));

  it('the fixtures are valid, and no mutation makes the validator throw or repeat a value', () => {
    expect(roots.length).toBeGreaterThan(0);
    for (const r of roots) expect(stuf.validate(serializeXml(r))).toEqual([]);
    fc.assert(
      fc.property(fc.nat(), mutations(fc.constant(null), mutationTexts, 5), (which, muts) => {
        const root = mutateXml(roots[which % roots.length]!, muts);
        let xml: string;
        try {
          xml = serializeXml(root);
        } catch {
          return;
        }
        checkIssues(stuf.validate(xml), root, muts.map((m) => m.text), vocabulary);
      }),
      params(250),
    );
  });
});
