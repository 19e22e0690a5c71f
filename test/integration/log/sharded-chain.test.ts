/**
 * The exchange log over several chains (migration 150): each writer appends to a chain head of its
 * own, events are keyed by (chain, seq), and verify-log checks every chain. Cutting one chain's
 * tail leaves that chain verifying on its own; the chain_anchor event on another chain, and a
 * checkpoint outside the database, both name the chain and the missing range.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckpointWriter, formatAnchorResult, verifyAgainstAnchors } from '../../../src/log/anchor.js';
import { ChainAnchorWriter } from '../../../src/log/chain-anchor.js';
import { GENESIS_HASH, eventHash } from '../../../src/log/chain.js';
import { ExchangeLog } from '../../../src/log/exchange-log.js';
import type { KeyRing } from '../../../src/log/keys.js';
import { formatVerifyResult, verifyLog } from '../../../src/log/verify.js';
import { createLogger } from '../../../src/ops/logger.js';
import type { Db, Queryable } from '../../../src/store/db.js';
import { openStore } from '../../../src/store/open.js';
import { STORE_CASES, freshPostgresUrl } from '../../helpers/stores.js';
import { tamper, testRing } from './fixtures.js';

describe.each(STORE_CASES)('sharded exchange log on $name', ({ name, open }) => {
  let db: Db;
  let ring: KeyRing;
  let one: ExchangeLog;
  let two: ExchangeLog;

  beforeEach(async () => {
    db = await open();
    ring = testRing();
    // Two writers, each with a chain of its own (as two gateway processes would take them).
    one = new ExchangeLog(db, ring, { chain: 1 });
    two = new ExchangeLog(db, ring, { chain: 2 });
  });
  afterEach(async () => {
    await db.close();
  });

  async function fillBoth(n: number): Promise<void> {
    await Promise.all(
      Array.from({ length: n }, (_, i) => [
        one.appendNow({ messageId: null, eventType: 'admin_action', detail: { writer: 1, i } }),
        two.appendNow({ messageId: null, eventType: 'admin_action', detail: { writer: 2, i } }),
      ]).flat(),
    );
  }

  /** What an owner of the tables can do: delete one chain's newest events and point its head back. */
  async function cutChainTo(chain: number, seq: number): Promise<void> {
    await tamper(db, 'DELETE FROM exchange_events WHERE chain = $1 AND seq > $2', [chain, seq]);
    await db.query('UPDATE log_head SET seq = $2, hash = (SELECT hash FROM exchange_events WHERE chain = $1 AND seq = $2) WHERE id = $1', [chain, seq]);
  }

  it('two writers appending at once each keep an unbroken chain, and verify-log checks both', async () => {
    await fillBoth(20);
    const r = await verifyLog(db, { batchSize: 7 });
    expect(r).toMatchObject({ ok: true, checked: 40, headSeq: 40 });
    expect(r.heads.map((h) => [h.chain, h.seq])).toEqual([['1', 20], ['2', 20]]);
    const text = formatVerifyResult(r);
    expect(text).toMatch(/^log intact: 40 events verified on 2 chains\nhead: chain 1 seq 20 hash [0-9a-f]{64}\nhead: chain 2 seq 20 hash [0-9a-f]{64}$/);
    const perChain = await db.query<{ chain: number; n: number; max: number }>('SELECT chain, count(*)::int AS n, max(seq)::int AS max FROM exchange_events GROUP BY chain ORDER BY chain');
    expect(perChain.rows).toEqual([{ chain: 1, n: 20, max: 20 }, { chain: 2, n: 20, max: 20 }]);
    // Every new event is hashed in the fixed-field format, which binds it to its chain.
    const formats = await db.query<{ f: number }>('SELECT DISTINCT hash_format::int AS f FROM exchange_events');
    expect(formats.rows).toEqual([{ f: 2 }]);
  });

  it('an event moved to another chain (hash and link intact) is caught', async () => {
    await fillBoth(3);
    // Swap chain 1 and 2's first event positions wholesale: the links and hashes are copied with
    // them, but the chain is inside the hash.
    await tamper(db, 'UPDATE exchange_events SET chain = chain + 10 WHERE seq = 1');
    await tamper(db, 'UPDATE exchange_events SET chain = CASE chain WHEN 11 THEN 2 ELSE 1 END WHERE chain > 10');
    const r = await verifyLog(db);
    expect(r.firstBroken).toMatchObject({ chain: '1', seq: 1, reason: 'hash-mismatch' });
  });

  it('a cut tail of one chain is named by the chain_anchor event on the other chain', async () => {
    await fillBoth(10);
    const anchors = new ChainAnchorWriter(db, one, createLogger('silent'));
    const ev = (await anchors.writeNow())!;
    expect(ev).toMatchObject({ chain: 1, seq: 11, eventType: 'chain_anchor', detail: { heads: [expect.objectContaining({ chain: '2', seq: 10 })] } });
    // Nothing moved since: no second anchor event.
    expect(await anchors.writeNow()).toBeUndefined();
    expect((await verifyLog(db)).ok).toBe(true);

    await cutChainTo(2, 6);
    const r = await verifyLog(db);
    expect(r).toMatchObject({ ok: false, firstBroken: { chain: '2', seq: 7, to: 10, id: '', reason: 'anchor-mismatch', anchoredBy: { chain: '1', seq: 11 } } });
    expect(formatVerifyResult(r)).toMatch(/^log BROKEN on chain 2: events seq 7\.\.10 are missing \(recorded by the chain_anchor event seq 11 on chain 1; the head of chain 2 says seq 6\)/);
  });

  it('a cut and re-grown tail of one chain does not match the chain_anchor event', async () => {
    await fillBoth(10);
    await new ChainAnchorWriter(db, one, createLogger('silent')).writeNow();
    await cutChainTo(2, 6);
    for (let i = 0; i < 5; i++) await two.appendNow({ messageId: null, eventType: 'admin_action', detail: { forged: i } });
    const r = await verifyLog(db);
    expect(r.firstBroken).toMatchObject({ chain: '2', seq: 10, reason: 'anchor-mismatch' });
    expect(formatVerifyResult(r)).toContain('on chain 2: event seq 10');
  });

  it('a cut tail of one chain is named per chain by a checkpoint outside the database', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'kp-shard-')), 'log-head.jsonl');
    const checkpoints = new CheckpointWriter(db, ring, { file }, createLogger('silent'));
    await fillBoth(10);
    await checkpoints.writeNow();
    await cutChainTo(2, 4);
    // Without a chain_anchor event the chain alone cannot see it.
    expect((await verifyLog(db)).ok).toBe(true);
    const r = await verifyAgainstAnchors(db, ring, readFileSync(file, 'utf8'));
    expect(r.problems).toEqual([expect.objectContaining({ kind: 'missing', chain: '2', from: 5, to: 10, headSeq: 4 })]);
    expect(formatAnchorResult(r)).toContain('log CUT on chain 2: events seq 5..10 are missing');
  });

  it('an event on a chain without a head is caught', async () => {
    await fillBoth(2);
    await db.query(
      `INSERT INTO exchange_events (chain, hash_format, seq, id, event_type, occurred_at, detail, prev_hash, hash)
       VALUES (7, 2, 1, '00000000-0000-4000-8000-000000000007', 'received', now(), '{}'::jsonb, $1, $1)`,
      [GENESIS_HASH],
    );
    expect((await verifyLog(db)).firstBroken).toMatchObject({ chain: '7', seq: 1, reason: 'head-mismatch' });
  });

  it('a log written before migration 150 (one chain, canonical-JSON hashes) still verifies, and grows in the new format', async () => {
    // The rows as the old writer made them: no chain or hash_format given (the column defaults, 1 and 1).
    let prev = GENESIS_HASH;
    const at = new Date('2026-01-01T00:00:00.000Z');
    for (let seq = 1; seq <= 3; seq++) {
      const ev = { seq, id: `00000000-0000-4000-8000-00000000000${seq}`, messageId: null, correlationId: null, eventType: 'admin_action', channel: null, standard: null, messageType: null, sender: 's', receiver: null, occurredAt: at, detail: { seq } };
      const hash = eventHash(prev, ev);
      await db.query(
        `INSERT INTO exchange_events (seq, id, event_type, sender, occurred_at, detail, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8)`,
        [seq, ev.id, ev.eventType, ev.sender, at, JSON.stringify(ev.detail), prev, hash],
      );
      prev = hash;
    }
    await db.query('UPDATE log_head SET seq = 3, hash = $1 WHERE id = 1', [prev]);
    const log = new ExchangeLog(db, ring);
    const appended = await log.appendNow({ messageId: null, eventType: 'admin_action' });
    expect(appended).toMatchObject({ chain: 1, seq: 4, hashFormat: 2, prevHash: prev });
    expect(await verifyLog(db)).toMatchObject({ ok: true, checked: 4, headSeq: 4 });
    const rows = await db.query<{ f: number }>('SELECT hash_format::int AS f FROM exchange_events ORDER BY seq');
    expect(rows.rows.map((r) => r.f)).toEqual([1, 1, 1, 2]);
    // An old event is still protected by its own format.
    await tamper(db, `UPDATE exchange_events SET sender = 'x' WHERE seq = 2`);
    expect((await verifyLog(db)).firstBroken).toMatchObject({ chain: '1', seq: 2, reason: 'hash-mismatch' });
  });

  /** The transaction's queryable, counting the statements that lock or open a chain head. */
  function countingHeadLocks(tx: Queryable): { tx: Queryable; locks: () => number } {
    let n = 0;
    return {
      tx: {
        query: (sql, params) => {
          if (/FROM log_head\b[\s\S]*FOR UPDATE|INSERT INTO log_head/.test(sql)) n++;
          return tx.query(sql, params);
        },
      } as Queryable,
      locks: () => n,
    };
  }

  it('appends and a chain_anchor in one transaction lock one chain head, once', async () => {
    const log = new ExchangeLog(db, ring, { maxChains: 4 });
    // A second chain exists, so the anchor has something to record.
    await two.appendNow({ messageId: null, eventType: 'admin_action' });
    const { evs, locks } = await db.transaction(async (raw) => {
      const c = countingHeadLocks(raw);
      const first = await log.append(c.tx, { messageId: null, eventType: 'admin_action', detail: { i: 1 } });
      const more = await log.appendMany(c.tx, [{ messageId: null, eventType: 'admin_action', detail: { i: 2 } }, { messageId: null, eventType: 'admin_action', detail: { i: 3 } }]);
      const anchorEv = await log.appendChainAnchor(c.tx);
      return { evs: [first, ...more, anchorEv!], locks: c.locks() };
    });
    expect(locks).toBe(1);
    expect(new Set(evs.map((e) => e.chain)).size).toBe(1);
    expect(evs.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(await verifyLog(db)).toMatchObject({ ok: true, checked: 5 });
  });

  if (name === 'postgres') {
    it('a transaction that appends twice keeps its chain even when a lower chain comes free in between', async () => {
      const log = new ExchangeLog(db, ring, { maxChains: 4 });
      // Transaction A holds chain 1 while B makes its first append (so B takes chain 2).
      let releaseA!: () => void;
      const aMayCommit = new Promise<void>((r) => (releaseA = r));
      let aHolds!: () => void;
      const aHolding = new Promise<void>((r) => (aHolds = r));
      const a = db.transaction(async (tx) => {
        const ev = await log.append(tx, { messageId: null, eventType: 'admin_action', detail: { w: 'a' } });
        aHolds();
        await aMayCommit;
        return ev;
      });
      await aHolding;
      let bFirstDone!: () => void;
      const bFirst = new Promise<void>((r) => (bFirstDone = r));
      let aCommitted!: () => void;
      const aDone = new Promise<void>((r) => (aCommitted = r));
      const b = db.transaction(async (raw) => {
        const c = countingHeadLocks(raw);
        const first = await log.append(c.tx, { messageId: null, eventType: 'admin_action', detail: { w: 'b', i: 1 } });
        const locksForFirst = c.locks();
        bFirstDone();
        // Chain 1 is free again now: a fresh lock would take it, and B would hold two heads.
        await aDone;
        const second = await log.append(c.tx, { messageId: null, eventType: 'admin_action', detail: { w: 'b', i: 2 } });
        return { first, second, locksForSecond: c.locks() - locksForFirst };
      });
      await bFirst;
      releaseA();
      const evA = await a;
      aCommitted();
      const rb = await b;
      expect(evA.chain).toBe(1);
      expect(rb.first.chain).toBe(2);
      expect(rb.second).toMatchObject({ chain: 2, seq: rb.first.seq + 1, prevHash: rb.first.hash });
      expect(rb.locksForSecond).toBe(0);
      expect(await verifyLog(db)).toMatchObject({ ok: true, checked: 3 });
    });

    it('two gateway processes (separate pools) take separate chains, and neither waits for the other', async () => {
      const url = await freshPostgresUrl();
      const dbs = [await openStore({ databaseUrl: url }), await openStore({ databaseUrl: url })];
      try {
        const logs = dbs.map((d) => new ExchangeLog(d, ring));
        // Writer A holds a chain head in an open transaction; writer B appends meanwhile without waiting.
        let release!: () => void;
        const held = new Promise<void>((r) => (release = r));
        let took!: () => void;
        const taken = new Promise<void>((r) => (took = r));
        const a = dbs[0]!.transaction(async (tx) => {
          const ev = await logs[0]!.append(tx, { messageId: null, eventType: 'admin_action', detail: { w: 'a' } });
          took();
          await held;
          return ev;
        });
        await taken;
        const b = await logs[1]!.appendNow({ messageId: null, eventType: 'admin_action', detail: { w: 'b' } });
        release();
        const evA = await a;
        expect(new Set([evA.chain, b.chain]).size).toBe(2);
        expect(await verifyLog(dbs[0]!)).toMatchObject({ ok: true, checked: 2, headSeq: 2 });
      } finally {
        await Promise.all(dbs.map((d) => d.close()));
      }
    });
  }
});
