import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { ExchangeLog, LogInputError } from '../../../src/log/exchange-log.js';
import type { ExchangeEvent } from '../../../src/core/message.js';
import { GENESIS_HASH } from '../../../src/log/chain.js';
import { keyRingFrom, generateMasterKey, parseMasterKey } from '../../../src/log/keys.js';
import { verifyLog } from '../../../src/log/verify.js';
import type { Db } from '../../../src/store/db.js';
import { openStore } from '../../../src/store/open.js';
import { STORE_CASES, freshPostgresUrl } from '../../helpers/stores.js';
import { BSN_A, BSN_B, findEverywhere, insertMessage, testRing } from './fixtures.js';

describe.each(STORE_CASES)('exchange log on $name', ({ name, open }) => {
  let db: Db;
  let log: ExchangeLog;
  const ring = testRing();

  beforeEach(async () => {
    db = await open();
    log = new ExchangeLog(db, ring);
  });
  afterEach(async () => {
    await db.close();
  });

  describe('append', () => {
    it('numbers events from 1 and chains each to the previous one', async () => {
      const messageId = await insertMessage(db);
      const types = ['received', 'validated', 'routed', 'mapped', 'delivered'] as const;
      const appended = [];
      for (const eventType of types) {
        appended.push(
          await log.appendNow({
            messageId,
            correlationId: 'corr-1',
            eventType,
            channel: 'istandaarden',
            standard: 'ijw',
            messageType: 'JW301',
            sender: 'zorgaanbieder-12345678',
            receiver: 'gemeente-0363',
            detail: { z: 1, a: { y: [1, 'two'], b: null }, at: new Date('2026-01-01T00:00:00Z') },
          }),
        );
      }
      expect(appended.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
      expect(appended[0]!.prevHash).toBe(GENESIS_HASH);
      for (let i = 1; i < appended.length; i++) expect(appended[i]!.prevHash).toBe(appended[i - 1]!.hash);
      expect(new Set(appended.map((e) => e.hash)).size).toBe(5);

      // What comes back from the database equals what append returned (dates, jsonb key order, nulls).
      const stored = await log.eventsForMessage(messageId);
      expect(stored).toEqual(appended);
      expect(stored[0]!.detail).toEqual({ a: { b: null, y: [1, 'two'] }, at: '2026-01-01T00:00:00.000Z', z: 1 });

      const head = await db.query<{ seq: number; hash: string }>('SELECT seq, hash FROM log_head');
      expect(Number(head.rows[0]!.seq)).toBe(5);
      expect(head.rows[0]!.hash).toBe(appended[4]!.hash);
      expect(await verifyLog(db)).toMatchObject({ ok: true, checked: 5, headSeq: 5 });
    });

    it('stores optional fields as null and lower-cases the message id', async () => {
      const messageId = await insertMessage(db);
      const ev = await log.appendNow({ messageId: messageId.toUpperCase(), eventType: 'answered' });
      expect(ev).toMatchObject({ messageId, correlationId: null, channel: null, sender: null, receiver: null, detail: {} });
      expect(await log.eventsForMessage(messageId)).toEqual([ev]);
      const system = await log.appendNow({ messageId: null, eventType: 'redelivery_requested', detail: { by: 'beheerder' } });
      expect(system.messageId).toBeNull();
      expect((await verifyLog(db)).ok).toBe(true);
    });

    it('takes part in the caller transaction: a rollback leaves no event and no head movement', async () => {
      await log.appendNow({ messageId: null, eventType: 'received' });
      await expect(
        db.transaction(async (tx) => {
          await log.append(tx, { messageId: null, eventType: 'received' });
          throw new Error('caller failed after appending');
        }),
      ).rejects.toThrow('caller failed');
      const next = await log.appendNow({ messageId: null, eventType: 'received' });
      expect(next.seq).toBe(2);
      expect(await verifyLog(db)).toMatchObject({ ok: true, checked: 2, headSeq: 2 });
    });

    it('refuses bad input with a LogInputError and appends nothing', async () => {
      await expect(log.appendNow({ messageId: 'not-a-uuid', eventType: 'received' })).rejects.toThrow(LogInputError);
      await expect(log.appendNow({ messageId: null, eventType: 'received', detail: { n: NaN } })).rejects.toThrow(/not storable/);
      await expect(log.appendNow({ messageId: null, eventType: 'received', detail: { s: 'a\u0000b' } })).rejects.toThrow(/NUL/);
      await expect(log.appendNow({ messageId: null, eventType: 'received', occurredAt: new Date('x') })).rejects.toThrow(LogInputError);
      // A literal backslash-u sequence is ordinary text, not a NUL.
      await log.appendNow({ messageId: null, eventType: 'received', detail: { s: '\\u0000' } });
      expect((await verifyLog(db)).checked).toBe(1);
    });

    /** Per chain: seq 1..n without a gap, each event linked to the one before. */
    function expectUnbrokenChains(events: ExchangeEvent[]): Map<number, number> {
      const byChain = new Map<number, ExchangeEvent[]>();
      for (const e of events) byChain.set(e.chain, [...(byChain.get(e.chain) ?? []), e]);
      const sizes = new Map<number, number>();
      for (const [chain, evs] of byChain) {
        evs.sort((a, b) => a.seq - b.seq);
        expect(evs.map((e) => e.seq)).toEqual(Array.from({ length: evs.length }, (_, i) => i + 1));
        for (let i = 1; i < evs.length; i++) expect(evs[i]!.prevHash).toBe(evs[i - 1]!.hash);
        sizes.set(chain, evs.length);
      }
      return sizes;
    }

    it('keeps every chain unbroken under many parallel transactions, and spreads them over chains only when they overlap', async () => {
      const messageId = await insertMessage(db);
      const N = 60;
      const results = await Promise.all(
        Array.from({ length: N }, (_, i) =>
          db.transaction(async (tx) => {
            // Work before the append, outside the lock, as a real caller would do.
            await tx.query('SELECT count(*) FROM messages');
            return log.append(tx, { messageId, eventType: 'delivery_attempted', detail: { i } });
          }),
        ),
      );
      const chains = expectUnbrokenChains(results);
      // PGlite runs one transaction at a time: one chain. PostgreSQL runs them side by side: a
      // transaction takes a free chain instead of waiting for a held one.
      if (name === 'postgres') expect(chains.size).toBeGreaterThan(1);
      else expect([...chains.keys()]).toEqual([1]);
      expect(await verifyLog(db, { batchSize: 7 })).toMatchObject({ ok: true, checked: N, headSeq: N, heads: expect.arrayContaining([expect.objectContaining({ chain: '1' })]) });
    });

    it('with maxChains 1 keeps one chain, serialised as before', async () => {
      const single = new ExchangeLog(db, ring, { maxChains: 1 });
      const N = 30;
      const results = await Promise.all(Array.from({ length: N }, (_, i) => db.transaction((tx) => single.append(tx, { messageId: null, eventType: 'delivery_attempted', detail: { i } }))));
      expect([...expectUnbrokenChains(results).keys()]).toEqual([1]);
      expect(await verifyLog(db)).toMatchObject({ ok: true, checked: N, headSeq: N });
    });

    if (name === 'postgres') {
      it('keeps every chain unbroken when several gateway processes (separate pools) append at once', async () => {
        const url = await freshPostgresUrl();
        const dbs = [await openStore({ databaseUrl: url }), await openStore({ databaseUrl: url }), await openStore({ databaseUrl: url })];
        try {
          const logs = dbs.map((d) => new ExchangeLog(d, ring));
          const N = 90;
          const appended = await Promise.all(Array.from({ length: N }, (_, i) => logs[i % logs.length]!.appendNow({ messageId: null, eventType: 'received', detail: { i } })));
          const result = await verifyLog(dbs[0]!, { batchSize: 10 });
          expect(result).toMatchObject({ ok: true, checked: N, headSeq: N });
          expect(expectUnbrokenChains(appended).size).toBeGreaterThan(1);
          const seqs = await dbs[0]!.query<{ n: number; distinct_prev: number }>(
            'SELECT count(*)::int AS n, count(DISTINCT (chain, prev_hash))::int AS distinct_prev FROM exchange_events',
          );
          // No fork: within a chain, every prev_hash is used exactly once.
          expect(seqs.rows[0]).toEqual({ n: N, distinct_prev: N });
        } finally {
          await Promise.all(dbs.map((d) => d.close()));
        }
      });
    }
  });

  describe('append-only guard', () => {
    it('refuses UPDATE, DELETE and TRUNCATE of exchange events', async () => {
      await log.appendNow({ messageId: null, eventType: 'received' });
      await expect(db.query(`UPDATE exchange_events SET sender = 'x'`)).rejects.toThrow(/append-only/);
      await expect(db.query('DELETE FROM exchange_events')).rejects.toThrow(/append-only/);
      await expect(db.query('TRUNCATE exchange_events')).rejects.toThrow(/append-only/);
      expect(await verifyLog(db)).toMatchObject({ ok: true, checked: 1, headSeq: 1 });
    });
  });

  describe('payloads', () => {
    const XML = Buffer.from(`<JW301><Client><Bsn>${BSN_A}</Bsn></Client></JW301>`);

    it('round-trips encrypted content with digest and size', async () => {
      const messageId = await insertMessage(db);
      const stored = await db.transaction((tx) => log.storePayload(tx, { messageId, kind: 'raw', contentType: 'application/xml', content: XML }));
      expect(stored.size).toBe(XML.length);
      expect(stored.digest).toMatch(/^[0-9a-f]{64}$/);

      const read = await log.readPayload(stored.id);
      expect(read).toEqual({
        id: stored.id,
        messageId,
        kind: 'raw',
        destinationId: null,
        contentType: 'application/xml',
        content: XML,
        purgedAt: null,
        digest: stored.digest,
        size: XML.length,
      });
      const raw = await db.query<{ ciphertext: Uint8Array; key_id: string }>('SELECT ciphertext, key_id FROM payloads WHERE id = $1', [stored.id]);
      expect(Buffer.from(raw.rows[0]!.ciphertext).includes(Buffer.from(BSN_A))).toBe(false);
      expect(raw.rows[0]!.key_id).toBe(ring.current.id);
      expect(await log.readPayload(stored.id + 1000)).toBeNull();
    });

    it('reads within a transaction and lists metadata per message without content', async () => {
      const messageId = await insertMessage(db);
      const [a, b] = await db.transaction(async (tx) => {
        const a = await log.storePayload(tx, { messageId, kind: 'raw', contentType: 'application/xml', content: XML });
        const b = await log.storePayload(tx, { messageId, kind: 'mapped', destinationId: 'backoffice-wmo', contentType: 'application/json', content: Buffer.from('{}') });
        expect((await log.readPayload(b.id, tx))?.content).toEqual(Buffer.from('{}'));
        return [a, b];
      });
      const list = await log.payloadsForMessage(messageId);
      expect(list).toEqual([
        { id: a!.id, messageId, kind: 'raw', destinationId: null, contentType: 'application/xml', purgedAt: null, digest: a!.digest, size: XML.length },
        { id: b!.id, messageId, kind: 'mapped', destinationId: 'backoffice-wmo', contentType: 'application/json', purgedAt: null, digest: b!.digest, size: 2 },
      ]);
      expect(list[0]).not.toHaveProperty('content');
    });

    it('refuses a ciphertext moved to another row, without leaking content', async () => {
      const m1 = await insertMessage(db);
      const m2 = await insertMessage(db);
      const p1 = await db.transaction((tx) => log.storePayload(tx, { messageId: m1, kind: 'raw', contentType: 'application/xml', content: XML }));
      const p2 = await db.transaction((tx) => log.storePayload(tx, { messageId: m2, kind: 'raw', contentType: 'application/xml', content: Buffer.from('<other/>') }));
      // Swap everything cryptographic, as someone trying to serve m1's payload as m2's would.
      await db.query(
        `UPDATE payloads p SET iv = s.iv, auth_tag = s.auth_tag, ciphertext = s.ciphertext, digest = s.digest, size = s.size
         FROM payloads s WHERE p.id = $1 AND s.id = $2`,
        [p2.id, p1.id],
      );
      const err = await log.readPayload(p2.id).then(() => null, (e: Error) => e);
      expect(err?.message).toMatch(new RegExp(`payload ${p2.id}: payload authentication failed`));
      expect(err?.message).not.toContain(BSN_A);
      // Relabelling a row's kind breaks it too.
      await db.query(`UPDATE payloads SET kind = 'answer' WHERE id = $1`, [p1.id]);
      await expect(log.readPayload(p1.id)).rejects.toThrow(/authentication failed/);
    });

    it('notices an edited digest or size', async () => {
      const messageId = await insertMessage(db);
      const p = await db.transaction((tx) => log.storePayload(tx, { messageId, kind: 'raw', contentType: 'application/xml', content: XML }));
      await db.query(`UPDATE payloads SET digest = $2 WHERE id = $1`, [p.id, 'f'.repeat(64)]);
      await expect(log.readPayload(p.id)).rejects.toThrow(/digest or size/);
    });

    it('keeps a purged payload as a tombstone and the log still verifies', async () => {
      const messageId = await insertMessage(db);
      const p = await db.transaction(async (tx) => {
        const p = await log.storePayload(tx, { messageId, kind: 'raw', contentType: 'application/xml', content: XML });
        await log.append(tx, { messageId, eventType: 'received', detail: { payloadId: p.id, digest: p.digest, size: p.size } });
        return p;
      });
      await log.appendNow({ messageId, eventType: 'delivered' });
      await db.query('UPDATE payloads SET ciphertext = NULL, iv = NULL, auth_tag = NULL, purged_at = now() WHERE id = $1', [p.id]);
      const read = await log.readPayload(p.id);
      expect(read?.content).toBeNull();
      expect(read?.purgedAt).toBeInstanceOf(Date);
      expect(read?.digest).toBe(p.digest);
      expect(read?.size).toBe(XML.length);
      expect((await log.payloadsForMessage(messageId))[0]?.purgedAt).toBeInstanceOf(Date);
      expect(await verifyLog(db)).toMatchObject({ ok: true, checked: 2, headSeq: 2 });
      expect(await findEverywhere(db, BSN_A)).toEqual([]);
    });

    it('reads payloads written before a key rotation', async () => {
      const oldMaster = parseMasterKey(generateMasterKey());
      const before = new ExchangeLog(db, keyRingFrom(oldMaster));
      const messageId = await insertMessage(db);
      const p = await db.transaction((tx) => before.storePayload(tx, { messageId, kind: 'raw', contentType: 'text/plain', content: XML }));
      const after = new ExchangeLog(db, keyRingFrom(parseMasterKey(generateMasterKey()), [oldMaster]));
      expect((await after.readPayload(p.id))?.content).toEqual(XML);
      await expect(log.readPayload(p.id)).rejects.toThrow(/unknown key id/);
    });

    it('refuses an unknown payload kind', async () => {
      const messageId = await insertMessage(db);
      await expect(
        db.transaction((tx) => log.storePayload(tx, { messageId, kind: 'other' as 'raw', contentType: 'text/plain', content: XML })),
      ).rejects.toThrow(LogInputError);
    });
  });

  describe('subjects', () => {
    it('indexes by keyed hash only and finds messages by BSN', async () => {
      const m1 = await insertMessage(db, { receivedAt: new Date('2026-01-01T00:00:00Z') });
      const m2 = await insertMessage(db, { receivedAt: new Date('2026-01-02T00:00:00Z') });
      await db.transaction(async (tx) => {
        await log.recordSubjects(tx, m1, [BSN_A, BSN_B, BSN_A, '9999.93.653']);
        await log.storePayload(tx, { messageId: m1, kind: 'raw', contentType: 'application/json', content: Buffer.from(JSON.stringify({ bsn: BSN_A, partner: BSN_B })) });
        await log.append(tx, { messageId: m1, eventType: 'received', detail: { subjects: 2 } });
      });
      await db.transaction((tx) => log.recordSubjects(tx, m2, [BSN_A]));
      await db.transaction((tx) => log.recordSubjects(tx, m2, [BSN_A])); // idempotent
      await db.transaction((tx) => log.recordSubjects(tx, m2, []));

      const rows = await db.query<{ n: number | string }>('SELECT count(*) AS n FROM message_subjects');
      expect(Number(rows.rows[0]!.n)).toBe(3);
      expect(await log.messagesForSubject(BSN_A)).toEqual([m1, m2]);
      expect(await log.messagesForSubject(BSN_B)).toEqual([m1]);
      expect(await log.messagesForSubject('999 99 0627')).toEqual([m1]);
      expect(await log.messagesForSubject('111222333')).toEqual([]);
      await expect(log.messagesForSubject('abc')).rejects.toThrow(LogInputError);

      // No plain BSN anywhere in the database.
      expect(await findEverywhere(db, BSN_A)).toEqual([]);
      expect(await findEverywhere(db, BSN_B)).toEqual([]);
      // ...and the scan does find one when it is there, so the assertion above can fail.
      await insertMessage(db, { senderMessageId: `ref-${BSN_B}` });
      expect(await findEverywhere(db, BSN_B)).toEqual(['messages.sender_message_id']);
      await db.query(`INSERT INTO payloads (message_id, kind, content_type, size, digest, key_id, ciphertext, created_at)
                      VALUES ($1, 'raw', 'text/plain', 9, 'x', 'k', $2, now())`, [m2, Buffer.from(`x${BSN_A}x`)]);
      expect(await findEverywhere(db, BSN_A)).toEqual(['payloads.ciphertext']);
    });

    it('finds subjects recorded before a key rotation', async () => {
      const oldMaster = parseMasterKey(generateMasterKey());
      const m = await insertMessage(db);
      await db.transaction((tx) => new ExchangeLog(db, keyRingFrom(oldMaster)).recordSubjects(tx, m, [BSN_A]));
      const rotated = new ExchangeLog(db, keyRingFrom(parseMasterKey(generateMasterKey()), [oldMaster]));
      expect(await rotated.messagesForSubject(BSN_A)).toEqual([m]);
      expect(await log.messagesForSubject(BSN_A)).toEqual([]);
    });
  });

  describe('queries', () => {
    it('filters events with parameters only', async () => {
      const m1 = await insertMessage(db);
      const m2 = await insertMessage(db);
      const t0 = new Date('2026-02-01T00:00:00Z');
      const at = (min: number): Date => new Date(t0.getTime() + min * 60_000);
      await log.appendNow({ messageId: m1, correlationId: 'c1', eventType: 'received', sender: 'a', receiver: 'g', occurredAt: at(0) });
      await log.appendNow({ messageId: m1, correlationId: 'c1', eventType: 'delivered', sender: 'a', receiver: 'g', occurredAt: at(1) });
      await log.appendNow({ messageId: m2, correlationId: 'c2', eventType: 'received', sender: 'b', receiver: 'g', occurredAt: at(2) });
      await log.appendNow({ messageId: m2, correlationId: 'c2', eventType: 'rejected', sender: 'b', receiver: 'h', occurredAt: at(3) });

      const seqs = async (f: Parameters<ExchangeLog['events']>[0]): Promise<number[]> => (await log.events(f)).map((e) => e.seq);
      expect(await seqs({})).toEqual([1, 2, 3, 4]);
      expect(await seqs({ messageId: m2 })).toEqual([3, 4]);
      expect(await seqs({ correlationId: 'c1' })).toEqual([1, 2]);
      expect(await seqs({ sender: 'b', receiver: 'g' })).toEqual([3]);
      expect(await seqs({ eventType: 'received' })).toEqual([1, 3]);
      expect(await seqs({ from: at(1), to: at(3) })).toEqual([2, 3]);
      expect(await seqs({ limit: 2 })).toEqual([1, 2]);
      expect(await seqs({ limit: 2, newest: true })).toEqual([4, 3]);
      expect(await seqs({ eventType: 'received', limit: 1, newest: true })).toEqual([3]);
      expect(await seqs({ afterSeq: 2, limit: 1 })).toEqual([3]);
      expect(await seqs({ sender: "a' OR '1'='1" })).toEqual([]);
      expect(await seqs({ eventType: 'received; DROP TABLE exchange_events; --' })).toEqual([]);
      expect(await seqs({})).toHaveLength(4);

      await expect(log.events({ limit: 0 })).rejects.toThrow(LogInputError);
      await expect(log.events({ limit: 1.5 })).rejects.toThrow(LogInputError);
      await expect(log.events({ messageId: 'x' })).rejects.toThrow(LogInputError);
      await expect(log.events({ from: new Date('nope') })).rejects.toThrow(LogInputError);
      await expect(log.eventsForMessage(`${BSN_A}`)).rejects.toThrow('messageId must be a UUID');
    });
  });
});
