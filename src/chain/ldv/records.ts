/**
 * Logboek Dataverwerkingen records (Logius, "Standaard Logboek Dataverwerkingen"): every processing
 * step of a message writes, per data subject, one record with trace id, span id, parent span id, name,
 * start and end, status and the `dpl.core.*` attributes. The records are written by a hook on the
 * exchange log's append, so they commit in the same transaction as the exchange event: none is lost,
 * none is sampled.
 *
 * - The data subject is the keyed hash knooppunt already indexes (never a BSN), type `BSN`.
 * - The processing activity is the versioned id of the route or bevraging (see activities.ts).
 * - A caller's trace (traceparent) is honoured: its trace id is the record's, its span id is named as
 *   `dpl.core.foreign_operation.span_id`.
 * - Console users never appear: administrator actions (`admin_action`, purges, redelivery requests)
 *   write no record; they are in the separate audit log (the exchange log's admin events).
 */
import type { ExchangeEvent } from '../../core/message.js';
import type { Queryable } from '../../store/db.js';
import { currentTrace, newSpanId, newTraceId } from '../trace-context.js';
import type { ProcessingActivities } from './activities.js';

/** Steps that are not processing of the citizen's data, or are a console user's own action. */
const NO_RECORD: ReadonlySet<string> = new Set(['admin_action', 'purged', 'redelivery_requested']);
const ERROR_STEPS: ReadonlySet<string> = new Set(['rejected', 'dead_lettered']);
export const GENERIC_ACTIVITY = 'knooppunt.berichtverkeer';

/**
 * The processing steps an event stands for. One `accepted` event replaced received (or
 * reprocessed), validated, routed and one mapped per mapped route: the records stay one per step,
 * as before, so a data subject's log reads the same.
 */
export function stepsOf(ev: Pick<ExchangeEvent, 'eventType' | 'detail'>): string[] {
  if (ev.eventType !== 'accepted') return [ev.eventType];
  const routes = Array.isArray(ev.detail.routes) ? (ev.detail.routes as Array<{ mapped?: unknown }>) : [];
  return [ev.detail.reprocessed ? 'reprocessed' : 'received', 'validated', 'routed', ...routes.filter((r) => r && r.mapped).map(() => 'mapped')];
}

export interface LdvResource {
  name: string;
  version: string;
}

export class LdvRecorder {
  constructor(private readonly activities: ProcessingActivities) {}

  /** The append hook: runs inside the exchange event's transaction. */
  async onEvent(tx: Queryable, ev: ExchangeEvent): Promise<void> {
    if (!ev.messageId || NO_RECORD.has(ev.eventType)) return;
    const subjects = await tx.query<{ subject_hash: string }>('SELECT subject_hash FROM message_subjects WHERE message_id = $1 ORDER BY subject_hash', [ev.messageId]);
    if (subjects.rows.length === 0) return;
    const trace = await this.traceOf(tx, ev.messageId);
    const activityIds = await this.activitiesOf(tx, ev);
    const ok = !ERROR_STEPS.has(ev.eventType) && !(ev.eventType === 'delivery_attempted' && ev.detail.ok === false);
    const rows: unknown[][] = [];
    for (const step of stepsOf(ev))
    for (const activityId of activityIds) {
      const version = this.activities.versionOf(activityId) ?? this.activities.versionOf(GENERIC_ACTIVITY) ?? 1;
      const known = this.activities.versionOf(activityId) !== undefined ? activityId : GENERIC_ACTIVITY;
      for (const { subject_hash } of subjects.rows) {
        const attributes: Record<string, string> = {
          'dpl.core.processing_activity_id': this.activities.uri(known, version),
          'dpl.core.data_subject_id': subject_hash,
          'dpl.core.data_subject_id_type': 'BSN',
          ...(trace.foreignSpanId ? { 'dpl.core.foreign_operation.trace_id': trace.traceId, 'dpl.core.foreign_operation.span_id': trace.foreignSpanId } : {}),
          'knooppunt.message_id': ev.messageId,
          'knooppunt.step': step,
          ...(ev.channel ? { 'knooppunt.channel': ev.channel } : {}),
          ...(ev.messageType ? { 'knooppunt.message_type': ev.messageType } : {}),
        };
        rows.push([trace.traceId, newSpanId(), trace.rootSpanId, step, ev.occurredAt, ok ? 'STATUS_CODE_OK' : 'STATUS_CODE_ERROR', ev.messageId, ev.chain, ev.seq, known, version, subject_hash, JSON.stringify(attributes)]);
      }
    }
    // One statement for all subjects of this step.
    const cols = rows[0]!.length;
    const values = rows.map((_, i) => `(${Array.from({ length: cols }, (_x, j) => `$${i * cols + j + 1}`).join(', ')})`).join(', ');
    await tx.query(
      `INSERT INTO ldv_records (trace_id, span_id, parent_span_id, name, start_time, status_code, message_id, event_chain, event_seq, activity_id, activity_version, subject_hash, attributes, end_time)
       SELECT v.t, v.s, v.p, v.n, v.st::timestamptz, v.sc, v.m::uuid, v.ec::int, v.e::bigint, v.a, v.av::int, v.sh, v.at::jsonb, v.st::timestamptz
         FROM (VALUES ${values}) AS v(t, s, p, n, st, sc, m, ec, e, a, av, sh, at)`,
      rows.flat(),
    );
  }

  /** The message's trace: recorded once (the request's context, or a new trace for work without one). */
  private async traceOf(tx: Queryable, messageId: string): Promise<{ traceId: string; rootSpanId: string; foreignSpanId?: string }> {
    const known = await tx.query<{ trace_id: string; span_id: string; parent_span_id: string | null }>(
      'SELECT trace_id, span_id, parent_span_id FROM message_traces WHERE message_id = $1',
      [messageId],
    );
    const k = known.rows[0];
    if (k) return { traceId: k.trace_id, rootSpanId: k.span_id, ...(k.parent_span_id ? { foreignSpanId: k.parent_span_id } : {}) };
    const ctx: { traceId: string; spanId: string; parentSpanId?: string } = currentTrace() ?? { traceId: newTraceId(), spanId: newSpanId() };
    await tx.query('INSERT INTO message_traces (message_id, trace_id, span_id, parent_span_id) VALUES ($1, $2, $3, $4) ON CONFLICT (message_id) DO NOTHING', [
      messageId, ctx.traceId, ctx.spanId, ctx.parentSpanId ?? null,
    ]);
    return { traceId: ctx.traceId, rootSpanId: ctx.spanId, ...(ctx.parentSpanId ? { foreignSpanId: ctx.parentSpanId } : {}) };
  }

  /** Which processing activities this step serves: the message's routes, or the bevraging. */
  private async activitiesOf(tx: Queryable, ev: ExchangeEvent): Promise<string[]> {
    if (typeof ev.detail.bevraging === 'string') return [`bevraging.${ev.detail.bevraging}`];
    const hint = currentTrace()?.activity;
    if (hint) return [hint];
    const r = await tx.query<{ route_id: string | null }>('SELECT route_id FROM messages WHERE id = $1', [ev.messageId]);
    const routes = (r.rows[0]?.route_id ?? '').split(',').filter(Boolean);
    return routes.length > 0 ? routes.map((id) => `route.${id}`) : [GENERIC_ACTIVITY];
  }
}
