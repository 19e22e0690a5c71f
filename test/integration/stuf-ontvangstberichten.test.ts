/**
 * The official ZDS operations a zaaksysteem calls back, and geefLijstBesluiten:
 * - Bv01 / Bv03 / Fo01 / Fo03 about a bericht knooppunt delivered to it (crossRefnummer): answered
 *   Bv03, recorded on the delivered message (event receiver_answered) and its delivery (receiver
 *   outcome: a Fo01/Fo03 marks it refused with its foutcode, the delivery stays delivered); only
 *   from the party the delivery went to (StUF052), an unknown crossRefnummer is StUF064 naming it;
 * - overdragenZaak_Du01 about a forwarded overdragenZaak_Di01: recorded and routed back to the
 *   party that sent the overdracht (a route names overdragenZaak_Du01), answered Bv03;
 * - geefLijstBesluiten_ZakLv01: the besluiten of a zaak from knooppunt's register, bounded by
 *   maximumAantal with indicatorVervolgvraag, another organisation's zaak StUF064.
 * Every answer and foutbericht validates against the official XSDs (../shared/stuf-official).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { GatewayConfig } from '../../src/config/types.js';
import type { Gateway } from '../../src/gateway.js';
import { hashPassword } from '../../src/console/auth/passwords.js';
import { hashApiKey } from '../../src/parties/api-keys.js';
import { loadStufValidator, type StufValidator } from '../../src/standards/stuf/validator.js';
import { serializeXml } from '../../src/xml/build.js';
import type { XmlElement } from '../../src/xml/parse.js';
import { startGateway, testEnv, writeConfig } from '../helpers/gateway.js';
import { ConsoleClient } from '../helpers/console.js';
import { FakeZaaksysteem } from '../helpers/stuf.js';
import { bericht, bodyChild, withStufCorpus, find, foutcode, OFFICIAL, referentie } from '../helpers/stuf-corpus.js';
import { waitFor } from '../helpers/webhook.js';

const KEY = { bo0153: 'test-ob-bo-0153', bo0164: 'test-ob-bo-0164', zakenBo: 'test-ob-zaken-bo', zaaksysteem: 'test-ob-zaaksysteem' };
const OPS = ['creeerZaak_ZakLk01', 'voegBesluitToe_Di01', 'overdragenZaak_Di01'];
const ZDS12 = 'http://www.stufstandaarden.nl/koppelvlak/zds0120/';
const ZDS11 = 'http://www.egem.nl/StUF/sector/zkn/0310/';
const STUFACTION = 'http://www.egem.nl/StUF/StUF0301/';
const NS = 'xmlns:StUF="http://www.egem.nl/StUF/StUF0301" xmlns:ZKN="http://www.egem.nl/StUF/sector/zkn/0310" xmlns:ZDS="http://www.stufstandaarden.nl/koppelvlak/zds0120" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';

function config(zdsUrl: string, beheerHash: string): GatewayConfig {
  const key = (k: string) => [{ id: 'k1', sha256: hashApiKey(k) }];
  const delivery = { maxAttempts: 3, backoffMs: 40, maxBackoffMs: 200 };
  return {
    parties: [
      { id: 'bo-0153', kind: 'backoffice', name: 'Back office Enschede', credentials: { apiKeys: key(KEY.bo0153) }, stuf: { organisatie: '0153', applicatie: 'JeugdBO' }, maySend: OPS },
      { id: 'bo-0164', kind: 'backoffice', name: 'Back office Hengelo', credentials: { apiKeys: key(KEY.bo0164) }, stuf: { organisatie: '0164', applicatie: 'JeugdBO' }, maySend: OPS },
      { id: 'zaaksysteem', kind: 'backoffice', name: 'Zaaksysteem', credentials: { apiKeys: key(KEY.zaaksysteem) }, stuf: { organisatie: '0153', applicatie: 'ZSH' }, maySend: ['overdragenZaak_Du01'] },
      { id: 'zaken-bo', kind: 'backoffice', name: 'Zaken back office (JSON)', credentials: { apiKeys: key(KEY.zakenBo) } },
    ],
    destinations: [{ id: 'zds', type: 'stuf', url: zdsUrl, party: 'zaaksysteem', timeoutMs: 2000 }],
    routes: [
      { id: 'zaak-json', match: { standard: 'stuf-zkn', messageType: 'creeerZaak_ZakLk01' }, mapping: 'stuf-naar-json', destinations: ['mailbox-zaken-bo'], delivery },
      // Hengelo's zaken go to the same zaaksysteem: its referentienummers may equal Enschede's.
      { id: 'zaak-stuf-0164', match: { standard: 'stuf-zkn', messageType: 'creeerZaak_ZakLk01', sender: 'bo-0164' }, mapping: 'stuf-xml', destinations: ['zds'], delivery },
      { id: 'besluit-stuf', match: { standard: 'stuf-zkn', messageType: 'voegBesluitToe_Di01' }, mapping: 'stuf-xml', destinations: ['zds'], delivery },
      { id: 'overdracht-stuf', match: { standard: 'stuf-zkn', messageType: 'overdragenZaak_Di01' }, mapping: 'stuf-xml', destinations: ['zds'], delivery },
      // The zaaksysteem's answer to an overdracht goes back to the party that sent it (its mailbox, as JSON).
      { id: 'overdracht-antwoord', match: { standard: 'stuf-zkn', messageType: 'overdragenZaak_Du01' }, mapping: 'stuf-naar-json', destinations: ['$receiver'], delivery },
    ],
    console: { users: [{ id: 'beheer', name: 'Beheer', role: 'beheerder', passwordHash: beheerHash }] },
  } as GatewayConfig;
}

/** The stuurgegevens a zaaksysteem writes in its own answer about a bericht: zender ZSH, ontvanger the bericht's zender. */
function sg(code: string, crossRef: string, zender = '0153/ZSH', extra = '', ontvanger = '0153'): string {
  const [org, app] = zender.split('/');
  return `<StUF:berichtcode>${code}</StUF:berichtcode><StUF:zender><StUF:organisatie>${org}</StUF:organisatie><StUF:applicatie>${app}</StUF:applicatie></StUF:zender>` +
    `<StUF:ontvanger><StUF:organisatie>${ontvanger}</StUF:organisatie><StUF:applicatie>JeugdBO</StUF:applicatie></StUF:ontvanger>` +
    `<StUF:referentienummer>${referentie()}</StUF:referentienummer><StUF:tijdstipBericht>20261202120000000</StUF:tijdstipBericht><StUF:crossRefnummer>${crossRef}</StUF:crossRefnummer>${extra}`;
}

const bv = (code: 'Bv01' | 'Bv03', crossRef: string, zender?: string) => `<StUF:${code}Bericht ${NS}><StUF:stuurgegevens>${sg(code, crossRef, zender)}</StUF:stuurgegevens></StUF:${code}Bericht>`;
const fo = (code: 'Fo01' | 'Fo03', crossRef: string, zender?: string, ontvanger?: string) =>
  `<StUF:${code}Bericht ${NS}><StUF:stuurgegevens>${sg(code, crossRef, zender, '', ontvanger)}</StUF:stuurgegevens>` +
  `<StUF:body><StUF:code>StUF058</StUF:code><StUF:plek>server</StUF:plek><StUF:omschrijving>Proces voor afhandelen bericht geeft fout</StUF:omschrijving></StUF:body></StUF:${code}Bericht>`;
const du01 = (crossRef: string, zaak: string, antwoord: string) =>
  `<ZDS:overdragenZaak_Du01 ${NS}><ZKN:stuurgegevens>${sg('Du01', crossRef, '0153/ZSH', '<StUF:functie>overdragenZaak</StUF:functie>')}</ZKN:stuurgegevens>` +
  `<ZKN:object StUF:entiteittype="ZAK" StUF:functie="entiteit"><ZKN:identificatie>${zaak}</ZKN:identificatie><ZKN:antwoord>${antwoord}</ZKN:antwoord></ZKN:object></ZDS:overdragenZaak_Du01>`;
const lijstBesluiten = (zaak: string, org: string, max?: number) =>
  `<ZDS:geefLijstBesluiten_ZakLv01 ${NS}><ZKN:stuurgegevens><StUF:berichtcode>Lv01</StUF:berichtcode>` +
  `<StUF:zender><StUF:organisatie>${org}</StUF:organisatie><StUF:applicatie>JeugdBO</StUF:applicatie></StUF:zender><StUF:ontvanger><StUF:organisatie>0153</StUF:organisatie><StUF:applicatie>knooppunt</StUF:applicatie></StUF:ontvanger>` +
  `<StUF:referentienummer>${referentie()}</StUF:referentienummer><StUF:tijdstipBericht>20261202120000000</StUF:tijdstipBericht><StUF:entiteittype>ZAK</StUF:entiteittype></ZKN:stuurgegevens>` +
  `<ZKN:parameters><StUF:sortering>0</StUF:sortering><StUF:indicatorVervolgvraag>false</StUF:indicatorVervolgvraag>${max ? `<StUF:maximumAantal>${max}</StUF:maximumAantal>` : ''}</ZKN:parameters>` +
  `<ZKN:gelijk StUF:entiteittype="ZAK"><ZKN:identificatie>${zaak}</ZKN:identificatie></ZKN:gelijk>` +
  '<ZKN:scope><ZKN:object StUF:entiteittype="ZAK"><ZKN:identificatie xsi:nil="true"/><ZKN:leidtTot StUF:entiteittype="ZAKBSL" xsi:nil="true"/></ZKN:object></ZKN:scope></ZDS:geefLijstBesluiten_ZakLv01>';

withStufCorpus('ZDS answers of a zaaksysteem', () => {
  describe('a zaaksysteem\'s own answers about what knooppunt delivered, and geefLijstBesluiten', () => {
    let gateway: Gateway;
    let baseUrl: string;
    let official: StufValidator;
    const zaaksysteem = new FakeZaaksysteem();
    const n = `${Date.now() % 10_000_000}`;
    const Z = `0153-OB-${n}`;
    const B = [`0153-B1-${n}`, `0153-B2-${n}`];
    const REF_B1 = `REFB1-${n}`;
    const REF_OVER = `REFOV-${n}`;

    beforeAll(async () => {
      official = await loadStufValidator({ officialDir: OFFICIAL });
      const url = await zaaksysteem.start();
      ({ gateway, baseUrl } = await startGateway(await testEnv('pglite', 'in-process', writeConfig(config(url, await hashPassword('beheer-wachtwoord'))), { KNOOPPUNT_STUF_XSD_DIR: OFFICIAL })));
    }, 300_000);
    afterAll(async () => {
      await gateway.close();
      await zaaksysteem.stop();
    });

    async function post(endpoint: string, action: string, xml: string, key: string, soap12 = false): Promise<{ status: number; raw: string; answer: XmlElement }> {
      const res = await fetch(`${baseUrl}/stuf/zds/${endpoint}`, {
        method: 'POST',
        headers: soap12
          ? { authorization: `Bearer ${key}`, 'content-type': `application/soap+xml; charset=utf-8; action="${action}"` }
          : { authorization: `Bearer ${key}`, 'content-type': 'text/xml; charset=utf-8', soapaction: `"${action}"` },
        body: soap12
          ? `<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body>${xml}</env:Body></env:Envelope>`
          : `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>${xml}</soapenv:Body></soapenv:Envelope>`,
      });
      const raw = await res.text();
      return { status: res.status, raw, answer: bodyChild(raw) };
    }

    /** The answer, or the foutbericht in a Fault, validated against the official XSDs. */
    function geldig(answer: XmlElement): void {
      const el = answer.name === 'Fault' ? answer.children.find((c) => c.name === 'detail' || c.name === 'Detail')!.children[0]! : answer;
      expect(official.validate(serializeXml(el, { declaration: true }))).toEqual([]);
    }

    const events = async (messageId: string) =>
      (await gateway.db.query<{ event_type: string; detail: Record<string, unknown> }>('SELECT event_type, detail FROM exchange_events WHERE message_id = $1 ORDER BY occurred_at, seq', [messageId])).rows;
    const bezorging = async (ref: string, sender = 'bo-0153') =>
      (await gateway.db.query<{ id: string; message_id: string; status: string; receiver_outcome: string | null; receiver_reason: Record<string, unknown> | null }>(
        `SELECT d.id, d.message_id, d.status, d.receiver_outcome, d.receiver_reason FROM deliveries d JOIN messages m ON m.id = d.message_id
          WHERE m.sender = $2 AND d.destination_id = 'zds' AND d.message_id IN (SELECT message_id FROM message_references WHERE kind = 'referentienummer' AND value = $1)`, [ref, sender])).rows[0]!;

    it('knooppunt delivers the besluiten and the overdracht to the zaaksysteem (the berichten answered about below)', async () => {
      expect((await post('OntvangAsynchroon', `${ZDS12}creeerZaak_ZakLk01`, bericht('stp-creeerzaak-zaklk01-01.xml', { '01531043321819': Z }, '0153', 'zds12'), KEY.bo0153)).answer.name).toBe('Bv03Bericht');
      for (const [i, b] of B.entries()) {
        const toe = await post('OntvangAsynchroon', `${ZDS12}voegBesluitToe_Di01`, bericht('stp-voegbesluittoe-di01-01.xml', { '01533164752553': Z, '6705466889': b }, '0153', 'zds12', i === 0 ? REF_B1 : undefined), KEY.bo0153);
        expect(toe.answer.name).toBe('Bv03Bericht');
      }
      const over = await post('OntvangAsynchroon', `${ZDS12}overdragenZaak_Di01`, bericht('stp-overdragenzaak-di01.xml', { '0947775204': Z }, '0153', 'zds12', REF_OVER).replace(/\{#[\s\S]*?#\}/g, ''), KEY.bo0153);
      expect(over.answer.name).toBe('Bv03Bericht');
      await waitFor(async () => zaaksysteem.calls.find((c) => c.body.includes(REF_OVER)));
      await waitFor(async () => ((await bezorging(REF_B1))?.status === 'delivered' ? true : undefined));
    }, 60_000);

    it('geefLijstBesluiten: the zaak\'s besluiten, bounded by maximumAantal with indicatorVervolgvraag; La01 valid; another organisation StUF064', async () => {
      const alle = await post('BeantwoordVraag', `${ZDS12}geefLijstBesluiten_ZakLv01`, lijstBesluiten(Z, '0153'), KEY.bo0153);
      expect([alle.status, alle.answer.name]).toEqual([200, 'geefLijstBesluiten_ZakLa01']);
      geldig(alle.answer);
      const object = find(alle.answer, 'antwoord', 'object')!;
      expect(find(object, 'identificatie')?.text).toBe(Z);
      expect(object.children.filter((c) => c.name === 'leidtTot').map((l) => find(l, 'gerelateerde', 'identificatie')?.text)).toEqual(B);
      expect(find(alle.answer, 'parameters', 'indicatorVervolgvraag')?.text).toBe('false');

      const een = await post('BeantwoordVraag', `${ZDS12}geefLijstBesluiten_ZakLv01`, lijstBesluiten(Z, '0153', 1), KEY.bo0153, true);
      geldig(een.answer);
      expect(find(een.answer, 'antwoord', 'object')!.children.filter((c) => c.name === 'leidtTot')).toHaveLength(1);
      expect(find(een.answer, 'parameters', 'indicatorVervolgvraag')?.text).toBe('true');

      const ander = await post('BeantwoordVraag', `${ZDS12}geefLijstBesluiten_ZakLv01`, lijstBesluiten(Z, '0164'), KEY.bo0164);
      expect(ander.status).toBe(500);
      expect(foutcode(ander.answer)).toBe('StUF064');
      expect(ander.raw).toContain('Fo02Bericht');
      geldig(ander.answer);
    }, 60_000);

    it('Bv01 (ZDS 1.2) and Bv03 (ZDS 1.1 action, SOAP 1.2) about a delivered besluit: Bv03, recorded on that message and delivery', async () => {
      const d = await bezorging(REF_B1);
      const vraag = bv('Bv01', REF_B1);
      const bv01 = await post('OntvangAsynchroon', `${STUFACTION}Bv01`, vraag, KEY.zaaksysteem);
      expect([bv01.status, bv01.answer.name]).toEqual([200, 'Bv03Bericht']);
      geldig(bv01.answer);
      // knooppunt's Bv03 answers the Bv01 itself (its referentienummer as crossRefnummer).
      expect(find(bv01.answer, 'stuurgegevens', 'crossRefnummer')?.text).toBe(/<StUF:referentienummer>([^<]+)</.exec(vraag)![1]);
      const bv03 = await post('OntvangAsynchroon', `${STUFACTION}Bv03`, bv('Bv03', REF_B1), KEY.zaaksysteem, true);
      expect(bv03.answer.name).toBe('Bv03Bericht');
      geldig(bv03.answer);
      const op = (await events(d.message_id)).filter((e) => e.event_type === 'receiver_answered');
      expect(op.map((e) => [e.detail.bericht, e.detail.outcome, e.detail.delivery])).toEqual([['Bv01', 'accepted', d.id], ['Bv03', 'accepted', d.id]]);
      expect((await bezorging(REF_B1)).receiver_outcome).toBe('accepted');
    }, 60_000);

    it('a Fo03 and a Fo01 about it: refused by the receiver with the foutcode kept, the delivery still delivered; nothing in plain text in the event', async () => {
      const fo03 = await post('OntvangAsynchroon', `${STUFACTION}Fo03`, fo('Fo03', REF_B1), KEY.zaaksysteem);
      expect([fo03.status, fo03.answer.name]).toEqual([200, 'Bv03Bericht']);
      geldig(fo03.answer);
      const d = await bezorging(REF_B1);
      expect([d.status, d.receiver_outcome, d.receiver_reason]).toEqual(['delivered', 'refused', { foutcode: 'StUF058', plek: 'server' }]);
      // A later Bv03 does not undo the refusal.
      await post('OntvangAsynchroon', `${STUFACTION}Fo01`, fo('Fo01', REF_B1), KEY.zaaksysteem);
      await post('OntvangAsynchroon', `${STUFACTION}Bv03`, bv('Bv03', REF_B1), KEY.zaaksysteem);
      expect((await bezorging(REF_B1)).receiver_outcome).toBe('refused');
      const op = (await events(d.message_id)).filter((e) => e.event_type === 'receiver_answered');
      expect(op.map((e) => e.detail.bericht)).toEqual(['Bv01', 'Bv03', 'Fo03', 'Fo01', 'Bv03']);
      expect(JSON.stringify(op)).not.toMatch(/Proces voor afhandelen|JeugdBO/);
      // The console's message view shows it: the event in the timeline, the outcome on the delivery.
      const view = (await (await new ConsoleClient(baseUrl).signIn('beheer', 'beheer-wachtwoord')).call('GET', `/exchanges/${d.message_id}`)).json;
      expect(view.events.filter((e: { type: string }) => e.type === 'receiver_answered')).toHaveLength(5);
      expect(view.deliveries.map((x: Record<string, unknown>) => [x.status, x.receiverOutcome, x.receiverReason])).toEqual([['delivered', 'refused', { foutcode: 'StUF058', plek: 'server' }]]);
      // The payload the zaaksysteem got is still there.
      const payload = await gateway.db.query('SELECT ciphertext IS NOT NULL AS bewaard FROM payloads p JOIN deliveries d ON d.payload_id = p.id WHERE d.id = $1', [d.id]);
      expect(payload.rows).toEqual([{ bewaard: true }]);
    }, 60_000);

    it('from a party the bericht was not delivered to: Fo03 StUF052; an unknown crossRefnummer: Fo03 StUF064 naming it; both valid', async () => {
      const d = await bezorging(REF_B1);
      const voor = (await events(d.message_id)).length;
      const vreemd = await post('OntvangAsynchroon', `${STUFACTION}Fo01`, fo('Fo01', REF_B1, '0164/JeugdBO'), KEY.bo0164);
      expect(vreemd.status).toBe(500);
      expect(vreemd.raw).toContain('Fo03Bericht');
      expect(foutcode(vreemd.answer)).toBe('StUF052');
      geldig(vreemd.answer);
      expect((await events(d.message_id)).length).toBe(voor);

      const onbekend = await post('OntvangAsynchroon', `${STUFACTION}Bv03`, bv('Bv03', `ONBEKEND-${n}`), KEY.zaaksysteem);
      expect(foutcode(onbekend.answer)).toBe('StUF064');
      expect(onbekend.raw).toContain(`ONBEKEND-${n}`);
      geldig(onbekend.answer);
    }, 60_000);

    it('two senders\' berichten with one referentienummer: the answer\'s ontvanger tells which delivery it is about', async () => {
      const Z164 = `0164-OB-${n}`;
      const creeer = await post('OntvangAsynchroon', `${ZDS12}creeerZaak_ZakLk01`, bericht('stp-creeerzaak-zaklk01-01.xml', { '01531043321819': Z164 }, '0164', 'zds12', REF_B1), KEY.bo0164);
      expect(creeer.answer.name).toBe('Bv03Bericht');
      await waitFor(async () => ((await bezorging(REF_B1, 'bo-0164'))?.status === 'delivered' ? true : undefined));
      // About Enschede's (ontvanger 0153), though Hengelo's is the newer delivery with that referentienummer.
      expect((await post('OntvangAsynchroon', `${STUFACTION}Bv03`, bv('Bv03', REF_B1), KEY.zaaksysteem)).answer.name).toBe('Bv03Bericht');
      const enschede = await bezorging(REF_B1);
      expect((await events(enschede.message_id)).filter((e) => e.event_type === 'receiver_answered')).toHaveLength(6);
      const hengelo = await bezorging(REF_B1, 'bo-0164');
      expect((await events(hengelo.message_id)).filter((e) => e.event_type === 'receiver_answered')).toHaveLength(0);
      // About Hengelo's (ontvanger 0164).
      const r = await post('OntvangAsynchroon', `${STUFACTION}Fo01`, fo('Fo01', REF_B1, '0153/ZSH', '0164'), KEY.zaaksysteem);
      expect(r.answer.name).toBe('Bv03Bericht');
      const na = await bezorging(REF_B1, 'bo-0164');
      expect([na.receiver_outcome, na.receiver_reason]).toEqual(['refused', { foutcode: 'StUF058', plek: 'server' }]);
      expect((await events(hengelo.message_id)).filter((e) => e.event_type === 'receiver_answered').map((e) => e.detail.bericht)).toEqual(['Fo01']);
      expect((await events(enschede.message_id)).filter((e) => e.event_type === 'receiver_answered')).toHaveLength(6);
    }, 60_000);

    it('overdragenZaak_Du01: recorded on the overdracht, routed back to the party that sent it, answered Bv03 (valid); not from another party', async () => {
      const vreemd = await post('OntvangAsynchroon', `${ZDS12}overdragenZaak_Du01`, du01(REF_OVER, Z, 'Overdracht geweigerd').replace('<StUF:organisatie>0153</StUF:organisatie><StUF:applicatie>ZSH</StUF:applicatie>', '<StUF:organisatie>0164</StUF:organisatie><StUF:applicatie>JeugdBO</StUF:applicatie>'), KEY.bo0164);
      expect(foutcode(vreemd.answer)).toBe('StUF052');

      const du = await post('OntvangAsynchroon', `${ZDS12}overdragenZaak_Du01`, du01(REF_OVER, Z, 'Overdracht geweigerd'), KEY.zaaksysteem);
      expect([du.status, du.answer.name]).toEqual([200, 'Bv03Bericht']);
      geldig(du.answer);
      const d = await bezorging(REF_OVER);
      expect([d.receiver_outcome, d.receiver_reason]).toEqual(['refused', { antwoord: 'Overdracht geweigerd' }]);
      expect((await events(d.message_id)).filter((e) => e.event_type === 'receiver_answered').map((e) => e.detail.bericht)).toEqual(['overdragenZaak_Du01']);
      const json = await waitFor(async () => {
        const r = await fetch(`${baseUrl}/api/v1/mailbox`, { headers: { authorization: `Bearer ${KEY.bo0153}` } });
        return ((await r.json()) as { items: Array<{ payload: Record<string, unknown> }> }).items.map((i) => i.payload).find((p) => p.operatie === 'overdragenZaak');
      });
      expect(json).toEqual({ operatie: 'overdragenZaak', zaak: Z, antwoord: 'Overdracht geweigerd' });
    }, 60_000);

    it('the ZDS 1.1 actions reach the same operations (Fo03 in the ZDS 1.1 WSDL is the StUF action too)', async () => {
      // ZDS 1.1 has no Bv01 or Du01: those actions are the ZDS 1.2 / StUF ones, a zkn0310 spelling is unknown.
      const r = await post('OntvangAsynchroon', `${ZDS11}Bv01`, bv('Bv01', REF_B1), KEY.zaaksysteem);
      expect(r.status).toBe(500);
      expect(foutcode(r.answer)).toBe('StUF040');
    });
  });
});
