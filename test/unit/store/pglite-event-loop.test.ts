/**
 * PGlite statements on the event loop. PGlite runs every statement synchronously on this thread:
 * - a long run of statements (a big declaratie's transaction) lets the event loop turn between
 *   statements instead of holding it for the whole run;
 * - bytea parameters and results go through Buffer's native hex codec, not a JavaScript call
 * per byte (PGlite 0.5's own codec: 2.2-2.4 s to write a 6 MiB payload, blocking the event loop).
 *   Counted, not timed: the per-byte calls (Number#toString(16) when writing, parseInt when
 *   reading) during a 64 KiB round trip.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { PgliteDb } from '../../../src/store/pglite.js';

const SIZE = 64 * 1024;
let db: PgliteDb;

beforeAll(async () => {
  db = await PgliteDb.open();
  await db.query('CREATE TABLE bytea_codec (id int PRIMARY KEY, b bytea)');
}, 60_000);

afterAll(async () => {
  await db?.close();
});

/** Runs `fn` while counting calls of Number#toString with radix 16 and of the global parseInt. */
async function counted<T>(fn: () => Promise<T>): Promise<{ hex: number; parse: number; value: T }> {
  const toString = Number.prototype.toString;
  const parseInt = globalThis.parseInt;
  let hex = 0;
  let parse = 0;
  Number.prototype.toString = function (this: number, radix?: number) {
    if (radix === 16) hex++;
    return toString.call(this, radix);
  };
  globalThis.parseInt = ((s: string, radix?: number) => (parse++, parseInt(s, radix))) as typeof parseInt;
  try {
    const value = await fn();
    return { hex, parse, value };
  } finally {
    Number.prototype.toString = toString;
    globalThis.parseInt = parseInt;
  }
}

describe('PGlite bytea codec', () => {
  it('writes and reads a payload byte for byte, as a plain Uint8Array, without a call per byte', async () => {
    const payload = randomBytes(SIZE);
    const write = await counted(() => db.query('INSERT INTO bytea_codec VALUES ($1, $2)', [1, payload]));
    expect(write.hex).toBeLessThan(SIZE / 100);
    const read = await counted(() => db.query<{ b: Uint8Array }>('SELECT b FROM bytea_codec WHERE id = $1', [1]));
    expect(read.parse).toBeLessThan(SIZE / 100);
    const b = read.value.rows[0]!.b;
    expect(Object.getPrototypeOf(b)).toBe(Uint8Array.prototype);
    expect(Buffer.from(b).equals(payload)).toBe(true);
  });

  it('keeps an empty payload, a view into a larger buffer, and NULL', async () => {
    const big = randomBytes(1000);
    const view = big.subarray(100, 200);
    await db.query('INSERT INTO bytea_codec VALUES ($1, $2), ($3, $4), ($5, $6)', [2, new Uint8Array(0), 3, view, 4, null]);
    const r = await db.query<{ id: number; b: Uint8Array | null }>('SELECT id, b FROM bytea_codec WHERE id IN (2, 3, 4) ORDER BY id');
    expect(r.rows.map((x) => (x.b === null ? null : Buffer.from(x.b).toString('hex')))).toEqual(['', view.toString('hex'), null]);
  });

  it('refuses a value that is not bytes, as PGlite did', async () => {
    await expect(db.query('INSERT INTO bytea_codec VALUES ($1, $2)', [5, 42])).rejects.toThrow(/bytea/);
  });
});

describe('PGlite statements back to back', () => {
  it('let the event loop turn during a long transaction', async () => {
    await db.query('CREATE TABLE run_of_statements (id int, v text)');
    let turns = 0;
    let ticking = true;
    const tick = () => {
      if (!ticking) return;
      turns++;
      setImmediate(tick);
    };
    const breaksBefore = db.breaks;
    await db.transaction(async (tx) => {
      // Started inside the transaction: only turns the statements leave count.
      setImmediate(tick);
      turns = 0;
      for (let i = 0; i < 300; i++) {
        const values = Array.from({ length: 50 }, (_, j) => `(${i * 50 + j}, 'regel ${j}')`).join(', ');
        await tx.query(`INSERT INTO run_of_statements (id, v) VALUES ${values}`);
      }
    });
    ticking = false;
    // 300 statements take far longer than one run may last, on any machine this test runs on.
    expect(db.breaks - breaksBefore).toBeGreaterThan(0);
    expect(turns).toBeGreaterThan(0);
    const r = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM run_of_statements');
    expect(r.rows[0]!.n).toBe(15_000);
  }, 60_000);
});
