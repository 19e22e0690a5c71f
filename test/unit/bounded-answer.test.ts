/**
 * A destination that streams a large answer must not be read whole: knooppunt reads a bounded
 * prefix and cuts the connection. Counted: the bytes the destination managed to write (with
 * back-pressure, it writes only what the client reads plus socket buffers), against 64 MB offered.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendWebhook } from '../../src/delivery/transports/webhook.js';

const OFFERED = 64 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 0x61);

describe('destination answers are read only up to a bounded prefix', () => {
  let server: Server;
  let url: string;
  const written: number[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        let sent = 0;
        const done = () => written.push(sent);
        res.on('close', done);
        const pump = () => {
          while (sent < OFFERED) {
            sent += CHUNK.length;
            if (!res.write(CHUNK)) return void res.once('drain', pump);
          }
          res.end();
        };
        pump();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('a webhook streaming 64 MB: the delivery succeeds and only a small part of the answer is ever sent', async () => {
    const outcome = await sendWebhook(
      { id: 'w', type: 'webhook', url, party: 'p', timeoutMs: 60_000 } as never,
      { messageId: 'm', deliveryId: 'd', correlationId: 'c', messageType: 't', sender: 's', contentType: 'application/json', body: Buffer.from('{}') },
    );
    expect(outcome).toMatchObject({ ok: true, statusCode: 200 });
    for (let i = 0; i < 400 && written.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
    if (process.env.KP_SHOW_FIGURES) console.log(`bytes the destination wrote: ${written[0]}`);
    expect(written).toHaveLength(1);
    // Prefix (64 KB) plus what the kernel and the HTTP client buffer; reading it whole would be all 64 MB.
    expect(written[0]!).toBeLessThan(OFFERED / 4);
  });
});
