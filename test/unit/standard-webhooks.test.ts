import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendWebhook } from '../../src/delivery/transports/webhook.js';

/** A receiver's check, written from the Standard Webhooks specification (standardwebhooks.com). */
function verifyStandardWebhook(secret: string, headers: IncomingHttpHeaders, body: Buffer): boolean {
  const id = headers['webhook-id'];
  const ts = headers['webhook-timestamp'];
  const sig = headers['webhook-signature'];
  if (typeof id !== 'string' || typeof ts !== 'string' || typeof sig !== 'string') return false;
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(Buffer.concat([Buffer.from(`${id}.${ts}.`), body])).digest('base64');
  return sig.split(' ').some((s) => s === `v1,${expected}`);
}

describe('webhook deliveries carry the Standard Webhooks headers', () => {
  const received: Array<{ headers: IncomingHttpHeaders; body: Buffer }> = [];
  let server: Server;
  let url: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks) });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const request = (deliveryId: string) => ({
    deliveryId, messageId: 'm-1', correlationId: 'c-1', messageType: 'toewijzing', sender: 'gemeente-0153',
    contentType: 'application/json', body: Buffer.from('{"a":1,"b":"é"}'),
  });

  it('signs with a whsec_ secret so that a standard verifier accepts it, and a changed body fails', async () => {
    const secret = `whsec_${randomBytes(24).toString('base64')}`;
    const before = Math.floor(Date.now() / 1000);
    const out = await sendWebhook({ id: 'w', type: 'webhook', url, signingSecretEnv: 'SW_SECRET' }, request('d-1'), { SW_SECRET: secret });
    expect(out.ok).toBe(true);
    const r = received.at(-1)!;
    expect(r.headers['webhook-id']).toBe('d-1');
    expect(Number(r.headers['webhook-timestamp'])).toBeGreaterThanOrEqual(before);
    expect(r.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(verifyStandardWebhook(secret, r.headers, r.body)).toBe(true);
    expect(verifyStandardWebhook(secret, r.headers, Buffer.from('{"a":2,"b":"é"}'))).toBe(false);
    expect(verifyStandardWebhook(`whsec_${randomBytes(24).toString('base64')}`, r.headers, r.body)).toBe(false);
    // The knooppunt signature stays for existing receivers.
    expect(r.headers['x-knooppunt-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
  });

  it('a plain secret is the key as its UTF-8 bytes (whsec_ + base64 of it for the receiver); the id is the same on a retry', async () => {
    const plain = 'gedeeld-geheim-van-aanbieder-a';
    await sendWebhook({ id: 'w', type: 'webhook', url, signingSecretEnv: 'SW_PLAIN' }, request('d-2'), { SW_PLAIN: plain });
    await sendWebhook({ id: 'w', type: 'webhook', url, signingSecretEnv: 'SW_PLAIN' }, request('d-2'), { SW_PLAIN: plain });
    const [a, b] = received.slice(-2);
    expect(a!.headers['webhook-id']).toBe('d-2');
    expect(b!.headers['webhook-id']).toBe('d-2');
    expect(verifyStandardWebhook(`whsec_${Buffer.from(plain).toString('base64')}`, b!.headers, b!.body)).toBe(true);
  });

  it('without a secret: webhook-id and webhook-timestamp, no signature', async () => {
    await sendWebhook({ id: 'w', type: 'webhook', url }, request('d-3'), {});
    const r = received.at(-1)!;
    expect(r.headers['webhook-id']).toBe('d-3');
    expect(r.headers['webhook-timestamp']).toMatch(/^\d+$/);
    expect(r.headers['webhook-signature']).toBeUndefined();
  });
});
