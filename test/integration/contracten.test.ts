/**
 * The contract register in the message traffic, on both stores: the admin API (whole-file refusal,
 * versions), TR418 (0611 / 0200) on a real 323 through the iStandaarden channel, the ceiling
 * monitor across gemeenten (exactly one alert per threshold, amounts to the cent, log event and
 * webhook), and the CSV intake reaching the same monitor and register as an XML 323.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { Gateway } from '../../src/gateway.js';
import { XsdValidators } from '../../src/standards/istandaarden/schema/validator.js';
import { declaratie323, twenteRegister, TWENTE_REGISTER, type TestPrestatie } from '../helpers/contracten.js';
import { seedToewijzingen, syntheticBsn } from '../helpers/declaratie.js';
import { startGateway, testEnv, type StoreKind } from '../helpers/gateway.js';
import { CONFIG, DEMO, fixture, jsonFixture, postXml } from '../helpers/istandaarden.js';
import { randomUUID } from 'node:crypto';
import { TestWebhook, waitFor } from '../helpers/webhook.js';

/** The example configuration with the alert webhook pointed at the test's receiver. */
function configMetWebhook(url: string): string {
  const config = parse(readFileSync(CONFIG, 'utf8')) as { contracten: Record<string, unknown> };
  config.contracten.register = TWENTE_REGISTER;
  config.contracten.alarmWebhook = { url: `${url}/alarm`, timeoutMs: 2000 };
  const file = join(mkdtempSync(join(tmpdir(), 'knooppunt-contracten-')), 'knooppunt.yaml');
  writeFileSync(file, stringify(config));
  return file;
}

async function api(baseUrl: string, key: string, method: string, path: string, body?: string, contentType = 'application/json') {
  const res = await fetch(`${baseUrl}/contracten/v1${path}`, { method, headers: { authorization: `Bearer ${key}`, ...(body !== undefined ? { 'content-type': contentType } : {}) }, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  return { status: res.status, text, json: text && /json/.test(res.headers.get('content-type') ?? '') ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

let volgnummer = 0;
function prestaties(aantal: number, volume: number, over: Partial<TestPrestatie> = {}): TestPrestatie[] {
  return Array.from({ length: aantal }, () => {
    volgnummer++;
    return { bsn: syntheticBsn(1000 + volgnummer), toewijzingNummer: String(60000000 + volgnummer), categorie: '45', code: '45A48', begindatum: '2026-10-01', einddatum: '2026-10-31', volume, eenheid: '04', tarief: 7850, referentie: `PT${String(volgnummer).padStart(8, '0')}`, ...over };
  });
}

const STORES: StoreKind[] = ['pglite', 'postgres'];
let xsd: XsdValidators;
beforeAll(async () => {
  xsd = await XsdValidators.load();
});

describe.each(STORES)('contracts in the message traffic on %s', (store) => {
  let gateway: Gateway;
  let baseUrl: string;
  const webhook = new TestWebhook();
  const sentBsns = new Set<string>();

  beforeAll(async () => {
    const url = await webhook.start();
    ({ gateway, baseUrl } = await startGateway(await testEnv(store, 'in-process', configMetWebhook(url))));
  });
  afterAll(async () => {
    await gateway.close();
    await webhook.stop();
  });

  /** Sends a 323 from a provider to a gemeente after seeding the toewijzingen it refers to. */
  async function stuur323(aanbieder: '12345678' | '87654321', gemeente: string, ps: TestPrestatie[]) {
    for (const p of ps) sentBsns.add(p.bsn);
    await seedToewijzingen(gateway.db, 'ijw', gemeente, aanbieder, ps.map((p) => ({ toewijzingNummer: p.toewijzingNummer, categorie: p.categorie, code: p.code, ingangsdatum: '2026-01-01', einddatum: '2026-12-31', eenheid: p.eenheid })));
    const xml = declaratie323({ afzender: aanbieder, ontvanger: gemeente, identificatie: `C${++volgnummer}`, dagtekening: '2026-11-05', periode: { van: '2026-10-01', tot: '2026-10-31' }, prestaties: ps });
    return postXml(baseUrl, aanbieder === '12345678' ? DEMO.aanbiederA : DEMO.aanbiederB, xml);
  }

  it('loads the Twente register from the configuration as version 1, with a contract_changed event', async () => {
    const r = await api(baseUrl, DEMO.regio, 'GET', '/register');
    expect(r.status).toBe(200);
    expect(r.json.versie).toBe(1);
    expect((r.json.contracten as unknown[]).length).toBe(5);
    const events = await gateway.log.events({ eventType: 'contract_changed' });
    expect(events).toEqual([expect.objectContaining({ detail: expect.objectContaining({ versie: 1, wijziging: 'register-geladen', bron: 'config' }) })]);
  });

  it('refuses a register file with errors as a whole, every error by line and field, and keeps the running register', async () => {
    const csv = [
      'soort;contract;raamovereenkomst;perceel;wet;contract_van;contract_tot;hoofdaannemer;onderaannemers;gemeenten;max_per_jaar;max_totaal;categorie;code;bekostigingsvorm;eenheid;frequentie;van;tot;tarief',
      'tarief;X-1;RO;P1;ijw;2025-01-01;2025-12-31;12345678;;0153|9999;2025=1000,00;;45;45A48;inspanningsgericht;04;2;2025-01-01;2025-12-31;-5,00',
      'tarief;X-1;RO;P1;ijw;2025-01-01;2025-12-31;12345678;;0153|9999;2025=1000,00;;45;45A48;inspanningsgericht;04;2;2025-06-01;2025-12-31;5,00',
    ].join('\n');
    const r = await api(baseUrl, DEMO.regio, 'PUT', '/register', csv, 'text/csv');
    expect(r.status).toBe(422);
    expect(r.json.code).toBe('register-refused');
    const fouten = (r.json.fouten as Array<{ regel: number; veld: string }>).map((f) => `${f.regel}:${f.veld}`);
    expect(fouten).toEqual(expect.arrayContaining(['2:gemeenten', '2:tarief', '3:van']));
    expect((await api(baseUrl, DEMO.regio, 'GET', '/register')).json.versie).toBe(1);
    // Only the region changes the register.
    expect((await api(baseUrl, DEMO.aanbiederA, 'PUT', '/register', JSON.stringify(twenteRegister()))).status).toBe(403);
    expect((await api(baseUrl, DEMO.enschede, 'GET', '/register')).json.contracten).toEqual(expect.arrayContaining([expect.objectContaining({ id: 'TW-JH-2025-01' })]));
  });

  it('TR418: a declaratie with another tariff gets 0611 on the prestatie; with the contract tariff it is accepted (0200)', async () => {
    const fout = await stuur323('12345678', '0153', prestaties(1, 3, { tarief: 7900 }));
    expect(fout.headers.get('x-knooppunt-status')).toBe('rejected');
    expect(xsd.validate(fout.text, 'ijw', '325')).toEqual([]);
    const prestatie = /<(?:\w+:)?Prestatie>[\s\S]*?<\/(?:\w+:)?Prestatie>/.exec(fout.text)![0];
    expect(prestatie).toMatch(/RetourCode>0611</);
    const goed = await stuur323('12345678', '0153', prestaties(1, 3));
    expect(goed.headers.get('x-knooppunt-status')).toBe('accepted');
    expect(goed.status).toBe(202);
  });

  it('raises exactly one alert at 75 % and one at 90 % across gemeenten, amounts to the cent, in the log and by webhook', async () => {
    // Provider B's contract gets a 2026 maximum of € 10.000,00 (a new register version through the API).
    const register = twenteRegister();
    const contract = register.contracten.find((c) => c.id === 'TW-JH-2025-02')!;
    contract.maximum.perJaar['2026'] = 1_000_000;
    const put = await api(baseUrl, DEMO.regio, 'PUT', `/register/contracten/TW-JH-2025-02`, JSON.stringify(contract));
    expect(put.status).toBe(200);
    expect(put.json.versie).toBe(2);
    // 40 + 50 + 6 + 10 + 10 + 1 hours at € 78,50 over five gemeenten.
    const reeks: Array<[string, number]> = [['0153', 40], ['0164', 50], ['0141', 6], ['0153', 10], ['0147', 10], ['0164', 1]];
    for (const [gemeente, uren] of reeks) {
      const r = await stuur323('87654321', gemeente, prestaties(1, uren));
      expect(r.headers.get('x-knooppunt-status')).toBe('accepted');
    }
    const stand = await gateway.db.query<{ gedeclareerd: string }>("SELECT gedeclareerd FROM contract_standen WHERE contract_id = 'TW-JH-2025-02' AND periode = '2026'");
    expect(Number(stand.rows[0]!.gedeclareerd)).toBe(117 * 7850); // 918.450 cents
    const alarmen = await gateway.db.query<{ drempel: number; bedrag: string; maximum: string; periode: string }>("SELECT drempel, bedrag, maximum, periode FROM contract_alarmen WHERE contract_id = 'TW-JH-2025-02' ORDER BY drempel");
    expect(alarmen.rows.map((a) => ({ drempel: Number(a.drempel), bedrag: Number(a.bedrag), maximum: Number(a.maximum), periode: a.periode }))).toEqual([
      { drempel: 75, bedrag: 753_600, maximum: 1_000_000, periode: '2026' },
      { drempel: 90, bedrag: 910_600, maximum: 1_000_000, periode: '2026' },
    ]);
    const events = (await gateway.log.events({ eventType: 'contract_alert' })).filter((e) => e.detail.contract === 'TW-JH-2025-02');
    expect(events.map((e) => [e.detail.drempel, e.detail.bedrag])).toEqual([[75, 753_600], [90, 910_600]]);
    const ontvangen = await waitFor(() => {
      const a = webhook.accepted().filter((r) => r.path === '/alarm').map((r) => JSON.parse(r.body) as Record<string, unknown>).filter((b) => b.contract === 'TW-JH-2025-02');
      return a.length >= 2 ? a : undefined;
    });
    expect(ontvangen.map((b) => [b.drempel, b.bedrag, b.maximum])).toEqual([[75, 753_600, 1_000_000], [90, 910_600, 1_000_000]]);
    // A second round sends nothing again.
    await new Promise((r) => setTimeout(r, 300));
    expect(webhook.accepted().filter((r) => r.path === '/alarm' && (JSON.parse(r.body) as { contract: string }).contract === 'TW-JH-2025-02')).toHaveLength(2);
  });

  it('a CSV declaration intake reaches the same monitor and register as an XML 323', async () => {
    const voor = await gateway.db.query<{ gedeclareerd: string }>("SELECT gedeclareerd FROM contract_standen WHERE contract_id = 'TW-JH-2025-02' AND periode = '2026'");
    const bsn1 = syntheticBsn(90001);
    const bsn2 = syntheticBsn(90002);
    sentBsns.add(bsn1).add(bsn2);
    const csv = ['gemeente;bsn;referentie;categorie;code;begindatum;einddatum;volume;eenheid;tarief;bedrag', `0153;${bsn1};INT-1;45;45A48;2026-10-01;2026-10-31;2;04;78,50;157,00`, `0158;${bsn2};INT-2;45;45A48;2026-10-01;2026-10-31;1;04;78,50;78,50`].join('\n');
    const r = await api(baseUrl, DEMO.aanbiederB, 'POST', '/declaraties', csv, 'text/csv');
    expect(r.status).toBe(202);
    const na = await gateway.db.query<{ gedeclareerd: string }>("SELECT gedeclareerd FROM contract_standen WHERE contract_id = 'TW-JH-2025-02' AND periode = '2026'");
    expect(Number(na.rows[0]!.gedeclareerd) - Number(voor.rows[0]!.gedeclareerd)).toBe(23_550);
    const rijen = await gateway.db.query<{ bron: string; contract_id: string; gemeente: string; bedrag: string }>("SELECT bron, contract_id, gemeente, bedrag FROM contract_prestaties WHERE aanbieder = '87654321' ORDER BY id");
    const bronnen = new Set(rijen.rows.map((x) => `${x.bron}:${x.contract_id}`));
    expect(bronnen).toEqual(new Set(['323:TW-JH-2025-02', 'intake:TW-JH-2025-02']));
    // It is a message like any other: stored, logged, routed to the region's mailbox.
    const events = await gateway.log.eventsForMessage(r.json.messageId as string);
    expect(events.map((e) => e.eventType)).toEqual(expect.arrayContaining(['accepted']));
  });

  it('refuses an intake with errors as a whole, every error by line and field, keeping nothing', async () => {
    const voor = await gateway.db.query<{ n: string }>("SELECT count(*) AS n FROM contract_prestaties WHERE bron = 'intake'");
    const csv = ['gemeente;bsn;referentie;categorie;code;begindatum;einddatum;volume;eenheid;tarief;bedrag', `0153;${syntheticBsn(90003)};INT-3;45;45A48;2026-10-01;2026-10-31;2;04;80,00;160,00`, `0153;123456789;INT-4;45;45A48;2026-10-01;2026-11-30;1;04;78,50;78,50`, `0153;${syntheticBsn(90004)};INT-1;45;45A48;2026-10-01;2026-10-31;1;04;78,50;78,50`].join('\n');
    const r = await api(baseUrl, DEMO.aanbiederB, 'POST', '/declaraties', csv, 'text/csv');
    expect(r.status).toBe(422);
    const fouten = (r.json.fouten as Array<{ regel: number; veld: string }>).map((f) => `${f.regel}:${f.veld}`);
    expect(fouten).toEqual(expect.arrayContaining(['2:tarief', '3:bsn', '3:einddatum']));
    expect(r.text).not.toContain('123456789');
    const na = await gateway.db.query<{ n: string }>("SELECT count(*) AS n FROM contract_prestaties WHERE bron = 'intake'");
    expect(na.rows[0]!.n).toEqual(voor.rows[0]!.n);
    // A gemeente cannot deliver declarations as a provider.
    expect((await api(baseUrl, DEMO.enschede, 'POST', '/declaraties', csv, 'text/csv')).status).toBe(403);
  });

  it('never writes a BSN into the contract tables or the contract events', async () => {
    const rows = await gateway.db.query('SELECT * FROM contract_prestaties');
    const events = [...(await gateway.log.events({ eventType: 'contract_alert' })), ...(await gateway.log.events({ eventType: 'contract_check' })), ...(await gateway.log.events({ eventType: 'contract_changed' }))];
    const dump = JSON.stringify(rows.rows) + JSON.stringify(events);
    expect(sentBsns.size).toBeGreaterThan(5);
    for (const bsn of sentBsns) expect(dump).not.toContain(bsn);
  });

  it('pairs a toewijzing with its start in the conversation ledger, and alerts once on overdue steps', async () => {
    const toewijzing = jsonFixture('ijw', 'toewijzing');
    sentBsns.add('999993653');
    const res = await fetch(`${baseUrl}/api/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${DEMO.enschede}` },
      body: JSON.stringify({ messageType: 'ijw-toewijzing', messageId: randomUUID(), receiver: 'aanbieder-12345678', payload: toewijzing }),
    });
    expect(res.status).toBe(202);
    const start = await postXml(baseUrl, DEMO.aanbiederA, fixture('ijw', 'jw305.xml'));
    expect(start.status).toBe(200);
    const d = await api(baseUrl, DEMO.regio, 'GET', '/inzicht/doorlooptijden');
    expect(d.json.toewijzingTotStart).toEqual(expect.objectContaining({ aantal: 1, binnenNorm: 1, buitenNorm: 0, mediaanDagen: 7 }));
    expect(d.json.toewijzingenZonderStart).toBe(1); // 31000012 has no start
    // Half a year later: the provider never sent its retour 302, 31000012 never started.
    const achter = await gateway.contracten.gesprekken.achterstanden('2027-06-01');
    expect(achter.map((a) => `${a.termijn}:${a.gemeente}:${a.aanbieder}`)).toEqual(expect.arrayContaining(['301>302:0153:12345678', '301>305:0153:12345678']));
    expect(achter.filter((a) => a.termijn === '301>305').map((a) => a.sleutel)).toEqual(['31000012']);
    const eerste = await gateway.contracten.gesprekken.alarmeer('2027-06-01');
    expect(eerste).toBeGreaterThanOrEqual(2);
    expect(await gateway.contracten.gesprekken.alarmeer('2027-06-01')).toBe(0);
    const events = (await gateway.log.events({ eventType: 'contract_alert' })).filter((e) => e.detail.soort === 'termijn');
    expect(events).toHaveLength(eerste);
  });

  it('scopes insight: a gemeente sees its own gemeente and clients only, the region any scope or grouping', async () => {
    const eigen = await api(baseUrl, DEMO.enschede, 'GET', '/inzicht/bestedingen');
    expect(eigen.status).toBe(200);
    const items = eigen.json.items as Array<{ gemeente: string; clienten: number }>;
    expect(items.length).toBeGreaterThan(0);
    expect(new Set(items.map((i) => i.gemeente))).toEqual(new Set(['0153']));
    expect((await api(baseUrl, DEMO.enschede, 'GET', '/inzicht/bestedingen?scope=0164')).status).toBe(403);
    expect((await api(baseUrl, DEMO.enschede, 'GET', '/inzicht/clienten')).status).toBe(200);
    expect((await api(baseUrl, DEMO.regio, 'GET', '/inzicht/clienten')).status).toBe(403);
    expect((await api(baseUrl, DEMO.aanbiederA, 'GET', '/inzicht/bestedingen')).status).toBe(403);
    const dertien = await api(baseUrl, DEMO.regio, 'GET', '/inzicht/bestedingen?scope=twente-13');
    const gemeenten = new Set((dertien.json.items as Array<{ gemeente: string }>).map((i) => i.gemeente));
    expect(gemeenten.has('0164')).toBe(false);
    expect(gemeenten.has('0153')).toBe(true);
    // Clients are counted once per scope, however many prestaties they have.
    const totaal = await api(baseUrl, DEMO.regio, 'GET', '/inzicht/totalen');
    const rijen = await gateway.db.query<{ n: string }>('SELECT count(DISTINCT client_hash) AS n FROM contract_prestaties');
    expect(totaal.json.clienten).toBe(Number(rijen.rows[0]!.n));
    const zonder = await api(baseUrl, DEMO.regio, 'GET', '/inzicht/zonder-verkeer?scope=0164');
    expect(zonder.json.items).toEqual(expect.arrayContaining([expect.objectContaining({ contract: 'HGL-WMO-2025-01', code: '07A01', gemeente: '0164' })]));
  });

  it('the insight export and every API answer contain no BSN and no name', async () => {
    const paden = [
      '/inzicht/bestedingen', '/inzicht/totalen', '/inzicht/standen', '/inzicht/zonder-verkeer', '/inzicht/doorlooptijden', '/inzicht/achterstanden',
      '/inzicht/export?format=csv', '/inzicht/export?format=json', '/alarmen', '/register',
    ];
    const antwoorden: string[] = [];
    for (const pad of paden) {
      for (const key of [DEMO.regio, DEMO.enschede]) {
        const r = await api(baseUrl, key, 'GET', pad);
        expect(r.status).toBe(200);
        antwoorden.push(r.text);
      }
    }
    antwoorden.push((await api(baseUrl, DEMO.enschede, 'GET', '/inzicht/clienten')).text);
    const csv = antwoorden[12]!;
    expect(csv.split('\r\n')[0]).toBe('maand;gemeente;aanbieder;contract;wet;categorie;code;prestaties;volume;gedeclareerd_euro;toegekend_euro;clienten');
    const alles = antwoorden.join('\n');
    expect(sentBsns.size).toBeGreaterThan(5);
    for (const bsn of sentBsns) expect(alles).not.toContain(bsn);
    for (const naam of ['Berg', 'Lotte', 'Dijkstra', 'Zorgaanbieder A', 'Gemeente Enschede']) expect(alles).not.toContain(naam);
  });
});
