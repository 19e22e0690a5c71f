import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { hashPassword } from '../../src/console/auth/passwords.js';
import type { GatewayConfig } from '../../src/config/types.js';
import type { Gateway } from '../../src/gateway.js';
import { verifyLog } from '../../src/log/verify.js';
import { KEYS, post, startGateway, testConfig, testEnv, toewijzing, writeConfig } from '../helpers/gateway.js';
import { TestWebhook, waitFor } from '../helpers/webhook.js';

const BSN_A = '999993653';
const BSN_B = '999990627';
const BSN_C = '999990019';

/** A console client: keeps the session cookie and CSRF token like the console page does. */
class ConsoleClient {
  cookie = '';
  csrf = '';
  constructor(private readonly baseUrl: string) {}

  async signIn(user: string, password: string): Promise<{ status: number; json: Record<string, unknown>; setCookie: string }> {
    const res = await fetch(`${this.baseUrl}/console/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user, password }),
    });
    const setCookie = res.headers.get('set-cookie') ?? '';
    const json = (await res.json()) as Record<string, unknown>;
    if (res.status === 200) {
      this.cookie = setCookie.split(';')[0]!;
      this.csrf = json.csrfToken as string;
    }
    return { status: res.status, json, setCookie };
  }

  // `json` is any on purpose: the assertions below are the type check of the answers.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async call(method: string, path: string, opts: { body?: unknown; csrf?: boolean } = {}): Promise<{ status: number; json: any; text: string; headers: Headers }> {
    const headers: Record<string, string> = {};
    if (this.cookie) headers.cookie = this.cookie;
    if (opts.csrf !== false && this.csrf && method !== 'GET') headers['x-csrf-token'] = this.csrf;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${this.baseUrl}${path}`, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, json, text, headers: res.headers };
  }

  /** A plain HTML form POST (urlencoded), as the console's citizen-report form sends it, with the CSRF token as a field. */
  async form(path: string, fields: Record<string, string>, opts: { csrf?: boolean } = {}): Promise<{ status: number; text: string; headers: Headers }> {
    const body = new URLSearchParams({ ...fields, ...(opts.csrf !== false && this.csrf ? { csrf: this.csrf } : {}) }).toString();
    const res = await fetch(`${this.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...(this.cookie ? { cookie: this.cookie } : {}) }, body });
    return { status: res.status, text: await res.text(), headers: res.headers };
  }
}

describe.each([{ store: 'pglite' as const }, { store: 'postgres' as const }])('console API on $store', ({ store }) => {
  const webhook = new TestWebhook();
  let gateway: Gateway;
  let baseUrl: string;
  let seq = 0;
  const nextId = () => `CONSOLE-${store}-${Date.now()}-${++seq}`;
  const beheer = () => new ConsoleClient(baseUrl);
  let admin: ConsoleClient;
  let privacy: ConsoleClient;
  let auditor: ConsoleClient;
  const sent: Record<string, string[]> = { [BSN_A]: [], [BSN_B]: [] };

  const send = async (bsn: string, receiver = 'aanbieder-12345678'): Promise<string> => {
    const res = await post(baseUrl, KEYS.enschede, toewijzing(nextId(), { bsn, receiver }));
    expect(res.status).toBe(202);
    return res.json.id as string;
  };
  const statusOf = async (id: string) => (await gateway.db.query<{ status: string }>('SELECT status FROM messages WHERE id = $1', [id])).rows[0]?.status;

  beforeAll(async () => {
    const url = await webhook.start();
    const base = testConfig(url, { maxAttempts: 2, backoffMs: 20 });
    const config: GatewayConfig = {
      ...base,
      routes: base.routes.map((r) => ({
        ...r,
        purpose: 'Uitvoering Jeugdwet <toewijzing> & "zorg"',
        legalBasis: 'Jeugdwet art. 2.3',
        dataCategories: ['identificatie', 'zorgtoewijzing'],
      })),
      console: {
        users: [
          { id: 'beheer', name: 'Beheer', role: 'beheerder', passwordHash: await hashPassword('beheer-wachtwoord') },
          { id: 'privacy', name: 'Privacy officer', role: 'privacy', passwordHash: await hashPassword('privacy-wachtwoord') },
          { id: 'audit', name: 'Auditor', role: 'auditor', passwordHash: await hashPassword('audit-wachtwoord') },
        ],
      },
    };
    const env = await testEnv(store, 'in-process', writeConfig(config));
    ({ gateway, baseUrl } = await startGateway(env));
    admin = beheer();
    privacy = new ConsoleClient(baseUrl);
    auditor = new ConsoleClient(baseUrl);
    expect((await admin.signIn('beheer', 'beheer-wachtwoord')).status).toBe(200);
    expect((await privacy.signIn('privacy', 'privacy-wachtwoord')).status).toBe(200);
    expect((await auditor.signIn('audit', 'audit-wachtwoord')).status).toBe(200);
    // Three exchanges about A (one to a mailbox), one about B.
    sent[BSN_A]!.push(await send(BSN_A), await send(BSN_A, 'aanbieder-87654321'), await send(BSN_A));
    sent[BSN_B]!.push(await send(BSN_B));
    for (const id of [...sent[BSN_A]!, ...sent[BSN_B]!]) await waitFor(async () => (await statusOf(id)) === 'delivered');
  });

  afterAll(async () => {
    await gateway?.close();
    await webhook.stop();
  });

  it('signs in with a session cookie (HttpOnly, SameSite=Strict, Path=/console) and a CSRF token; refuses a wrong password', async () => {
    const c = new ConsoleClient(baseUrl);
    const wrong = await c.signIn('beheer', 'niet-het-wachtwoord');
    expect(wrong.status).toBe(401);
    expect(wrong.json.code).toBe('invalid-credentials');
    const ok = await c.signIn('beheer', 'beheer-wachtwoord');
    expect(ok.status).toBe(200);
    expect(ok.json).toEqual({ user: 'beheer', name: 'Beheer', role: 'beheerder', csrfToken: expect.any(String) });
    expect(ok.setCookie).toMatch(/^kp_console=[A-Za-z0-9_-]{43}; Path=\/console; HttpOnly; SameSite=Strict$/);
    const me = await c.call('GET', '/console/api/session');
    expect(me.status).toBe(200);
    expect(me.json.csrfToken).toBe(c.csrf);
    expect(me.headers.get('cache-control')).toBe('no-store');
    expect(me.headers.get('content-type')).toMatch(/^application\/json/);

    // Sign out needs the CSRF token too; afterwards the cookie is worth nothing.
    expect((await c.call('DELETE', '/console/api/session', { csrf: false })).status).toBe(403);
    const out = await c.call('DELETE', '/console/api/session');
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/kp_console=; .*Max-Age=0/);
    expect((await c.call('GET', '/console/api/session')).status).toBe(401);
    expect((await new ConsoleClient(baseUrl).call('GET', '/console/api/exchanges')).status).toBe(401);

    const actions = (await gateway.log.events({ eventType: 'admin_action', limit: 10_000 })).map((e) => e.detail);
    expect(actions).toEqual(expect.arrayContaining([
      expect.objectContaining({ action: 'sign_in_failed', user: 'beheer' }),
      expect.objectContaining({ action: 'signed_in', user: 'beheer', role: 'beheerder' }),
      expect.objectContaining({ action: 'signed_out', user: 'beheer' }),
    ]));
  });

  it('locks a user at one address after 5 failed sign-ins (429), even with the right password', async () => {
    const c = new ConsoleClient(baseUrl);
    for (let i = 0; i < 5; i++) expect((await c.signIn('audit', `fout-${i}`)).status).toBe(401);
    const locked = await c.signIn('audit', 'audit-wachtwoord');
    expect(locked.status).toBe(429);
    expect(locked.json.code).toBe('signin-locked');
    // An unknown user id is never written to the log (people type passwords into it).
    await new ConsoleClient(baseUrl).signIn('999993653', 'x');
    const failed = (await gateway.log.events({ eventType: 'admin_action', limit: 10_000 })).filter((e) => e.detail.action === 'sign_in_failed');
    expect(JSON.stringify(failed)).not.toContain('999993653');
  });

  it('refuses a state-changing request without the CSRF token (403 csrf)', async () => {
    const res = await privacy.call('POST', '/console/api/retention/purge', { csrf: false });
    expect(res.status).toBe(403);
    expect(res.json.code).toBe('csrf');
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const wrong = await fetch(`${baseUrl}/console/api/retention/purge`, { method: 'POST', headers: { cookie: privacy.cookie, 'x-csrf-token': 'x'.repeat(43) } });
    expect(wrong.status).toBe(403);
  });

  it('searches with filters and pagination; BSN search only for privacy and beheerder', async () => {
    const all = await auditor.call('GET', '/console/api/exchanges?party=gemeente-0153&messageType=toewijzing&pageSize=2');
    expect(all.status).toBe(200);
    expect(all.json.total).toBeGreaterThanOrEqual(4);
    expect(all.json.items).toHaveLength(2);
    expect(all.json.pageSize).toBe(2);
    expect(Object.keys(all.json.items[0]).sort()).toEqual(['channel', 'correlationId', 'deliveries', 'id', 'messageType', 'receivedAt', 'receiver', 'sender', 'senderMessageId', 'standard', 'status', 'updatedAt']);
    expect(all.json.items[0].deliveries).toEqual({ total: 1, delivered: 1 });

    expect((await auditor.call('POST', '/console/api/exchanges/search', { body: { bsn: BSN_A } })).status).toBe(403);
    const byBsn = await privacy.call('POST', '/console/api/exchanges/search', { body: { bsn: BSN_A, pageSize: 100 } });
    expect(byBsn.status).toBe(200);
    expect(byBsn.json.items.map((i: { id: string }) => i.id).sort()).toEqual([...sent[BSN_A]!].sort());
    const asBeheer = await admin.call('POST', '/console/api/exchanges/search', { body: { bsn: BSN_B } });
    expect(asBeheer.json.items.map((i: { id: string }) => i.id)).toEqual(sent[BSN_B]);
    expect((await privacy.call('POST', '/console/api/exchanges/search', { body: { bsn: '12' } })).status).toBe(400);
    // Never in a URL: a GET with a BSN is refused, for the search and the report alike.
    expect((await privacy.call('GET', `/console/api/exchanges?bsn=${BSN_A}`)).json).toMatchObject({ status: 400, code: 'bsn-in-url' });
    expect((await privacy.call('GET', `/console/api/citizen-report?bsn=${BSN_A}`)).status).toBe(400);
    expect((await privacy.call('GET', `/console/citizen-report.html?bsn=${BSN_A}`)).status).toBe(400);
    // Every search that names a citizen is in the audit trail with the keyed hash, never the BSN; a BSN in the reference box too.
    expect((await privacy.call('GET', `/console/api/exchanges?q=${BSN_B}`)).status).toBe(400);
    await privacy.call('POST', '/console/api/exchanges/search', { body: { q: BSN_B } });
    const audited = (await gateway.log.events({ eventType: 'admin_action', limit: 10_000 })).filter((e) => e.detail.action === 'subject_searched');
    expect(audited.map((e) => e.detail.via).sort()).toEqual(expect.arrayContaining(['bsn', 'bsn', 'reference']));
    expect(audited.every((e) => /^subject\/[0-9a-f]{64}$/.test(String(e.detail.target)))).toBe(true);
    expect(JSON.stringify(audited)).not.toContain(BSN_A);
    expect(JSON.stringify(audited)).not.toContain(BSN_B);
    expect((await auditor.call('GET', '/console/api/exchanges?from=gisteren')).status).toBe(400);
  });

  it('shows the detail to an auditor without payloads (403); a beheerder views one and that is logged', async () => {
    const id = sent[BSN_A]![0]!;
    const detail = await auditor.call('GET', `/console/api/exchanges/${id}`);
    expect(detail.status).toBe(200);
    const events = detail.json.events as Array<{ type: string; sinceStartMs: number; sincePreviousMs: number }>;
    expect(events.map((e) => e.type)).toEqual(['accepted', 'delivery_attempted', 'delivered']);
    expect(events[0]).toMatchObject({ sinceStartMs: 0, sincePreviousMs: 0 });
    expect(events.every((e) => e.sinceStartMs >= 0 && e.sincePreviousMs >= 0)).toBe(true);
    expect(detail.json.validation).toEqual({ outcome: 'valid', problems: [] });
    expect(detail.json.deliveries[0]).toMatchObject({ destination: 'webhook-aanbieder-a', status: 'delivered' });
    expect(detail.json.deliveries[0].attempts[0]).toMatchObject({ attempt: 1, outcome: 'delivered', statusCode: 200 });
    const payloads = detail.json.payloads as Array<{ id: number; kind: string; purged: boolean }>;
    expect(payloads.map((p) => p.kind)).toEqual(['raw', 'mapped']);
    expect(detail.json.zaken).toEqual([]);

    const raw = payloads[0]!;
    const refused = await auditor.call('GET', `/console/api/exchanges/${id}/payloads/${raw.id}`);
    expect(refused.status).toBe(403);

    const shown = await admin.call('GET', `/console/api/exchanges/${id}/payloads/${raw.id}`);
    expect(shown.status).toBe(200);
    expect(shown.json.kind).toBe('raw');
    expect(JSON.parse(shown.json.content).payload.client.bsn).toBe(BSN_A);
    const viewed = (await gateway.log.events({ eventType: 'admin_action', limit: 10_000 })).filter((e) => e.detail.action === 'payload_viewed');
    expect(viewed.at(-1)!.detail).toMatchObject({ action: 'payload_viewed', user: 'beheer', role: 'beheerder', target: `exchange/${id}/payload/${raw.id}` });
    expect(JSON.stringify(viewed)).not.toContain(BSN_A);
    // A payload of another exchange is not reachable through this one.
    const other = (await gateway.log.payloadsForMessage(sent[BSN_B]![0]!))[0]!;
    expect((await admin.call('GET', `/console/api/exchanges/${id}/payloads/${other.id}`)).status).toBe(404);
  });

  it('lists a dead letter and redelivers it (beheerder only), through the outbox and the queue', async () => {
    webhook.respond = () => ({ status: 500 });
    const id = await send(BSN_C);
    await waitFor(async () => (await statusOf(id)) === 'dead_letter');
    const list = await admin.call('GET', '/console/api/dead-letters');
    expect(list.status).toBe(200);
    const dead = (list.json.items as Array<{ id: string; messageId: string; messageType: string; destination: string; attempts: number; lastError: string }>).find((d) => d.messageId === id)!;
    expect(dead).toMatchObject({ messageType: 'toewijzing', destination: 'webhook-aanbieder-a', attempts: 2 });
    expect(dead.lastError).toBeTruthy();
    expect((await auditor.call('GET', '/console/api/dead-letters')).status).toBe(403);
    // Pages reach the first 10,000 rows, as the exchanges do: a deeper OFFSET is refused, not read.
    expect((await admin.call('GET', '/console/api/dead-letters?page=50&pageSize=200')).status).toBe(200);
    const deep = await admin.call('GET', '/console/api/dead-letters?page=51&pageSize=200');
    expect([deep.status, deep.json.invalidParams?.[0]?.name]).toEqual([400, 'page']);
    expect((await auditor.call('POST', `/console/api/deliveries/${dead.id}/redeliver`)).status).toBe(403);

    const ops = await auditor.call('GET', '/console/api/operations');
    expect(ops.status).toBe(200);
    expect(ops.json.queue.deadLetter).toBeGreaterThanOrEqual(1);
    expect(ops.json.errorRates).toEqual(expect.arrayContaining([expect.objectContaining({ party: 'gemeente-0153', messageType: 'toewijzing', failed: 1 })]));
    expect(ops.json.partners).toEqual(expect.arrayContaining([{ party: 'aanbieder-12345678', name: 'Aanbieder A', lastSuccessfulDelivery: expect.any(String), certificateExpires: null, certificateExpiring: false }]));

    webhook.respond = () => ({ status: 200 });
    const again = await admin.call('POST', `/console/api/deliveries/${dead.id}/redeliver`);
    expect(again.status).toBe(202);
    await waitFor(async () => (await statusOf(id)) === 'delivered');
    const types = (await gateway.log.eventsForMessage(id)).map((e) => e.eventType);
    expect(types).toContain('redelivery_requested');
    expect(types.at(-1)).toBe('delivered');
    // Once delivered it is no longer redeliverable.
    expect((await admin.call('POST', `/console/api/deliveries/${dead.id}/redeliver`)).status).toBe(409);
  });

  it('drains dead letters in bulk', async () => {
    webhook.respond = () => ({ status: 500 });
    const id = await send(BSN_C);
    await waitFor(async () => (await statusOf(id)) === 'dead_letter');
    webhook.respond = () => ({ status: 200 });
    expect((await admin.call('POST', '/console/api/dead-letters/drain', { body: { nothing: 1 } })).status).toBe(400);
    const drained = await admin.call('POST', '/console/api/dead-letters/drain', { body: { all: true } });
    expect(drained.status).toBe(202);
    expect(drained.json.requeued.length).toBeGreaterThanOrEqual(1);
    await waitFor(async () => (await statusOf(id)) === 'delivered');
  });

  it('makes the citizen report of one BSN with all of its exchanges and nothing of another', async () => {
    expect((await admin.call('POST', '/console/api/citizen-report', { body: { bsn: BSN_A } })).status).toBe(403);
    const report = await privacy.call('POST', '/console/api/citizen-report', { body: { bsn: BSN_A } });
    expect(report.status).toBe(200);
    expect(report.json.bsn).toBe('******653');
    expect(report.text).not.toContain(BSN_A);
    const exchanges = report.json.exchanges as Array<{ when: string; from: string; to: string; messageType: string; dataCategories: string[]; purpose: string; legalBasis: string }>;
    expect(exchanges).toHaveLength(sent[BSN_A]!.length);
    const received = await gateway.db.query<{ received_at: Date }>('SELECT received_at FROM messages WHERE id = ANY($1::uuid[]) ORDER BY received_at', [sent[BSN_A]]);
    expect(exchanges.map((e) => e.when)).toEqual(received.rows.map((r) => new Date(r.received_at).toISOString()));
    expect(exchanges[0]).toEqual({
      when: expect.any(String),
      from: 'Gemeente Enschede',
      to: 'Aanbieder A',
      messageType: 'toewijzing',
      dataCategories: ['identificatie', 'zorgtoewijzing'],
      purpose: 'Uitvoering Jeugdwet <toewijzing> & "zorg"',
      legalBasis: 'Jeugdwet art. 2.3',
    });
    expect(exchanges.map((e) => e.to).sort()).toEqual(['Aanbieder A', 'Aanbieder A', 'Aanbieder B']);
    const b = await privacy.call('POST', '/console/api/citizen-report', { body: { bsn: BSN_B } });
    expect(b.json.exchanges).toHaveLength(1);

    const page = await privacy.form('/console/citizen-report.html', { bsn: BSN_A });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.text).toContain('Overzicht van uitgewisselde gegevens');
    expect(page.text).toContain('******653');
    expect(page.text).not.toContain(BSN_A);
    expect(page.text).not.toContain(BSN_B);
    expect(page.text).toContain('Uitvoering Jeugdwet &lt;toewijzing&gt; &amp; &quot;zorg&quot;');
    expect(page.text).not.toContain('<toewijzing>');
    expect((page.text.match(/<tr>/g) ?? []).length).toBe(1 + sent[BSN_A]!.length);
    expect((await auditor.form('/console/citizen-report.html', { bsn: BSN_A })).status).toBe(403);

    const logged = (await gateway.log.events({ eventType: 'admin_action', limit: 10_000 })).filter((e) => e.detail.action === 'citizen_report');
    expect(logged.length).toBeGreaterThanOrEqual(3);
    expect(JSON.stringify(logged)).not.toContain(BSN_A);
  });

  it('gives the processing register as JSON and CSV', async () => {
    const json = await auditor.call('GET', '/console/api/processing-register');
    expect(json.status).toBe(200);
    expect(json.json.items).toEqual([
      expect.objectContaining({ id: 'toewijzing-naar-aanbieder', legalBasis: 'Jeugdwet art. 2.3', recipients: ['aanbieder-*'], retentionDays: 2555, standard: 'json', messageTypes: ['toewijzing'] }),
    ]);
    const csv = await privacy.call('GET', '/console/api/processing-register?format=csv');
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.text.split('\r\n')[0]).toBe('id,kind,purpose,legalBasis,dataCategories,recipients,retentionDays,standard,messageTypes');
    expect(csv.text).toContain('toewijzing-naar-aanbieder,route,"Uitvoering Jeugdwet <toewijzing> & ""zorg""",Jeugdwet art. 2.3,identificatie|zorgtoewijzing');
    expect((await admin.call('GET', '/console/api/processing-register')).status).toBe(403);
  });

  it('purges expired payloads to tombstones and their subject links; the log still verifies', async () => {
    const expired = sent[BSN_A]![0]!;
    const kept = sent[BSN_A]![1]!;
    // Received long ago: beyond the default retention of 2555 days.
    await gateway.db.query(`UPDATE messages SET received_at = now() - interval '3000 days' WHERE id = $1`, [expired]);
    expect((await admin.call('POST', '/console/api/retention/purge')).status).toBe(403);
    const res = await privacy.call('POST', '/console/api/retention/purge');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ purgedPayloads: 2, purgedSubjectLinks: 1, before: expect.any(String) });

    const payloads = await gateway.log.payloadsForMessage(expired);
    expect(payloads.every((p) => p.purgedAt !== null && p.digest.length > 0 && p.size > 0)).toBe(true);
    const row = await gateway.db.query<{ n: number }>('SELECT count(*)::int AS n FROM payloads WHERE message_id = $1 AND ciphertext IS NOT NULL', [expired]);
    expect(row.rows[0]!.n).toBe(0);
    expect((await gateway.log.readPayload(payloads[0]!.id))!.content).toBeNull();
    const detail = await privacy.call('GET', `/console/api/exchanges/${expired}`);
    expect(detail.json.payloads.map((p: { purged: boolean }) => p.purged)).toEqual([true, true]);
    // The events stay: accepted, delivery_attempted, delivered (and the purge never removes one).
    expect((detail.json.events as Array<{ type: string }>).map((e) => e.type).slice(0, 3)).toEqual(['accepted', 'delivery_attempted', 'delivered']);
    expect((await privacy.call('GET', `/console/api/exchanges/${expired}/payloads/${payloads[0]!.id}`)).status).toBe(410);

    // Not findable by BSN any more; the other exchanges are untouched.
    const links = await gateway.db.query<{ n: number }>('SELECT count(*)::int AS n FROM message_subjects WHERE message_id = $1', [expired]);
    expect(links.rows[0]!.n).toBe(0);
    expect((await gateway.log.messagesForSubject(BSN_A)).sort()).toEqual(sent[BSN_A]!.filter((id) => id !== expired).sort());
    expect((await gateway.log.payloadsForMessage(kept)).every((p) => p.purgedAt === null)).toBe(true);

    const purged = await gateway.log.events({ eventType: 'purged', limit: 100 });
    expect(purged.at(-1)!.detail).toMatchObject({ purgedPayloads: 2, purgedSubjectLinks: 1, trigger: 'privacy' });
    const verified = await verifyLog(gateway.db);
    expect(verified.ok).toBe(true);

    // A second run finds nothing more to do.
    expect((await privacy.call('POST', '/console/api/retention/purge')).json).toMatchObject({ purgedPayloads: 0, purgedSubjectLinks: 0 });
  });

  it('answers unknown API paths with problem+json, not the UI', async () => {
    const res = await admin.call('GET', '/console/api/nope');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const bad = await fetch(`${baseUrl}/console/api/session`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'user=x' });
    expect(bad.status).toBe(415);
  });

  // Last: it adds 10,001 messages of a party of its own.
  it('counts the exchanges up to 10,000, says when there are more, and pages as far as that', async () => {
    await gateway.db.query(
      `INSERT INTO messages (id, sender_message_id, correlation_id, channel, standard, message_type, sender, receiver, status, received_at, updated_at)
       SELECT gen_random_uuid(), 'bulk-' || g, 'bulk-' || g, 'rest', 'json', 'telling', 'gemeente-0153', 'aanbieder-telling', 'delivered', now(), now()
         FROM generate_series(1, 10001) g`,
    );
    const many = await auditor.call('GET', '/console/api/exchanges?messageType=telling&pageSize=1');
    expect([many.status, many.json.total, many.json.totalCapped, many.json.items.length]).toEqual([200, 10_000, true, 1]);
    await gateway.db.query(`DELETE FROM messages WHERE sender_message_id = 'bulk-1'`);
    const exact = await auditor.call('GET', '/console/api/exchanges?messageType=telling&pageSize=1');
    expect([exact.json.total, exact.json.totalCapped]).toEqual([10_000, false]);
    expect((await auditor.call('GET', '/console/api/exchanges?messageType=telling&page=400&pageSize=25')).json.items).toHaveLength(25);
    expect((await auditor.call('GET', '/console/api/exchanges?messageType=telling&page=401&pageSize=25')).status).toBe(400);
  });
});
