/**
 * A party's message list and mailbox pages: the same pages as a plain query over the party's whole
 * history would give, in the same order, while the work per page stays bounded by how far the page
 * reaches, not by the history. The number of matches is counted up to a cap (LIST_COUNT_CAP; here
 * a small one) and says when there are more. On PostgreSQL the executed plans show it: the rows
 * read stay within the page's reach and the cap, far below the party's history.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Mailbox } from '../../../src/core/mailbox.js';
import { LIST_COUNT_CAP, MessageView, type MessageFilter } from '../../../src/core/message-view.js';
import { ExchangeLog } from '../../../src/log/exchange-log.js';
import type { Db } from '../../../src/store/db.js';
import { STORE_CASES } from '../../helpers/stores.js';
import { testRing } from '../log/fixtures.js';

const PARTY = 'gemeente-0153';
const OTHER = 'aanbieder-1';
/** The cap here: the party's history (6,000 messages, 4,000 in its mailbox) is far past it. */
const CAP = 100;
const HISTORY = 8_000;

describe.each(STORE_CASES)('a party\'s pages on $name', ({ name, open }) => {
  let db: Db;
  let view: MessageView;
  let mailbox: Mailbox;

  beforeAll(async () => {
    db = await open();
    const log = new ExchangeLog(db, testRing());
    view = new MessageView(db, log, CAP);
    mailbox = new Mailbox(db, log, CAP);
    // Received-at times collide in tens (ties ordered by id), statuses and types vary.
    await db.query(
      `INSERT INTO messages (id, sender_message_id, correlation_id, channel, standard, message_type, sender, receiver, status, received_at, updated_at)
       SELECT gen_random_uuid(), 'm' || g, 'c' || g, 'rest', 'json', CASE WHEN g % 3 = 0 THEN 'toewijzing' ELSE 'declaratie' END,
              CASE WHEN g % 4 = 0 THEN $1 WHEN g % 4 = 1 THEN $2 WHEN g % 4 = 2 THEN $1 ELSE 'derde' END,
              CASE WHEN g % 4 = 0 THEN $2 WHEN g % 4 = 1 THEN $1 WHEN g % 4 = 2 THEN $1 ELSE $2 END,
              CASE WHEN g % 5 = 0 THEN 'rejected' ELSE 'delivered' END,
              timestamptz '2026-01-01' + ((g / 10) * interval '1 second'), now()
         FROM generate_series(1, $3::int) g`,
      [PARTY, OTHER, HISTORY],
    );
    await db.query(`INSERT INTO payloads (message_id, kind, content_type, size, digest, key_id, created_at) SELECT id, 'raw', 'application/json', 0, 'd', 'k', now() FROM messages LIMIT 1`);
    await db.query(
      `INSERT INTO deliveries (id, message_id, route_id, destination_id, payload_id, status, attempts, max_attempts, backoff_ms, next_attempt_at, created_at, updated_at)
       SELECT gen_random_uuid(), id, 'r', 'mailbox', (SELECT min(id) FROM payloads), 'delivered', 1, 3, 10, now(), now(), now() FROM messages WHERE receiver = $1`,
      [PARTY],
    );
    await db.query(
      `INSERT INTO mailbox (id, party_id, message_id, delivery_id, payload_id, message_type, sender, available_at, acknowledged_at)
       SELECT gen_random_uuid(), $1, d.message_id, d.id, d.payload_id, m.message_type, m.sender, m.received_at,
              CASE WHEN m.sender_message_id::text LIKE '%7' THEN NULL ELSE m.received_at + interval '1 minute' END
         FROM deliveries d JOIN messages m ON m.id = d.message_id`,
      [PARTY],
    );
    for (const t of ['messages', 'mailbox']) await db.query(`ANALYZE ${t}`);
  });
  afterAll(async () => {
    await db?.close();
  });

  /** The page as the whole history gives it. */
  const reference = async (f: MessageFilter): Promise<{ ids: string[]; n: number }> => {
    const where = [f.direction === 'sent' ? 'sender = $1' : f.direction === 'received' ? 'receiver = $1' : '(sender = $1 OR receiver = $1)'];
    const params: unknown[] = [PARTY];
    if (f.status) where.push(`status = $${params.push(f.status)}`);
    if (f.messageType) where.push(`message_type = $${params.push(f.messageType)}`);
    if (f.from) where.push(`received_at >= $${params.push(f.from)}`);
    if (f.to) where.push(`received_at < $${params.push(f.to)}`);
    const all = await db.query<{ id: string }>(`SELECT id FROM messages WHERE ${where.join(' AND ')} ORDER BY received_at DESC, id`, params);
    return { ids: all.rows.slice(f.offset, f.offset + f.limit).map((r) => r.id), n: all.rows.length };
  };

  it('lists the same pages as the whole history, in order, with the count capped', async () => {
    const filters: MessageFilter[] = [
      { limit: 20, offset: 0 },
      { limit: 7, offset: 993 },
      { limit: 100, offset: 5_950 },
      { direction: 'sent', limit: 50, offset: 250 },
      { direction: 'received', limit: 50, offset: 3_990 },
      { status: 'rejected', messageType: 'toewijzing', limit: 30, offset: 60 },
      { from: new Date('2026-01-01T00:05:00Z'), to: new Date('2026-01-01T00:06:00Z'), limit: 100, offset: 0 },
    ];
    for (const f of filters) {
      const page = await view.listForParty(PARTY, f);
      const ref = await reference(f);
      expect({ f, ids: page.items.map((m) => m.id) }).toEqual({ f, ids: ref.ids });
      expect({ f, total: page.total, capped: page.totalCapped }).toEqual({ f, total: Math.min(ref.n, CAP), capped: ref.n > CAP });
    }
    // A message a party sent to itself is listed once.
    const self = await view.listForParty(PARTY, { limit: 100, offset: 0 });
    expect(new Set(self.items.map((m) => m.id)).size).toBe(self.items.length);
  });

  it('pages the mailbox, open items or all of them, with the count capped', async () => {
    for (const includeAcknowledged of [false, true]) {
      const all = await db.query<{ id: string }>(
        `SELECT id FROM mailbox WHERE party_id = $1 ${includeAcknowledged ? '' : 'AND acknowledged_at IS NULL'} ORDER BY available_at, id`,
        [PARTY],
      );
      for (const [limit, offset] of [[20, 0], [50, 1_234]] as const) {
        const page = await mailbox.list(PARTY, { includeAcknowledged, limit, offset, withContent: false });
        expect(page.items.map((i) => i.id)).toEqual(all.rows.slice(offset, offset + limit).map((r) => r.id));
        expect([page.total, page.totalCapped]).toEqual([Math.min(all.rows.length, CAP), all.rows.length > CAP]);
      }
    }
  });

  it('reads, on PostgreSQL, no more rows than the page reaches and the cap, whatever the history', async () => {
    if (name !== 'postgres') return;
    expect(LIST_COUNT_CAP).toBeGreaterThan(CAP);
    const sql: Array<[string, unknown[]]> = [];
    const recording = { query: (text: string, params: unknown[] = []) => (sql.push([text, params]), db.query(text, params)) } as unknown as Db;
    const log = new ExchangeLog(db, testRing());
    await new MessageView(recording, log, CAP).listForParty(PARTY, { limit: 20, offset: 0 });
    await new MessageView(recording, log, CAP).listForParty(PARTY, { direction: 'received', status: 'delivered', limit: 20, offset: 40 });
    await new Mailbox(recording, log, CAP).list(PARTY, { includeAcknowledged: true, limit: 20, offset: 0, withContent: false });
    await new Mailbox(recording, log, CAP).list(PARTY, { includeAcknowledged: false, limit: 20, offset: 0, withContent: false });
    expect(sql.length).toBe(8);
    type Node = { 'Node Type': string; 'Actual Rows'?: number; 'Actual Loops'?: number; 'Rows Removed by Filter'?: number; 'Rows Removed by Index Recheck'?: number; Plans?: Node[] };
    /** Rows the plan's scans read: what they returned plus what their filters dropped. */
    const read = (n: Node): number =>
      (/Scan/.test(n['Node Type']) ? ((n['Actual Rows'] ?? 0) + (n['Rows Removed by Filter'] ?? 0) + (n['Rows Removed by Index Recheck'] ?? 0)) * (n['Actual Loops'] ?? 1) : 0) +
      (n.Plans ?? []).reduce((sum, c) => sum + read(c), 0);
    for (const [text, params] of sql) {
      const plan = (await db.query<{ 'QUERY PLAN': Array<{ Plan: Node }> }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${text}`, params)).rows[0]!['QUERY PLAN'][0]!.Plan;
      // Each side stops at the cap and one (a count) or the page's reach (a page). Through the time
      // index it skips the other parties' rows on the way (here each side is a quarter to a half of
      // all traffic), so 8 × the cap bounds it; counting the party's whole history read 6,000.
      expect({ text, read: read(plan) <= 8 * (CAP + 1) + 200 }).toEqual({ text, read: true });
    }
  });
});
