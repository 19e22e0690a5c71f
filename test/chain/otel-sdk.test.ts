/**
 * General spans through the OpenTelemetry SDK: with an OTLP traces endpoint configured, a message
 * posted with an inbound traceparent yields a server span parented on the caller's span, step spans
 * and a delivery span as its children, all in the caller's trace, with the span ids knooppunt's own
 * trace context carries outbound; no BSN in the exported bytes. Not configured: no provider, nothing sent.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GatewayConfig } from '../../src/config/types.js';
import type { Gateway } from '../../src/gateway.js';
import { hashApiKey } from '../../src/parties/api-keys.js';
import { BRON_BSN, INKOMEN } from '../helpers/bron.js';
import { spanExportActive } from '../../src/chain/spans.js';
import { KEYS, post, startGateway, testConfig, testEnv, toewijzing, writeConfig } from '../helpers/gateway.js';
import { BodyReceiver, TestWebhook, waitFor } from '../helpers/webhook.js';

const BSN = '999993653';
const TRACE = '5bf92f3577b34da6a3ce929d0e0e4737';
const CALLER_SPAN = '10f067aa0ba902b8';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Array<{ key: string; value: Record<string, unknown> }>;
  status?: { code?: number };
}

/** An OTLP/HTTP receiver keeping every request's bytes (JSON encoding, as exporter-trace-otlp-http sends). */
class OtlpJsonReceiver {
  readonly bodies: Buffer[] = [];
  readonly contentTypes: string[] = [];
  private readonly receiver = new BodyReceiver((req, body, res) => {
    this.bodies.push(body);
    this.contentTypes.push(String(req.headers['content-type']));
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  start(): Promise<string> {
    return this.receiver.start('/v1/traces');
  }
  stop(): Promise<void> {
    return this.receiver.stop();
  }
  resources(): Array<{ attributes: Record<string, unknown>; spans: OtlpSpan[] }> {
    return this.bodies.flatMap((b) => {
      const req = JSON.parse(b.toString('utf8')) as { resourceSpans: Array<{ resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> }; scopeSpans: Array<{ spans: OtlpSpan[] }> }> };
      return req.resourceSpans.map((rs) => ({ attributes: Object.fromEntries(rs.resource.attributes.map((a) => [a.key, a.value.stringValue])), spans: rs.scopeSpans.flatMap((s) => s.spans) }));
    });
  }
  spans(): OtlpSpan[] {
    return this.resources().flatMap((r) => r.spans);
  }
}

const SERVER = 2;
const CLIENT = 3;

async function deliveredOnce(gateway: Gateway, baseUrl: string, headers: Record<string, string>): Promise<{ messageId: string; serverSpan: string | undefined }> {
  const res = await post(baseUrl, KEYS.enschede, toewijzing(`OTEL-${Date.now()}`, { bsn: BSN }), headers);
  expect(res.status).toBe(202);
  const messageId = res.json.id as string;
  await waitFor(async () => (await gateway.log.eventsForMessage(messageId)).some((e) => e.eventType === 'delivered'));
  return { messageId, serverSpan: /^00-[0-9a-f]{32}-([0-9a-f]{16})-/.exec(res.headers.get('traceparent') ?? '')?.[1] };
}

describe('OpenTelemetry SDK span export', () => {
  const previousDelay = process.env.OTEL_BSP_SCHEDULE_DELAY;
  beforeAll(() => {
    process.env.OTEL_BSP_SCHEDULE_DELAY = '50';
  });
  afterAll(() => {
    if (previousDelay === undefined) delete process.env.OTEL_BSP_SCHEDULE_DELAY;
    else process.env.OTEL_BSP_SCHEDULE_DELAY = previousDelay;
  });

  test('configured: server, step and delivery spans in the caller trace, ids as the trace context carries them, no BSN', async () => {
    const webhook = new TestWebhook();
    const receiver = new OtlpJsonReceiver();
    const hookUrl = await webhook.start();
    const otlp = await receiver.start();
    let gateway: Gateway | undefined;
    try {
      let baseUrl: string;
      ({ gateway, baseUrl } = await startGateway(await testEnv('pglite', 'in-process', writeConfig(testConfig(hookUrl)), { KNOOPPUNT_OTLP_TRACES_URL: otlp })));
      expect(spanExportActive()).toBe(true);
      const { messageId, serverSpan } = await deliveredOnce(gateway, baseUrl, { traceparent: `00-${TRACE}-${CALLER_SPAN}-01` });
      expect(serverSpan).toBeDefined();
      // Closing flushes the BatchSpanProcessor.
      await gateway.close();
      gateway = undefined;
      expect(spanExportActive()).toBe(false);

      expect(receiver.bodies.length).toBeGreaterThan(0);
      for (const ct of receiver.contentTypes) expect(ct).toMatch(/^application\/json/);
      for (const r of receiver.resources()) expect(r.attributes['service.name']).toBe('knooppunt');
      const spans = receiver.spans().filter((s) => s.traceId === TRACE);
      expect(spans.length).toBe(receiver.spans().length);

      // The server span: the id the answer's traceparent names, child of the caller's span.
      const server = spans.find((s) => s.spanId === serverSpan)!;
      expect(server).toMatchObject({ kind: SERVER, parentSpanId: CALLER_SPAN, name: 'POST /api/v1' });

      // The steps of the accepted event and of the delivery, children of the server span.
      const ofMessage = (s: OtlpSpan) => s.attributes.some((a) => a.key === 'knooppunt.message_id' && a.value.stringValue === messageId);
      const steps = spans.filter((s) => s.attributes.some((a) => a.key === 'knooppunt.step') && ofMessage(s));
      expect(steps.map((s) => s.name)).toEqual(['accepted', 'delivery_attempted', 'delivered']);
      for (const s of steps) expect(s.parentSpanId).toBe(serverSpan);

      // The delivery attempt: a client span whose id is the one the webhook's traceparent carried.
      const delivery = spans.filter((s) => s.name === 'delivery webhook' && ofMessage(s));
      expect(delivery).toHaveLength(1);
      expect(delivery[0]).toMatchObject({ kind: CLIENT, parentSpanId: serverSpan, status: { code: 1 } });
      const hook = webhook.requests.find((r) => r.headers['x-knooppunt-message-id'] === messageId);
      expect(hook?.headers.traceparent).toBe(`00-${TRACE}-${delivery[0]!.spanId}-01`);

      for (const b of receiver.bodies) expect(b.toString('utf8')).not.toContain(BSN);
    } finally {
      await gateway?.close();
      await webhook.stop();
      await receiver.stop();
    }
  });

  test('a bevraging: the call to the source is a client span under the server span, with the id its traceparent carries', async () => {
    const receiver = new OtlpJsonReceiver();
    const otlp = await receiver.start();
    const seen: IncomingHttpHeaders[] = [];
    const source = createServer((req, res) => {
      seen.push(req.headers);
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(INKOMEN)));
    });
    await new Promise<void>((r) => source.listen(0, '127.0.0.1', r));
    const KEY = 'test-otel-0153';
    const config: GatewayConfig = {
      parties: [
        { id: 'gemeente-0153', kind: 'gemeente', name: 'Enschede', code: '0153', credentials: { apiKeys: [{ id: 'k1', sha256: hashApiKey(KEY) }] } },
        { id: 'uwv', kind: 'bron', name: 'UWV', credentials: { apiKeys: [] } },
      ],
      routes: [],
      bronnen: [{ id: 'uwv-inkomen', party: 'uwv', type: 'json', url: `http://127.0.0.1:${(source.address() as AddressInfo).port}/inkomen`, timeoutMs: 2000 }],
      bevragingen: [
        { id: 'inkomen-bijstand', dienst: 'inkomen', doel: 'BIJSTAND', grondslag: 'Participatiewet art. 64 lid 1', dataCategories: ['inkomen'], partijen: ['gemeente-*'], bron: 'uwv-inkomen', mapping: 'suwi-inkomen-bijstand' },
      ],
    };
    let gateway: Gateway | undefined;
    try {
      let baseUrl: string;
      ({ gateway, baseUrl } = await startGateway(await testEnv('pglite', 'in-process', writeConfig(config), { KNOOPPUNT_OTLP_TRACES_URL: otlp })));
      const res = await fetch(`${baseUrl}/api/v1/bevragingen`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}`, traceparent: `00-${TRACE}-${CALLER_SPAN}-01` },
        body: JSON.stringify({ dienst: 'inkomen', bsn: BRON_BSN.gevonden, doel: 'BIJSTAND' }),
      });
      expect(res.status).toBe(200);
      const serverSpan = /^00-[0-9a-f]{32}-([0-9a-f]{16})-/.exec(res.headers.get('traceparent') ?? '')?.[1];
      await gateway.close();
      gateway = undefined;

      const spans = receiver.spans();
      expect(spans.find((s) => s.spanId === serverSpan)).toMatchObject({ kind: SERVER, parentSpanId: CALLER_SPAN, traceId: TRACE });
      const bron = spans.filter((s) => s.name === 'bron uwv-inkomen');
      expect(bron).toHaveLength(1);
      expect(bron[0]).toMatchObject({ kind: CLIENT, traceId: TRACE, parentSpanId: serverSpan, status: { code: 1 } });
      expect(seen).toHaveLength(1);
      expect(seen[0]!.traceparent).toBe(`00-${TRACE}-${bron[0]!.spanId}-01`);
      for (const b of receiver.bodies) expect(b.toString('utf8')).not.toContain(BRON_BSN.gevonden);
    } finally {
      await gateway?.close();
      await receiver.stop();
      await new Promise<void>((r) => source.close(() => r()));
    }
  });

  test('not configured: no provider is started and no request reaches the receiver', async () => {
    const webhook = new TestWebhook();
    const receiver = new OtlpJsonReceiver();
    const hookUrl = await webhook.start();
    await receiver.start();
    const saved = { a: process.env.OTEL_EXPORTER_OTLP_ENDPOINT, b: process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT };
    delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    delete process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
    let gateway: Gateway | undefined;
    try {
      let baseUrl: string;
      ({ gateway, baseUrl } = await startGateway(await testEnv('pglite', 'in-process', writeConfig(testConfig(hookUrl)))));
      expect(gateway.env.chain.otlpTracesUrl).toBeUndefined();
      expect(spanExportActive()).toBe(false);
      await deliveredOnce(gateway, baseUrl, { traceparent: `00-${TRACE}-${CALLER_SPAN}-01` });
      await gateway.close();
      gateway = undefined;
      expect(receiver.bodies).toHaveLength(0);
    } finally {
      if (saved.a !== undefined) process.env.OTEL_EXPORTER_OTLP_ENDPOINT = saved.a;
      if (saved.b !== undefined) process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT = saved.b;
      await gateway?.close();
      await webhook.stop();
      await receiver.stop();
    }
  });
});

test('the traces endpoint: KNOOPPUNT_OTLP_TRACES_URL, else the standard OTEL_EXPORTER_OTLP_* variables, else none', async () => {
  const { spanExportUrl } = await import('../../src/chain/spans.js');
  expect(spanExportUrl({})).toBeUndefined();
  expect(spanExportUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' })).toBe('http://collector:4318/v1/traces');
  expect(spanExportUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://t:4318/v1/traces' })).toBe('http://t:4318/v1/traces');
  expect(spanExportUrl({ KNOOPPUNT_OTLP_TRACES_URL: 'http://k/v1/traces', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://t:4318/v1/traces' })).toBe('http://k/v1/traces');
});
