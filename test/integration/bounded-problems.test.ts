/**
 * Unbounded validation errors: a list of tens of thousands of bad items used to become hundreds of
 * thousands of problems, in the answer and in the append-only log (until PostgreSQL refused the
 * event and the answer was a 500). Now every list has a maximum, validation stops counting at a
 * budget, and the answer and the logged event carry the first 100 problems and a count of the rest.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { startGateway, testEnv } from '../helpers/gateway.js';
import { CONFIG, DEMO, jsonFixture } from '../helpers/istandaarden.js';
import type { Gateway } from '../../src/gateway.js';
import { MAX_PROBLEMS, PROBLEMS_CAPPED } from '../../src/core/problem-cap.js';

describe.each(['pglite', 'postgres'] as const)('problems are capped in the answer and the log on %s', (store) => {
  let gateway: Gateway;
  let baseUrl: string;

  beforeAll(async () => {
    ({ gateway, baseUrl } = await startGateway(await testEnv(store, 'in-process', CONFIG)));
  });
  afterAll(async () => {
    await gateway.close();
  });

  async function send(products: unknown[]) {
    const payload = jsonFixture('iwmo', 'toewijzing') as { client: { toegewezenProducten: unknown[] } };
    payload.client.toegewezenProducten = products;
    const messageId = randomUUID();
    const res = await fetch(`${baseUrl}/api/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${DEMO.almelo}` },
      body: JSON.stringify({ messageType: 'iwmo-toewijzing', messageId, receiver: 'aanbieder-12345678', payload }),
    });
    const text = await res.text();
    const body = JSON.parse(text) as { messageId: string; invalidParams: Array<{ name: string; reason: string; code?: string }> };
    const event = (await gateway.log.events({ messageId: body.messageId, limit: 10 })).find((e) => e.eventType === 'rejected');
    return { status: res.status, bytes: text.length, body, event };
  }

  it('60,000 bad products: the answer and the rejected event hold 100 problems and a count', async () => {
    // Each empty product misses every required field: hundreds of thousands of schema errors.
    const huge = await send(Array.from({ length: 60_000 }, () => ({})));
    expect(huge.status).toBe(422);
    expect(huge.body.invalidParams).toHaveLength(MAX_PROBLEMS + 1);
    const last = huge.body.invalidParams[MAX_PROBLEMS]!;
    expect(last.code).toBe(PROBLEMS_CAPPED);
    expect(last.reason).toMatch(/^and more than \d+ further problems, not listed/);
    expect(huge.bytes).toBeLessThan(32 * 1024);

    expect(huge.event).toBeDefined();
    const logged = huge.event!.detail as { problems: unknown[] };
    expect(logged.problems).toHaveLength(MAX_PROBLEMS + 1);
    expect(JSON.stringify(huge.event!.detail).length).toBeLessThan(32 * 1024);

    // A small bad list is reported whole, without the closing count.
    const small = await send([{}]);
    expect(small.status).toBe(422);
    expect(small.body.invalidParams.length).toBeLessThan(MAX_PROBLEMS);
    expect(small.body.invalidParams.some((p) => p.code === PROBLEMS_CAPPED)).toBe(false);
  }, 120_000);
});
