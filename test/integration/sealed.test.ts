import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Writable } from 'node:stream';
import { checkConfig, ConfigError } from '../../src/config/load.js';
import type { GatewayConfig } from '../../src/config/types.js';
import { createGateway, type Gateway } from '../../src/gateway.js';
import { createLogger } from '../../src/ops/logger.js';
import { KEYS, testConfig, testEnv, writeConfig } from '../helpers/gateway.js';
import { BodyReceiver, waitFor } from '../helpers/webhook.js';

/**
 * Sealed-envelope routes: end-to-end encrypted bytes that knooppunt routes on metadata, never opens,
 * logs as metadata and digests only, and delivers byte-identical with their content type.
 */

// Distinctive strings inside the sealed bytes. A ciphertext marker in clear (its framing), and a
// readable "plaintext" part with a BSN: if knooppunt ever logged, parsed or stored these bytes in
// the clear, one of them would show up.
const CIPHER_MARKER = 'KP-SEALED-CIPHERTEXT-MARKER-4e1f9a0c';
const PLAIN_MARKER = 'KP-PLAINTEXT-MARKER-schuldhulp-77c2d1';
const BSN = '999993653';
const CONTENT_TYPE = 'application/pkcs7-mime; smime-type=enveloped-data; name="smime.p7m"';
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** What a sender's own software makes: a framed blob with an AES-256-GCM part under a key knooppunt never has. */
function sealedBlob(): Buffer {
  const key = randomBytes(32);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const inner = Buffer.from(JSON.stringify({ marker: PLAIN_MARKER, client: { bsn: BSN }, schuld: 1234500 }));
  const ct = Buffer.concat([cipher.update(inner), cipher.final()]);
  const readable = Buffer.from(`{"manifest":"${PLAIN_MARKER}","bsn":"${BSN}"}`);
  // Not UTF-8, not JSON: NUL, 0xff, a lone continuation byte, CR LF.
  return Buffer.concat([Buffer.from(`${CIPHER_MARKER}\n`), readable, Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x0d, 0x0a]), iv, ct, cipher.getAuthTag()]);
}

/** A webhook that keeps the exact bytes it receives. */
class ByteWebhook extends BodyReceiver {
  readonly requests: Array<{ headers: IncomingHttpHeaders; body: Buffer }> = [];
  constructor() {
    super((req, body, res) => {
      this.requests.push({ headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  }
}

function sealedConfig(webhookUrl: string): GatewayConfig {
  const config = testConfig(webhookUrl);
  config.parties[0]!.maySend = ['toewijzing', 'verzegeld'];
  // Written as an operator would: no mapping at all on the sealed route.
  config.routes.push({
    id: 'verzegeld-naar-ontvanger',
    sealed: true,
    match: { standard: 'sealed', messageType: 'verzegeld', sender: 'gemeente-*', receiver: 'aanbieder-*', content: [{ path: 'envelopeType', in: ['schuldhulp-aanmelding'] }] },
    destinations: ['$receiver'],
    purpose: 'Schuldhulpverlening — verzegelde aanmelding',
  } as unknown as GatewayConfig['routes'][number]);
  return config;
}

describe('sealed-envelope routes', () => {
  const webhook = new ByteWebhook();
  const pinoLines: string[] = [];
  let gateway: Gateway;
  let baseUrl: string;
  let seq = 0;

  beforeAll(async () => {
    const url = await webhook.start();
    const env = await testEnv('pglite', 'in-process', writeConfig(sealedConfig(url)), { LOG_LEVEL: 'debug' });
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        pinoLines.push(chunk.toString('utf8'));
        cb();
      },
    });
    gateway = await createGateway(env, { logger: createLogger('debug', sink) });
    baseUrl = `http://127.0.0.1:${(await gateway.listen()).port}`;
  }, 120000);

  afterAll(async () => {
    await gateway?.close();
    await webhook.stop();
  });

  function send(bytes: Buffer, opts: { key?: string; receiver?: string; envelopeType?: string; reference?: string; digest?: string; contentType?: string; omit?: string } = {}) {
    const headers: Record<string, string> = {
      authorization: `Bearer ${opts.key ?? KEYS.enschede}`,
      'content-type': opts.contentType ?? CONTENT_TYPE,
      'x-knooppunt-receiver': opts.receiver ?? 'aanbieder-12345678',
      'x-knooppunt-envelope-type': opts.envelopeType ?? 'schuldhulp-aanmelding',
      'x-knooppunt-sender-reference': opts.reference ?? `SHV-${Date.now()}-${++seq}`,
      'x-knooppunt-content-sha256': opts.digest ?? sha256(bytes),
    };
    if (opts.omit) delete headers[opts.omit];
    return fetch(`${baseUrl}/api/v1/envelopes`, { method: 'POST', headers, body: new Uint8Array(bytes) }).then(async (res) => ({
      status: res.status,
      json: (await res.json()) as Record<string, unknown>,
    }));
  }

  it('delivers the bytes byte-identical to a webhook, with their content type, without mapping or subjects', async () => {
    const bytes = sealedBlob();
    const res = await send(bytes, { reference: 'SHV-webhook-1' });
    expect(res.status).toBe(202);
    const id = res.json.id as string;

    const [delivered] = await waitFor(() => {
      const r = webhook.requests.filter((q) => q.headers['x-knooppunt-message-id'] === id);
      return r.length > 0 ? r : undefined;
    });
    expect(sha256(delivered!.body)).toBe(sha256(bytes));
    expect(delivered!.body.equals(bytes)).toBe(true);
    expect(delivered!.headers['content-type']).toBe(CONTENT_TYPE);
    expect(delivered!.headers['x-knooppunt-message-type']).toBe('verzegeld');

    const events = await waitFor(async () => {
      const e = await gateway.log.eventsForMessage(id);
      return e.some((x) => x.eventType === 'delivered') ? e : undefined;
    });
    expect(events.map((e) => e.eventType)).toEqual(['accepted', 'delivery_attempted', 'delivered']);
    const accepted = events.find((e) => e.eventType === 'accepted')!;
    expect(accepted.detail).toEqual({
      size: bytes.length,
      digest: expect.any(String),
      senderMessageId: 'SHV-webhook-1',
      subjects: 0,
      standard: 'sealed',
      version: null,
      routes: [{ route: 'verzegeld-naar-ontvanger', destinations: ['webhook-aanbieder-a'], sealed: true }],
      envelope: { envelopeType: 'schuldhulp-aanmelding', contentType: CONTENT_TYPE, size: bytes.length, sha256: sha256(bytes), senderReference: 'SHV-webhook-1' },
    });
    // One payload (the received bytes, encrypted at rest); the delivery points at it; no mapped copy.
    const payloads = await gateway.log.payloadsForMessage(id);
    expect(payloads.map((p) => [p.kind, p.contentType, p.size])).toEqual([['raw', CONTENT_TYPE, bytes.length]]);
    const d = await gateway.db.query<{ payload_id: number | string }>('SELECT payload_id FROM deliveries WHERE message_id = $1', [id]);
    expect(d.rows.map((r) => Number(r.payload_id))).toEqual([payloads[0]!.id]);
    // The BSN inside was never seen: no subject index entry.
    const subjects = await gateway.db.query<{ n: number }>('SELECT count(*)::int AS n FROM message_subjects WHERE message_id = $1', [id]);
    expect(subjects.rows[0]!.n).toBe(0);
  });

  it('puts the same bytes, as base64, in a mailbox receiver', async () => {
    const bytes = sealedBlob();
    const res = await send(bytes, { receiver: 'aanbieder-87654321' });
    expect(res.status).toBe(202);
    const item = await waitFor(async () => {
      const r = await fetch(`${baseUrl}/api/v1/mailbox`, { headers: { authorization: `Bearer ${KEYS.aanbiederB}` } });
      const items = ((await r.json()) as { items: Array<Record<string, unknown>> }).items;
      return items.find((i) => i.messageId === res.json.id);
    });
    expect(item.contentType).toBe(CONTENT_TYPE);
    expect(item.payloadEncoding).toBe('base64');
    expect(Buffer.from(item.payload as string, 'base64').equals(bytes)).toBe(true);
  });

  it('answers a resend under the same sender reference as before (idempotent)', async () => {
    const bytes = sealedBlob();
    const first = await send(bytes, { reference: 'SHV-resend-1' });
    const again = await send(bytes, { reference: 'SHV-resend-1' });
    expect(first.status).toBe(202);
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ id: first.json.id, duplicate: true });
  });

  it('refuses what it cannot vouch for, without opening it', async () => {
    const bytes = sealedBlob();
    const mismatch = await send(bytes, { digest: sha256(Buffer.from('other')) });
    expect(mismatch.status).toBe(400);
    expect(mismatch.json.code).toBe('digest-mismatch');
    for (const omit of ['x-knooppunt-receiver', 'x-knooppunt-envelope-type', 'x-knooppunt-sender-reference', 'x-knooppunt-content-sha256']) {
      const res = await send(bytes, { omit });
      expect(res.status).toBe(400);
      expect(res.json.code).toBe('invalid-envelope');
    }
    // Hengelo may not send sealed envelopes; an envelope type no route carries is not routed.
    expect((await send(bytes, { key: KEYS.hengelo })).status).toBe(403);
    const unrouted = await send(bytes, { envelopeType: 'iets-anders' });
    expect(unrouted.status).toBe(422);
    expect(unrouted.json.code).toBe('no-route');
  });

  it('never lets the markers reach the exchange log, the raw database tables or the pino output', async () => {
    // Everything above has run (webhook, mailbox, resend, refusals): now scan.
    await waitFor(async () => {
      const r = await gateway.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM deliveries WHERE status NOT IN ('delivered', 'dead_letter')`);
      return r.rows[0]!.n === 0;
    });
    const sample = sealedBlob();
    const needles = [CIPHER_MARKER, PLAIN_MARKER, BSN, sample.subarray(0, 24).toString('base64'), sample.subarray(0, 24).toString('hex')];

    const events = JSON.stringify(await gateway.log.events({ limit: 10000 }));
    expect(events).toContain('verzegeld');
    for (const n of needles) expect(events).not.toContain(n);

    // Raw table contents, as stored: every text-like column by LIKE, every bytea column by byte search.
    const columns = await gateway.db.query<{ table_name: string; column_name: string; data_type: string }>(
      `SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c
         JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
        WHERE c.table_schema = current_schema()`,
    );
    // Controls: the same searches do find the markers where they are in the clear.
    const control = await gateway.db.query<{ p: number }>(`SELECT position(convert_to($1, 'UTF8') IN $2::bytea) AS p`, [PLAIN_MARKER, sample]);
    expect(Number(control.rows[0]!.p)).toBeGreaterThan(0);
    const controlText = await gateway.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM exchange_events WHERE detail::text LIKE '%' || $1 || '%'`, ['schuldhulp-aanmelding']);
    expect(controlText.rows[0]!.n).toBeGreaterThan(0);
    const scanned: string[] = [];
    for (const c of columns.rows) {
      const col = `"${c.table_name}"."${c.column_name}"`;
      const textLike = ['text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY'].includes(c.data_type);
      if (!textLike && c.data_type !== 'bytea') continue;
      for (const marker of [CIPHER_MARKER, PLAIN_MARKER]) {
        const sql = textLike
          ? `SELECT count(*)::int AS n FROM "${c.table_name}" WHERE "${c.column_name}"::text LIKE '%' || $1 || '%'`
          : `SELECT count(*)::int AS n FROM "${c.table_name}" WHERE position(convert_to($1, 'UTF8') IN "${c.column_name}") > 0`;
        const r = await gateway.db.query<{ n: number }>(sql, [marker]);
        expect({ column: col, marker, n: r.rows[0]!.n }).toEqual({ column: col, marker, n: 0 });
      }
      scanned.push(col);
    }
    expect(scanned).toEqual(expect.arrayContaining(['"payloads"."ciphertext"', '"exchange_events"."detail"', '"messages"."error"']));
    // The ciphertext is there, encrypted at rest: the rows exist and are not empty.
    const stored = await gateway.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM payloads WHERE content_type = $1 AND ciphertext IS NOT NULL`, [CONTENT_TYPE]);
    expect(stored.rows[0]!.n).toBeGreaterThanOrEqual(3);

    const pino = pinoLines.join('');
    expect(pino).toContain('/envelopes');
    for (const n of needles) expect(pino).not.toContain(n);
  });
});

describe('sealed routes in the configuration', () => {
  const base = () => sealedConfig('http://127.0.0.1:9');
  const sealedRoute = (c: GatewayConfig) => c.routes.find((r) => r.id === 'verzegeld-naar-ontvanger')!;
  const problems = (c: unknown): string[] => {
    try {
      checkConfig(JSON.parse(JSON.stringify(c)));
      return [];
    } catch (err) {
      if (err instanceof ConfigError) return err.problems;
      throw err;
    }
  };

  it('gives a sealed route without mapping the passthrough, and accepts passthrough', () => {
    expect(sealedRoute(checkConfig(JSON.parse(JSON.stringify(base())))).mapping).toBe('passthrough');
    const c = base();
    sealedRoute(c).mapping = 'passthrough';
    expect(problems(c)).toEqual([]);
  });

  it('refuses a sealed route with a mapping', () => {
    const c = base();
    sealedRoute(c).mapping = 'toewijzing-naar-aanbieder';
    expect(problems(c)).toEqual([expect.stringContaining('a sealed route is never mapped')]);
  });

  it('refuses a sealed route on another standard, and a route on standard sealed that is not sealed', () => {
    const c = base();
    sealedRoute(c).match.standard = 'json';
    expect(problems(c)).toEqual([expect.stringContaining("a sealed route matches standard 'sealed'")]);
    const d = base();
    delete sealedRoute(d).sealed;
    sealedRoute(d).mapping = 'toewijzing-naar-aanbieder';
    expect(problems(d)).toEqual([expect.stringContaining('its routes need sealed: true')]);
  });

  it('refuses content conditions on anything but envelope metadata', () => {
    const c = base();
    sealedRoute(c).match.content = [{ path: 'payload.client.bsn', exists: true }];
    expect(problems(c)).toEqual([expect.stringContaining("not 'payload.client.bsn'")]);
  });

  it('keeps the mapping required on ordinary routes, and passthrough for sealed ones', () => {
    const c = base();
    delete (c.routes[0] as { mapping?: string }).mapping;
    expect(problems(c).join(' ')).toContain('mapping');
    const d = base();
    d.routes[0]!.mapping = 'passthrough';
    expect(problems(d)).toEqual([expect.stringContaining("'passthrough' is only for sealed routes")]);
  });
});
