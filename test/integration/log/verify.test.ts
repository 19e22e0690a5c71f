import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { eventHash } from '../../../src/log/chain.js';
import { ExchangeLog } from '../../../src/log/exchange-log.js';
import { formatVerifyResult, verifyLog } from '../../../src/log/verify.js';
import type { Db } from '../../../src/store/db.js';
import { STORE_CASES } from '../../helpers/stores.js';
import { insertMessage, tamper, testRing } from './fixtures.js';

describe.each(STORE_CASES)('verify-log on $name', ({ open }) => {
  let db: Db;
  let log: ExchangeLog;

  beforeEach(async () => {
    db = await open();
    log = new ExchangeLog(db, testRing());
  });
  afterEach(async () => {
    await db.close();
  });

  /** Ten events over two messages. */
  async function fill(n = 10): Promise<void> {
    const m = [await insertMessage(db), await insertMessage(db)];
    for (let i = 0; i < n; i++) {
      await log.appendNow({ messageId: m[i % 2]!, eventType: i % 3 ? 'routed' : 'received', sender: 'zorgaanbieder-1', receiver: 'gemeente-0363', detail: { i, route: { id: 'r1', n: i } } });
    }
  }

  async function idOf(seq: number): Promise<string> {
    const r = await db.query<{ id: string }>('SELECT id FROM exchange_events WHERE seq = $1', [seq]);
    return r.rows[0]!.id;
  }

  it('reports an empty log as intact', async () => {
    const r = await verifyLog(db);
    expect(r).toMatchObject({ ok: true, checked: 0, headSeq: 0 });
    expect(formatVerifyResult(r)).toBe(`log intact: 0 events verified\nhead: chain 1 seq 0 hash ${'0'.repeat(64)}`);
  });

  it.each([1, 3, 10, 1000])('verifies an intact log in batches of %i', async (batchSize) => {
    await fill();
    const r = await verifyLog(db, { batchSize });
    expect(r).toMatchObject({ ok: true, checked: 10, headSeq: 10 });
    const head = await db.query<{ hash: string }>('SELECT hash FROM log_head WHERE id = 1');
    // The head is printed, so an operator can compare it with (or record it as) an anchor outside the database.
    expect(formatVerifyResult(r)).toBe(`log intact: 10 events verified\nhead: chain 1 seq 10 hash ${head.rows[0]!.hash}`);
  });

  it('catches an edited event field', async () => {
    await fill();
    await tamper(db, `UPDATE exchange_events SET receiver = 'gemeente-0599' WHERE seq = 4`);
    const r = await verifyLog(db, { batchSize: 3 });
    expect(r).toMatchObject({ ok: false, checked: 3, headSeq: 10, firstBroken: { seq: 4, id: await idOf(4), reason: 'hash-mismatch' } });
    expect(formatVerifyResult(r)).toMatch(new RegExp(`^log BROKEN at event seq 4 \\(id ${await idOf(4)}\\): hash-mismatch`));
  });

  it('catches an edited timestamp', async () => {
    await fill();
    await tamper(db, `UPDATE exchange_events SET occurred_at = occurred_at - interval '1 hour' WHERE seq = 1`);
    expect((await verifyLog(db)).firstBroken).toMatchObject({ seq: 1, reason: 'hash-mismatch' });
  });

  it('catches an edited detail jsonb', async () => {
    await fill();
    await tamper(db, `UPDATE exchange_events SET detail = jsonb_set(detail, '{route,id}', '"r2"') WHERE seq = 7`);
    expect((await verifyLog(db)).firstBroken).toEqual({ chain: '1', seq: 7, id: await idOf(7), reason: 'hash-mismatch' });
  });

  it('is not fooled by a rewritten key order in detail (jsonb normalises it anyway)', async () => {
    await fill(3);
    await tamper(db, `UPDATE exchange_events SET detail = '{"route": {"n": 1, "id": "r1"}, "i": 1}'::jsonb WHERE seq = 2`);
    expect((await verifyLog(db)).ok).toBe(true);
  });

  it('catches a deleted middle event', async () => {
    await fill();
    await tamper(db, 'DELETE FROM exchange_events WHERE seq = 5');
    const r = await verifyLog(db, { batchSize: 4 });
    expect(r).toMatchObject({ ok: false, checked: 4, headSeq: 10, firstBroken: { seq: 6, id: await idOf(6), reason: 'seq-gap' } });
  });

  it('catches a deleted event whose successors were renumbered', async () => {
    await fill();
    await tamper(db, 'DELETE FROM exchange_events WHERE seq = 5');
    await tamper(db, 'UPDATE exchange_events SET seq = seq - 1 WHERE seq > 5');
    await db.query('UPDATE log_head SET seq = 9');
    expect((await verifyLog(db)).firstBroken).toMatchObject({ seq: 5, reason: 'link-broken' });
  });

  it('catches an edit whose hash was recomputed (the next link breaks)', async () => {
    await fill();
    const ev = (await log.events({ afterSeq: 2, limit: 1 }))[0]!;
    const forged = { ...ev, sender: 'someone-else' };
    await tamper(db, 'UPDATE exchange_events SET sender = $1, hash = $2 WHERE seq = 3', [forged.sender, eventHash(ev.prevHash, forged)]);
    expect((await verifyLog(db)).firstBroken).toEqual({ chain: '1', seq: 4, id: await idOf(4), reason: 'link-broken' });
  });

  it('catches a re-ordered pair of events', async () => {
    await fill();
    await tamper(db, 'UPDATE exchange_events SET seq = -seq WHERE seq IN (3, 4)');
    await tamper(db, 'UPDATE exchange_events SET seq = CASE seq WHEN -3 THEN 4 ELSE 3 END WHERE seq IN (-3, -4)');
    expect((await verifyLog(db)).firstBroken).toMatchObject({ seq: 3, reason: 'link-broken' });
  });

  it('catches a truncated tail', async () => {
    await fill();
    await tamper(db, 'DELETE FROM exchange_events WHERE seq > 8');
    const r = await verifyLog(db, { batchSize: 4 });
    expect(r).toMatchObject({ ok: false, checked: 8, headSeq: 10, firstBroken: { seq: 9, id: '', reason: 'head-mismatch' } });
    expect(formatVerifyResult(r)).toMatch(/^log BROKEN at event seq 9 \(missing; log head says 10 events\): head-mismatch/);
  });

  it('catches a last event rewritten with a valid-looking hash', async () => {
    await fill();
    const ev = (await log.events({ afterSeq: 9 }))[0]!;
    const forged = { ...ev, eventType: 'delivered' as const };
    await tamper(db, 'UPDATE exchange_events SET event_type = $1, hash = $2 WHERE seq = 10', [forged.eventType, eventHash(ev.prevHash, forged)]);
    expect((await verifyLog(db)).firstBroken).toEqual({ chain: '1', seq: 10, id: ev.id, reason: 'head-mismatch' });
  });

  it('catches an event inserted after the head', async () => {
    await fill(3);
    const last = (await log.events({ afterSeq: 2 }))[0]!;
    const forged = { ...last, seq: 4, id: '00000000-0000-4000-8000-000000000004', prevHash: last.hash };
    await db.query(
      `INSERT INTO exchange_events (seq, id, message_id, event_type, occurred_at, detail, prev_hash, hash)
       VALUES (4, $1, $2, 'received', $3, '{}'::jsonb, $4, $5)`,
      [forged.id, last.messageId, last.occurredAt, last.hash, 'a'.repeat(64)],
    );
    expect((await verifyLog(db)).firstBroken).toEqual({ chain: '1', seq: 4, id: forged.id, reason: 'head-mismatch' });
  });

  it('catches an event with a seq before the start', async () => {
    await fill(2);
    await db.query(
      `INSERT INTO exchange_events (seq, id, event_type, occurred_at, detail, prev_hash, hash)
       VALUES (0, '00000000-0000-4000-8000-000000000000', 'received', now(), '{}'::jsonb, $1, $1)`,
      ['0'.repeat(64)],
    );
    expect((await verifyLog(db)).firstBroken).toMatchObject({ seq: 0, reason: 'seq-gap' });
  });

  it('does not flag appends that happen while it runs', async () => {
    await fill(20);
    const running = verifyLog(db, { batchSize: 2 });
    await Promise.all(Array.from({ length: 10 }, () => log.appendNow({ messageId: null, eventType: 'received' })));
    expect((await running).ok).toBe(true);
    expect(await verifyLog(db)).toMatchObject({ ok: true, checked: 30, headSeq: 30 });
  });
});
