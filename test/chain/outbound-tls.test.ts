/** Outbound deliveries present the client certificate configured for their destination (mutual TLS toward a provider or the GGk). */
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { sendWebhook } from '../../src/delivery/transports/webhook.js';
import { createTestPki, type IssuedCertificate, type TestPki } from '../helpers/pki.js';

let pki: TestPki;
let ours: IssuedCertificate;
let server: Server;
let url: string;
const seen: Array<string | undefined> = [];

beforeAll(async () => {
  pki = await createTestPki();
  ours = await pki.issue('knooppunt-client', { oin: '00000001001234567000' });
  server = createServer({ cert: pki.server.certPem, key: pki.server.keyPem, ca: pki.caPem, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    const peer = (req.socket as TLSSocket).getPeerCertificate();
    seen.push(peer?.fingerprint256?.replace(/:/g, ''));
    req.resume();
    req.on('end', () => res.writeHead(204).end());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/in`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const request = { messageId: '00000000-0000-4000-8000-000000000001', deliveryId: 'd1', correlationId: 'c1', messageType: 'toewijzing', sender: 'gemeente-0153', contentType: 'application/json', body: Buffer.from('{}') };

test('with the destination tls block the endpoint sees our certificate; without it the handshake fails', async () => {
  const withCert = await sendWebhook({ id: 'w', type: 'webhook', url, tls: { certFile: ours.certFile, keyFile: ours.keyFile, caFile: pki.caFile } }, request);
  expect(withCert).toMatchObject({ ok: true, statusCode: 204 });
  expect(seen).toEqual([ours.fingerprint]);
  const without = await sendWebhook({ id: 'w2', type: 'webhook', url, tls: undefined }, request);
  expect(without.ok).toBe(false);
  expect(seen).toHaveLength(1);
});
