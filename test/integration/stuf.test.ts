/**
 * The StUF-ZKN channel end to end against the running gateway: every ZDS operation through a real
 * node-soap client; kennisgevingen to a JSON back office and to a StUF zaaksysteem (with retries);
 * a JSON back office's kennisgeving to the zaaksysteem; a JW315 that becomes a zaak; bad input as
 * Fo02 or SOAP Fault. Embedded and PostgreSQL + Redis.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import soap from 'soap';
import type { GatewayConfig } from '../../src/config/types.js';
import type { Gateway } from '../../src/gateway.js';
import { StufSchemas } from '../../src/standards/stuf/validator.js';
import { ZaakRegister } from '../../src/zaken/zaak-register.js';
import { parseXml, type XmlElement } from '../../src/xml/parse.js';
import { serializeXml } from '../../src/xml/build.js';
import { startGateway, testEnv, writeConfig, type QueueKind, type StoreKind } from '../helpers/gateway.js';
import { fixture, postXml, setText } from '../helpers/istandaarden.js';
import { waitFor } from '../helpers/webhook.js';
import { operatie } from '../../src/standards/stuf/operaties.js';
import { apiKey, enschedeStufPartijen, enschedeStufRoutes, FakeZaaksysteem, FO02_SERVER, zdsBestemming, soapEnvelopeOf, stufFixture, stuurgegevens, zetEerste } from '../helpers/stuf.js';

const KEY = { hengelo: 'test-zaaksysteem-0164', jeugdBo: 'test-jeugd-bo-0153', zaaksysteem: 'test-zaaksysteem-0153', zakenBo: 'test-zaken-bo-0153', gemeente: 'test-gemeente-0153', aanbieder: 'test-aanbieder-87654321' };
const ZENDER: [string, string] = ['0153', 'JeugdBO'];
const KNOOPPUNT: [string, string] = ['0153', 'knooppunt'];
const LK01_OPS = ['creeerZaak_ZakLk01', 'updateZaak_ZakLk01', 'actualiseerZaakstatus_ZakLk01', 'voegZaakdocumentToe_EdcLk01'];

function config(zdsUrl: string): GatewayConfig {
  const delivery = { maxAttempts: 5, backoffMs: 40, maxBackoffMs: 200 };
  return {
    parties: [
      { id: 'gemeente-0153', kind: 'gemeente', name: 'Gemeente Enschede', code: '0153', credentials: apiKey(KEY.gemeente) },
      { id: 'aanbieder-87654321', kind: 'aanbieder', name: 'Aanbieder B', code: '87654321', credentials: apiKey(KEY.aanbieder), maySend: ['JW315'] },
      ...enschedeStufPartijen(KEY, LK01_OPS),
      { id: 'zaaksysteem-0164', kind: 'backoffice', name: 'Zaaksysteem Hengelo', credentials: apiKey(KEY.hengelo), stuf: { organisatie: '0164', applicatie: 'ZSH' } },
    ],
    destinations: [zdsBestemming(zdsUrl)],
    routes: [
      ...enschedeStufRoutes(delivery),
      { id: 'verzoek-wordt-zaak', match: { standard: 'ijw', messageType: 'JW315', receiver: 'gemeente-0153' }, mapping: 'istandaarden-315-naar-creeerzaak', destinations: ['zds-0153'], delivery },
      { id: 'verzoek-naar-gemeente', match: { standard: 'ijw', messageType: 'JW*', receiver: 'gemeente-*' }, mapping: 'istandaarden-naar-json', destinations: ['$receiver'], delivery },
    ],
  };
}

/** The SOAP Body's child of an answer envelope. */
function bodyChild(envelope: string): XmlElement {
  const root = parseXml(envelope);
  return root.children.find((c) => c.name === 'Body')!.children[0]!;
}

function text(el: XmlElement | undefined, ...path: string[]): string | undefined {
  let cur = el;
  for (const p of path) cur = cur?.children.find((c) => c.name === p);
  return cur?.text;
}

const CASES: Array<{ store: StoreKind; queue: QueueKind }> = [
  { store: 'pglite', queue: 'in-process' },
  { store: 'postgres', queue: 'bullmq' },
];

let schemas: StufSchemas;
beforeAll(async () => {
  schemas = await StufSchemas.load();
});

describe.each(CASES)('StUF-ZKN channel on $store + $queue', ({ store, queue }) => {
  let gateway: Gateway;
  let baseUrl: string;
  const zaaksysteem = new FakeZaaksysteem();
  let zaakId = '';

  beforeAll(async () => {
    const url = await zaaksysteem.start();
    ({ gateway, baseUrl } = await startGateway(await testEnv(store, queue, writeConfig(config(url)))));
  });
  afterAll(async () => {
    await gateway.close();
    await zaaksysteem.stop();
  });

  /** A node-soap client for one ZDS endpoint, as the party with this key. */
  async function client(endpoint: string, key: string) {
    const c = await soap.createClientAsync(`${baseUrl}/stuf/zds/${endpoint}?wsdl`);
    c.addHttpHeader('Authorization', `Bearer ${key}`);
    return c;
  }

  /** Calls one operation with raw XML; resolves with the answer's Body child, or the Fault's. */
  async function call(endpoint: string, operation: string, bodyXml: string, key = KEY.jeugdBo): Promise<{ ok: boolean; body: XmlElement; raw: string }> {
    const c = await client(endpoint, key);
    // The served ZDS 1.1 WSDL names each operation as the official one does (creeerZaak_Lk01).
    const method = (c as unknown as Record<string, (args: unknown) => Promise<[unknown, string]>>)[`${operatie(operation)?.zds11?.action ?? operation}Async`]!;
    try {
      const [, raw] = await method.call(c, { _xml: bodyXml.replace(/^<\?xml[^>]*>\s*/, '').replace(/<!--[\s\S]*?-->\s*/g, '') });
      return { ok: true, body: bodyChild(raw), raw };
    } catch (err) {
      const raw = String((err as { body?: unknown }).body ?? '');
      return { ok: false, body: bodyChild(raw), raw };
    }
  }

  function validAnswer(body: XmlElement): void {
    expect(schemas.validate(serializeXml(body))).toEqual([]);
  }

  it('genereerZaakIdentificatie_Di02 → Du02 with a new zaaknummer of the zender organisatie', async () => {
    const di02 = stuurgegevens(stufFixture('xsd', 'genereerZaakIdentificatie_Di02.xml'), { zender: ZENDER, ontvanger: KNOOPPUNT });
    const res = await call('VerwerkSynchroonVrijBericht', 'genereerZaakIdentificatie_Di02', di02);
    expect(res.ok).toBe(true);
    expect(res.body.name).toBe('genereerZaakIdentificatie_Du02');
    validAnswer(res.body);
    zaakId = text(res.body, 'zaak', 'identificatie')!;
    expect(zaakId).toMatch(/^0153-\d{4}-\d{7}$/);
  });

  it('creeerZaak, updateZaak, actualiseerZaakstatus and voegZaakdocumentToe → Bv03, delivered to the JSON back office and the zaaksysteem', async () => {
    const zet = (xml: string) => xml.replace(/0153-2026-0000123/g, zaakId);
    for (const [operation, file] of [
      ['creeerZaak_ZakLk01', 'creeerZaak_ZakLk01.xml'],
      ['updateZaak_ZakLk01', 'updateZaak_ZakLk01.xml'],
      ['actualiseerZaakstatus_ZakLk01', 'actualiseerZaakstatus_ZakLk01.xml'],
      ['voegZaakdocumentToe_EdcLk01', 'voegZaakdocumentToe_EdcLk01.xml'],
    ] as const) {
      const xml = zet(stuurgegevens(stufFixture(file), { zender: ZENDER, ontvanger: KNOOPPUNT }));
      const res = await call('OntvangAsynchroon', operation, xml);
      expect({ operation, ok: res.ok, answer: res.body.name }).toEqual({ operation, ok: true, answer: 'Bv03Bericht' });
      validAnswer(res.body);
      expect(text(res.body, 'stuurgegevens', 'crossRefnummer')).toBe(/<StUF:referentienummer>([^<]*)</.exec(xml)![1]);
    }
    // The JSON back office has the four kennisgevingen as JSON; the zaaksysteem the four Lk01s with their SOAPActions.
    const mailbox = await waitFor(async () => {
      const res = await fetch(`${baseUrl}/api/v1/mailbox`, { headers: { authorization: `Bearer ${KEY.zakenBo}` } });
      const body = (await res.json()) as { items: Array<{ payload: { operatie: string } }> };
      return body.items.length >= 4 ? body.items : undefined;
    });
    expect(mailbox.map((i) => i.payload.operatie)).toEqual(['creeerZaak', 'updateZaak', 'actualiseerZaakstatus', 'voegZaakdocumentToe']);
    await waitFor(async () => (zaaksysteem.calls.length >= 4 ? true : undefined));
    expect(zaaksysteem.calls.map((c) => c.soapAction.split('/').pop())).toEqual(['creeerZaak_Lk01', 'updateZaak_Lk01', 'actualiseerZaakstatus_Lk01', 'voegZaakdocumentToe_Lk01']);
    for (const c of zaaksysteem.calls.slice(0, 4)) validAnswer(bodyChild(c.body));
  });

  it('geefZaakdetails, geefLijstZaakdocumenten and geefZaakdocumentLezen answer from the zaak register', async () => {
    const vraag = (file: string) => zetEerste(stuurgegevens(stufFixture('xsd', file), { zender: ZENDER, ontvanger: KNOOPPUNT }), 'ZKN:identificatie', zaakId);
    const details = await call('BeantwoordVraag', 'geefZaakdetails_ZakLv01', vraag('geefZaakdetails_zakLv01.xml'));
    expect(details.body.name).toBe('zakLa01');
    validAnswer(details.body);
    expect(details.raw).toContain(zaakId);
    const lijst = await call('BeantwoordVraag', 'geefLijstZaakdocumenten_ZakLv01', vraag('geefLijstZaakdocumenten_zakLv01.xml'));
    expect(lijst.body.name).toBe('zakLa01');
    validAnswer(lijst.body);
    const docId = /<ZKN:identificatie>([^<]*)<\/ZKN:identificatie>/.exec(stufFixture('voegZaakdocumentToe_EdcLk01.xml'))![1]!;
    expect(lijst.raw).toContain(docId);
    const lezen = await call(
      'BeantwoordVraag',
      'geefZaakdocumentLezen_EdcLv01',
      zetEerste(stuurgegevens(stufFixture('xsd', 'geefZaakdocumentLezen_edcLv01.xml'), { zender: ZENDER, ontvanger: KNOOPPUNT }), 'ZKN:identificatie', docId),
    );
    expect(lezen.body.name).toBe('edcLa01');
    validAnswer(lezen.body);
    expect(lezen.raw).toContain('inhoud');

    // Another organisation's party cannot read it: for Hengelo the zaak of Enschede does not exist.
    const alsHengelo = zetEerste(
      stuurgegevens(stufFixture('xsd', 'geefZaakdetails_zakLv01.xml'), { zender: ['0164', 'ZSH'], ontvanger: ['0164', 'knooppunt'] }),
      'ZKN:identificatie',
      zaakId,
    );
    const vreemd = await call('BeantwoordVraag', 'geefZaakdetails_ZakLv01', alsHengelo, KEY.hengelo);
    expect(vreemd.ok).toBe(false);
    expect(vreemd.raw).toContain('StUF064');
    expect(vreemd.raw).not.toContain(zaakId);
  });

  it('a JSON back office sends a kennisgeving; the zaaksysteem gets a valid Lk01, after retrying a Fo02 (server)', async () => {
    const before = zaaksysteem.calls.length;
    zaaksysteem.respond = (n) => (n <= before + 2 ? { status: 500, body: FO02_SERVER } : { status: 200, body: stufFixture('xsd', 'Bv03Bericht.xml').includes('Envelope') ? stufFixture('xsd', 'Bv03Bericht.xml') : soapEnvelopeOf(stufFixture('xsd', 'Bv03Bericht.xml')) });
    const payload = { operatie: 'actualiseerZaakstatus', mutatiesoort: 'W', oud: { identificatie: zaakId }, nieuw: { identificatie: zaakId, status: { code: 'BEH', omschrijving: 'In behandeling', volgnummer: 2, datumStatusGezet: '2026-11-23T09:00:00' } } };
    const res = await fetch(`${baseUrl}/api/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY.zakenBo}` },
      body: JSON.stringify({ messageType: 'zaak-kennisgeving', messageId: randomUUID(), receiver: 'zaaksysteem-0153', payload }),
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    await waitFor(async () => (zaaksysteem.calls.length >= before + 3 ? true : undefined));
    const delivered = zaaksysteem.calls[before + 2]!;
    expect(delivered.soapAction).toBe('http://www.egem.nl/StUF/sector/zkn/0310/actualiseerZaakstatus_Lk01');
    validAnswer(bodyChild(delivered.body));
    const events = await waitFor(async () => {
      const e = (await gateway.log.eventsForMessage(id)).map((x) => x.eventType);
      return e.includes('delivered') ? e : undefined;
    });
    expect(events.filter((e) => e === 'delivery_attempted')).toHaveLength(3);
    zaaksysteem.respond = () => ({ status: 200, body: soapEnvelopeOf(stufFixture('xsd', 'Bv03Bericht.xml')) });

    // Afterwards the zaaksysteem refuses it in a Fo03 of its own (through the served WSDL's Fo03
    // operation): its crossRefnummer is the Lk01's referentienummer, knooppunt's message id.
    const sg = bodyChild(delivered.body).children.find((c) => c.name === 'stuurgegevens')!;
    const ref = sg.children.find((c) => c.name === 'referentienummer')!.text!;
    expect(ref).toBe(id);
    const fo03 = (org: string) =>
      `<StUF:Fo03Bericht xmlns:StUF="http://www.egem.nl/StUF/StUF0301"><StUF:stuurgegevens><StUF:berichtcode>Fo03</StUF:berichtcode>` +
      `<StUF:zender><StUF:organisatie>${org}</StUF:organisatie><StUF:applicatie>ZSH</StUF:applicatie></StUF:zender><StUF:ontvanger><StUF:organisatie>0153</StUF:organisatie><StUF:applicatie>ZakenBO</StUF:applicatie></StUF:ontvanger>` +
      `<StUF:referentienummer>ZSH-${randomUUID().slice(0, 8)}</StUF:referentienummer><StUF:tijdstipBericht>20261202120000000</StUF:tijdstipBericht><StUF:crossRefnummer>${ref}</StUF:crossRefnummer></StUF:stuurgegevens>` +
      '<StUF:body><StUF:code>StUF064</StUF:code><StUF:plek>client</StUF:plek><StUF:omschrijving>Object niet gevonden</StUF:omschrijving></StUF:body></StUF:Fo03Bericht>';
    // Hengelo's zaaksysteem did not get it: StUF052, and nothing changes.
    const vreemd = await call('OntvangAsynchroon', 'Fo03', fo03('0164'), KEY.hengelo);
    expect(vreemd.ok).toBe(false);
    expect(vreemd.raw).toContain('StUF052');
    const fo = await call('OntvangAsynchroon', 'Fo03', fo03('0153'), KEY.zaaksysteem);
    expect([fo.ok, fo.body.name]).toEqual([true, 'Bv03Bericht']);
    validAnswer(fo.body);
    const d = await gateway.db.query<{ status: string; receiver_outcome: string; receiver_reason: unknown }>('SELECT status, receiver_outcome, receiver_reason FROM deliveries WHERE message_id = $1', [id]);
    expect(d.rows).toEqual([{ status: 'delivered', receiver_outcome: 'refused', receiver_reason: { foutcode: 'StUF064', plek: 'client' } }]);
    expect((await gateway.log.eventsForMessage(id)).filter((e) => e.eventType === 'receiver_answered').map((e) => [e.detail.bericht, e.detail.outcome, e.receiver])).toEqual([['Fo03', 'refused', 'zaaksysteem-0153']]);
    // The back office that sent it reads the refusal in its message view.
    const view = (await (await fetch(`${baseUrl}/api/v1/messages/${id}`, { headers: { authorization: `Bearer ${KEY.zakenBo}` } })).json()) as { deliveries: Array<Record<string, unknown>> };
    expect(view.deliveries.map((x) => [x.status, x.receiverOutcome, x.receiverReason])).toEqual([['delivered', 'refused', { foutcode: 'StUF064', plek: 'client' }]]);
  });

  it('a JW315 verzoek om toewijzing creates a zaak in the zaaksysteem, and the zaak stays with the exchange', async () => {
    const before = zaaksysteem.calls.length;
    let vot = fixture('ijw', 'jw315.xml');
    vot = setText(vot, 'Identificatie', `V${Date.now().toString().slice(-9)}`);
    const res = await postXml(baseUrl, KEY.aanbieder, vot);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-knooppunt-status')).toBe('accepted');
    const id = res.headers.get('x-knooppunt-message-id')!;
    await waitFor(async () => (zaaksysteem.calls.length > before ? true : undefined));
    const creeer = zaaksysteem.calls[before]!;
    expect(creeer.soapAction).toBe('http://www.egem.nl/StUF/sector/zkn/0310/creeerZaak_Lk01');
    const lk01 = bodyChild(creeer.body);
    validAnswer(lk01);
    const nieuweZaak = lk01.children.find((c) => c.name === 'object')!.children.find((c) => c.name === 'identificatie')!.text!;
    expect(nieuweZaak).toMatch(/^0153-\d{4}-\d{7}$/);
    const koppelingen = await new ZaakRegister(gateway.db, gateway.ring).zakenVanBericht(id);
    expect(koppelingen).toEqual([{ zaak: nieuweZaak, rol: 'aangemaakt' }]);
    const events = await gateway.log.eventsForMessage(id);
    const accepted = events.find((e) => e.eventType === 'accepted')!;
    expect((accepted.detail.routes as Array<{ mapped?: { zaak?: string } }>).some((r) => r.mapped?.zaak === nieuweZaak)).toBe(true);
    expect(events.map((e) => e.eventType)).toEqual(expect.arrayContaining(['accepted', 'answered']));
  });

  it('refuses bad input with a Fo02 or a SOAP Fault, logs it, and stays healthy', async () => {
    const creeer = stuurgegevens(stufFixture('creeerZaak_ZakLk01.xml'), { zender: ZENDER, ontvanger: KNOOPPUNT }).replace(/0153-2026-0000123/g, `0153-2026-9${Date.now().toString().slice(-6)}`);
    const post = (body: string, action: string, key = KEY.jeugdBo) =>
      fetch(`${baseUrl}/stuf/zds/OntvangAsynchroon`, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${action}"`, authorization: `Bearer ${key}` }, body });
    const action = 'http://www.egem.nl/StUF/sector/zkn/0310/creeerZaak_Lk01';
    const expectations: Array<{ name: string; res: Promise<Response>; code?: string }> = [
      { name: 'wrong SOAPAction', res: post(soapEnvelopeOf(creeer), 'http://www.egem.nl/StUF/sector/zkn/0310/geefZaakdetails_Lv01') },
      { name: 'unknown zender', res: post(soapEnvelopeOf(creeer.replace('<StUF:applicatie>JeugdBO', '<StUF:applicatie>Onbekend')), action), code: 'StUF013' },
      { name: 'unknown ontvanger', res: post(soapEnvelopeOf(creeer.replace('<StUF:applicatie>knooppunt', '<StUF:applicatie>Elders')), action), code: 'StUF010' },
      { name: 'invalid entity (W with one object)', res: post(soapEnvelopeOf(creeer.replace('<StUF:mutatiesoort>T<', '<StUF:mutatiesoort>W<')), action), code: 'StUF055' },
      { name: 'missing mandatory element', res: post(soapEnvelopeOf(creeer.replace(/<ZKN:identificatie>[^<]*<\/ZKN:identificatie>/, '')), action), code: 'StUF055' },
      { name: 'XML bomb', res: post('<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>&b;</soapenv:Body></soapenv:Envelope>', action) },
      { name: 'oversized body', res: post(soapEnvelopeOf(creeer).replace('</soapenv:Body>', `<!--${'x'.repeat(6 * 1024 * 1024)}--></soapenv:Body>`), action) },
    ];
    for (const e of expectations) {
      const res = await e.res;
      const body = await res.text();
      expect({ name: e.name, status: res.status, fault: body.includes('Fault') }).toEqual({ name: e.name, status: 500, fault: true });
      if (e.code) expect({ name: e.name, code: /<StUF:code>([^<]*)</.exec(body)?.[1] }).toEqual({ name: e.name, code: e.code });
      expect(body).not.toContain('999993653');
    }
    expect((await fetch(`${baseUrl}/health/live`)).status).toBe(200);
    const refused = (await gateway.log.events({ limit: 2000 })).filter((e) => e.channel === 'stuf' && e.eventType === 'rejected');
    expect(refused.length).toBeGreaterThanOrEqual(expectations.length);
  });
});
