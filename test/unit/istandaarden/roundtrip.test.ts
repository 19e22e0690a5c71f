/**
 * iJw/iWmo bericht XML ⇄ JSON through the model-driven codec (json.ts), for every standaard ×
 * heenbericht (fixtures) and for every bericht built with all optional elements and with only the
 * mandatory ones:
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
import {
  basisschemaNamespace,
  BERICHTSOORTEN,
  berichtNamespace,
  HEENBERICHTEN,
  NEUTRAAL,
  RETOURBERICHTEN,
  STANDAARDEN,
  type BerichtNummer,
  type Standaard,
} from '../../../src/standards/istandaarden/catalog.js';
import { jsonNaarBericht, jsonNaarBerichtBoom, naarNeutraal, uitNeutraal } from '../../../src/standards/istandaarden/codec.js';
import { berichtNaarJson } from '../../../src/standards/istandaarden/gemeente-json.js';
import { BerichtHeaderError, readHeader, type BerichtHeader } from '../../../src/standards/istandaarden/header.js';
import { XsdValidators } from '../../../src/standards/istandaarden/schema/validator.js';
import { isValidBsn } from '../../../src/standards/common/bsn.js';
import { JsonMessageTypes } from '../../../src/standards/json/message-types.js';
import { projectRoot } from '../../../src/util/paths.js';
import { BerichtJsonError } from '../../../src/standards/istandaarden/json.js';
import { voorbeeldPayload } from '../../helpers/istandaarden-voorbeeld.js';
import { parseXml, type XmlElement } from '../../../src/xml/parse.js';

type Json = Record<string, unknown>;

const ROOT = projectRoot();
let xsd: XsdValidators;
let jsonTypes: JsonMessageTypes;

beforeAll(async () => {
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
  return berichtNaarJson(parseXml(xml), standaard, nummer);
}

function bsnsIn(el: XmlElement, into: Set<string> = new Set()): Set<string> {
  if (el.name === 'Bsn' && el.text) into.add(el.text);
  for (const c of el.children) bsnsIn(c, into);
  return into;
}

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe.each(STANDAARDEN.flatMap((standaard) => HEENBERICHTEN.map((nummer) => ({ standaard, nummer }))))('$standaard $nummer', ({ standaard, nummer }) => {
  it('XML fixture: valid against its XSD, reads to exactly the JSON fixture, and XML → JSON → XML → JSON is stable', () => {
    const xml = xmlFixture(standaard, nummer);
    expect(xsd.validate(xml, standaard, nummer)).toEqual([]);

    const eerste = naarJson(xml, standaard, nummer);
    expect(eerste.payload).toEqual(jsonFixture(standaard, nummer));

    const opnieuw = jsonNaarBericht(eerste.payload, eerste.header, standaard, nummer);
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
    const xml = jsonNaarBericht(clone(payload), header, standaard, nummer);
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

function header(standaard: Standaard, nummer: BerichtNummer): BerichtHeader {
  return readHeader(parseXml(xmlFixture(standaard, nummer)));
}

/** A header for any bericht, with the Afzender/Ontvanger its XSD types. */
function kop(standaard: Standaard, nummer: BerichtNummer): BerichtHeader {
  const soort = BERICHTSOORTEN.get(nummer)!;
  const heen = soort.heen && RETOURBERICHTEN.includes(nummer) ? BERICHTSOORTEN.get(soort.heen)! : soort;
  const vanGemeente = heen.richting === 'gemeente-naar-aanbieder';
  return {
    berichtCode: soort.berichtCode[standaard], versie: 3, subversie: 2,
    afzender: vanGemeente ? '0153' : '12345678', ontvanger: vanGemeente ? '12345678' : '0153',
    identificatie: 'KP0001', dagtekening: '2026-01-20', xsdVersie: { basisschema: '1.0.0', bericht: '1.0.0' },
  };
}

const ALLE = STANDAARDEN.flatMap((standaard) => [...BERICHTSOORTEN.keys()].flatMap((nummer) => (['vol', 'kaal'] as const).map((vulling) => ({ standaard, nummer, vulling }))));

describe.each(ALLE)('$standaard $nummer built from JSON, $vulling', ({ standaard, nummer, vulling }) => {
  it('validates against its JSON Schema and knooppunt\'s XSD, and JSON → XML → JSON gives the payload back', () => {
    const payload = voorbeeldPayload(nummer, standaard, vulling);
    const type = jsonTypes.get(slug(nummer))!;
    expect(jsonTypes.check(type, payload)).toEqual([]);
    const xml = jsonNaarBericht(clone(payload), kop(standaard, nummer), standaard, nummer);
    expect(xsd.validate(xml, standaard, nummer)).toEqual([]);
    const terug = berichtNaarJson(parseXml(xml), standaard, nummer);
    expect(terug.payload).toEqual(payload);
    expect(terug.header).toEqual(kop(standaard, nummer));
  });

  it('builds the very tree parseXml reads from its XML, so inspection uses it instead of parsing again', () => {
    const { root, xml } = jsonNaarBerichtBoom(clone(voorbeeldPayload(nummer, standaard, vulling)), kop(standaard, nummer), standaard, nummer);
    expect(root).toEqual(parseXml(xml));
  });
});

describe('the JSON schemas', () => {
  it('refuse what the XSD refuses: a key the bericht lacks, a value too long, a code outside its list, a wrong type', () => {
    const type = jsonTypes.get('toewijzing')!;
    const base = voorbeeldPayload('301', 'ijw', 'vol') as { client: Json & { toegewezenProducten: Json[] } };
    const fouten = (mutate: (p: typeof base) => void) => {
      const p = clone(base);
      mutate(p);
      return jsonTypes.check(type, p).map((x) => x.pointer);
    };
    expect(fouten((p) => (p.client.verwijzer = { type: '01' }))).toEqual(['/client']);
    expect(fouten((p) => (p.client.toegewezenProducten[0]!.referentieAanbieder = 'x'.repeat(37)))).toEqual(['/client/toegewezenProducten/0/referentieAanbieder']);
    expect(fouten((p) => (p.client.geslacht = '3'))).toEqual(['/client/geslacht']);
    expect(fouten((p) => (p.client.toegewezenProducten[0]!.toewijzingNummer = 1_000_000_000))).toEqual(['/client/toegewezenProducten/0/toewijzingNummer']);
    expect(fouten((p) => delete p.client.contactgegevens)).toEqual(['/client']);
  });
});


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
    const xml = jsonNaarBericht(jsonFixture('iwmo', '301'), header('iwmo', '301'), 'iwmo', '301');
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
    expect(() => berichtNaarJson(root, 'iwmo', '307')).toThrow(/WMO307/);
    expect(() => berichtNaarJson(root, 'ijw', '305')).toThrow(/JW305/);
  });

  it('a payload key the bericht does not have gives a BerichtJsonError naming the JSON path, not the value', () => {
    const payload = clone(jsonFixture('ijw', '301')) as { client: Json };
    payload.client.verwijzer = { type: '01' };
    expect(() => jsonNaarBericht(payload, header('ijw', '301'), 'ijw', '301')).toThrow(BerichtJsonError);
    expect(() => jsonNaarBericht(payload, header('ijw', '301'), 'ijw', '301')).toThrow(/^\/client\/verwijzer: is not an element of this bericht$/);
    const tekst = clone(jsonFixture('ijw', '305')) as { client: Json };
    tekst.client.bsn = { geheim: '999993653' };
    let message = '';
    try {
      jsonNaarBericht(tekst, header('ijw', '305'), 'ijw', '305');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toBe('/client/bsn: must be a string or a number');
  });
});

describe('XML → JSON when a record is not in the model order', () => {
  it('reads every field all the same (the one-walk reading falls back to looking each field up)', () => {
    for (const standaard of STANDAARDEN) {
      const xml = readFileSync(join(ROOT, 'fixtures', 'istandaarden', standaard, 'jw323.xml'.replace('jw', standaard === 'ijw' ? 'jw' : 'wmo')), 'utf8');
      const root = parseXml(xml);
      const inVolgorde = berichtNaarJson(root, standaard, '323');
      // Each element's children sorted by name, backwards (a stable sort: repeated ones keep their
      // order), so no record is in the model's order. Rebuilt, not changed: the tree is read-only.
      const omgekeerd = (el: XmlElement): XmlElement => ({ ...el, children: el.children.map(omgekeerd).sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0)) });
      expect(berichtNaarJson(omgekeerd(root), standaard, '323')).toEqual(inVolgorde);
      expect(JSON.stringify(berichtNaarJson(omgekeerd(root), standaard, '323'))).toBe(JSON.stringify(inVolgorde));
    }
  });
});
