/**
 * The embedded database on a thread of its own (src/store/pglite-remote.ts, the default):
 * - its statements do not hold the gateway's event loop: counted as event-loop turns during one
 *   long statement, beside the same statement with PGlite on the event loop (KNOOPPUNT_PGLITE_THREAD=main);
 * - it behaves as PGlite did: error fields, rollback, statements waiting for an open transaction,
 *   bytes and times unchanged;
 * - a thread that stops fails what was waiting for it, and an idle thread keeps no process alive
 *   while a statement in flight does.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { openStore } from '../../../src/store/open.js';
import { DatabaseThreadStoppedError, PgliteThreadDb } from '../../../src/store/pglite-remote.js';
import type { Db } from '../../../src/store/db.js';

const run = promisify(execFile);
/** A statement that keeps PGlite busy for a while (some hundreds of milliseconds here). */
const LONG = 'SELECT count(*)::int AS n FROM generate_series(1, 2000000) AS g(i) WHERE i % 7 = 0';

/** Event-loop turns (setImmediate rounds) while `work` runs. */
async function turnsDuring(work: () => Promise<unknown>): Promise<number> {
  let turns = 0;
  let running = true;
  const spin = (): void => {
    if (!running) return;
    turns++;
    setImmediate(spin);
  };
  setImmediate(spin);
  try {
    await work();
  } finally {
    running = false;
  }
  return turns;
}

describe('PGlite on its own thread', () => {
  let db: Db;
  let onLoop: Db;

  beforeAll(async () => {
    db = await openStore({});
    onLoop = await openStore({ pgliteThread: 'main' });
    await db.query('CREATE TABLE t (id int PRIMARY KEY, b bytea, at timestamptz)');
  }, 120_000);

  afterAll(async () => {
    await db?.close();
    await onLoop?.close();
  });

  it('is the default, and a long statement there leaves the event loop turning', async () => {
    expect(db).toBeInstanceOf(PgliteThreadDb);
    const aside = await turnsDuring(() => db.query(LONG));
    const inline = await turnsDuring(() => onLoop.query(LONG));
    // On the event loop the statement runs in one synchronous call: the loop waits for it.
    expect(inline).toBeLessThanOrEqual(3);
    expect(aside).toBeGreaterThan(20 * Math.max(1, inline));
  });

  it('gives the same error fields, and a failing statement disturbs nothing else', async () => {
    await db.query('INSERT INTO t (id) VALUES (1)');
    const err = (await db.query('INSERT INTO t (id) VALUES (1)').catch((e: unknown) => e)) as Error & { code?: string; constraint?: string };
    expect(err).toBeInstanceOf(Error);
    expect(err.code).toBe('23505');
    expect(err.constraint).toBe('t_pkey');
    // A value that cannot cross to the thread fails only its own statement.
    await expect(db.query('SELECT $1::text', [() => 1])).rejects.toThrow();
    expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM t')).rows[0]!.n).toBe(1);
  });

  it('rolls back a transaction whose function throws, and keeps other statements waiting until it ends', async () => {
    const order: string[] = [];
    let inside!: () => void;
    const entered = new Promise<void>((r) => (inside = r));
    const tx = db
      .transaction(async (q) => {
        await q.query('INSERT INTO t (id) VALUES (2)');
        inside();
        await new Promise((r) => setTimeout(r, 50));
        order.push('tx');
        throw new Error('nee');
      })
      .catch((e: Error) => e.message);
    await entered;
    const outside = db.query<{ n: number }>('SELECT count(*)::int AS n FROM t WHERE id = 2').then((r) => {
      order.push('outside');
      return r.rows[0]!.n;
    });
    expect(await tx).toBe('nee');
    // The outside statement ran after the rollback: it neither saw row 2 nor ran inside the transaction.
    expect(await outside).toBe(0);
    expect(order).toEqual(['tx', 'outside']);
    const committed = await db.transaction(async (q) => (await q.query<{ id: number }>('INSERT INTO t (id) VALUES (3) RETURNING id')).rows[0]!.id);
    expect(committed).toBe(3);
  });

  it('carries bytes (also a view into a larger buffer) and times to the millisecond', async () => {
    const big = randomBytes(3 * 1024 * 1024);
    const view = big.subarray(1000, 1000 + 256 * 1024);
    const at = new Date('2026-12-04T10:11:12.345Z');
    await db.query('INSERT INTO t (id, b, at) VALUES (10, $1, $2), (11, $3, $2)', [big, at, view]);
    const r = await db.query<{ id: number; b: Uint8Array; at: Date }>('SELECT id, b, at FROM t WHERE id IN (10, 11) ORDER BY id');
    expect(r.rows[0]!.b).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(r.rows[0]!.b).equals(big)).toBe(true);
    expect(Buffer.from(r.rows[1]!.b).equals(view)).toBe(true);
    expect(r.rows[0]!.at).toBeInstanceOf(Date);
    expect(r.rows[0]!.at.toISOString()).toBe(at.toISOString());
  });

  it('fails what waits for a thread that stopped, and what comes after, and tells its owner', async () => {
    const lost = (await openStore({})) as PgliteThreadDb;
    const told: Error[] = [];
    lost.onLost((err) => told.push(err));
    const waiting = lost.query(LONG);
    await (lost as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    await expect(waiting).rejects.toBeInstanceOf(DatabaseThreadStoppedError);
    await expect(lost.query('SELECT 1')).rejects.toBeInstanceOf(DatabaseThreadStoppedError);
    await lost.close();
    // The owner hears of it once (serve exits on it); a store closed on purpose is not lost.
    expect(told).toHaveLength(1);
    expect(told[0]).toBeInstanceOf(DatabaseThreadStoppedError);
    const closed = (await openStore({})) as PgliteThreadDb;
    const quiet: Error[] = [];
    closed.onLost((err) => quiet.push(err));
    await closed.close();
    await new Promise((r) => setTimeout(r, 50));
    expect(quiet).toEqual([]);
  }, 60_000);

  it('keeps a process alive while a statement is in flight, and not once it is idle', async () => {
    // The child never closes the store: it must still print its answer, and then exit by itself.
    const script = `
      const { openStore } = await import(${JSON.stringify(new URL('../../../src/store/open.ts', import.meta.url).href)});
      const db = await openStore({});
      const r = await db.query('SELECT 41 + 1 AS n');
      process.stdout.write('answer ' + r.rows[0].n);
    `;
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { timeout: 60_000 });
    expect(stdout).toBe('answer 42');
  }, 90_000);
});
