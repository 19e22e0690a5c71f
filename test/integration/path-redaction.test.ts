/**
 * A key or a BSN that a client puts into a URL path never reaches the logs (process log or exchange
 * log); and X-Api-Key is not a credential (one header: Authorization).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import { createGateway, type Gateway } from '../../src/gateway.js';
import { createLogger } from '../../src/ops/logger.js';
import { safePath } from '../../src/ops/redact.js';
import { KEYS, testConfig, testEnv, writeConfig } from '../helpers/gateway.js';

const BSN = '999993653';

describe('paths in logs', () => {
  const lines: string[] = [];
  let gateway: Gateway;
  let baseUrl: string;
  beforeAll(async () => {
    const env = await testEnv('pglite', 'in-process', writeConfig(testConfig('http://127.0.0.1:9')), { LOG_LEVEL: 'debug' });
    const sink = new Writable({ write(c: Buffer, _e, cb) { lines.push(c.toString()); cb(); } });
    gateway = await createGateway(env, { logger: createLogger('debug', sink) });
    baseUrl = `http://127.0.0.1:${(await gateway.listen()).port}`;
  }, 120_000);
  afterAll(async () => {
    await gateway.close();
  });

  it('safePath keeps message ids and replaces BSN-like digit runs and long tokens', () => {
    expect(safePath(`/api/v1/messages/${BSN}`)).toBe('/api/v1/messages/:bsn');
    expect(safePath('/x/9999-93-653/y')).toBe('/x/:bsn/y');
    expect(safePath(`/api/v1/${KEYS.enschede}/messages`)).toBe('/api/v1/:redacted/messages');
    expect(safePath('/api/v1/messages/0b8f6f5e-1c2d-4e3f-9a0b-1c2d3e4f5a6b')).toBe('/api/v1/messages/0b8f6f5e-1c2d-4e3f-9a0b-1c2d3e4f5a6b');
  });

  it('an unauthenticated request with a key and a BSN in its path is logged without them', async () => {
    for (const path of [`/api/v1/messages/${BSN}`, `/api/v1/${KEYS.enschede}/messages`, `/api/v1/mailbox/${BSN}/x`]) {
      const res = await fetch(`${baseUrl}${path}`);
      expect(res.status).toBe(401);
      await res.arrayBuffer();
    }
    // Authenticated, the BSN in the path of a 404 too.
    const res = await fetch(`${baseUrl}/api/v1/messages/${BSN}`, { headers: { authorization: `Bearer ${KEYS.enschede}` } });
    await res.arrayBuffer();
    await new Promise((r) => setTimeout(r, 200));
    const events = JSON.stringify(await gateway.log.events({ limit: 10_000 }));
    const processLog = lines.join('');
    for (const secret of [BSN, KEYS.enschede]) {
      expect(events).not.toContain(secret);
      expect(processLog).not.toContain(secret);
    }
    expect(events).toContain(':bsn');
  });

  it('X-Api-Key is not read: only Authorization carries a credential', async () => {
    const res = await fetch(`${baseUrl}/api/v1/messages`, { headers: { 'x-api-key': KEYS.enschede } });
    expect(res.status).toBe(401);
    const ok = await fetch(`${baseUrl}/api/v1/messages`, { headers: { authorization: `Bearer ${KEYS.enschede}` } });
    expect(ok.status).toBe(200);
  });
});
