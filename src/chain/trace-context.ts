/**
 * W3C Trace Context (https://www.w3.org/TR/trace-context/): every request runs inside a trace. An
 * inbound `traceparent` is honoured (its trace id is ours, its span id our parent); without one a new
 * trace starts here. The context lives in AsyncLocalStorage for the request, so the core (pipeline,
 * exchange log) can read it without knowing HTTP, and is carried on every outbound call.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { SpanKind, endSpan, serverSpanName, startSpan } from './spans.js';

export interface TraceContext {
  traceId: string;
  /** This gateway's span for the request (or for the delivery). */
  spanId: string;
  /** The caller's span, from its traceparent; absent when the trace started here. */
  parentSpanId?: string;
  /** Whether the caller sampled; LDV records are never sampled, so this only goes out again. */
  sampled: boolean;
  tracestate?: string;
  /** The processing activity the work in this context serves, when the caller knows it (a bevraging). */
  activity?: string;
}

const storage = new AsyncLocalStorage<TraceContext>();
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

export function newTraceId(): string {
  return randomBytes(16).toString('hex');
}

/** Random bytes drawn 4 KiB at a time: a big declaratie's LDV records take thousands of span ids in one go. */
const SPAN_POOL = 4096;
let spanPool = Buffer.alloc(0);
let spanAt = SPAN_POOL;

export function newSpanId(): string {
  if (spanAt + 8 > spanPool.length) {
    spanPool = randomBytes(SPAN_POOL);
    spanAt = 0;
  }
  spanAt += 8;
  return spanPool.toString('hex', spanAt - 8, spanAt);
}

/** A valid traceparent, or undefined (an invalid one is ignored and a new trace starts, as the spec says). */
export function parseTraceparent(value: string | undefined): { traceId: string; parentSpanId: string; sampled: boolean } | undefined {
  if (!value || value.length > 512) return undefined;
  const m = TRACEPARENT.exec(value.trim().toLowerCase());
  if (!m) return undefined;
  const [, version, traceId, spanId, flags, rest] = m;
  if (version === 'ff') return undefined;
  // Version 00 has exactly four fields; a later version may add fields after a dash.
  if (version === '00' && rest !== undefined) return undefined;
  if (/^0+$/.test(traceId!) || /^0+$/.test(spanId!)) return undefined;
  return { traceId: traceId!, parentSpanId: spanId!, sampled: (parseInt(flags!, 16) & 1) === 1 };
}

export function formatTraceparent(ctx: { traceId: string; spanId: string; sampled?: boolean }): string {
  return `00-${ctx.traceId}-${ctx.spanId}-${ctx.sampled === false ? '00' : '01'}`;
}

export function currentTrace(): TraceContext | undefined {
  return storage.getStore();
}

export function runInTrace<T>(ctx: TraceContext, fn: () => T): T {
  return storage.run(ctx, fn);
}

/** A context for an inbound request, from its headers. */
export function traceFromHeaders(traceparent: string | undefined, tracestate: string | undefined): TraceContext {
  const inbound = parseTraceparent(traceparent);
  return inbound
    ? { traceId: inbound.traceId, spanId: newSpanId(), parentSpanId: inbound.parentSpanId, sampled: inbound.sampled, ...(tracestate && tracestate.length <= 512 ? { tracestate } : {}) }
    : { traceId: newTraceId(), spanId: newSpanId(), sampled: true };
}

/** Express middleware: the rest of the request runs inside its trace; the answer names it. */
export function traceMiddleware() {
  return (req: Request, res: Response, next: NextFunction): void => {
    const ctx = traceFromHeaders(req.get('traceparent'), req.get('tracestate'));
    res.setHeader('traceparent', formatTraceparent(ctx));
    // The request's server span (exported only when the SDK is configured), with this context's ids.
    const span = startSpan(serverSpanName(req.method, req.path), ctx.spanId, { traceId: ctx.traceId, ...(ctx.parentSpanId ? { spanId: ctx.parentSpanId } : {}), sampled: ctx.sampled }, SpanKind.SERVER, {
      'http.request.method': req.method,
    });
    if (span) res.once('close', () => endSpan(span, res.statusCode < 500, { 'http.response.status_code': res.statusCode }));
    storage.run(ctx, next);
  };
}

/** Headers for an outbound call in this trace: a child span of ours, so the receiver can link back. */
export function outboundTraceHeaders(ctx: { traceId: string; spanId: string; sampled?: boolean; tracestate?: string } | undefined): Record<string, string> {
  if (!ctx) return {};
  return { traceparent: formatTraceparent(ctx), ...(ctx.tracestate ? { tracestate: ctx.tracestate } : {}) };
}
