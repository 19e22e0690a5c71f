import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { soapEnvelope, soapFaultEnvelope } from '../../../src/channels/stuf/soap-envelope.js';
import { SuwiSchemas } from '../../../src/standards/suwi/schemas.js';
import { BRON_MAX_BYTES, BronFout, vraagSoapBron, type BronFoutSoort } from '../../../src/standards/suwi/soap-bron.js';
import { SUWI_BRON_ACTION, SUWI_BRON_NS, gegevensNaarXml } from '../../../src/standards/suwi/xml.js';
import { serializeXml } from '../../../src/xml/build.js';
import { parseXml } from '../../../src/xml/parse.js';

const BSN = '999993653';
const VRAAG = { dienst: 'uitkeringen', bsn: BSN, doel: 'BIJSTAND', grondslag: 'Participatiewet art. 64 lid 1', afnemer: 'gemeente-0153' };
const GEGEVENS = { uitkeringen: [{ soort: 'AOW', bedrag: 1402.12, ingang: '2020-01-01' }], partner: { aanwezig: false } };
const TRAAG_MS = 3000;
const TIMEOUT_MS = 150;

function bronAntwoord(inner: string): string {
  return `<b:BronAntwoord xmlns:b="${SUWI_BRON_NS}">${inner}</b:BronAntwoord>`;
}
const GEVONDEN = serializeXml(
  { ns: SUWI_BRON_NS, name: 'BronAntwoord', prefix: 'b', attrs: {}, children: [{ ns: SUWI_BRON_NS, name: 'Gegevens', prefix: 'b', attrs: {}, children: gegevensNaarXml(GEGEVENS, SUWI_BRON_NS, 'b') }] },
  { declaration: false },
);

describe('vraagSoapBron', () => {
  let server: Server;
  let base: string;
  let schemas: SuwiSchemas;
  const received: Array<{ path: string; soapAction?: string; body: string }> = [];
  /** When the slow source actually answered (undefined while it has not). */
  let traagBeantwoord: number | undefined;
  let grootVerstuurd = 0;
  const timers = new Set<NodeJS.Timeout>();

  const xml = (res: ServerResponse, status: number, text: string, type = 'text/xml; charset=utf-8'): void => {
    res.writeHead(status, { 'Content-Type': type });
    res.end(text);
  };

  const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
    '/gevonden': (_req, res) => xml(res, 200, soapEnvelope(GEVONDEN)),
    '/niet-gevonden': (_req, res) => xml(res, 200, soapEnvelope(bronAntwoord('<b:NietGevonden/>'))),
    '/fault': (_req, res) => xml(res, 500, soapFaultEnvelope('Server', `Database niet bereikbaar voor ${BSN}`)),
    '/500': (_req, res) => xml(res, 500, 'Internal Server Error', 'text/plain'),
    '/503-html': (_req, res) => xml(res, 503, '<html><body>Onderhoud</body></html>', 'text/html'),
    '/404': (_req, res) => xml(res, 404, 'Not Found', 'text/plain'),
    '/ongeldig': (_req, res) => xml(res, 200, soapEnvelope(bronAntwoord(`<b:Onbekend>${BSN}</b:Onbekend>`))),
    '/ander-element': (_req, res) => xml(res, 200, soapEnvelope(`<x:Iets xmlns:x="urn:iets"/>`)),
    '/onleesbaar-getal': (_req, res) => xml(res, 200, soapEnvelope(bronAntwoord(`<b:Gegevens><b:bedrag type="getal">${BSN}x</b:bedrag></b:Gegevens>`))),
    '/html-200': (_req, res) => xml(res, 200, '<html><body>Welkom</body></html>', 'text/html'),
    '/doctype': (_req, res) => xml(res, 200, `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>${soapEnvelope(bronAntwoord('<b:NietGevonden/>'))}`),
    // Valid but far bigger than one person's data: 4 MiB of Gegevens, streamed.
    '/groot': (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/xml; charset=utf-8' });
      res.write(`<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><b:BronAntwoord xmlns:b="${SUWI_BRON_NS}"><b:Gegevens>`);
      const blok = '<b:regel>0123456789abcdef</b:regel>'.repeat(1024);
      let verstuurd = 0;
      const schrijf = (): void => {
        while (verstuurd < 4 * 1024 * 1024 && !res.destroyed) {
          verstuurd += blok.length;
          if (!res.write(blok)) return void res.once('drain', schrijf);
        }
        grootVerstuurd = verstuurd;
        if (!res.destroyed) res.end('</b:Gegevens></b:BronAntwoord></soapenv:Body></soapenv:Envelope>');
      };
      res.on('close', () => (grootVerstuurd = verstuurd));
      schrijf();
    },
    '/traag': (_req, res) => {
      const t = setTimeout(() => {
        timers.delete(t);
        traagBeantwoord = Date.now();
        if (!res.destroyed) xml(res, 200, soapEnvelope(GEVONDEN));
      }, TRAAG_MS);
      timers.add(t);
    },
    '/traag-body': (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/xml; charset=utf-8' });
      res.write('<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>');
      const t = setTimeout(() => {
        timers.delete(t);
        traagBeantwoord = Date.now();
        if (!res.destroyed) res.end(`${GEVONDEN}</soapenv:Body></soapenv:Envelope>`);
      }, TRAAG_MS);
      timers.add(t);
    },
  };

  beforeAll(async () => {
    schemas = await SuwiSchemas.load();
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = req.url ?? '';
        const soapAction = req.headers.soapaction;
        received.push({ path, body: Buffer.concat(chunks).toString('utf8'), ...(typeof soapAction === 'string' ? { soapAction } : {}) });
        (routes[path] ?? ((_q, r) => xml(r, 404, 'no route', 'text/plain')))(req, res);
      });
    });
    server.listen(0, '127.0.0.1');
    await new Promise<void>((ok) => server.once('listening', () => ok()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    for (const t of timers) clearTimeout(t);
    schemas.dispose();
    server.closeAllConnections();
    await new Promise<void>((ok) => server.close(() => ok()));
  });

  beforeEach(() => {
    received.length = 0;
    traagBeantwoord = undefined;
  });

  const bron = (path: string, timeoutMs = 2000) => ({ url: `${base}${path}`, soapAction: SUWI_BRON_ACTION, timeoutMs });

  async function fout(p: Promise<unknown>): Promise<BronFout> {
    try {
      await p;
    } catch (err) {
      expect(err).toBeInstanceOf(BronFout);
      return err as BronFout;
    }
    throw new Error('expected a BronFout');
  }

  it('sends a BronVraag that validates, with the SOAPAction, and reads a found answer by the element ⇄ JSON rule', async () => {
    await expect(vraagSoapBron(bron('/gevonden'), VRAAG, { schemas })).resolves.toEqual({ gevonden: true, gegevens: GEGEVENS });
    expect(received).toHaveLength(1);
    expect(received[0]!.soapAction).toBe(`"${SUWI_BRON_ACTION}"`);
    const payload = parseXml(received[0]!.body).children[0]!.children[0]!;
    expect([payload.ns, payload.name]).toEqual([SUWI_BRON_NS, 'BronVraag']);
    expect(payload.children.map((c) => [c.name, c.text])).toEqual([
      ['Dienst', 'uitkeringen'],
      ['Burgerservicenr', BSN],
      ['Doel', 'BIJSTAND'],
      ['Grondslag', 'Participatiewet art. 64 lid 1'],
      ['Afnemer', 'gemeente-0153'],
    ]);
    expect(schemas.validate(serializeXml(payload))).toEqual([]);
  });

  it('reads not found', async () => {
    await expect(vraagSoapBron(bron('/niet-gevonden'), VRAAG, { schemas })).resolves.toEqual({ gevonden: false });
  });

  it('loads the default schemas when none are given', async () => {
    await expect(vraagSoapBron(bron('/niet-gevonden'), VRAAG)).resolves.toEqual({ gevonden: false });
  });

  it.each<[string, BronFoutSoort]>([
    ['/fault', 'niet-beschikbaar'],
    ['/500', 'niet-beschikbaar'],
    ['/503-html', 'niet-beschikbaar'],
    ['/404', 'niet-beschikbaar'],
    ['/ongeldig', 'ongeldig-antwoord'],
    ['/ander-element', 'ongeldig-antwoord'],
    ['/onleesbaar-getal', 'ongeldig-antwoord'],
    ['/html-200', 'ongeldig-antwoord'],
    ['/doctype', 'ongeldig-antwoord'],
  ])('%s → %s, the message without values', async (path, soort) => {
    const f = await fout(vraagSoapBron(bron(path), VRAAG, { schemas }));
    expect(f.soort).toBe(soort);
    expect(f.message).not.toContain(BSN);
    expect(f.message).not.toMatch(/Database|passwd|Onderhoud/);
  });

  it('an answer past the bound (4 MiB of data) → ongeldig-antwoord, read only up to about the bound', async () => {
    const f = await fout(vraagSoapBron(bron('/groot', 10_000), VRAAG, { schemas }));
    expect(f.soort).toBe('ongeldig-antwoord');
    // The source stopped being read near the bound: what it managed to send is the bound plus socket buffers, not 4 MiB.
    await new Promise((ok) => setTimeout(ok, 100));
    expect(grootVerstuurd).toBeLessThan(BRON_MAX_BYTES + 3 * 1024 * 1024);
  });

  it('a source that cannot be reached → niet-beschikbaar', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await new Promise<void>((ok) => closed.once('listening', () => ok()));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((ok) => closed.close(() => ok()));
    const f = await fout(vraagSoapBron({ url: `http://127.0.0.1:${port}/`, soapAction: SUWI_BRON_ACTION, timeoutMs: 2000 }, VRAAG, { schemas }));
    expect(f.soort).toBe('niet-beschikbaar');
  });

  it.each(['/traag', '/traag-body'])('%s: a source slower than timeoutMs → time-out, without waiting for the source to answer', async (path) => {
    const f = await fout(vraagSoapBron(bron(path, TIMEOUT_MS), VRAAG, { schemas }));
    expect(f.soort).toBe('time-out');
    expect(f.message).toBe(`The source did not answer within ${TIMEOUT_MS} ms`);
    // The request reached the source, which had not answered yet when we gave up.
    expect(received.map((r) => r.path)).toEqual([path]);
    expect(traagBeantwoord).toBeUndefined();
  });
});
