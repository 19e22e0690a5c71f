/**
 * Big documents do not block other parties (issues 13 and 14). A JW323 declaratie far above the
 * large-document threshold is parsed in slices, validated against the XSD and translated to JSON in
 * the document worker pool; its rules, the contract checks and the LDV records give the event loop
 * back as they go, and on PGlite long runs of statements do too. On both stores, in one run:
 * - the event loop's longest block while the big declaratie (80-200 times the small one) is processed
 *   stays under a bound derived from a SMALL declaratie's longest block measured in the same run:
 *   4 x small + 150 ms + the store's floor (writing the big bericht's bytes as one value, measured
 *   in the same run too: PGlite writes on this thread, about 50 ms per MiB; PostgreSQL next to 0). In one go the block grows with the document (10-30 times the small one's
 *   here); now it is 2-5 times. Robust on a loaded 2-core machine, where a process that is not
 *   scheduled looks like a block: a gap counts only the CPU time used in it, the small baseline is the largest of three runs, the big figure
 *   the smaller of two, so scheduling noise loosens the bound rather than failing it;
 * - small requests of another party complete while the big one is in progress (counted);
 * - the big declaratie is accepted and reaches the gemeente and the region, translated once.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { performance, PerformanceObserver } from 'node:perf_hooks';
import type { Gateway } from '../../src/gateway.js';
import { grooteDeclaratie, seedToewijzingen } from '../helpers/declaratie.js';
import { startGateway, testEnv, type QueueKind, type StoreKind } from '../helpers/gateway.js';
import { CONFIG, DEMO } from '../helpers/istandaarden.js';
import { waitFor } from '../helpers/webhook.js';
import { vandaagInNederland } from '../../src/util/vandaag.js';

const SMALL = 50;
/**
 * The big declaratie per store: on PostgreSQL 10,000 regels (the size of issue 14; in one go its
 * block was 230-600 ms against a bound of about 200); on PGlite 4,000, where writing the payload
 * itself is on this thread and grows with the document (in one go 3.2-4.0 s against about 1.6 s).
 */
const BIG: Record<StoreKind, number> = { postgres: 10_000, pglite: 4000 };
/**
 * The bound on the big declaratie's longest block: K x the small one's + MARGIN_MS (+ the store's floor).
 * On a loaded 2-core machine the block of a 10,000-line declaratie on PostgreSQL reads 190-340 ms
 * against a small one's 11-28 ms; without the worker pool and the paced rules it is 1-3 s.
 */
const K = 4;
const MARGIN_MS = 250;

/**
 * The longest time the event loop did not get round to a 1 ms ticker while `run` was busy, in ms
 * of the loop's own work (see below).
 */
async function longestBlock<T>(run: () => Promise<T>): Promise<{ ms: number; value: T; gcMs: number }> {
  // The event loop's active time between two ticks (performance.eventLoopUtilization), not the wall
  // time: a loaded machine that does not schedule this process adds wall time but no activity. Not
  // process.cpuUsage() either: that counts the document workers' threads, which run meanwhile by
  // design. And without the garbage collector's pauses: in `npm test` one jest process holds the
  // heaps of every suite before this one, and a full collection of that heap (3.3 s, twice, on a
  // clean-clone run, with 181 other requests answered meanwhile) is the test process's, not work
  // the document puts on the loop.
  const gcs: Array<{ start: number; end: number }> = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcs.push({ start: e.startTime, end: e.startTime + e.duration });
  });
  observer.observe({ entryTypes: ['gc'] });
  const gcIn = (from: number, to: number) => gcs.reduce((sum, g) => sum + Math.max(0, Math.min(to, g.end) - Math.max(from, g.start)), 0);
  let last = performance.now();
  let lastElu = performance.eventLoopUtilization();
  const gaps: Array<{ from: number; to: number; active: number }> = [];
  const gap = () => {
    const now = performance.now();
    const elu = performance.eventLoopUtilization();
    gaps.push({ from: last, to: now, active: Math.min(now - last, performance.eventLoopUtilization(elu, lastElu).active) });
    last = now;
    lastElu = elu;
  };
  const ticker = setInterval(gap, 1);
  try {
    const value = await run();
    gap();
    // GC entries arrive after the pause: settle them, then take each gap net of the pauses inside it.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const ms = Math.max(0, ...gaps.map((g) => g.active - gcIn(g.from, g.to)));
    return { ms, value, gcMs: Math.max(0, ...gcs.map((g) => g.end - g.start)) };
  } finally {
    clearInterval(ticker);
    observer.disconnect();
  }
}

const STORES: Array<{ store: StoreKind; queue: QueueKind }> = [
  { store: 'postgres', queue: 'bullmq' },
  { store: 'pglite', queue: 'in-process' },
];
const gateways = new Map<StoreKind, { gateway: Gateway; baseUrl: string }>();
let seq = 0;

async function declaratie(target: Gateway, regels: number): Promise<string> {
  seq++;
  const { xml, toewijzingen } = grooteDeclaratie({
    standaard: 'ijw', regels, afzender: '12345678', ontvanger: '0153',
    // At most 12 characters, and distinct in the first 11 (the DeclaratieNummer is 'D' + 11 of them).
    identificatie: `B${String(Date.now() % 1e6).padStart(6, '0')}${String(seq).padStart(4, '0')}`,
    dagtekening: vandaagInNederland(new Date()),
    // Prestatie references are unique per aanbieder over berichten (TR314): each declaratie its own range.
    eerste: seq * 100_000,
  });
  // Every declaratie its own toewijzingnummers would collide: seed what this one names.
  await seedToewijzingen(target.db, 'ijw', '0153', '12345678', toewijzingen);
  return xml;
}

async function post(url: string, xml: string): Promise<{ status: number; id: string | null; text: string }> {
  const res = await fetch(`${url}/istandaarden/v1/berichten`, {
    method: 'POST',
    headers: { 'content-type': 'application/xml', authorization: `Bearer ${DEMO.aanbiederA}` },
    body: xml,
  });
  return { status: res.status, id: res.headers.get('x-knooppunt-message-id'), text: await res.text() };
}

beforeAll(async () => {
  for (const { store, queue } of STORES) {
    gateways.set(store, await startGateway(await testEnv(store, queue, CONFIG, { KNOOPPUNT_LARGE_DOCUMENT_BYTES: String(256 * 1024) })));
  }
}, 120_000);

afterAll(async () => {
  for (const g of gateways.values()) await g.gateway.close();
});

describe.each(STORES)('a big declaratie next to other traffic ($store)', ({ store }) => {
  it('blocks the event loop at most a few times as long as a small one, and lets small requests through meanwhile', async () => {
    const { gateway, baseUrl } = gateways.get(store)!;
    // Warm up (XSD compilation, JIT, the first worker).
    const warm = await post(baseUrl, await declaratie(gateway, SMALL));
    expect([warm.status, warm.status === 202 ? '' : warm.text]).toEqual([202, '']);
    const smallBlocks: number[] = [];
    for (let i = 0; i < 3; i++) {
      const small = await declaratie(gateway, SMALL);
      expect(Buffer.byteLength(small)).toBeLessThan(256 * 1024);
      const { ms, value } = await longestBlock(() => post(baseUrl, small));
      expect([value.status, value.status === 202 ? '' : value.text]).toEqual([202, '']);
      smallBlocks.push(ms);
    }
    const smallBlock = Math.max(...smallBlocks);

    const bigBlocks: number[] = [];
    const bigGcs: number[] = [];
    let smallDuring = 0;
    let firstBig: string | null = null;
    let bigBytes = 0;
    for (let i = 0; i < 2; i++) {
      const big = await declaratie(gateway, BIG[store]);
      bigBytes = Buffer.byteLength(big);
      expect(Buffer.byteLength(big) / Buffer.byteLength(await declaratie(gateway, SMALL))).toBeGreaterThan(60);
      // The big one, with a small request from another party every 25 ms until it is answered.
      let bigDone = false;
      const others = (async () => {
        while (!bigDone) {
          const ok = await fetch(`${baseUrl}/api/v1/mailbox?pageSize=1`, { headers: { authorization: `Bearer ${DEMO.enschede}`, connection: 'close' } }).then(
            async (r) => (await r.arrayBuffer(), r.status === 200),
            () => false,
          );
          if (!bigDone && ok) smallDuring++;
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
      })();
      const { ms, value: answer, gcMs } = await longestBlock(async () => {
        try {
          return await post(baseUrl, big);
        } finally {
          bigDone = true;
        }
      });
      await others;
      expect(answer.status).toBe(202);
      firstBig ??= answer.id;
      bigBlocks.push(ms);
      bigGcs.push(gcMs);
    }
    const bigBlock = Math.min(...bigBlocks);
    // The store's own floor, measured here too: writing the big bericht's bytes as one value. PGlite
    // runs every statement on this thread (about 50 ms per MiB), and a payload is one value; on
    // PostgreSQL this is a round trip and costs the event loop next to nothing.
    await gateway.db.query('CREATE TABLE IF NOT EXISTS test_payload_floor (id serial PRIMARY KEY, b bytea)');
    const bytes = Buffer.alloc(bigBytes, 7);
    const floors: number[] = [];
    for (let i = 0; i < 2; i++) floors.push((await longestBlock(() => gateway.db.query('INSERT INTO test_payload_floor (b) VALUES ($1)', [bytes]))).ms);
    const floor = Math.min(...floors);
    const bound = K * smallBlock + MARGIN_MS + floor;
    // eslint-disable-next-line no-console
    console.log(`${store}: longest event-loop block, small declaratie (${SMALL} regels) ${smallBlocks.map((b) => b.toFixed(0)).join('/')} ms; big (${BIG[store]} regels) ${bigBlocks.map((b) => b.toFixed(0)).join('/')} ms; bound ${K} x ${smallBlock.toFixed(0)} + ${MARGIN_MS} + store floor ${floor.toFixed(0)} = ${bound.toFixed(0)} ms; ${smallDuring} other requests answered meanwhile; longest GC pause during the big ones ${bigGcs.map((g) => g.toFixed(0)).join('/')} ms`);
    expect(bigBlock).toBeLessThan(bound);
    expect(smallDuring).toBeGreaterThanOrEqual(5);

    // Accepted, delivered to the gemeente and the region, from one translation.
    await waitFor(async () => {
      const r = await gateway.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM deliveries WHERE message_id = $1 AND status = 'delivered'`, [firstBig]);
      return r.rows[0]!.n >= 2;
    }, 120_000, 100);
    const mapped = await gateway.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM payloads WHERE message_id = $1 AND kind = 'mapped'`, [firstBig]);
    expect(mapped.rows[0]!.n).toBe(1);
  }, 300_000);
});
