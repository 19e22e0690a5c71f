/**
 * A slow client cannot hold a connection: the server's header, request and keep-alive timeouts are
 * configurable and enforced. The test waits for the server to close slow connections (with a wide
 * safety cap), it does not time them.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect } from 'node:net';
import type { Gateway } from '../../src/gateway.js';
import { startGateway, testConfig, testEnv, writeConfig } from '../helpers/gateway.js';

/** Opens a connection, sends `data`, then nothing more; resolves with what the server sent once it closed the connection. */
function stall(port: number, data: string, capMs = 45_000): Promise<{ closedByServer: boolean; answer: string }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(data));
    let answer = '';
    socket.on('data', (c) => (answer += c.toString()));
    const cap = setTimeout(() => {
      socket.destroy();
      resolve({ closedByServer: false, answer });
    }, capMs);
    socket.on('close', () => {
      clearTimeout(cap);
      resolve({ closedByServer: true, answer });
    });
    socket.on('error', () => undefined);
  });
}

describe('HTTP server timeouts', () => {
  let gateway: Gateway;
  let port: number;

  beforeAll(async () => {
    const env = await testEnv('pglite', 'in-process', writeConfig(testConfig('http://127.0.0.1:9')), {
      KNOOPPUNT_HEADERS_TIMEOUT_MS: '1000',
      KNOOPPUNT_REQUEST_TIMEOUT_MS: '2000',
      KNOOPPUNT_KEEP_ALIVE_TIMEOUT_MS: '700',
    });
    const started = await startGateway(env);
    gateway = started.gateway;
    port = Number(new URL(started.baseUrl).port);
  }, 120_000);
  afterAll(async () => {
    await gateway.close();
  });

  it('takes its timeouts from the configuration', () => {
    const s = gateway.httpServer()!;
    expect([s.headersTimeout, s.requestTimeout, s.keepAliveTimeout]).toEqual([1000, 2000, 700]);
  });

  it('closes a connection whose headers never end', async () => {
    const r = await stall(port, 'GET /health/live HTTP/1.1\r\nHost: x\r\nX-Slow: 1\r\n');
    expect(r.closedByServer).toBe(true);
  }, 60_000);

  it('closes a connection whose body never ends', async () => {
    const r = await stall(port, 'POST /api/v1/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"a":');
    expect(r.closedByServer).toBe(true);
  }, 60_000);

  it('closes an idle keep-alive connection', async () => {
    const r = await stall(port, 'GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(r.answer).toMatch(/^HTTP\/1\.1 200/);
    expect(r.closedByServer).toBe(true);
  }, 60_000);
});
