/**
 * Logboek Dataverwerkingen records (Logius, "Standaard Logboek Dataverwerkingen"): every processing
 * step of a message (accepted, each delivery attempt, delivered, ...) writes, per processing
 * activity and data subject, one record with trace id, span id, parent span id, name,
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
import type { AppendContext, KnownMessage } from '../../log/exchange-log.js';
import type { Queryable } from '../../store/db.js';
import { insertRows } from '../../core/rows.js';
import { currentTrace, newSpanId, newTraceId } from '../trace-context.js';
import type { ProcessingActivities } from './activities.js';
import { SpanKind, endSpan, spanExportActive, startSpan } from '../spans.js';

/** Steps that are not processing of the citizen's data, or are a console user's own action. */
const NO_RECORD: ReadonlySet<string> = new Set(['admin_action', 'purged', 'redelivery_requested']);
const ERROR_STEPS: ReadonlySet<string> = new Set(['rejected', 'dead_lettered']);
export const GENERIC_ACTIVITY = 'knooppunt.berichtverkeer';

/**
 * The processing steps an event stands for. One `accepted` event (received, validated, routed and
 * mapped, in one transaction) is one processing operation of each route it serves, so it is one
 * step, `accepted` (or `reprocessed`), whose record names the route's mapping. The four steps it
 * replaced were written as four records per route and subject: for a 10,000-line declaratie with
 * two routes that was 8,000 rows inside the transaction that answers the sender. Events of
 * messages accepted before migration 150 (received, validated, routed, mapped) stay steps each.
 */
export function stepsOf(ev: Pick<ExchangeEvent, 'eventType' | 'detail'>): string[] {
  if (ev.eventType !== 'accepted') return [ev.eventType];
  return [ev.detail.reprocessed ? 'reprocessed' : 'accepted'];
}

/**
 * Each step of an event with the processing activities it served. What concerns one route is
 * recorded under that route only: a delivery (attempt, delivered, dead letter) made for it;
 * accepting served every route of the message. (Before, a declaratie for the gemeente and the
 * region recorded the gemeente's delivery under the region's route too.) `perRoute` is false where
 * one activity covers the whole event (a bevraging, or the activity the request's context names).
 */
function activitiesPerStep(ev: Pick<ExchangeEvent, 'eventType' | 'detail'>, all: string[], perRoute: boolean, deliveryRoutes: ReadonlyMap<string, string>): Array<[string, string[]]> {
  if (!perRoute || ev.eventType === 'accepted') return stepsOf(ev).map((step) => [step, all]);
  const route = typeof ev.detail.route === 'string' ? ev.detail.route : typeof ev.detail.deliveryId === 'string' ? deliveryRoutes.get(ev.detail.deliveryId) : undefined;
  const own = route !== undefined && all.includes(`route.${route}`) ? [`route.${route}`] : all;
  return stepsOf(ev).map((step) => [step, own]);
}

/** An `accepted` record under a route's activity names the mapping that route's data went through. */
function mappingAttributes(ev: Pick<ExchangeEvent, 'eventType' | 'detail'>, activityId: string): Record<string, string> {
  if (ev.eventType !== 'accepted' || !Array.isArray(ev.detail.routes)) return {};
  for (const r of ev.detail.routes as Array<{ route?: unknown; mapped?: { mapping?: unknown; mappingVersion?: unknown } }>) {
    if (!r || `route.${String(r.route)}` !== activityId || !r.mapped || typeof r.mapped.mapping !== 'string') continue;
    return { 'knooppunt.mapping': r.mapped.mapping, ...(r.mapped.mappingVersion !== undefined ? { 'knooppunt.mapping_version': String(r.mapped.mappingVersion) } : {}) };
  }
  return {};
}

/**
 * The event's steps as SDK spans (exported only when configured), children of the message's span.
 * Best effort, beside the LDV records: no subject, payload or party identifier in the attributes.
 */
function stepSpans(ev: ExchangeEvent, trace: { traceId: string; rootSpanId: string }): void {
  if (!spanExportActive()) return;
  const ok = !ERROR_STEPS.has(ev.eventType) && !(ev.eventType === 'delivery_attempted' && ev.detail.ok === false);
  for (const step of stepsOf(ev)) {
    const span = startSpan(step, newSpanId(), { traceId: trace.traceId, spanId: trace.rootSpanId }, SpanKind.INTERNAL, {
      'knooppunt.step': step,
      'knooppunt.event_type': ev.eventType,
      'knooppunt.message_id': ev.messageId!,
      ...(ev.channel ? { 'knooppunt.channel': ev.channel } : {}),
      ...(ev.messageType ? { 'knooppunt.message_type': ev.messageType } : {}),
    }, ev.occurredAt);
    endSpan(span, ok, {}, ev.occurredAt);
  }
}

export interface LdvResource {
  name: string;
  version: string;
}

interface Trace {
  traceId: string;
  rootSpanId: string;
  foreignSpanId?: string;
}

const LDV_COLUMNS = [
  'trace_id', 'span_id', 'parent_span_id', 'name', 'start_time', 'end_time', 'status_code', 'message_id', 'event_chain', 'event_seq', 'activity_id', 'activity_version', 'subject_hash', 'attributes',
] as const;

export class LdvRecorder {
  constructor(private readonly activities: ProcessingActivities) {}

  /** The append hook for one event (kept for callers that append one at a time). */
  async onEvent(tx: Queryable, ev: ExchangeEvent): Promise<void> {
    await this.onEvents(tx, [ev]);
  }

  /**
   * The batch append hook: runs inside the events' transaction, once per append call. Subjects,
   * traces and routes of all the batch's messages are read with one statement and the records
   * written with one multi-row insert, so a batch of any size costs a few statements, not four
   * per event.
   */
  async onEvents(tx: Queryable, events: readonly ExchangeEvent[], context: AppendContext = {}): Promise<void> {
    const recorded = events.filter((ev) => ev.messageId && !NO_RECORD.has(ev.eventType));
    if (recorded.length === 0) return;
    const messageIds = [...new Set(recorded.map((ev) => ev.messageId!))];
    const { subjects, traces: known, routes: allRoutes } = await this.messagesOf(tx, messageIds, context);
    const withSubjects = recorded.filter((ev) => subjects.has(ev.messageId!));
    // Messages without a data subject have no LDV record; their steps still show as spans of the request.
    const cur = currentTrace();
    if (cur && spanExportActive()) for (const ev of recorded) if (!subjects.has(ev.messageId!)) stepSpans(ev, { traceId: cur.traceId, rootSpanId: cur.spanId });
    if (withSubjects.length === 0) return;
    const ids = [...new Set(withSubjects.map((ev) => ev.messageId!))];
    const traces = await this.tracesOf(tx, ids, known);
    const hint = currentTrace()?.activity;
    const routes = withSubjects.some((ev) => typeof ev.detail.bevraging !== 'string') && !hint ? allRoutes : new Map<string, string[]>();
    // Delivery events name their route; older ones (and other writers) are looked up, in one statement.
    const deliveryIds = hint ? [] : [...new Set(withSubjects.flatMap((ev) => (typeof ev.detail.deliveryId === 'string' && typeof ev.detail.route !== 'string' && typeof ev.detail.bevraging !== 'string' ? [ev.detail.deliveryId] : [])))];
    const deliveryRoutes = deliveryIds.length > 0 ? await this.deliveryRoutesOf(tx, deliveryIds) : new Map<string, string>();
    const rows: unknown[][] = [];
    for (const ev of withSubjects) {
      const messageId = ev.messageId!;
      const trace = traces.get(messageId)!;
      const activityIds = typeof ev.detail.bevraging === 'string' ? [`bevraging.${ev.detail.bevraging}`] : hint ? [hint] : (routes.get(messageId) ?? [GENERIC_ACTIVITY]);
      const ok = !ERROR_STEPS.has(ev.eventType) && !(ev.eventType === 'delivery_attempted' && ev.detail.ok === false);
      stepSpans(ev, trace);
      for (const [step, stepActivities] of activitiesPerStep(ev, activityIds, hint === undefined && typeof ev.detail.bevraging !== 'string', deliveryRoutes))
      for (const activityId of stepActivities) {
        const version = this.activities.versionOf(activityId) ?? this.activities.versionOf(GENERIC_ACTIVITY) ?? 1;
        const known = this.activities.versionOf(activityId) !== undefined ? activityId : GENERIC_ACTIVITY;
        const mapping = mappingAttributes(ev, activityId);
        for (const subjectHash of subjects.get(messageId)!) {
          const attributes: Record<string, string> = {
            'dpl.core.processing_activity_id': this.activities.uri(known, version),
            'dpl.core.data_subject_id': subjectHash,
            'dpl.core.data_subject_id_type': 'BSN',
            ...(trace.foreignSpanId ? { 'dpl.core.foreign_operation.trace_id': trace.traceId, 'dpl.core.foreign_operation.span_id': trace.foreignSpanId } : {}),
            'knooppunt.message_id': messageId,
            'knooppunt.step': step,
            ...mapping,
            ...(ev.channel ? { 'knooppunt.channel': ev.channel } : {}),
            ...(ev.messageType ? { 'knooppunt.message_type': ev.messageType } : {}),
          };
          // A big declaratie's records (clients × steps) are built in slices, so other requests run meanwhile.
          if (rows.length > 0 && rows.length % 2000 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
          rows.push([
            trace.traceId, newSpanId(), trace.rootSpanId, step, ev.occurredAt, ev.occurredAt, ok ? 'STATUS_CODE_OK' : 'STATUS_CODE_ERROR',
            messageId, ev.chain, ev.seq, known, version, subjectHash, JSON.stringify(attributes),
          ]);
        }
      }
    }
    await insertRows(tx, 'ldv_records', LDV_COLUMNS, rows, { casts: { attributes: '::jsonb' } });
  }

  /**
   * The data subjects, the recorded trace and the routes of each message: what the appending
   * caller knows (the messages it has just inserted, or read beside its own work), and one
   * statement for the others (it was three round trips in every batch's transaction).
   */
  private async messagesOf(tx: Queryable, messageIds: string[], context: AppendContext): Promise<{ subjects: Map<string, string[]>; traces: Map<string, Trace>; routes: Map<string, string[]> }> {
    const given = context.messages;
    const unknown = given ? messageIds.filter((id) => !given.has(id)) : messageIds;
    const read = unknown.length > 0 ? await readKnownMessages(tx, unknown) : new Map<string, KnownMessage>();
    const subjects = new Map<string, string[]>();
    const traces = new Map<string, Trace>();
    const routes = new Map<string, string[]>();
    for (const id of messageIds) {
      const m = given?.get(id) ?? read.get(id);
      if (!m) continue;
      // message_subjects refers to messages: a message without a row has no subject either.
      // Distinct and in the order the statement reads them (hex hashes: code units and collation agree).
      if (m.subjects.length > 0) subjects.set(id, [...new Set(m.subjects)].sort());
      if (m.trace) traces.set(id, { traceId: m.trace.traceId, rootSpanId: m.trace.spanId, ...(m.trace.parentSpanId ? { foreignSpanId: m.trace.parentSpanId } : {}) });
      if (m.routeIds.length > 0) routes.set(id, m.routeIds.map((r) => `route.${r}`));
    }
    return { subjects, traces, routes };
  }

  /**
   * Each message's trace: recorded once (the request's context, or a new trace for work without
   * one). Missing ones are written with one statement; one that another transaction wrote first wins.
   */
  private async tracesOf(tx: Queryable, messageIds: string[], known: ReadonlyMap<string, Trace>): Promise<Map<string, Trace>> {
    const out = new Map<string, Trace>();
    for (const id of messageIds) {
      const t = known.get(id);
      if (t) out.set(id, t);
    }
    const missing = messageIds.filter((id) => !out.has(id));
    if (missing.length === 0) return out;
    const cur = currentTrace();
    const rows = missing.map((id) => {
      const ctx: { traceId: string; spanId: string; parentSpanId?: string } = cur ?? { traceId: newTraceId(), spanId: newSpanId() };
      out.set(id, { traceId: ctx.traceId, rootSpanId: ctx.spanId, ...(ctx.parentSpanId ? { foreignSpanId: ctx.parentSpanId } : {}) });
      return [id, ctx.traceId, ctx.spanId, ctx.parentSpanId ?? null];
    });
    await insertRows(tx, 'message_traces', ['message_id', 'trace_id', 'span_id', 'parent_span_id'], rows, { tail: 'ON CONFLICT (message_id) DO NOTHING' });
    return out;
  }

  /** The route each delivery was made for. */
  private async deliveryRoutesOf(tx: Queryable, deliveryIds: string[]): Promise<Map<string, string>> {
    const r = await tx.query<{ id: string; route_id: string }>('SELECT id, route_id FROM deliveries WHERE id = ANY($1::uuid[])', [deliveryIds]);
    return new Map(r.rows.map((row) => [row.id, row.route_id]));
  }
}

/**
 * What the LDV records need of a message, as columns of a query over `messages m` joined with
 * KNOWN_MESSAGE_JOIN: the delivery batch reads them beside its own metadata, so its hook need not.
 */
export const KNOWN_MESSAGE_COLUMNS = `m.route_id, t.trace_id, t.span_id, t.parent_span_id,
              ARRAY(SELECT s.subject_hash FROM message_subjects s WHERE s.message_id = m.id ORDER BY s.subject_hash) AS subjects`;
export const KNOWN_MESSAGE_JOIN = 'LEFT JOIN message_traces t ON t.message_id = m.id';

export interface KnownMessageRow {
  route_id: string | null;
  trace_id: string | null;
  span_id: string | null;
  parent_span_id: string | null;
  subjects: string[];
}

export function knownMessageOf(row: KnownMessageRow): KnownMessage {
  return {
    subjects: row.subjects,
    ...(row.trace_id !== null && row.span_id !== null ? { trace: { traceId: row.trace_id, spanId: row.span_id, ...(row.parent_span_id ? { parentSpanId: row.parent_span_id } : {}) } } : {}),
    routeIds: (row.route_id ?? '').split(',').filter(Boolean),
  };
}

async function readKnownMessages(tx: Queryable, messageIds: string[]): Promise<Map<string, KnownMessage>> {
  const r = await tx.query<KnownMessageRow & { id: string }>(
    `SELECT m.id, ${KNOWN_MESSAGE_COLUMNS} FROM messages m ${KNOWN_MESSAGE_JOIN} WHERE m.id = ANY($1::uuid[])`,
    [messageIds],
  );
  return new Map(r.rows.map((row) => [row.id, knownMessageOf(row)]));
}
