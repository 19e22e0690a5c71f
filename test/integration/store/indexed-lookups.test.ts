/**
 * Lookups made for every message of their kind enter an index by its leading columns, however
 * large the tables grow (each of these was a scan of a whole table). PostgreSQL's plan shows it;
 * the answers are the same on both stores.
 * - TR056 (a reused Identificatie), for every iStandaarden heenbericht: by sender and sender id,
 *   through the unique index of accepted messages.
 * - An intake's referenties delivered before: through a partial index of intake prestaties.
 * - The outbox's depth (each metrics scrape), the reconciler's due deliveries and the hand-on to
 *   the next in order: through the partial indexes of open and parked deliveries, not past every
 *   delivery ever made (nor a key's whole backlog at each hand-on); the claims, and the console's
 *   dead-letter and retry filters, the same.
 * - Retention: a batch's payloads are kept for its own open deliveries only, found by message.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EERDER_AANGELEVERD } from '../../../src/contracten/intake.js';
import { deliveryWhere } from '../../../src/console/api/dead-letter-filter.js';
import { outbox } from '../../../src/delivery/outbox.js';
import { PURGE_PAYLOADS } from '../../../src/retention/purge.js';
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
    // 20,000 deliveries of all time, a handful of them open or parked.
    await db.query(`INSERT INTO payloads (message_id, kind, content_type, size, digest, key_id, created_at) SELECT id, 'raw', 'application/json', 0, 'd', 'k', now() FROM messages LIMIT 1`);
    await db.query(`INSERT INTO deliveries (id, message_id, route_id, destination_id, payload_id, status, attempts, max_attempts, backoff_ms, next_attempt_at, lease_until, created_at, updated_at)
      SELECT gen_random_uuid(), m.id, 'r', 'd', (SELECT min(id) FROM payloads), CASE WHEN m.n % 2000 = 0 THEN 'pending' WHEN m.n % 2000 = 1 THEN 'in_flight' WHEN m.n % 2000 = 2 THEN 'dead_letter' ELSE 'delivered' END,
             0, 3, 10, now() - interval '1 minute', now() - interval '1 minute', now(), now()
        FROM (SELECT id, row_number() OVER () AS n FROM messages) m`);
    await db.query('ANALYZE messages');
    await db.query('ANALYZE contract_prestaties');
    await db.query('ANALYZE deliveries');
  });

  const plan = async (text: string, params: unknown[]) => JSON.stringify((await db.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${text}`, params)).rows[0]!['QUERY PLAN']);
  /** The tables a plan reads with a sequential scan. */
  const seqScanned = (p: string): string[] => [...p.matchAll(/"Node Type":"Seq Scan"[^{}]*?"Relation Name":"(\w+)"/g)].map((m) => m[1]!);

  it('the outbox depth, the due deliveries and the next in order come from the open and parked rows only', async () => {
    const sql: Array<[string, unknown[]]> = [];
    const recording = { query: (text: string, params: unknown[] = []) => (sql.push([text, params]), db.query(text, params)) } as Queryable;
    const depth = await outbox.depth(recording);
    expect([depth.pending, depth.inFlight, depth.deadLetter]).toEqual([10, 10, 10]);
    expect(await outbox.due(recording, 1000)).toHaveLength(20);
    expect(await outbox.nextInOrderMany(recording, ['k1', 'k2'], 8)).toEqual([]);
    const delivered = (await db.query<{ id: string }>(`SELECT id FROM deliveries WHERE status = 'delivered' LIMIT 1`)).rows[0]!.id;
    expect(await outbox.claimMany(recording, [{ id: delivered, leaseMs: 1000 }])).toEqual([]);
    expect(await outbox.claim(recording, delivered, 1000)).toBeUndefined();
    const dead = deliveryWhere({ status: 'dead_letter' }, () => []);
    await recording.query(`SELECT d.id FROM deliveries d JOIN messages m ON m.id = d.message_id WHERE ${dead.sql}`, dead.params);
    const retrying = deliveryWhere({ status: 'retrying' }, () => []);
    await recording.query(`SELECT d.id FROM deliveries d JOIN messages m ON m.id = d.message_id WHERE ${retrying.sql}`, retrying.params);
    if (name !== 'postgres') return;
    for (const [text, params] of sql) {
      const p = await plan(text, params);
      expect(seqScanned(p)).toEqual([]);
      expect(p).not.toContain('deliveries_seq_key');
    }
  });

  it('a purge batch asks only its own messages\' deliveries which payloads they still need', async () => {
    const ids = (await db.query<{ id: string }>('SELECT id FROM messages ORDER BY id LIMIT 50')).rows.map((r) => r.id);
    if (name !== 'postgres') return;
    // (payloads holds one row here: PostgreSQL reads it whole, rightly.)
    expect(seqScanned(await plan(PURGE_PAYLOADS, [ids]))).not.toContain('deliveries');
  });

  it('an intake finds the referenties delivered before by its partial index', async () => {
    const params = ['12345678', ['REF100', 'REF101', 'REF200', 'NEW']];
    expect((await db.query<{ referentie: string }>(EERDER_AANGELEVERD, params)).rows.map((r) => r.referentie).sort()).toEqual(['REF100', 'REF200']);
    if (name !== 'postgres') return;
    const p = await plan(EERDER_AANGELEVERD, params);
    expect(p).toContain('contract_prestaties_intake_ref_idx');
    expect(seqScanned(p)).toEqual([]);
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
    expect(seqScanned(p)).toEqual([]);
  });
});
