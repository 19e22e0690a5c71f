/**
 * iJw/iWmo bericht XML ⇄ clean JSON through the codec and the mapping files in
 * mappings/istandaarden/, for every standaard × heenbericht:
 * - the XML fixture reads to exactly the JSON fixture (both written by hand, independently);
 * - JSON fixture → XML → JSON gives the fixture back, and the XML is the fixture's structure;
 * - XML fixture → JSON → XML → JSON is stable;
 * - every XML fixture and every generated XML passes the XSD;
 * - the JSON fixtures pass their JSON Schema, whose x-knooppunt-subjects find the BSNs.
 * Plus: every optional element (maximal payloads), credit lines, up to three retourcodes, the
 * codec's header and namespace handling, and clear errors.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadMappings, MappingRunError, type CompiledMapping } from '../../../src/mapping/index.js';
import {
  basisschemaNamespace,
  BERICHTSOORTEN,
  berichtNamespace,
  HEENBERICHTEN,
  NEUTRAAL,
  STANDAARDEN,
  type BerichtNummer,
  type Standaard,
} from '../../../src/standards/istandaarden/catalog.js';
import { BerichtHeaderError, berichtNaarJson, jsonNaarBericht, mappingNaam, naarNeutraal, readHeader, uitNeutraal, type BerichtHeader } from '../../../src/standards/istandaarden/codec.js';
import { XsdValidators } from '../../../src/standards/istandaarden/schema/validator.js';
import { isValidBsn } from '../../../src/standards/common/bsn.js';
import { JsonMessageTypes } from '../../../src/standards/json/message-types.js';
import { projectRoot } from '../../../src/util/paths.js';
import { parseXml, type XmlElement } from '../../../src/xml/parse.js';

type Json = Record<string, unknown>;

const ROOT = projectRoot();
let mappings: Map<string, CompiledMapping>;
let xsd: XsdValidators;
let jsonTypes: JsonMessageTypes;

beforeAll(async () => {
  mappings = loadMappings(join(ROOT, 'mappings', 'istandaarden'));
  xsd = await XsdValidators.load();
  jsonTypes = new JsonMessageTypes(join(ROOT, 'schemas', 'istandaarden', 'json'));
});

const slug = (nummer: BerichtNummer): string => BERICHTSOORTEN.get(nummer)!.slug;

function xmlFixture(standaard: Standaard, nummer: BerichtNummer): string {
  return readFileSync(join(ROOT, 'fixtures', 'istandaarden', standaard, `${standaard === 'ijw' ? 'jw' : 'wmo'}${nummer}.xml`), 'utf8');
}

function jsonFixture(standaard: Standaard, nummer: BerichtNummer): Json {
  return JSON.parse(readFileSync(join(ROOT, 'fixtures', 'istandaarden', 'json', `${standaard}-${slug(nummer)}.json`), 'utf8')) as Json;
}

/** The tree without the prefixes the writer chose: what a namespace-aware reader sees. */
function structure(el: XmlElement): unknown {
  return { ns: el.ns, name: el.name, attrs: el.attrs, ...(el.children.length ? { children: el.children.map(structure) } : { text: el.text }) };
}

function naarJson(xml: string, standaard: Standaard, nummer: BerichtNummer) {
  return berichtNaarJson(parseXml(xml), standaard, nummer, mappings);
}

function bsnsIn(el: XmlElement, into: Set<string> = new Set()): Set<string> {
  if (el.name === 'Bsn' && el.text) into.add(el.text);
  for (const c of el.children) bsnsIn(c, into);
  return into;
}

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe('the mapping files', () => {
  it('are one per heenbericht and direction, named after their files', () => {
    const expected = HEENBERICHTEN.flatMap((n) => [mappingNaam(n, 'naar-json'), mappingNaam(n, 'uit-json')]).sort();
    expect([...mappings.keys()].sort()).toEqual(expected);
    for (const [name, m] of mappings) {
      expect(m.file.endsWith(`${name}.yaml`)).toBe(true);
      expect([m.sourceFormat, m.targetFormat]).toEqual(name.endsWith('naar-json') ? ['xml', 'json'] : ['json', 'xml']);
    }
  });
});

describe.each(STANDAARDEN.flatMap((standaard) => HEENBERICHTEN.map((nummer) => ({ standaard, nummer }))))('$standaard $nummer', ({ standaard, nummer }) => {
  it('XML fixture: valid against its XSD, reads to exactly the JSON fixture, and XML → JSON → XML → JSON is stable', () => {
    const xml = xmlFixture(standaard, nummer);
    expect(xsd.validate(xml, standaard, nummer)).toEqual([]);

    const eerste = naarJson(xml, standaard, nummer);
    expect(eerste.payload).toEqual(jsonFixture(standaard, nummer));

    const opnieuw = jsonNaarBericht(eerste.payload, eerste.header, standaard, nummer, mappings);
    expect(xsd.validate(opnieuw, standaard, nummer)).toEqual([]);
    // Same elements, namespaces, order and text as the fixture (prefixes aside).
    expect(structure(parseXml(opnieuw))).toEqual(structure(parseXml(xml)));

    const tweede = naarJson(opnieuw, standaard, nummer);
    expect(tweede.payload).toEqual(eerste.payload);
    expect(tweede.header).toEqual(eerste.header);
  });

  it('JSON fixture: valid against its JSON Schema, JSON → XML (valid) → JSON gives the fixture back', () => {
    const payload = jsonFixture(standaard, nummer);
    const type = jsonTypes.get(slug(nummer))!;
    expect(type).toBeDefined();
    expect(jsonTypes.check(type, payload)).toEqual([]);

    const header = readHeader(parseXml(xmlFixture(standaard, nummer)));
    const xml = jsonNaarBericht(clone(payload), header, standaard, nummer, mappings);
    expect(xsd.validate(xml, standaard, nummer)).toEqual([]);

    const terug = naarJson(xml, standaard, nummer);
    expect(terug.payload).toEqual(payload);
    expect(terug.header).toEqual(header);

    // x-knooppunt-subjects point at every BSN in the bericht, and only at valid ones.
    const subjects = jsonTypes.subjects(type, payload);
    expect(new Set(subjects)).toEqual(bsnsIn(parseXml(xml)));
    for (const bsn of subjects) expect(isValidBsn(bsn)).toBe(true);
  });
});

describe('the JSON schemas', () => {
  it('carry the JSON fixtures of both standaarden as their examples', () => {
    for (const nummer of HEENBERICHTEN) {
      const type = jsonTypes.get(slug(nummer))!;
      expect(type.schema.examples).toEqual([jsonFixture('iwmo', nummer), jsonFixture('ijw', nummer)]);
      expect(type.schema.additionalProperties).toBe(false);
    }
  });

  it('refuse what the XML could not carry', () => {
    const type = jsonTypes.get('toewijzing')!;
    const payload = jsonFixture('iwmo', '301');
    const bad = clone(payload) as { client: { bsn: string; toegewezenProducten: Array<Record<string, unknown>> }; extra?: boolean };
    bad.client.bsn = '999993654'; // fails the elfproef
    bad.client.toegewezenProducten[0]!.budget = 12.5;
    bad.extra = true;
    const pointers = jsonTypes.check(type, bad).map((p) => p.pointer);
    expect(pointers).toEqual(expect.arrayContaining(['/client/bsn', '/client/toegewezenProducten/0/budget', '/']));
  });
});

// ---------------------------------------------------------------------------------------------
// Every optional element, credit lines, several retourcodes

function header(standaard: Standaard, nummer: BerichtNummer): BerichtHeader {
  return readHeader(parseXml(xmlFixture(standaard, nummer)));
}

const naamVol = { achternaam: 'Nijhuis', voorvoegsel: 'te', partnernaam: { achternaam: 'Kamphuis', voorvoegsel: 'van' }, voornamen: 'Hendrika Maria', voorletters: 'HM', naamGebruik: '4' };
const verwijzer = { type: '02', zorgverlenerCode: '01123456', naam: 'Dijkstra' };

/** Payloads with every optional field the contract knows (iJw-only Verwijzer only for ijw). */
function maximaal(standaard: Standaard, nummer: BerichtNummer): Json {
  const ijw = standaard === 'ijw';
  const client = { bsn: '999991917', geboortedatum: '1948-11-01', geboortedatumGebruik: '1', geslacht: '2', naam: naamVol };
  switch (nummer) {
    case '301':
      return {
        client: {
          ...client,
          commentaar: 'Contact via de dochter.',
          toegewezenProducten: [
            {
              toewijzingNummer: '41000021', referentieAanbieder: 'VT20260112', product: { categorie: '02', code: '02A01' },
              toewijzingsdatum: '2026-11-20', toewijzingstijd: '09:00:00', ingangsdatum: '2026-12-01', einddatum: '2026-12-31', redenWijziging: '04',
              omvang: { volume: 4, eenheid: '04', frequentie: '2' }, ...(ijw ? { verwijzer } : {}), commentaar: 'Verlengd na herbeoordeling.',
            },
            { toewijzingNummer: '41000023', product: { categorie: '02' }, toewijzingsdatum: '2026-11-20', toewijzingstijd: '09:00:00', ingangsdatum: '2026-12-01', budget: 150000 },
          ],
        },
      };
    case '305':
    case '307': {
      const stop = nummer === '307';
      const regel = {
        toewijzingNummer: '41000021', product: { categorie: '02', code: '02A01' }, toewijzingIngangsdatum: '2026-10-01', begindatum: '2026-10-01',
        ...(stop ? { redenBeeindiging: '19', einddatum: '2026-11-13' } : {}), statusAanlevering: '3',
      };
      return { client: { ...client, [stop ? 'stopProducten' : 'startProducten']: [regel, { ...regel, toewijzingNummer: '41000022', product: { categorie: '01' } }] } };
    }
    case '315':
      return {
        client: {
          ...client,
          commentaar: 'Aangemeld door de wijkverpleging.',
          aangevraagdeProducten: [
            {
              referentieAanbieder: 'VT20260201', product: { categorie: '02', code: '02A01' }, toewijzingIngangsdatum: '2026-12-01', toewijzingEinddatum: '2026-12-31',
              omvang: { volume: 4, eenheid: '04', frequentie: '2' }, ...(ijw ? { verwijzer } : {}), commentaar: 'Individuele begeleiding.',
            },
            { referentieAanbieder: 'VT20260202', product: { categorie: '07' }, toewijzingIngangsdatum: '2026-12-01', budget: 90000 },
          ],
        },
      };
    case '317':
      return {
        client: {
          bsn: '999991917',
          verzoek: {
            referentieAanbieder: 'VW20260301', redenVerzoek: '02', commentaar: 'Zorgplan aangepast.',
            ongewijzigdeProducten: [{ toewijzingNummer: '41000021' }, { toewijzingNummer: '41000022' }],
            teWijzigenProducten: [
              { toewijzingNummer: '41000023', gewensteIngangsdatum: '2026-12-01', einddatum: '2026-12-31', omvang: { volume: 6, eenheid: '04', frequentie: '2' } },
              { toewijzingNummer: '41000024', gewensteIngangsdatum: '2026-12-01', budget: 50000 },
            ],
            nieuweProducten: [{ product: { categorie: '02', code: '02A01' }, gewensteIngangsdatum: '2026-12-01', einddatum: '2026-12-31', omvang: { volume: 2, eenheid: '04', frequentie: '2' } }],
          },
        },
      };
    case '319':
      return { antwoord: { referentieAanbieder: 'VW20260301', verzoekAntwoord: '1', redenAfwijzingVerzoek: '03', commentaar: 'Geen contract voor dit product.' } };
    case '323':
      return {
        declaratie: {
          declaratieNummer: 'DEC-2026-11-002',
          declaratiePeriode: { begindatum: '2026-11-01', einddatum: '2026-11-30' },
          // 6540 * 10 debet, minus the credit of an earlier line of 6540 * 12: 65400 - 78480 = -13080 → 13080 C
          totaalBedrag: { bedrag: 13080, debetCredit: 'C' },
          clienten: [
            {
              bsn: '999991917',
              prestaties: [
                {
                  productReferentie: { referentieNummer: 'W2611000101' }, toewijzingNummer: '41000021', product: { categorie: '02', code: '02A01' },
                  productPeriode: { begindatum: '2026-11-01', einddatum: '2026-11-30' }, geleverdVolume: 10, eenheid: '04', productTarief: 6540,
                  ingediendBedrag: { bedrag: 65400, debetCredit: 'D' },
                },
                {
                  productReferentie: { referentieNummer: 'W2611000102', vorigReferentieNummer: 'W2610003101' }, toewijzingNummer: '41000021',
                  product: { categorie: '02' }, productPeriode: { begindatum: '2026-10-01', einddatum: '2026-10-31' }, geleverdVolume: 12, eenheid: '04',
                  productTarief: 6540, ingediendBedrag: { bedrag: 78480, debetCredit: 'C' },
                },
              ],
            },
          ],
        },
      };
    case '325':
      return {
        declaratieIdentificatie: { identificatie: 'DC261201001', dagtekening: '2026-11-20' },
        xsltVersie: '1.2.0',
        xsdVersieDeclaratie: { basisschema: '1.0.0', bericht: '1.0.1' },
        retourCodes: [{ code: '0200' }, { code: '8001' }, { code: '9999' }],
        declaratieAntwoord: {
          declaratieNummer: 'DEC-2026-11-002',
          totaalIngediendBedrag: { bedrag: 65400, debetCredit: 'D' },
          totaalToegekendBedrag: { bedrag: 0, debetCredit: 'D' },
          clienten: [
            {
              bsn: '999991917',
              prestaties: [
                {
                  productReferentie: { referentieNummer: 'W2611000101', vorigReferentieNummer: 'W2610003101' }, toewijzingNummer: '41000021',
                  product: { categorie: '02', code: '02A01' }, productPeriode: { begindatum: '2026-11-01', einddatum: '2026-11-30' }, geleverdVolume: 10,
                  eenheid: '04', productTarief: 6540, ingediendBedrag: { bedrag: 65400, debetCredit: 'D' },
                  retourCodes: [{ code: '9338' }, { code: '9307' }, { code: '9308' }],
                },
              ],
              retourCodes: [{ code: '0200' }, { code: '0233' }],
            },
          ],
          retourCodes: [{ code: '0200' }, { code: '8001' }],
        },
      };
    default:
      throw new Error(`no maximal payload for ${nummer}`);
  }
}

describe.each(STANDAARDEN.flatMap((standaard) => HEENBERICHTEN.map((nummer) => ({ standaard, nummer }))))('$standaard $nummer, every optional element', ({ standaard, nummer }) => {
  it('JSON → XML (valid) → JSON gives the payload back', () => {
    const payload = maximaal(standaard, nummer);
    expect(jsonTypes.check(jsonTypes.get(slug(nummer))!, payload)).toEqual([]);
    const xml = jsonNaarBericht(clone(payload), header(standaard, nummer), standaard, nummer, mappings);
    expect(xsd.validate(xml, standaard, nummer)).toEqual([]);
    expect(naarJson(xml, standaard, nummer).payload).toEqual(payload);
  });
});

describe('special cases', () => {
  it('a 325 that grants everything has no Clienten', () => {
    const payload = clone(jsonFixture('ijw', '325')) as { declaratieAntwoord: Json };
    delete payload.declaratieAntwoord.clienten;
    payload.declaratieAntwoord.totaalToegekendBedrag = { bedrag: 179600, debetCredit: 'D' };
    const xml = jsonNaarBericht(payload, header('ijw', '325'), 'ijw', '325', mappings);
    expect(xsd.validate(xml, 'ijw', '325')).toEqual([]);
    expect(xml).not.toContain('Clienten');
    expect(naarJson(xml, 'ijw', '325').payload).toEqual(payload);
  });

  it('writes the 325 Header fields of its own after the common ones, in the order of the standard', () => {
    const xml = jsonNaarBericht(jsonFixture('iwmo', '325'), header('iwmo', '325'), 'iwmo', '325', mappings);
    const kop = parseXml(xml).children[0]!;
    expect(kop.children.map((c) => c.name)).toEqual([
      'BerichtCode', 'BerichtVersie', 'BerichtSubversie', 'Afzender', 'Ontvanger', 'BerichtIdentificatie', 'XsdVersie',
      'DeclaratieIdentificatie', 'XsltVersie', 'XsdVersieDeclaratie', 'RetourCodes',
    ]);
  });

  it('reads a bericht whatever prefixes the sender chose (here: a default namespace)', () => {
    const xml = xmlFixture('iwmo', '301').replace(/wmo301:/g, '').replace('xmlns:wmo301=', 'xmlns=');
    expect(xml).toContain('<Bericht xmlns="http://www.istandaarden.nl/iwmo/3_2/wmo301/schema"');
    expect(naarJson(xml, 'iwmo', '301').payload).toEqual(jsonFixture('iwmo', '301'));
  });

  it('a Verwijzer in an iWmo payload is written but refused by the iWmo XSD (Verwijzer is iJw only)', () => {
    const payload = clone(jsonFixture('iwmo', '301')) as { client: { toegewezenProducten: Json[] } };
    payload.client.toegewezenProducten[0]!.verwijzer = { type: '01' };
    const xml = jsonNaarBericht(payload, header('iwmo', '301'), 'iwmo', '301', mappings);
    expect(xsd.validate(xml, 'iwmo', '301').map((i) => i.message).join(' ')).toContain('Verwijzer');
  });
});

// ---------------------------------------------------------------------------------------------
// The codec itself

describe('codec', () => {
  it('readHeader reads the common Header of any bericht, real or neutral namespaces', () => {
    const root = parseXml(xmlFixture('ijw', '323'));
    const verwacht: BerichtHeader = {
      berichtCode: 490, versie: 3, subversie: 2, afzender: '12345678', ontvanger: '0153', identificatie: 'DC261105001', dagtekening: '2026-11-05',
      xsdVersie: { basisschema: '1.0.0', bericht: '1.0.0' },
    };
    expect(readHeader(root)).toEqual(verwacht);
    expect(readHeader(naarNeutraal(root, 'ijw'))).toEqual(verwacht);
  });

  it('readHeader throws a BerichtHeaderError naming what is missing, never a value', () => {
    const xml = xmlFixture('iwmo', '305');
    const fout = (text: string) => {
      try {
        readHeader(parseXml(text));
      } catch (err) {
        expect(err).toBeInstanceOf(BerichtHeaderError);
        return (err as Error).message;
      }
      throw new Error('no error');
    };
    expect(fout(xml.replace(/<wmo305:Header>[\s\S]*<\/wmo305:Header>/, ''))).toMatch(/Header element is missing/);
    expect(fout(xml.replace(/<wmo305:Ontvanger>0164<\/wmo305:Ontvanger>/, ''))).toMatch(/Header\/Ontvanger is missing/);
    expect(fout(xml.replace('<iwmo:Dagtekening>2026-10-02</iwmo:Dagtekening>', ''))).toMatch(/Header\/BerichtIdentificatie\/Dagtekening is missing/);
    expect(fout(xml.replace('<wmo305:BerichtCode>418</wmo305:BerichtCode>', '<wmo305:BerichtCode>4x8</wmo305:BerichtCode>'))).toMatch(/BerichtCode is not a whole number/);
    expect(fout(xml.replace('<wmo305:Afzender>12345678</wmo305:Afzender>', '<wmo305:Afzender> </wmo305:Afzender>'))).toMatch(/Afzender is empty/);
    expect(fout(xml.replace(/<wmo305:XsdVersie>[\s\S]*<\/wmo305:XsdVersie>/, ''))).not.toContain('12345678');
  });

  it('naarNeutraal and uitNeutraal rename the namespaces of the whole tree and nothing else', () => {
    const root = parseXml(xmlFixture('ijw', '301'));
    const snapshot = JSON.stringify(root);
    const neutraal = naarNeutraal(root, 'ijw');
    expect(JSON.stringify(root)).toBe(snapshot); // the input is not modified
    const namespaces = new Set<string>();
    const walk = (el: XmlElement) => {
      namespaces.add(`${el.prefix}=${el.ns}`);
      el.children.forEach(walk);
    };
    walk(neutraal);
    expect([...namespaces].sort()).toEqual([`b=${NEUTRAAL.bericht}`, `i=${NEUTRAAL.basisschema}`]);
    const terug = uitNeutraal(neutraal, 'ijw', '301');
    expect(terug).toEqual(root);
    expect(() => naarNeutraal(root, 'iwmo')).toThrow(/iwmo/);
  });

  it('jsonNaarBericht writes a complete document: declaration, real namespaces with the conventional prefixes, Header first', () => {
    const xml = jsonNaarBericht(jsonFixture('iwmo', '301'), header('iwmo', '301'), 'iwmo', '301', mappings);
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<wmo301:Bericht')).toBe(true);
    expect(xml).toContain(`xmlns:wmo301="${berichtNamespace('iwmo', '301')}"`);
    expect(xml).toContain(`xmlns:iwmo="${basisschemaNamespace('iwmo')}"`);
    expect(xml).not.toContain('urn:knooppunt');
    const root = parseXml(xml);
    expect(root.children.map((c) => c.name)).toEqual(['Header', 'Client']);
    expect(root.children[0]!.children.find((c) => c.name === 'BerichtIdentificatie')!.children.map((c) => c.ns)).toEqual([
      basisschemaNamespace('iwmo'),
      basisschemaNamespace('iwmo'),
    ]);
  });

  it('berichtNaarJson refuses another bericht than announced', () => {
    const root = parseXml(xmlFixture('iwmo', '305'));
    expect(() => berichtNaarJson(root, 'iwmo', '307', mappings)).toThrow(/WMO307/);
    expect(() => berichtNaarJson(root, 'ijw', '305', mappings)).toThrow(/JW305/);
  });

  it('a payload the mapping cannot write gives a MappingRunError naming the field, not the value', () => {
    const payload = clone(jsonFixture('ijw', '301')) as { client: Json };
    delete payload.client.geboortedatum;
    expect(() => jsonNaarBericht(payload, header('ijw', '301'), 'ijw', '301', mappings)).toThrow(MappingRunError);
    expect(() => jsonNaarBericht(payload, header('ijw', '301'), 'ijw', '301', mappings)).toThrow(/istandaarden-301-uit-json.*b:Client\.b:Geboortedatum\.i:Datum.*required/);

    const datum = clone(jsonFixture('ijw', '305')) as { client: { startProducten: Json[] } };
    datum.client.startProducten[0]!.begindatum = '2026-02-30';
    let message = '';
    try {
      jsonNaarBericht(datum, header('ijw', '305'), 'ijw', '305', mappings);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/b:Client\.b:StartProducten\.b:StartProduct\[0\]\.b:Begindatum/);
    expect(message).not.toContain('2026-02-30');
  });

  it('a missing mapping is named', () => {
    const zonder = new Map([...mappings].filter(([name]) => name !== 'istandaarden-319-naar-json'));
    expect(() => berichtNaarJson(parseXml(xmlFixture('ijw', '319')), 'ijw', '319', zonder)).toThrow(/istandaarden-319-naar-json/);
  });
});
