/**
 * The LDV hook runs once per appended batch (ExchangeLog.onAppendBatch, 07f7835), not once per event: the
 * statements it issues while the batch holds its chain head are the same number for 2 events as
 * for 40, and it still writes one record per step and subject. Counted, not timed.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ProcessingActivities } from '../../src/chain/ldv/activities.js';
import { LdvRecorder } from '../../src/chain/ldv/records.js';
import { outbox } from '../../src/delivery/outbox.js';
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
    const config = testConfig('http://127.0.0.1:9');
    // A second route for the same messages (as a declaratie goes to the gemeente and to the region).
    await activities.sync({ ...config, routes: [...config.routes, { ...config.routes[0]!, id: 'tweede-route' }] }, 30);
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
    // One read of subjects, traces and routes, the trace insert (first batch only) and the records.
    expect(small.statements).toBeLessThanOrEqual(3);
    // The message's trace was recorded once, and all its records share it.
    const traces = await db.query<{ n: number }>('SELECT count(DISTINCT trace_id)::int AS n FROM ldv_records WHERE message_id = $1', [large.messages[0]]);
    expect(traces.rows[0]!.n).toBe(1);
  });

  it('reads nothing back of messages its caller knows (the group commit\'s new ones), and writes the same records', async () => {
    const run = async (withContext: boolean) => {
      const sql: string[] = [];
      const id = await db.transaction(async (tx) => {
        const messageId = await insertMessage(tx);
        await tx.query(`UPDATE messages SET route_id = 'toewijzing-naar-aanbieder,tweede-route' WHERE id = $1`, [messageId]);
        await log.recordSubjects(tx, messageId, [BSN_A, BSN_B]);
        await tx.query('INSERT INTO message_traces (message_id, trace_id, span_id) VALUES ($1, $2, $3)', [messageId, 'a'.repeat(32), 'b'.repeat(16)]);
        const events = await log.appendMany(tx, [{ messageId, eventType: 'accepted', detail: { routes: [{ route: 'toewijzing-naar-aanbieder', mapped: { mapping: 'm' } }] } }]);
        const counting: Queryable = { query: (text, params) => (sql.push(text), tx.query(text, params)) };
        const context = withContext
          ? { messages: new Map([[messageId, { subjects: log.subjectHashes([BSN_B, BSN_A]), trace: { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16) }, routeIds: ['toewijzing-naar-aanbieder', 'tweede-route'] }]]) }
          : {};
        await ldv.onEvents(counting, events, context);
        return messageId;
      });
      const r = await db.query<{ name: string; activity_id: string; subject_hash: string; trace_id: string; parent_span_id: string }>(
        'SELECT name, activity_id, subject_hash, trace_id, parent_span_id FROM ldv_records WHERE message_id = $1 ORDER BY id', [id]);
      return { sql, records: r.rows };
    };
    const read = await run(false);
    const given = await run(true);
    expect(read.sql.some((q) => q.includes('FROM messages m'))).toBe(true);
    expect(given.sql.some((q) => q.includes('FROM messages m'))).toBe(false);
    expect(given.sql).toHaveLength(1);
    expect(given.records).toEqual(read.records);
    // Two subjects, each with one `accepted` record under each of the two routes.
    expect(given.records.length).toBe(2 * 2);
  });

  it('a delivery is recorded under its own route only; accepting under every route, each naming its own mapping', async () => {
    const { messageId, delivery } = await db.transaction(async (tx) => {
      const id = await insertMessage(tx);
      await tx.query(`UPDATE messages SET route_id = 'toewijzing-naar-aanbieder,tweede-route' WHERE id = $1`, [id]);
      await log.recordSubjects(tx, id, [BSN_A]);
      const payload = await log.storePayload(tx, { messageId: id, kind: 'mapped', contentType: 'application/json', content: Buffer.from('{}') });
      const d = await outbox.insert(tx, { messageId: id, routeId: 'tweede-route', destinationId: 'webhook-aanbieder-a', payloadId: payload.id, maxAttempts: 1, backoffMs: 10, orderingKey: null });
      return { messageId: id, delivery: d };
    });
    await db.transaction(async (tx) => {
      const events = await log.appendMany(tx, [
        { messageId, eventType: 'accepted', detail: { routes: [{ route: 'toewijzing-naar-aanbieder', mapped: { mapping: 'm', mappingVersion: 3 } }, { route: 'tweede-route', mapped: { mapping: 'n' } }] } },
        // An older event without its route: the delivery's route is looked up.
        { messageId, eventType: 'delivered', detail: { deliveryId: delivery, destination: 'webhook-aanbieder-a', attempts: 1 } },
        // A delivery event naming its route (as the delivery service writes them).
        { messageId, eventType: 'delivery_attempted', detail: { deliveryId: delivery, route: 'toewijzing-naar-aanbieder', ok: true } },
      ]);
      await ldv.onEvents(tx, events);
    });
    const r = await db.query<{ name: string; activity_id: string; attributes: Record<string, string> }>('SELECT name, activity_id, attributes FROM ldv_records WHERE message_id = $1 ORDER BY id', [messageId]);
    const per = (step: string) => r.rows.filter((x) => x.name === step).map((x) => x.activity_id).sort();
    const both = ['route.toewijzing-naar-aanbieder', 'route.tweede-route'];
    // Accepting is one record per route, naming that route's mapping.
    expect(per('accepted')).toEqual(both);
    expect(r.rows.filter((x) => x.name === 'accepted').map((x) => [x.activity_id, x.attributes['knooppunt.mapping'], x.attributes['knooppunt.mapping_version']]).sort()).toEqual([
      ['route.toewijzing-naar-aanbieder', 'm', '3'],
      ['route.tweede-route', 'n', undefined],
    ]);
    expect(per('delivered')).toEqual(['route.tweede-route']);
    expect(per('delivery_attempted')).toEqual(['route.toewijzing-naar-aanbieder']);
    expect(r.rows).toHaveLength(4);
  });
});
