/**
 * Lookups made for every message of their kind enter an index by its leading columns, however
 * large the tables grow (each of these was a scan of a whole table). PostgreSQL's plan shows it;
 * the answers are the same on both stores.
 * - TR056 (a reused Identificatie), for every iStandaarden heenbericht: by sender and sender id,
 *   through the unique index of accepted messages.
 * - An intake's referenties delivered before: through a partial index of intake prestaties.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EERDER_AANGELEVERD } from '../../../src/contracten/intake.js';
import { DbRegister } from '../../../src/standards/istandaarden/register-db.js';
import type { Db, Queryable } from '../../../src/store/db.js';
import { STORE_CASES } from '../../helpers/stores.js';

describe.each(STORE_CASES)('lookups per message on $name', ({ name, open }) => {
  let db: Db;
  beforeAll(async () => {
    db = await open();
    await db.query(`INSERT INTO messages (id, sender_message_id, correlation_id, channel, standard, message_type, sender, status, received_at, updated_at)
      SELECT gen_random_uuid(), '12345678/490/ID' || g, gen_random_uuid()::text, 'istandaarden', 'ijw', 'JW323', 'aanbieder-12345678', CASE WHEN g % 2 = 0 THEN 'routed' ELSE 'rejected' END, now(), now()
        FROM generate_series(1, 20000) g`);
    await db.query(`INSERT INTO contract_prestaties (message_id, bron, wet, contract_id, aanbieder, gemeente, declaratie, referentie, categorie, code, maand, begindatum, volume, eenheid, bedrag, client_hash, ontvangen_op)
      SELECT gen_random_uuid(), CASE WHEN g % 100 = 0 THEN 'intake' ELSE '323' END, 'ijw', 'C1', '12345678', '0153', 'D' || (g / 1000), 'REF' || g, '45', '45A48', '2026-10', '2026-10-01', 1, '04', 100, 'h', now()
        FROM generate_series(1, 20000) g`);
    await db.query('ANALYZE messages');
    await db.query('ANALYZE contract_prestaties');
  });

  const plan = async (text: string, params: unknown[]) => JSON.stringify((await db.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${text}`, params)).rows[0]!['QUERY PLAN']);

  it('an intake finds the referenties delivered before by its partial index', async () => {
    const params = ['12345678', ['REF100', 'REF101', 'REF200', 'NEW']];
    expect((await db.query<{ referentie: string }>(EERDER_AANGELEVERD, params)).rows.map((r) => r.referentie).sort()).toEqual(['REF100', 'REF200']);
    if (name !== 'postgres') return;
    const p = await plan(EERDER_AANGELEVERD, params);
    expect(p).toContain('contract_prestaties_intake_ref_idx');
    expect(p).not.toContain('Seq Scan');
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
    const p = await plan(...sql[0]!);
    // The index is entered by its leading column, the sender: not a walk over all of it.
    expect(p).toContain('messages_sender_message_uq');
    expect(p).toMatch(/"Index Cond":"\(\(sender = ANY/);
    expect(p).not.toContain('Seq Scan');
  });
});
