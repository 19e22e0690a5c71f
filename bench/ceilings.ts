/**
 * The ceilings of `npm run bench`: what knooppunt's own parts can do on this machine, in this run.
 * - bare express: the same POST body parsed and answered 202, nothing else;
 * - raw PostgreSQL: one message's rows (one event + one outbox row) per transaction, with and
 *   without a serialised chain-head update, and the same rows batched 100 per transaction;
 * - BullMQ: add + process, one job at a time and in bulks of 100.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Queue, Worker } from 'bullmq';
import express from 'express';
import { Redis } from 'ioredis';
import pg from 'pg';
import { freshPostgresUrl, TEST_REDIS_URL } from '../test/helpers/stores.js';
import { runLoad, selfCpuMs } from './procs.js';

export interface Ceiling {
  what: string;
  perSecond: number;
  cpuUsPerItem?: number;
}

export async function bareExpress(amount: number, connections: number): Promise<Ceiling> {
  const app = express();
  app.post('/api/v1/messages', express.json({ limit: '5mb' }), (req, res) => {
    res.status(202).json({ id: randomUUID(), messageId: (req.body as { messageId?: string }).messageId });
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // express needs a few thousand requests before the JIT has settled; a short run would flatter knooppunt.
  await runLoad({ url, path: '/api/v1/messages', key: 'x', connections, amount: 3000, prefix: 'warm', body: 'toewijzing' });
  amount = Math.max(5000, amount);
  const cpu0 = selfCpuMs();
  const r = await runLoad({ url, path: '/api/v1/messages', key: 'x', connections, amount, prefix: 'x', body: 'toewijzing' });
  const cpu = selfCpuMs() - cpu0;
  await new Promise((res) => server.close(res));
  return { what: 'bare express (POST JSON → 202)', perSecond: Math.round(r.ok / r.seconds), cpuUsPerItem: Math.round((cpu * 1000) / r.ok) };
}

const GENESIS = '0'.repeat(64);

/** One message's rows: an event (jsonb detail, hashes) and an outbox row. */
async function pgVariant(pool: pg.Pool, messages: number, batch: number, chained: boolean, workers: number): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  const worker = async () => {
    const client = await pool.connect();
    try {
      while (next < messages) {
        const n = Math.min(batch, messages - next);
        next += n;
        const ids = Array.from({ length: n }, () => randomUUID());
        const hashes = ids.map(() => randomBytes(32).toString('hex'));
        await client.query('BEGIN');
        if (chained) await client.query('SELECT seq, hash FROM head WHERE id = 1 FOR UPDATE');
        await client.query(
          `INSERT INTO events (seq, id, message_id, detail, prev_hash, hash)
           SELECT nextval('events_seq'), i, i, '{"size":812,"subjects":1}'::jsonb, $2, h FROM unnest($1::uuid[], $3::text[]) AS u(i, h)`,
          [ids, GENESIS, hashes],
        );
        if (chained) await client.query(`UPDATE head SET seq = seq + $1, hash = $2 WHERE id = 1`, [n, hashes[n - 1]]);
        await client.query(
          `INSERT INTO outbox (id, message_id, status, created_at) SELECT gen_random_uuid(), i, 'pending', now() FROM unnest($1::uuid[]) AS i`,
          [ids],
        );
        await client.query('COMMIT');
      }
    } finally {
      client.release();
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
  return Math.round(messages / ((performance.now() - t0) / 1000));
}

export async function rawPostgres(messages: number): Promise<Ceiling[]> {
  const url = await freshPostgresUrl();
  const pool = new pg.Pool({ connectionString: url, max: 16 });
  try {
    await pool.query(`CREATE TABLE events (seq bigint PRIMARY KEY, id uuid NOT NULL UNIQUE, message_id uuid, detail jsonb NOT NULL, prev_hash text NOT NULL, hash text NOT NULL)`);
    await pool.query(`CREATE SEQUENCE events_seq`);
    await pool.query(`CREATE TABLE outbox (id uuid PRIMARY KEY, message_id uuid NOT NULL, status text NOT NULL, created_at timestamptz NOT NULL)`);
    await pool.query(`CREATE TABLE head (id int PRIMARY KEY, seq bigint NOT NULL, hash text NOT NULL)`);
    await pool.query(`INSERT INTO head VALUES (1, 0, $1)`, [GENESIS]);
    const small = Math.max(200, Math.round(messages / 4));
    return [
      { what: 'PostgreSQL, 1 message per transaction, 16 connections', perSecond: await pgVariant(pool, small, 1, false, 16) },
      { what: 'PostgreSQL, 1 message per transaction + chain head', perSecond: await pgVariant(pool, small, 1, true, 16) },
      { what: 'PostgreSQL, 100 messages per transaction', perSecond: await pgVariant(pool, messages, 100, false, 16) },
      { what: 'PostgreSQL, 100 per transaction + chain head once', perSecond: await pgVariant(pool, messages, 100, true, 16) },
    ];
  } finally {
    await pool.end();
  }
}

async function bullmqVariant(jobs: number, bulk: number): Promise<number> {
  const prefix = `kp-bench-${randomBytes(4).toString('hex')}`;
  const connection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  const workerConnection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue('ceiling', { connection, prefix });
  let done = 0;
  let finish!: () => void;
  const all = new Promise<void>((r) => (finish = r));
  const worker = new Worker('ceiling', async () => {
    if (++done === jobs) finish();
  }, { connection: workerConnection, prefix, concurrency: 16 });
  await worker.waitUntilReady();
  const t0 = performance.now();
  const opts = { removeOnComplete: true, removeOnFail: true };
  if (bulk === 1) {
    // One add per job, as the gateway did per delivery (16 producers at once).
    let next = 0;
    await Promise.all(Array.from({ length: 16 }, async () => {
      while (next < jobs) {
        const i = next++;
        await queue.add('j', { id: i }, opts);
      }
    }));
  } else {
    for (let i = 0; i < jobs; i += bulk) {
      await queue.addBulk(Array.from({ length: Math.min(bulk, jobs - i) }, (_, k) => ({ name: 'j', data: { id: i + k }, opts })));
    }
  }
  await all;
  const rate = Math.round(jobs / ((performance.now() - t0) / 1000));
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  connection.disconnect();
  workerConnection.disconnect();
  return rate;
}

export async function bullmq(jobs: number): Promise<Ceiling[]> {
  return [
    { what: 'BullMQ add + process, one by one', perSecond: await bullmqVariant(jobs, 1) },
    { what: 'BullMQ add + process, bulks of 100', perSecond: await bullmqVariant(jobs, 100) },
  ];
}
