/**
 * The console's session cookie is Secure whenever the console is served over TLS or behind a
 * configured trusted proxy (KNOOPPUNT_TRUSTED_PROXIES) that says X-Forwarded-Proto: https. The same
 * header from an address that is not configured does not count: before, any client could send it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Agent, fetch as undiciFetch } from 'undici';
import { startGateway, testEnv } from '../helpers/gateway.js';
import { CONFIG } from '../helpers/istandaarden.js';
import { DEMO_USERS } from '../helpers/console.js';
import { createTestPki, type TestPki } from '../helpers/pki.js';
import type { Gateway } from '../../src/gateway.js';

async function signInCookie(base: string, headers: Record<string, string> = {}, dispatcher?: Agent): Promise<string> {
  const res = await undiciFetch(`${base}/console/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ user: DEMO_USERS.beheer, password: DEMO_USERS.beheer }),
    ...(dispatcher ? { dispatcher } : {}),
  });
  expect(res.status).toBe(200);
  return res.headers.get('set-cookie') ?? '';
}
const secure = (cookie: string) => /;\s*Secure(;|$)/i.test(cookie);
const HTTPS = { 'x-forwarded-proto': 'https' };

describe('Secure session cookie', () => {
  const started: Gateway[] = [];
  let pki: TestPki;
  beforeAll(async () => {
    pki = await createTestPki();
  });
  afterAll(async () => {
    for (const g of started) await g.close();
  });
  const start = async (extra: Record<string, string>) => {
    const { gateway, baseUrl } = await startGateway(await testEnv('pglite', 'in-process', CONFIG, extra));
    started.push(gateway);
    return baseUrl;
  };

  it('without configured proxies, X-Forwarded-Proto from a client does not make it Secure', async () => {
    const base = await start({});
    expect(secure(await signInCookie(base))).toBe(false);
    expect(secure(await signInCookie(base, HTTPS))).toBe(false);
  }, 120_000);

  it('behind a configured trusted proxy that forwarded https, it is Secure', async () => {
    const base = await start({ KNOOPPUNT_TRUSTED_PROXIES: '127.0.0.1' });
    expect(secure(await signInCookie(base, HTTPS))).toBe(true);
    expect(secure(await signInCookie(base, { 'x-forwarded-proto': 'http' }))).toBe(false);
    expect(secure(await signInCookie(base))).toBe(false);
  }, 120_000);

  it('over its own TLS it is Secure', async () => {
    const base = await start({ KNOOPPUNT_TLS_CERT: pki.server.certFile, KNOOPPUNT_TLS_KEY: pki.server.keyFile });
    const agent = new Agent({ connect: { ca: pki.caPem } });
    try {
      expect(secure(await signInCookie(base.replace('http://', 'https://'), {}, agent))).toBe(true);
    } finally {
      await agent.close();
    }
  }, 120_000);

  it('a forwarded https from an address that is not the configured proxy does not count', async () => {
    const plain = await start({ KNOOPPUNT_TRUSTED_PROXIES: '10.9.8.7' });
    expect(secure(await signInCookie(plain, HTTPS))).toBe(false);
  }, 120_000);
});
