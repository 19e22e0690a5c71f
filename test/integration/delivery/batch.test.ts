/**
 * Delivery in batches: one claim, one read per kind and one outcome transaction for many deliveries;
 * one receiver's and citizen's deliveries in one batch go one after the other in outbox order; a
 * retry stops its run and puts what follows back in line unattempted; a delivery claimed elsewhere
 * is skipped, not waited for.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DestinationConfig } from '../../../src/config/types.js';
import { DeliveryService } from '../../../src/delivery/delivery-service.js';
import { outbox } from '../../../src/delivery/outbox.js';
import { ExchangeLog } from '../../../src/log/exchange-log.js';
import { verifyLog } from '../../../src/log/verify.js';
import { createLogger } from '../../../src/ops/logger.js';
import type { Db, Queryable } from '../../../src/store/db.js';
import { STORE_CASES } from '../../helpers/stores.js';
import { ProcessingActivities } from '../../../src/chain/ldv/activities.js';
import { LdvRecorder } from '../../../src/chain/ldv/records.js';
import { testConfig } from '../../helpers/gateway.js';
import { insertMessage, testRing } from '../log/fixtures.js';

describe.each(STORE_CASES)('delivery in batches ($name)', ({ open }) => {
  let db: Db;
  let log: ExchangeLog;
  let server: Server;
  let service: DeliveryService;
  let destinations: Map<string, DestinationConfig>;
  const ring = testRing();
  /** Idempotency-Keys in arrival order; `status` decides each answer. */
  let arrived: string[] = [];
  let status: (key: string) => number = () => 200;

  beforeAll(async () => {
    db = await open();
    log = new ExchangeLog(db, ring);
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const key = String(req.headers['idempotency-key']);
        arrived.push(key);
        // A little jitter: without the run, later deliveries of one key would overtake earlier ones.
        setTimeout(() => res.writeHead(status(key)).end('ok'), Math.floor(Math.random() * 15));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    destinations = new Map<string, DestinationConfig>([['hook', { id: 'hook', type: 'webhook', url, timeoutMs: 5000 }]]);
    service = new DeliveryService(db, log, destinations, createLogger('silent'), {}, { leaseMarginMs: 1000 });
  });
  beforeEach(() => {
    arrived = [];
    status = () => 200;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    await db.close();
  });

  /** `n` messages with one webhook delivery each, under the given ordering keys (round robin). */
  async function deliveries(n: number, keys: Array<string | null>): Promise<string[]> {
    return db.transaction(async (tx) => {
      const ids: string[] = [];
      for (let i = 0; i < n; i++) {
        const messageId = await insertMessage(tx, { senderMessageId: randomUUID() });
        await tx.query(`UPDATE messages SET status = 'routed' WHERE id = $1`, [messageId]);
        const payload = await log.storePayload(tx, { messageId, kind: 'mapped', contentType: 'application/json', content: Buffer.from(`{"n":${i}}`) });
        ids.push(await outbox.insert(tx, { messageId, routeId: 'r', destinationId: 'hook', payloadId: payload.id, maxAttempts: 3, backoffMs: 60_000, orderingKey: keys[i % keys.length]! }));
      }
      return ids;
    });
  }

  /** Counts the statements the service sends (every query, and BEGIN/COMMIT of each transaction). */
  function counting(): { db: Db; count: () => number; inTransactions: string[] } {
    let n = 0;
    const inTransactions: string[] = [];
    const wrap = (q: Queryable): Queryable => ({ query: (sql, params) => (n++, inTransactions.push(sql), q.query(sql, params)) });
    const counted = Object.create(db) as Db;
    counted.query = ((sql: string, params?: unknown[]) => (n++, db.query(sql, params))) as Db['query'];
    counted.transaction = (<T>(fn: (tx: Queryable) => Promise<T>) => ((n += 2), db.transaction((tx) => fn(wrap(tx))))) as Db['transaction'];
    return { db: counted, count: () => n, inTransactions };
  }

  it('thirty-two deliveries under four ordering keys: all delivered in one batch, in outbox order per key, with a fixed number of statements', async () => {
    const keys = ['k1', 'k2', 'k3', 'k4'].map((k) => `${k}-${randomUUID()}`);
    const ids = await deliveries(32, keys);
    const c = counting();
    const counted = new DeliveryService(c.db, new ExchangeLog(c.db, ring), destinations, createLogger('silent'));
    const out = await counted.attemptMany(ids);
    expect([...out.outcomes.values()].every((o) => o.kind === 'delivered')).toBe(true);
    // One batch of any size: a handful of statements (claim, reads, one transaction, next in line), not a dozen per delivery.
    // The transaction: BEGIN, mailbox + attempts + new states in one, the message statuses (lock, update), the chain head, the events with the head's move, COMMIT.
    expect(c.count()).toBeLessThanOrEqual(14);
    // Per key, arrival order is outbox order.
    const seq = new Map((await db.query<{ id: string; seq: number; ordering_key: string }>('SELECT id, seq, ordering_key FROM deliveries WHERE id = ANY($1::uuid[])', [ids])).rows.map((r) => [r.id, r]));
    const last = new Map<string, number>();
    for (const key of arrived) {
      const r = seq.get(key)!;
      expect(Number(r.seq)).toBeGreaterThan(last.get(r.ordering_key) ?? 0);
      last.set(r.ordering_key, Number(r.seq));
    }
    expect(arrived.length).toBe(32);
    const statuses = await db.query<{ status: string }>('SELECT DISTINCT m.status FROM messages m JOIN deliveries d ON d.message_id = m.id WHERE d.id = ANY($1::uuid[])', [ids]);
    expect(statuses.rows).toEqual([{ status: 'delivered' }]);
    expect((await verifyLog(db)).ok).toBe(true);
  });

  it('the LDV hook is given what the batch read: nothing about the messages is read back while the chain head is held', async () => {
    const ids = await deliveries(4, [null]);
    const subjects = await db.transaction(async (tx) => {
      const rows = await tx.query<{ message_id: string }>('SELECT message_id FROM deliveries WHERE id = ANY($1::uuid[])', [ids]);
      for (const r of rows.rows) await log.recordSubjects(tx, r.message_id, ['999993653']);
      return rows.rows.length;
    });
    expect(subjects).toBe(4);
    const c = counting();
    const withLdv = new ExchangeLog(c.db, ring);
    const activities = new ProcessingActivities(db, 'https://knooppunt.test');
    await activities.sync(testConfig('http://127.0.0.1:9'), 30);
    const ldv = new LdvRecorder(activities);
    withLdv.onAppendBatch((tx, events, context) => ldv.onEvents(tx, events, context));
    const counted = new DeliveryService(c.db, withLdv, destinations, createLogger('silent'));
    const out = await counted.attemptMany(ids);
    expect([...out.outcomes.values()].every((o) => o.kind === 'delivered')).toBe(true);
    expect(c.inTransactions.some((q) => q.includes('INSERT INTO ldv_records'))).toBe(true);
    expect(c.inTransactions.filter((q) => /FROM messages m|FROM message_subjects/.test(q))).toEqual([]);
    // Two records (attempt, delivered) per delivery, each under the message's subject.
    const r = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM ldv_records l JOIN deliveries d ON d.message_id = l.message_id WHERE d.id = ANY($1::uuid[])', [ids]);
    expect(r.rows[0]!.n).toBe(4 * 2);
  });

  it('the reconciler is handed only the first open delivery of each ordering key (the others cannot be claimed yet)', async () => {
    // Earlier tests' deliveries are done; these are the only open ones.
    await db.query(`UPDATE deliveries SET status = 'delivered' WHERE status IN ('pending', 'in_flight')`);
    const keys = ['a', 'b', 'c'].map((k) => `${k}-${randomUUID()}`);
    const keyed = await deliveries(15, keys);
    const loose = await deliveries(2, [null]);
    const due = (await outbox.due(db, 1000)).map((d) => d.id);
    // The first three (one per key, round robin) and the two without a key.
    expect(due.sort()).toEqual([...keyed.slice(0, 3), ...loose].sort());
    // Once a key's first is done, its second is next.
    await db.query(`UPDATE deliveries SET status = 'delivered' WHERE id = $1`, [keyed[0]]);
    const after = (await outbox.due(db, 1000)).map((d) => d.id);
    expect(after).toContain(keyed[3]);
    expect(after).not.toContain(keyed[0]);
    expect(after).not.toContain(keyed[6]);
    // A first one in flight under a live lease holds back the rest of its key.
    await db.query(`UPDATE deliveries SET status = 'in_flight', lease_until = now() + interval '1 hour' WHERE id = $1`, [keyed[1]]);
    expect((await outbox.due(db, 1000)).map((d) => d.id)).not.toContain(keyed[4]);
    await db.query(`UPDATE deliveries SET status = 'delivered' WHERE status IN ('pending', 'in_flight')`);
  });

  it('a retry stops its run: what follows under that key goes back in line unattempted, other keys go on', async () => {
    const [a, b] = [`a-${randomUUID()}`, `b-${randomUUID()}`];
    const ids = await deliveries(6, [a, b]);
    // ids[0], [2], [4] are key a; the first of them fails (503, retried), so [2] and [4] must wait.
    status = (key) => (key === ids[0] ? 503 : 200);
    const out = await service.attemptMany(ids);
    expect(out.outcomes.get(ids[0]!)!.kind).toBe('retry');
    expect(out.outcomes.get(ids[2]!)!.kind).toBe('not-claimed');
    expect(out.outcomes.get(ids[4]!)!.kind).toBe('not-claimed');
    for (const i of [1, 3, 5]) expect(out.outcomes.get(ids[i]!)!.kind).toBe('delivered');
    expect(arrived.filter((k) => [ids[2], ids[4]].includes(k))).toEqual([]);
    const rows = new Map((await outbox.forMessage(db, (await outbox.get(db, ids[2]!))!.messageId)).map((r) => [r.id, r]));
    expect(rows.get(ids[2]!)).toMatchObject({ status: 'pending', attempts: 0 });
    const attempts = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM delivery_attempts WHERE delivery_id = ANY($1::uuid[])', [[ids[2], ids[4]]]);
    expect(attempts.rows[0]!.n).toBe(0);
    // Still blocked behind the retry, also when asked again.
    expect((await service.attemptMany([ids[2]!, ids[4]!])).outcomes.get(ids[2]!)!.kind).toBe('not-claimed');
  });

  it('a dead letter does not stop its run, and the next ones in line are named for the queue', async () => {
    const key = `d-${randomUUID()}`;
    const ids = await deliveries(3, [key]);
    const later = await deliveries(2, [key]);
    status = (k) => (k === ids[0] ? 400 : 200);
    const out = await service.attemptMany(ids);
    expect(ids.map((id) => out.outcomes.get(id)!.kind)).toEqual(['dead_letter', 'delivered', 'delivered']);
    expect(arrived).toEqual(ids);
    expect(out.next.map((n) => n.id)).toEqual(later);
  });

  it('a delivery already taken by another worker is skipped, not waited for and not sent twice', async () => {
    const ids = await deliveries(4, [null]);
    const [first, second] = await Promise.all([service.attemptMany(ids), service.attemptMany(ids)]);
    const kinds = ids.map((id) => [first.outcomes.get(id)!.kind, second.outcomes.get(id)!.kind].sort().join('+'));
    expect(kinds.every((k) => k === 'delivered+not-claimed')).toBe(true);
    expect(arrived.sort()).toEqual([...ids].sort());
  });
});
