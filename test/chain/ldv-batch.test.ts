/**
 * The LDV hook runs once per appended batch (ExchangeLog.onAppendBatch, 07f7835), not once per event: the
 * statements it issues while the batch holds its chain head are the same number for 2 events as
 * for 40, and it still writes one record per step and subject. Counted, not timed.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ProcessingActivities } from '../../src/chain/ldv/activities.js';
import { LdvRecorder } from '../../src/chain/ldv/records.js';
import { ExchangeLog } from '../../src/log/exchange-log.js';
import type { Db, Queryable } from '../../src/store/db.js';
import { openStore } from '../../src/store/open.js';
import { testConfig } from '../helpers/gateway.js';
import { BSN_A, BSN_B, insertMessage, testRing } from '../integration/log/fixtures.js';

describe('LDV records per batch', () => {
  let db: Db;
  let log: ExchangeLog;
  let ldv: LdvRecorder;
  beforeAll(async () => {
    db = await openStore({});
    log = new ExchangeLog(db, testRing());
    const activities = new ProcessingActivities(db, 'https://knooppunt.test');
    await activities.sync(testConfig('http://127.0.0.1:9'), 30);
    ldv = new LdvRecorder(activities);
  });
  afterAll(async () => {
    await db.close();
  });

  /** Appends `perMessage` delivery events for each of two messages (two subjects each) in one batch; counts the hook's statements. */
  async function batch(perMessage: number): Promise<{ statements: number; records: number; messages: string[] }> {
    let statements = 0;
    const messages: string[] = [];
    await db.transaction(async (tx) => {
      for (let i = 0; i < 2; i++) {
        const id = await insertMessage(tx);
        await log.recordSubjects(tx, id, [BSN_A, BSN_B]);
        messages.push(id);
      }
      const counting: Queryable = { query: (sql, params) => (statements++, tx.query(sql, params)) };
      const events = await log.appendMany(tx, messages.flatMap((messageId) => Array.from({ length: perMessage }, () => ({ messageId, eventType: 'delivery_attempted' as const, detail: { ok: true } }))));
      await ldv.onEvents(counting, events);
    });
    const r = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM ldv_records WHERE message_id = ANY($1::uuid[])', [messages]);
    return { statements, records: r.rows[0]!.n, messages };
  }

  it('a fixed number of statements whatever the batch size; one record per step and subject', async () => {
    const small = await batch(1);
    const large = await batch(20);
    expect(small.records).toBe(2 * 1 * 2);
    expect(large.records).toBe(2 * 20 * 2);
    expect(large.statements).toBe(small.statements);
    expect(small.statements).toBeLessThanOrEqual(5);
    // The message's trace was recorded once, and all its records share it.
    const traces = await db.query<{ n: number }>('SELECT count(DISTINCT trace_id)::int AS n FROM ldv_records WHERE message_id = $1', [large.messages[0]]);
    expect(traces.rows[0]!.n).toBe(1);
  });
});
