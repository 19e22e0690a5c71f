/**
 * Nothing a client sent is silently lost: Open Formulieren's creeerZaak (../shared/stuf-corpus)
 * carries StUF:extraElementen (language_code) and elements the JSON zaak model does not carry.
 * - at a JSON destination the zaak has them: `extraElementen` as name/value pairs and `overig`
 *   with every element the model does not carry, as received;
 * - a StUF destination (stuf-xml) gets the extraElementen unchanged;
 * - a JSON back office's zaak-kennisgeving with extraElementen reaches a zaaksysteem with them as
 *   StUF:extraElementen (stuf-uit-json), valid against the official schemas;
 * - the console shows them: the exchange's JSON payload, read through the console API.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { hashPassword } from '../../src/console/auth/passwords.js';
import type { GatewayConfig } from '../../src/config/types.js';
import type { Gateway } from '../../src/gateway.js';
import { loadStufValidator, type StufValidator } from '../../src/standards/stuf/validator.js';
import { defaultStufSchemasDir } from '../../src/standards/stuf/validator.js';
import { parseXml, type XmlElement } from '../../src/xml/parse.js';
import { serializeXml } from '../../src/xml/build.js';
import { KENNISGEVING_PREFIXEN } from '../../src/standards/stuf/kennisgeving.js';
import { stufDocument } from '../../src/standards/stuf/grote-berichten.js';
import { ConsoleClient } from '../helpers/console.js';
import { startGateway, testEnv, writeConfig } from '../helpers/gateway.js';
import { enschedeStufPartijen, enschedeStufRoutes, FakeZaaksysteem, zdsBestemming } from '../helpers/stuf.js';
import { bericht, bodyChild, withStufCorpus, OFFICIAL } from '../helpers/stuf-corpus.js';
import { waitFor } from '../helpers/webhook.js';

const KEY = { jeugdBo: 'test-nv-jeugd-bo-0153', zakenBo: 'test-nv-zaken-bo-0153', zaaksysteem: 'test-nv-zaaksysteem-0153' };
const EXTRA = '<StUF:extraElement naam="language_code">nl</StUF:extraElement>';

async function config(zdsUrl: string): Promise<GatewayConfig> {
  const delivery = { maxAttempts: 3, backoffMs: 40, maxBackoffMs: 200 };
  return {
    parties: enschedeStufPartijen(KEY, ['creeerZaak_ZakLk01']),
    destinations: [zdsBestemming(zdsUrl)],
    routes: enschedeStufRoutes(delivery),
    console: { users: [{ id: 'beheer', name: 'Beheer', role: 'beheerder', passwordHash: await hashPassword('beheer-wachtwoord') }] },
  } as GatewayConfig;
}

/** Open Formulieren's creeerZaak as a SOAP 1.1 request body: its namespaces (declared on its SOAP 1.2 envelope) moved onto the root. */
function openFormulieren(zaakId: string): string {
  const xml = bericht('openforms-addressnl-registration-attribute-initiator-address-zaklk01-0.xml', { 'foo-zaak': zaakId }, '0153', 'zds11');
  const decl = ['xmlns:StUF="http://www.egem.nl/StUF/StUF0301"', 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'].filter((d) => !xml.slice(0, xml.indexOf('>')).includes(d.split('=')[0]!));
  return xml.replace(/^<ZKN:zakLk01\b/, `<ZKN:zakLk01 ${decl.join(' ')}`);
}

withStufCorpus('nothing silently lost', () => {
  describe('nothing a client sent is silently lost', () => {
    let gateway: Gateway;
    let baseUrl: string;
    let official: StufValidator;
    const zaaksysteem = new FakeZaaksysteem();
    const zaakId = `0153-NV-${Date.now() % 10_000_000}`;
    let exchangeId = '';
    let ontvangenZaak: Record<string, unknown> | undefined;

    beforeAll(async () => {
      const url = await zaaksysteem.start();
      official = await loadStufValidator({ schemasDir: defaultStufSchemasDir(), officialDir: OFFICIAL });
      ({ gateway, baseUrl } = await startGateway(await testEnv('pglite', 'in-process', writeConfig(await config(url)), { KNOOPPUNT_STUF_XSD_DIR: OFFICIAL })));
    }, 300_000);
    afterAll(async () => {
      await gateway.close();
      await zaaksysteem.stop();
    });

    it('a creeerZaak with extraElementen reaches the JSON destination with them, and the zaaksysteem unchanged', async () => {
      const body = openFormulieren(zaakId);
      expect(body).toContain(EXTRA);
      const res = await fetch(`${baseUrl}/stuf/zds/OntvangAsynchroon`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY.jeugdBo}`, 'content-type': 'text/xml; charset=utf-8', soapaction: '"http://www.egem.nl/StUF/sector/zkn/0310/creeerZaak_Lk01"' },
        body: `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`,
      });
      const answer = await res.text();
      expect([res.status, bodyChild(answer).name]).toEqual([200, 'Bv03Bericht']);

      const item = await waitFor(async () => {
        const r = await fetch(`${baseUrl}/api/v1/mailbox`, { headers: { authorization: `Bearer ${KEY.zakenBo}` } });
        const items = ((await r.json()) as { items: Array<{ messageId?: string; payload: { zaak?: Record<string, unknown> } }> }).items;
        return items.find((i) => i.payload.zaak?.identificatie === zaakId);
      });
      const zaak = item.payload.zaak!;
      ontvangenZaak = zaak;
      expect(zaak.extraElementen).toEqual([{ naam: 'language_code', waarde: 'nl' }]);
      // What the model does not carry, as received: e.g. Open Formulieren's betalingsIndicatie.
      const overig = (zaak.overig as string[]).map((x) => parseXml(x).name);
      expect(overig).toEqual(expect.arrayContaining(['betalingsIndicatie', 'tijdstipRegistratie']));
      expect(zaak.overig).toEqual(expect.arrayContaining([expect.stringMatching(/^<ZKN:betalingsIndicatie[^>]*>N\.v\.t\.<\/ZKN:betalingsIndicatie>$/)]));
      expect(overig).not.toContain('identificatie');
      expect(overig).not.toContain('extraElementen');

      const delivered = await waitFor(async () => zaaksysteem.calls.find((c) => c.body.includes(zaakId)));
      expect(delivered.body).toContain(EXTRA);
      const exchanges = await gateway.db.query<{ id: string }>("SELECT m.id FROM messages m JOIN message_references r ON r.message_id = m.id WHERE r.kind = 'zaakidentificatie' AND r.value = $1", [zaakId]);
      exchangeId = exchanges.rows[0]!.id;
    }, 60_000);

    it('a JSON back office\'s extraElementen reach the zaaksysteem as StUF:extraElementen, valid against the official schemas', async () => {
      const id = `${zaakId}-J`;
      const payload = {
        operatie: 'creeerZaak',
        mutatiesoort: 'T',
        zaak: {
          identificatie: id, omschrijving: 'Aanvraag jeugdhulp', startdatum: '2026-11-20', registratiedatum: '2026-11-20', zaaktype: { code: 'JW-AANVR', omschrijving: 'Aanvraag jeugdhulp' },
          extraElementen: [{ naam: 'language_code', waarde: 'nl' }, { naam: 'kanaal', geenWaarde: 'waardeOnbekend' }],
        },
      };
      const res = await fetch(`${baseUrl}/api/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY.zakenBo}` },
        body: JSON.stringify({ messageType: 'zaak-kennisgeving', messageId: randomUUID(), receiver: 'zaaksysteem-0153', payload }),
      });
      expect(res.status).toBe(202);
      const delivered = await waitFor(async () => zaaksysteem.calls.find((c) => c.body.includes(id)));
      expect(delivered.body).toContain(EXTRA);
      expect(delivered.body).toMatch(/<StUF:extraElement naam="kanaal" (?:StUF:noValue="waardeOnbekend" xsi:nil="true"|xsi:nil="true" StUF:noValue="waardeOnbekend")\/>/);
      expect(official.validate(stufDocument(bodyChild(delivered.body)))).toEqual([]);
    }, 60_000);

    it('StUF → JSON → StUF loses nothing: the JSON zaak sent back reaches the zaaksysteem with every child of the request object, valid against the official schemas', async () => {
      expect(ontvangenZaak).toBeDefined();
      const id = `${zaakId}-R`;
      const res = await fetch(`${baseUrl}/api/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY.zakenBo}` },
        body: JSON.stringify({ messageType: 'zaak-kennisgeving', messageId: randomUUID(), receiver: 'zaaksysteem-0153', payload: { operatie: 'creeerZaak', mutatiesoort: 'T', zaak: { ...ontvangenZaak, identificatie: id } } }),
      });
      expect(res.status).toBe(202);
      const delivered = await waitFor(async () => zaaksysteem.calls.find((c) => c.body.includes(id)));
      const lk01 = bodyChild(delivered.body);
      expect(official.validate(stufDocument(lk01))).toEqual([]);
      // Every element of the request's object, at any depth, is in the delivered object: as received
      // where the JSON model does not carry it (Open Formulieren's betalingsIndicatie,
      // tijdstipRegistratie, ...), also inside the relations the model maps (the initiator's
      // verblijfsadres, the zaaktype's ingangsdatumObject), merged with what the mapping writes.
      const object = (root: XmlElement) => root.children.find((c) => c.name === 'object')!;
      const paden = (el: XmlElement, pad = ''): string[] => {
        const n = new Map<string, number>();
        return el.children.flatMap((c) => {
          const k = (n.get(c.name) ?? 0) + 1;
          n.set(c.name, k);
          const p = `${pad}/${c.name}[${k}]`;
          return [p, ...paden(c, p)];
        });
      };
      const gevraagd = paden(object(parseXml(openFormulieren(zaakId))));
      const geleverd = new Set(paden(object(lk01)));
      expect(gevraagd.length).toBeGreaterThan(25);
      expect(gevraagd.filter((p) => !geleverd.has(p))).toEqual([]);
      // What the model does not carry at all comes back byte for byte.
      const geleverdXml = object(lk01).children.map((d) => serializeXml(d, { namespaces: KENNISGEVING_PREFIXEN, declaration: false }));
      for (const x of ontvangenZaak!.overig as string[]) if (!/StUF:entiteittype=/.test(x.slice(0, x.indexOf('>')))) expect(geleverdXml).toContain(x);
    }, 60_000);

    it('the console API shows them: the exchange\'s JSON payload with extraElementen and overig', async () => {
      const admin = await new ConsoleClient(baseUrl).signIn('beheer', 'beheer-wachtwoord');
      const detail = await admin.call('GET', `/exchanges/${exchangeId}`);
      expect(detail.status).toBe(200);
      const json = (detail.json.payloads as Array<{ id: string; contentType: string }>).find((p) => p.contentType.startsWith('application/json'));
      expect(json).toBeDefined();
      const payload = await admin.call('GET', `/exchanges/${exchangeId}/payloads/${json!.id}`);
      expect(payload.status).toBe(200);
      const shown = JSON.parse(payload.json.content as string) as { zaak: { identificatie: string; extraElementen: unknown; overig: string[] } };
      expect(shown.zaak.identificatie).toBe(zaakId);
      expect(shown.zaak.extraElementen).toEqual([{ naam: 'language_code', waarde: 'nl' }]);
      expect(shown.zaak.overig.length).toBeGreaterThan(0);
    });
  });
});
