/**
 * Mutual TLS and OIN: a test CA stands in for PKIoverheid; the gateway listens on HTTPS and asks for
 * client certificates. Each channel (REST, iStandaarden, StUF, GGk, SUWI) admits a party by its certificate
 * (OIN in the subject serialNumber, or registered fingerprint) and refuses an expired, unknown-CA or
 * revoked certificate with 401 in its own form, logged. With KNOOPPUNT_TLS_REQUIRE_CLIENT_CERT the
 * handshake itself refuses them. A trusted proxy may pass the certificate in a header instead.
 */
import { Agent, fetch as undiciFetch } from 'undici';
import type { Gateway } from '../../src/gateway.js';
import { createTestPki, type IssuedCertificate, type TestPki } from '../helpers/pki.js';
import { KEYS, startGateway, testConfig, testEnv, writeConfig } from '../helpers/gateway.js';

const GEMEENTE_OIN = '00000001001234567000';

let pki: TestPki;
let valid: IssuedCertificate;
let aanbieder: IssuedCertificate;
let expired: IssuedCertificate;
let unknownCa: IssuedCertificate;
let revoked: IssuedCertificate;
let unregistered: IssuedCertificate;

function config(): ReturnType<typeof testConfig> {
  const c = testConfig('http://127.0.0.1:9');
  // Enschede is known by its OIN only (no API key); provider A by key + registered fingerprint.
  c.parties[0] = { ...c.parties[0]!, oin: GEMEENTE_OIN, credentials: { apiKeys: [] } };
  c.parties[2] = { ...c.parties[2]!, credentials: { ...c.parties[2]!.credentials, certFingerprints: [aanbieder.fingerprint] } };
  return c;
}

beforeAll(async () => {
  pki = await createTestPki();
  valid = await pki.issue('gemeente-enschede', { oin: GEMEENTE_OIN });
  aanbieder = await pki.issue('aanbieder-a');
  expired = await pki.issue('gemeente-enschede-oud', { oin: GEMEENTE_OIN, notBefore: new Date(Date.now() - 400 * 86_400_000), notAfter: new Date(Date.now() - 86_400_000) });
  unknownCa = await pki.issue('gemeente-enschede-vals', { oin: GEMEENTE_OIN, ca: 'unknown' });
  revoked = await pki.issue('gemeente-enschede-ingetrokken', { oin: GEMEENTE_OIN });
  unregistered = await pki.issue('iemand-anders', { oin: '00000009999999999000' });
  await pki.revoke(revoked.serialNumber);
});

function client(cert?: IssuedCertificate): Agent {
  return new Agent({ connect: { ca: pki.caPem, ...(cert ? { cert: cert.certPem, key: cert.keyPem } : {}) } });
}

interface Probe {
  channel: string;
  call(base: string, agent: Agent, headers?: Record<string, string>): Promise<{ status: number; body: string }>;
  admitted(r: { status: number; body: string }): boolean;
  refused(r: { status: number; body: string }): boolean;
}

const soap = (path: string): Probe['call'] => async (base, agent, headers = {}) => {
  const res = await undiciFetch(`${base}${path}`, { method: 'POST', dispatcher: agent, headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '"x"', ...headers }, body: '<x/>' });
  return { status: res.status, body: await res.text() };
};
const get = (path: string): Probe['call'] => async (base, agent, headers = {}) => {
  const res = await undiciFetch(`${base}${path}`, { dispatcher: agent, headers });
  return { status: res.status, body: await res.text() };
};

const PROBES: Probe[] = [
  { channel: 'rest', call: get('/api/v1/messages'), admitted: (r) => r.status === 200, refused: (r) => r.status === 401 && r.body.includes('"status":401') },
  { channel: 'istandaarden', call: get('/istandaarden/v1/mailbox'), admitted: (r) => r.status === 200, refused: (r) => r.status === 401 && r.body.includes('IB002') },
  { channel: 'stuf', call: soap('/stuf/zds/OntvangAsynchroon'), admitted: (r) => !r.body.includes('Authentication required'), refused: (r) => r.status === 500 && r.body.includes('Authentication required') },
  { channel: 'ggk', call: soap('/ggk/v1'), admitted: (r) => !r.body.includes('IB002'), refused: (r) => r.status === 500 && r.body.includes('<StUF:code>IB002</StUF:code>') },
  { channel: 'suwi', call: soap('/suwi/v1/Bevraging'), admitted: (r) => !r.body.includes('Authentication required'), refused: (r) => r.status === 500 && r.body.includes('Authentication required') },
];

/** A gateway on its own HTTPS listener with the test CA and CRL; `base` is its https:// address. */
async function startTlsGateway(extra: Record<string, string> = {}): Promise<{ gateway: Gateway; base: string }> {
  const env = await testEnv('pglite', 'in-process', writeConfig(config()), {
    KNOOPPUNT_TLS_CERT: pki.server.certFile,
    KNOOPPUNT_TLS_KEY: pki.server.keyFile,
    KNOOPPUNT_TLS_CLIENT_CA: pki.caFile,
    KNOOPPUNT_TLS_CRL: pki.crlFile,
    ...extra,
  });
  const started = await startGateway(env);
  return { gateway: started.gateway, base: started.baseUrl.replace('http://', 'https://') };
}

describe('HTTPS listener asking for client certificates', () => {
  let gateway: Gateway;
  let base: string;
  beforeAll(async () => {
    ({ gateway, base } = await startTlsGateway());
  });
  afterAll(() => gateway?.close());

  for (const probe of PROBES) {
    test(`${probe.channel}: the OIN certificate admits the gemeente; expired, unknown-CA, revoked and unregistered are refused and logged`, async () => {
      expect(probe.admitted(await probe.call(base, client(valid)))).toBe(true);
      for (const [cert, reason] of [[expired, 'certificate-expired'], [unknownCa, 'certificate-untrusted'], [revoked, 'certificate-revoked'], [unregistered, 'unknown-certificate']] as const) {
        const r = await probe.call(base, client(cert));
        expect({ reason, refused: probe.refused(r) }).toEqual({ reason, refused: true });
        const logged = await gateway.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM exchange_events WHERE event_type = 'rejected' AND channel = $1 AND detail->>'reason' = $2 AND detail->>'certificate' = $3`,
          [probe.channel, reason, cert.fingerprint],
        );
        expect({ reason, logged: logged.rows[0]!.n >= 1 }).toEqual({ reason, logged: true });
      }
      // No certificate and no key: refused as before.
      expect(probe.refused(await probe.call(base, client()))).toBe(true);
    });
  }

  test('a party registered by fingerprint and key needs both: the key with the wrong certificate is refused', async () => {
    const withKey = { authorization: `Bearer ${KEYS.aanbiederA}` };
    expect((await get('/api/v1/messages')(base, client(aanbieder), withKey)).status).toBe(200);
    expect((await get('/api/v1/messages')(base, client(aanbieder))).status).toBe(200);
    expect((await get('/api/v1/messages')(base, client(valid), withKey)).status).toBe(403);
    expect((await get('/api/v1/messages')(base, client(), withKey)).status).toBe(403);
  });

  test('the expiry of a presented certificate shows in the metrics', async () => {
    await get('/api/v1/messages')(base, client(valid));
    const metrics = await (await undiciFetch(`${base}/metrics`, { dispatcher: client() })).text();
    const line = metrics.split('\n').find((l) => l.startsWith('knooppunt_party_certificate_expiry_seconds{party="gemeente-0153"}'));
    expect(line).toBeDefined();
    const seconds = Number(line!.split(' ')[1]);
    expect(seconds).toBeGreaterThan(80 * 86_400);
    expect(seconds).toBeLessThan(91 * 86_400);
    expect(metrics).toMatch(/knooppunt_party_certificate_expiring\{party="gemeente-0153"\} 0/);
  });
});

describe('KNOOPPUNT_TLS_REQUIRE_CLIENT_CERT: refused at the handshake', () => {
  let gateway: Gateway;
  let base: string;
  beforeAll(async () => {
    ({ gateway, base } = await startTlsGateway({ KNOOPPUNT_TLS_REQUIRE_CLIENT_CERT: 'true' }));
  });
  afterAll(() => gateway?.close());

  test('valid passes; expired, unknown-CA, revoked and none never reach a channel, and the refusal is logged', async () => {
    expect((await get('/api/v1/messages')(base, client(valid))).status).toBe(200);
    for (const cert of [expired, unknownCa, revoked, undefined]) {
      await expect(get('/api/v1/messages')(base, client(cert))).rejects.toThrow();
    }
    // The log write is asynchronous to the handshake: wait for it by polling the store, not the clock.
    let n = 0;
    for (let i = 0; i < 100 && n === 0; i++) {
      n = (await gateway.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM exchange_events WHERE channel = 'tls' AND detail->>'reason' = 'tls-handshake-refused'`)).rows[0]!.n;
      if (n === 0) await new Promise((r) => setTimeout(r, 20));
    }
    expect(n).toBeGreaterThan(0);
  });
});

describe('client certificate from a trusted proxy header', () => {
  const header = 'x-ssl-client-cert';
  const start = async (trustedProxies?: string) => {
    const env = await testEnv('pglite', 'in-process', writeConfig(config()), {
      KNOOPPUNT_TLS_CLIENT_CA: pki.caFile,
      KNOOPPUNT_TLS_CRL: pki.crlFile,
      KNOOPPUNT_CLIENT_CERT_HEADER: header,
      ...(trustedProxies ? { KNOOPPUNT_TRUSTED_PROXIES: trustedProxies } : {}),
    });
    return startGateway(env);
  };

  test('from loopback (the default trusted proxy): valid admitted, expired and revoked refused, in every channel', async () => {
    const { gateway, baseUrl } = await start();
    try {
      const plain = new Agent();
      for (const probe of PROBES) {
        expect(probe.admitted(await probe.call(baseUrl, plain, { [header]: encodeURIComponent(valid.certPem) }))).toBe(true);
        expect(probe.refused(await probe.call(baseUrl, plain, { [header]: encodeURIComponent(expired.certPem) }))).toBe(true);
        expect(probe.refused(await probe.call(baseUrl, plain, { [header]: encodeURIComponent(revoked.certPem) }))).toBe(true);
        expect(probe.refused(await probe.call(baseUrl, plain, { [header]: 'not a certificate' }))).toBe(true);
      }
    } finally {
      await gateway.close();
    }
  });

  test('from an address that is not a trusted proxy the header is ignored', async () => {
    const { gateway, baseUrl } = await start('10.9.9.9');
    try {
      const r = await get('/api/v1/messages')(baseUrl, new Agent(), { [header]: encodeURIComponent(valid.certPem) });
      expect(r.status).toBe(401);
      expect(r.body).toContain('missing-credential');
    } finally {
      await gateway.close();
    }
  });
});
