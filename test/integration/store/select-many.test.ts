/**
 * selectMany: many rows, read the way that costs least on the store (PGlite: as one JSON text). The
 * values come back as the columns hold them (text with quotes, backslashes and non-ASCII, numbers,
 * NULL), and no rows is an empty list. On both stores.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Db } from '../../../src/store/db.js';
import { selectMany } from '../../../src/store/select-many.js';
import { rowCounting, STORE_CASES } from '../../helpers/stores.js';

describe.each(STORE_CASES)('selectMany on $name', ({ open }) => {
  let db: Db;
  beforeAll(async () => {
    db = await open();
  });
  afterAll(async () => {
    await db.close();
  });

  const FROM = `FROM (VALUES ('a"b\\\\c', 1::bigint, NULL::text), ('ĳ €', 9007199254740991::bigint, 'x')) AS v(naam, getal, leeg) WHERE getal >= $1`;

  it('gives every row keyed by column, with its values as stored', async () => {
    const rows = await selectMany<{ naam: string; getal: number; leeg: string | null }>(db, ['naam', 'getal', 'leeg'], FROM, [0]);
    expect(rows).toEqual([
      { naam: 'a"b\\\\c', getal: 1, leeg: null },
      { naam: 'ĳ €', getal: 9007199254740991, leeg: 'x' },
    ]);
  });

  it('gives an empty list when nothing matches', async () => {
    expect(await selectMany(db, ['naam'], FROM, ['10000000000000000'])).toEqual([]);
  });

  it('PGlite hands over one row for 5,000 matches; PostgreSQL the 5,000 rows', async () => {
    const counting = rowCounting(db);
    const out = await selectMany<{ n: number }>(counting.db, ['n'], 'FROM generate_series(1, $1::int) AS g(n)', [5000]);
    expect([out.length, out[4999]!.n, counting.rows()]).toEqual([5000, 5000, db.driver === 'pglite' ? 1 : 5000]);
  });
});
