/**
 * Everything knooppunt emits and every fixture it ships, validated against the OFFICIAL iJw 3.2 /
 * iWmo 3.2 XSDs (../shared/istandaarden-official): every bericht built from JSON with all optional
 * elements and with only the mandatory ones, the retourbericht of every fixture, the rejecting 325
 * of every rejected 323 fixture, and the fixtures themselves (the invalid ones refused only where
 * their manifest says the XSD refuses them).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BERICHTSOORTEN, parseBerichtNamespace, RETOURBERICHTEN, STANDAARDEN, type BerichtNummer, type Standaard } from '../../src/standards/istandaarden/catalog.js';
import { jsonNaarBericht } from '../../src/standards/istandaarden/codec.js';
import type { BerichtHeader } from '../../src/standards/istandaarden/header.js';
import { bouwDeclaratieAntwoord, bouwRetour } from '../../src/standards/istandaarden/retour.js';
import { XsdValidators } from '../../src/standards/istandaarden/schema/validator.js';
import { projectRoot } from '../../src/util/paths.js';
import { parseXml } from '../../src/xml/parse.js';
import { beoordeelEntry, MANIFEST } from '../helpers/istandaarden-rules.js';
import { describeOfficial, officialDir, officialPresent } from '../helpers/istandaarden-official.js';
import { voorbeeldPayload } from '../helpers/istandaarden-voorbeeld.js';

let official: XsdValidators;
beforeAll(async () => {
  if (officialPresent) official = await XsdValidators.loadOfficial(officialDir());
});
afterAll(() => official?.dispose());

const META = { identificatie: 'RET0001', dagtekening: '2026-11-20' };

function kop(standaard: Standaard, nummer: BerichtNummer): BerichtHeader {
  const soort = BERICHTSOORTEN.get(nummer)!;
  const heen = RETOURBERICHTEN.includes(nummer) ? BERICHTSOORTEN.get(soort.heen!)! : soort;
  const vanGemeente = heen.richting === 'gemeente-naar-aanbieder';
  return { berichtCode: soort.berichtCode[standaard], versie: 3, subversie: 2, afzender: vanGemeente ? '0153' : '12345678', ontvanger: vanGemeente ? '12345678' : '0153', identificatie: 'KP0001', dagtekening: '2026-01-20', xsdVersie: { basisschema: '1.0.0', bericht: '1.0.0' } };
}

function fixtureFiles(): Array<{ file: string; xml: string }> {
  const root = join(projectRoot(), 'fixtures', 'istandaarden');
  return ['ijw', 'iwmo', 'xsd', 'invalid'].flatMap((d) => readdirSync(join(root, d)).filter((f) => f.endsWith('.xml')).map((f) => ({ file: `${d}/${f}`, xml: readFileSync(join(root, d, f), 'utf8') })));
}

describeOfficial('what knooppunt emits, against the official XSDs', () => {
  const alle = STANDAARDEN.flatMap((standaard) => [...BERICHTSOORTEN.keys()].flatMap((nummer) => (['vol', 'kaal'] as const).map((vulling) => ({ standaard, nummer, vulling }))));
  it.each(alle)('$standaard $nummer built from JSON ($vulling) is valid', ({ standaard, nummer, vulling }) => {
    const xml = jsonNaarBericht(voorbeeldPayload(nummer, standaard, vulling), kop(standaard, nummer), standaard, nummer);
    expect(official.validate(xml, standaard, nummer)).toEqual([]);
  });

  it.each(fixtureFiles().map((f) => [f.file, f] as const))('fixture %s', (file, f) => {
    const ns = parseBerichtNamespace(parseXml(f.xml).ns)!;
    const issues = official.validate(f.xml, ns.standaard, ns.nummer as BerichtNummer);
    const entry = MANIFEST.find((m) => `invalid/${m.file}` === file);
    if (entry?.xsdOngeldig) expect(issues.map((i) => i.message)).toEqual([expect.stringMatching(new RegExp(`^${entry.xsdOngeldig}: value is not one of the allowed values`))]);
    else expect(issues).toEqual([]);
  });

  it.each(MANIFEST.filter((m) => !m.xsdOngeldig).map((m) => [m.file, m] as const))('the answer to %s is valid', async (_file, entry) => {
    const { root, b } = await beoordeelEntry(entry);
    if (entry.nummer === '323') {
      if (!b.afgekeurd) return;
      expect(official.validate(bouwDeclaratieAntwoord(root, entry.standaard, b, META), entry.standaard, '325')).toEqual([]);
      return;
    }
    const retour = BERICHTSOORTEN.get(entry.nummer)!.retour;
    if (!retour) return;
    expect(official.validate(bouwRetour(root, entry.standaard, entry.nummer, b, META), entry.standaard, retour)).toEqual([]);
  });
});
