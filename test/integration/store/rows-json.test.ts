/**
 * insertRows sends rows without byte values as one JSON parameter, so its statement text is the same
 * for any number of rows (PostgreSQL prepares it once per connection). The values must land exactly
 * as bound parameters landed them, on both stores; rows with bytes keep a parameter per value.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { insertRows, insertRowsTogether } from '../../../src/core/rows.js';
import type { Db, Queryable, QueryResult } from '../../../src/store/db.js';
import { PreparedNames } from '../../../src/store/postgres.js';
import { STORE_CASES } from '../../helpers/stores.js';

const COLUMNS = ['id', 'naam', 'getal', 'groot', 'moment', 'detail', 'leeg', 'sleutel'] as const;

describe.each(STORE_CASES)('insertRows as JSON on $name', ({ open }) => {
  let db: Db;
  beforeAll(async () => {
    db = await open();
    await db.query(`CREATE TABLE rows_json (
      id bigint PRIMARY KEY, naam text, getal integer, groot bigint, moment timestamptz, detail jsonb, leeg text, sleutel uuid,
      inhoud bytea, aangemaakt timestamptz NOT NULL DEFAULT now())`);
  });
  afterAll(async () => {
    await db.close();
  });

  function counting(): Queryable & { texts: string[] } {
    const texts: string[] = [];
    return { texts, query: <R>(sql: string, params?: unknown[]): Promise<QueryResult<R>> => (texts.push(sql), db.query<R>(sql, params)) };
  }

  it('one statement text whatever the number of rows, with every value as a bound parameter gave it', async () => {
    const moment = new Date('2026-12-03T14:55:01.234Z');
    const q = counting();
    const rij = (id: number) => [id, `naam ${id} "met" \\ tekens, é en 😀`, id * 3, 2 ** 40 + id, moment, JSON.stringify({ a: [1, { b: 'c' }], id }), null, '5b0c6f64-3f7e-4b8e-9d43-0c5d2b9e0000'];
    await insertRows(q, 'rows_json', COLUMNS, [rij(1)], { casts: { detail: '::jsonb' } });
    await insertRows(q, 'rows_json', COLUMNS, [rij(2), rij(3), rij(4)], { casts: { detail: '::jsonb' } });
    await insertRows(q, 'rows_json', COLUMNS, Array.from({ length: 50 }, (_, i) => rij(10 + i)), { casts: { detail: '::jsonb' } });
    expect(new Set(q.texts).size).toBe(1);
    const r = await db.query<Record<string, unknown>>('SELECT id, naam, getal, groot, moment, detail, leeg, sleutel FROM rows_json WHERE id = 3');
    expect(r.rows[0]).toEqual({
      id: 3, naam: 'naam 3 "met" \\ tekens, é en 😀', getal: 9, groot: 2 ** 40 + 3, moment, detail: { a: [1, { b: 'c' }], id: 3 }, leeg: null, sleutel: '5b0c6f64-3f7e-4b8e-9d43-0c5d2b9e0000',
    });
    // Inserted in the order given (ids in the serial order the rows came in).
    const order = await db.query<{ id: number }>('SELECT id FROM rows_json WHERE id >= 10 ORDER BY ctid');
    expect(order.rows.map((x) => x.id)).toEqual(Array.from({ length: 50 }, (_, i) => 10 + i));
  });

  it('constants and a tail (ON CONFLICT … RETURNING) work as with VALUES', async () => {
    const r = await insertRows<{ id: number }>(db, 'rows_json', ['id', 'naam'], [[100, 'a'], [1, 'bestaat al'], [101, 'b']], {
      constants: { aangemaakt: `now() - interval '1 day'` },
      tail: 'ON CONFLICT (id) DO NOTHING RETURNING id',
    });
    expect(r.rows.map((x) => x.id).sort()).toEqual([100, 101]);
    const oud = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM rows_json WHERE id IN (100, 101) AND aangemaakt < now() - interval '12 hours'`);
    expect(oud.rows[0]!.n).toBe(2);
  });

  it('a lone surrogate becomes U+FFFD as on the UTF-8 path; NaN is refused, not stored as NULL', async () => {
    await insertRows(db, 'rows_json', ['id', 'naam'], [[200, 'x\ud800y']]);
    const r = await db.query<{ naam: string }>('SELECT naam FROM rows_json WHERE id = 200');
    expect(r.rows[0]!.naam).toBe('x\ufffdy');
    await expect(insertRows(db, 'rows_json', ['id', 'getal'], [[201, Number.NaN]])).rejects.toThrow(/not a value/);
  });

  it('rows with bytes keep a bound parameter per value', async () => {
    const q = counting();
    await insertRows(q, 'rows_json', ['id', 'inhoud'], [[300, Buffer.from([0, 1, 2, 255])]]);
    expect(q.texts[0]).toMatch(/VALUES \(\$1, \$2\)/);
    const r = await db.query<{ inhoud: Buffer }>('SELECT inhoud FROM rows_json WHERE id = 300');
    expect([...r.rows[0]!.inhoud]).toEqual([0, 1, 2, 255]);
  });
});

describe.each(STORE_CASES)('insertRowsTogether on $name', ({ open }) => {
  let db: Db;
  beforeAll(async () => {
    db = await open();
    await db.query('CREATE TABLE samen_ouder (id bigint PRIMARY KEY, naam text)');
    await db.query('CREATE TABLE samen_kind (id bigint PRIMARY KEY, ouder bigint NOT NULL REFERENCES samen_ouder (id), inhoud bytea)');
    await db.query('CREATE TABLE samen_kop (id int PRIMARY KEY, n int NOT NULL)');
    await db.query('INSERT INTO samen_kop VALUES (1, 0)');
  });
  afterAll(async () => {
    await db.close();
  });

  const inserts = (ouders: number[], kinderen: Array<[number, number, Uint8Array | null]>) => [
    { table: 'samen_ouder', columns: ['id', 'naam'], rows: ouders.map((id) => [id, `ouder ${id}`]) },
    { table: 'samen_kind', columns: ['id', 'ouder', 'inhoud'], rows: kinderen, opts: { tail: 'ON CONFLICT DO NOTHING' } },
  ];
  const kop = (van: number, naar: number) => ({ sql: 'UPDATE samen_kop SET n = $1 WHERE id = 1 AND n = $2', params: [naar, van] });

  it('several tables and a last statement in one round trip, one text for any number of rows; a row may refer to one beside it', async () => {
    const texts: string[] = [];
    const q: Queryable = { query: <R>(sql: string, params?: unknown[]) => (texts.push(sql), db.query<R>(sql, params)) };
    const a = await insertRowsTogether(q, inserts([1], [[10, 1, null]]), kop(0, 1));
    const b = await insertRowsTogether(q, inserts([2, 3, 4], []), kop(1, 2));
    expect(texts).toHaveLength(2);
    expect(new Set(texts).size).toBe(1);
    // The last statement's own result: the head moved once each time.
    expect([a.rowCount, b.rowCount]).toEqual([1, 1]);
    expect((await insertRowsTogether(q, inserts([], []), kop(0, 9))).rowCount).toBe(0);
    const r = await db.query<{ n: number }>('SELECT (SELECT count(*) FROM samen_ouder)::int + (SELECT count(*) FROM samen_kind)::int * 100 AS n');
    expect(r.rows[0]!.n).toBe(4 + 100);
  });

  it('fails as a whole: a broken foreign key in one table writes nothing in the others', async () => {
    await expect(insertRowsTogether(db, inserts([20], [[21, 999, null]]), kop(2, 3))).rejects.toThrow();
    const r = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM samen_ouder WHERE id = 20');
    expect(r.rows[0]!.n).toBe(0);
    expect((await db.query<{ n: number }>('SELECT n FROM samen_kop')).rows[0]!.n).toBe(2);
  });

  it('rows with bytes go one statement per table (as binary bytea), before the last one', async () => {
    const texts: string[] = [];
    const q: Queryable = { query: <R>(sql: string, params?: unknown[]) => (texts.push(sql), db.query<R>(sql, params)) };
    const bytes = new Uint8Array([0, 1, 2, 255]);
    const r = await insertRowsTogether(q, inserts([30], [[31, 30, bytes]]), kop(2, 3));
    expect(r.rowCount).toBe(1);
    expect(texts).toHaveLength(3);
    expect(texts[1]).toMatch(/^INSERT INTO samen_kind .* VALUES/);
    const got = await db.query<{ inhoud: Uint8Array }>('SELECT inhoud FROM samen_kind WHERE id = 31');
    expect([...got.rows[0]!.inhoud]).toEqual([0, 1, 2, 255]);
  });
});

describe('prepared statement names (PostgreSQL)', () => {
  const insert = (table: string) => `INSERT INTO ${table} (id, naam) SELECT id, naam FROM json_populate_recordset(NULL::${table}, $1::json) ON CONFLICT DO NOTHING`;

  it('a JSON insert seen a few times gets a name; other statements and texts past the bound never do', () => {
    const names = new PreparedNames(3, 2);
    expect([names.nameFor(insert('a')), names.nameFor(insert('a'))]).toEqual([undefined, undefined]);
    const name = names.nameFor(insert('a'));
    expect(name).toBeDefined();
    expect(names.nameFor(insert('a'))).toBe(name);
    for (let i = 0; i < 5; i++) {
      // Planned for their parameters each time: a generic plan from an empty table would scan it whole later.
      expect(names.nameFor('SELECT id FROM messages WHERE id = ANY($1::uuid[])')).toBeUndefined();
      expect(names.nameFor('INSERT INTO a (id) VALUES ($1)')).toBeUndefined();
      expect(names.nameFor(`${insert('a')}; DELETE FROM a`)).toBeUndefined();
    }
    for (let i = 0; i < 3; i++) names.nameFor(insert('b'));
    expect(names.nameFor(insert('b'))).toBeDefined();
    // The bound (2 here) is reached: a third text stays unnamed however often it comes.
    for (let i = 0; i < 5; i++) expect(names.nameFor(insert('c'))).toBeUndefined();
  });

  it('the texts insertRows sends are the ones that get named', async () => {
    const texts: string[] = [];
    const q: Queryable = { query: async <R>(sql: string): Promise<QueryResult<R>> => (texts.push(sql), { rows: [], rowCount: 0 }) };
    await insertRows(q, 'ldv_records', ['trace_id', 'attributes'], [['t', '{}']], { casts: { attributes: '::jsonb' }, constants: { created_at: 'now()' }, tail: `ON CONFLICT (id) WHERE status <> 'x' DO NOTHING RETURNING id` });
    const names = new PreparedNames(1, 10);
    expect(names.nameFor(texts[0]!)).toBeDefined();
  });

  it('insertRowsTogether\'s texts are named too, unless they look rows up by a list', async () => {
    const texts: string[] = [];
    const q: Queryable = { query: async <R>(sql: string): Promise<QueryResult<R>> => (texts.push(sql), { rows: [], rowCount: 0 }) };
    const ins = [{ table: 'a', columns: ['id'], rows: [[1]] }, { table: 'b', columns: ['id'], rows: [] }];
    await insertRowsTogether(q, ins, { sql: 'UPDATE log_head SET seq = $1, hash = $2 WHERE id = $3 AND seq = $4', params: [1, 'h', 1, 0] });
    await insertRowsTogether(q, ins);
    await insertRowsTogether(q, ins, { sql: 'SELECT id FROM messages WHERE id = ANY($1::uuid[])', params: [[]] });
    await insertRowsTogether(q, ins, { sql: 'UPDATE deliveries d SET status = u.status FROM unnest($1::uuid[], $2::text[]) AS u(id, status) WHERE d.id = u.id', params: [[], []] });
    const names = new PreparedNames(1, 10);
    expect(texts[0]).toMatch(/^WITH i1 AS \(INSERT INTO a .*\$1::json.*i2 AS \(INSERT INTO b .*\$2::json.* UPDATE log_head SET seq = \$3, hash = \$4 WHERE id = \$5 AND seq = \$6$/);
    expect(names.nameFor(texts[0]!)).toBeDefined();
    expect(names.nameFor(texts[1]!)).toBeDefined();
    // Main parts whose plan depends on the data stay unnamed.
    expect(names.nameFor(texts[2]!)).toBeUndefined();
    expect(names.nameFor(texts[3]!)).toBeUndefined();
  });
});
