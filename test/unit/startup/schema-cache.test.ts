/**
 * Compiled schemas are shared within a process: XSD sets (src/xml/xsd.ts) and JSON Schema sets
 * (src/standards/json/message-types.ts) are kept under a key of their content, so a second gateway
 * with the same schemas compiles nothing, and other content (other code lists) compiles its own.
 * Counted with the compile counters, not timed.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XSD_CACHE_SIZE, XsdSchemaSet, xsdCompileCounts } from '../../../src/xml/xsd.js';
import { JsonMessageTypes, jsonCompileCounts } from '../../../src/standards/json/message-types.js';
import { XsdValidators } from '../../../src/standards/istandaarden/schema/validator.js';
import { BERICHTNUMMERS } from '../../../src/standards/istandaarden/schema/generate-xsd.js';
import { STANDAARDEN } from '../../../src/standards/istandaarden/catalog.js';
import { gebruikCodelijsten, leesCodelijsten } from '../../../src/codelijsten/index.js';
import { projectRoot } from '../../../src/util/paths.js';
import { startGateway, testConfig, testEnv, writeConfig } from '../../helpers/gateway.js';

const schema = (pattern: string): string => `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:t" xmlns="urn:t" elementFormDefault="qualified">
  <xs:simpleType name="Code"><xs:restriction base="xs:string"><xs:pattern value="${pattern}"/></xs:restriction></xs:simpleType>
  <xs:element name="r" type="Code"/>
</xs:schema>`;
const doc = (v: string): string => `<r xmlns="urn:t">${v}</r>`;

function counted<T>(run: () => T): { result: T; compiled: number; reused: number } {
  const before = { ...xsdCompileCounts };
  const result = run();
  return { result, compiled: xsdCompileCounts.compiled - before.compiled, reused: xsdCompileCounts.reused - before.reused };
}

const STANDAARD = join(projectRoot(), 'codelijsten');
const mappen: string[] = [];
afterEach(() => {
  gebruikCodelijsten(leesCodelijsten(STANDAARD));
  for (const m of mappen.splice(0)) rmSync(m, { recursive: true, force: true });
});

/** A copy of the default code lists with one more Eenheid (as a yearly release could add); the same content gives the same sets. */
function andereCodelijsten(eenheid: string): string {
  const map = mkdtempSync(join(tmpdir(), 'codelijsten-'));
  mappen.push(map);
  cpSync(STANDAARD, map, { recursive: true });
  const d = JSON.parse(readFileSync(join(map, 'istandaarden.json'), 'utf8')) as Record<string, any>;
  d.waardenlijsten.LDT_Eenheid.push(eenheid);
  d.codelijsten.WJ756.codes.push({ code: eenheid, betekenis: 'Nieuwe eenheid' });
  writeFileSync(join(map, 'istandaarden.json'), JSON.stringify(d));
  return map;
}

describe('an XSD set is compiled once per process and content', () => {
  it('the same files give a second handle on one compilation, other files compile anew', () => {
    const a = counted(() => XsdSchemaSet.loadSync({ 'a.xsd': schema('[0-9]{3}') }, 'a.xsd'));
    const b = counted(() => XsdSchemaSet.loadSync({ 'a.xsd': new TextEncoder().encode(schema('[0-9]{3}')) }, 'a.xsd'));
    const c = counted(() => XsdSchemaSet.loadSync({ 'a.xsd': schema('[a-z]{3}') }, 'a.xsd'));
    expect([a.compiled, b.compiled, b.reused, c.compiled]).toEqual([1, 0, 1, 1]);
    // Disposing one handle leaves the shared compilation to the other.
    a.result.dispose();
    expect(() => a.result.validate(doc('123'))).toThrow(/disposed/);
    expect(b.result.validate(doc('123'))).toEqual([]);
    expect(c.result.validate(doc('123'))).not.toEqual([]);
    b.result.dispose();
    c.result.dispose();
  });

  it('each handle keeps its own hooks', () => {
    const files = { 'h.xsd': schema('[0-9]{4}') };
    const een = XsdSchemaSet.loadSync(files, 'h.xsd', { hooks: { rootNotDeclared: () => 'root: een' } });
    const twee = XsdSchemaSet.loadSync(files, 'h.xsd', { hooks: { rootNotDeclared: () => 'root: twee' } });
    try {
      expect(een.validate('<x xmlns="urn:t"/>').map((i) => i.message)).toEqual(['root: een']);
      expect(twee.validate('<x xmlns="urn:t"/>').map((i) => i.message)).toEqual(['root: twee']);
    } finally {
      een.dispose();
      twee.dispose();
    }
  });

  it('a set in use survives any number of other sets passing through the cache', () => {
    const held = XsdSchemaSet.loadSync({ 'held.xsd': schema('[0-9]{5}') }, 'held.xsd');
    for (let i = 0; i < XSD_CACHE_SIZE * 2; i++) XsdSchemaSet.loadSync({ 'x.xsd': schema(`[0-9]{${i + 10}}`) }, 'x.xsd').dispose();
    expect(held.validate(doc('12345'))).toEqual([]);
    expect(held.validate(doc('1234'))).not.toEqual([]);
    // Still the same compilation: loading it again compiles nothing.
    expect(counted(() => XsdSchemaSet.loadSync({ 'held.xsd': schema('[0-9]{5}') }, 'held.xsd').dispose()).compiled).toBe(0);
    // An unused one pushed out is compiled again, and works.
    const again = counted(() => XsdSchemaSet.loadSync({ 'x.xsd': schema('[0-9]{10}') }, 'x.xsd'));
    expect(again.compiled).toBe(1);
    expect(again.result.validate(doc('1234567890'))).toEqual([]);
    again.result.dispose();
    held.dispose();
  });

  it('the iStandaarden XSDs generated with other code lists are other sets, and the defaults are reused', () => {
    const eerst = counted(() => XsdValidators.fromModel());
    const weer = counted(() => XsdValidators.fromModel());
    expect(weer.compiled).toBe(0);
    expect(weer.reused).toBe(eerst.compiled + eerst.reused);
    gebruikCodelijsten(leesCodelijsten(andereCodelijsten('85')));
    const ander = counted(() => XsdValidators.fromModel());
    // The Eenheid lists are in the basisschema every bericht XSD includes: every set is new.
    expect(ander.compiled).toBe(STANDAARDEN.length * BERICHTNUMMERS.length);
    expect(weer.reused).toBe(ander.compiled);
    for (const v of [eerst, weer, ander]) v.result.dispose();
  });
});

describe('a JSON message-type set is compiled once per process and content', () => {
  it('the same schemas reuse the validators, other schemas compile their own', () => {
    const s = (max: number) => [{ name: 't', schema: { type: 'object', properties: { n: { type: 'integer', maximum: max } } } }];
    const before = { ...jsonCompileCounts };
    const a = new JsonMessageTypes(s(5));
    const b = new JsonMessageTypes(s(5));
    const c = new JsonMessageTypes(s(9));
    expect([jsonCompileCounts.compiled - before.compiled, jsonCompileCounts.reused - before.reused]).toEqual([2, 1]);
    expect(a.get('t')!.validate({ n: 7 })).toBe(false);
    expect(b.get('t')!.validate({ n: 7 })).toBe(false);
    expect(c.get('t')!.validate({ n: 7 })).toBe(true);
  });
});

describe('gateways of one process share their compiled schemas', () => {
  it('a second gateway compiles no XSD and no JSON Schema set; one with other code lists compiles its iStandaarden sets', async () => {
    const configPath = writeConfig(testConfig('http://127.0.0.1:9'));
    const start = async (extra: NodeJS.ProcessEnv = {}) => {
      const env = await testEnv('pglite', 'in-process', configPath, extra);
      const x0 = { ...xsdCompileCounts };
      const j0 = { ...jsonCompileCounts };
      const { gateway } = await startGateway(env);
      await gateway.close();
      return { xsd: xsdCompileCounts.compiled - x0.compiled, json: jsonCompileCounts.compiled - j0.compiled };
    };
    const eerste = await start();
    const tweede = await start();
    const ander = await start({ KNOOPPUNT_CODELIJSTEN_DIR: andereCodelijsten('86') });
    expect(eerste.xsd).toBeGreaterThan(0);
    expect(eerste.json).toBeGreaterThan(0);
    expect(tweede).toEqual({ xsd: 0, json: 0 });
    // Only what the code lists feed is compiled again: the iStandaarden XSDs and their JSON Schemas.
    expect(ander.xsd).toBe(STANDAARDEN.length * BERICHTNUMMERS.length);
    expect(ander.json).toBe(1);
  }, 120_000);
});
