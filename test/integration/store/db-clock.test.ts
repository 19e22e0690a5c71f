/**
 * One clock, the database's: a gateway process whose own clock runs an hour fast still logs events
 * at the database's time and schedules a retry one backoff from the database's now (the clock that
 * decides due-ness), not an hour late.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConsoleJobs } from '../../../src/console/jobs.js';
import { ContractVersies } from '../../../src/contracten/versies.js';
import { DeliveryService } from '../../../src/delivery/delivery-service.js';
import { outbox } from '../../../src/delivery/outbox.js';
import { ExchangeLog } from '../../../src/log/exchange-log.js';
import { createLogger } from '../../../src/ops/logger.js';
import type { Db } from '../../../src/store/db.js';
import { dbNow } from '../../../src/store/clock.js';
import { STORE_CASES } from '../../helpers/stores.js';
import { insertMessage, testRing } from '../log/fixtures.js';

const HOUR = 3_600_000;
const BACKOFF = 50;

/** Fakes only Date (timers, performance and I/O stay real): this process's wall clock is an hour fast. */
function processClockFast(ms: number): void {
  jest.useFakeTimers({
    now: Date.now() + ms,
    doNotFake: ['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'],
  });
}

describe.each(STORE_CASES)('database clock on $name', ({ open }) => {
  let db: Db;
  let log: ExchangeLog;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    db = await open();
    log = new ExchangeLog(db, testRing());
    server = createServer((_req, res) => res.writeHead(503).end('busy'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  afterEach(() => {
    jest.useRealTimers();
  });
  afterAll(async () => {
    await db.close();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('an event is stamped with the database time, not the fast process clock', async () => {
    processClockFast(HOUR);
    const ev = await log.appendNow({ messageId: null, eventType: 'admin_action', detail: { action: 'clock-test' } });
    const now = await dbNow(db);
    expect(ev.occurredAt.getTime()).toBeLessThanOrEqual(now.getTime());
    expect(now.getTime() - ev.occurredAt.getTime()).toBeLessThan(HOUR / 2);
    const [stored] = await log.events({ eventType: 'admin_action', limit: 10_000 }).then((evs) => evs.filter((e) => e.id === ev.id));
    expect(stored!.occurredAt.toISOString()).toBe(ev.occurredAt.toISOString());
  });

  it('a retry is scheduled one backoff after the database now, and the attempt is stamped on its clock', async () => {
    const messageId = await insertMessage(db);
    const payload = await db.transaction((tx) => log.storePayload(tx, { messageId, kind: 'mapped', contentType: 'application/json', content: Buffer.from('{}') }));
    const deliveryId = await db.transaction((tx) =>
      outbox.insert(tx, { messageId, routeId: 'r', destinationId: 'hook', payloadId: payload.id, maxAttempts: 5, backoffMs: BACKOFF, orderingKey: null }),
    );
    const service = new DeliveryService(db, log, { get: () => ({ id: 'hook', type: 'webhook', url, party: 'p', timeoutMs: 2000 }) as never }, createLogger('silent'), {}, { leaseMarginMs: 1000 });
    processClockFast(HOUR);
    const out = await service.attempt(deliveryId);
    expect(out.kind).toBe('retry');
    if (out.kind !== 'retry') return;
    const now = await dbNow(db);
    const row = await outbox.get(db, deliveryId);
    // Due within a few backoffs of the database's now, not an hour later.
    expect(row!.nextAttemptAt.getTime() - now.getTime()).toBeLessThan(HOUR / 2);
    expect(out.at.getTime()).toBe(row!.nextAttemptAt.getTime());
    expect(out.delayMs).toBeLessThanOrEqual(BACKOFF * 2);
    const events = await log.eventsForMessage(messageId);
    const attempted = events.find((e) => e.eventType === 'delivery_attempted')!;
    expect(attempted.occurredAt.getTime()).toBeLessThanOrEqual(now.getTime());
    expect(attempted.detail.nextAttemptAt).toBe(row!.nextAttemptAt.toISOString());
    const attempts = await db.query<{ started_at: Date }>('SELECT started_at FROM delivery_attempts WHERE delivery_id = $1', [deliveryId]);
    expect(now.getTime() - new Date(attempts.rows[0]!.started_at).getTime()).toBeLessThan(HOUR / 2);
    expect(now.getTime() - new Date(attempts.rows[0]!.started_at).getTime()).toBeGreaterThanOrEqual(0);
  });

  it('a console job of this process is not judged stale by the fast process clock', async () => {
    const jobs = new ConsoleJobs(db, createLogger('silent'));
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    processClockFast(HOUR);
    const job = await jobs.start('redeliver', { id: 'beheerder', role: 'beheerder' as never }, {}, async () => {
      await held;
      return {};
    });
    // Its heartbeat is seconds old on the database's clock: still running, not 'interrupted'.
    expect((await jobs.get(job.id))!.status).toBe('running');
    release();
    await jobs.idle();
  });

  it('a contract register version takes effect at the database time', async () => {
    const versies = new ContractVersies(db, log);
    processClockFast(HOUR);
    const meta = await versies.nieuweVersie({ contracten: [], wasWordt: [] }, 'beheerder', 'api', 'register-geladen');
    const now = await dbNow(db);
    expect(now.getTime() - new Date(meta.geldigVanaf).getTime()).toBeLessThan(HOUR / 2);
    expect(now.getTime() - new Date(meta.geldigVanaf).getTime()).toBeGreaterThanOrEqual(0);
  });
});
