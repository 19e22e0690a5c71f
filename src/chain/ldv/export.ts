/**
 * Export of LDV records over OTLP/HTTP (JSON encoding, POST <endpoint>, e.g. a collector's
 * /v1/traces), outbox-style: records are rows in the store, committed with their exchange event; the
 * exporter claims a batch (a lease, so several processes share the work and a crash only delays it),
 * sends it, and marks it exported only after the receiver answered 2xx. A failure or a SIGKILL before
 * that leaves the rows unexported, and they go out again: delivery is at least once, and the span ids
 * let a receiver drop a repeat.
 */
import { discardAnswer } from '../../util/http-answer.js';
import type { Logger } from 'pino';
import type { Db } from '../../store/db.js';
import type { LdvResource } from './records.js';
import { withDispatcher, clientTlsDispatcher, type ClientTlsConfig } from '../../delivery/transports/client-tls.js';

export interface LdvExportOptions {
  endpoint: string;
  headers?: Record<string, string>;
  tls?: ClientTlsConfig;
  batchSize?: number;
  intervalMs?: number;
  timeoutMs?: number;
  leaseMs?: number;
}

interface Row {
  id: number | string;
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  name: string;
  start_time: Date | string;
  end_time: Date | string;
  status_code: string;
  attributes: Record<string, string>;
}

const nanos = (d: Date | string): string => (BigInt(new Date(d).getTime()) * 1_000_000n).toString();
const kv = (key: string, value: string) => ({ key, value: { stringValue: value } });

/** The OTLP ExportTraceServiceRequest for a batch of records (JSON mapping: ids in hex). */
export function otlpRequest(rows: Row[], resource: LdvResource): Record<string, unknown> {
  return {
    resourceSpans: [
      {
        resource: { attributes: [kv('service.name', resource.name), kv('service.version', resource.version)] },
        scopeSpans: [
          {
            scope: { name: 'knooppunt.ldv', version: resource.version },
            spans: rows.map((r) => ({
              traceId: r.trace_id,
              spanId: r.span_id,
              ...(r.parent_span_id ? { parentSpanId: r.parent_span_id } : {}),
              name: r.name,
              kind: 1,
              startTimeUnixNano: nanos(r.start_time),
              endTimeUnixNano: nanos(r.end_time),
              attributes: Object.entries(r.attributes).map(([k, v]) => kv(k, v)),
              status: { code: r.status_code === 'STATUS_CODE_ERROR' ? 2 : 1 },
            })),
          },
        ],
      },
    ],
  };
}

export class LdvExporter {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private failures = 0;

  constructor(
    private readonly db: Db,
    private readonly resource: LdvResource,
    private readonly opts: LdvExportOptions,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.drain().then(() => undefined).finally(() => {
        this.running = undefined;
      });
    }, ms);
    this.timer.unref();
  }

  /** Sends batches until none is left (or one fails); then waits for the next interval. */
  async drain(): Promise<number> {
    let sent = 0;
    try {
      for (;;) {
        const n = await this.exportBatch();
        sent += n;
        if (n === 0) break;
      }
      this.failures = 0;
      this.schedule(this.opts.intervalMs ?? 1000);
    } catch (err) {
      this.failures += 1;
      const delay = Math.min(60_000, (this.opts.intervalMs ?? 1000) * 2 ** Math.min(this.failures, 6));
      this.logger.warn({ err: (err as Error).message, retryInMs: delay }, 'LDV export failed; the records stay in the outbox and are sent again');
      this.schedule(delay);
    }
    return sent;
  }

  /** One batch: claim, send, mark. Returns how many were exported. */
  async exportBatch(): Promise<number> {
    const leaseMs = this.opts.leaseMs ?? 30_000;
    const claimed = await this.db.query<Row>(
      `UPDATE ldv_records SET export_claimed_until = now() + ($2 || ' milliseconds')::interval, export_attempts = export_attempts + 1
        WHERE id IN (SELECT id FROM ldv_records
                      WHERE exported_at IS NULL AND (export_claimed_until IS NULL OR export_claimed_until < now())
                      ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
        RETURNING id, trace_id, span_id, parent_span_id, name, start_time, end_time, status_code, attributes`,
      [this.opts.batchSize ?? 200, String(leaseMs)],
    );
    const rows = claimed.rows;
    if (rows.length === 0) return 0;
    const ids = rows.map((r) => Number(r.id));
    try {
      const res = await fetch(this.opts.endpoint, withDispatcher({
        method: 'POST',
        headers: { ...(this.opts.headers ?? {}), 'content-type': 'application/json' },
        body: JSON.stringify(otlpRequest(rows, this.resource)),
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000),
        redirect: 'manual',
      }, clientTlsDispatcher(this.opts.tls)));
      await discardAnswer(res);
      if (res.status < 200 || res.status > 299) throw new Error(`OTLP receiver answered HTTP ${res.status}`);
    } catch (err) {
      // Released at once for the next try (with backoff by the caller).
      await this.db.query('UPDATE ldv_records SET export_claimed_until = NULL WHERE id = ANY($1::bigint[])', [ids]);
      throw err;
    }
    await this.db.query('UPDATE ldv_records SET exported_at = now(), export_claimed_until = NULL WHERE id = ANY($1::bigint[])', [ids]);
    return rows.length;
  }
}
