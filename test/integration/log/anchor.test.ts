/**
 * The head anchored outside the database: whoever owns the tables can delete the newest events and
 * point the head back, and the chain alone still verifies; a checkpoint written earlier names the
 * missing range. Checkpoints are HMAC'd: one edited or forged in the anchor file is refused.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckpointWriter, formatAnchorResult, readHeads, verifyAgainstAnchors, type Checkpoint } from '../../../src/log/anchor.js';
import { eventHash } from '../../../src/log/chain.js';
import { ExchangeLog } from '../../../src/log/exchange-log.js';
import { generateMasterKey, keyRingFrom, parseMasterKey, type KeyRing } from '../../../src/log/keys.js';
import { verifyLog } from '../../../src/log/verify.js';
import { createLogger } from '../../../src/ops/logger.js';
import type { Db } from '../../../src/store/db.js';
import { EVENT_COLUMNS, rowToEvent, type EventRow } from '../../../src/log/exchange-log.js';
import { STORE_CASES } from '../../helpers/stores.js';
import { tamper } from './fixtures.js';

describe.each(STORE_CASES)('log anchors on $name', ({ open }) => {
  let db: Db;
  let ring: KeyRing;
  let log: ExchangeLog;
  let file: string;
  let writer: CheckpointWriter;

  beforeEach(async () => {
    db = await open();
    ring = keyRingFrom(parseMasterKey(generateMasterKey()));
    log = new ExchangeLog(db, ring);
    file = join(mkdtempSync(join(tmpdir(), 'kp-anchor-')), 'anchors', 'log-head.jsonl');
    writer = new CheckpointWriter(db, ring, { file }, createLogger('silent'));
  });
  afterEach(async () => {
    await db.close();
  });

  async function fill(n: number): Promise<void> {
    for (let i = 0; i < n; i++) await log.appendNow({ messageId: null, eventType: 'admin_action', detail: { i } });
  }

  /** What an owner of the tables can do: delete the newest events and point the head at an older one. */
  async function cutTailTo(seq: number): Promise<void> {
    await tamper(db, 'DELETE FROM exchange_events WHERE seq > $1', [seq]);
    await db.query('UPDATE log_head SET seq = $1, hash = (SELECT hash FROM exchange_events WHERE seq = $1) WHERE id = 1', [seq]);
  }

  it('writes a checkpoint of every chain head, only when the head moved, and it verifies', async () => {
    await fill(10);
    const cp = (await writer.writeNow())!;
    expect(cp.heads).toEqual(await readHeads(db));
    expect(cp.heads[0]).toMatchObject({ chain: '1', seq: 10 });
    expect(await writer.writeNow()).toBeUndefined();
    await fill(1);
    expect(await writer.writeNow()).toBeDefined();
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(2);
    const r = await verifyAgainstAnchors(db, ring, readFileSync(file, 'utf8'));
    expect(r).toEqual({ ok: true, confirmed: 2, problems: [] });
  });

  it('a cut tail passes the chain check but not the anchor, which names the missing range', async () => {
    await fill(10);
    await writer.writeNow();
    await fill(5);
    await writer.writeNow();
    await cutTailTo(10);
    // The chain alone cannot see it: that is why the head is anchored.
    expect((await verifyLog(db)).ok).toBe(true);
    const r = await verifyAgainstAnchors(db, ring, readFileSync(file, 'utf8'));
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual([expect.objectContaining({ kind: 'missing', chain: '1', from: 11, to: 15, headSeq: 10 })]);
    expect(formatAnchorResult(r)).toContain('events seq 11..15 are missing');
    expect(r.confirmed).toBe(1);
  });

  it('a cut tail followed by new events is named as the replaced range after the last matching anchor', async () => {
    await fill(10);
    await writer.writeNow();
    await fill(5);
    await writer.writeNow();
    await cutTailTo(10);
    await fill(7);
    expect((await verifyLog(db)).ok).toBe(true);
    const r = await verifyAgainstAnchors(db, ring, readFileSync(file, 'utf8'));
    expect(r.problems).toEqual([expect.objectContaining({ kind: 'replaced', from: 11, to: 15, headSeq: 17 })]);
  });

  it('a rewritten chain (every hash recomputed) does not match the anchor', async () => {
    await fill(6);
    await writer.writeNow();
    // Rewrite event 3 and re-chain everything after it, as someone with the tables and the code could.
    const rows = (await db.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM exchange_events ORDER BY seq`)).rows.map(rowToEvent);
    let prev = rows[1]!.hash;
    for (const ev of rows.slice(2)) {
      const detail = ev.seq === 3 ? { i: 99 } : ev.detail;
      const hash = eventHash(prev, { ...ev, detail });
      await tamper(db, 'UPDATE exchange_events SET detail = $2::jsonb, prev_hash = $3, hash = $4 WHERE seq = $1', [ev.seq, JSON.stringify(detail), prev, hash]);
      prev = hash;
    }
    await db.query('UPDATE log_head SET hash = $1 WHERE id = 1', [prev]);
    expect((await verifyLog(db)).ok).toBe(true);
    const r = await verifyAgainstAnchors(db, ring, readFileSync(file, 'utf8'));
    expect(r.problems).toEqual([expect.objectContaining({ kind: 'replaced', from: 1, to: 6 })]);
  });

  it('refuses an edited or forged checkpoint and names lines that are not one', async () => {
    await fill(4);
    const cp = (await writer.writeNow())!;
    const forged: Checkpoint = { ...cp, heads: [{ ...cp.heads[0]!, seq: 2 }] };
    writeFileSync(file, `${JSON.stringify(forged)}\nnot json\n`);
    const r = await verifyAgainstAnchors(db, ring, readFileSync(file, 'utf8'));
    expect(r.problems.map((p) => p.kind).sort()).toEqual(['bad-mac', 'unreadable']);

  });

  it('a checkpoint made under a previous master still verifies after rotation', async () => {
    const oldMaster = generateMasterKey();
    const oldRing = keyRingFrom(parseMasterKey(oldMaster));
    const oldLog = new ExchangeLog(db, oldRing);
    await oldLog.appendNow({ messageId: null, eventType: 'admin_action', detail: {} });
    const cp = (await new CheckpointWriter(db, oldRing, { file }, createLogger('silent')).writeNow())!;
    const newRing = keyRingFrom(parseMasterKey(generateMasterKey()), [parseMasterKey(oldMaster)]);
    expect(await verifyAgainstAnchors(db, newRing, JSON.stringify(cp))).toMatchObject({ ok: true, confirmed: 1 });
    // Without the old master listed, the checkpoint cannot be verified: refused, never trusted.
    const stranger = keyRingFrom(parseMasterKey(generateMasterKey()));
    expect((await verifyAgainstAnchors(db, stranger, JSON.stringify(cp))).problems).toEqual([expect.objectContaining({ kind: 'bad-mac' })]);
  });

  it('posts the checkpoint to a webhook, and a failing webhook is counted, not thrown', async () => {
    await fill(2);
    const bodies: string[] = [];
    let status = 200;
    const fake = (async (_url: string, init?: RequestInit) => {
      bodies.push(String(init?.body));
      return new Response('ok', { status });
    }) as typeof fetch;
    const hook = new CheckpointWriter(db, ring, { url: 'http://anchor.invalid/checkpoints' }, createLogger('silent'), fake);
    await hook.writeNow();
    expect(JSON.parse(bodies[0]!)).toMatchObject({ format: 'knooppunt-log-checkpoint/1', heads: [{ chain: '1', seq: 2 }] });
    status = 503;
    await fill(1);
    await hook.writeNow();
    expect(hook.counts).toEqual({ written: 1, failed: 1 });
  });
});
