/**
 * The ceiling monitor against both stores, without the HTTP around it: thresholds crossed by one
 * declaratie (two alerts at once), concurrent declaraties racing over the same threshold (exactly
 * one alert), credits, the 325's granted amounts, and the alert webhook retrying until delivered.
 */
import { randomUUID } from 'node:crypto';
import { createLogger } from '../../../src/ops/logger.js';
import { AlarmWebhook } from '../../../src/contracten/alarm-webhook.js';
import { CeilingMonitor, standVolgorde, type MonitorPrestatie } from '../../../src/contracten/monitor.js';
import { ContractIndex } from '../../../src/contracten/register.js';
import { ExchangeLog } from '../../../src/log/exchange-log.js';
import { generateMasterKey, keyRingFrom, parseMasterKey } from '../../../src/log/keys.js';
import type { Db } from '../../../src/store/db.js';
import { twenteRegister } from '../../helpers/contracten.js';
import { syntheticBsn } from '../../helpers/declaratie.js';
import { STORE_CASES } from '../../helpers/stores.js';
import { TestWebhook, waitFor } from '../../helpers/webhook.js';

const ring = keyRingFrom(parseMasterKey(generateMasterKey()));

function index(maximum2026: number): ContractIndex {
  const r = twenteRegister();
  r.contracten.find((c) => c.id === 'TW-JH-2025-02')!.maximum.perJaar['2026'] = maximum2026;
  return new ContractIndex(r, 1);
}

let n = 0;
function p(bedrag: number, begindatum = '2026-10-01'): MonitorPrestatie {
  n++;
  return { bsn: syntheticBsn(n), referentie: `R${n}`, categorie: '45', code: '45A48', begindatum, volume: 1, eenheid: '04', bedrag };
}

describe.each(STORE_CASES)('ceiling monitor on $name', (store) => {
  let db: Db;
  let log: ExchangeLog;
  beforeAll(async () => {
    db = await store.open();
    log = new ExchangeLog(db, ring);
  });
  afterAll(async () => db.close());
  beforeEach(async () => {
    await db.query('DELETE FROM contract_alarmen');
    await db.query('DELETE FROM contract_standen');
    await db.query('DELETE FROM contract_prestaties');
  });

  const bron = (gemeente: string, declaratie = randomUUID().slice(0, 8)) => ({ bron: '323' as const, wet: 'ijw' as const, aanbieder: '87654321', gemeente, declaratie, messageId: randomUUID() });

  it('one declaratie crossing two thresholds raises both, once, with the exact amount', async () => {
    const m = new CeilingMonitor(log, ring);
    const idx = index(10_000);
    const a = await db.transaction((tx) => m.registreer(tx, idx, bron('0153'), [p(7_499)]));
    expect(a).toEqual([]);
    const b = await db.transaction((tx) => m.registreer(tx, idx, bron('0164'), [p(1), p(1_500)]));
    expect(b).toEqual([
      { contract: 'TW-JH-2025-02', periode: '2026', drempel: 75, bedrag: 9_000, maximum: 10_000 },
      { contract: 'TW-JH-2025-02', periode: '2026', drempel: 90, bedrag: 9_000, maximum: 10_000 },
    ]);
    // A credit below 75 % and a debet above it again: no second alert.
    await db.transaction((tx) => m.registreer(tx, idx, bron('0153'), [p(-2_000)]));
    const c = await db.transaction((tx) => m.registreer(tx, idx, bron('0153'), [p(2_000)]));
    expect(c).toEqual([]);
    const r = await db.query<{ n: string }>("SELECT count(*) AS n FROM contract_alarmen WHERE soort = 'plafond'");
    expect(Number(r.rows[0]!.n)).toBe(2);
  });

  it('concurrent declaraties racing over the same threshold give exactly one alert and an exact standing', async () => {
    const m = new CeilingMonitor(log, ring);
    const idx = index(1_000_000);
    const gemeenten = ['0141', '0147', '1774', '0153', '0158', '0163', '0164', '1735', '0168', '0173'];
    const results = await Promise.all(gemeenten.map((g) => db.transaction((tx) => m.registreer(tx, idx, bron(g), [p(10_001), p(70_000)]))));
    const alle = results.flat();
    expect(alle.map((x) => x.drempel).sort()).toEqual([75]);
    const stand = await db.query<{ gedeclareerd: string }>("SELECT gedeclareerd FROM contract_standen WHERE contract_id = 'TW-JH-2025-02' AND periode = '2026'");
    expect(Number(stand.rows[0]!.gedeclareerd)).toBe(800_010);
  });

  it('a 325 records what was granted: everything except the prestaties it lists as afgewezen', async () => {
    const m = new CeilingMonitor(log, ring);
    const idx = index(1_000_000);
    const b = bron('0153', 'D-325');
    const [x, y] = [p(1_000), p(2_500)];
    await db.transaction((tx) => m.registreer(tx, idx, b, [x, y]));
    await db.transaction((tx) => m.registreerAntwoord(tx, b, true, new Set([y.referentie])));
    const stand = await db.query<{ toegekend: string }>("SELECT toegekend FROM contract_standen WHERE contract_id = 'TW-JH-2025-02' AND periode = '2026'");
    expect(Number(stand.rows[0]!.toegekend)).toBe(1_000);
    // A second 325 on the same declaratie changes nothing (already answered).
    await db.transaction((tx) => m.registreerAntwoord(tx, b, true, new Set()));
    const again = await db.query<{ toegekend: string }>("SELECT toegekend FROM contract_standen WHERE contract_id = 'TW-JH-2025-02' AND periode = '2026'");
    expect(Number(again.rows[0]!.toegekend)).toBe(1_000);
  });

  it('the alert webhook retries until the receiver accepts, and sends each alert once after that', async () => {
    const m = new CeilingMonitor(log, ring);
    await db.transaction((tx) => m.registreer(tx, index(100), bron('0153'), [p(80)]));
    const hook = new TestWebhook();
    hook.respond = (i) => ({ status: i <= 2 ? 503 : 200 });
    const url = await hook.start();
    const w = new AlarmWebhook(db, { url }, createLogger('silent'), 30);
    try {
      w.start();
      await waitFor(() => hook.accepted().length === 1);
      await new Promise((r) => setTimeout(r, 200));
      expect(hook.requests.length).toBe(3);
      expect(JSON.parse(hook.accepted()[0]!.body)).toEqual(expect.objectContaining({ id: 'plafond/TW-JH-2025-02/2026/75', drempel: 75, bedrag: 80, maximum: 100 }));
      expect(hook.accepted()[0]!.headers['webhook-id']).toBe('plafond/TW-JH-2025-02/2026/75');
    } finally {
      await w.stop();
      await hook.stop();
    }
  });
});

describe('the order of contract_standen updates', () => {
  // A 323 sorted its rows by contract id and period joined, with localeCompare; a 325 by code units
  // of "contract\0periode". For these ids the two orders differ, so a 323 and a 325 on the same
  // contracts could each hold a row the other waits for. Both now sort with standVolgorde.
  const rows: Array<[string, string]> = [['TW-10', '2026'], ['TW-1', 'totaal'], ['tw-2', '2026'], ['TW-1', '2026'], ['TW-2', '2026'], ['TW-10', 'totaal']];

  it('is by contract id, then period, in code units, whatever the locale', () => {
    const sorted = [...rows].sort((a, b) => standVolgorde(a[0], a[1], b[0], b[1]));
    expect(sorted).toEqual([['TW-1', '2026'], ['TW-1', 'totaal'], ['TW-10', '2026'], ['TW-10', 'totaal'], ['TW-2', '2026'], ['tw-2', '2026']]);
    // The same as the 325's key order, which the 323's old order was not.
    expect(sorted).toEqual([...rows].sort((a, b) => (`${a[0]}\u0000${a[1]}` < `${b[0]}\u0000${b[1]}` ? -1 : 1)));
    expect(sorted).not.toEqual([...rows].sort((a, b) => (a[0] + a[1]).localeCompare(b[0] + b[1])));
  });
});
