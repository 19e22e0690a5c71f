/**
 * General span export through the OpenTelemetry SDK, when configured (docs/chain/ldv.md, "Spans"):
 * one server span per inbound request, a child span per processing step and per outbound call
 * (delivery attempt, bron). Best effort: the SDK's BatchSpanProcessor holds spans in memory, so a
 * crash loses the unsent ones. The LDV records do not depend on it: they leave from the store's
 * outbox (src/chain/ldv/export.ts), which survives a SIGKILL.
 *
 * The ids are those of src/chain/trace-context.ts (the source of truth for what outbound calls
 * carry): the SDK is handed the span id knooppunt already chose, so a receiver's parent span id is
 * a span that is exported here. Not configured: no provider, every function here is a no-op.
 *
 * No BSN, payload or party-supplied identifier goes into a span attribute: only channel-level
 * names, message types, knooppunt's own ids and outcomes.
 */
import { randomBytes } from 'node:crypto';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, trace, type Attributes, type Span, type Tracer } from '@opentelemetry/api';
// Only types at load: the SDK itself is imported when export is configured, so unconfigured costs nothing.
import type { BasicTracerProvider, IdGenerator } from '@opentelemetry/sdk-trace-base';

export interface SpanExportConfig {
  /** OTLP/HTTP traces endpoint (…/v1/traces). */
  url: string;
}

/**
 * The traces endpoint from the environment: KNOOPPUNT_OTLP_TRACES_URL, else the standard
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, else OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces; none: undefined.
 */
export function spanExportUrl(env: NodeJS.ProcessEnv): string | undefined {
  if (env.KNOOPPUNT_OTLP_TRACES_URL) return env.KNOOPPUNT_OTLP_TRACES_URL;
  if (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (env.OTEL_EXPORTER_OTLP_ENDPOINT) return `${env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`;
  return undefined;
}

/**
 * The SDK draws ids from here; when knooppunt has already chosen one (trace-context.ts), it is
 * handed over for exactly the synchronous startSpan call that follows.
 */
class ChosenIds implements IdGenerator {
  next: { traceId?: string; spanId?: string } = {};
  generateTraceId(): string {
    return this.next.traceId ?? randomBytes(16).toString('hex');
  }
  generateSpanId(): string {
    return this.next.spanId ?? randomBytes(8).toString('hex');
  }
}

interface Active {
  provider: BasicTracerProvider;
  tracer: Tracer;
  ids: ChosenIds;
}

// One provider per process (not registered globally: nothing else in the process is traced by it).
let active: Active | undefined;

export function spanExportActive(): boolean {
  return active !== undefined;
}

/** Starts the SDK provider; stop() flushes what is queued and shuts it down. */
export async function startSpanExport(cfg: SpanExportConfig, service: { name: string; version: string }): Promise<{ stop(): Promise<void> }> {
  const [{ BasicTracerProvider, BatchSpanProcessor }, { OTLPTraceExporter }, { detectResources, envDetector, resourceFromAttributes }, { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION }] = await Promise.all([
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/semantic-conventions'),
  ]);
  const ids = new ChosenIds();
  // OTEL_RESOURCE_ATTRIBUTES / OTEL_SERVICE_NAME are honoured; service.name defaults to knooppunt.
  const resource = resourceFromAttributes({ [ATTR_SERVICE_NAME]: service.name, [ATTR_SERVICE_VERSION]: service.version }).merge(detectResources({ detectors: [envDetector] }));
  const provider = new BasicTracerProvider({
    resource,
    idGenerator: ids,
    // OTLP/HTTP with JSON encoding; OTEL_EXPORTER_OTLP_HEADERS and OTEL_BSP_* are read by the SDK.
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: cfg.url }))],
  });
  const mine: Active = { provider, tracer: provider.getTracer('knooppunt', service.version), ids };
  active = mine;
  return {
    async stop() {
      if (active === mine) active = undefined;
      await provider.forceFlush().catch(() => undefined);
      await provider.shutdown().catch(() => undefined);
    },
  };
}

export interface SpanParent {
  traceId: string;
  /** The parent span; absent for a root span of a trace started here. */
  spanId?: string;
  sampled?: boolean;
}

/** A span with the given id, child of parent (or a root with the parent's trace id); undefined when not exporting. */
export function startSpan(name: string, spanId: string, parent: SpanParent, kind: SpanKind, attributes: Attributes = {}, startTime?: Date): Span | undefined {
  const a = active;
  if (!a) return undefined;
  const ctx = parent.spanId
    ? trace.setSpanContext(ROOT_CONTEXT, { traceId: parent.traceId, spanId: parent.spanId, traceFlags: parent.sampled === false ? TraceFlags.NONE : TraceFlags.SAMPLED, isRemote: true })
    : ROOT_CONTEXT;
  a.ids.next = { traceId: parent.traceId, spanId };
  try {
    return a.tracer.startSpan(name, { kind, attributes, ...(startTime ? { startTime } : {}) }, ctx);
  } finally {
    a.ids.next = {};
  }
}

export function endSpan(span: Span | undefined, ok: boolean, attributes: Attributes = {}, endTime?: Date): void {
  if (!span) return;
  span.setAttributes(attributes);
  span.setStatus({ code: ok ? SpanStatusCode.OK : SpanStatusCode.ERROR });
  span.end(endTime);
}

/** An outbound call as a client span with the span id its traceparent carries. */
export async function outboundSpan<T>(name: string, spanId: string, parent: SpanParent | undefined, attributes: Attributes, fn: () => Promise<T>, okOf: (t: T) => boolean, resultAttributes: (t: T) => Attributes = () => ({})): Promise<T> {
  const span = parent ? startSpan(name, spanId, parent, SpanKind.CLIENT, attributes) : undefined;
  if (!span) return fn();
  try {
    const t = await fn();
    endSpan(span, okOf(t), resultAttributes(t));
    return t;
  } catch (err) {
    endSpan(span, false, { 'error.type': (err as Error).name ?? 'Error' });
    throw err;
  }
}

/** A span name for an inbound request: the method and the channel (first two path segments), never identifiers. */
export function serverSpanName(method: string, path: string): string {
  const segments = path.split('/').filter(Boolean).slice(0, 2).filter((s) => /^[a-z][a-z0-9-]*$/i.test(s));
  return `${method} /${segments.join('/')}`;
}

export { SpanKind };
