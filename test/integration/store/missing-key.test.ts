/**
 * An encryption key changed without the old one listed. The start is refused, naming the missing key
 * id; with the old key listed as previous it runs. An item that cannot be decrypted anyway (its key
 * gone, its ciphertext damaged) is reported item by item: the mailbox page is served, the delivery
 * ends as a visible dead letter instead of staying in_flight.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { randomBytes, randomUUID } from 'node:crypto';
import { createGateway, type Gateway } from '../../../src/gateway.js';
import { createLogger } from '../../../src/ops/logger.js';
import { keyRingFrom, parseMasterKey } from '../../../src/log/keys.js';
import { MissingKeyError } from '../../../src/log/key-check.js';
import { DeliveryService } from '../../../src/delivery/delivery-service.js';
import { outbox } from '../../../src/delivery/outbox.js';
import { KEYS, post, startGateway, testConfig, testEnv, toewijzing, writeConfig, type StoreKind } from '../../helpers/gateway.js';
import { waitFor } from '../../helpers/webhook.js';

const B = 'aanbieder-87654321';

function mailboxConfig() {
  const config = testConfig('http://127.0.0.1:9');
  config.parties.find((p) => p.id === B)!.deliverTo = 'mailbox';
  return config;
}

async function mailbox(baseUrl: string) {
  const res = await fetch(`${baseUrl}/api/v1/mailbox`, { headers: { authorization: `Bearer ${KEYS.aanbiederB}` } });
  return { status: res.status, json: (await res.json()) as { items: Array<Record<string, unknown>>; total: number } };
}

describe.each(['pglite', 'postgres'] as StoreKind[])('keys of the stored data on %s', (store) => {
  const open: Gateway[] = [];
  afterAll(async () => {
    for (const g of open) await g.close().catch(() => undefined);
  });

  it('refuses to start without a key the store needs, naming its id; starts with it listed as previous', async () => {
    const oldKey = randomBytes(32).toString('base64');
    const env = await testEnv(store, 'in-process', writeConfig(mailboxConfig()), { KNOOPPUNT_ENCRYPTION_KEY: oldKey });
    const { gateway, baseUrl } = await startGateway(env);
    expect((await post(baseUrl, KEYS.enschede, toewijzing(randomUUID(), { receiver: B }))).status).toBe(202);
    await gateway.close();
    const oldId = keyRingFrom(parseMasterKey(oldKey)).current.id;

    const newKey = randomBytes(32).toString('base64');
    const rotatedWithout = { ...env, encryptionKey: newKey, previousEncryptionKeys: [] };
    let err: unknown;
    try {
      open.push(await createGateway(rotatedWithout, { logger: createLogger('silent') }));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MissingKeyError);
    expect((err as Error).message).toContain(oldId);

    const rotated = await createGateway({ ...env, encryptionKey: newKey, previousEncryptionKeys: [oldKey] }, { logger: createLogger('silent') });
    open.push(rotated);
    await rotated.close();
    open.pop();
  }, 120_000);

  it('one undecryptable item does not break the mailbox page, and its delivery is dead-lettered, not stuck in_flight', async () => {
    const env = await testEnv(store, 'in-process', writeConfig(mailboxConfig()));
    const { gateway, baseUrl } = await startGateway(env);
    open.push(gateway);
    for (let i = 0; i < 3; i++) expect((await post(baseUrl, KEYS.enschede, toewijzing(randomUUID(), { receiver: B }))).status).toBe(202);
    const items = await waitFor(async () => {
      const m = await mailbox(baseUrl);
      return m.json.items.length === 3 ? m.json.items : undefined;
    });
    // The key of one item's payload is gone (as after a rotation without the old key listed).
    const payloadId = (await gateway.db.query<{ payload_id: number }>('SELECT payload_id FROM mailbox WHERE id = $1', [items[1]!.id])).rows[0]!.payload_id;
    await gateway.db.query(`UPDATE payloads SET key_id = 'deadbeef' WHERE id = $1`, [payloadId]);

    const page = await mailbox(baseUrl);
    expect(page.status).toBe(200);
    expect(page.json.items).toHaveLength(3);
    const bad = page.json.items.find((i) => i.id === items[1]!.id)!;
    expect(bad).toMatchObject({ payload: null, unreadable: { reason: 'cannot-decrypt', keyId: 'deadbeef' } });
    expect(page.json.items.filter((i) => i.payload !== null)).toHaveLength(2);

    // A webhook delivery of a payload that cannot be decrypted: one attempt, then a dead letter.
    const messageId = items[0]!.messageId as string;
    const deliveryId = await gateway.db.transaction((tx) =>
      outbox.insert(tx, { messageId, routeId: 'r', destinationId: 'webhook-aanbieder-a', payloadId, maxAttempts: 5, backoffMs: 10, orderingKey: null }),
    );
    const service = new DeliveryService(gateway.db, gateway.log, { get: () => ({ id: 'webhook-aanbieder-a', type: 'webhook', url: 'http://127.0.0.1:9/x', party: 'p', timeoutMs: 500 }) as never }, createLogger('silent'), {}, { leaseMarginMs: 500 });
    const out = await service.attempt(deliveryId);
    expect(out.kind).toBe('dead_letter');
    const row = await outbox.get(gateway.db, deliveryId);
    expect(row).toMatchObject({ status: 'dead_letter' });
    expect(row!.lastError).toMatch(/cannot be decrypted \(unknown-key, key id deadbeef\)/);
  }, 120_000);
});
