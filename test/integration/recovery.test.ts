import { afterAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { KEYS, post, testConfig, testEnv, toewijzing, writeConfig, type QueueKind, type StoreKind } from '../helpers/gateway.js';
import { ChildGateway } from '../helpers/child-gateway.js';
import { deleteRedisPrefix, TEST_REDIS_URL } from '../helpers/stores.js';
import { TestWebhook, waitFor } from '../helpers/webhook.js';

const CASES: Array<{ store: StoreKind; queue: QueueKind; flushRedis: boolean }> = [
  { store: 'pglite', queue: 'in-process', flushRedis: false },
  { store: 'postgres', queue: 'in-process', flushRedis: false },
  { store: 'postgres', queue: 'bullmq', flushRedis: true },
];

/**
 * Nothing acknowledged is lost: a gateway process is SIGKILLed while deliveries are in flight,
 * (for BullMQ) its Redis keys are deleted while it is down, and after a restart every acknowledged message
 * reaches the destination.
 */
describe.each(CASES)('recovery on $store + $queue (Redis keys deleted: $flushRedis)', ({ store, queue, flushRedis }) => {
  const webhook = new TestWebhook();
  let gw: ChildGateway | undefined;

  afterAll(async () => {
    await gw?.kill();
    await webhook.stop();
  });

  it('delivers every acknowledged message after SIGKILL mid-delivery and a restart', async () => {
    const url = await webhook.start();
    // Slow destination: requests hang for a while, so the kill lands mid-delivery.
    webhook.respond = () => ({ status: 200, delayMs: 1500 });
    const env = await testEnv(store, queue, writeConfig(testConfig(url, { timeoutMs: 2000, maxAttempts: 20 })));
    gw = new ChildGateway(ChildGateway.envFrom(env, { KNOOPPUNT_DELIVERY_CONCURRENCY: '2' }));
    const base = await gw.start();

    const acknowledged: string[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await post(base, KEYS.enschede, toewijzing(`crash-${store}-${queue}-${Date.now()}-${i}`, { bsn: i % 2 ? '999993653' : '999990627', receiver: 'aanbieder-12345678' }));
      expect(res.status).toBe(202);
      acknowledged.push(res.json.id as string);
    }
    await waitFor(() => webhook.requests.length >= 1);
    expect(await gw.kill('SIGKILL')).toBeNull();
    const deliveredBeforeKill = new Set(webhook.accepted().map((r) => r.headers['x-knooppunt-message-id']));
    expect(deliveredBeforeKill.size).toBeLessThan(acknowledged.length);

    if (flushRedis) {
      // Only this gateway's queue keys: the Redis is shared. A key of someone else survives.
      const redis = new Redis(TEST_REDIS_URL);
      const other = `kp-other-${env.queuePrefix}`;
      await redis.set(other, 'kept', 'EX', 60);
      expect(await deleteRedisPrefix(env.queuePrefix)).toBeGreaterThan(0);
      expect(await redis.get(other)).toBe('kept');
      await redis.del(other);
      redis.disconnect();
    }

    webhook.respond = () => ({ status: 200 });
    await gw.start();
    const seen = () => new Set(webhook.accepted().map((r) => r.headers['x-knooppunt-message-id'] as string));
    await waitFor(() => acknowledged.every((id) => seen().has(id)), 60000, 200);
    expect(acknowledged.filter((id) => !seen().has(id))).toEqual([]);
    // Graceful shutdown: stops accepting, finishes in-flight work, exits 0.
    expect(await gw.kill('SIGTERM')).toBe(0);
  });
});
