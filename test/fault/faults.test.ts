import { afterAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import type { GatewayEnv } from '../../src/config/env.js';
import type { Gateway } from '../../src/gateway.js';
import type { Db } from '../../src/store/db.js';
import { PgliteDb } from '../../src/store/pglite.js';
import { ChildGateway } from '../helpers/child-gateway.js';
import { KEYS, startGateway, testConfig, testEnv, toewijzing, writeConfig, type QueueKind, type StoreKind } from '../helpers/gateway.js';
import { TEST_PG_URL } from '../helpers/stores.js';
import { TestWebhook, waitFor, type ReceivedRequest } from '../helpers/webhook.js';

/**
 * Fault injection with counts. Each scenario streams N toewijzingen through the REST channel while
 * one fault happens, then checks the destination's ledger against what the gateway acknowledged.
 *
 * Definitions (what the destination sees, de-duplicating by Idempotency-Key = delivery id):
 * - acknowledged: a submission answered 202 (or 200 `duplicate` for a resubmission of the same
 *   sender id and bytes, i.e. the gateway confirming an earlier accept). 5xx and connection errors
 *   are not acknowledged; the client resubmits the same message (same sender id, same bytes).
 * - processed receipt: a request the destination answered 2xx, even if the gateway had already
 *   given up on it (a timeout): the destination did process it.
 * - delivered unique: acknowledged messages (gateway ids) with at least one processed receipt.
 * - lost: acknowledged messages with no processed receipt once the outbox has drained.
 * - duplicated: a message delivered under two delivery ids (two Idempotency-Keys for one
 *   x-knooppunt-message-id), one sender message id delivered or acknowledged under two gateway ids
 *   (accepted twice), or a delivery id (Idempotency-Key) carrying two different messages.
 *   Extra receipts that repeat the same Idempotency-Key are at-least-once retries and are allowed;
 *   they show in "raw receipts" (every request the destination got, whatever it answered).
 */

const N = Number(process.env.FAULT_N ?? 300);
const LOG_LEVEL = process.env.FAULT_LOG_LEVEL ?? 'silent';
const sh = promisify(execFile);

// ---------------------------------------------------------------------------------------------
// The machine's services (see the node-svc machine notes): PostgreSQL cluster and Redis.

const PG_VERSION = readdirSync('/etc/postgresql').sort().at(-1)!;
const REDIS_START_ARGS = [
  '--daemonize', 'yes', '--bind', '127.0.0.1', '-::1', '--port', '6379', '--save', '', '--appendonly', 'no',
  '--dir', '/var/lib/redis', '--logfile', '/var/log/redis/ci.log',
];

async function pgctl(action: 'start' | 'stop' | 'restart'): Promise<void> {
  await sh('pg_ctlcluster', ['--skip-systemctl-redirect', PG_VERSION, 'main', action]);
}

async function pgAnswers(): Promise<boolean> {
  const client = new pg.Client({ connectionString: TEST_PG_URL, connectionTimeoutMillis: 2000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** PostgreSQL is up and answering when this resolves, whatever a scenario did to it. */
async function ensurePostgres(): Promise<void> {
  if (await pgAnswers()) return;
  await pgctl('start').catch(() => undefined);
  await waitFor(() => pgAnswers(), 60000, 250);
}

async function redisAnswers(): Promise<boolean> {
  try {
    const { stdout } = await sh('redis-cli', ['-h', '127.0.0.1', '-p', '6379', 'ping'], { timeout: 3000 });
    return stdout.trim() === 'PONG';
  } catch {
    return false;
  }
}

/** Redis is up and answering when this resolves. */
async function ensureRedis(): Promise<void> {
  if (await redisAnswers()) return;
  await sh('redis-server', REDIS_START_ARGS).catch(() => undefined);
  await waitFor(() => redisAnswers(), 30000, 100);
}

// ---------------------------------------------------------------------------------------------
// The client side: stream N messages, resubmitting what was not acknowledged.

/** Synthetic BSNs (999900000 range, elfproef): many citizens, so per-citizen ordering leaves parallel lanes. */
function syntheticBsns(count: number): string[] {
  const out: string[] = [];
  for (let p = 99990000; out.length < count; p++) {
    const s = String(p);
    let sum = 0;
    for (let i = 0; i < 8; i++) sum += Number(s[i]) * (9 - i);
    if (sum % 11 <= 9) out.push(s + String(sum % 11));
  }
  return out;
}
const BSNS = syntheticBsns(40);

interface SendLog {
  /** sender message id → gateway message ids it was acknowledged under (exactly one is right). */
  acks: Map<string, Set<string>>;
  /** Acknowledged as 200 duplicate: a resubmission of something that had been committed. */
  ackedAsDuplicate: number;
  /** Submissions answered 5xx or failing on the connection (then resubmitted). */
  refused: number;
  /** Answers that should never come for a valid message (4xx). */
  unexpected: string[];
  /** Sender ids never acknowledged (gave up). */
  unacknowledged: string[];
}

async function submit(base: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${base}/api/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEYS.enschede}` },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(30000),
  });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // a proxy-ish error page; the status says enough
  }
  return { status: res.status, json };
}

async function stream(opts: { base: () => string; tag: string; n: number; concurrency?: number; giveUpMs?: number; onAck?: (acked: number) => void }): Promise<SendLog> {
  const log: SendLog = { acks: new Map(), ackedAsDuplicate: 0, refused: 0, unexpected: [], unacknowledged: [] };
  let next = 0;
  let acked = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= opts.n) return;
      const senderId = `${opts.tag}-${i}`;
      const body = toewijzing(senderId, { bsn: BSNS[i % BSNS.length] });
      const deadline = Date.now() + (opts.giveUpMs ?? 60000);
      for (;;) {
        let res: { status: number; json: Record<string, unknown> } | undefined;
        try {
          res = await submit(opts.base(), body);
        } catch {
          res = undefined;
        }
        if (res && (res.status === 202 || (res.status === 200 && res.json.duplicate === true)) && typeof res.json.id === 'string') {
          if (res.status === 200) log.ackedAsDuplicate++;
          const set = log.acks.get(senderId) ?? new Set<string>();
          set.add(res.json.id);
          log.acks.set(senderId, set);
          opts.onAck?.(++acked);
          break;
        }
        if (res && res.status < 500) {
          log.unexpected.push(`${senderId}: HTTP ${res.status} ${JSON.stringify(res.json).slice(0, 200)}`);
          break;
        }
        log.refused++;
        if (Date.now() > deadline) {
          log.unacknowledged.push(senderId);
          break;
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency ?? 8 }, worker));
  return log;
}

// ---------------------------------------------------------------------------------------------
// The destination's ledger.

function header(r: ReceivedRequest, name: string): string | undefined {
  const v = r.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function processed(webhook: TestWebhook): ReceivedRequest[] {
  return webhook.accepted();
}

function deliveredIds(webhook: TestWebhook): Set<string> {
  return new Set(processed(webhook).map((r) => header(r, 'x-knooppunt-message-id')!));
}

interface Row {
  scenario: string;
  sent: number;
  deliveredUnique: number;
  lost: number;
  duplicated: number;
  rawReceipts: number;
  processedReceipts: number;
  refused: number;
  ackedAsDuplicate: number;
  unackedDelivered: number;
  deadLetters: number;
  /** Acknowledgements while the fault was going on (from its start until it was undone). */
  ackedDuringFault: number;
}

const ROWS: Row[] = [];

function tally(scenario: string, sent: SendLog, webhook: TestWebhook, deadLetters: number, ackedDuringFault: number): { row: Row; lostIds: string[]; duplicates: string[] } {
  const acknowledged = new Set<string>();
  const duplicates: string[] = [];
  for (const [senderId, ids] of sent.acks) {
    for (const id of ids) acknowledged.add(id);
    if (ids.size > 1) duplicates.push(`${senderId}: acknowledged under ${[...ids].join(', ')}`);
  }
  const keysByMessage = new Map<string, Set<string>>();
  const messagesByKey = new Map<string, Set<string>>();
  const messagesBySender = new Map<string, Set<string>>();
  for (const r of processed(webhook)) {
    const messageId = header(r, 'x-knooppunt-message-id') ?? '?';
    const key = header(r, 'idempotency-key') ?? '?';
    const senderId = String((JSON.parse(r.body) as { berichtId?: unknown }).berichtId);
    (keysByMessage.get(messageId) ?? keysByMessage.set(messageId, new Set()).get(messageId)!).add(key);
    (messagesByKey.get(key) ?? messagesByKey.set(key, new Set()).get(key)!).add(messageId);
    (messagesBySender.get(senderId) ?? messagesBySender.set(senderId, new Set()).get(senderId)!).add(messageId);
  }
  for (const [m, keys] of keysByMessage) if (keys.size > 1) duplicates.push(`message ${m} delivered under delivery ids ${[...keys].join(', ')}`);
  for (const [k, ms] of messagesByKey) if (ms.size > 1) duplicates.push(`delivery id ${k} carried messages ${[...ms].join(', ')}`);
  for (const [s, ms] of messagesBySender) if (ms.size > 1) duplicates.push(`sender id ${s} delivered as messages ${[...ms].join(', ')}`);
  const lostIds = [...acknowledged].filter((id) => !keysByMessage.has(id));
  const row: Row = {
    scenario,
    sent: acknowledged.size,
    deliveredUnique: [...acknowledged].filter((id) => keysByMessage.has(id)).length,
    lost: lostIds.length,
    duplicated: duplicates.length,
    rawReceipts: webhook.requests.length,
    processedReceipts: processed(webhook).length,
    refused: sent.refused,
    ackedAsDuplicate: sent.ackedAsDuplicate,
    unackedDelivered: [...keysByMessage.keys()].filter((id) => !acknowledged.has(id)).length,
    deadLetters,
    ackedDuringFault,
  };
  return { row, lostIds, duplicates };
}

function printTable(rows: Row[]): void {
  const cols: Array<[string, (r: Row) => string | number]> = [
    ['scenario', (r) => r.scenario],
    ['sent (ack)', (r) => r.sent],
    ['delivered unique', (r) => r.deliveredUnique],
    ['lost', (r) => r.lost],
    ['duplicated', (r) => r.duplicated],
    ['raw receipts', (r) => r.rawReceipts],
    ['2xx receipts', (r) => r.processedReceipts],
    ['5xx/conn refused', (r) => r.refused],
    ['ack as dup', (r) => r.ackedAsDuplicate],
    ['dead letters', (r) => r.deadLetters],
    ['acked during fault', (r) => r.ackedDuringFault],
  ];
  const cells = [cols.map(([h]) => h), ...rows.map((r) => cols.map(([, f]) => String(f(r))))];
  const widths = cols.map((_, i) => Math.max(...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => `| ${c.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join(' | ')} |`;
  const out = [line(cells[0]!), `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|')}|`, ...cells.slice(1).map(line)];
  process.stdout.write(`\nFault injection, N=${N} per scenario\n${out.join('\n')}\n\n`);
}

// ---------------------------------------------------------------------------------------------
// Gateways under test, in this process or as a child process.

interface Target {
  base(): string;
  /** Outbox rows not yet delivered: pending + in flight, and dead letters (from /metrics). */
  depth(): Promise<{ open: number; deadLetter: number } | undefined>;
  /** Each acknowledged message: exactly one delivery row, delivered. Returns the problems. */
  verifyStore(acknowledged: Set<string>): Promise<string[]>;
  close(): Promise<void>;
}

async function metricsDepth(base: string): Promise<{ open: number; deadLetter: number } | undefined> {
  try {
    const res = await fetch(`${base}/metrics`, { signal: AbortSignal.timeout(5000) });
    const text = await res.text();
    const value = (status: string) => Number(new RegExp(`^knooppunt_outbox_deliveries\\{status="${status}"\\} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
    const d = { open: value('pending') + value('in_flight'), deadLetter: value('dead_letter') };
    return Number.isNaN(d.open) ? undefined : d;
  } catch {
    return undefined;
  }
}

async function storeProblems(db: Db, acknowledged: Set<string>): Promise<string[]> {
  const r = await db.query<{ id: string; sender_message_id: string; n: number; delivered: number }>(
    `SELECT m.id, m.sender_message_id, count(d.id)::int AS n, count(d.id) FILTER (WHERE d.status = 'delivered')::int AS delivered
       FROM messages m LEFT JOIN deliveries d ON d.message_id = m.id
      WHERE m.status <> 'rejected' GROUP BY m.id, m.sender_message_id`,
  );
  const problems: string[] = [];
  const bySender = new Map<string, number>();
  for (const row of r.rows) bySender.set(row.sender_message_id, (bySender.get(row.sender_message_id) ?? 0) + 1);
  for (const [s, n] of bySender) if (n > 1) problems.push(`sender id ${s} stored as ${n} messages`);
  const byId = new Map(r.rows.map((row) => [row.id, row]));
  for (const id of acknowledged) {
    const row = byId.get(id);
    if (!row) problems.push(`acknowledged ${id} is not in the store`);
    else if (row.n !== 1 || row.delivered !== 1) problems.push(`acknowledged ${id}: ${row.n} delivery rows, ${row.delivered} delivered`);
  }
  return problems;
}

async function inProcessTarget(env: GatewayEnv): Promise<Target & { gateway: Gateway }> {
  const { gateway, baseUrl } = await startGateway(env);
  let closed = false;
  return {
    gateway,
    base: () => baseUrl,
    depth: () => metricsDepth(baseUrl),
    verifyStore: (acknowledged) => storeProblems(gateway.db, acknowledged),
    async close() {
      if (closed) return;
      closed = true;
      await gateway.close();
    },
  };
}

async function faultEnv(name: string, store: StoreKind, queue: QueueKind, url: string, opts: { timeoutMs?: number; maxAttempts?: number } = {}): Promise<GatewayEnv> {
  const config = testConfig(url, { timeoutMs: opts.timeoutMs ?? 2000, maxAttempts: opts.maxAttempts ?? 50, backoffMs: 50 });
  return testEnv(store, queue, writeConfig(config), { LOG_LEVEL, KNOOPPUNT_QUEUE_PREFIX: `kp-fault-${name}-${Date.now()}` });
}

// ---------------------------------------------------------------------------------------------
// One scenario: stream, inject the fault once a share of the stream is acknowledged, drain, count.

interface FaultRun {
  /** Acknowledged count when the fault started, and when it had been undone. */
  ackedAtStart: number;
  ackedAtEnd: number;
}

async function runScenario(opts: {
  name: string;
  target: Target;
  webhook: TestWebhook;
  fault: (target: Target) => Promise<void>;
  /** Start the fault once this many messages are acknowledged (and `ready` holds). */
  faultAfter: number;
  ready?: () => boolean;
  drainTimeoutMs?: number;
}): Promise<{ row: Row; run: FaultRun }> {
  const { target, webhook } = opts;
  const tag = `fault-${opts.name.replace(/[^a-z0-9]+/gi, '-')}-${Date.now()}`;
  let acked = 0;
  const run: FaultRun = { ackedAtStart: -1, ackedAtEnd: -1 };
  const streaming = stream({ base: () => target.base(), tag, n: N, onAck: (a) => (acked = a) });
  const faulting = (async () => {
    await waitFor(() => acked >= opts.faultAfter && (opts.ready?.() ?? true), 120000, 10);
    run.ackedAtStart = acked;
    await opts.fault(target);
    run.ackedAtEnd = acked;
  })();
  const [sent] = await Promise.all([streaming, faulting]);

  const acknowledged = new Set([...sent.acks.values()].flatMap((s) => [...s]));
  const drainMs = opts.drainTimeoutMs ?? 90000;
  // Everything acknowledged reaches the destination, and the outbox drains (no attempt still to come).
  await waitFor(() => [...acknowledged].every((id) => deliveredIds(webhook).has(id)), drainMs, 100).catch(() => undefined);
  const depth = await waitFor(async () => {
    const d = await target.depth();
    return d && d.open === 0 ? d : undefined;
  }, drainMs, 200).catch(() => undefined);
  // Late answers (a destination that times out) are settled before counting.
  await waitFor(() => webhook.requests.every((r) => r.answered !== 0), 30000, 50).catch(() => undefined);
  const storeIssues = await target.verifyStore(acknowledged).catch((err: Error) => [`store check failed: ${err.message}`]);
  await target.close();

  const { row, lostIds, duplicates } = tally(opts.name, sent, webhook, depth?.deadLetter ?? -1, run.ackedAtEnd - run.ackedAtStart);
  ROWS.push(row);
  expect(sent.unexpected).toEqual([]);
  expect(run.ackedAtStart).toBeLessThan(N); // the fault happened mid-stream
  expect(lostIds).toEqual([]);
  expect(duplicates).toEqual([]);
  expect(storeIssues).toEqual([]);
  expect(depth).toEqual({ open: 0, deadLetter: 0 });
  expect(row.sent).toBeGreaterThan(0);
  expect(row.deliveredUnique).toBe(row.sent);
  return { row, run };
}

// ---------------------------------------------------------------------------------------------

describe('fault injection: zero loss, zero duplicates', () => {
  const webhooks: TestWebhook[] = [];
  const cleanups: Array<() => Promise<unknown>> = [];
  const hook = async () => {
    const w = new TestWebhook();
    webhooks.push(w);
    return { webhook: w, url: await w.start() };
  };

  afterAll(async () => {
    for (const c of cleanups) await c().catch(() => undefined);
    for (const w of webhooks) await w.stop();
    // Whatever happened, the machine's services run again for whoever comes next.
    await ensurePostgres();
    await ensureRedis();
    printTable(ROWS);
  }, 120000);

  describe.each<{ queue: QueueKind }>([{ queue: 'in-process' }, { queue: 'bullmq' }])('PostgreSQL restarted mid-stream ($queue)', ({ queue }) => {
    it('recovers the pool; everything acknowledged is delivered exactly once', async () => {
      await ensurePostgres();
      if (queue === 'bullmq') await ensureRedis();
      const { webhook, url } = await hook();
      webhook.respond = (n) => ({ status: 200, delayMs: 2 + (n % 15) });
      const target = await inProcessTarget(await faultEnv(`pg-${queue}`, 'postgres', queue, url));
      cleanups.push(() => target.close());
      let restartError: unknown;
      await runScenario({
        name: `pg restart (${queue})`,
        target,
        webhook,
        faultAfter: Math.floor(N / 3),
        fault: async () => {
          try {
            await pgctl('restart');
          } catch (err) {
            restartError = err;
          } finally {
            await ensurePostgres();
          }
          // The pool recovers: the gateway is ready again on its own.
          await waitFor(async () => (await fetch(`${target.base()}/health/ready`)).status === 200, 60000, 200);
        },
      });
      expect(restartError).toBeUndefined();
    }, 150000);
  });

  it('Redis killed and flushed mid-stream (BullMQ): the reconciler requeues everything', async () => {
    await ensurePostgres();
    await ensureRedis();
    const { webhook, url } = await hook();
    webhook.respond = (n) => ({ status: 200, delayMs: 2 + (n % 15) });
    const target = await inProcessTarget(await faultEnv('redis', 'postgres', 'bullmq', url));
    cleanups.push(() => target.close());
    const { row } = await runScenario({
      name: 'redis kill + flush (bullmq)',
      target,
      webhook,
      faultAfter: Math.floor(N / 3),
      fault: async () => {
        try {
          await sh('redis-cli', ['-h', '127.0.0.1', '-p', '6379', 'shutdown', 'nosave'], { timeout: 5000 }).catch(() => undefined);
          await waitFor(async () => !(await redisAnswers()), 10000, 50);
          await new Promise((r) => setTimeout(r, 3000));
        } finally {
          await ensureRedis();
        }
        await sh('redis-cli', ['-h', '127.0.0.1', '-p', '6379', 'flushall']);
      },
    });
    // The outbox, not Redis, is the truth: submissions are acknowledged while Redis is away.
    expect(row.ackedDuringFault).toBeGreaterThan(0);
  }, 150000);

  it('a destination that times out, answers 500 or answers slowly: retries with backoff until delivered', async () => {
    await ensurePostgres();
    await ensureRedis();
    const { webhook, url } = await hook();
    const timeoutMs = 800;
    // Deterministic per delivery: its class by a hash of the Idempotency-Key, its attempt by count.
    const attempts = new Map<string, number>();
    webhook.respond = (_n, req) => {
      const key = String(req.headers['idempotency-key']);
      const a = (attempts.get(key) ?? 0) + 1;
      attempts.set(key, a);
      const cls = createHash('sha256').update(key).digest()[0]! % 6;
      const ok = { status: 200 };
      const slow = { status: 200, delayMs: timeoutMs / 2 };
      const hang = (status: number) => ({ status, delayMs: timeoutMs * 1.6 }); // answered after the gateway gave up
      switch (cls) {
        case 1: return a === 1 ? { status: 500 } : ok;
        case 2: return a === 1 ? hang(200) : ok; // processed, but the answer came too late: a retry with the same key
        case 3: return slow;
        case 4: return a <= 2 ? { status: 500 } : a === 3 ? hang(500) : slow;
        case 5: return a === 1 ? { status: 503, delayMs: timeoutMs / 3 } : ok;
        default: return ok;
      }
    };
    const target = await inProcessTarget(await faultEnv('destination', 'postgres', 'bullmq', url, { timeoutMs }));
    cleanups.push(() => target.close());
    const { row } = await runScenario({
      name: 'destination timeout/500/slow (bullmq)',
      target,
      webhook,
      faultAfter: 0,
      fault: async () => undefined, // the destination misbehaves throughout
    });
    // The faults did happen: retries beyond one receipt per message.
    expect(row.rawReceipts).toBeGreaterThan(row.sent);
    expect(row.processedReceipts).toBeGreaterThan(row.sent);
  }, 150000);

  it('the gateway process SIGKILLed during delivery and restarted (PGlite, in-process)', async () => {
    const { webhook, url } = await hook();
    // Slow enough that attempts are in flight when the process dies.
    webhook.respond = (n) => ({ status: 200, delayMs: 100 + (n % 7) * 50 });
    const env = await faultEnv('sigkill', 'pglite', 'in-process', url);
    const gw = new ChildGateway(ChildGateway.envFrom(env, { LOG_LEVEL: 'info' /* the helper waits for the 'listening' line */, KNOOPPUNT_DELIVERY_CONCURRENCY: '8' }));
    cleanups.push(() => gw.kill('SIGKILL'));
    await gw.start();
    let exitCode: number | null | undefined;
    let stopped = false;
    const target: Target = {
      base: () => gw.baseUrl,
      depth: () => metricsDepth(gw.baseUrl),
      async verifyStore(acknowledged) {
        // The store is the gateway's own PGlite directory: stop the gateway gracefully, then open it here.
        stopped = true;
        expect(await gw.kill('SIGTERM')).toBe(0);
        const db = await PgliteDb.open(join(env.dataDir, 'pglite'));
        try {
          return await storeProblems(db, acknowledged);
        } finally {
          await db.close();
        }
      },
      async close() {
        if (!stopped) await gw.kill('SIGTERM');
      },
    };
    await runScenario({
      name: 'SIGKILL + restart (pglite)',
      target,
      webhook,
      faultAfter: Math.floor(N / 3),
      ready: () => webhook.requests.some((r) => r.answered === 0),
      fault: async () => {
        exitCode = await gw.kill('SIGKILL');
        await gw.start();
      },
    });
    expect(exitCode).toBeNull();
  }, 180000);
});
