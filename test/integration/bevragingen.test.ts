/**
 * Bevragingen with doelbinding, against the running gateway and a real local source that counts
 * its calls: minimised answers per purpose, refusals that never reach the source, not found as an
 * answer, timeouts and broken sources as faults, caching per purpose, and both sides in the log.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { GatewayConfig } from '../../src/config/types.js';
import type { Gateway } from '../../src/gateway.js';
import { hashApiKey } from '../../src/parties/api-keys.js';
import soap from 'soap';
import { BRON_BSN, FakeBron, FakeSoapBron } from '../helpers/bron.js';
import { startGateway, testEnv, writeConfig, type QueueKind, type StoreKind } from '../helpers/gateway.js';

const KEY = { enschede: 'test-bev-0153', hengelo: 'test-bev-0164', almelo: 'test-bev-0141', aanbieder: 'test-bev-aanbieder' };

function config(bronUrl: string, soapUrl: string): GatewayConfig {
  const key = (k: string) => [{ id: 'k1', sha256: hashApiKey(k) }];
  return {
    parties: [
      { id: 'gemeente-0153', kind: 'gemeente', name: 'Enschede', code: '0153', credentials: { apiKeys: key(KEY.enschede) } },
      { id: 'gemeente-0164', kind: 'gemeente', name: 'Hengelo', code: '0164', credentials: { apiKeys: key(KEY.hengelo) } },
      { id: 'gemeente-0141', kind: 'gemeente', name: 'Almelo', code: '0141', credentials: { apiKeys: key(KEY.almelo) } },
      { id: 'aanbieder-12345678', kind: 'aanbieder', name: 'Aanbieder', code: '12345678', credentials: { apiKeys: key(KEY.aanbieder) } },
      { id: 'uwv', kind: 'bron', name: 'UWV', credentials: { apiKeys: [] } },
      { id: 'svb', kind: 'bron', name: 'SVB', credentials: { apiKeys: [] } },
    ],
    routes: [],
    bronnen: [
      { id: 'uwv-inkomen', party: 'uwv', type: 'json', url: bronUrl, timeoutMs: 500 },
      { id: 'svb-uitkeringen', party: 'svb', type: 'soap', url: soapUrl, soapAction: 'urn:knooppunt:suwi:bron:1/BronVraag', timeoutMs: 1000 },
    ],
    bevragingen: [
      { id: 'inkomen-bijstand', dienst: 'inkomen', doel: 'BIJSTAND', grondslag: 'Participatiewet art. 64 lid 1', dataCategories: ['inkomen'], partijen: ['gemeente-*'], bron: 'uwv-inkomen', mapping: 'suwi-inkomen-bijstand', cache: { ttlSeconds: 60 } },
      { id: 'uitkeringen-bijstand', dienst: 'uitkeringen', doel: 'BIJSTAND', grondslag: 'Participatiewet art. 64 lid 1', dataCategories: ['uitkeringen'], partijen: ['gemeente-*'], bron: 'svb-uitkeringen', mapping: 'suwi-uitkeringen-bijstand' },
      { id: 'inkomen-schuldhulp', dienst: 'inkomen', doel: 'SCHULDHULP', grondslag: 'Wgs art. 8a', dataCategories: ['inkomen'], partijen: ['gemeente-0153', 'gemeente-0164'], bron: 'uwv-inkomen', mapping: 'suwi-inkomen-schuldhulp', cache: { ttlSeconds: 60 } },
    ],
  };
}

const CASES: Array<{ store: StoreKind; queue: QueueKind }> = [
  { store: 'pglite', queue: 'in-process' },
  { store: 'postgres', queue: 'bullmq' },
];

describe.each(CASES)('bevragingen on $store + $queue', ({ store, queue }) => {
  let gateway: Gateway;
  let baseUrl: string;
  const bron = new FakeBron(3000);
  const soapBron = new FakeSoapBron();

  beforeAll(async () => {
    const url = await bron.start();
    const soapUrl = await soapBron.start();
    ({ gateway, baseUrl } = await startGateway(await testEnv(store, queue, writeConfig(config(url, soapUrl)))));
  });
  afterAll(async () => {
    await gateway.close();
    await bron.stop();
    await soapBron.stop();
  });

  async function vraag(key: string, body: unknown, raw?: string) {
    const res = await fetch(`${baseUrl}/api/v1/bevragingen`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: raw ?? JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  }

  it('an allowed request gets a minimised answer, different per purpose, and both sides are logged', async () => {
    const before = bron.calls;
    const bijstand = await vraag(KEY.enschede, { dienst: 'inkomen', bsn: BRON_BSN.gevonden, doel: 'BIJSTAND', zaakreferentie: 'ZAAK-0153-77' });
    expect(bijstand.status).toBe(200);
    expect(bijstand.json).toMatchObject({ uitkomst: 'gevonden', doel: 'BIJSTAND', grondslag: 'Participatiewet art. 64 lid 1', bron: 'uwv-inkomen' });
    expect(bijstand.json.gegevens).toEqual({
      inkomstenverhoudingen: [{ werkgever: 'Zorggroep Twente BV', begindatum: '2025-03-01', perioden: [{ maand: '2026-09', brutoloonCent: 245000 }, { maand: '2026-10', brutoloonCent: 251500 }] }],
    });
    const text = JSON.stringify(bijstand.json);
    for (const verboden of ['Anna', 'Langestraat', 'uren', 'ziekteverzuim', BRON_BSN.gevonden, 'loonheffingennummer']) expect(text).not.toContain(verboden);

    const schuldhulp = await vraag(KEY.enschede, { dienst: 'inkomen', bsn: BRON_BSN.gevonden, doel: 'SCHULDHULP' });
    expect(schuldhulp.status).toBe(200);
    expect(schuldhulp.json.gegevens).toEqual({ werkgevers: [{ naam: 'Zorggroep Twente BV', loonheffingennummer: '812345678L01', sinds: '2025-03-01' }] });
    // A cached answer for one purpose is never used for another: the source was asked twice.
    expect(bron.calls).toBe(before + 2);

    const id = String(bijstand.json.id);
    const events = await gateway.log.eventsForMessage(id);
    expect(events.map((e) => e.eventType)).toEqual(['received', 'answered']);
    expect(events[0]).toMatchObject({ sender: 'gemeente-0153', receiver: 'uwv', correlationId: 'ZAAK-0153-77' });
    expect(events[1]!.detail).toMatchObject({ doel: 'BIJSTAND', grondslag: 'Participatiewet art. 64 lid 1', bron: 'uwv-inkomen', uitkomst: 'gevonden', cache: 'miss' });
    const kinds = await gateway.db.query<{ kind: string }>('SELECT kind FROM payloads WHERE message_id = $1 ORDER BY kind', [id]);
    expect(kinds.rows.map((r) => r.kind)).toEqual(['answer', 'raw']);
    expect(await gateway.log.messagesForSubject(BRON_BSN.gevonden)).toEqual(expect.arrayContaining([id]));
  });

  it('a repeated question for the same purpose is answered from the cache', async () => {
    const before = bron.calls;
    const again = await vraag(KEY.hengelo, { dienst: 'inkomen', bsn: BRON_BSN.gevonden, doel: 'BIJSTAND' });
    expect(again.status).toBe(200);
    expect(bron.calls).toBe(before);
    const events = await gateway.log.eventsForMessage(String(again.json.id));
    expect(events[1]!.detail).toMatchObject({ cache: 'hit' });
  });

  it('refuses what is not allowed before any source is asked, and logs it', async () => {
    const before = bron.calls;
    const cases: Array<{ name: string; key: string; body?: unknown; raw?: string; status: number; code: string }> = [
      { name: 'a party without the purpose', key: KEY.aanbieder, body: { dienst: 'inkomen', bsn: BRON_BSN.gevonden, doel: 'BIJSTAND' }, status: 403, code: 'doel-niet-toegestaan' },
      { name: 'a gemeente not listed for the purpose', key: KEY.almelo, body: { dienst: 'inkomen', bsn: BRON_BSN.gevonden, doel: 'SCHULDHULP' }, status: 403, code: 'doel-niet-toegestaan' },
      { name: 'an unknown purpose', key: KEY.enschede, body: { dienst: 'inkomen', bsn: BRON_BSN.gevonden, doel: 'NIEUWSGIERIG' }, status: 403, code: 'doel-niet-toegestaan' },
      { name: 'a missing purpose', key: KEY.enschede, body: { dienst: 'inkomen', bsn: BRON_BSN.gevonden }, status: 422, code: 'doel-ontbreekt' },
      { name: 'an invalid BSN', key: KEY.enschede, body: { dienst: 'inkomen', bsn: '123456789', doel: 'BIJSTAND' }, status: 422, code: 'ongeldig-bsn' },
      { name: 'a malformed request', key: KEY.enschede, raw: '{"dienst": "inkomen", "bsn": ', status: 400, code: 'malformed-json' },
      { name: 'oversized input', key: KEY.enschede, raw: JSON.stringify({ dienst: 'inkomen', bsn: BRON_BSN.gevonden, doel: 'BIJSTAND', zaakreferentie: 'x'.repeat(100_000) }), status: 413, code: 'payload-too-large' },
    ];
    for (const c of cases) {
      const res = await vraag(c.key, c.body, c.raw);
      expect({ name: c.name, status: res.status, code: res.json.code }).toEqual({ name: c.name, status: c.status, code: c.code });
      expect(JSON.stringify(res.json)).not.toContain(BRON_BSN.gevonden);
    }
    expect(bron.calls).toBe(before);
    const refused = (await gateway.log.events({ limit: 2000 })).filter((e) => e.eventType === 'rejected' && e.standard === 'suwi');
    expect(refused.length).toBeGreaterThanOrEqual(4);
  });

  it('"not found" is an answer; a broken source and a slow one are faults, and nothing hangs', async () => {
    const niet = await vraag(KEY.enschede, { dienst: 'inkomen', bsn: BRON_BSN.nietGevonden, doel: 'BIJSTAND' });
    expect(niet.status).toBe(200);
    expect(niet.json).toMatchObject({ uitkomst: 'niet-gevonden' });
    expect(niet.json.gegevens).toBeUndefined();

    const kapot = await vraag(KEY.enschede, { dienst: 'inkomen', bsn: BRON_BSN.kapot, doel: 'BIJSTAND' });
    expect(kapot.status).toBe(502);
    expect(kapot.json.code).toBe('bron-niet-beschikbaar');

    bron.slowAnswered = false;
    const traag = await vraag(KEY.enschede, { dienst: 'inkomen', bsn: BRON_BSN.traag, doel: 'BIJSTAND' });
    expect(traag.status).toBe(504);
    expect(traag.json.code).toBe('bron-time-out');
    // The fault came from the configured timeout, not from waiting for the source.
    expect(bron.slowAnswered).toBe(false);
  });

  it('answers the same bevraging in suwiML style over SOAP, from a SOAP source, minimised; refuses a disallowed purpose without asking', async () => {
    const client = await soap.createClientAsync(`${baseUrl}/suwi/v1/Bevraging?wsdl`);
    client.addHttpHeader('Authorization', `Bearer ${KEY.enschede}`);
    const vraagXml = (doel: string) =>
      `<suwi:BevragingVraag xmlns:suwi="urn:knooppunt:suwi:1"><suwi:Dienst>uitkeringen</suwi:Dienst><suwi:Burgerservicenr>${BRON_BSN.gevonden}</suwi:Burgerservicenr><suwi:Doelbinding><suwi:Doel>${doel}</suwi:Doel></suwi:Doelbinding></suwi:BevragingVraag>`;
    const bevraging = (client as unknown as { BevragingAsync(a: unknown): Promise<[unknown, string]> }).BevragingAsync.bind(client);
    const before = soapBron.calls;
    const [, raw] = await bevraging({ _xml: vraagXml('BIJSTAND') });
    expect(raw).toContain('<suwi:Uitkomst>gevonden</suwi:Uitkomst>');
    expect(raw).toContain('AOW');
    for (const verboden of ['NL91ABNA0417164300', '999990627', BRON_BSN.gevonden]) expect(raw).not.toContain(verboden);
    expect(soapBron.calls).toBe(before + 1);

    const fault = await bevraging({ _xml: vraagXml('NIEUWSGIERIG') }).then(
      () => undefined,
      (err: { body?: string }) => String(err.body ?? ''),
    );
    expect(fault).toContain('doel-niet-toegestaan');
    expect(soapBron.calls).toBe(before + 1);
  });
});
