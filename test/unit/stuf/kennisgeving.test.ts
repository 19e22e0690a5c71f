/**
 * StUF-ZKN kennisgevingen and answers ⇄ the JSON zaak model, through src/standards/stuf/kennisgeving.ts
 * and the mapping files in mappings/stuf/:
 * - each XML fixture reads to exactly its JSON fixture (both written by hand);
 * - JSON fixture → XML gives the fixture's structure back (prefixes aside) and → JSON again the fixture;
 * - StUF:noValue survives both ways, on values, groups and relations;
 * - kennisgevingen that make no StUF sense give a KennisgevingError with a location, never a value;
 * - the JSON fixtures pass their JSON Schema, whose x-knooppunt-subjects find the BSNs;
 * - every XML fixture and every XML written here passes the channel's XSD (StufSchemas).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadMappings, MappingRunError, type CompiledMapping } from '../../../src/mapping/index.js';
import {
  documentNaarLa01Antwoord,
  jsonNaarKennisgeving,
  KENNISGEVING_PREFIXEN,
  KennisgevingError,
  kennisgevingNaarJson,
  la01AntwoordNaarJson,
  STUF_MAPPINGS,
  zaakNaarLa01Antwoord,
  type JsonKennisgeving,
  type JsonZaak,
  type JsonZaakdocument,
  type KennisgevingFoutcode,
  type Operatie,
} from '../../../src/standards/stuf/kennisgeving.js';
import { isValidBsn } from '../../../src/standards/common/bsn.js';
import { JsonMessageTypes } from '../../../src/standards/json/message-types.js';
import { StufSchemas } from '../../../src/standards/stuf/validator.js';
import { projectRoot } from '../../../src/util/paths.js';
import { serializeXml } from '../../../src/xml/build.js';
import { clark, parseXml, type XmlElement } from '../../../src/xml/parse.js';

type Json = Record<string, unknown>;

const ROOT = projectRoot();
const ZKN = 'http://www.egem.nl/StUF/sector/zkn/0310';
const StUF = 'http://www.egem.nl/StUF/StUF0301';
const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
const BSN = '999993653';

let mappings: Map<string, CompiledMapping>;
let jsonTypes: JsonMessageTypes;
let xsd: StufSchemas;

beforeAll(async () => {
  mappings = loadMappings(join(ROOT, 'mappings', 'stuf'));
  jsonTypes = new JsonMessageTypes(join(ROOT, 'schemas', 'stuf', 'json'));
  xsd = await StufSchemas.load();
});

afterAll(() => xsd?.dispose());

const FIXTURES: { naam: string; operatie: Operatie }[] = [
  { naam: 'creeerZaak_ZakLk01', operatie: 'creeerZaak' },
  { naam: 'updateZaak_ZakLk01', operatie: 'updateZaak' },
  { naam: 'actualiseerZaakstatus_ZakLk01', operatie: 'actualiseerZaakstatus' },
  { naam: 'voegZaakdocumentToe_EdcLk01', operatie: 'voegZaakdocumentToe' },
];

const xmlFixture = (naam: string): string => readFileSync(join(ROOT, 'fixtures', 'stuf', `${naam}.xml`), 'utf8');
const jsonFixture = (naam: string): JsonKennisgeving => JSON.parse(readFileSync(join(ROOT, 'fixtures', 'stuf', `${naam}.json`), 'utf8')) as JsonKennisgeving;
const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** The tree without the prefixes the writer chose: what a namespace-aware reader sees. */
function structure(el: XmlElement): unknown {
  return { ns: el.ns, name: el.name, attrs: el.attrs, ...(el.children.length ? { children: el.children.map(structure) } : { text: el.text }) };
}

const serialiseer = (root: XmlElement): string => serializeXml(root, { namespaces: KENNISGEVING_PREFIXEN, pretty: true });

/**
 * Through text, as the channel does: build, serialise, check against the XSD, parse.
 * Mutatiesoort E is in the contract (docs/stuf/zds.md, "Kennisgevingen") but not (yet) in the
 * StUF:Mutatiesoort of the StUF 03.01 schema (schemas/stuf/zds-1.1/stuf0301.xsd): for E that one issue is tolerated.
 */
function naarXml(json: unknown, stuurgegevens: XmlElement): XmlElement {
  const xml = serialiseer(jsonNaarKennisgeving(json, stuurgegevens, mappings));
  const issues = xsd.validate(xml);
  if ((json as Json).mutatiesoort === 'E') expect(issues.filter((i) => !i.element?.endsWith('/parameters/mutatiesoort'))).toEqual([]);
  else expect(issues).toEqual([]);
  return parseXml(xml);
}

/** A La01 around an antwoord, with the least stuurgegevens and parameters the XSD takes. */
function la01(root: 'zakLa01' | 'edcLa01', antwoord: XmlElement): string {
  const el = (ns: string, prefix: string, name: string, inhoud: XmlElement[] | string): XmlElement =>
    typeof inhoud === 'string' ? { ns, prefix, name, attrs: {}, children: [], text: inhoud } : { ns, prefix, name, attrs: {}, children: inhoud };
  const stuurgegevens = el(ZKN, 'ZKN', 'stuurgegevens', [el(StUF, 'StUF', 'berichtcode', 'La01'), el(StUF, 'StUF', 'entiteittype', root === 'zakLa01' ? 'ZAK' : 'EDC')]);
  const parameters = el(ZKN, 'ZKN', 'parameters', [el(StUF, 'StUF', 'indicatorVervolgvraag', 'false')]);
  return serialiseer(el(ZKN, 'ZKN', root, [stuurgegevens, parameters, antwoord]));
}

const stuurgegevensVan = (root: XmlElement): XmlElement => root.children.find((c) => c.ns === ZKN && c.name === 'stuurgegevens')!;

const kind = (el: XmlElement, name: string, ns = ZKN): XmlElement | undefined => el.children.find((c) => c.ns === ns && c.name === name);
const objecten = (root: XmlElement): XmlElement[] => root.children.filter((c) => c.ns === ZKN && c.name === 'object');
const attr = (el: XmlElement | undefined, name: string, ns = StUF): string | undefined => el?.attrs[clark(ns, name)];

function bsnsIn(el: XmlElement, into: Set<string> = new Set()): Set<string> {
  if (el.name === 'inp.bsn' && el.text) into.add(el.text);
  for (const c of el.children) bsnsIn(c, into);
  return into;
}

/** The error `fn` throws; fails the test when it throws nothing. */
function fout(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error');
}

function kennisgevingFout(fn: () => unknown, code: KennisgevingFoutcode, locatie: string): KennisgevingError {
  const err = fout(fn);
  expect(err).toBeInstanceOf(KennisgevingError);
  const k = err as KennisgevingError;
  expect({ code: k.code, locatie: k.locatie }).toEqual({ code, locatie });
  expect(k.message.startsWith(`${locatie}: `)).toBe(true);
  expect(k.message).not.toContain(BSN);
  return k;
}

/** Parse a fixture after a textual change, so each wrong kennisgeving is one visible edit. */
function gewijzigd(naam: string, ...vervang: [string | RegExp, string][]): XmlElement {
  let xml = xmlFixture(naam);
  for (const [van, naar] of vervang) {
    const na = xml.replace(van, naar);
    expect(na).not.toBe(xml); // the edit must hit
    xml = na;
  }
  return parseXml(xml);
}

describe('the mapping files', () => {
  it('are the four StUF mappings, named after their files, in the right directions', () => {
    for (const naam of Object.values(STUF_MAPPINGS)) {
      const m = mappings.get(naam)!;
      expect(m).toBeDefined();
      expect(m.file.endsWith(`${naam}.yaml`)).toBe(true);
      expect([m.sourceFormat, m.targetFormat]).toEqual(naam.endsWith('naar-json') ? ['xml', 'json'] : ['json', 'xml']);
    }
  });
});

describe.each(FIXTURES)('$naam', ({ naam, operatie }) => {
  it('XML fixture: valid against the XSD; → exactly the JSON fixture; → XML → JSON is stable', () => {
    expect(xsd.validate(xmlFixture(naam))).toEqual([]);
    const root = parseXml(xmlFixture(naam));
    const eerste = kennisgevingNaarJson(root, operatie, mappings);
    expect(eerste).toEqual(jsonFixture(naam));

    const opnieuw = naarXml(eerste, stuurgegevensVan(root));
    const tweede = kennisgevingNaarJson(opnieuw, operatie, mappings);
    expect(tweede).toEqual(eerste);
  });

  it('JSON fixture → XML: the fixture’s elements, attributes, order and text; → JSON gives the fixture back', () => {
    const fixture = parseXml(xmlFixture(naam));
    const json = jsonFixture(naam);
    const invoer = clone(json);
    const xml = naarXml(invoer, stuurgegevensVan(fixture));
    expect(invoer).toEqual(json); // not modified
    expect(structure(xml)).toEqual(structure(fixture));
    expect(kennisgevingNaarJson(xml, operatie, mappings)).toEqual(json);
  });

  it('JSON fixture: valid against zaak-kennisgeving.schema.json; x-knooppunt-subjects find exactly the BSNs of the XML', () => {
    const type = jsonTypes.get('zaak-kennisgeving')!;
    const json = jsonFixture(naam);
    expect(jsonTypes.check(type, json)).toEqual([]);
    const subjects = jsonTypes.subjects(type, json);
    expect(new Set(subjects)).toEqual(bsnsIn(parseXml(xmlFixture(naam))));
    for (const bsn of subjects) expect(isValidBsn(bsn)).toBe(true);
  });
});

describe('the XML the module writes', () => {
  it('carries StUF:entiteittype on every object, relation and gerelateerde, and the verwerkingssoort of the mutatiesoort', () => {
    const root = naarXml(jsonFixture('creeerZaak_ZakLk01'), stuurgegevensVan(parseXml(xmlFixture('creeerZaak_ZakLk01'))));
    expect(root.children.map((c) => c.name)).toEqual(['stuurgegevens', 'parameters', 'object']);
    const parameters = kind(root, 'parameters')!;
    expect(parameters.children.map((c) => [c.name, c.text])).toEqual([
      ['mutatiesoort', 'T'],
      ['indicatorOvername', 'V'],
    ]);
    const [object] = objecten(root);
    expect([attr(object, 'entiteittype'), attr(object, 'verwerkingssoort')]).toEqual(['ZAK', 'T']);
    const relaties = Object.fromEntries(
      ['isVan', 'heeftAlsInitiator', 'heeft'].map((r) => {
        const rel = kind(object!, r)!;
        return [r, [attr(rel, 'entiteittype'), attr(rel, 'verwerkingssoort')]];
      }),
    );
    expect(relaties).toEqual({ isVan: ['ZAKZKT', 'T'], heeftAlsInitiator: ['ZAKBTRINI', 'T'], heeft: ['ZAKSTT', 'T'] });
    const nps = kind(kind(kind(object!, 'heeftAlsInitiator')!, 'gerelateerde')!, 'natuurlijkPersoon')!;
    expect([attr(nps, 'entiteittype'), attr(nps, 'verwerkingssoort')]).toEqual(['NPS', 'I']);
    expect(kind(nps, 'inp.bsn', 'http://www.egem.nl/StUF/sector/bg/0310')?.text).toBe(BSN);
  });

  it('W: relation verwerkingssoort follows oud and nieuw (same: W, other gerelateerde: R, new status: T with the old one I, only in nieuw: T)', () => {
    const basis = jsonFixture('creeerZaak_ZakLk01') as { zaak: JsonZaak };
    const oud: JsonZaak = { identificatie: basis.zaak.identificatie, zaaktype: basis.zaak.zaaktype, initiator: basis.zaak.initiator, status: basis.zaak.status };
    const nieuw: JsonZaak = {
      identificatie: basis.zaak.identificatie,
      zaaktype: { code: 'JEUGD-HERB', omschrijving: 'Herbeoordeling jeugdhulp' },
      initiator: basis.zaak.initiator,
      status: { code: 'BEH', omschrijving: 'In behandeling', volgnummer: 2, datumStatusGezet: '2026-12-07T09:12:00' },
      resultaat: { omschrijving: 'Toegekend' },
    };
    const stuur = stuurgegevensVan(parseXml(xmlFixture('updateZaak_ZakLk01')));
    const root = naarXml({ operatie: 'updateZaak', mutatiesoort: 'W', oud, nieuw }, stuur);
    const soorten = (o: XmlElement) => Object.fromEntries(o.children.filter((c) => attr(c, 'entiteittype') !== undefined).map((c) => [c.name, attr(c, 'verwerkingssoort')]));
    const [o, n] = objecten(root) as [XmlElement, XmlElement];
    expect([attr(o, 'verwerkingssoort'), attr(n, 'verwerkingssoort')]).toEqual(['W', 'W']);
    expect(soorten(o)).toEqual({ isVan: 'R', heeftAlsInitiator: 'W', heeft: 'I' });
    expect(soorten(n)).toEqual({ isVan: 'R', heeftAlsInitiator: 'W', heeft: 'T' });
    expect(kennisgevingNaarJson(root, 'updateZaak', mappings)).toEqual({ operatie: 'updateZaak', mutatiesoort: 'W', oud, nieuw });
  });

  it('V and E: one object; E gives its relations for identification only', () => {
    const zaak = (jsonFixture('creeerZaak_ZakLk01') as { zaak: JsonZaak }).zaak;
    const stuur = stuurgegevensVan(parseXml(xmlFixture('updateZaak_ZakLk01')));
    for (const [soort, relatie] of [
      ['V', 'V'],
      ['E', 'I'],
    ] as const) {
      const json = { operatie: 'updateZaak', mutatiesoort: soort, zaak };
      const root = naarXml(json, stuur);
      const [object] = objecten(root);
      expect(objecten(root)).toHaveLength(1);
      expect(attr(object, 'verwerkingssoort')).toBe(soort);
      expect(attr(kind(object!, 'heeft'), 'verwerkingssoort')).toBe(relatie);
      expect(kennisgevingNaarJson(root, 'updateZaak', mappings)).toEqual(json);
    }
  });

  it('initiator: niet-natuurlijk persoon (RSIN) and medewerker, both ways', () => {
    const stuur = stuurgegevensVan(parseXml(xmlFixture('creeerZaak_ZakLk01')));
    const basis = (jsonFixture('creeerZaak_ZakLk01') as { zaak: JsonZaak }).zaak;
    for (const initiator of [
      { type: 'niet_natuurlijk_persoon', innNnpId: '002564440' },
      { type: 'medewerker', identificatie: 'mdw-0153-4711' },
    ]) {
      const json = { operatie: 'creeerZaak', mutatiesoort: 'T', zaak: { ...basis, initiator } };
      expect(jsonTypes.check(jsonTypes.get('zaak-kennisgeving')!, json)).toEqual([]);
      const root = naarXml(json, stuur);
      const gerelateerde = kind(kind(objecten(root)[0]!, 'heeftAlsInitiator')!, 'gerelateerde')!;
      expect(gerelateerde.children.map((c) => [c.name, attr(c, 'entiteittype')])).toEqual([
        initiator.type === 'medewerker' ? ['medewerker', 'MDW'] : ['nietNatuurlijkPersoon', 'NNP'],
      ]);
      expect(kennisgevingNaarJson(root, 'creeerZaak', mappings)).toEqual(json);
    }
  });

  it('StUF datum-tijd of 8 to 17 digits reads; the milliseconds are not part of the JSON model', () => {
    for (const [stuf, iso] of [
      ['20261207091233517', '2026-12-07T09:12:33'],
      ['202612070912335', '2026-12-07T09:12:33'],
      ['20261207091233', '2026-12-07T09:12:33'],
      ['20261207', '2026-12-07T00:00:00'],
    ] as const) {
      const root = gewijzigd('actualiseerZaakstatus_ZakLk01', ['<ZKN:datumStatusGezet>20261207091200<', `<ZKN:datumStatusGezet>${stuf}<`]);
      const json = kennisgevingNaarJson(root, 'actualiseerZaakstatus', mappings) as unknown as { nieuw: { status: { datumStatusGezet: string } } };
      expect(json.nieuw.status.datumStatusGezet).toBe(iso);
    }
  });
});

describe('StUF:noValue survives both ways', () => {
  it('a value element: xsi:nil="true" with StUF:noValue ⇄ null with the reason in geenWaarde', () => {
    const fixture = parseXml(xmlFixture('updateZaak_ZakLk01'));
    const nieuw = objecten(fixture)[1]!;
    const leeg = kind(nieuw, 'einddatumGepland')!;
    expect([leeg.attrs[clark(XSI, 'nil')], attr(leeg, 'noValue'), leeg.text]).toEqual(['true', 'geenWaarde', '']);

    const json = kennisgevingNaarJson(fixture, 'updateZaak', mappings) as { nieuw: JsonZaak };
    expect(json.nieuw.einddatumGepland).toBeNull();
    expect(json.nieuw.geenWaarde).toEqual({ einddatumGepland: 'geenWaarde' });

    const terug = objecten(naarXml(json, stuurgegevensVan(fixture)))[1]!;
    expect(structure(kind(terug, 'einddatumGepland')!)).toEqual(structure(leeg));
  });

  it('every reason, on values, on the resultaat group, on relations and on a document field', () => {
    const stuur = stuurgegevensVan(parseXml(xmlFixture('updateZaak_ZakLk01')));
    const oud: JsonZaak = { identificatie: '0153-2026-0000123', omschrijving: 'Aanvraag jeugdhulp' };
    const nieuw: JsonZaak = {
      identificatie: '0153-2026-0000123',
      omschrijving: null,
      toelichting: null,
      resultaat: null,
      zaakniveau: null,
      deelzakenIndicatie: null,
      zaaktype: null,
      initiator: null,
      geenWaarde: {
        omschrijving: 'geenWaarde',
        toelichting: 'waardeOnbekend',
        resultaat: 'geenWaarde',
        zaakniveau: 'nietOndersteund',
        deelzakenIndicatie: 'vastgesteldOnbekend',
        zaaktype: 'waardeOnbekend',
        initiator: 'geenWaarde',
      },
    };
    const json = { operatie: 'updateZaak', mutatiesoort: 'W', oud, nieuw };
    expect(jsonTypes.check(jsonTypes.get('zaak-kennisgeving')!, json)).toEqual([]);
    const root = naarXml(json, stuur);
    const n = objecten(root)[1]!;
    for (const [element, reden] of Object.entries({ omschrijving: 'geenWaarde', isVan: 'waardeOnbekend', heeftAlsInitiator: 'geenWaarde' })) {
      const el = kind(n, element)!;
      expect([element, el.attrs[clark(XSI, 'nil')], attr(el, 'noValue'), el.children.length]).toEqual([element, 'true', reden, 0]);
    }
    // ResultaatGrp has no noValue (StUF 03.01): the reason is on its omschrijving.
    const resultaat = kind(kind(n, 'resultaat')!, 'omschrijving')!;
    expect([resultaat.attrs[clark(XSI, 'nil')], attr(resultaat, 'noValue'), kind(n, 'resultaat')!.children.length]).toEqual(['true', 'geenWaarde', 1]);
    expect([attr(kind(n, 'isVan'), 'entiteittype'), attr(kind(n, 'isVan'), 'verwerkingssoort')]).toEqual(['ZAKZKT', 'W']);
    expect(kennisgevingNaarJson(root, 'updateZaak', mappings)).toEqual(json);

    const document = clone((jsonFixture('voegZaakdocumentToe_EdcLk01') as { document: JsonZaakdocument }).document);
    Object.assign(document, { beschrijving: null, versie: null, geenWaarde: { verzenddatum: 'geenWaarde', beschrijving: 'waardeOnbekend', versie: 'nietOndersteund' } });
    const edc = { operatie: 'voegZaakdocumentToe', mutatiesoort: 'T', document };
    expect(jsonTypes.check(jsonTypes.get('zaak-kennisgeving')!, edc)).toEqual([]);
    const edcRoot = naarXml(edc, stuurgegevensVan(parseXml(xmlFixture('voegZaakdocumentToe_EdcLk01'))));
    expect(attr(kind(objecten(edcRoot)[0]!, 'versie'), 'noValue')).toBe('nietOndersteund');
    // ZKN:inhoud is never nil and has no noValue (ZKN 03.10); StUF:bestandsnaam is required on it.
    const inhoud = kind(objecten(edcRoot)[0]!, 'inhoud')!;
    expect([inhoud.attrs[clark(XSI, 'nil')], attr(inhoud, 'noValue'), attr(inhoud, 'bestandsnaam')]).toEqual([undefined, undefined, 'aanvraagformulier.pdf']);
    expect(kennisgevingNaarJson(edcRoot, 'voegZaakdocumentToe', mappings)).toEqual(edc);
  });

  it('refused: a JSON null without a reason, a value with a reason, an unknown reason, an XML noValue with a value', () => {
    const stuur = stuurgegevensVan(parseXml(xmlFixture('creeerZaak_ZakLk01')));
    const json = jsonFixture('creeerZaak_ZakLk01') as { operatie: string; mutatiesoort: string; zaak: JsonZaak };

    const zonderReden = clone(json);
    delete zonderReden.zaak.geenWaarde;
    kennisgevingFout(() => jsonNaarKennisgeving(zonderReden, stuur, mappings), 'geenWaarde', '/zaak/einddatum');
    expect(jsonTypes.check(jsonTypes.get('zaak-kennisgeving')!, zonderReden).map((p) => p.pointer)).toContain('/zaak');

    const metWaarde = clone(json);
    metWaarde.zaak.einddatum = '2027-01-10';
    kennisgevingFout(() => jsonNaarKennisgeving(metWaarde, stuur, mappings), 'geenWaarde', '/zaak/einddatum');

    const onbekend = clone(json);
    (onbekend.zaak.geenWaarde as Record<string, string>).einddatum = 'nietGeautoriseerd';
    kennisgevingFout(() => jsonNaarKennisgeving(onbekend, stuur, mappings), 'geenWaarde', '/zaak/geenWaarde/einddatum');

    const xml = gewijzigd('creeerZaak_ZakLk01', ['<ZKN:einddatum xsi:nil="true" StUF:noValue="geenWaarde"/>', '<ZKN:einddatum StUF:noValue="geenWaarde">20270110</ZKN:einddatum>']);
    kennisgevingFout(() => kennisgevingNaarJson(xml, 'creeerZaak', mappings), 'geenWaarde', 'ZKN:zakLk01/ZKN:object[1]');
  });
});

describe('kennisgevingen that make no StUF sense', () => {
  it('W with one object', () => {
    const root = gewijzigd('updateZaak_ZakLk01', [/<ZKN:object StUF:entiteittype="ZAK" StUF:verwerkingssoort="W">[\s\S]*?<\/ZKN:object>\s*/, '']);
    const err = kennisgevingFout(() => kennisgevingNaarJson(root, 'updateZaak', mappings), 'objecten', 'ZKN:zakLk01/ZKN:object');
    expect(err.message).toContain('two objects');
  });

  it('T with two objects', () => {
    const xml = xmlFixture('creeerZaak_ZakLk01');
    const object = /<ZKN:object [\s\S]*<\/ZKN:object>/.exec(xml)![0];
    kennisgevingFout(() => kennisgevingNaarJson(parseXml(xml.replace(object, object + object)), 'creeerZaak', mappings), 'objecten', 'ZKN:zakLk01/ZKN:object');
  });

  it('T with an object of verwerkingssoort W', () => {
    const root = gewijzigd('creeerZaak_ZakLk01', ['StUF:entiteittype="ZAK" StUF:verwerkingssoort="T"', 'StUF:entiteittype="ZAK" StUF:verwerkingssoort="W"']);
    kennisgevingFout(() => kennisgevingNaarJson(root, 'creeerZaak', mappings), 'verwerkingssoort', 'ZKN:zakLk01/ZKN:object[1]/@StUF:verwerkingssoort');
  });

  it('T with a relation that is not T', () => {
    const root = gewijzigd('creeerZaak_ZakLk01', ['StUF:entiteittype="ZAKBTRINI" StUF:verwerkingssoort="T"', 'StUF:entiteittype="ZAKBTRINI" StUF:verwerkingssoort="W"']);
    kennisgevingFout(() => kennisgevingNaarJson(root, 'creeerZaak', mappings), 'verwerkingssoort', 'ZKN:zakLk01/ZKN:object[1]/ZKN:heeftAlsInitiator/@StUF:verwerkingssoort');
  });

  it('W whose nieuw (second object) is not W', () => {
    const xml = xmlFixture('updateZaak_ZakLk01');
    const tweede = xml.lastIndexOf('StUF:verwerkingssoort="W"');
    const root = parseXml(`${xml.slice(0, tweede)}StUF:verwerkingssoort="I"${xml.slice(tweede + 'StUF:verwerkingssoort="W"'.length)}`);
    kennisgevingFout(() => kennisgevingNaarJson(root, 'updateZaak', mappings), 'verwerkingssoort', 'ZKN:zakLk01/ZKN:object[2]/@StUF:verwerkingssoort');
  });

  it('W whose oud and nieuw have another identificatie (sleutel)', () => {
    const xml = xmlFixture('updateZaak_ZakLk01');
    const tweede = xml.lastIndexOf('0153-2026-0000123');
    const root = parseXml(`${xml.slice(0, tweede)}0153-2026-0000124${xml.slice(tweede + '0153-2026-0000123'.length)}`);
    const err = kennisgevingFout(() => kennisgevingNaarJson(root, 'updateZaak', mappings), 'sleutel', 'ZKN:zakLk01/ZKN:object[2]/ZKN:identificatie');
    expect(err.message).not.toContain('0153-2026');
  });

  it('W whose oud and nieuw have another sleutelVerzendend', () => {
    const xml = xmlFixture('updateZaak_ZakLk01');
    let n = 0;
    const root = parseXml(xml.replace(/StUF:verwerkingssoort="W">/g, (m) => `StUF:verwerkingssoort="W" StUF:sleutelVerzendend="${++n === 1 ? 'a1' : 'b2'}">`));
    kennisgevingFout(() => kennisgevingNaarJson(root, 'updateZaak', mappings), 'sleutel', 'ZKN:zakLk01/ZKN:object[2]/@StUF:sleutelVerzendend');
  });

  it('actualiseerZaakstatus without a status in nieuw', () => {
    const root = gewijzigd('actualiseerZaakstatus_ZakLk01', [/<ZKN:heeft [\s\S]*<\/ZKN:heeft>\s*/, '']);
    kennisgevingFout(() => kennisgevingNaarJson(root, 'actualiseerZaakstatus', mappings), 'status', 'ZKN:zakLk01/ZKN:object[2]/ZKN:heeft');
    const json = jsonFixture('actualiseerZaakstatus_ZakLk01') as { nieuw: JsonZaak };
    delete json.nieuw.status;
    kennisgevingFout(() => jsonNaarKennisgeving(json, stuurgegevensVan(root), mappings), 'status', '/nieuw/status');
    expect(jsonTypes.check(jsonTypes.get('zaak-kennisgeving')!, json).map((p) => p.pointer)).toContain('/nieuw');
  });

  it('an object whose entiteittype is not that of the root', () => {
    const root = gewijzigd('creeerZaak_ZakLk01', ['<ZKN:object StUF:entiteittype="ZAK"', '<ZKN:object StUF:entiteittype="EDC"']);
    kennisgevingFout(() => kennisgevingNaarJson(root, 'creeerZaak', mappings), 'entiteittype', 'ZKN:zakLk01/ZKN:object[1]/@StUF:entiteittype');
    const stuur = gewijzigd('creeerZaak_ZakLk01', ['<StUF:entiteittype>ZAK</StUF:entiteittype>', '<StUF:entiteittype>EDC</StUF:entiteittype>']);
    kennisgevingFout(() => kennisgevingNaarJson(stuur, 'creeerZaak', mappings), 'entiteittype', 'ZKN:zakLk01/ZKN:stuurgegevens/StUF:entiteittype');
  });

  it('a relation or gerelateerde with the wrong entiteittype', () => {
    const rel = gewijzigd('creeerZaak_ZakLk01', ['StUF:entiteittype="ZAKSTT"', 'StUF:entiteittype="ZAKZKT"']);
    kennisgevingFout(() => kennisgevingNaarJson(rel, 'creeerZaak', mappings), 'entiteittype', 'ZKN:zakLk01/ZKN:object[1]/ZKN:heeft/@StUF:entiteittype');
    const nps = gewijzigd('creeerZaak_ZakLk01', ['StUF:entiteittype="NPS"', 'StUF:entiteittype="NNP"']);
    kennisgevingFout(
      () => kennisgevingNaarJson(nps, 'creeerZaak', mappings),
      'entiteittype',
      'ZKN:zakLk01/ZKN:object[1]/ZKN:heeftAlsInitiator/ZKN:gerelateerde/ZKN:natuurlijkPersoon/@StUF:entiteittype',
    );
  });

  it('the wrong root or mutatiesoort for the operation, or no mutatiesoort', () => {
    const zak = parseXml(xmlFixture('creeerZaak_ZakLk01'));
    kennisgevingFout(() => kennisgevingNaarJson(zak, 'voegZaakdocumentToe', mappings), 'root', 'ZKN:edcLk01');
    kennisgevingFout(() => kennisgevingNaarJson(zak, 'actualiseerZaakstatus', mappings), 'mutatiesoort', 'ZKN:zakLk01/ZKN:parameters/StUF:mutatiesoort');
    const zonder = gewijzigd('creeerZaak_ZakLk01', ['<StUF:mutatiesoort>T</StUF:mutatiesoort>', '']);
    kennisgevingFout(() => kennisgevingNaarJson(zonder, 'creeerZaak', mappings), 'mutatiesoort', 'ZKN:zakLk01/ZKN:parameters/StUF:mutatiesoort');
    kennisgevingFout(() => kennisgevingNaarJson(zak, 'verwijderZaak' as Operatie, mappings), 'operatie', 'operatie');
  });

  it('JSON: another identificatie in oud and nieuw, the wrong mutatiesoort, an unknown operatie', () => {
    const stuur = stuurgegevensVan(parseXml(xmlFixture('updateZaak_ZakLk01')));
    const json = jsonFixture('updateZaak_ZakLk01') as { nieuw: JsonZaak };
    json.nieuw.identificatie = '0153-2026-0000124';
    kennisgevingFout(() => jsonNaarKennisgeving(json, stuur, mappings), 'sleutel', '/nieuw/identificatie');
    kennisgevingFout(() => jsonNaarKennisgeving({ ...jsonFixture('creeerZaak_ZakLk01'), mutatiesoort: 'W' }, stuur, mappings), 'mutatiesoort', '/mutatiesoort');
    kennisgevingFout(() => jsonNaarKennisgeving({ operatie: 'verwijderZaak' }, stuur, mappings), 'operatie', '/operatie');
    kennisgevingFout(() => jsonNaarKennisgeving({ operatie: 'updateZaak', mutatiesoort: 'W', oud: { identificatie: 'x' } }, stuur, mappings), 'objecten', '/nieuw');
  });

  it('problems inside a field are the mapping’s MappingRunError, naming the field, never the value', () => {
    const zonderBsn = gewijzigd('creeerZaak_ZakLk01', ['<BG:inp.bsn>999993653</BG:inp.bsn>', '<BG:inp.bsn xsi:nil="true" StUF:noValue="waardeOnbekend"/>']);
    const err = fout(() => kennisgevingNaarJson(zonderBsn, 'creeerZaak', mappings));
    expect(err).toBeInstanceOf(MappingRunError);
    expect(err.message).toContain('initiator.bsn');

    const datum = gewijzigd('creeerZaak_ZakLk01', ['<ZKN:startdatum>20261120<', '<ZKN:startdatum>20261320<']);
    const datumFout = fout(() => kennisgevingNaarJson(datum, 'creeerZaak', mappings)) as MappingRunError;
    expect([datumFout.field, datumFout.reason]).toEqual(['startdatum', 'invalid-date']);
    expect(datumFout.message).not.toContain('20261320');

    const json = jsonFixture('creeerZaak_ZakLk01') as { zaak: JsonZaak };
    (json.zaak.initiator as Json).bsn = undefined;
    const uit = fout(() => jsonNaarKennisgeving(json, stuurgegevensVan(zonderBsn), mappings));
    expect(uit).toBeInstanceOf(MappingRunError);
    expect(uit.message).not.toContain(BSN);
  });
});

describe('answers (La01)', () => {
  it('zakLa01: the zaak with its documents as heeftRelevant, entiteittypen but no verwerkingssoort; reads back', () => {
    const zaak = (jsonFixture('creeerZaak_ZakLk01') as { zaak: JsonZaak }).zaak;
    const document = (jsonFixture('voegZaakdocumentToe_EdcLk01') as { document: JsonZaakdocument }).document;
    const antwoordElement = zaakNaarLa01Antwoord(zaak, [document, { ...document, identificatie: '0153-DOC-2026-0000458', titel: 'Beschikking' }], mappings);
    expect(xsd.validate(la01('zakLa01', antwoordElement))).toEqual([]);
    const antwoord = parseXml(serialiseer(antwoordElement));
    expect([antwoord.ns, antwoord.name]).toEqual([ZKN, 'antwoord']);
    const [object] = objecten(antwoord);
    const verwerkingssoorten: string[] = [];
    const walk = (el: XmlElement) => {
      if (attr(el, 'verwerkingssoort') !== undefined) verwerkingssoorten.push(el.name);
      el.children.forEach(walk);
    };
    walk(antwoord);
    expect(verwerkingssoorten).toEqual([]);
    expect(attr(object, 'entiteittype')).toBe('ZAK');
    const relevant = object!.children.filter((c) => c.name === 'heeftRelevant');
    expect(relevant.map((r) => [attr(r, 'entiteittype'), attr(kind(r, 'gerelateerde'), 'entiteittype'), kind(kind(r, 'gerelateerde')!, 'titel')?.text])).toEqual([
      ['ZAKEDC', 'EDC', 'Aanvraagformulier jeugdhulp'],
      ['ZAKEDC', 'EDC', 'Beschikking'],
    ]);
    expect(kind(kind(relevant[0]!, 'gerelateerde')!, 'inhoud')).toBeUndefined();
    expect(la01AntwoordNaarJson(antwoord, 'ZAK', mappings)).toEqual([zaak]);
  });

  it('edcLa01: the document with its inhoud; reads back', () => {
    const document = (jsonFixture('voegZaakdocumentToe_EdcLk01') as { document: JsonZaakdocument }).document;
    const antwoordElement = documentNaarLa01Antwoord(document, mappings);
    expect(xsd.validate(la01('edcLa01', antwoordElement))).toEqual([]);
    const antwoord = parseXml(serialiseer(antwoordElement));
    const [object] = objecten(antwoord);
    expect([attr(object, 'entiteittype'), attr(object, 'verwerkingssoort')]).toEqual(['EDC', undefined]);
    const inhoud = kind(object!, 'inhoud')!;
    expect([attr(inhoud, 'bestandsnaam'), inhoud.attrs[clark('http://www.w3.org/2005/05/xmlmime', 'contentType')]]).toEqual(['aanvraagformulier.pdf', 'application/pdf']);
    expect(la01AntwoordNaarJson(antwoord, 'EDC', mappings)).toEqual([document]);
    kennisgevingFout(() => la01AntwoordNaarJson(antwoord, 'ZAK', mappings), 'entiteittype', 'ZKN:antwoord/ZKN:object[1]/@StUF:entiteittype');
  });
});

describe('the JSON schemas', () => {
  const zonderKop = (schema: Json): Json => {
    const { $schema: _s, $id: _i, examples: _e, 'x-knooppunt-subjects': _x, ...rest } = schema;
    return rest;
  };

  it('zaak-kennisgeving carries zaak.schema.json and zaakdocument.schema.json unchanged as its definitions', () => {
    const kg = jsonTypes.get('zaak-kennisgeving')!.schema as { definitions: Record<string, Json> };
    expect(kg.definitions.zaak).toEqual(zonderKop(jsonTypes.get('zaak')!.schema));
    expect(kg.definitions.zaakdocument).toEqual(zonderKop(jsonTypes.get('zaakdocument')!.schema));
  });

  it('carry the fixtures as examples, which pass; the subjects point at the initiator BSNs', () => {
    const kg = jsonTypes.get('zaak-kennisgeving')!;
    expect(kg.schema.examples).toEqual(FIXTURES.map((f) => jsonFixture(f.naam)));
    expect(kg.subjectPointers).toEqual(['/zaak/initiator/bsn', '/oud/initiator/bsn', '/nieuw/initiator/bsn']);
    expect(jsonTypes.get('zaak')!.subjectPointers).toEqual(['/initiator/bsn']);
    expect(jsonTypes.get('zaakdocument')!.subjectPointers).toEqual([]);
    for (const type of jsonTypes.all()) {
      for (const example of type.schema.examples as unknown[]) expect([type.name, jsonTypes.check(type, example)]).toEqual([type.name, []]);
    }
    const w = { operatie: 'updateZaak', mutatiesoort: 'W', oud: { identificatie: '0153-2026-0000123', initiator: { type: 'natuurlijk_persoon', bsn: BSN } }, nieuw: { identificatie: '0153-2026-0000123', initiator: { type: 'natuurlijk_persoon', bsn: '999990019' } } };
    expect(jsonTypes.check(kg, w)).toEqual([]);
    expect(jsonTypes.subjects(kg, w).sort()).toEqual(['999990019', BSN]);
  });

  it('refuse what the XML could not carry', () => {
    const kg = jsonTypes.get('zaak-kennisgeving')!;
    const json = jsonFixture('creeerZaak_ZakLk01') as { zaak: Json };
    const bad = clone(json) as { zaak: Json; extra?: boolean };
    (bad.zaak.initiator as Json).bsn = '999993654'; // fails the elfproef
    bad.zaak.zaakniveau = 4;
    bad.zaak.startdatum = '20261120';
    bad.extra = true;
    const pointers = jsonTypes.check(kg, bad).map((p) => p.pointer);
    expect(pointers).toEqual(expect.arrayContaining(['/zaak/initiator/bsn', '/zaak/zaakniveau', '/zaak/startdatum', '/']));
    const document = clone(jsonFixture('voegZaakdocumentToe_EdcLk01')) as { document: Json };
    delete document.document.bestandsnaam;
    expect(jsonTypes.check(kg, document).map((p) => p.pointer)).toContain('/document');
  });
});

describe('content inside a mapped relation that the JSON model does not carry', () => {
  const metIngangsdatum = (): XmlElement =>
    parseXml(xmlFixture('creeerZaak_ZakLk01').replace('<ZKN:code>JEUGD-TOEW</ZKN:code>', '<ZKN:code>JEUGD-TOEW</ZKN:code>\n        <ZKN:ingangsdatumObject>20200101</ZKN:ingangsdatumObject>'));
  const ingangsdatum = (root: XmlElement): string | undefined => {
    const isVan = kind(objecten(root)[0]!, 'isVan');
    return kind(kind(isVan!, 'gerelateerde')!, 'ingangsdatumObject')?.text;
  };

  it('is kept with the zaak and written back inside the relation, valid against the XSD', () => {
    const root = metIngangsdatum();
    const json = kennisgevingNaarJson(root, 'creeerZaak', mappings) as Json;
    const zaak = (json as { zaak: { overig?: string[] } }).zaak;
    expect(zaak.overig?.some((x) => x.startsWith('<ZKN:isVan') && x.includes('20200101'))).toBe(true);
    expect(ingangsdatum(naarXml(json, stuurgegevensVan(root)))).toBe('20200101');
  });

  it('is not merged into a relation with another gerelateerde (the JSON changed the zaaktype)', () => {
    const root = metIngangsdatum();
    const json = clone(kennisgevingNaarJson(root, 'creeerZaak', mappings)) as unknown as { zaak: { zaaktype: { code: string } } };
    json.zaak.zaaktype.code = 'ANDER-TYPE';
    const terug = naarXml(json, stuurgegevensVan(root));
    expect(ingangsdatum(terug)).toBeUndefined();
    expect(kind(kind(kind(objecten(terug)[0]!, 'isVan')!, 'gerelateerde')!, 'code')?.text).toBe('ANDER-TYPE');
  });
});
