/**
 * Trace context and Logboek Dataverwerkingen: a message with an inbound traceparent yields LDV records
 * that share the caller's trace id, one per processing step and data subject, in the exchange event's
 * transaction; the webhook receives the trace context; the register and lezen APIs answer, and lezen
 * without a criterion is 400; console users never appear in the records.
 */
import { hashPassword } from '../../src/console/auth/passwords.js';
import type { GatewayConfig } from '../../src/config/types.js';
import type { Gateway } from '../../src/gateway.js';
import { subjectHash } from '../../src/log/crypto.js';
import { stepsOf } from '../../src/chain/ldv/records.js';
import { KEYS, post, startGateway, testConfig, testEnv, toewijzing, writeConfig } from '../helpers/gateway.js';
import { TestWebhook, waitFor } from '../helpers/webhook.js';

const BSN = '999993653';
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';

class ConsoleClient {
  cookie = '';
  csrf = '';
  constructor(private readonly baseUrl: string) {}
  async signIn(user: string, password: string): Promise<void> {
    const res = await fetch(`${this.baseUrl}/console/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user, password }) });
    expect(res.status).toBe(200);
    this.cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
    this.csrf = ((await res.json()) as { csrfToken: string }).csrfToken;
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async post(path: string, body: unknown): Promise<{ status: number; json: any }> {
    const res = await fetch(`${this.baseUrl}${path}`, { method: 'POST', headers: { cookie: this.cookie, 'x-csrf-token': this.csrf, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, json: await res.json() };
  }
}

describe.each([{ store: 'pglite' as const }, { store: 'postgres' as const }])('LDV on $store', ({ store }) => {
  const webhook = new TestWebhook();
  let gateway: Gateway;
  let baseUrl: string;
  let privacy: ConsoleClient;
  let messageId: string;

  beforeAll(async () => {
    const url = await webhook.start();
    const base = testConfig(url);
    const config: GatewayConfig = {
      ...base,
      routes: base.routes.map((r) => ({ ...r, purpose: 'Uitvoering Jeugdwet', legalBasis: 'Jeugdwet art. 2.3', dataCategories: ['identificatie', 'zorgtoewijzing'] })),
      console: { users: [{ id: 'privacy', name: 'Privacy officer', role: 'privacy', passwordHash: await hashPassword('privacy-wachtwoord') }] },
    };
    ({ gateway, baseUrl } = await startGateway(await testEnv(store, 'in-process', writeConfig(config), { KNOOPPUNT_PUBLIC_URL: 'https://knooppunt.example' })));
    privacy = new ConsoleClient(baseUrl);
    await privacy.signIn('privacy', 'privacy-wachtwoord');
    const res = await post(baseUrl, KEYS.enschede, toewijzing(`LDV-${store}-${Date.now()}`, { bsn: BSN }), { traceparent: `00-${TRACE}-${CALLER_SPAN}-01` });
    expect(res.status).toBe(202);
    expect(res.headers.get('traceparent')).toMatch(new RegExp(`^00-${TRACE}-[0-9a-f]{16}-01$`));
    messageId = res.json.id as string;
    await waitFor(async () => (await gateway.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ldv_records WHERE message_id = $1 AND name = 'delivered'`, [messageId])).rows[0]!.n > 0);
  });
  afterAll(async () => {
    await gateway?.close();
    await webhook.stop();
  });

  test('one record per step and subject, all in the caller trace, with the dpl.core attributes and never the BSN', async () => {
    const events = await gateway.log.eventsForMessage(messageId);
    const records = await gateway.db.query<{ trace_id: string; span_id: string; parent_span_id: string; name: string; event_seq: string; status_code: string; attributes: Record<string, string> }>(
      'SELECT trace_id, span_id, parent_span_id, name, event_seq, status_code, attributes FROM ldv_records WHERE message_id = $1 ORDER BY id',
      [messageId],
    );
    // Exactly one per step (one subject, one route), linked to the event it belongs to: accepting
    // (received, validated, routed, mapped in one transaction) is one step.
    expect(events.map((e) => e.eventType)).toEqual(['accepted', 'delivery_attempted', 'delivered']);
    expect(records.rows.map((r) => r.name)).toEqual(['accepted', 'delivery_attempted', 'delivered']);
    expect(records.rows.map((r) => r.name)).toEqual(events.flatMap((e) => stepsOf(e)));
    expect(records.rows.map((r) => Number(r.event_seq))).toEqual(events.flatMap((e) => stepsOf(e).map(() => e.seq)));
    expect(records.rows.map((r) => r.attributes['knooppunt.step'])).toEqual(records.rows.map((r) => r.name));
    const hash = subjectHash(gateway.ring, BSN);
    for (const r of records.rows) {
      expect(r.trace_id).toBe(TRACE);
      expect(r.span_id).toMatch(/^[0-9a-f]{16}$/);
      expect(r.status_code).toBe('STATUS_CODE_OK');
      expect(r.attributes).toMatchObject({
        'dpl.core.processing_activity_id': 'https://knooppunt.example/ldv/v1/processing_activities/route.toewijzing-naar-aanbieder/versions/1',
        'dpl.core.data_subject_id': hash,
        'dpl.core.data_subject_id_type': 'BSN',
        'dpl.core.foreign_operation.span_id': CALLER_SPAN,
      });
      expect(JSON.stringify(r)).not.toContain(BSN);
    }
    expect(new Set(records.rows.map((r) => r.span_id)).size).toBe(records.rows.length);
    expect(new Set(records.rows.map((r) => r.parent_span_id)).size).toBe(1);
  });

  test('the webhook receives the trace context of the message', () => {
    const delivered = webhook.requests.find((r) => r.headers['x-knooppunt-message-id'] === messageId);
    expect(delivered?.headers.traceparent).toMatch(new RegExp(`^00-${TRACE}-[0-9a-f]{16}-01$`));
  });

  test('a message without traceparent starts a trace of its own', async () => {
    const res = await post(baseUrl, KEYS.enschede, toewijzing(`LDV-own-${store}-${Date.now()}`, { bsn: '999990627' }));
    const own = /^00-([0-9a-f]{32})-/.exec(res.headers.get('traceparent') ?? '')?.[1];
    expect(own).toBeDefined();
    const r = await gateway.db.query<{ trace_id: string }>('SELECT DISTINCT trace_id FROM ldv_records WHERE message_id = $1', [res.json.id]);
    expect(r.rows).toEqual([{ trace_id: own }]);
  });

  test('concurrent messages written in one group-commit batch each keep their own caller trace', async () => {
    const traces = Array.from({ length: 12 }, (_, i) => `${(i + 1).toString(16).padStart(2, '0')}${'ab'.repeat(15)}`);
    const answers = await Promise.all(traces.map((trace, i) =>
      post(baseUrl, KEYS.enschede, toewijzing(`LDV-batch-${store}-${Date.now()}-${i}`, { bsn: '999990019' }), { traceparent: `00-${trace}-${CALLER_SPAN}-01` })));
    for (const [i, res] of answers.entries()) {
      expect(res.status).toBe(202);
      const r = await gateway.db.query<{ trace_id: string }>('SELECT DISTINCT trace_id FROM ldv_records WHERE message_id = $1', [res.json.id]);
      expect(r.rows).toEqual([{ trace_id: traces[i] }]);
    }
  });

  test('the register API serves the versioned processing activity', async () => {
    const res = await fetch(`${baseUrl}/ldv/v1/processing_activities/route.toewijzing-naar-aanbieder/versions/1`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: 'route.toewijzing-naar-aanbieder', version: 1, purpose: 'Uitvoering Jeugdwet', legalBasis: 'Jeugdwet art. 2.3', dataCategories: ['identificatie', 'zorgtoewijzing'] });
    expect((await fetch(`${baseUrl}/ldv/v1/processing_activities/route.toewijzing-naar-aanbieder/versions/2`)).status).toBe(404);
    const list = (await (await fetch(`${baseUrl}/ldv/v1/processing_activities`)).json()) as { items: Array<{ activityId: string }> };
    expect(list.items.map((i) => i.activityId)).toEqual(expect.arrayContaining(['route.toewijzing-naar-aanbieder', 'knooppunt.berichtverkeer']));
  });

  test('lezen answers by trace, by activity version and by keyed subject; 400 without a criterion; the reader is audited, not logged in LDV', async () => {
    const hash = subjectHash(gateway.ring, BSN);
    const byTrace = await privacy.post('/console/api/ldv/data-processing-operations', { traceId: TRACE });
    expect(byTrace.status).toBe(200);
    const n = byTrace.json.items.length;
    expect(n).toBe((await gateway.log.eventsForMessage(messageId)).flatMap((e) => stepsOf(e)).length);
    const byActivity = await privacy.post('/console/api/ldv/data-processing-operations', {
      processingActivityId: 'https://knooppunt.example/ldv/v1/processing_activities/route.toewijzing-naar-aanbieder/versions/1',
      dataSubjectId: hash,
    });
    expect(byActivity.json.items.length).toBe(n);
    expect((await privacy.post('/console/api/ldv/data-processing-operations', { bsn: BSN })).json.items.length).toBe(n);
    const none = await privacy.post('/console/api/ldv/data-processing-operations', {});
    expect(none.status).toBe(400);
    expect(none.json.code).toBe('filter-required');
    // Who read is in the audit trail (an admin_action), and no LDV record names a console user.
    const audit = await gateway.log.events({ eventType: 'admin_action', limit: 1000 });
    expect(audit.some((e) => e.detail.action === 'ldv_read')).toBe(true);
    const leaked = await gateway.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ldv_records WHERE attributes::text LIKE '%privacy%'`);
    expect(leaked.rows[0]!.n).toBe(0);
  });
});
