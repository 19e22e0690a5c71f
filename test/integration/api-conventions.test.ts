import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Gateway } from '../../src/gateway.js';
import { API_VERSION } from '../../src/channels/rest/openapi.js';
import { projectRoot } from '../../src/util/paths.js';
import { KEYS, startGateway, testConfig, testEnv, writeConfig } from '../helpers/gateway.js';

const run = promisify(execFile);
const SHARED = process.env.KNOOPPUNT_SHARED_DIR ?? resolve(projectRoot(), '..', 'shared');
const RULESET = join(SHARED, 'api-design-rules', 'linter.yaml');

/** The NL API Design Rules, as the official Spectral ruleset checks them and as the gateway behaves. */
describe('/api/v1 follows the NL API Design Rules', () => {
  let gateway: Gateway;
  let baseUrl: string;
  let doc: Record<string, any>;

  beforeAll(async () => {
    const env = await testEnv('pglite', 'in-process', writeConfig(testConfig('http://127.0.0.1:9')));
    ({ gateway, baseUrl } = await startGateway(env));
    doc = (await (await fetch(`${baseUrl}/api/v1/openapi.json`)).json()) as Record<string, any>;
  });

  afterAll(async () => {
    await gateway?.close();
  });

  const lint = existsSync(RULESET) ? it : it.skip;
  if (!existsSync(RULESET)) console.warn(`SKIPPED: the Spectral ADR lint needs ${RULESET} (../shared/api-design-rules)`);
  lint('the served OpenAPI document passes the official ADR Spectral ruleset with 0 errors and 0 warnings', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'knooppunt-openapi-'));
    const file = join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(doc));
    const spectral = join(projectRoot(), 'node_modules', '.bin', 'spectral');
    const { stdout } = await run(spectral, ['lint', '--format', 'json', '--quiet', '-r', RULESET, file], { maxBuffer: 64 * 1024 * 1024 }).catch(
      (e: { stdout: string }) => ({ stdout: e.stdout }),
    );
    const results = JSON.parse(stdout || '[]') as Array<{ code: string; severity: number; path: string[]; message: string }>;
    // severity 0 = error, 1 = warning
    expect(results.map((r) => `${r.code} ${r.path.join('.')}: ${r.message}`)).toEqual([]);
  }, 120_000);

  it('declares OpenAPI 3.1 with an operationId per operation and no untyped payload', () => {
    expect(doc.openapi).toBe('3.1.0');
    const ops = Object.values(doc.paths as Record<string, Record<string, { operationId?: string }>>).flatMap((item) =>
      Object.entries(item).filter(([m]) => ['get', 'put', 'post', 'delete', 'patch'].includes(m)).map(([, op]) => op.operationId),
    );
    expect(ops.length).toBeGreaterThan(5);
    expect(ops.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
    expect(new Set(ops).size).toBe(ops.length);
    const body = doc.paths['/messages'].post.requestBody.content['application/json'].schema;
    expect(body.discriminator.propertyName).toBe('messageType');
    expect(body.oneOf.length).toBeGreaterThanOrEqual(3);
    // Every message type's envelope types its payload with that type's own schema.
    for (const [type, target] of Object.entries(body.discriminator.mapping as Record<string, string>)) {
      const message = doc.components.schemas[target.split('/').pop()!];
      expect(message.properties.messageType.const).toBe(type);
      expect(message.properties.payload.$ref).toMatch(/^#\/components\/schemas\/.+Payload$/);
    }
    expect(JSON.stringify(doc)).not.toContain('"payload":{"type":"object"}');
  });

  it('every $ref in the document resolves', () => {
    const refs: string[] = [];
    const walk = (v: unknown) => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) (k === '$ref' && typeof x === 'string' ? refs.push(x) : walk(x));
    };
    walk(doc);
    expect(refs.length).toBeGreaterThan(20);
    for (const ref of refs) {
      expect(ref.startsWith('#/')).toBe(true);
      const target = ref.slice(2).split('/').reduce<any>((o, part) => (o === undefined ? undefined : o[part.replace(/~1/g, '/').replace(/~0/g, '~')]), doc);
      expect([ref, target !== undefined]).toEqual([ref, true]);
    }
  });

  it('sends the API-Version header on answers, errors included', async () => {
    const ok = await fetch(`${baseUrl}/api/v1/mailbox`, { headers: { authorization: `Bearer ${KEYS.aanbiederB}` } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('api-version')).toBe(API_VERSION);
    const unauth = await fetch(`${baseUrl}/api/v1/mailbox`);
    expect(unauth.status).toBe(401);
    expect(unauth.headers.get('api-version')).toBe(API_VERSION);
    expect(doc.info.version).toBe(API_VERSION);
  });

  it('answers a wrong method with 405 and Allow, before and without authentication', async () => {
    for (const [method, path, allow] of [
      ['DELETE', '/api/v1/messages', 'POST, GET'],
      ['PATCH', '/api/v1/mailbox', 'GET'],
      ['GET', '/api/v1/bevragingen', 'POST'],
      ['POST', '/api/v1/messages/2b0c6f43-4d8e-4a39-9c0e-8f7f7e0c1a11', 'GET'],
    ] as const) {
      const res = await fetch(`${baseUrl}${path}`, { method });
      expect([method, path, res.status]).toEqual([method, path, 405]);
      expect(res.headers.get('allow')).toBe(allow);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(((await res.json()) as { code: string }).code).toBe('method-not-allowed');
    }
  });

  it('does not accept a trailing slash: 404 naming the path without it', async () => {
    for (const path of ['/api/v1/messages/', '/api/v1/mailbox/', '/api/v1/bevragingen/']) {
      const res = await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${KEYS.enschede}` } });
      expect([path, res.status]).toEqual([path, 404]);
      const body = (await res.json()) as { code: string; detail: string };
      expect(body.code).toBe('trailing-slash');
      expect(body.detail).toContain(path.slice(0, -1));
    }
  });

  it('the root leads to the console', async () => {
    const res = await fetch(`${baseUrl}/`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/console');
  });

  it('keeps one language per problem object: English here, Dutch for bevragingen', async () => {
    const en = await fetch(`${baseUrl}/api/v1/messages`, { method: 'POST', headers: { authorization: `Bearer ${KEYS.enschede}`, 'content-type': 'text/plain' }, body: 'x' });
    expect(en.status).toBe(415);
    expect(en.headers.get('content-language')).toBe('en');
    expect(await en.json()).toMatchObject({ title: 'Unsupported media type', detail: 'Send the message as application/json' });
    const nl = await fetch(`${baseUrl}/api/v1/bevragingen`, { method: 'POST', headers: { authorization: `Bearer ${KEYS.enschede}`, 'content-type': 'application/json' }, body: '{"dienst":"inkomen","onbekend":1}' });
    expect(nl.status).toBe(400);
    expect(nl.headers.get('content-language')).toBe('nl');
    const body = (await nl.json()) as { title: string; detail: string; invalidParams: Array<{ reason: string }> };
    expect(body.title).toBe('Ongeldig verzoek');
    expect(body.detail).toMatch(/^De bevraging/);
    expect(body.invalidParams.map((p) => p.reason).sort()).toEqual(['is geen bekend veld', 'ontbreekt']);
  });
});

/**
 * The same path policy on the XML/SOAP channels (src/channels/path-policy.ts), each refusing in its
 * own form: a wrong method is 405 with Allow, a trailing slash (or a path the channel lacks) 404,
 * before authentication; the right method on the right path still works.
 */
describe('the XML and SOAP channels refuse a wrong method and a trailing slash in their own form', () => {
  let gateway: Gateway;
  let baseUrl: string;

  beforeAll(async () => {
    const env = await testEnv('pglite', 'in-process', writeConfig(testConfig('http://127.0.0.1:9')));
    ({ gateway, baseUrl } = await startGateway(env));
  });

  afterAll(async () => {
    await gateway?.close();
  });

  const call = async (method: string, path: string) => {
    const res = await fetch(`${baseUrl}${path}`, { method, ...(method === 'POST' || method === 'PUT' ? { headers: { 'content-type': 'text/xml' }, body: '<x/>' } : {}) });
    return { status: res.status, allow: res.headers.get('allow'), type: res.headers.get('content-type') ?? '', text: await res.text() };
  };
  const foutcode = (xml: string) => /<Foutcode>(IB\d{3})<\/Foutcode>/.exec(xml)?.[1];
  const faultcode = (xml: string) => /<faultcode>(?:\w+:)?([^<]*)<\/faultcode>/.exec(xml)?.[1];

  it('iStandaarden: a foutbericht IB004, 405 with Allow or 404', async () => {
    for (const [method, path, status, allow] of [
      ['PUT', '/istandaarden/v1/berichten', 405, 'POST'],
      ['DELETE', '/istandaarden/v1/mailbox', 405, 'GET'],
      ['POST', '/istandaarden/v1/mailbox/2b0c6f43-4d8e-4a39-9c0e-8f7f7e0c1a11/ontvangstbevestiging', 405, 'PUT'],
      ['POST', '/istandaarden/v1/berichten/', 404, null],
      ['GET', '/istandaarden/v1/mailbox/', 404, null],
      ['GET', '/istandaarden/v1/onbekend', 404, null],
    ] as const) {
      const r = await call(method, path);
      expect([method, path, r.status, r.allow]).toEqual([method, path, status, allow]);
      expect(r.type).toMatch(/^application\/xml/);
      expect(foutcode(r.text)).toBe('IB004');
    }
    // The right method still reaches the channel (here: authentication, as a foutbericht IB002).
    const right = await call('POST', '/istandaarden/v1/berichten');
    expect(right.status).toBe(401);
    expect(foutcode(right.text)).toBe('IB002');
  });

  it('StUF and SUWI: a SOAP Fault (StUF with a Fo02 StUF040), 405 with Allow or 404', async () => {
    for (const [method, path, status, allow] of [
      ['PUT', '/stuf/zds/OntvangAsynchroon', 405, 'GET, POST'],
      ['DELETE', '/stuf/zds/BeantwoordVraag', 405, 'GET, POST'],
      ['POST', '/stuf/zds/OntvangAsynchroon/', 404, null],
      ['GET', '/stuf/zds/OntvangAsynchroon/?wsdl', 404, null],
      ['PUT', '/suwi/v1/Bevraging', 405, 'GET, POST'],
      ['POST', '/suwi/v1/Bevraging/', 404, null],
    ] as const) {
      const r = await call(method, path);
      expect([method, path, r.status, r.allow]).toEqual([method, path, status, allow]);
      expect(r.type).toMatch(/^text\/xml/);
      expect(faultcode(r.text)).toBe('Client');
      if (path.startsWith('/stuf')) expect(r.text).toContain('StUF040');
    }
    expect((await call('GET', '/stuf/zds/OntvangAsynchroon?wsdl')).status).toBe(200);
    expect((await call('POST', '/stuf/zds/OntvangAsynchroon')).status).toBe(500); // a Fault: not authenticated
  });

  it('GGk and the demo counterparts: their own form, 405 with Allow or 404', async () => {
    for (const [method, path, status, allow, type] of [
      ['GET', '/ggk/v1', 405, 'POST', /^text\/xml/],
      ['POST', '/ggk/v1/', 404, null, /^text\/xml/],
      ['GET', '/demo/v1/bronnen/inkomen', 405, 'POST', /^application\/problem\+json/],
      ['POST', '/demo/v1/bronnen/inkomen/', 404, null, /^application\/problem\+json/],
      ['GET', '/demo/v1/zaaksysteem/OntvangAsynchroon', 405, 'POST', /^text\/xml/],
      ['POST', '/demo/v1/zaaksysteem/OntvangAsynchroon/', 404, null, /^text\/xml/],
    ] as const) {
      const r = await call(method, path);
      expect([method, path, r.status, r.allow]).toEqual([method, path, status, allow]);
      expect(r.type).toMatch(type);
      if (type.source.includes('xml')) expect(faultcode(r.text)).toBe('Client');
      else expect((JSON.parse(r.text) as { code: string }).code).toBe(status === 405 ? 'method-not-allowed' : 'trailing-slash');
    }
  });
});
