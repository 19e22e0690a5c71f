/**
 * Large StUF messages are validated in the document worker pool, not on the event loop: a
 * voegZaakdocumentToe of the StUF Testplatform (../shared/stuf-corpus, fresh identificaties) with a
 * multi-MB inhoud is validated in a worker (counted in the pool's tasks) and answered exactly as the
 * same message validated on the main thread: the same Bv03 when valid, the same Fo03 when not; the
 * channel's own check (updateZaakdocument_Di02) likewise, with its Fo02. A full pool is a SOAP
 * Fault with the endpoint's StUF058 foutbericht (Fo03 / Fo02), HTTP 503 with Retry-After, and logged.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { GatewayConfig } from '../../src/config/types.js';
import type { Gateway } from '../../src/gateway.js';
import { PoolBusyError } from '../../src/util/worker-pool.js';
import { startGateway, testEnv, writeConfig } from '../helpers/gateway.js';
import { apiKey } from '../helpers/stuf.js';
import { bericht, bodyChild, foutcode, withStufCorpus } from '../helpers/stuf-corpus.js';

const KEY = { bo0153: 'test-sbd-bo-0153', zakenBo: 'test-sbd-zaken-bo' };
const OPS = ['creeerZaak_ZakLk01', 'voegZaakdocumentToe_EdcLk01', 'updateZaakdocument_Di02'];
const ZDS12 = 'http://www.stufstandaarden.nl/koppelvlak/zds0120/';

function config(): GatewayConfig {
  return {
    parties: [
      { id: 'bo-0153', kind: 'backoffice', name: 'Back office Enschede', credentials: apiKey(KEY.bo0153), stuf: { organisatie: '0153', applicatie: 'JeugdBO' }, maySend: OPS },
      { id: 'zaken-bo', kind: 'backoffice', name: 'Zaken back office (JSON)', credentials: apiKey(KEY.zakenBo) },
    ],
    destinations: [],
    routes: [{ id: 'stuf-naar-json', match: { standard: 'stuf-zkn', messageType: '*Lk01' }, mapping: 'stuf-naar-json', destinations: ['mailbox-zaken-bo'] }],
  } as GatewayConfig;
}

/** What differs between two answers to two sendings of one message: their own ids and times. */
function zonderKenmerken(xml: string): string {
  return xml.replace(/<(\w+:)?(referentienummer|crossRefnummer|tijdstipBericht)>[^<]*<\/\1?\2>/g, '<$2/>');
}

withStufCorpus('StUF messages through the document worker pool', () => {
  describe('large StUF messages through the document worker pool', () => {
    let gateway: Gateway;
    let baseUrl: string;
    const n = `${Date.now() % 10_000_000}`;
    const Z = `0153-SBD-${n}`;
    let doc = 0;
    // About 3 MB of base64: well above the 256 KiB threshold, below the 5 MB body limit.
    const INHOUD = 'UjBsR09EbGhj'.repeat(250_000);

    beforeAll(async () => {
      ({ gateway, baseUrl } = await startGateway(await testEnv('pglite', 'in-process', writeConfig(config()), { KNOOPPUNT_LARGE_DOCUMENT_BYTES: String(256 * 1024) })));
      const creeer = await post('creeerZaak_ZakLk01', bericht('stp-creeerzaak-zaklk01-01.xml', { '01531043321819': Z }, '0153', 'zds12'));
      expect(bodyChild(creeer.raw).name).toBe('Bv03Bericht');
    }, 300_000);
    afterAll(async () => {
      await gateway?.close();
    });

    async function post(action: string, xml: string, endpoint = 'OntvangAsynchroon'): Promise<{ status: number; raw: string; retryAfter: string | null }> {
      const res = await fetch(`${baseUrl}/stuf/zds/${endpoint}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY.bo0153}`, 'content-type': 'text/xml; charset=utf-8', soapaction: `"${ZDS12}${action}"` },
        body: `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>${xml}</soapenv:Body></soapenv:Envelope>`,
      });
      return { status: res.status, raw: await res.text(), retryAfter: res.headers.get('retry-after') };
    }

    /** A voegZaakdocumentToe for zaak Z with a new document id and a multi-MB inhoud; `ongeldig` adds an element the XSD does not allow. */
    function grootDocument(ongeldig = false): string {
      let xml = bericht('stp-voegzaakdocumenttoe-edclk01-03.xml', { '01533164752553': Z, '6247317810': `SBD${n}${++doc}` }, '0153', 'zds12');
      xml = xml.replace(/(<ZKN:inhoud[^>]*>)[^<]*(<\/ZKN:inhoud>)/, `$1${INHOUD}$2`);
      if (ongeldig) xml = xml.replace('<ZKN:titel>titel</ZKN:titel>', '<ZKN:titel>titel</ZKN:titel><ZKN:onbekendVeld>x</ZKN:onbekendVeld>');
      expect(Buffer.byteLength(xml)).toBeGreaterThan(2 * 1024 * 1024);
      return xml;
    }

    /** An updateZaakdocument_Di02 (VerwerkSynchroonVrijBericht, validated by the channel itself) with a multi-MB inhoud, for a document knooppunt does not know. */
    function grootBijwerken(ongeldig = false): string {
      let xml = bericht('stp-updatezaakdocument-di02-01.xml', {}, '0153', 'zds12');
      // The new version's inhoud (the first); the old one stays small.
      xml = xml.replace(/(<ZKN:inhoud[^>]*>)[^<]*(<\/ZKN:inhoud>)/, `$1${INHOUD}$2`);
      if (ongeldig) xml = xml.replace(/(<ZKN:titel>[^<]*<\/ZKN:titel>)/, '$1<ZKN:onbekendVeld>x</ZKN:onbekendVeld>');
      expect(Buffer.byteLength(xml)).toBeGreaterThan(2 * 1024 * 1024);
      return xml;
    }

    /** Sends `xml` once validated on the main thread (threshold out of reach) and once in the pool; the tasks the pool ran for each. */
    async function beideWegen(xml: () => string, action = 'voegZaakdocumentToe_EdcLk01', endpoint = 'OntvangAsynchroon') {
      const grote = gateway.stufDocumenten;
      const drempel = grote.vanaf;
      grote.vanaf = Number.POSITIVE_INFINITY;
      const voor = grote.pool.completed;
      const hoofd = await post(action, xml(), endpoint);
      const hoofdTaken = grote.pool.completed - voor;
      grote.vanaf = drempel;
      const tussen = grote.pool.completed;
      const worker = await post(action, xml(), endpoint);
      return { hoofd, worker, hoofdTaken, workerTaken: grote.pool.completed - tussen };
    }

    it('a valid multi-MB voegZaakdocumentToe is validated in a worker and gets the Bv03 the main thread gives', async () => {
      const r = await beideWegen(() => grootDocument());
      expect([r.hoofdTaken, r.workerTaken]).toEqual([0, 1]);
      expect([r.hoofd.status, bodyChild(r.hoofd.raw).name]).toEqual([200, 'Bv03Bericht']);
      expect(r.worker.status).toBe(200);
      expect(zonderKenmerken(r.worker.raw)).toBe(zonderKenmerken(r.hoofd.raw));
    }, 120_000);

    it('an invalid one gets the same StUF055 Fo03 from the worker as from the main thread', async () => {
      const r = await beideWegen(() => grootDocument(true));
      expect([r.hoofdTaken, r.workerTaken]).toEqual([0, 1]);
      expect([r.hoofd.status, bodyChild(r.hoofd.raw).name, foutcode(bodyChild(r.hoofd.raw))]).toEqual([500, 'Fault', 'StUF055']);
      expect(r.worker.status).toBe(500);
      expect(zonderKenmerken(r.worker.raw)).toBe(zonderKenmerken(r.hoofd.raw));
    }, 120_000);

    it('the channel\'s own check (a multi-MB updateZaakdocument_Di02) runs in a worker too, with the main thread\'s Fo02', async () => {
      for (const ongeldig of [false, true]) {
        const r = await beideWegen(() => grootBijwerken(ongeldig), 'updateZaakdocument_Di02', 'VerwerkSynchroonVrijBericht');
        expect([r.hoofdTaken, r.workerTaken]).toEqual([0, 1]);
        const fault = bodyChild(r.hoofd.raw);
        // Valid: refused after the XSD, as knooppunt knows no such document (StUF064); invalid: the XSD's StUF055.
        expect([r.hoofd.status, fault.children.find((c) => c.name === 'detail')?.children[0]?.name, foutcode(fault)]).toEqual([500, 'Fo02Bericht', ongeldig ? 'StUF055' : 'StUF064']);
        expect(r.worker.status).toBe(500);
        expect(zonderKenmerken(r.worker.raw)).toBe(zonderKenmerken(r.hoofd.raw));
      }
    }, 120_000);

    it('a full pool: a SOAP Fault with a StUF058 Fo03, 503 and Retry-After, logged as documents-busy', async () => {
      const pool = gateway.stufDocumenten.pool;
      const run = pool.run.bind(pool);
      let geweigerd = 0;
      // Forced full: every task is refused as a pool at its limit refuses (test/unit/stuf/grote-berichten.test.ts shows the real limit).
      pool.run = (() => (geweigerd++, Promise.reject(new PoolBusyError(pool.maxQueued)))) as typeof pool.run;
      try {
        // On VerwerkSynchroonVrijBericht the refusal is that endpoint's Fo02.
        const vrij = await post('updateZaakdocument_Di02', grootBijwerken(), 'VerwerkSynchroonVrijBericht');
        expect([vrij.status, vrij.retryAfter, foutcode(bodyChild(vrij.raw))]).toEqual([503, '5', 'StUF058']);
        expect(bodyChild(vrij.raw).children.find((c) => c.name === 'detail')?.children[0]?.name).toBe('Fo02Bericht');
        geweigerd = 0;
        const res = await post('voegZaakdocumentToe_EdcLk01', grootDocument());
        expect(geweigerd).toBe(1);
        expect([res.status, res.retryAfter]).toEqual([503, '5']);
        const fault = bodyChild(res.raw);
        expect(fault.name).toBe('Fault');
        expect(fault.children.find((c) => c.name === 'detail')?.children[0]?.name).toBe('Fo03Bericht');
        expect(foutcode(fault)).toBe('StUF058');
        const logged = (await gateway.log.events({ limit: 2000 })).filter((e) => e.eventType === 'rejected' && e.channel === 'stuf' && (e.detail as { reason?: string }).reason === 'documents-busy');
        expect(logged.map((e) => (e.detail as { foutcode?: string }).foutcode)).toEqual(['StUF058', 'StUF058']);
      } finally {
        pool.run = run;
      }
    }, 120_000);
  });
});
