/**
 * Races on the StUF channel answer as the sequential case does (issue 13's "races" class, on the
 * channel whose retries are keyed by referentienummer): ten concurrent creeerZaak kennisgevingen
 * under one referentienummer give one Bv03 and, for other content, nine Fo03s with StUF016; for
 * the same content, ten times the same Bv03; a resend inspected after the first committed, that Bv03 too; ten questions (answered and logged, not routed) one
 * La01 and nine StUF016. Never a StUF058 server fault. On both stores.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { GatewayConfig } from '../../src/config/types.js';
import type { Gateway } from '../../src/gateway.js';
import { hashApiKey } from '../../src/parties/api-keys.js';
import { DRIVER_CASES, startGateway, testEnv, writeConfig } from '../helpers/gateway.js';
import { bericht, bodyChild, foutcode, withStufCorpus } from '../helpers/stuf-corpus.js';

const KEY = 'test-bo-0153-race-key';
const ACTION = 'http://www.stufstandaarden.nl/koppelvlak/zds0120/creeerZaak_ZakLk01';

function config(): GatewayConfig {
  return {
    parties: [
      { id: 'bo-0153', kind: 'backoffice', name: 'Back office Enschede', credentials: { apiKeys: [{ id: 'k1', sha256: hashApiKey(KEY) }] }, stuf: { organisatie: '0153', applicatie: 'JeugdBO' }, maySend: ['creeerZaak_ZakLk01', 'geefZaakdetails_ZakLv01'] },
      { id: 'zaken-bo', kind: 'backoffice', name: 'Zaken back office (JSON)', credentials: { apiKeys: [{ id: 'k1', sha256: hashApiKey('test-zaken-bo-race-key') }] } },
    ],
    destinations: [],
    routes: [{ id: 'stuf-naar-json', match: { standard: 'stuf-zkn', messageType: '*Lk01' }, mapping: 'stuf-naar-json', destinations: ['mailbox-zaken-bo'] }],
  };
}

withStufCorpus('StUF race tests', () => {
  describe.each(DRIVER_CASES.filter((c) => (c.store === 'pglite') === (c.queue === 'in-process')))('StUF races on $store + $queue', ({ store, queue }) => {
    let gateway: Gateway;
    let baseUrl: string;

    beforeAll(async () => {
      ({ gateway, baseUrl } = await startGateway(await testEnv(store, queue, writeConfig(config()))));
    }, 120_000);
    afterAll(async () => {
      await gateway.close();
    });

    const post = async (body: string, endpoint = 'OntvangAsynchroon', action = ACTION): Promise<{ status: number; raw: string }> => {
      const res = await fetch(`${baseUrl}/stuf/zds/${endpoint}`, {
        method: 'POST',
        headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${action}"`, authorization: `Bearer ${KEY}` },
        body: `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`,
      });
      return { status: res.status, raw: await res.text() };
    };
    const run = `${Date.now() % 1_000_000}${store === 'pglite' ? 1 : 2}`;

    it('ten concurrent kennisgevingen under one referentienummer with other content: one Bv03, nine StUF016', async () => {
      const ref = `RACE-A-${run}`;
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_x, i) => post(bericht('stp-creeerzaak-zaklk01-01.xml', { '01531043321819': `0153-RA-${run}-${i}` }, '0153', 'zds12', ref))),
      );
      const bv03 = answers.filter((a) => a.status === 200 && bodyChild(a.raw).name === 'Bv03Bericht');
      expect(bv03).toHaveLength(1);
      const codes = answers.filter((a) => a.status !== 200).map((a) => foutcode(bodyChild(a.raw)));
      expect(codes).toEqual(Array.from({ length: 9 }, () => 'StUF016'));
    });

    it('ten concurrent identical kennisgevingen: the same Bv03 ten times, one zaak', async () => {
      const ref = `RACE-B-${run}`;
      const xml = bericht('stp-creeerzaak-zaklk01-01.xml', { '01531043321819': `0153-RB-${run}` }, '0153', 'zds12', ref);
      const answers = await Promise.all(Array.from({ length: 10 }, () => post(xml)));
      expect(answers.map((a) => a.status)).toEqual(Array.from({ length: 10 }, () => 200));
      expect(new Set(answers.map((a) => a.raw)).size).toBe(1);
      expect(bodyChild(answers[0]!.raw).name).toBe('Bv03Bericht');
    });

    it('a resend that is inspected after the first one committed (the zaak it creates now exists) gets the same Bv03, not StUF067', async () => {
      // The race made certain: the first request's inspection waits until the second request, identical,
      // has been answered (and so committed its zaak). Its duplicate lookup ran before that, and missed.
      const standards = (gateway.pipeline as unknown as { deps: { standards: Map<string, { inspect: (...args: unknown[]) => Promise<unknown> }> } }).deps.standards;
      const stuf = standards.get('stuf-zkn')!;
      const inspect = stuf.inspect;
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let calls = 0;
      stuf.inspect = async function (this: unknown, ...args: unknown[]) {
        if (++calls === 1) await gate;
        return inspect.apply(this, args);
      };
      try {
        const xml = bericht('stp-creeerzaak-zaklk01-01.xml', { '01531043321819': `0153-RD-${run}` }, '0153', 'zds12', `RACE-D-${run}`);
        const first = post(xml);
        while (calls < 1) await new Promise((resolve) => setTimeout(resolve, 5));
        const second = await post(xml);
        release();
        const late = await first;
        expect([second.status, bodyChild(second.raw).name]).toEqual([200, 'Bv03Bericht']);
        expect([late.status, late.raw]).toEqual([200, second.raw]);
      } finally {
        stuf.inspect = inspect;
        release();
      }
    });

    it('ten concurrent questions under one referentienummer with other content: one La01, the others StUF016, never StUF058', async () => {
      const [a, b] = [`0153-RC-${run}-a`, `0153-RC-${run}-b`];
      for (const zaak of [a, b]) expect(bodyChild((await post(bericht('stp-creeerzaak-zaklk01-01.xml', { '01531043321819': zaak }, '0153', 'zds12'))).raw).name).toBe('Bv03Bericht');
      const ref = `RACE-C-${run}`;
      // Ten different contents (the sortering differs too): with nine identical questions the first
      // to land could be one of those, and its eight twins would rightly get its La01 again.
      const vraag = (i: number) =>
        bericht('stp-geefzaakdetails-zaklv01-01.xml', { '01531043321819': i === 0 ? a : b, '<StUF:sortering>0</StUF:sortering>': `<StUF:sortering>${i}</StUF:sortering>` }, '0153', 'zds12', ref);
      const answers = await Promise.all(Array.from({ length: 10 }, (_x, i) => post(vraag(i), 'BeantwoordVraag', 'http://www.stufstandaarden.nl/koppelvlak/zds0120/geefZaakdetails_ZakLv01')));
      const ok = answers.filter((x) => x.status === 200);
      expect(ok).toHaveLength(1);
      expect(bodyChild(ok[0]!.raw).name).toBe('geefZaakdetails_ZakLa01');
      const codes = answers.filter((x) => x.status !== 200).map((x) => foutcode(bodyChild(x.raw)));
      expect(codes).toEqual(Array.from({ length: 9 }, () => 'StUF016'));
    });
  });
});
