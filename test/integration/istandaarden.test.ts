/**
 * The iJw/iWmo provider channel end to end, on the regional example configuration (14 Twente
 * gemeenten, two aanbieders), against the running gateway: back office JSON → 301 XML in the
 * provider's mailbox; provider XML → retourbericht + JSON for the gemeente; bad input answered
 * with a transport foutbericht; parties kept apart. Embedded and PostgreSQL + Redis drivers.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Gateway } from '../../src/gateway.js';
import { bouwRetour } from '../../src/standards/istandaarden/retour.js';
import { XsdValidators } from '../../src/standards/istandaarden/schema/validator.js';
import { vandaagInNederland } from '../../src/util/vandaag.js';
import { parseXml } from '../../src/xml/parse.js';
import { startGateway, testEnv, type QueueKind, type StoreKind } from '../helpers/gateway.js';
import { CONFIG, DEMO, fixture, getText, getWith, jsonFixture, postXml, putWith, setText } from '../helpers/istandaarden.js';
import { waitFor } from '../helpers/webhook.js';

let xsd: XsdValidators;
beforeAll(async () => {
  xsd = await XsdValidators.load();
});

const CASES: Array<{ store: StoreKind; queue: QueueKind }> = [
  { store: 'pglite', queue: 'in-process' },
  { store: 'postgres', queue: 'bullmq' },
];

async function postJson(baseUrl: string, key: string, body: unknown) {
  const res = await fetch(`${baseUrl}/api/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

type MailboxIndex = { items: Array<{ id: string; bericht: string; href: string }> };

/** The provider's next unacknowledged bericht of this type, as XML. */
async function fromProviderMailbox(baseUrl: string, key: string, bericht: string): Promise<{ id: string; xml: string }> {
  return waitFor(async () => {
    const index = await getWith(baseUrl, key, '/istandaarden/v1/mailbox');
    const item = (JSON.parse(index.text) as MailboxIndex).items.find((i) => i.bericht === bericht);
    if (!item) return undefined;
    const body = await getWith(baseUrl, key, `/istandaarden/v1/mailbox/${item.id}`);
    expect(body.type).toMatch(/xml/);
    return { id: item.id, xml: body.text };
  });
}

type JsonMailbox = { items: Array<{ id: string; messageType: string; payload: Record<string, unknown> }> };

async function fromGemeenteMailbox(baseUrl: string, key: string, messageType: string): Promise<Record<string, unknown>> {
  return waitFor(async () => {
    const res = await getWith(baseUrl, key, '/api/v1/mailbox');
    const item = (JSON.parse(res.text) as JsonMailbox).items.find((i) => i.messageType === messageType);
    return item?.payload;
  });
}

describe.each(CASES)('iStandaarden channel on $store + $queue', ({ store, queue }) => {
  let gateway: Gateway;
  let baseUrl: string;

  beforeAll(async () => {
    ({ gateway, baseUrl } = await startGateway(await testEnv(store, queue, CONFIG)));
  });
  afterAll(async () => {
    await gateway.close();
  });

  for (const standaard of ['iwmo', 'ijw'] as const) {
    const p = standaard === 'ijw' ? 'jw' : 'wmo';
    const P = standaard === 'ijw' ? 'JW' : 'WMO';

    it(`${standaard}: toewijzing as JSON → 301 XML for the provider → start zorg → 306 retour and JSON for the gemeente`, async () => {
      const toewijzing = jsonFixture(standaard, 'toewijzing');
      const sent = await postJson(baseUrl, DEMO.enschede, { messageType: `${standaard}-toewijzing`, messageId: randomUUID(), receiver: 'aanbieder-12345678', payload: toewijzing });
      expect(sent.status).toBe(202);

      const item = await fromProviderMailbox(baseUrl, DEMO.aanbiederA, `${standaard}-toewijzing`);
      expect(xsd.validate(item.xml, standaard, '301')).toEqual([]);
      expect(getText(item.xml, 'Afzender')).toBe('0153');
      expect(getText(item.xml, 'Ontvanger')).toBe('12345678');
      expect((await putWith(baseUrl, DEMO.aanbiederA, `/istandaarden/v1/mailbox/${item.id}/ontvangstbevestiging`)).status).toBe(200);

      // The provider's own retourbericht on the 301 (a 302) reaches the gemeente as JSON.
      const akkoord = { header: ['0200'], records: new Map(), problems: [], afgekeurd: false, bevindingen: [] };
      const retour302 = bouwRetour(parseXml(item.xml), standaard, '301', akkoord, { identificatie: `R${Date.now().toString().slice(-9)}`, dagtekening: vandaagInNederland(new Date()) });
      const posted302 = await postXml(baseUrl, DEMO.aanbiederA, retour302);
      expect(posted302.status).toBe(202);
      const received302 = await fromGemeenteMailbox(baseUrl, DEMO.enschede, `${P}302`);
      expect(received302).toMatchObject({ bericht: `${P}302`, afzender: '12345678', retourCodes: ['0200'] });

      // The provider starts care on the first toegewezen product of that toewijzing.
      const tp = parseXml(item.xml).children.find((c) => c.name === 'Client')!.children.find((c) => c.name === 'ToegewezenProducten')!.children[0]!;
      const field = (name: string) => tp.children.find((c) => c.name === name);
      let start = fixture(standaard, `${p}305.xml`);
      start = setText(start, 'Afzender', '12345678');
      start = setText(start, 'Ontvanger', '0153');
      start = setText(start, 'Identificatie', `S${Date.now().toString().slice(-9)}`);
      start = setText(start, 'ToewijzingNummer', field('ToewijzingNummer')!.text!);
      start = setText(start, 'ToewijzingIngangsdatum', field('Ingangsdatum')!.text!);
      start = setText(start, 'Begindatum', field('Ingangsdatum')!.text!);
      const product = field('Product');
      if (product) {
        start = setText(start, 'Categorie', product.children.find((c) => c.name === 'Categorie')!.text!);
        const code = product.children.find((c) => c.name === 'Code');
        if (code) start = setText(start, 'Code', code.text!);
      }
      const res = await postXml(baseUrl, DEMO.aanbiederA, start);
      expect(res.headers.get('x-knooppunt-status')).toBe('accepted');
      expect(res.status).toBe(200);
      expect(xsd.validate(res.text, standaard, '306')).toEqual([]);
      expect(getText(res.text, 'RetourCode')).toBe('0200');
      expect(getText(res.text, 'BerichtCode')).toBe(standaard === 'ijw' ? '439' : '419');

      const delivered = await fromGemeenteMailbox(baseUrl, DEMO.enschede, `${P}305`);
      expect(delivered).toMatchObject({ standaard, bericht: `${P}305`, afzender: '12345678', ontvanger: '0153' });
      expect(JSON.stringify(delivered.payload)).toContain(field('ToewijzingNummer')!.text!);

      // The log holds the whole trail, including the answer.
      const id = res.headers.get('x-knooppunt-message-id')!;
      const events = (await gateway.log.eventsForMessage(id)).map((e) => e.eventType);
      expect(events).toEqual(expect.arrayContaining(['accepted', 'answered', 'delivered']));

      // A resend of the same bytes gets the same retourbericht; nothing is delivered twice.
      const again = await postXml(baseUrl, DEMO.aanbiederA, start);
      expect(again.headers.get('x-knooppunt-status')).toBe('duplicate');
      expect(again.text).toBe(res.text);
    });

    it(`${standaard}: a start zorg on an unknown toewijzing gets retourcode 9019 and goes nowhere`, async () => {
      let start = fixture(standaard, `${p}305.xml`);
      start = setText(start, 'Identificatie', `U${Date.now().toString().slice(-9)}`);
      start = setText(start, 'ToewijzingNummer', '99999999');
      start = setText(start, 'Afzender', '12345678');
      start = setText(start, 'Ontvanger', '0153');
      const res = await postXml(baseUrl, DEMO.aanbiederA, start);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-knooppunt-status')).toBe('rejected');
      expect(xsd.validate(res.text, standaard, '306')).toEqual([]);
      expect(res.text).toMatch(/RetourCode>9019</);
      expect(res.text).toMatch(/RetourCode>0001</);
    });

    it(`${standaard}: a declaratie reaches the gemeente and the regional purchasing organisation`, async () => {
      let decl = fixture(standaard, `${p}323.xml`);
      decl = setText(decl, 'Identificatie', `D${Date.now().toString().slice(-9)}`);
      // The declaratie refers to toewijzingen of the fixture 301: issue those first.
      const toewijzing = jsonFixture(standaard, 'toewijzing');
      const afzender = getText(decl, 'Afzender')!;
      const ontvanger = getText(decl, 'Ontvanger')!;
      const gemeenteKey = ontvanger === '0164' ? DEMO.hengelo : DEMO.enschede;
      const sent = await postJson(baseUrl, gemeenteKey, { messageType: `${standaard}-toewijzing`, messageId: randomUUID(), receiver: `aanbieder-${afzender}`, payload: toewijzing });
      expect(sent.status).toBe(202);
      const providerKey = afzender === '12345678' ? DEMO.aanbiederA : DEMO.aanbiederB;
      const res = await postXml(baseUrl, providerKey, decl);
      expect(res.headers.get('x-knooppunt-status')).toBe('accepted');
      expect(res.status).toBe(202);
      if (!(standaard === 'iwmo' && ontvanger === '0164')) {
        const delivered = await fromGemeenteMailbox(baseUrl, gemeenteKey, `${P}323`);
        expect(delivered).toMatchObject({ bericht: `${P}323` });
      }
      const regio = await fromGemeenteMailbox(baseUrl, DEMO.regio, `${P}323`);
      expect(regio).toMatchObject({ bericht: `${P}323` });
      // Two routes, one mapping run per mapping: routes that name the same mapping share its one stored result.
      const id = res.headers.get('x-knooppunt-message-id')!;
      const mapped = await gateway.db.query<{ mapping: string; digest: string }>(
        `SELECT r->'mapped'->>'mapping' AS mapping, r->'mapped'->>'digest' AS digest
           FROM exchange_events e CROSS JOIN LATERAL jsonb_array_elements(e.detail->'routes') AS r
          WHERE e.message_id = $1 AND e.event_type = 'accepted' AND r->'mapped' IS NOT NULL`, [id]);
      const stored = await gateway.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM payloads WHERE message_id = $1 AND kind = 'mapped'`, [id]);
      const deliveries = await gateway.db.query<{ n: number }>(`SELECT count(DISTINCT payload_id)::int AS n FROM deliveries WHERE message_id = $1`, [id]);
      expect(mapped.rows).toHaveLength(2);
      const mappings = new Set(mapped.rows.map((r) => r.mapping));
      expect(stored.rows[0]!.n).toBe(mappings.size);
      expect(deliveries.rows[0]!.n).toBe(mappings.size);
      if (ontvanger !== '0164') expect(mappings).toEqual(new Set(['istandaarden-naar-json']));

      // The gemeente answers with a declaratie-antwoord in JSON; the provider gets a valid 325.
      const antwoord = jsonFixture(standaard, 'declaratie-antwoord');
      antwoord.declaratieIdentificatie = { identificatie: getText(decl, 'Identificatie'), dagtekening: getText(decl, 'Dagtekening') };
      const answered = await postJson(baseUrl, gemeenteKey, { messageType: `${standaard}-declaratie-antwoord`, messageId: randomUUID(), receiver: `aanbieder-${afzender}`, payload: antwoord });
      expect(answered).toMatchObject({ status: 202 });
      const x325 = await fromProviderMailbox(baseUrl, providerKey, `${standaard}-declaratie-antwoord`);
      expect(xsd.validate(x325.xml, standaard, '325')).toEqual([]);
    });

    it(`${standaard}: a toewijzing with a problem is refused as problem+json naming the field, nothing is sent`, async () => {
      const toewijzing = jsonFixture(standaard, 'toewijzing') as { client: { bsn: string } };
      toewijzing.client.bsn = '123456789'; // fails the elfproef
      const sent = await postJson(baseUrl, DEMO.enschede, { messageType: `${standaard}-toewijzing`, messageId: randomUUID(), receiver: 'aanbieder-87654321', payload: toewijzing });
      expect(sent.status).toBe(422);
      expect(JSON.stringify(sent.json)).not.toContain('123456789');
      expect(JSON.stringify(sent.json)).toMatch(/bsn/i);
    });
  }

  it('remembers accepted stops: one tijdelijke stop per start (TR413), no earlier Einddatum (TR414), nothing after a definitieve stop (TR415)', async () => {
    const sent = await postJson(baseUrl, DEMO.enschede, { messageType: 'ijw-toewijzing', messageId: randomUUID(), receiver: 'aanbieder-12345678', payload: jsonFixture('ijw', 'toewijzing') });
    expect(sent.status).toBe(202);
    let n = 0;
    const stop = async (reden: string, eind: string) => {
      let xml = fixture('ijw', 'jw307.xml');
      xml = setText(xml, 'Identificatie', `T${Date.now().toString().slice(-8)}${n++}`);
      xml = setText(xml, 'RedenBeeindiging', reden);
      xml = setText(xml, 'Einddatum', eind);
      const res = await postXml(baseUrl, DEMO.aanbiederA, xml);
      expect(res.status).toBe(200);
      expect(xsd.validate(res.text, 'ijw', '308')).toEqual([]);
      return [res.headers.get('x-knooppunt-status'), [...res.text.matchAll(/RetourCode>(\w+)</g)].map((m) => m[1]).join(' ')];
    };
    expect(await stop('20', '2026-10-30')).toEqual(['accepted', '0200 0200 0200']);
    expect(await stop('20', '2026-11-13')).toEqual(['rejected', '0001 9413 0200']);
    expect(await stop('37', '2026-10-16')).toEqual(['rejected', '0001 9414 0200']);
    expect(await stop('37', '2026-11-13')).toEqual(['accepted', '0200 0200 0200']);
    expect(await stop('37', '2026-11-20')).toEqual(['rejected', '0001 9415 0200']);
  });

  it('a gemeente whose back office writes iJw XML submits its own 301: validated, routed to the provider, no retour from knooppunt', async () => {
    let xml = fixture('ijw', 'jw301.xml');
    xml = setText(xml, 'Identificatie', `G${Date.now().toString().slice(-9)}`);
    const res = await postXml(baseUrl, DEMO.enschede, xml);
    expect(res.status).toBe(202);
    expect(getText(res.text, 'Foutcode')).toBeUndefined();
    const item = await fromProviderMailbox(baseUrl, DEMO.aanbiederA, 'JW301');
    expect(xsd.validate(item.xml, 'ijw', '301')).toEqual([]);
    expect(getText(item.xml, 'Identificatie')).toBe(getText(xml, 'Identificatie'));
    // Not as another gemeente: Hengelo's key cannot send Enschede's 301.
    const asOther = await postXml(baseUrl, DEMO.hengelo, setText(xml, 'Identificatie', `H${Date.now().toString().slice(-9)}`));
    expect(asOther.status).toBe(403);
    expect(getText(asOther.text, 'Foutcode')).toBe('IB002');
  });

  it('answers bad input with a transport foutbericht, logs it, and stays healthy', async () => {
    const valid = fixture('iwmo', 'wmo305.xml');
    const cases: Array<{ name: string; body: string | Buffer; type?: string; status: number; code: string }> = [
      { name: 'not well-formed', body: '<wmo305:Bericht xmlns:wmo305="x"><open>', status: 400, code: 'IB001' },
      { name: 'XML bomb', body: '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><Bericht>&lol2;</Bericht>', status: 400, code: 'IB001' },
      { name: 'external entity', body: '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><Bericht>&xxe;</Bericht>', status: 400, code: 'IB001' },
      { name: 'unsupported release', body: valid.replace(/3_2/g, '3_1'), status: 422, code: 'IB004' },
      { name: 'not XML at all', body: '{"bericht": "305"}', status: 400, code: 'IB001' },
      { name: 'wrong content type', body: valid, type: 'application/json', status: 400, code: 'IB001' },
      { name: 'XSD-invalid', body: valid.replace(/<((?:\w+:)?)Bsn>/, '<$1Bsnn>').replace(/<\/((?:\w+:)?)Bsn>/, '</$1Bsnn>'), status: 400, code: 'IB001' },
    ];
    for (const c of cases) {
      const res = await postXml(baseUrl, DEMO.aanbiederA, c.body, c.type);
      expect({ name: c.name, status: res.status }).toEqual({ name: c.name, status: c.status });
      expect(res.text).toContain(`<Foutcode>${c.code}</Foutcode>`);
      expect(res.text).not.toContain('passwd');
    }
    // A 50 MB declaratie: refused at the limit without reading it all.
    const big = Buffer.alloc(50 * 1024 * 1024, 0x20);
    const res = await postXml(baseUrl, DEMO.aanbiederA, big);
    expect(res.status).toBe(413);
    expect(res.text).toContain('<Foutcode>IB007</Foutcode>');

    const live = await fetch(`${baseUrl}/health/live`);
    expect(live.status).toBe(200);
    const refused = (await gateway.log.events({ limit: 1000 })).filter((e) => e.channel === 'istandaarden' && e.eventType === 'rejected');
    expect(refused.length).toBeGreaterThanOrEqual(cases.length);
  });

  it('keeps providers apart: no posting as another AGB code, no reading another mailbox', async () => {
    let start = fixture('iwmo', 'wmo305.xml');
    start = setText(start, 'Afzender', '12345678');
    start = setText(start, 'Ontvanger', '0153');
    const asOther = await postXml(baseUrl, DEMO.aanbiederB, start);
    expect(asOther.status).toBe(403);
    expect(asOther.text).toContain('<Foutcode>IB002</Foutcode>');

    const sent = await postJson(baseUrl, DEMO.almelo, { messageType: 'iwmo-toewijzing', messageId: randomUUID(), receiver: 'aanbieder-12345678', payload: jsonFixture('iwmo', 'toewijzing') });
    expect(sent.status).toBe(202);
    const item = await waitFor(async () => {
      const index = JSON.parse((await getWith(baseUrl, DEMO.aanbiederA, '/istandaarden/v1/mailbox')).text) as MailboxIndex;
      return index.items[0];
    });
    expect((await getWith(baseUrl, DEMO.aanbiederB, `/istandaarden/v1/mailbox/${item.id}`)).status).toBe(404);
    expect((await putWith(baseUrl, DEMO.aanbiederB, `/istandaarden/v1/mailbox/${item.id}/ontvangstbevestiging`)).status).toBe(404);
    const noKey = await postXml(baseUrl, undefined, start);
    expect(noKey.status).toBe(401);
    expect(noKey.text).toContain('<Foutcode>IB002</Foutcode>');
  });
});
