/**
 * TR056 (a reused Identificatie) is looked up by sender and sender id, through the unique index of
 * accepted messages: one index lookup per heenbericht, however many messages the store holds (it
 * was a scan of all of them). PostgreSQL's plan shows it; the answers are the same on both stores.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DbRegister } from '../../../src/standards/istandaarden/register-db.js';
import type { Db, Queryable } from '../../../src/store/db.js';
import { STORE_CASES } from '../../helpers/stores.js';

describe.each(STORE_CASES)('the TR056 lookup on $name', ({ name, open }) => {
  let db: Db;
  beforeAll(async () => {
    db = await open();
    await db.query(`INSERT INTO messages (id, sender_message_id, correlation_id, channel, standard, message_type, sender, status, received_at, updated_at)
      SELECT gen_random_uuid(), '12345678/490/ID' || g, gen_random_uuid()::text, 'istandaarden', 'ijw', 'JW323', 'aanbieder-12345678', CASE WHEN g % 2 = 0 THEN 'routed' ELSE 'rejected' END, now(), now()
        FROM generate_series(1, 20000) g`);
    await db.query('ANALYZE messages');
  });
  afterAll(async () => db.close());

  it('finds an accepted message under the Identificatie (not a rejected one, not one of another sender) by one index lookup', async () => {
    const sql: Array<[string, unknown[]]> = [];
    const recording = { query: (text: string, params: unknown[] = []) => (sql.push([text, params]), db.query(text, params)) } as Queryable as Db;
    const register = new DbRegister(recording, (code) => (code === '12345678' ? ['aanbieder-12345678'] : code === '87654321' ? ['aanbieder-87654321'] : []));
    expect(await register.identificatieBekend('ijw', '12345678', 490, 'ID2')).toBe(true);
    expect(await register.identificatieBekend('ijw', '12345678', 490, 'ID1')).toBe(false); // rejected: may be sent again
    expect(await register.identificatieBekend('iwmo', '12345678', 490, 'ID2')).toBe(false);
    expect(await register.identificatieBekend('ijw', '87654321', 490, 'ID2')).toBe(false);
    expect(await register.identificatieBekend('ijw', '99999999', 490, 'ID2')).toBe(false); // no such party: no query
    expect(sql).toHaveLength(4);
    if (name !== 'postgres') return;
    const [text, params] = sql[0]!;
    const plan = JSON.stringify((await db.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${text}`, params)).rows[0]!['QUERY PLAN']);
    // The index is entered by its leading column, the sender: not a walk over all of it.
    expect(plan).toContain('messages_sender_message_uq');
    expect(plan).toMatch(/"Index Cond":"\(\(sender = ANY/);
    expect(plan).not.toContain('Seq Scan');
  });
});
