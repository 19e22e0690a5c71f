/** The trace a stored message belongs to, for work done later (a delivery): its traceparent, as a child span. */
import type { Queryable } from '../store/db.js';
import { newSpanId, outboundTraceHeaders } from './trace-context.js';

export async function messageTraceHeaders(db: Queryable, messageId: string): Promise<Record<string, string>> {
  const r = await db.query<{ trace_id: string }>('SELECT trace_id FROM message_traces WHERE message_id = $1', [messageId]);
  const row = r.rows[0];
  return row ? outboundTraceHeaders({ traceId: row.trace_id, spanId: newSpanId() }) : {};
}
