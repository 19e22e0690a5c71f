import { randomUUID } from 'node:crypto';
import { DuplicateMessageError, GROOT_ITEM_BYTES, GroupCommitWriter, type WriteItem } from '../../src/core/group-commit.js';
import type { QueuedDelivery } from '../../src/delivery/outbox.js';
import { ExchangeLog } from '../../src/log/exchange-log.js';
import { verifyLog } from '../../src/log/verify.js';
import { createLogger } from '../../src/ops/logger.js';
import type { Db } from '../../src/store/db.js';
import { DRIVER_CASES, KEYS, post, startGateway, testConfig, testEnv, toewijzing, writeConfig } from '../helpers/gateway.js';
import { STORE_CASES } from '../helpers/stores.js';
import { TestWebhook, waitFor } from '../helpers/webhook.js';
import { BSN_A, testRing } from './log/fixtures.js';

function item(log: ExchangeLog, opts: { sender?: string; senderMessageId?: string; hook?: WriteItem['hooks'][number]; bytes?: number } = {}): WriteItem {
  const id = randomUUID();
  const content = Buffer.from(JSON.stringify({ n: id, ...(opts.bytes ? { pad: 'x'.repeat(opts.bytes) } : {}) }));
  const slot = { draft: { messageId: id, kind: 'raw' as const, contentType: 'application/json', content } };
  return {
    message: {
      id, senderMessageId: opts.senderMessageId ?? id, correlationId: id, channel: 'rest', standard: 'json', messageType: 'toewijzing',
      version: null, sender: opts.sender ?? 'gemeente-0153', receiver: 'aanbieder-12345678', routeId: 'r', status: 'routed', error: null,
    },
    references: [{ kind: 'sender_message_id', value: opts.senderMessageId ?? id }],
    payloads: [slot],
    subjectHashes: log.subjectHashes([BSN_A]),
    deliveries: [{ routeId: 'r', destinationId: 'webhook-a', payload: slot, maxAttempts: 3, backoffMs: 10, orderingKey: null }],
    events: [log.prepare({ messageId: id, eventType: 'received', detail: { size: content.length } }), log.prepare({ messageId: id, eventType: 'routed', detail: {} })],
    hooks: opts.hook ? [opts.hook] : [],
  };
}

describe.each(STORE_CASES)('group commit writer ($name)', ({ name, open }) => {
  let db: Db;
  let log: ExchangeLog;
  let writer: GroupCommitWriter;
  const enqueued: QueuedDelivery[][] = [];

  beforeAll(async () => {
    db = await open();
    log = new ExchangeLog(db, testRing());
    writer = new GroupCommitWriter({ db, log, logger: createLogger('silent'), onCommitted: async (d) => void enqueued.push(d) });
  });
  afterAll(async () => db.close());

  const count = async (sql: string, params: unknown[] = []) => Number((await db.query<{ n: number }>(sql, params)).rows[0]!.n);

  it('writes concurrent items together, one batch per transaction, events chained in order', async () => {
    const items = Array.from({ length: 40 }, () => item(log));
    const results = await Promise.all(items.map((it) => writer.write(it)));
    expect(results.every((r) => r.deliveries.length === 1)).toBe(true);
    // The first item goes alone (the writer was idle), the other 39 wait and go together.
    expect(writer.stats.batches).toBeLessThanOrEqual(3);
    expect(await count('SELECT count(*)::int AS n FROM messages')).toBe(40);
    expect(await count('SELECT count(*)::int AS n FROM deliveries')).toBe(40);
    expect(await count('SELECT count(*)::int AS n FROM message_subjects')).toBe(40);
    expect(await count('SELECT count(*)::int AS n FROM exchange_events')).toBe(80);
    // Each item's events are adjacent and in its own order.
    for (const it of items) {
      const ev = await log.eventsForMessage(it.message.id);
      expect(ev.map((e) => e.eventType)).toEqual(['received', 'routed']);
      expect(ev[1]!.seq).toBe(ev[0]!.seq + 1);
    }
    // The payloads decrypt (the row id reserved before encrypting is the row's id).
    const p = await db.query<{ id: number }>('SELECT id FROM payloads WHERE message_id = $1', [items[7]!.message.id]);
    expect((await log.readPayload(Number(p.rows[0]!.id)))?.content?.toString()).toContain(items[7]!.message.id);
    expect(enqueued.flat().length).toBe(40);
    expect((await verifyLog(db)).ok).toBe(true);
  });

  it('a batch with one failing item and one duplicate answers every other item correctly', async () => {
    const before = await count('SELECT count(*)::int AS n FROM messages');
    const fallbacksBefore = writer.stats.fallbacks;
    const first = item(log);
    const good = Array.from({ length: 10 }, () => item(log));
    const failing = item(log, { hook: async (tx) => void (await tx.query('SELECT 1 / 0')) });
    const original = item(log, { senderMessageId: 'same-id' });
    const duplicate = item(log, { senderMessageId: 'same-id' });
    // The first keeps the writer busy, so the rest are queued into one batch behind it.
    const p0 = writer.write(first);
    const settled = await Promise.allSettled([...good.slice(0, 5), failing, original, duplicate, ...good.slice(5)].map((it) => writer.write(it)));
    await p0;
    const byItem = new Map([...good.slice(0, 5), failing, original, duplicate, ...good.slice(5)].map((it, i) => [it, settled[i]!]));
    for (const g of good) expect(byItem.get(g)!.status).toBe('fulfilled');
    expect(byItem.get(original)!.status).toBe('fulfilled');
    const fail = byItem.get(failing)!;
    expect(fail.status).toBe('rejected');
    expect(((fail as PromiseRejectedResult).reason as Error).message).toMatch(/division by zero/);
    const dup = byItem.get(duplicate)!;
    expect(dup.status).toBe('rejected');
    expect((dup as PromiseRejectedResult).reason).toBeInstanceOf(DuplicateMessageError);
    expect(writer.stats.fallbacks).toBe(fallbacksBefore + 1);
    // Everything of the good ones, nothing of the failing one or the duplicate.
    expect(await count('SELECT count(*)::int AS n FROM messages')).toBe(before + 12);
    for (const it of [failing, duplicate]) {
      expect(await count('SELECT count(*)::int AS n FROM messages WHERE id = $1', [it.message.id])).toBe(0);
      expect(await count('SELECT count(*)::int AS n FROM payloads WHERE message_id = $1', [it.message.id])).toBe(0);
      expect(await count('SELECT count(*)::int AS n FROM exchange_events WHERE message_id = $1', [it.message.id])).toBe(0);
    }
    for (const it of [...good, original]) expect((await log.eventsForMessage(it.message.id)).length).toBe(2);
    expect((await verifyLog(db)).ok).toBe(true);
  });

  it('an item whose transaction the database aborts for a deadlock is written again; other errors are not', async () => {
    const retriesBefore = writer.stats.retries;
    let calls = 0;
    const deadlock = Object.assign(new Error('deadlock detected'), { code: '40P01' });
    const once = item(log, { bytes: GROOT_ITEM_BYTES, hook: async () => { if (calls++ === 0) throw deadlock; } });
    await expect(writer.write(once)).resolves.toEqual(expect.objectContaining({ deliveries: expect.any(Array) }));
    expect(calls).toBe(2);
    expect(writer.stats.retries).toBe(retriesBefore + 1);
    expect((await log.eventsForMessage(once.message.id)).length).toBe(2);
    // Always a deadlock: given up after three tries, with the database's error.
    const always = item(log, { bytes: GROOT_ITEM_BYTES, hook: async () => { throw deadlock; } });
    await expect(writer.write(always)).rejects.toThrow('deadlock detected');
    expect(writer.stats.retries).toBe(retriesBefore + 3);
    const other = item(log, { bytes: GROOT_ITEM_BYTES, hook: async (tx) => void (await tx.query('SELECT 1 / 0')) });
    await expect(writer.write(other)).rejects.toThrow(/division by zero/);
    expect(writer.stats.retries).toBe(retriesBefore + 3);
    expect(await count('SELECT count(*)::int AS n FROM messages WHERE id = ANY($1::uuid[])', [[always.message.id, other.message.id]])).toBe(0);
  });

  it('a large item has a transaction of its own: on PostgreSQL small items commit while it is still open', async () => {
    const largeBefore = writer.stats.large;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let inTransaction = false;
    const large = item(log, { bytes: GROOT_ITEM_BYTES, hook: async () => ((inTransaction = true), await gate) });
    const pLarge = writer.write(large);
    await waitFor(async () => inTransaction, 10_000, 5);
    const small = Array.from({ length: 3 }, () => item(log));
    const pSmall = Promise.all(small.map((it) => writer.write(it)));
    if (name === 'postgres') {
      // Without the second lane the small ones wait behind the large one's open transaction.
      const first = await Promise.race([pSmall.then(() => 'committed'), new Promise((resolve) => setTimeout(() => resolve('waiting'), 5_000))]);
      expect(first).toBe('committed');
      expect(await count('SELECT count(*)::int AS n FROM messages WHERE id = $1', [large.message.id])).toBe(0);
    }
    // PGlite has one connection: there the small ones commit after the large one.
    release();
    await Promise.all([pLarge, pSmall]);
    expect(writer.stats.large).toBe(largeBefore + 1);
    for (const it of [large, ...small]) expect((await log.eventsForMessage(it.message.id)).length).toBe(2);
    expect((await verifyLog(db)).ok).toBe(true);
  });
});

describe.each(DRIVER_CASES.filter((c) => (c.store === 'pglite') === (c.queue === 'in-process')))('group commit under concurrent load ($store + $queue)', ({ store, queue }) => {
  const webhook = new TestWebhook();
  let close: (() => Promise<void>) | undefined;
  afterAll(async () => {
    await close?.();
    await webhook.stop();
  });

  it('every acknowledged message is committed, delivered once per destination, in order per receiver and citizen', async () => {
    const url = await webhook.start();
    const env = await testEnv(store, queue, writeConfig(testConfig(url)), { KNOOPPUNT_RATE_LIMIT_PER_MINUTE: '0', KNOOPPUNT_DELIVERY_CONCURRENCY: '8' });
    const { gateway, baseUrl } = await startGateway(env);
    close = () => gateway.close();
    const run = `gc-${store}-${Date.now()}`;
    const bsns = ['999993653', '999990627', '999998456'];
    const N = 120;
    let next = 0;
    const acked: string[] = [];
    await Promise.all(Array.from({ length: 16 }, async () => {
      while (next < N) {
        const i = next++;
        const res = await post(baseUrl, KEYS.enschede, toewijzing(`${run}-${i}`, { bsn: bsns[i % 3], receiver: i % 2 ? 'aanbieder-12345678' : 'aanbieder-87654321' }));
        expect(res.status).toBe(202);
        acked.push(res.json.id as string);
      }
    }));
    // Batched: fewer transactions than messages.
    expect(gateway.pipeline.writer.stats.batches).toBeLessThan(N);
    const committed = await gateway.db.query<{ id: string }>(`SELECT id FROM messages WHERE id = ANY($1::uuid[])`, [acked]);
    expect(committed.rows.length).toBe(N);
    await waitFor(async () => {
      const r = await gateway.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM deliveries WHERE status = 'delivered' AND message_id = ANY($1::uuid[])`, [acked]);
      return r.rows[0]!.n === N;
    }, 120000, 100);
    const rows = await gateway.db.query<{ id: string; seq: number; ordering_key: string; destination_id: string; delivered_at: Date }>(
      `SELECT id, seq, ordering_key, destination_id, delivered_at FROM deliveries WHERE message_id = ANY($1::uuid[]) ORDER BY seq`,
      [acked],
    );
    // Exactly once per destination, by Idempotency-Key (the delivery id).
    const webhookRows = rows.rows.filter((r) => r.destination_id === 'webhook-aanbieder-a');
    const keys = webhook.accepted().map((r) => String(r.headers['idempotency-key']));
    expect(keys.length).toBe(webhookRows.length);
    expect(new Set(keys).size).toBe(keys.length);
    // In order per receiver and citizen: arrival order of each ordering key follows outbox order.
    const seqOf = new Map(rows.rows.map((r) => [r.id, r]));
    const lastSeq = new Map<string, number>();
    for (const k of keys) {
      const r = seqOf.get(k)!;
      expect(r.seq).toBeGreaterThan(lastSeq.get(r.ordering_key) ?? 0);
      lastSeq.set(r.ordering_key, r.seq);
    }
    const lastAt = new Map<string, number>();
    for (const r of rows.rows.filter((x) => x.destination_id !== 'webhook-aanbieder-a')) {
      expect(r.delivered_at.getTime()).toBeGreaterThanOrEqual(lastAt.get(r.ordering_key) ?? 0);
      lastAt.set(r.ordering_key, r.delivered_at.getTime());
    }
    expect((await verifyLog(gateway.db)).ok).toBe(true);
  });
});
