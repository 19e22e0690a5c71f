import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { DRIVER_CASES, KEYS, get, post, startGateway, testConfig, testEnv, toewijzing, writeConfig } from '../helpers/gateway.js';
import { TestWebhook, waitFor } from '../helpers/webhook.js';
import type { Gateway } from '../../src/gateway.js';

/**
 * The spine's guarantees, run against every combination of store (PGlite, PostgreSQL) and queue
 * (in-process, BullMQ on Redis): the same suite, real services, real HTTP.
 */
describe.each(DRIVER_CASES)('spine on $store + $queue', ({ store, queue }) => {
  const webhook = new TestWebhook();
  let gateway: Gateway;
  let baseUrl: string;
  let seq = 0;
  const nextId = () => `BO-${store}-${queue}-${Date.now()}-${++seq}`;

  beforeAll(async () => {
    const url = await webhook.start();
    const env = await testEnv(store, queue, writeConfig(testConfig(url, { maxAttempts: 4 })));
    ({ gateway, baseUrl } = await startGateway(env));
  });

  afterAll(async () => {
    await gateway?.close();
    await webhook.stop();
  });

  afterEach(() => {
    webhook.respond = () => ({ status: 200 });
  });

  const messageFor = (key: string, id: string) => get(baseUrl, key, `/api/v1/messages/${id}`);
  const deliveredTo = (messageId: string) => webhook.accepted().filter((r) => r.headers['x-knooppunt-message-id'] === messageId);

  it('maps a JSON message, delivers it to the webhook and keeps the full event trail', async () => {
    const envelope = toewijzing(nextId());
    const res = await post(baseUrl, KEYS.enschede, envelope);
    expect(res.status).toBe(202);
    const id = res.json.id as string;
    expect(res.headers.get('location')).toBe(`/api/v1/messages/${id}`);

    await waitFor(() => deliveredTo(id).length === 1);
    const [request] = deliveredTo(id);
    const expected = await gateway.mappings.get('toewijzing-naar-aanbieder')!.run({ ...envelope, sender: 'gemeente-0153' });
    expect(request!.headers['content-type']).toBe(expected.contentType);
    expect(JSON.parse(request!.body)).toEqual(expected.output);
    expect(request!.path).toBe('/toewijzingen');
    expect(request!.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);

    const detail = await waitFor(async () => {
      const m = await messageFor(KEYS.enschede, id);
      return m.json.status === 'delivered' ? m.json : undefined;
    });
    const types = (detail.events as Array<{ type: string }>).map((e) => e.type);
    expect(types).toEqual(['accepted', 'delivery_attempted', 'delivered']);
    // The trail in the log itself, chained.
    const events = await gateway.log.eventsForMessage(id);
    expect(events.map((e) => e.eventType)).toEqual(types);
    for (let i = 1; i < events.length; i++) expect(events[i]!.seq).toBeGreaterThan(events[i - 1]!.seq);
    expect(events.every((e) => e.sender === 'gemeente-0153' && e.receiver === 'aanbieder-12345678' && e.correlationId === id)).toBe(true);
  });

  it('delivers exactly once to a destination that fails three times and then recovers', async () => {
    let calls = 0;
    webhook.respond = () => (++calls <= 3 ? { status: 503 } : { status: 200 });
    const res = await post(baseUrl, KEYS.enschede, toewijzing(nextId(), { bsn: '999990627' }));
    expect(res.status).toBe(202);
    const id = res.json.id as string;
    const detail = await waitFor(async () => {
      const m = await messageFor(KEYS.enschede, id);
      return m.json.status === 'delivered' ? m.json : undefined;
    });
    // Give a late duplicate the chance to show up before counting.
    await new Promise((r) => setTimeout(r, 600));
    expect(deliveredTo(id)).toHaveLength(1);
    expect(webhook.requests.filter((r) => r.headers['x-knooppunt-message-id'] === id)).toHaveLength(4);
    const [delivery] = detail.deliveries as Array<{ attempts: number; history: Array<{ outcome: string; statusCode: number }> }>;
    expect(delivery!.attempts).toBe(4);
    expect(delivery!.history.map((h) => h.statusCode)).toEqual([503, 503, 503, 200]);
  });

  it('dead-letters after the retry limit and shows it through the API', async () => {
    webhook.respond = () => ({ status: 500 });
    const res = await post(baseUrl, KEYS.enschede, toewijzing(nextId(), { bsn: '999998456' }));
    const id = res.json.id as string;
    const detail = await waitFor(async () => {
      const m = await messageFor(KEYS.enschede, id);
      return m.json.status === 'dead_letter' ? m.json : undefined;
    });
    const [delivery] = detail.deliveries as Array<{ status: string; attempts: number; lastError: string }>;
    expect(delivery).toMatchObject({ status: 'dead_letter', attempts: 4, lastError: 'HTTP 500' });
    expect((detail.events as Array<{ type: string }>).at(-1)!.type).toBe('dead_lettered');
    const list = await get(baseUrl, KEYS.enschede, '/api/v1/messages?status=dead_letter');
    expect((list.json.items as Array<{ id: string }>).map((m) => m.id)).toContain(id);
    expect(deliveredTo(id)).toHaveLength(0);
  });

  it('pages reach the first 10,000 matches: a deeper page is a 400 naming page', async () => {
    const last = await get(baseUrl, KEYS.enschede, '/api/v1/messages?page=500&pageSize=20');
    expect([last.status, last.json.totalCapped]).toEqual([200, false]);
    const deeper = await get(baseUrl, KEYS.enschede, '/api/v1/messages?page=101&pageSize=100');
    expect([deeper.status, deeper.json.code, (deeper.json.invalidParams as Array<{ name: string }>)[0]!.name]).toEqual([400, 'invalid-query', 'page']);
    expect((await get(baseUrl, KEYS.enschede, '/api/v1/mailbox?page=10001&pageSize=1')).status).toBe(400);
  });

  it('keeps per-citizen order: the second message waits for the first to be delivered', async () => {
    const first = nextId();
    webhook.respond = (_n, req) => {
      const body = req.body;
      // The first message of this pair fails twice before it is taken.
      if (body.includes(first) && webhook.requests.filter((r) => r.body.includes(first)).length < 2) return { status: 503 };
      return { status: 200 };
    };
    const a = await post(baseUrl, KEYS.enschede, toewijzing(first, { bsn: '999996368' }));
    const b = await post(baseUrl, KEYS.enschede, toewijzing(nextId(), { bsn: '999996368' }));
    const idA = a.json.id as string;
    const idB = b.json.id as string;
    await waitFor(() => deliveredTo(idA).length === 1 && deliveredTo(idB).length === 1);
    expect(deliveredTo(idA)[0]!.at).toBeLessThanOrEqual(deliveredTo(idB)[0]!.at);
  });

  it('answers a resubmission of the same messageId with the first result, without a second delivery', async () => {
    const envelope = toewijzing(nextId());
    const first = await post(baseUrl, KEYS.enschede, envelope);
    const again = await post(baseUrl, KEYS.enschede, envelope);
    expect(first.status).toBe(202);
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ id: first.json.id, duplicate: true });
    await waitFor(() => deliveredTo(first.json.id as string).length === 1);
  });

  it('delivers to a mailbox that only its owner reads and acknowledges', async () => {
    const res = await post(baseUrl, KEYS.enschede, toewijzing(nextId(), { receiver: 'aanbieder-87654321' }));
    const id = res.json.id as string;
    const item = await waitFor(async () => {
      const box = await get(baseUrl, KEYS.aanbiederB, '/api/v1/mailbox');
      return (box.json.items as Array<{ id: string; messageId: string; payload: unknown }>).find((i) => i.messageId === id);
    });
    expect(item.payload).toMatchObject({});
    const other = await get(baseUrl, KEYS.aanbiederA, '/api/v1/mailbox');
    expect((other.json.items as Array<{ messageId: string }>).some((i) => i.messageId === id)).toBe(false);

    const ackByOther = await fetch(`${baseUrl}/api/v1/mailbox/${item.id}/acknowledgement`, { method: 'PUT', headers: { authorization: `Bearer ${KEYS.aanbiederA}` } });
    expect(ackByOther.status).toBe(404);
    const ack = await fetch(`${baseUrl}/api/v1/mailbox/${item.id}/acknowledgement`, { method: 'PUT', headers: { authorization: `Bearer ${KEYS.aanbiederB}` } });
    expect(ack.status).toBe(200);
    const after = await get(baseUrl, KEYS.aanbiederB, '/api/v1/mailbox');
    expect((after.json.items as Array<{ id: string }>).some((i) => i.id === item.id)).toBe(false);
    const events = await gateway.log.eventsForMessage(id);
    expect(events.map((e) => e.eventType)).toContain('picked_up');
    // The receiver may read the message it received; an uninvolved party may not.
    expect((await messageFor(KEYS.aanbiederB, id)).status).toBe(200);
    expect((await messageFor(KEYS.hengelo, id)).status).toBe(404);
  });

  it('refuses to let a party send as another, or read what is not its own', async () => {
    const asOther = await post(baseUrl, KEYS.hengelo, { ...toewijzing(nextId()), sender: 'gemeente-0153' });
    expect(asOther.status).toBe(403);
    expect(asOther.json.code).toBe('forbidden-sender');
    const providerSends = await post(baseUrl, KEYS.aanbiederA, toewijzing(nextId(), { receiver: 'aanbieder-87654321' }));
    expect(providerSends.status).toBe(403);
    expect(providerSends.json.code).toBe('not-allowed');

    const mine = await post(baseUrl, KEYS.enschede, toewijzing(nextId()));
    const id = mine.json.id as string;
    const byStranger = await messageFor(KEYS.hengelo, id);
    expect(byStranger.status).toBe(404);
    expect(byStranger.json.code).toBe('message-not-found');
    const list = await get(baseUrl, KEYS.hengelo, '/api/v1/messages');
    expect((list.json.items as Array<{ sender: string; receiver: string }>).every((m) => m.sender === 'gemeente-0164' || m.receiver === 'gemeente-0164')).toBe(true);
  });

  it('answers bad input with problem+json, logs it, and carries on', async () => {
    const countRefused = async () => (await gateway.log.events({ eventType: 'rejected', limit: 10000 })).length;
    const before = await countRefused();
    const cases: Array<{ run: () => Promise<Response>; status: number; code: string }> = [
      { run: () => fetch(`${baseUrl}/api/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }), status: 401, code: 'missing-credential' },
      { run: () => fetch(`${baseUrl}/api/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer wrong' }, body: '{}' }), status: 401, code: 'unknown-credential' },
      { run: () => fetch(`${baseUrl}/api/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${KEYS.enschede}` }, body: '{"messageType": "toewijzing", ' }), status: 400, code: 'malformed-json' },
      { run: () => fetch(`${baseUrl}/api/v1/messages`, { method: 'POST', headers: { 'content-type': 'text/plain', authorization: `Bearer ${KEYS.enschede}` }, body: 'hallo' }), status: 415, code: 'unsupported-media-type' },
      { run: () => fetch(`${baseUrl}/api/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${KEYS.enschede}` }, body: JSON.stringify({ ...toewijzing(nextId()), messageType: 'onbekend-bericht' }) }), status: 422, code: 'unknown-message-type' },
      { run: () => fetch(`${baseUrl}/api/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${KEYS.enschede}` }, body: JSON.stringify(toewijzing(nextId(), { receiver: 'aanbieder-99999999' })) }), status: 422, code: 'unknown-receiver' },
      { run: () => fetch(`${baseUrl}/api/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${KEYS.enschede}` }, body: JSON.stringify(toewijzing(nextId(), { bsn: '123456789' })) }), status: 422, code: 'validation-failed' },
      { run: () => fetch(`${baseUrl}/api/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${KEYS.enschede}` }, body: JSON.stringify({ ...toewijzing(nextId()), filler: 'x'.repeat(6 * 1024 * 1024) }) }), status: 413, code: 'payload-too-large' },
    ];
    for (const c of cases) {
      const res = await c.run();
      expect({ code: c.code, status: res.status }).toEqual({ code: c.code, status: c.status });
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const body = (await res.json()) as Record<string, unknown>;
      expect(body).toMatchObject({ status: c.status, code: c.code, type: `urn:knooppunt:problem:${c.code}` });
      expect(JSON.stringify(body)).not.toContain('123456789');
    }
    // Each refusal is in the log, the oversized body too.
    await waitFor(async () => (await countRefused()) >= before + cases.length);
    // And the gateway still works.
    const ok = await post(baseUrl, KEYS.enschede, toewijzing(nextId()));
    expect(ok.status).toBe(202);
    const ready = await fetch(`${baseUrl}/health/ready`);
    expect(ready.status).toBe(200);
  });
});
