import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import express, { type RequestHandler } from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import pino from 'pino';
import * as soap from 'soap';
import type { BevragingUitkomst } from '../../../src/bevragingen/types.js';
import { HttpProblem } from '../../../src/channels/rest/problem.js';
import { SUWI_BEVRAGING_PATH, suwiChannel, type SuwiVraag } from '../../../src/channels/suwi/channel.js';
import type { Party } from '../../../src/parties/registry.js';
import { SuwiSchemas } from '../../../src/standards/suwi/schemas.js';
import { SUWI_BEVRAGING_ACTION, SUWI_NS, xmlNaarGegevens } from '../../../src/standards/suwi/xml.js';
import { parseXml, type XmlElement } from '../../../src/xml/parse.js';

const SOAPENV = 'http://schemas.xmlsoap.org/soap/envelope/';
const BSN = '999993653';
const KEY = 'test-key-0153';
const PARTY: Party = {
  id: 'gemeente-0153',
  kind: 'gemeente',
  name: 'Gemeente Enschede',
  standards: [],
  maySend: new Set(),
  deliverTo: 'mailbox',
  certFingerprints: new Set(),
};
const authenticate: RequestHandler = (req, res, next) => {
  if (req.get('authorization') !== `Bearer ${KEY}`) return next(new HttpProblem(401, 'missing-credential', 'A valid API key is required'));
  (res.locals as { party: Party }).party = PARTY;
  next();
};

const GEGEVENS = {
  inkomensverhoudingen: [
    { werkgever: 'Bakkerij de Korrel', loonheffingennummer: '001234567L01', bedrag: 2150.75, periode: '2024-05' },
    { werkgever: 'Uitzendbureau', loonheffingennummer: '009999999L01', bedrag: 310, periode: '2024-05' },
  ],
  totaal: { bedrag: 2460.75, compleet: true },
};

function vraagXml(inner: string, prefix = 'suwi'): string {
  return `<${prefix}:BevragingVraag xmlns:${prefix}="${SUWI_NS}">${inner}</${prefix}:BevragingVraag>`;
}
const VRAAG = vraagXml(
  `<suwi:Dienst>inkomen</suwi:Dienst><suwi:Burgerservicenr>${BSN}</suwi:Burgerservicenr>` +
    `<suwi:Doelbinding><suwi:Doel>BIJSTAND</suwi:Doel><suwi:Zaakreferentie>Z-2024-1</suwi:Zaakreferentie></suwi:Doelbinding>`,
);

function envelope(body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="${SOAPENV}"><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;
}

function child(e: XmlElement | undefined, name: string): XmlElement | undefined {
  return e?.children.find((c) => c.name === name);
}

/** A SOAP Fault answer: faultcode (without prefix), faultstring and the FWI in its detail (if any). */
function faultOf(text: string): { code: string; string: string; fwi?: { foutcode?: string; omschrijving?: string } } {
  const root = parseXml(text);
  const fault = child(child(root, 'Body'), 'Fault');
  expect(fault?.ns).toBe(SOAPENV);
  const fwi = child(child(fault, 'detail'), 'FWI');
  return {
    code: (child(fault, 'faultcode')?.text ?? '').replace(/^[^:]*:/, ''),
    string: child(fault, 'faultstring')?.text ?? '',
    ...(fwi ? { fwi: { foutcode: child(fwi, 'Foutcode')?.text, omschrijving: child(fwi, 'Omschrijving')?.text } } : {}),
  };
}

describe('suwiChannel', () => {
  let server: Server;
  let base: string;
  let schemas: SuwiSchemas;
  let client: soap.Client;
  const vragen: SuwiVraag[] = [];
  const refused: Array<{ reason: string; detail: Record<string, unknown>; partyId?: string }> = [];
  const logs: string[] = [];
  let antwoord: (v: SuwiVraag) => Promise<BevragingUitkomst>;

  const gevonden = async (): Promise<BevragingUitkomst> => ({ ok: true, uitkomst: 'gevonden', gegevens: GEGEVENS, doel: 'BIJSTAND', grondslag: 'Participatiewet art. 64 lid 1', bron: 'uwv-inkomen' });

  beforeAll(async () => {
    schemas = await SuwiSchemas.load();
    const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(line) });
    const { path, router } = suwiChannel({
      schemasDir: resolve('schemas/suwi'),
      authenticate,
      maxBodyBytes: 16 * 1024,
      xmlLimits: { maxDepth: 32, maxElements: 2_000 },
      vraag: (v) => {
        vragen.push(v);
        return antwoord(v);
      },
      onRefused: async (reason, detail, partyId) => {
        refused.push({ reason, detail, ...(partyId !== undefined ? { partyId } : {}) });
      },
      logger,
    });
    expect(path).toBe(SUWI_BEVRAGING_PATH);
    await router.ready;
    const app = express();
    app.use(path, router);
    server = app.listen(0, '127.0.0.1');
    await new Promise<void>((ok) => server.once('listening', () => ok()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    client = await soap.createClientAsync(`${base}${SUWI_BEVRAGING_PATH}?wsdl`);
    client.addHttpHeader('Authorization', `Bearer ${KEY}`);
  });

  afterAll(async () => {
    schemas.dispose();
    server.closeAllConnections();
    await new Promise<void>((ok) => server.close(() => ok()));
  });

  beforeEach(() => {
    vragen.length = 0;
    refused.length = 0;
    logs.length = 0;
    antwoord = gevonden;
  });

  const url = (): string => `${base}${SUWI_BEVRAGING_PATH}`;
  const post = (body: string, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(url(), {
      method: 'POST',
      headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: `"${SUWI_BEVRAGING_ACTION}"`, Authorization: `Bearer ${KEY}`, ...headers },
      body,
    });

  /** Calls Bevraging through node-soap; resolves with the raw answer, or with the raw Fault. */
  async function bevraging(xml: string): Promise<{ ok: boolean; status: number; raw: string }> {
    try {
      const [, raw] = (await client.BevragingAsync({ _xml: xml })) as [unknown, string];
      return { ok: true, status: 200, raw };
    } catch (err) {
      const e = err as { response?: { status?: number }; body?: string };
      return { ok: false, status: e.response?.status ?? 0, raw: e.body ?? '' };
    }
  }

  describe('the WSDL', () => {
    it('is served at ?wsdl with the operation, the SOAPAction and the schema import pointing here', async () => {
      const res = await fetch(`${url()}?wsdl`);
      expect(res.status).toBe(200);
      const wsdl = await res.text();
      expect(wsdl).toContain(`location="${url()}"`);
      expect(wsdl).toContain(`schemaLocation="${url()}?xsd=suwi.xsd"`);
      expect(wsdl).toContain('soapAction="urn:knooppunt:suwi:1/Bevraging"');
      const xsd = await fetch(`${url()}?xsd=suwi.xsd`);
      expect(xsd.status).toBe(200);
      expect(await xsd.text()).toContain('targetNamespace="urn:knooppunt:suwi:1"');
    });

    it('is read by node-soap: one service, one port, the Bevraging operation', () => {
      const description = client.describe() as Record<string, Record<string, Record<string, unknown>>>;
      expect(Object.keys(description)).toEqual(['Bevraging']);
      expect(Object.keys(description.Bevraging!.BevragingPort!)).toEqual(['Bevraging']);
    });
  });

  describe('answers', () => {
    it('answers a found bevraging with a BevragingAntwoord that validates, and hands the request over', async () => {
      const res = await bevraging(VRAAG);
      expect(res.ok).toBe(true);
      expect(vragen).toHaveLength(1);
      const v = vragen[0]!;
      expect({ ...v, raw: undefined }).toEqual({ party: PARTY, dienst: 'inkomen', bsn: BSN, doel: 'BIJSTAND', zaakreferentie: 'Z-2024-1', raw: undefined, channel: 'suwi' });
      expect(v.raw.toString('utf8')).toContain(BSN);

      const body = child(parseXml(res.raw), 'Body')!.children[0]!;
      expect([body.ns, body.name]).toEqual([SUWI_NS, 'BevragingAntwoord']);
      const bodyXml = res.raw.slice(res.raw.indexOf('<suwi:BevragingAntwoord'), res.raw.indexOf('</suwi:BevragingAntwoord>') + '</suwi:BevragingAntwoord>'.length);
      expect(schemas.validate(bodyXml)).toEqual([]);
      expect(body.children.map((c) => [c.name, c.text])).toEqual([
        ['Uitkomst', 'gevonden'],
        ['Doel', 'BIJSTAND'],
        ['Grondslag', 'Participatiewet art. 64 lid 1'],
        ['Bron', 'uwv-inkomen'],
        ['Gegevens', undefined],
      ]);
      expect(xmlNaarGegevens(child(body, 'Gegevens')!)).toEqual(GEGEVENS);
    });

    it('gives node-soap a usable result object', async () => {
      const [result] = (await client.BevragingAsync({ _xml: VRAAG })) as [Record<string, unknown>];
      expect(result.Uitkomst).toBe('gevonden');
      expect(result.Bron).toBe('uwv-inkomen');
    });

    it('answers not found with NietGevonden', async () => {
      antwoord = async () => ({ ok: true, uitkomst: 'niet-gevonden', doel: 'BIJSTAND', grondslag: 'g', bron: 'svb' });
      const res = await bevraging(VRAAG);
      expect(res.ok).toBe(true);
      const body = child(parseXml(res.raw), 'Body')!.children[0]!;
      expect(body.children.map((c) => c.name)).toEqual(['Uitkomst', 'Doel', 'Grondslag', 'Bron', 'NietGevonden']);
    });

    it('hands a request without Doelbinding over without doel (the service answers doel-ontbreekt)', async () => {
      antwoord = async () => ({ ok: false, foutcode: 'doel-ontbreekt', omschrijving: 'De bevraging noemt geen doel' });
      const res = await bevraging(vraagXml(`<suwi:Dienst>inkomen</suwi:Dienst><suwi:Burgerservicenr>${BSN}</suwi:Burgerservicenr>`));
      expect(vragen[0]).toMatchObject({ dienst: 'inkomen', bsn: BSN });
      expect(vragen[0]!.doel).toBeUndefined();
      expect(res.status).toBe(500);
      expect(faultOf(res.raw)).toEqual({ code: 'Client', string: 'De doelbinding ontbreekt', fwi: { foutcode: 'doel-ontbreekt', omschrijving: 'De bevraging noemt geen doel' } });
    });

    it.each([
      ['ongeldig-bsn', 'Client'],
      ['doel-niet-toegestaan', 'Client'],
      ['ongeldig-verzoek', 'Client'],
      ['bron-time-out', 'Server'],
      ['bron-niet-beschikbaar', 'Server'],
    ] as const)('answers %s with a %s Fault carrying the FWI', async (foutcode, code) => {
      antwoord = async () => ({ ok: false, foutcode, omschrijving: 'Vaste omschrijving' });
      const res = await bevraging(VRAAG);
      expect(res.ok).toBe(false);
      expect(res.status).toBe(500);
      const f = faultOf(res.raw);
      expect(f.code).toBe(code);
      expect(f.fwi).toEqual({ foutcode, omschrijving: 'Vaste omschrijving' });
      expect(res.raw).not.toContain(BSN);
      const detail = res.raw.slice(res.raw.indexOf('<suwi:FWI'), res.raw.indexOf('</suwi:FWI>') + '</suwi:FWI>'.length);
      expect(schemas.validate(detail)).toEqual([]);
    });

    it('answers a Server fault without details when the service throws, and logs no value', async () => {
      antwoord = async () => {
        throw new Error(`database down while asking for ${BSN}`);
      };
      const res = await bevraging(VRAAG);
      expect(faultOf(res.raw)).toEqual({ code: 'Server', string: 'The request could not be processed' });
      expect(res.raw).not.toContain(BSN);
      expect(logs.join('\n')).toContain('SUWI channel error');
      expect(logs.join('\n')).not.toContain(BSN);
    });

    it('answers a Server fault when the data cannot be written as XML', async () => {
      antwoord = async () => ({ ok: true, uitkomst: 'gevonden', gegevens: { [`sleutel ${BSN}`]: 1 }, doel: 'B', grondslag: 'g', bron: 'b' });
      const res = await bevraging(VRAAG);
      expect(faultOf(res.raw).code).toBe('Server');
      expect(res.raw).not.toContain(BSN);
      expect(logs.join('\n')).not.toContain(BSN);
    });
  });

  describe('refusals', () => {
    it('refuses a request that does not validate against suwi.xsd with FWI ongeldig-verzoek, without asking the service', async () => {
      const res = await bevraging(vraagXml(`<suwi:Dienst>INKOMEN!</suwi:Dienst><suwi:Burgerservicenr>${BSN}</suwi:Burgerservicenr><suwi:Onbekend>geheim</suwi:Onbekend>`));
      expect(res.status).toBe(500);
      const f = faultOf(res.raw);
      expect(f.code).toBe('Client');
      expect(f.fwi?.foutcode).toBe('ongeldig-verzoek');
      expect(f.fwi?.omschrijving).toMatch(/Dienst/);
      expect(res.raw).not.toMatch(/INKOMEN!|geheim|999993653/);
      expect(vragen).toHaveLength(0);
      expect(refused).toEqual([{ reason: 'ongeldig-verzoek', detail: expect.objectContaining({ operation: 'Bevraging' }), partyId: PARTY.id }]);
      expect(JSON.stringify(refused)).not.toMatch(/INKOMEN!|geheim|999993653/);
    });

    it('refuses a request without Burgerservicenr, naming the element', async () => {
      const res = await bevraging(vraagXml('<suwi:Dienst>inkomen</suwi:Dienst>'));
      const f = faultOf(res.raw);
      expect(f.fwi?.foutcode).toBe('ongeldig-verzoek');
      expect(f.fwi?.omschrijving).toMatch(/Burgerservicenr/);
      expect(vragen).toHaveLength(0);
    });

    it('refuses a malformed envelope', async () => {
      const res = await post(`<soapenv:Envelope xmlns:soapenv="${SOAPENV}"><soapenv:Body>${VRAAG}</soapenv:Body>`);
      expect(res.status).toBe(500);
      const f = faultOf(await res.text());
      expect(f.code).toBe('Client');
      expect(f.string).toMatch(/Malformed request/);
      expect(vragen).toHaveLength(0);
      expect(refused[0]?.reason).toBe('xml-not-well-formed');
    });

    it('refuses XXE (a DOCTYPE) before anything reads the entity', async () => {
      const xxe =
        `<?xml version="1.0"?><!DOCTYPE e [<!ENTITY x SYSTEM "file:///etc/passwd">]>` +
        `<soapenv:Envelope xmlns:soapenv="${SOAPENV}"><soapenv:Body>${vraagXml(`<suwi:Dienst>&x;</suwi:Dienst><suwi:Burgerservicenr>${BSN}</suwi:Burgerservicenr>`)}</soapenv:Body></soapenv:Envelope>`;
      const res = await post(xxe);
      expect(res.status).toBe(500);
      const text = await res.text();
      expect(faultOf(text).code).toBe('Client');
      expect(text).not.toContain('root:');
      expect(vragen).toHaveLength(0);
      expect(refused[0]?.reason).toBe('xml-doctype-forbidden');
    });

    it('refuses an oversized request', async () => {
      const big = envelope(vraagXml(`<suwi:Dienst>inkomen</suwi:Dienst><suwi:Burgerservicenr>${BSN}</suwi:Burgerservicenr>${' '.repeat(20 * 1024)}`));
      const res = await post(big);
      expect(res.status).toBe(500);
      const f = faultOf(await res.text());
      expect(f.code).toBe('Client');
      expect(f.string).toMatch(/larger than 16384 bytes/);
      expect(refused[0]?.reason).toBe('payload-too-large');
      expect(vragen).toHaveLength(0);
    });

    it('refuses another SOAPAction, another element, and no credentials', async () => {
      let res = await post(envelope(VRAAG), { SOAPAction: '"urn:knooppunt:suwi:1/Anders"' });
      expect(faultOf(await res.text()).code).toBe('Client');
      res = await post(envelope(`<suwi:FWI xmlns:suwi="${SUWI_NS}"/>`));
      expect(faultOf(await res.text()).string).toMatch(/expects BevragingVraag/);
      res = await post(envelope(VRAAG), { Authorization: 'Bearer wrong' });
      expect(res.status).toBe(500);
      expect(faultOf(await res.text()).string).toMatch(/Authentication required/);
      expect(vragen).toHaveLength(0);
    });
  });
});
