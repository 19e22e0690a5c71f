/**
 * ZDS as a real client speaks it, through node-soap clients built from the OFFICIAL WSDLs
 * (../shared/stuf-official), in both wire forms (ZDS 1.1: ZKN roots and zkn0310 actions; ZDS 1.2:
 * ZDS roots and zds0120 actions), on both driver sets:
 * - the check-out / update / check-in cycle of a document (geefZaakdocumentbewerken, the lock,
 *   updateZaakdocument, cancelCheckout), and a besluit added to a zaak (ZDS 1.2 only: ZDS 1.1 has
 *   no besluit operations);
 * - another organisation's zaak is StUF064 in every form (question, kennisgeving, check-out);
 * - HTTP Basic, WS-Security UsernameToken and bearer keys each admit their party and refuse a wrong one;
 * - a retry gets the first answer; the same referentienummer with other content StUF016;
 * - SOAP 1.2 refusals are SOAP 1.2 Faults with a Fo02.
 * The messages are the StUF Testplatform's (../shared/stuf-corpus) with fresh identificaties.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import soap from 'soap';
import type { GatewayConfig } from '../../src/config/types.js';
import type { Gateway } from '../../src/gateway.js';
import { hashApiKey } from '../../src/parties/api-keys.js';
import { hashPassword } from '../../src/parties/passwords.js';
import type { XmlElement } from '../../src/xml/parse.js';
import { startGateway, testEnv, writeConfig, type QueueKind, type StoreKind } from '../helpers/gateway.js';
import { bericht, bodyChild, CORPUS, corpusPresent as present, find, foutcode, OFFICIAL, type Vorm } from '../helpers/stuf-corpus.js';


const KEY = { bo0153: 'test-bo-0153-key', bo0164: 'test-bo-0164-key' };
const PASSWORD = 'correct horse battery staple';
const OPS = ['creeerZaak_ZakLk01', 'updateZaak_ZakLk01', 'actualiseerZaakstatus_ZakLk01', 'voegZaakdocumentToe_EdcLk01', 'maakZaakdocument_EdcLk01'];

function config(): GatewayConfig {
  const key = (k: string) => [{ id: 'k1', sha256: hashApiKey(k) }];
  const scrypt = hashPassword(PASSWORD);
  return {
    parties: [
      { id: 'bo-0153', kind: 'backoffice', name: 'Back office Enschede', credentials: { apiKeys: key(KEY.bo0153), passwords: [{ id: 'p1', username: 'bo-0153', scrypt }] }, stuf: { organisatie: '0153', applicatie: 'JeugdBO' }, maySend: OPS },
      { id: 'bo-0164', kind: 'backoffice', name: 'Back office Hengelo', credentials: { apiKeys: key(KEY.bo0164), passwords: [{ id: 'p1', username: 'bo-0164', scrypt }] }, stuf: { organisatie: '0164', applicatie: 'JeugdBO' }, maySend: OPS },
      { id: 'zaken-bo', kind: 'backoffice', name: 'Zaken back office (JSON)', credentials: { apiKeys: key('test-zaken-bo-key') } },
    ],
    destinations: [],
    routes: [{ id: 'stuf-naar-json', match: { standard: 'stuf-zkn', messageType: '*Lk01' }, mapping: 'stuf-naar-json', destinations: ['mailbox-zaken-bo'] }],
  };
}

const WSDL = {
  zds11: {
    VerwerkSynchroonVrijBericht: 'zds-1.1.02/zkn0310/zs-dms/zkn0310_vrijeBerichten_zs-dms.wsdl',
    OntvangAsynchroon: 'zds-1.1.02/zkn0310/zs-dms/zkn0310_ontvangAsynchroon_mutatie_zs-dms.wsdl',
    BeantwoordVraag: 'zds-1.1.02/zkn0310/zs-dms/zkn0310_beantwoordVraag_zs-dms.wsdl',
  },
  zds12: {
    VerwerkSynchroonVrijBericht: 'zds-1.2-resolved-2017Q1/zds0120_vrijeBerichten_zs-dms.wsdl',
    OntvangAsynchroon: 'zds-1.2-resolved-2017Q1/zds0120_ontvangAsynchroon_mutatie_zs-dms.wsdl',
    BeantwoordVraag: 'zds-1.2-resolved-2017Q1/zds0120_beantwoordVraag_zs-dms.wsdl',
  },
} as const;
type Endpoint = keyof (typeof WSDL)['zds11'];

/** node-soap method per ZDS 1.2 root and form. */
const METHOD: Record<string, { zds11?: string; zds12: string }> = {
  creeerZaak_ZakLk01: { zds11: 'creeerZaak_Lk01', zds12: 'creeerZaak_ZakLk01' },
  updateZaak_ZakLk01: { zds11: 'updateZaak_Lk01', zds12: 'updateZaak_ZakLk01' },
  voegZaakdocumentToe_EdcLk01: { zds11: 'voegZaakdocumentToe_Lk01', zds12: 'voegZaakdocumentToe_EdcLk01' },
  geefZaakdetails_ZakLv01: { zds11: 'geefZaakdetails_Lv01', zds12: 'geefZaakdetails_ZakLv01' },
  geefZaakdocumentLezen_EdcLv01: { zds11: 'geefZaakdocumentLezen_Lv01', zds12: 'geefZaakdocumentLezen_EdcLv01' },
  geefZaakdocumentBewerken_Di02: { zds11: 'geefZaakdocumentbewerken_Di02', zds12: 'geefZaakdocumentbewerken_Di02' },
  updateZaakdocument_Di02: { zds11: 'updateZaakdocument_Di02', zds12: 'updateZaakdocument_Di02' },
  cancelCheckout_Di02: { zds11: 'cancelCheckout_Di02', zds12: 'cancelCheckout_Di02' },
  genereerBesluitIdentificatie_Di02: { zds12: 'genereerBesluitIdentificatie_Di02' },
  voegBesluitToe_Di01: { zds12: 'voegBesluitToe_Di01' },
  geefBesluitdetails_BslLv01: { zds12: 'geefBesluitdetails_BslLv01' },
};

const CASES: Array<{ store: StoreKind; queue: QueueKind }> = [
  { store: 'pglite', queue: 'in-process' },
  { store: 'postgres', queue: 'bullmq' },
];

if (!present && process.env.CI) {
  it('ZDS client tests needs ../shared/stuf-corpus and ../shared/stuf-official', () => {
    throw new Error(`${CORPUS} or ${OFFICIAL} is missing (set KNOOPPUNT_SHARED_DIR)`);
  });
} else if (!present) {
  console.warn(`SKIPPED: ZDS client tests: ${CORPUS} or ${OFFICIAL} is missing (set KNOOPPUNT_SHARED_DIR)`);
  it.skip('ZDS client tests (../shared missing)', () => undefined);
} else {
  describe.each(CASES)('ZDS clients on $store + $queue', ({ store, queue }) => {
    let gateway: Gateway;
    let baseUrl: string;
    const clients = new Map<string, soap.Client>();

    beforeAll(async () => {
      ({ gateway, baseUrl } = await startGateway(await testEnv(store, queue, writeConfig(config()), { KNOOPPUNT_STUF_XSD_DIR: OFFICIAL })));
    }, 120_000);
    afterAll(async () => {
      await gateway.close();
    });

    /** A node-soap client from the official WSDL of a form, pointed at knooppunt, with the given security. */
    async function client(vorm: Vorm, endpoint: Endpoint, auth: { bearer?: string; basic?: [string, string]; wss?: [string, string] }): Promise<soap.Client> {
      const c = await soap.createClientAsync(join(OFFICIAL, WSDL[vorm][endpoint]), { endpoint: `${baseUrl}/stuf/zds/${endpoint}` });
      if (auth.bearer) c.addHttpHeader('Authorization', `Bearer ${auth.bearer}`);
      if (auth.basic) c.setSecurity(new soap.BasicAuthSecurity(auth.basic[0], auth.basic[1]));
      if (auth.wss) c.setSecurity(new soap.WSSecurity(auth.wss[0], auth.wss[1], { passwordType: 'PasswordText', hasTimeStamp: false }));
      return c;
    }

    async function call(vorm: Vorm, endpoint: Endpoint, root: string, xml: string, auth: { bearer?: string; basic?: [string, string]; wss?: [string, string] } = { bearer: KEY.bo0153 }): Promise<{ ok: boolean; body: XmlElement; raw: string }> {
      const key = `${vorm}/${endpoint}/${JSON.stringify(auth)}`;
      const c = clients.get(key) ?? (await client(vorm, endpoint, auth));
      clients.set(key, c);
      const method = (c as unknown as Record<string, (args: unknown) => Promise<[unknown, string]>>)[`${METHOD[root]![vorm]!}Async`]!;
      try {
        const [, raw] = await method.call(c, { _xml: xml });
        return { ok: true, body: bodyChild(raw), raw };
      } catch (err) {
        const raw = String((err as { body?: unknown }).body ?? '');
        return { ok: false, body: bodyChild(raw), raw };
      }
    }

    describe.each(['zds11', 'zds12'] as const)('wire form %s', (vorm) => {
      const n = `${Date.now() % 1_000_000}${vorm === 'zds11' ? 1 : 2}${store === 'pglite' ? 1 : 2}`;
      const Z = `0153-T-${n}`;
      const D = `D-${n}`;
      const ids = { '01531043321819': Z, '01538350305641': Z, '0260647468': D, '{maakzaakdocument_identificatie_1}': D, '0123456789': Z, 'CHK-0001': D };

      it('creates a zaak and a document; another organisation cannot see or change them (StUF064)', async () => {
        const creeer = await call(vorm, 'OntvangAsynchroon', 'creeerZaak_ZakLk01', bericht('stp-creeerzaak-zaklk01-01.xml', ids, '0153', vorm));
        expect(creeer.body.name).toBe('Bv03Bericht');
        const doc = await call(vorm, 'OntvangAsynchroon', 'voegZaakdocumentToe_EdcLk01', bericht('stp-voegzaakdocumenttoe-edclk01-05.xml', ids, '0153', vorm));
        expect(doc.body.name).toBe('Bv03Bericht');

        const other = { bearer: KEY.bo0164 };
        const details = await call(vorm, 'BeantwoordVraag', 'geefZaakdetails_ZakLv01', bericht('stp-geefzaakdetails-zaklv01-01.xml', ids, '0164', vorm), other);
        expect(details.ok).toBe(false);
        expect(foutcode(details.body)).toBe('StUF064');
        const bewerken = await call(vorm, 'VerwerkSynchroonVrijBericht', 'geefZaakdocumentBewerken_Di02', bericht('stp-geefzaakdocumentbewerken-di02-01.xml', ids, '0164', vorm), other);
        expect(foutcode(bewerken.body)).toBe('StUF064');
        const lezen = await call(vorm, 'BeantwoordVraag', 'geefZaakdocumentLezen_EdcLv01', bericht('stp-geefzaakdocumentlezen-edclv01-01.xml', { '3116566701': D }, '0164', vorm), other);
        expect(foutcode(lezen.body)).toBe('StUF064');
        const update = await call(vorm, 'OntvangAsynchroon', 'updateZaak_ZakLk01', bericht('stp-updatezaak-zaklk01-01.xml', ids, '0164', vorm), other);
        expect(update.ok).toBe(false);
        // OntvangAsynchroon answers a refusal with a Fo03, as its WSDL declares.
        expect(update.raw).toContain('Fo03Bericht');
        expect(foutcode(update.body)).toBe('StUF064');
        // The owner sees its zaak.
        const eigen = await call(vorm, 'BeantwoordVraag', 'geefZaakdetails_ZakLv01', bericht('stp-geefzaakdetails-zaklv01-01.xml', ids, '0153', vorm));
        expect(eigen.body.name).toMatch(/La01$/);
      });

      it('checks a document out, refuses a second check-out, updates it (check-in), and cancels a later check-out', async () => {
        const uit = await call(vorm, 'VerwerkSynchroonVrijBericht', 'geefZaakdocumentBewerken_Di02', bericht('stp-geefzaakdocumentbewerken-di02-01.xml', ids, '0153', vorm));
        expect(uit.body.name.toLowerCase()).toBe('geefzaakdocumentbewerken_du02');
        const checkedOutId = find(uit.body, 'parameters', 'checkedOutId')?.text;
        expect(checkedOutId).toBe(D);
        const nogmaals = await call(vorm, 'VerwerkSynchroonVrijBericht', 'geefZaakdocumentBewerken_Di02', bericht('stp-geefzaakdocumentbewerken-di02-01.xml', ids, '0153', vorm));
        expect(nogmaals.ok).toBe(false);
        expect(foutcode(nogmaals.body)).toBe('StUF058');
        // Another organisation cannot check in the lock, even with the checkedOutId.
        const vreemd = await call(vorm, 'VerwerkSynchroonVrijBericht', 'updateZaakdocument_Di02', bericht('stp-updatezaakdocument-di02-01.xml', ids, '0164', vorm), { bearer: KEY.bo0164 });
        expect(vreemd.ok).toBe(false);
        const update = await call(vorm, 'VerwerkSynchroonVrijBericht', 'updateZaakdocument_Di02', bericht('stp-updatezaakdocument-di02-01.xml', ids, '0153', vorm));
        expect(update.body.name).toBe('Bv02Bericht');
        // Checked in: a second update has no lock to release.
        const weer = await call(vorm, 'VerwerkSynchroonVrijBericht', 'updateZaakdocument_Di02', bericht('stp-updatezaakdocument-di02-01.xml', ids, '0153', vorm));
        expect(weer.ok).toBe(false);
        const opnieuw = await call(vorm, 'VerwerkSynchroonVrijBericht', 'geefZaakdocumentBewerken_Di02', bericht('stp-geefzaakdocumentbewerken-di02-01.xml', ids, '0153', vorm));
        expect(opnieuw.ok).toBe(true);
        const cancel = await call(vorm, 'VerwerkSynchroonVrijBericht', 'cancelCheckout_Di02', bericht('stp-cancelcheckout-di02.xml', ids, '0153', vorm));
        expect(cancel.body.name).toBe('Bv02Bericht');
        const vrij = await call(vorm, 'VerwerkSynchroonVrijBericht', 'geefZaakdocumentBewerken_Di02', bericht('stp-geefzaakdocumentbewerken-di02-01.xml', ids, '0153', vorm));
        expect(vrij.ok).toBe(true);
        await call(vorm, 'VerwerkSynchroonVrijBericht', 'cancelCheckout_Di02', bericht('stp-cancelcheckout-di02.xml', ids, '0153', vorm));
      });

      it('admits each credential form of its party and refuses a wrong one', async () => {
        const vraag = () => bericht('stp-geefzaakdetails-zaklv01-01.xml', ids, '0153', vorm);
        const goed = [{ bearer: KEY.bo0153 }, { basic: ['bo-0153', PASSWORD] as [string, string] }, { wss: ['bo-0153', PASSWORD] as [string, string] }];
        for (const auth of goed) expect((await call(vorm, 'BeantwoordVraag', 'geefZaakdetails_ZakLv01', vraag(), auth)).body.name).toMatch(/La01$/);
        const fout = [{ bearer: 'wrong-key' }, { basic: ['bo-0153', 'wrong'] as [string, string] }, { wss: ['bo-0153', 'wrong'] as [string, string] }, { wss: ['nobody', PASSWORD] as [string, string] }];
        for (const auth of fout) {
          const res = await call(vorm, 'BeantwoordVraag', 'geefZaakdetails_ZakLv01', vraag(), auth);
          expect(res.ok).toBe(false);
          expect(res.body.name).toBe('Fault');
          expect(foutcode(res.body)).toBe('StUF052');
        }
        // Hengelo's valid password is Hengelo: as zender 0153 it is not the authenticated party (StUF013).
        const ander = await call(vorm, 'BeantwoordVraag', 'geefZaakdetails_ZakLv01', vraag(), { basic: ['bo-0164', PASSWORD] });
        expect(foutcode(ander.body)).toBe('StUF013');
      });

      it('answers a retry with the first answer, and a reused referentienummer with other content with StUF016', async () => {
        const ref = `R-${n}`;
        const eerste = await call(vorm, 'BeantwoordVraag', 'geefZaakdetails_ZakLv01', bericht('stp-geefzaakdetails-zaklv01-01.xml', ids, '0153', vorm, ref));
        const tweede = await call(vorm, 'BeantwoordVraag', 'geefZaakdetails_ZakLv01', bericht('stp-geefzaakdetails-zaklv01-01.xml', ids, '0153', vorm, ref));
        expect(tweede.raw).toBe(eerste.raw);
        const anders = await call(vorm, 'BeantwoordVraag', 'geefZaakdetails_ZakLv01', bericht('stp-geefzaakdetails-zaklv01-03.xml', ids, '0153', vorm, ref));
        expect(foutcode(anders.body)).toBe('StUF016');
      });

      if (vorm === 'zds12') {
        it('adds a besluit to the zaak and answers geefBesluitdetails with it', async () => {
          const gen = await call(vorm, 'VerwerkSynchroonVrijBericht', 'genereerBesluitIdentificatie_Di02', bericht('stp-genereerbesluitidentificatie-di02.xml', {}, '0153', vorm));
          expect(gen.body.name).toBe('genereerBesluitIdentificatie_Du02');
          const B = find(gen.body, 'besluit', 'identificatie')!.text!;
          expect(B).toMatch(/^0153-B\d{4}-\d{7}$/);
          const toe = await call(vorm, 'OntvangAsynchroon', 'voegBesluitToe_Di01', bericht('stp-voegbesluittoe-di01-01.xml', { '6705466889': B, '01533164752553': Z }, '0153', vorm));
          expect(toe.body.name).toBe('Bv03Bericht');
          const details = await call(vorm, 'BeantwoordVraag', 'geefBesluitdetails_BslLv01', bericht('stp-geefbesluitdetails-bsllv01-01.xml', { '6705466889': B }, '0153', vorm));
          expect(details.body.name).toBe('geefBesluitdetails_BslLa01');
          expect(find(details.body, 'antwoord', 'object', 'identificatie')?.text).toBe(B);
          expect(find(details.body, 'antwoord', 'object', 'isUitkomstVan', 'gerelateerde', 'identificatie')?.text).toBe(Z);
          const vreemd = await call(vorm, 'BeantwoordVraag', 'geefBesluitdetails_BslLv01', bericht('stp-geefbesluitdetails-bsllv01-01.xml', { '6705466889': B }, '0164', vorm), { bearer: KEY.bo0164 });
          expect(foutcode(vreemd.body)).toBe('StUF064');
        });
      }
    });

    it('refuses SOAP 1.2 requests in SOAP 1.2, with a Fo02 in the Fault', async () => {
      const res = await fetch(`${baseUrl}/stuf/zds/BeantwoordVraag`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY.bo0153}`, 'content-type': 'application/soap+xml; charset=utf-8; action="http://www.stufstandaarden.nl/koppelvlak/zds0120/nietBestaand"' },
        body: '<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body><x/></env:Body></env:Envelope>',
      });
      expect(res.status).toBe(500);
      expect(res.headers.get('content-type')).toMatch(/^application\/soap\+xml/);
      const fault = bodyChild(await res.text());
      expect(fault.ns).toBe('http://www.w3.org/2003/05/soap-envelope');
      expect(find(fault, 'Code', 'Value')?.text).toBe('env:Sender');
      expect(foutcode(fault)).toBe('StUF040');
    });
  });
}
