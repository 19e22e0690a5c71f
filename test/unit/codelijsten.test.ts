/**
 * The code lists as data files (codelijsten/): the default folder loads and agrees with
 * itself, a malformed or inconsistent file is refused naming the file and the entry, another
 * folder (KNOOPPUNT_CODELIJSTEN_DIR) changes what the XSDs and rules accept without a release,
 * and TR378 judges a gemeentecode by the date it was in force (real herindelingen of 2022/2023).
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CodelijstFout,
  codelijsten,
  codelijstenMap,
  gebruikCodelijsten,
  leesCodelijsten,
  type Codelijsten,
} from '../../src/codelijsten/index.js';
import { readEnv } from '../../src/config/env.js';
import { controleerIstandaardenCodelijsten } from '../../src/standards/istandaarden/codelijsten-check.js';
import { codelijstVoor, gemeenteGeldigOp } from '../../src/standards/istandaarden/codelists.js';
import { MemoryRegister } from '../../src/standards/istandaarden/register.js';
import { beoordeel } from '../../src/standards/istandaarden/rules/index.js';
import { generateBasisschema } from '../../src/standards/istandaarden/schema/generate-xsd.js';
import { XsdValidators } from '../../src/standards/istandaarden/schema/validator.js';
import { waardenlijst } from '../../src/standards/istandaarden/schema/waardenlijsten.js';
import { istandaardenJsonTypes } from '../../src/standards/istandaarden/json-types.js';
import { parseXml } from '../../src/xml/parse.js';
import { projectRoot } from '../../src/util/paths.js';
import { MANIFEST, VANDAAG, xmlVan } from '../helpers/istandaarden-rules.js';

const STANDAARD = join(projectRoot(), 'codelijsten');
const standaardLijsten = leesCodelijsten(STANDAARD);

/** A copy of the default folder with one file changed by `wijzig` (on the parsed JSON). */
function kopie(bestand: 'gemeentecodes.json' | 'istandaarden.json', wijzig: (doc: Record<string, any>) => void): string {
  const map = mkdtempSync(join(tmpdir(), 'codelijsten-'));
  cpSync(STANDAARD, map, { recursive: true });
  const doc = JSON.parse(readFileSync(join(map, bestand), 'utf8')) as Record<string, any>;
  wijzig(doc);
  writeFileSync(join(map, bestand), JSON.stringify(doc));
  return map;
}

/** Reads and checks a folder as the gateway does at start. */
function laad(map: string): Codelijsten {
  const c = leesCodelijsten(map);
  controleerIstandaardenCodelijsten(c);
  return c;
}

const mappen: string[] = [];
afterEach(() => {
  gebruikCodelijsten(standaardLijsten);
  for (const m of mappen.splice(0)) rmSync(m, { recursive: true, force: true });
});

describe('the default code lists', () => {
  it('are found by default and pass every check', () => {
    expect(codelijstenMap({})).toBe(STANDAARD);
    expect(readEnv({}).codelijstenDir).toBe(STANDAARD);
    expect(() => laad(STANDAARD)).not.toThrow();
    expect(codelijsten().map).toBe(STANDAARD);
  });

  it('carry the herindelingen with validity dates: Heerhugowaard and Langedijk became Dijk en Waard on 2023-01-01', () => {
    expect(gemeenteGeldigOp('0398', '2022-12-31')).toBe(true);
    expect(gemeenteGeldigOp('0398', '2023-01-01')).toBe(false);
    expect(gemeenteGeldigOp('1980', '2022-12-31')).toBe(false);
    expect(gemeenteGeldigOp('1980', '2023-01-01')).toBe(true);
    // Weesp joined Amsterdam in the course of 2022.
    expect(gemeenteGeldigOp('0457', '2022-03-23')).toBe(true);
    expect(gemeenteGeldigOp('0457', '2022-03-24')).toBe(false);
    expect(gemeenteGeldigOp('0363', '2022-03-24')).toBe(true);
    const h = codelijsten().gemeentecodes.herindelingen.find((x) => x.naar.includes('1980'))!;
    expect(h).toMatchObject({ datum: '2023-01-01', opgeheven: ['0398', '0416'] });
  });
});

describe('a code-list folder that cannot be used', () => {
  const gevallen: Array<[string, 'gemeentecodes.json' | 'istandaarden.json', (d: Record<string, any>) => void, RegExp]> = [
    ['a gemeentecode that is not four digits', 'gemeentecodes.json', (d) => (d.gemeenten[2].code = '14'), /gemeentecodes\.json at gemeenten\[2\]\.code: must be a CBS gemeentecode of four digits/],
    ['a gemeentecode listed twice', 'gemeentecodes.json', (d) => d.gemeenten.push({ code: '0153', naam: 'Enschede' }), /gemeenten\[\d+\]\.code: gemeentecode 0153 occurs twice/],
    ['a date that does not exist', 'gemeentecodes.json', (d) => (d.gemeenten[0].geldigTot = '2021-02-30'), /gemeenten\[0\]\.geldigTot: must be a date YYYY-MM-DD/],
    ['a code that ends without a herindeling', 'gemeentecodes.json', (d) => (d.gemeenten.find((g: { code: string }) => g.code === '0153').geldigTot = '2027-01-01'), /gemeente 0153 ends without a herindeling/],
    ['a herindeling whose date differs from the end of the code', 'gemeentecodes.json', (d) => (d.herindelingen[6].datum = '2023-02-01'), /herindelingen\[6\]\.opgeheven: gemeente 0398 must have geldigTot 2023-02-01/],
    ['a herindeling to a code not in force', 'gemeentecodes.json', (d) => (d.herindelingen[6].naar = ['0416']), /herindelingen\[6\]\.naar: gemeente 0416 cannot take over its own area|gemeente 0416 is not in force/],
    ['an unknown field', 'gemeentecodes.json', (d) => (d.gemeenten[0].geldig_tot = '2021-01-01'), /gemeenten\[0\]\.geldig_tot: unknown field/],
    ['a waardenlijst value too long for its type', 'istandaarden.json', (d) => d.waardenlijsten.LDT_Eenheid.push('101'), /istandaarden\.json at waardenlijsten\.LDT_Eenheid: value 101 is longer than the 2 positions/],
    ['a coded type without waardenlijst', 'istandaarden.json', (d) => delete d.waardenlijsten.LDT_Geslacht, /waardenlijsten\.LDT_Geslacht: is missing/],
    ['a waardenlijst for a type that has none', 'istandaarden.json', (d) => (d.waardenlijsten.LDT_Postcode = ['1234AB']), /waardenlijsten\.LDT_Postcode: is not a coded basisschema type/],
    ['a code the XSD would refuse', 'istandaarden.json', (d) => d.codelijsten.WJ756.codes.push({ code: '99', betekenis: 'Onbekend' }), /codelijsten\.WJ756: code 99 \(for Eenheid in ijw\) is not in waardenlijsten\.LDT_Eenheid/],
    ['an element without code list', 'istandaarden.json', (d) => delete d.elementen.iwmo.Frequentie, /elementen\.iwmo: has no code list for Frequentie/],
    ['an element naming a list that does not exist', 'istandaarden.json', (d) => (d.elementen.ijw.Eenheid = 'WJ999'), /elementen\.ijw\.Eenheid: code list WJ999 is not in codelijsten/],
    ['a value listed twice', 'istandaarden.json', (d) => d.waardenlijsten.LDT_JaNee.push('1'), /waardenlijsten\.LDT_JaNee: value 1 occurs twice/],
  ];

  it.each(gevallen)('is refused for %s, naming the file and the entry', (_naam, bestand, wijzig, melding) => {
    const map = kopie(bestand, wijzig);
    mappen.push(map);
    expect(() => laad(map)).toThrow(CodelijstFout);
    expect(() => laad(map)).toThrow(melding);
    expect(() => laad(map)).toThrow(join(map, bestand));
  });

  it('is refused when a file is missing or not JSON', () => {
    const map = mkdtempSync(join(tmpdir(), 'codelijsten-'));
    mappen.push(map);
    expect(() => laad(map)).toThrow(/gemeentecodes\.json: cannot be read \(ENOENT\)/);
    cpSync(STANDAARD, map, { recursive: true });
    writeFileSync(join(map, 'istandaarden.json'), '{"waardenlijsten": ');
    expect(() => laad(map)).toThrow(/istandaarden\.json: is not valid JSON/);
  });
});

describe('another code-list folder', () => {
  it('is named by KNOOPPUNT_CODELIJSTEN_DIR', () => {
    expect(codelijstenMap({ KNOOPPUNT_CODELIJSTEN_DIR: '/srv/codelijsten-2027' })).toBe('/srv/codelijsten-2027');
    expect(readEnv({ KNOOPPUNT_CODELIJSTEN_DIR: '/srv/codelijsten-2027' }).codelijstenDir).toBe('/srv/codelijsten-2027');
  });

  it('changes what the XSD and the rules accept, without a code change', async () => {
    // A new Eenheid in the lists (as a yearly release could add): the generated XSD and KP-002 take it.
    const map = kopie('istandaarden.json', (d) => {
      d.waardenlijsten.LDT_Eenheid.push('85');
      d.codelijsten.WJ756.codes.push({ code: '85', betekenis: 'Nieuwe eenheid' });
    });
    mappen.push(map);
    const voor = XsdValidators.fromModel();
    gebruikCodelijsten(laad(map));
    expect(waardenlijst('LDT_Eenheid', 'ijw')).toContain('85');
    expect(codelijstVoor('iwmo', 'Eenheid').codes.get('85')).toBe('Nieuwe eenheid');
    expect(generateBasisschema('ijw')).toContain('<xs:enumeration value="85"/>');
    const na = XsdValidators.fromModel();
    const entry = MANIFEST.find((m) => m.file === 'TR056-identificatie-niet-uniek-jw301.xml')!;
    const xml = xmlVan(entry).replace(/<ijw:Eenheid>\d+</, '<ijw:Eenheid>85<');
    expect(xml).toContain('<ijw:Eenheid>85<');
    try {
      expect(voor.validate(xml, 'ijw', '301').map((i) => i.message).join()).toMatch(/Eenheid/);
      expect(na.validate(xml, 'ijw', '301')).toEqual([]);
      // The back-office JSON too: its JSON Schema is generated with the lists in use.
      const toewijzing = JSON.parse(readFileSync(join(projectRoot(), 'fixtures', 'istandaarden', 'json', 'ijw-toewijzing.json'), 'utf8')) as { client: { toegewezenProducten: Array<{ omvang?: { eenheid: string } }> } };
      toewijzing.client.toegewezenProducten[0]!.omvang!.eenheid = '85';
      const type = istandaardenJsonTypes().get('toewijzing')!;
      expect(type.validate(toewijzing)).toBe(true);
      gebruikCodelijsten(standaardLijsten);
      expect(istandaardenJsonTypes().get('toewijzing')!.validate(toewijzing)).toBe(false);
    } finally {
      voor.dispose();
      na.dispose();
    }
  });
});

describe('TR378 across a herindeling', () => {
  const basis = MANIFEST.find((m) => m.file === 'TR056-identificatie-niet-uniek-jw307.xml')!;

  /** The valid JW307 fixture sent to gemeente `ontvanger` on `dagtekening`, about a toewijzing starting on `ingang`. */
  async function stop307(ontvanger: string, dagtekening: string, ingang: string) {
    const xml = xmlVan(basis)
      .replace(/<jw307:Ontvanger>[^<]*</, `<jw307:Ontvanger>${ontvanger}<`)
      .replace(/<ijw:Dagtekening>[^<]*</, `<ijw:Dagtekening>${dagtekening}<`)
      .replace(/<jw307:ToewijzingIngangsdatum>[^<]*</, `<jw307:ToewijzingIngangsdatum>${ingang}<`)
      .replace(/<jw307:Begindatum>[^<]*</, `<jw307:Begindatum>${ingang}<`)
      .replace(/<jw307:Einddatum>[^<]*</, `<jw307:Einddatum>${dagtekening}<`);
    const register = new MemoryRegister({
      toewijzingen: [{ ...basis.register!.toewijzingen![0]!, gemeente: ontvanger, ingangsdatum: ingang }],
    });
    const b = await beoordeel(parseXml(xml), 'ijw', '307', { afzenderVerwacht: '87654321', vandaag: VANDAAG, register });
    return { header: b.header, regels: b.bevindingen.map((x) => x.regel), locaties: b.problems.map((p) => p.location) };
  }

  it("accepts Heerhugowaard's code after the herindeling for a toewijzing that started before it", async () => {
    expect(await stop307('0398', '2023-01-20', '2022-09-01')).toEqual({ header: ['0200'], regels: [], locaties: [] });
  });

  it("refuses Heerhugowaard's code for a toewijzing that started after the herindeling, with S300 on the Ontvanger", async () => {
    expect(await stop307('0398', '2023-01-20', '2023-01-02')).toEqual({ header: ['0001', 'S300'], regels: ['TR378'], locaties: ['/Bericht/Header/Ontvanger'] });
  });

  it('accepts Dijk en Waard from its first day, and refuses it for a toewijzing before it existed', async () => {
    expect(await stop307('1980', '2023-01-20', '2023-01-02')).toEqual({ header: ['0200'], regels: [], locaties: [] });
    expect((await stop307('1980', '2022-12-20', '2022-09-01')).regels).toEqual(['TR378']);
  });
});
