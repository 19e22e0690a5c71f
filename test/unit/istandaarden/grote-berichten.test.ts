/**
 * The document worker pool (src/util/worker-pool.ts) behind large iJw/iWmo berichten
 * (src/standards/istandaarden/grote-berichten.ts): libxml2-wasm loads inside the workers and gives
 * the same findings as in-process validation; the translation to JSON is the in-process one; a full
 * pool refuses at once (PoolBusyError) instead of queueing without limit; a worker that dies fails
 * only its own task and is replaced.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GroteBerichten } from '../../../src/standards/istandaarden/grote-berichten.js';
import { naarJsonWaarde } from '../../../src/standards/istandaarden/gemeente-json.js';
import { readHeader } from '../../../src/standards/istandaarden/header.js';
import { XsdValidators } from '../../../src/standards/istandaarden/schema/validator.js';
import { PoolBusyError } from '../../../src/util/worker-pool.js';
import { projectRoot } from '../../../src/util/paths.js';
import { parseXml } from '../../../src/xml/parse.js';
import { grooteDeclaratie } from '../../helpers/declaratie.js';

const schemasDir = join(projectRoot(), 'schemas', 'istandaarden');
const codelijstenDir = join(projectRoot(), 'codelijsten');
const { xml } = grooteDeclaratie({ standaard: 'ijw', regels: 400, afzender: '12345678', ontvanger: '0153', identificatie: 'GB0001', dagtekening: '2026-11-02' });
const raw = Buffer.from(xml);
// The same declaratie with a GeleverdVolume that is no number on every line.
const fout = Buffer.from(xml.replace(/GeleverdVolume>\d+</g, 'GeleverdVolume>veel<'));

let xsd: XsdValidators;
let grote: GroteBerichten;
beforeAll(async () => {
  xsd = await XsdValidators.load(schemasDir);
  grote = new GroteBerichten({ schemasDir, official: false, codelijstenDir }, 1024, { size: 1, maxQueued: 1 });
}, 60_000);
afterAll(async () => {
  xsd.dispose();
  await grote.close();
});

describe('large berichten in the document worker pool', () => {
  it('validates in a worker with the findings of in-process validation', async () => {
    expect(await grote.valideer(raw, 'ijw', '323')).toEqual([]);
    const inWorker = await grote.valideer(fout, 'ijw', '323');
    expect(inWorker.length).toBeGreaterThan(0);
    expect(inWorker).toEqual(xsd.validate(fout, 'ijw', '323'));
  }, 60_000);

  it('translates to the JSON the in-process mapping gives', async () => {
    const root = parseXml(raw, { maxElements: 1_000_000 });
    const expected = naarJsonWaarde({ standaard: 'ijw', nummer: '323', header: readHeader(root), root });
    expect(JSON.parse((await grote.naarJson(raw, 'ijw', '323')).toString('utf8'))).toEqual(expected);
  }, 60_000);

  it('refuses at once when the worker and its queue are full, and serves again afterwards', async () => {
    const before = grote.pool.completed;
    const first = grote.valideer(raw, 'ijw', '323'); // runs
    const second = grote.valideer(raw, 'ijw', '323'); // waits (queue of 1)
    await expect(grote.valideer(raw, 'ijw', '323')).rejects.toBeInstanceOf(PoolBusyError);
    expect(await first).toEqual([]);
    expect(await second).toEqual([]);
    expect(grote.pool.completed - before).toBe(2);
    expect(await grote.valideer(raw, 'ijw', '323')).toEqual([]);
  }, 60_000);

  it('a worker that dies fails only its own task; the next task gets a new worker', async () => {
    // A declaratie big enough that its validation is still running when the worker is terminated
    // (with the 400-line one, a quiet machine finished the task first and the test raced).
    const groot = Buffer.from(grooteDeclaratie({ standaard: 'ijw', regels: 20_000, afzender: '12345678', ontvanger: '0153', identificatie: 'GB0002', dagtekening: '2026-11-02' }).xml);
    const running = grote.valideer(groot, 'ijw', '323');
    const waiting = grote.valideer(raw, 'ijw', '323');
    // Kill the worker that holds the first task.
    const slots = (grote.pool as unknown as { slots: Array<{ worker: { terminate(): Promise<number> } }> }).slots;
    await slots[0]!.worker.terminate();
    await expect(running).rejects.toThrow(/stopped/);
    expect(await waiting).toEqual([]);
  }, 60_000);
});

describe('idle document workers', () => {
  it('stop after the idle time, and a later task starts a new one', async () => {
    const kort = new GroteBerichten({ schemasDir, official: false, codelijstenDir }, 1024, { size: 1, maxQueued: 0, idleMs: 50 });
    try {
      const slots = (kort.pool as unknown as { slots: unknown[] }).slots;
      expect(await kort.valideer(raw, 'ijw', '323', true)).toEqual([]);
      expect(slots).toHaveLength(1);
      // The translation made beside the validation is used, without another task.
      const done = kort.pool.completed;
      expect(JSON.parse((await kort.naarJson(raw, 'ijw', '323')).toString('utf8'))).toMatchObject({ bericht: 'JW323' });
      expect(kort.pool.completed).toBe(done);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(slots).toHaveLength(0);
      expect(await kort.valideer(raw, 'ijw', '323')).toEqual([]);
    } finally {
      await kort.close();
    }
  }, 60_000);
});

describe('warm document workers', () => {
  it('start with warmUp, before any bericht, and stay when idle while the others stop', async () => {
    const pool = new GroteBerichten({ schemasDir, official: false, codelijstenDir }, 1024, { size: 2, maxQueued: 0, idleMs: 50, warm: 1 });
    try {
      const slots = (pool.pool as unknown as { slots: unknown[] }).slots;
      expect(slots).toHaveLength(0);
      pool.warmUp();
      pool.warmUp();
      expect(slots).toHaveLength(1);
      // Two at once: the warm worker and a second one.
      const beide = Promise.all([pool.valideer(raw, 'ijw', '323'), pool.valideer(raw, 'ijw', '323')]);
      expect(slots).toHaveLength(2);
      expect(await beide).toEqual([[], []]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(slots).toHaveLength(1);
      expect(await pool.valideer(raw, 'ijw', '323')).toEqual([]);
    } finally {
      await pool.close();
    }
  }, 60_000);
});

describe('the code lists in a worker', () => {
  it('are the folder the gateway uses: a value only another folder knows is accepted there, refused by default', async () => {
    // A new Eenheid, as a yearly release could add (the same change the code-list suite makes in-process).
    const map = mkdtempSync(join(tmpdir(), 'codelijsten-worker-'));
    cpSync(codelijstenDir, map, { recursive: true });
    const file = join(map, 'istandaarden.json');
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { waardenlijsten: Record<string, string[]>; codelijsten: Record<string, { codes: Array<{ code: string; betekenis: string }> }> };
    doc.waardenlijsten.LDT_Eenheid!.push('85');
    doc.codelijsten.WJ756!.codes.push({ code: '85', betekenis: 'Nieuwe eenheid' });
    writeFileSync(file, JSON.stringify(doc));
    const anders = new GroteBerichten({ schemasDir, official: false, codelijstenDir: map }, 1024, { size: 1, maxQueued: 1 });
    try {
      const nieuw = Buffer.from(xml.replace(/(<\w+:Eenheid>)\d+</, '$185<'));
      expect(nieuw.equals(raw)).toBe(false);
      expect((await grote.valideer(nieuw, 'ijw', '323')).map((i) => i.message).join()).toMatch(/Eenheid/);
      expect(await anders.valideer(nieuw, 'ijw', '323')).toEqual([]);
    } finally {
      await anders.close();
      rmSync(map, { recursive: true, force: true });
    }
  }, 60_000);
});
