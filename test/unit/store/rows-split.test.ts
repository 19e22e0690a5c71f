/**
 * insertRows keeps each multi-row statement within what the driver asks (PGlite runs statements on
 * the event loop): at most `maxParams` bound parameters and `maxBytes` of byte values, one row
 * always fitting however large it is. Counted by the statements a fake driver receives.
 */
import { describe, expect, it } from '@jest/globals';
import { insertRows } from '../../../src/core/rows.js';
import type { Queryable, QueryResult } from '../../../src/store/db.js';

function driver(limits: { maxParams?: number; maxBytes?: number }): Queryable & { statements: unknown[][] } {
  const statements: unknown[][] = [];
  return {
    ...limits,
    statements,
    async query<R>(_sql: string, params: unknown[] = []): Promise<QueryResult<R>> {
      statements.push(params);
      return { rows: [], rowCount: params.length / 2 };
    },
  };
}

const rows = (n: number, bytes: number) => Array.from({ length: n }, (_, i) => [i, Buffer.alloc(bytes, i)]);

describe('insertRows statement size', () => {
  it('takes every row in one statement when the driver sets no limit', async () => {
    const db = driver({});
    await insertRows(db, 't', ['id', 'b'], rows(100, 1000));
    expect(db.statements.length).toBe(1);
  });

  it('stays under maxParams', async () => {
    const db = driver({ maxParams: 20 });
    const r = await insertRows(db, 't', ['id', 'b'], rows(100, 10));
    expect(db.statements.map((s) => s.length)).toEqual(Array(10).fill(20));
    expect(r.rowCount).toBe(100);
  });

  it('stays under maxBytes of byte values, a larger row alone in its statement', async () => {
    const db = driver({ maxBytes: 1000 });
    const input = [...rows(3, 400), ...rows(1, 5000), ...rows(2, 400)];
    await insertRows(db, 't', ['id', 'b'], input);
    // 400+400 fit, a third 400 would not; the 5000-byte row goes alone; the last two fit together.
    expect(db.statements.map((s) => s.length / 2)).toEqual([2, 1, 1, 2]);
    expect(db.statements.flat().filter((v) => Buffer.isBuffer(v)).length).toBe(6);
  });
});
