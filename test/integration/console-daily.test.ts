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
import { FakeZaaksysteem, soapEnvelopeOf, stufFixture, stuurgegevens } from '../helpers/stuf.js';
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
  const ids = { rest: '', istandaarden: '', stuf: '' };
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
    expect(await search(audit, refs.zaak)).toEqual([ids.stuf]);
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
    expect(await search(audit, 'Jeugd- en Wmo-backoffice')).toEqual([ids.stuf]);
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
