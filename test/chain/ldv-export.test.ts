/**
 * LDV records leave over OTLP/HTTP from the store, outbox-style: a test OTLP receiver counts every
 * record (by span id); the gateway is SIGKILLed while the export is under way, started again on the
 * same database, and in the end the receiver has every record the store holds, none missing.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { ChildGateway } from '../helpers/child-gateway.js';
import { KEYS, testConfig, testEnv, toewijzing, writeConfig } from '../helpers/gateway.js';
import { TestWebhook, waitFor } from '../helpers/webhook.js';

const BSNS = ['999993653', '999990627', '999990019', '999991917', '999996368'];

/** Counts spans per span id; answers slowly so the export is still running when the gateway dies. */
class OtlpReceiver {
  readonly spans = new Map<string, { traceId: string; attributes: Record<string, string> }>();
  requests = 0;
  private server: Server | undefined;
  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.requests += 1;
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<{ traceId: string; spanId: string; attributes: Array<{ key: string; value: { stringValue: string } }> }> }> }>;
        };
        for (const rs of body.resourceSpans) {
          for (const ss of rs.scopeSpans) {
            for (const s of ss.spans) this.spans.set(s.spanId, { traceId: s.traceId, attributes: Object.fromEntries(s.attributes.map((a) => [a.key, a.value.stringValue])) });
          }
        }
        setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'), 150);
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1/traces`;
  }
  stop(): Promise<void> {
    return new Promise((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

test('every LDV record reaches the OTLP receiver, also across a SIGKILL mid-export', async () => {
  const webhook = new TestWebhook();
  const receiver = new OtlpReceiver();
  const hookUrl = await webhook.start();
  const otlp = await receiver.start();
  const env = await testEnv('postgres', 'in-process', writeConfig(testConfig(hookUrl)));
  const childEnv = ChildGateway.envFrom(env, {
    KNOOPPUNT_LDV_OTLP_ENDPOINT: otlp,
    KNOOPPUNT_LDV_EXPORT_BATCH: '3',
    KNOOPPUNT_LDV_EXPORT_INTERVAL_MS: '100',
    KNOOPPUNT_LDV_EXPORT_LEASE_MS: '1500',
  });
  const pool = new pg.Pool({ connectionString: env.databaseUrl, max: 2 });
  const child = new ChildGateway(childEnv);
  try {
    const base = await child.start();
    for (let i = 0; i < 12; i++) {
      const res = await fetch(`${base}/api/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${KEYS.enschede}` },
        body: JSON.stringify(toewijzing(`OTLP-${Date.now()}-${i}`, { bsn: BSNS[i % BSNS.length] })),
      });
      expect(res.status).toBe(202);
    }
    // Mid-stream: some batches have arrived, many records are still waiting.
    await waitFor(() => receiver.requests >= 2, 60_000, 20);
    await child.kill('SIGKILL');
    const total = async () => Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM ldv_records')).rows[0]!.n);
    const atKill = receiver.spans.size;
    expect(atKill).toBeLessThan(await total());

    await child.start();
    await waitFor(async () => Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM ldv_records WHERE exported_at IS NULL')).rows[0]!.n) === 0 && receiver.spans.size >= (await total()), 90_000, 100);
    const stored = await pool.query<{ span_id: string; trace_id: string }>('SELECT span_id, trace_id FROM ldv_records');
    // Per message at least accepted, delivery_attempted and delivered.
    expect(stored.rows.length).toBeGreaterThanOrEqual(12 * 3);
    for (const r of stored.rows) expect(receiver.spans.get(r.span_id)?.traceId).toBe(r.trace_id);
    expect(receiver.spans.size).toBe(stored.rows.length);
    for (const s of receiver.spans.values()) {
      expect(s.attributes['dpl.core.processing_activity_id']).toContain('/ldv/v1/processing_activities/');
      expect(BSNS).not.toContain(s.attributes['dpl.core.data_subject_id']);
    }
  } finally {
    await child.kill('SIGKILL').catch(() => undefined);
    await pool.end();
    await receiver.stop();
    await webhook.stop();
  }
}, 240_000);
