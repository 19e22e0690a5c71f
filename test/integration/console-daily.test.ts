/**
 * The console a beheerder uses every day, through its API on both stores, against the demo
 * configuration: search by every reference people quote, parties by name with their code, the
 * partially delivered status, the HTTP metrics' labels, and role checks on every new endpoint.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { createGateway, type Gateway } from '../../src/gateway.js';
import { createLogger } from '../../src/ops/logger.js';
import { post, testEnv, toewijzing, writeConfig } from '../helpers/gateway.js';
import { ConsoleClient, DEMO_USERS, demoConfig } from '../helpers/console.js';
import { DEMO, fixture, postXml, setText } from '../helpers/istandaarden.js';
import { BV03, FakeZaaksysteem, soapEnvelopeOf, stufFixture, stuurgegevens, zetEerste } from '../helpers/stuf.js';
import { waitFor } from '../helpers/webhook.js';

const JEUGD_BO = 'demo-jeugd-bo-enschede';

describe.each([{ store: 'pglite' as const }, { store: 'postgres' as const }])('console for daily use on $store', ({ store }) => {
  const zaaksysteem = new FakeZaaksysteem();
  const logLines: string[] = [];
  let gateway: Gateway;
  let baseUrl: string;
  let beheer: ConsoleClient;
  let privacy: ConsoleClient;
  let audit: ConsoleClient;
  const run = `${store}-${Date.now().toString(36)}`;
  const refs = {
    rest: `BO-${run}-1`,
    identificatie: `I${Date.now().toString().slice(-9)}`,
    referentienummer: `JeugdBO-${run}`,
    zaak: `0153-2026-8${Date.now().toString().slice(-6)}`,
  };
  const ids = { rest: '', istandaarden: '', stuf: '', vraag: '' };
  const statusOf = async (id: string) => (await gateway.db.query<{ status: string }>('SELECT status FROM messages WHERE id = $1', [id])).rows[0]?.status;

  beforeAll(async () => {
    const zdsUrl = await zaaksysteem.start();
    // The zaaksysteem is down: the StUF kennisgeving reaches the JSON mailbox but not the zaaksysteem.
    zaaksysteem.respond = () => ({ status: 503, body: 'onderhoud' });
    const env = await testEnv(store, 'in-process', writeConfig(demoConfig(zdsUrl)), { LOG_LEVEL: 'debug' });
    const sink = new Writable({ write(chunk: Buffer, _enc, cb) { logLines.push(chunk.toString()); cb(); } });
    gateway = await createGateway(env, { logger: createLogger('debug', sink) });
    baseUrl = `http://127.0.0.1:${(await gateway.listen()).port}`;
    beheer = await new ConsoleClient(baseUrl).signIn(DEMO_USERS.beheer);
    privacy = await new ConsoleClient(baseUrl).signIn(DEMO_USERS.privacy);
    audit = await new ConsoleClient(baseUrl).signIn(DEMO_USERS.audit);

    const rest = await post(baseUrl, DEMO.enschede, toewijzing(refs.rest));
    expect(rest.status).toBe(202);
    ids.rest = String(rest.json.id);

    // A WMO305 (start zorg) on a toewijzing that does not exist: rejected, but stored and findable.
    let start = fixture('iwmo', 'wmo305.xml');
    start = setText(start, 'Identificatie', refs.identificatie);
    start = setText(start, 'ToewijzingNummer', '99999999');
    start = setText(start, 'Afzender', '12345678');
    start = setText(start, 'Ontvanger', '0153');
    const x = await postXml(baseUrl, DEMO.aanbiederA, start);
    expect(x.headers.get('x-knooppunt-status')).toBe('rejected');
    ids.istandaarden = x.headers.get('x-knooppunt-message-id')!;

    const creeer = stuurgegevens(stufFixture('creeerZaak_ZakLk01.xml'), { zender: ['0153', 'JeugdBO'], ontvanger: ['0153', 'knooppunt'], referentie: refs.referentienummer })
      .replace(/0153-2026-0000123/g, refs.zaak);
    const s = await fetch(`${baseUrl}/stuf/zds/OntvangAsynchroon`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '"http://www.egem.nl/StUF/sector/zkn/0310/creeerZaak_Lk01"', authorization: `Bearer ${JEUGD_BO}` },
      body: soapEnvelopeOf(creeer),
    });
    expect(s.status).toBe(200);
    const found = await waitFor(async () => {
      const r = await gateway.db.query<{ id: string }>(`SELECT id FROM messages WHERE channel = 'stuf' AND sender_message_id LIKE $1`, [`%/${refs.referentienummer}`]);
      return r.rows[0]?.id;
    });
    ids.stuf = found;
    // A vraag about the same zaak (geefZaakdetails), answered synchronously: found by the zaakidentificatie too.
    const vraag = zetEerste(stuurgegevens(stufFixture('xsd', 'geefZaakdetails_zakLv01.xml'), { zender: ['0153', 'JeugdBO'], ontvanger: ['0153', 'knooppunt'] }), 'ZKN:identificatie', refs.zaak);
    const v = await fetch(`${baseUrl}/stuf/zds/BeantwoordVraag`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '"http://www.egem.nl/StUF/sector/zkn/0310/geefZaakdetails_Lv01"', authorization: `Bearer ${JEUGD_BO}` },
      body: soapEnvelopeOf(vraag),
    });
    expect(v.status).toBe(200);
    ids.vraag = (await gateway.db.query<{ id: string }>(`SELECT id FROM messages WHERE message_type = 'geefZaakdetails_ZakLv01' ORDER BY received_at DESC LIMIT 1`)).rows[0]!.id;
    await waitFor(async () => (await statusOf(ids.rest)) === 'delivered');
    await waitFor(async () => {
      const d = await gateway.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM deliveries WHERE message_id = $1 AND status IN ('delivered', 'dead_letter')`, [ids.stuf]);
      return d.rows[0]!.n === 2;
    }, 60_000);
  }, 120_000);

  afterAll(async () => {
    await gateway?.close();
    await zaaksysteem.stop();
  });

  const search = async (c: ConsoleClient, q: string) => {
    const r = await c.call('GET', `/exchanges?q=${encodeURIComponent(q)}&pageSize=200`);
    expect(r.status).toBe(200);
    return (r.json.items as Array<{ id: string }>).map((i) => i.id);
  };

  it('finds a message by every reference people quote', async () => {
    // The sender's own message id (REST), the iStandaarden Identificatie, the StUF referentienummer, the zaakidentificatie.
    expect(await search(audit, refs.rest)).toEqual([ids.rest]);
    expect(await search(audit, refs.rest.toLowerCase())).toEqual([ids.rest]);
    expect(await search(audit, refs.identificatie)).toEqual([ids.istandaarden]);
    expect(await search(audit, refs.referentienummer)).toEqual([ids.stuf]);
    expect((await search(audit, refs.zaak)).sort()).toEqual([ids.stuf, ids.vraag].sort());
    // The whole sender message id as the log shows it, our own id, and the short id the table shows.
    const senderId = (await gateway.db.query<{ s: string }>('SELECT sender_message_id AS s FROM messages WHERE id = $1', [ids.istandaarden])).rows[0]!.s;
    expect(senderId).toMatch(new RegExp(`^12345678/\\d+/${refs.identificatie}$`));
    expect(await search(audit, senderId)).toEqual([ids.istandaarden]);
    expect(await search(audit, ids.stuf)).toEqual([ids.stuf]);
    expect(await search(audit, ids.rest.slice(0, 8))).toContain(ids.rest);
    expect(await search(audit, ids.rest.slice(0, 8).toUpperCase())).toContain(ids.rest);
    // A party's name (part of it), or its code.
    const byName = await search(audit, 'Zorgaanbieder A');
    expect(byName).toEqual(expect.arrayContaining([ids.rest, ids.istandaarden]));
    expect(byName).not.toContain(ids.stuf);
    expect((await search(audit, 'Jeugd- en Wmo-backoffice')).sort()).toEqual([ids.stuf, ids.vraag].sort());
    const byParty = await audit.call('GET', '/exchanges?party=Enschede&pageSize=200');
    expect(byParty.json.items.map((i: { id: string }) => i.id)).toEqual(expect.arrayContaining([ids.rest, ids.istandaarden]));
    // Something nobody sent finds nothing.
    expect(await search(audit, `niet-${run}`)).toEqual([]);
    // The detail lists the references.
    const detail = await audit.call('GET', `/exchanges/${ids.istandaarden}`);
    expect(detail.json.message.senderMessageId).toBe(senderId);
    expect(detail.json.references).toEqual(expect.arrayContaining([{ kind: 'identificatie', value: refs.identificatie }]));
    const stufDetail = await audit.call('GET', `/exchanges/${ids.stuf}`);
    expect(stufDetail.json.references).toEqual(expect.arrayContaining([{ kind: 'referentienummer', value: refs.referentienummer }]));
  });

  it('keeps references out of the process log and out of the plain columns beside them', async () => {
    const all = logLines.join('');
    expect(all.length).toBeGreaterThan(0);
    for (const r of Object.values(refs)) expect(all).not.toContain(r);
    // Only identifiers of messages are indexed: never the BSN of the messages.
    const stored = await gateway.db.query<{ value: string }>('SELECT value FROM message_references');
    expect(JSON.stringify(stored.rows)).not.toMatch(/999993653|Jansen/);
  });

  it('lists the parties by name with their code, for every console role', async () => {
    for (const c of [beheer, privacy, audit]) {
      const r = await c.call('GET', '/parties');
      expect(r.status).toBe(200);
      expect(r.json.items).toEqual(expect.arrayContaining([
        { id: 'gemeente-0153', name: 'Gemeente Enschede', kind: 'gemeente', code: '0153' },
        { id: 'aanbieder-12345678', name: 'Zorgaanbieder A (fictitious)', kind: 'aanbieder', code: '12345678' },
      ]));
    }
    expect((await new ConsoleClient(baseUrl).call('GET', '/parties')).status).toBe(401);
  });

  it('shows a message delivered to one of its two destinations as partially delivered, with the count', async () => {
    const r = await audit.call('GET', `/exchanges?q=${encodeURIComponent(refs.referentienummer)}`);
    const item = r.json.items[0];
    expect(item.deliveries).toEqual({ total: 2, delivered: 1 });
    expect(item.status).toBe('partially_delivered');
    const detail = await audit.call('GET', `/exchanges/${ids.stuf}`);
    expect(detail.json.message.status).toBe('partially_delivered');
    expect(detail.json.deliveries.map((d: { status: string }) => d.status).sort()).toEqual(['dead_letter', 'delivered']);
  });

  const stufKennisgeving = async (referentie: string, zaak: string) => {
    const creeer = stuurgegevens(stufFixture('creeerZaak_ZakLk01.xml'), { zender: ['0153', 'JeugdBO'], ontvanger: ['0153', 'knooppunt'], referentie })
      .replace(/0153-2026-0000123/g, zaak);
    const r = await fetch(`${baseUrl}/stuf/zds/OntvangAsynchroon`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '"http://www.egem.nl/StUF/sector/zkn/0310/creeerZaak_Lk01"', authorization: `Bearer ${JEUGD_BO}` },
      body: soapEnvelopeOf(creeer),
    });
    expect(r.status).toBe(200);
  };
  const untilDone = (c: ConsoleClient, id: string) => waitFor(async () => {
    const j = await c.call('GET', `/jobs/${id}`);
    expect(j.status).toBe(200);
    return j.json.status === 'running' ? undefined : j.json;
  }, 60_000);
  const adminActions = async () => (await gateway.log.events({ eventType: 'admin_action', limit: 10_000 })).map((e) => e.detail as Record<string, unknown>);

  it('holds, releases and redelivers many dead letters at once by filter, as a job with progress; beheerder only; audited', async () => {
    for (let i = 0; i < 3; i++) await stufKennisgeving(`JeugdBO-${run}-bulk-${i}`, `0153-2026-7${String(i).padStart(6, '0')}`);
    const zds = () => beheer.call('GET', '/dead-letters?destination=zds-enschede&error=503&pageSize=200');
    await waitFor(async () => (await zds()).json.total === 4, 60_000);
    for (const c of [privacy, audit]) {
      expect((await c.call('GET', '/dead-letters')).status).toBe(403);
      expect((await c.call('POST', '/dead-letters/bulk', { action: 'hold', filter: {} })).status).toBe(403);
    }
    expect((await beheer.call('POST', '/dead-letters/bulk', { action: 'explode', filter: {} })).status).toBe(400);
    expect((await beheer.call('POST', '/dead-letters/bulk', { action: 'hold', filter: { colour: 'red' } })).status).toBe(400);
    expect((await beheer.call('POST', '/dead-letters/bulk', { action: 'release', filter: { status: 'dead_letter' } })).status).toBe(400);

    // Hold every dead letter to the zaaksysteem (the REST toewijzing's delivery is not touched).
    const started = await beheer.call('POST', '/dead-letters/bulk', { action: 'hold', filter: { destination: 'zds-enschede' } });
    expect(started.status).toBe(202);
    expect(started.headers.get('location')).toBe(`/console/api/jobs/${started.json.id}`);
    expect(started.json).toMatchObject({ kind: 'hold', status: 'running', createdBy: 'demo-beheer' });
    const held = await untilDone(beheer, started.json.id);
    expect(held).toMatchObject({ status: 'done', total: 4, done: 4, succeeded: 4, skipped: 0 });
    expect((await zds()).json.total).toBe(0);
    const heldList = await beheer.call('GET', '/dead-letters?status=held&pageSize=200');
    expect(heldList.json.total).toBe(4);
    expect(heldList.json.items.every((d: { status: string }) => d.status === 'held')).toBe(true);
    expect((await gateway.log.eventsForMessage(ids.stuf)).map((e) => e.eventType)).toContain('delivery_held');

    // The zaaksysteem is back: release one by id, then the rest by filter; all are delivered.
    zaaksysteem.respond = () => ({ status: 200, body: BV03 });
    const one = heldList.json.items[0].id as string;
    const first = await untilDone(beheer, (await beheer.call('POST', '/dead-letters/bulk', { action: 'release', filter: { ids: [one] } })).json.id);
    expect(first).toMatchObject({ status: 'done', total: 1, succeeded: 1 });
    const rest = await untilDone(beheer, (await beheer.call('POST', '/dead-letters/bulk', { action: 'release', filter: { destination: 'zds-enschede' } })).json.id);
    expect(rest).toMatchObject({ status: 'done', total: 3, succeeded: 3 });
    await waitFor(async () => (await gateway.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM deliveries WHERE destination_id = 'zds-enschede' AND status = 'delivered'`)).rows[0]!.n === 4, 60_000);
    expect((await gateway.log.eventsForMessage(ids.stuf)).map((e) => e.eventType).at(-1)).toBe('delivered');

    // Down again: a new dead letter, redelivered by its error text once the zaaksysteem recovers.
    zaaksysteem.respond = () => ({ status: 503, body: 'onderhoud' });
    await stufKennisgeving(`JeugdBO-${run}-bulk-x`, '0153-2026-7999999');
    await waitFor(async () => (await zds()).json.total === 1, 60_000);
    zaaksysteem.respond = () => ({ status: 200, body: BV03 });
    const again = await untilDone(beheer, (await beheer.call('POST', '/dead-letters/bulk', { action: 'redeliver', filter: { error: '503' } })).json.id);
    expect(again).toMatchObject({ status: 'done', total: 1, succeeded: 1 });
    await waitFor(async () => (await zds()).json.total === 0 && (await gateway.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM deliveries WHERE destination_id = 'zds-enschede' AND status = 'delivered'`)).rows[0]!.n === 5, 60_000);

    // Jobs are seen by whoever may start them; every action is in the log.
    expect((await audit.call('GET', `/jobs/${again.id}`)).status).toBe(403);
    expect((await privacy.call('GET', `/jobs/${again.id}`)).status).toBe(403);
    expect((await audit.call('GET', '/jobs')).status).toBe(403);
    expect((await beheer.call('GET', '/jobs')).json.items.map((j: { id: string }) => j.id)).toContain(again.id);
    const actions = await adminActions();
    expect(actions).toEqual(expect.arrayContaining([
      expect.objectContaining({ action: 'bulk_hold', user: 'demo-beheer', role: 'beheerder', total: 4, job: started.json.id }),
      expect.objectContaining({ action: 'bulk_release', user: 'demo-beheer', total: 3 }),
      expect.objectContaining({ action: 'bulk_redeliver', user: 'demo-beheer', total: 1 }),
      expect.objectContaining({ action: 'job_finished', user: 'demo-beheer', target: `job/${started.json.id}`, kind: 'hold', succeeded: 4 }),
    ]));
  });

  it('runs the retention purge as a job (privacy only), audited', async () => {
    expect((await beheer.call('POST', '/retention/purge-jobs')).status).toBe(403);
    expect((await audit.call('POST', '/retention/purge-jobs')).status).toBe(403);
    const started = await privacy.call('POST', '/retention/purge-jobs');
    expect(started.status).toBe(202);
    const job = await untilDone(privacy, started.json.id);
    expect(job).toMatchObject({ kind: 'purge', status: 'done', result: { purgedPayloads: expect.any(Number), purgedSubjectLinks: expect.any(Number) } });
    expect((await beheer.call('GET', `/jobs/${job.id}`)).status).toBe(403);
    expect((await privacy.call('GET', '/jobs')).json.items.every((j: { kind: string }) => j.kind === 'purge')).toBe(true);
    expect(await adminActions()).toEqual(expect.arrayContaining([expect.objectContaining({ action: 'purge', user: 'demo-privacy', job: job.id, status: 'done' })]));
  });

  it('gives the charts their series from the store, per party and message type', async () => {
    expect((await privacy.call('GET', '/operations/series')).status).toBe(403);
    expect((await audit.call('GET', '/operations/series?hours=5')).status).toBe(400);
    const all = await audit.call('GET', '/operations/series?hours=1');
    expect(all.status).toBe(200);
    expect(all.json.times).toHaveLength(60);
    for (const k of ['received', 'rejected', 'delivered', 'failed', 'queueDepth']) expect(all.json[k]).toHaveLength(60);
    const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
    const count = async (sql: string, params: unknown[] = []) => (await gateway.db.query<{ n: number }>(sql, params)).rows[0]!.n;
    const from = all.json.from as string;
    const to = all.json.to as string;
    expect(sum(all.json.received)).toBe(await count(`SELECT count(*)::int AS n FROM messages WHERE received_at >= $1 AND received_at < $2`, [from, to]));
    expect(sum(all.json.rejected)).toBe(await count(`SELECT count(*)::int AS n FROM messages WHERE status = 'rejected' AND received_at >= $1 AND received_at < $2`, [from, to]));
    expect(sum(all.json.delivered)).toBe(await count(`SELECT count(*)::int AS n FROM deliveries WHERE delivered_at >= $1 AND delivered_at < $2`, [from, to]));
    expect(sum(all.json.failed)).toBe(await count(`SELECT count(*)::int AS n FROM delivery_attempts WHERE outcome <> 'delivered' AND started_at >= $1 AND started_at < $2`, [from, to]));
    expect(sum(all.json.failed)).toBeGreaterThanOrEqual(10);
    expect(sum(all.json.rejected)).toBeGreaterThanOrEqual(1);
    // The back office's StUF kennisgevingen, by its name, and one message type.
    const bo = await audit.call('GET', `/operations/series?hours=1&party=${encodeURIComponent('Jeugd- en Wmo-backoffice')}&messageType=creeerZaak_ZakLk01`);
    expect(sum(bo.json.received)).toBe(await count(`SELECT count(*)::int AS n FROM messages WHERE sender = 'jeugd-bo-0153' AND message_type = 'creeerZaak_ZakLk01' AND received_at >= $1 AND received_at < $2`, [from, to]));
    expect(sum(bo.json.received)).toBe(5);
    expect(sum(bo.json.rejected)).toBe(0);
  });

  it('labels HTTP metrics by route pattern, whatever the answer, and by party', async () => {
    // An answer written by the app-level error handler (400) and a normal one (202) on the same route.
    expect((await post(baseUrl, DEMO.enschede, { messageType: 'toewijzing' })).status).toBe(400);
    expect((await post(baseUrl, DEMO.enschede, toewijzing(`BO-${run}-${randomUUID()}`))).status).toBe(202);
    expect((await post(baseUrl, undefined, toewijzing(`BO-${run}-anon`))).status).toBe(401);
    const metrics = await (await fetch(`${baseUrl}/metrics`)).text();
    const lines = metrics.split('\n').filter((l) => l.startsWith('knooppunt_http_request_seconds_count{'));
    expect(lines.some((l) => l.includes('route="/messages"'))).toBe(false);
    expect(lines).toEqual(expect.arrayContaining([
      expect.stringMatching(/method="POST",route="\/api\/v1\/messages",status="400",party="gemeente-0153"/),
      expect.stringMatching(/method="POST",route="\/api\/v1\/messages",status="202",party="gemeente-0153"/),
      expect.stringMatching(/method="POST",route="\/api\/v1\/\*",status="401",party="none"/),
      expect.stringMatching(/method="POST",route="\/stuf\/zds\/OntvangAsynchroon",status="200",party="jeugd-bo-0153"/),
      expect.stringMatching(/route="\/istandaarden\/v1\/berichten",status="200",party="aanbieder-12345678"/),
    ]));
  });
});
