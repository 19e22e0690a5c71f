/**
 * The attack suite: hostile input on every channel (REST /api/v1, iStandaarden /istandaarden/v1,
 * StUF /stuf/zds/*, SUWI /suwi/v1/Bevraging, the console) against the running gateway on embedded
 * defaults (PGlite, in-process queue), with the example configuration plus a flood party that has a
 * low rate limit and an expired key.
 *
 * Each attack asserts a clear error in the channel's own form, an event in the exchange log
 * (gateway.log.events), and an unharmed process afterwards (/health/live 200 and a normal message
 * still accepted). The summary table (attack, channel, result) is printed at the end.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { parse } from 'yaml';
import type { GatewayConfig } from '../../src/config/types.js';
import type { Gateway } from '../../src/gateway.js';
import { runMapCommand } from '../../src/mapping/index.js';
import { hashApiKey } from '../../src/parties/api-keys.js';
import { verifyLog } from '../../src/log/verify.js';
import { SUWI_BEVRAGING_ACTION } from '../../src/standards/suwi/xml.js';
import { projectRoot } from '../../src/util/paths.js';
import { BRON_BSN, FakeBron } from '../helpers/bron.js';
import { startGateway, testEnv, toewijzing, writeConfig } from '../helpers/gateway.js';
import { CONFIG, DEMO, fixture, postXml, setText } from '../helpers/istandaarden.js';
import { waitFor } from '../helpers/webhook.js';
import { soapEnvelopeOf, stufFixture, stuurgegevens } from '../helpers/stuf.js';

const FLOOD_KEY = 'test-attack-flood-backoffice';
const EXPIRED_KEY = 'test-attack-expired-enschede';
const FLOOD_LIMIT = 5;
const MAX_BODY = 1024 * 1024;
const ZAKEN_BO = 'demo-zaken-bo-enschede';
const JEUGD_BO = 'demo-jeugd-bo-enschede';
const INJECTIONS = ["' OR 1=1 --", '"; DROP TABLE messages; --', '{"$gt":""}', '../../etc/passwd', '<script>alert(1)</script>'];
const STUF_ACTION = 'http://www.egem.nl/StUF/sector/zkn/0310/creeerZaak_Lk01';

interface Row {
  attack: string;
  channel: string;
  result: string;
}
const table: Row[] = [];
const record = (attack: string, channel: string, result: string) => table.push({ attack, channel, result });

function attackConfig(bronUrl: string): GatewayConfig {
  const config = parse(readFileSync(CONFIG, 'utf8')) as GatewayConfig;
  const enschede = config.parties.find((p) => p.id === 'gemeente-0153')!;
  enschede.credentials.apiKeys.push({ id: 'oud', sha256: hashApiKey(EXPIRED_KEY), expires: '2020-01-01' });
  config.parties.push({
    id: 'flood-bo', kind: 'backoffice', name: 'Flooding back office (test)', credentials: { apiKeys: [{ id: 'k1', sha256: hashApiKey(FLOOD_KEY) }] },
    maySend: ['toewijzing'], rateLimitPerMinute: FLOOD_LIMIT,
  });
  for (const b of config.bronnen ?? []) b.url = bronUrl;
  // The example names its contract register next to itself; the copy is written elsewhere.
  const contracten = (config as GatewayConfig & { contracten?: { register?: string } }).contracten;
  if (contracten?.register) contracten.register = resolve(dirname(CONFIG), contracten.register);
  return config;
}

let gateway: Gateway;
let baseUrl: string;
let port: number;
const bron = new FakeBron(100);

beforeAll(async () => {
  const url = await bron.start();
  ({ gateway, baseUrl } = await startGateway(
    await testEnv('pglite', 'in-process', writeConfig(attackConfig(url)), {
      KNOOPPUNT_MAX_BODY_BYTES: String(MAX_BODY),
      KNOOPPUNT_ISTANDAARDEN_MAX_BYTES: String(MAX_BODY),
    }),
  ));
  port = Number(new URL(baseUrl).port);
});

afterAll(async () => {
  await gateway?.close();
  await bron.stop();
  const width = (k: keyof Row) => Math.max(k.length, ...table.map((r) => r[k].length));
  const line = (r: Row) => `| ${r.attack.padEnd(width('attack'))} | ${r.channel.padEnd(width('channel'))} | ${r.result.padEnd(width('result'))} |`;
  const sep = `|${'-'.repeat(width('attack') + 2)}|${'-'.repeat(width('channel') + 2)}|${'-'.repeat(width('result') + 2)}|`;
  process.stdout.write(`\nAttack suite summary (${table.length} attacks)\n${[line({ attack: 'attack', channel: 'channel', result: 'result' }), sep, ...table.map(line)].join('\n')}\n`);
});

// ---------------------------------------------------------------------------------------------
// Helpers

async function seqNow(): Promise<number> {
  const r = await gateway.db.query<{ s: number | string | null }>('SELECT max(seq) AS s FROM exchange_events');
  return Number(r.rows[0]?.s ?? 0);
}

/** Waits for a rejected event after `seq` (refusals are sometimes logged without being awaited). */
async function loggedSince(seq: number, channel: string, reason?: string | RegExp): Promise<Record<string, unknown>> {
  return waitFor(async () => {
    const events = await gateway.log.events({ afterSeq: seq, eventType: 'rejected', limit: 1000 });
    const hit = events.find((e) => e.channel === channel && (reason === undefined || (typeof reason === 'string' ? e.detail.reason === reason : reason.test(String(e.detail.reason ?? e.detail.code)))));
    return hit ? { ...hit.detail } : undefined;
  }, 5000);
}

let normal = 0;
/** The process is unharmed: live, and a normal message is still accepted. */
async function unharmed(): Promise<void> {
  expect((await fetch(`${baseUrl}/health/live`)).status).toBe(200);
  const res = await rest('POST', '/api/v1/messages', DEMO.enschede, JSON.stringify(toewijzing(`ATTACK-NORMAL-${Date.now()}-${++normal}`)));
  expect(res.status).toBe(202);
}

async function rest(method: string, path: string, key: string | undefined, body?: string | Uint8Array, contentType = 'application/json') {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': contentType } : {}), ...(key ? { authorization: `Bearer ${key}` } : {}) },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : new Uint8Array(body) } : {}),
  });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON
  }
  return { status: res.status, text, json, type: res.headers.get('content-type') ?? '', headers: res.headers };
}

async function soapPost(path: string, key: string | undefined, body: string | Uint8Array, opts: { action?: string; contentType?: string } = {}) {
  const res = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: {
      'content-type': opts.contentType ?? 'text/xml; charset=utf-8',
      soapaction: `"${opts.action ?? STUF_ACTION}"`,
      ...(key ? { authorization: `Bearer ${key}` } : {}),
    },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

const faultcode = (text: string) => /<faultcode>soapenv:(\w+)<\/faultcode>/.exec(text)?.[1];
const foutcode = (text: string) => /<Foutcode>(IB\d{3})<\/Foutcode>/.exec(text)?.[1];

/** A raw HTTP request (path exactly as given, no client-side normalisation). */
function rawGet(path: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A request with a header far over Node's 16 KB limit, on a raw socket; returns the status line. */
function hugeHeader(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString('latin1')));
    socket.on('close', () => resolve(answer.split('\r\n')[0] ?? ''));
    socket.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' || e.code === 'EPIPE' ? resolve(answer.split('\r\n')[0] ?? '') : reject(e)));
    socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${DEMO.enschede}\r\nX-Big: ${'a'.repeat(100 * 1024)}\r\n\r\n`);
  });
}

function creeerZaak(zender: [string, string] = ['0153', 'JeugdBO']): string {
  return soapEnvelopeOf(stuurgegevens(stufFixture('creeerZaak_ZakLk01.xml'), { zender, ontvanger: ['0153', 'knooppunt'] }));
}

function bevragingVraag(doel = 'BIJSTAND', bsn: string = BRON_BSN.gevonden): string {
  return soapEnvelopeOf(
    `<suwi:BevragingVraag xmlns:suwi="urn:knooppunt:suwi:1"><suwi:Dienst>inkomen</suwi:Dienst><suwi:Burgerservicenr>${bsn}</suwi:Burgerservicenr><suwi:Doelbinding><suwi:Doel>${doel}</suwi:Doel></suwi:Doelbinding></suwi:BevragingVraag>`,
  );
}

const XXE = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><x>&xxe;</x>';
const DTD_ONLY = '<?xml version="1.0"?><!DOCTYPE x SYSTEM "http://127.0.0.1:1/evil.dtd"><x/>';
const LAUGHS =
  '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">' +
  '<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><lolz>&lol3;</lolz>';
const deep = (n: number) => `${'<a>'.repeat(n)}x${'</a>'.repeat(n)}`;
/** A SOAP envelope around an XML attack: the entity/DTD sits in front of the envelope. */
const soapAround = (prolog: string, inner: string) => `<?xml version="1.0"?>${prolog}<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>${inner}</soapenv:Body></soapenv:Envelope>`;
const INVALID_UTF8 = (xml: string) => Buffer.concat([Buffer.from(xml.slice(0, xml.length - 20), 'utf8'), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), Buffer.from(xml.slice(xml.length - 20), 'utf8')]);

// ---------------------------------------------------------------------------------------------

describe('XML attacks: external entities, DTDs, billion laughs, deep nesting', () => {
  const xmlCases: Array<{ name: string; ib: string | Buffer; soap: string | Buffer; reason: RegExp }> = [
    { name: 'XXE (external entity)', ib: XXE, soap: soapAround('<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', '<x>&xxe;</x>'), reason: /doctype/ },
    { name: 'external DTD', ib: DTD_ONLY, soap: soapAround('<!DOCTYPE soapenv:Envelope SYSTEM "http://127.0.0.1:1/evil.dtd">', '<x/>'), reason: /doctype/ },
    { name: 'billion laughs', ib: LAUGHS, soap: soapAround(LAUGHS.slice(LAUGHS.indexOf('<!DOCTYPE'), LAUGHS.indexOf('<lolz>')), '<lolz>&lol3;</lolz>'), reason: /doctype/ },
    { name: 'deep nesting (4 000-10 000 levels)', ib: deep(10_000), soap: soapAround('', deep(4_000)), reason: /too-deep|too-many-nodes/ },
    { name: 'invalid UTF-8', ib: INVALID_UTF8(fixture('iwmo', 'wmo305.xml')), soap: INVALID_UTF8(creeerZaak()), reason: /not-xml|not-well-formed|xml-/ },
  ];

  for (const c of xmlCases) {
    it(`${c.name}: refused on iStandaarden, StUF and SUWI; REST refuses XML`, async () => {
      let seq = await seqNow();
      const ib = await postXml(baseUrl, DEMO.aanbiederA, c.ib);
      expect(ib.status).toBe(400);
      expect(foutcode(ib.text)).toBe('IB001');
      expect(ib.text).not.toContain('root:');
      await loggedSince(seq, 'istandaarden', c.reason);
      record(c.name, 'iStandaarden', `${ib.status} foutbericht ${foutcode(ib.text)}, logged`);

      for (const [channel, path, key, action] of [
        ['StUF', '/stuf/zds/OntvangAsynchroon', JEUGD_BO, STUF_ACTION],
        ['SUWI', '/suwi/v1/Bevraging', DEMO.enschede, SUWI_BEVRAGING_ACTION],
      ] as const) {
        seq = await seqNow();
        const res = await soapPost(path, key, c.soap, { action });
        expect(res.status).toBe(500);
        expect(faultcode(res.text)).toBe('Client');
        expect(res.text).not.toContain('root:');
        await loggedSince(seq, channel.toLowerCase(), c.reason);
        record(c.name, channel, `${res.status} SOAP Fault Client, logged`);
      }

      seq = await seqNow();
      const r = await rest('POST', '/api/v1/messages', DEMO.enschede, c.ib, 'application/xml');
      expect(r.status).toBe(415);
      expect(r.type).toContain('application/problem+json');
      await loggedSince(seq, 'rest', 'unsupported-media-type');
      record(c.name, 'REST', `${r.status} problem+json unsupported-media-type, logged`);
      await unharmed();
    });
  }

  it('deep nesting in JSON: refused or accepted as data, never a crash', async () => {
    const seq = await seqNow();
    const nested = `{"messageType":"toewijzing","messageId":"DEEP-${Date.now()}","receiver":"aanbieder-12345678","payload":{"x":${'['.repeat(50_000)}${']'.repeat(50_000)}}}`;
    const r = await rest('POST', '/api/v1/messages', DEMO.enschede, nested);
    expect(r.status).toBe(422);
    expect(r.type).toContain('application/problem+json');
    await waitFor(async () => ((await gateway.log.events({ afterSeq: seq, eventType: 'rejected' })).length > 0 ? true : undefined));
    record('deep nesting (50 000 JSON arrays)', 'REST', `${r.status} problem+json ${String(r.json.code)}, logged`);
    await unharmed();
  });
});

describe('oversized bodies and headers, wrong content type', () => {
  it('oversized bodies: 413 (REST, iStandaarden) or a SOAP Fault (StUF, SUWI), logged', async () => {
    const big = Buffer.alloc(MAX_BODY + 1024, 0x20);
    let seq = await seqNow();
    const r = await rest('POST', '/api/v1/messages', DEMO.enschede, big);
    expect(r.status).toBe(413);
    expect(r.json.code).toBe('payload-too-large');
    await loggedSince(seq, 'rest', 'payload-too-large');
    record('oversized body (1 MB + 1 KB)', 'REST', '413 problem+json payload-too-large, logged');

    seq = await seqNow();
    const ib = await postXml(baseUrl, DEMO.aanbiederA, big);
    expect(ib.status).toBe(413);
    expect(foutcode(ib.text)).toBe('IB007');
    await loggedSince(seq, 'istandaarden', 'payload-too-large');
    record('oversized body (1 MB + 1 KB)', 'iStandaarden', '413 foutbericht IB007, logged');

    for (const [channel, path, key, action, size] of [
      ['StUF', '/stuf/zds/OntvangAsynchroon', JEUGD_BO, STUF_ACTION, MAX_BODY + 1024],
      ['SUWI', '/suwi/v1/Bevraging', DEMO.enschede, SUWI_BEVRAGING_ACTION, 200 * 1024],
    ] as const) {
      seq = await seqNow();
      const res = await soapPost(path, key, Buffer.alloc(size, 0x20), { action });
      expect(res.status).toBe(500);
      expect(faultcode(res.text)).toBe('Client');
      await loggedSince(seq, channel.toLowerCase(), 'payload-too-large');
      record(`oversized body (${Math.round(size / 1024)} KB)`, channel, '500 SOAP Fault Client, logged');
    }
    await unharmed();
  });

  it('a 100 KB header is answered 431 by Node on every channel, logged, and the process lives on', async () => {
    for (const [channel, path] of [['REST', '/api/v1/messages'], ['iStandaarden', '/istandaarden/v1/mailbox'], ['StUF', '/stuf/zds/OntvangAsynchroon'], ['SUWI', '/suwi/v1/Bevraging'], ['console', '/console/api/exchanges']] as const) {
      const seq = await seqNow();
      const status = await hugeHeader(path);
      expect(status).toMatch(/^HTTP\/1\.1 431/);
      await loggedSince(seq, 'http', 'request-header-too-large');
      record('oversized header (100 KB)', channel, '431 from Node, logged (throttled)');
    }
    await unharmed();
  });

  it('wrong content type is refused in each channel form', async () => {
    let seq = await seqNow();
    const r = await rest('POST', '/api/v1/messages', DEMO.enschede, JSON.stringify(toewijzing('CT-1')), 'text/plain');
    expect(r.status).toBe(415);
    await loggedSince(seq, 'rest', 'unsupported-media-type');
    record('wrong content type (text/plain)', 'REST', '415 problem+json, logged');

    seq = await seqNow();
    const ib = await postXml(baseUrl, DEMO.aanbiederA, fixture('iwmo', 'wmo305.xml'), 'application/json');
    expect(ib.status).toBe(400);
    expect(foutcode(ib.text)).toBe('IB001');
    await loggedSince(seq, 'istandaarden', 'unsupported-media-type');
    record('wrong content type (application/json)', 'iStandaarden', '400 foutbericht IB001, logged');

    // StUF serves SOAP 1.2 too (application/soap+xml), so its wrong content type is another one.
    for (const [channel, path, key, body, action, contentType] of [
      ['StUF', '/stuf/zds/OntvangAsynchroon', JEUGD_BO, creeerZaak(), STUF_ACTION, 'text/plain'],
      ['SUWI', '/suwi/v1/Bevraging', DEMO.enschede, bevragingVraag(), SUWI_BEVRAGING_ACTION, 'application/soap+xml'],
    ] as const) {
      seq = await seqNow();
      const res = await soapPost(path, key, body, { action, contentType });
      expect(res.status).toBe(500);
      expect(faultcode(res.text)).toBe('Client');
      await loggedSince(seq, channel.toLowerCase(), 'unsupported-media-type');
      record(`wrong content type (${contentType})`, channel, '500 SOAP Fault Client, logged');
    }
    // A SOAP 1.1 envelope announced as SOAP 1.2: a SOAP 1.2 VersionMismatch Fault.
    seq = await seqNow();
    const mismatch = await soapPost('/stuf/zds/OntvangAsynchroon', JEUGD_BO, creeerZaak(), { action: STUF_ACTION, contentType: 'application/soap+xml' });
    expect(mismatch.status).toBe(500);
    expect(mismatch.text).toContain('env:VersionMismatch');
    await loggedSince(seq, 'stuf', 'soap-version-mismatch');
    record('SOAP 1.1 envelope as application/soap+xml', 'StUF', '500 SOAP 1.2 Fault VersionMismatch, logged');

    seq = await seqNow();
    const utf = await rest('POST', '/api/v1/messages', DEMO.enschede, Buffer.concat([Buffer.from('{"messageType":"toewijzing","messageId":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]));
    expect(utf.status).toBe(400);
    expect(utf.json.code).toBe('malformed-json');
    await loggedSince(seq, 'rest', 'malformed-json');
    record('invalid UTF-8 (JSON body)', 'REST', '400 problem+json malformed-json, logged');
    await unharmed();
  });
});

describe('injection strings are data, never code', () => {
  async function counts() {
    const m = await gateway.db.query<{ n: number }>('SELECT count(*)::int AS n FROM messages');
    const e = await gateway.db.query<{ n: number }>('SELECT count(*)::int AS n FROM exchange_events');
    return { messages: m.rows[0]!.n, events: e.rows[0]!.n };
  }

  it('in messageId, correlationId and messageType of POST /api/v1/messages', async () => {
    const before = await counts();
    let stored = 0;
    for (const inj of INJECTIONS) {
      for (const field of ['messageId', 'correlationId', 'messageType'] as const) {
        const seq = await seqNow();
        const envelope = { ...toewijzing(`INJ-${randomUUID()}`), [field]: inj };
        const r = await rest('POST', '/api/v1/messages', DEMO.enschede, JSON.stringify(envelope));
        expect(r.status).toBeLessThan(500);
        expect(r.text).not.toMatch(/syntax error|SQLSTATE|stack/i);
        if (r.status === 202) {
          stored++;
          // Stored verbatim as data, found back exactly.
          const row = await gateway.db.query<{ v: string }>(`SELECT ${field === 'messageId' ? 'sender_message_id' : 'correlation_id'} AS v FROM messages WHERE id = $1`, [r.json.id]);
          expect(row.rows[0]?.v).toBe(inj);
        } else {
          expect([400, 422]).toContain(r.status);
          expect(r.type).toContain('application/problem+json');
          await loggedSince(seq, 'rest');
        }
        record(`injection ${JSON.stringify(inj)} in ${field}`, 'REST', r.status === 202 ? '202 stored verbatim as data' : `${r.status} problem+json ${String(r.json.code)}, logged`);
      }
    }
    // Also an object where a string belongs (NoSQL-style operator).
    const seq = await seqNow();
    const obj = await rest('POST', '/api/v1/messages', DEMO.enschede, JSON.stringify({ ...toewijzing('x'), messageId: { $gt: '' } }));
    expect(obj.status).toBe(400);
    await loggedSince(seq, 'rest', 'invalid-envelope');
    record('operator object {"$gt":""} as messageId', 'REST', '400 problem+json invalid-envelope, logged');

    const after = await counts();
    // At most one row per request (the accepted or rejected message itself); the table is intact.
    expect(after.messages - before.messages).toBeLessThanOrEqual(INJECTIONS.length * 3 + 1);
    expect(after.messages - before.messages).toBeGreaterThanOrEqual(stored);
    expect((await verifyLog(gateway.db)).ok).toBe(true);
    await unharmed();
  });

  it('in the query parameters of GET /api/v1/messages and in the console search', async () => {
    const total = async () => Number((await rest('GET', '/api/v1/messages?pageSize=1', DEMO.hengelo)).json.total);
    const hengeloTotal = await total();
    for (const inj of INJECTIONS) {
      for (const param of ['status', 'messageType', 'direction', 'from', 'page']) {
        const seq = await seqNow();
        const r = await rest('GET', `/api/v1/messages?${param}=${encodeURIComponent(inj)}`, DEMO.hengelo);
        expect(r.status).toBeLessThan(500);
        if (r.status === 200) {
          expect(r.json.total).toBe(0);
          expect(r.json.items).toEqual([]);
        } else {
          expect(r.status).toBe(400);
          expect(r.json.code).toBe('invalid-query');
        }
        void seq;
      }
    }
    expect(await total()).toBe(hengeloTotal);
    record('injection strings in status/messageType/direction/from/page', 'REST GET /messages', '200 with 0 rows or 400 invalid-query; own total unchanged');

    // The console search, signed in as beheerder.
    const signIn = await fetch(`${baseUrl}/console/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'demo-beheer', password: 'demo-beheer' }) });
    expect(signIn.status).toBe(200);
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0]!;
    const all = async () => {
      const res = await fetch(`${baseUrl}/console/api/exchanges?pageSize=1`, { headers: { cookie } });
      return Number(((await res.json()) as { total: number }).total);
    };
    const everything = await all();
    for (const inj of INJECTIONS) {
      for (const param of ['messageId', 'correlationId', 'party', 'standard', 'messageType', 'status', 'from', 'bsn']) {
        const res = await fetch(`${baseUrl}/console/api/exchanges?${param}=${encodeURIComponent(inj)}`, { headers: { cookie } });
        const json = (await res.json()) as { total?: number; items?: unknown[]; code?: string };
        expect(res.status).toBeLessThan(500);
        if (res.status === 200) {
          // Only an exact match on the stored value: the injections stored above as correlationId.
          for (const item of json.items ?? []) expect(JSON.stringify(item)).toContain(param === 'correlationId' ? JSON.stringify(inj).slice(1, -1) : '');
          if (param !== 'correlationId') expect(json.total).toBe(0);
          else expect(json.total).toBeLessThanOrEqual(1);
        } else {
          expect(res.status).toBe(400);
        }
      }
    }
    expect(await all()).toBeGreaterThanOrEqual(everything);
    expect((await verifyLog(gateway.db)).ok).toBe(true);
    record('injection strings in every console search field', 'console', '200 exact matches only (0 rows, or the one stored verbatim) or 400; DB and log chain intact');
    await unharmed();
  });

  it('in StUF stuurgegevens and an iStandaarden header', async () => {
    let seq = await seqNow();
    const res = await soapPost('/stuf/zds/OntvangAsynchroon', JEUGD_BO, creeerZaak(["' OR 1=1 --", '<script>x</script>'.replace(/</g, '&lt;')]));
    expect(res.status).toBe(500);
    expect(res.text).toContain('StUF013');
    expect(res.text).not.toContain('OR 1=1');
    await loggedSince(seq, 'stuf');
    record("injection in StUF zender (' OR 1=1 --)", 'StUF', '500 Fault Fo02 StUF013, value not echoed, logged');

    seq = await seqNow();
    const ib = await postXml(baseUrl, DEMO.aanbiederA, setText(fixture('iwmo', 'wmo305.xml'), 'Afzender', '"; DROP TABLE messages; --'));
    expect(ib.status).toBeLessThan(500);
    expect(['IB001', 'IB002']).toContain(foutcode(ib.text));
    await loggedSince(seq, 'istandaarden');
    record('injection in iStandaarden Afzender', 'iStandaarden', `${ib.status} foutbericht ${foutcode(ib.text)}, logged`);
    const n = await gateway.db.query<{ n: number }>('SELECT count(*)::int AS n FROM messages');
    expect(n.rows[0]!.n).toBeGreaterThan(0);
    await unharmed();
  });
});

describe('credentials and identity', () => {
  const channels = [
    { channel: 'REST', name: 'rest', send: (key?: string) => rest('POST', '/api/v1/messages', key, JSON.stringify(toewijzing(`CRED-${randomUUID()}`))) },
    { channel: 'iStandaarden', name: 'istandaarden', send: (key?: string) => postXml(baseUrl, key, fixture('iwmo', 'wmo305.xml')) },
    { channel: 'StUF', name: 'stuf', send: (key?: string) => soapPost('/stuf/zds/OntvangAsynchroon', key, creeerZaak()) },
    { channel: 'SUWI', name: 'suwi', send: (key?: string) => soapPost('/suwi/v1/Bevraging', key, bevragingVraag(), { action: SUWI_BEVRAGING_ACTION }) },
  ];

  for (const [label, key, reason] of [
    ['missing credential', undefined, 'missing-credential'],
    ['expired credential', EXPIRED_KEY, 'expired-credential'],
    ['wrong credential', 'kp_this-key-does-not-exist', 'unknown-credential'],
  ] as const) {
    it(`${label}: refused on every channel`, async () => {
      for (const c of channels) {
        const seq = await seqNow();
        const res = await c.send(key);
        const text = 'text' in res ? res.text : '';
        if (c.channel === 'REST') {
          expect(res.status).toBe(401);
          expect(text).toContain(reason);
        } else if (c.channel === 'iStandaarden') {
          expect(res.status).toBe(401);
          expect(foutcode(text)).toBe('IB002');
        } else {
          expect(res.status).toBe(500);
          expect(faultcode(text)).toBe('Client');
        }
        await loggedSince(seq, c.name, reason);
        record(label, c.channel, c.channel === 'REST' ? `401 problem+json ${reason}, logged` : c.channel === 'iStandaarden' ? '401 foutbericht IB002, logged' : '500 SOAP Fault Client, logged');
      }
      await unharmed();
    });
  }

  it('a party sending as another is refused', async () => {
    let seq = await seqNow();
    const r = await rest('POST', '/api/v1/messages', DEMO.hengelo, JSON.stringify({ ...toewijzing(`AS-${randomUUID()}`), sender: 'gemeente-0153' }));
    expect(r.status).toBe(403);
    expect(r.json.code).toBe('forbidden-sender');
    await loggedSince(seq, 'rest', 'sending-as-another-party');
    record('sending as another party (sender field)', 'REST', '403 problem+json forbidden-sender, logged');

    seq = await seqNow();
    const ib = await postXml(baseUrl, DEMO.aanbiederB, fixture('iwmo', 'wmo305.xml')); // Afzender is provider A's AGB code
    expect(ib.status).toBe(403);
    expect(foutcode(ib.text)).toBe('IB002');
    await loggedSince(seq, 'istandaarden', 'sending-as-another-party');
    record('sending as another party (Afzender)', 'iStandaarden', '403 foutbericht IB002, logged');

    seq = await seqNow();
    const stuf = await soapPost('/stuf/zds/OntvangAsynchroon', ZAKEN_BO, creeerZaak(['0153', 'JeugdBO']));
    expect(stuf.status).toBe(500);
    expect(stuf.text).toContain('StUF013');
    await loggedSince(seq, 'stuf', 'refused');
    record('sending as another party (zender)', 'StUF', '500 Fault Fo02 StUF013, logged');
    record('sending as another party', 'SUWI', 'n/a: the requester is the authenticated party, no sender field');
    await unharmed();
  });

  it("a party cannot read another's messages by guessing ids", async () => {
    const sent = await rest('POST', '/api/v1/messages', DEMO.enschede, JSON.stringify(toewijzing(`OWN-${randomUUID()}`)));
    expect(sent.status).toBe(202);
    const realId = String(sent.json.id);
    let seq = await seqNow();
    for (const id of [randomUUID(), randomUUID(), realId, realId.toUpperCase(), '../../etc/passwd', "' OR 1=1 --"]) {
      const r = await rest('GET', `/api/v1/messages/${encodeURIComponent(id)}`, DEMO.hengelo);
      expect(r.status).toBe(404);
      expect(r.json.code).toBe('message-not-found');
      expect(r.text).not.toContain('gemeente-0153');
    }
    expect((await rest('GET', `/api/v1/messages/${realId}`, DEMO.enschede)).status).toBe(200);
    await loggedSince(seq, 'rest', 'message-not-found');
    record('reading others\' messages (random and real ids)', 'REST', '404 problem+json message-not-found (same as unknown), logged');

    // Provider A's mailbox item, read and acknowledged by provider B.
    const items = await waitFor(async () => {
      const r = await rest('GET', '/api/v1/mailbox', DEMO.aanbiederA);
      const list = r.json.items as Array<{ id: string }>;
      return list.length > 0 ? list : undefined;
    });
    seq = await seqNow();
    const ack = await rest('PUT', `/api/v1/mailbox/${items[0]!.id}/acknowledgement`, DEMO.aanbiederB);
    expect(ack.status).toBe(404);
    const ibGet = await fetch(`${baseUrl}/istandaarden/v1/mailbox/${items[0]!.id}`, { headers: { authorization: `Bearer ${DEMO.aanbiederB}` } });
    expect(ibGet.status).toBe(404);
    expect(foutcode(await ibGet.text())).toBe('IB004');
    await loggedSince(seq, 'rest', 'mailbox-item-not-found');
    await loggedSince(seq, 'istandaarden', 'mailbox-item-not-found');
    record("acknowledging another's mailbox item", 'REST', '404 problem+json, logged');
    record("reading another's mailbox item", 'iStandaarden', '404 foutbericht IB004, logged');
    await unharmed();
  });
});

describe('path traversal', () => {
  it('HTTP paths with .. are 404, never a file, and logged', async () => {
    for (const [channel, path] of [
      ['REST', '/api/v1/../../../../etc/passwd'],
      ['REST', '/api/v1/messages/..%2f..%2f..%2fetc%2fpasswd'],
      ['iStandaarden', '/istandaarden/v1/mailbox/../../../../etc/passwd'],
      ['StUF', '/stuf/zds/../../../etc/passwd'],
      ['console', '/console/../../../etc/passwd'],
      ['console', '/console/%2e%2e/%2e%2e/%2e%2e/etc/passwd'],
      ['console', '/console/..%2f..%2f..%2fpackage.json'],
    ] as const) {
      const seq = await seqNow();
      const r = await rawGet(path, { authorization: `Bearer ${DEMO.enschede}` });
      expect([400, 403, 404]).toContain(r.status);
      expect(r.text).not.toContain('root:');
      expect(r.text).not.toContain('"dependencies"');
      await loggedSince(seq, 'rest', /path-traversal|not-found/);
      record(`path with .. (${path.slice(0, 34)})`, channel, `${r.status}, no file, logged`);
    }
    const xsd = await rawGet('/stuf/zds/OntvangAsynchroon?xsd=../../../../etc/passwd');
    expect(xsd.status).toBe(404);
    expect(xsd.text).not.toContain('root:');
    record('?xsd=../../../../etc/passwd', 'StUF', '404 No such schema (public contract, only named schemas)');
    await unharmed();
  });

  it('the knooppunt map CLI refuses a mapping name or an input path outside the project', async () => {
    class Capture extends Writable {
      text = '';
      override _write(chunk: Buffer, _e: BufferEncoding, done: () => void): void {
        this.text += chunk.toString('utf8');
        done();
      }
    }
    const run = async (...argv: string[]) => {
      const out = new Capture();
      const err = new Capture();
      return { code: await runMapCommand(argv, out, err), out: out.text, err: err.text };
    };
    const input = join(projectRoot(), 'fixtures', 'json', 'toewijzing.json');
    for (const [label, argv] of [
      ['mapping name ../../etc/passwd', ['../../etc/passwd', input]],
      ['mapping file ../../../../etc/passwd.yaml', ['../../../../etc/passwd.yaml', input]],
      ['mapping name with ..', ['..', input]],
      ['input ../../etc/passwd', ['toewijzing-naar-aanbieder', '../../etc/passwd']],
      ['input /etc/passwd', ['toewijzing-naar-aanbieder', '/etc/passwd']],
    ] as const) {
      const r = await run(...argv);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/^knooppunt map: refusing /);
      expect(r.out).toBe('');
      expect(r.err).not.toContain('root:');
      record(`map CLI: ${label}`, 'CLI', `exit 2 "${r.err.split('\n')[0]!.replace(/^knooppunt map: /, '').slice(0, 60)}..."`);
    }
    expect((await run('toewijzing-naar-aanbieder', input)).code).toBe(0);
  });
});

describe('request floods', () => {
  it('one party flooding gets 429 with Retry-After in every channel form, logged once per burst; another party still gets 202', async () => {
    const seq = await seqNow();
    const statuses: number[] = [];
    const burst = await Promise.all(
      Array.from({ length: 40 }, (_, i) => rest('POST', '/api/v1/messages', FLOOD_KEY, JSON.stringify({ ...toewijzing(`FLOOD-${i}-${randomUUID()}`) }))),
    );
    for (const r of burst) statuses.push(r.status);
    const limited = burst.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(40 - FLOOD_LIMIT);
    expect(statuses.filter((s) => s !== 429).length).toBeLessThanOrEqual(FLOOD_LIMIT);
    const one = limited[0]!;
    expect(one.type).toContain('application/problem+json');
    expect(one.json.code).toBe('too-many-requests');
    expect(Number(one.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    record(`flood (40 requests, limit ${FLOOD_LIMIT}/min)`, 'REST', `${limited.length}x 429 problem+json too-many-requests, Retry-After ${one.headers.get('retry-after')}`);

    // Still over the limit: each channel answers in its own form.
    const ib = await postXml(baseUrl, FLOOD_KEY, fixture('iwmo', 'wmo305.xml'));
    expect(ib.status).toBe(429);
    expect(foutcode(ib.text)).toBe('IB002');
    expect(ib.text).toMatch(/Te veel verzoeken/);
    expect(ib.headers.get('retry-after')).toMatch(/^\d+$/);
    record('flood, same party', 'iStandaarden', '429 foutbericht IB002 "Te veel verzoeken", Retry-After');
    const stuf = await soapPost('/stuf/zds/OntvangAsynchroon', FLOOD_KEY, creeerZaak());
    expect(stuf.status).toBe(429);
    expect(faultcode(stuf.text)).toBe('Server');
    expect(stuf.text).toContain('StUF058');
    expect(stuf.headers.get('retry-after')).toMatch(/^\d+$/);
    record('flood, same party', 'StUF', '429 SOAP Fault Server, Fo02 StUF058, Retry-After');
    const suwi = await soapPost('/suwi/v1/Bevraging', FLOOD_KEY, bevragingVraag(), { action: SUWI_BEVRAGING_ACTION });
    expect(suwi.status).toBe(429);
    expect(faultcode(suwi.text)).toBe('Server');
    expect(suwi.headers.get('retry-after')).toMatch(/^\d+$/);
    record('flood, same party', 'SUWI', '429 SOAP Fault Server, Retry-After');

    // Logged once for the whole burst, not once per refused request.
    await loggedSince(seq, 'rest', 'rate-limited');
    await new Promise((r) => setTimeout(r, 200));
    const events = (await gateway.log.events({ afterSeq: seq, eventType: 'rejected', limit: 1000 })).filter((e) => e.detail.reason === 'rate-limited');
    expect(events).toHaveLength(1);
    expect(events[0]!.sender).toBe('flood-bo');
    const metrics = await (await fetch(`${baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/knooppunt_rate_limited_total\{channel="rest",party="flood-bo"\} \d+/);
    record('flood logging', 'all', `1 exchange-log event for ${limited.length + 3} refusals; metric knooppunt_rate_limited_total`);

    // Other parties are unaffected, on every channel.
    const other = await rest('POST', '/api/v1/messages', DEMO.enschede, JSON.stringify(toewijzing(`OTHER-${randomUUID()}`)));
    expect(other.status).toBe(202);
    const otherSuwi = await soapPost('/suwi/v1/Bevraging', DEMO.enschede, bevragingVraag(), { action: SUWI_BEVRAGING_ACTION });
    expect(otherSuwi.status).toBe(200);
    record('another party during the flood', 'REST, SUWI', '202 accepted, 200 answered');
    await unharmed();
  });

  it('an unauthenticated flood is refused 401 and logged at a bounded rate', async () => {
    const seq = await seqNow();
    const res = await Promise.all(Array.from({ length: 60 }, () => rest('GET', '/api/v1/messages', 'kp_flood-of-wrong-keys')));
    expect(res.every((r) => r.status === 401)).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    const events = (await gateway.log.events({ afterSeq: seq, eventType: 'rejected', limit: 1000 })).filter((e) => e.detail.reason === 'unknown-credential');
    expect(events.length).toBeGreaterThanOrEqual(1);
    expect(events.length).toBeLessThanOrEqual(20);
    record('unauthenticated flood (60 wrong keys)', 'REST', `60x 401; ${events.length} log events (throttled)`);
    await unharmed();
  });
});
