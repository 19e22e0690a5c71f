/**
 * Conformance: knooppunt's own iJw 3.2 / iWmo 3.2 XSDs (generated from schema/model.ts) describe
 * exactly the messages the official XSDs of Zorginstituut describe. Both sets are read into the
 * canonical tree of xsd-structure.ts (every element with name, namespace, order, cardinality and
 * its type resolved down to the built-in with the facets of every restriction step) and compared
 * element by element.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { berichtNamespace, STANDAARDEN } from '../../src/standards/istandaarden/catalog.js';
import { BASISSCHEMA_BESTAND, BERICHTNUMMERS, berichtXsdBestand, releaseMap } from '../../src/standards/istandaarden/schema/generate-xsd.js';
import { defaultSchemasDir } from '../../src/standards/istandaarden/schema/validator.js';
import { structureDiff, xsdStructure, type ElementStructure } from '../../src/standards/istandaarden/schema/xsd-structure.js';
import { describeOfficial, officialBasisschema, officialXsd } from '../helpers/istandaarden-official.js';

function own(standaard: (typeof STANDAARDEN)[number], nummer: (typeof BERICHTNUMMERS)[number]): ElementStructure {
  const dir = join(defaultSchemasDir(), ...releaseMap(standaard).split('/'));
  return xsdStructure(
    { 'basisschema.xsd': readFileSync(join(dir, BASISSCHEMA_BESTAND), 'utf8'), bericht: readFileSync(join(dir, berichtXsdBestand(standaard, nummer)), 'utf8') },
    berichtNamespace(standaard, nummer),
  );
}

function official(standaard: (typeof STANDAARDEN)[number], nummer: (typeof BERICHTNUMMERS)[number]): ElementStructure {
  return xsdStructure({ 'basisschema.xsd': officialBasisschema(standaard), bericht: officialXsd(standaard, nummer) }, berichtNamespace(standaard, nummer));
}

function count(e: ElementStructure): number {
  return 1 + (e.type.kind === 'complex' ? e.type.children.reduce((n, c) => n + count(c), 0) : 0);
}

describeOfficial('iStandaarden 3.2 XSD conformance (official XSDs in ../shared)', () => {
  for (const standaard of STANDAARDEN) {
    for (const nummer of BERICHTNUMMERS) {
      it(`${standaard} ${nummer}: knooppunt's XSD equals the official one element by element`, () => {
        const expected = official(standaard, nummer);
        const actual = own(standaard, nummer);
        expect(structureDiff(expected, actual)).toEqual([]);
        expect(actual).toEqual(expected);
        expect(count(actual)).toBeGreaterThan(10);
      });
    }
  }

  it('the comparison sees a changed facet, a changed cardinality and a missing element', () => {
    const base = official('ijw', '301');
    const clone = (): ElementStructure => JSON.parse(JSON.stringify(base)) as ElementStructure;
    const find = (e: ElementStructure, path: string[]): ElementStructure => {
      let cur = e;
      for (const p of path) {
        if (cur.type.kind !== 'complex') throw new Error('not complex');
        cur = cur.type.children.find((c) => c.name === p)!;
      }
      return cur;
    };
    const facet = clone();
    const bsn = find(facet, ['Client', 'Bsn']);
    if (bsn.type.kind === 'simple') bsn.type.steps[0]!.maxLength = 10;
    expect(structureDiff(base, facet).join('\n')).toContain('Bericht/Client/Bsn: simple type');

    const occurs = clone();
    find(occurs, ['Client', 'Contactgegevens']).min = 0;
    expect(structureDiff(base, occurs)).toEqual(['Bericht/Client/Contactgegevens: occurs 1..1 ≠ 0..1']);

    const missing = clone();
    const client = find(missing, ['Client']);
    if (client.type.kind === 'complex') client.type.children = client.type.children.filter((c) => c.name !== 'Relaties');
    expect(structureDiff(base, missing)[0]).toMatch(/^Bericht\/Client: children/);
  });
});
