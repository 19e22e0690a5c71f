import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import express, { type RequestHandler } from 'express';
import type { Server } from 'node:http';
import { resolve } from 'node:path';
import * as soap from 'soap';
import { HttpProblem } from '../../../src/channels/rest/problem.js';
import { soapEnvelope } from '../../../src/channels/stuf/soap-envelope.js';
import { soapEndpoint, type SoapAnswer, type SoapCall, type SoapEndpointRouter } from '../../../src/channels/stuf/soap-server.js';
import { readSoapContract } from '../../../src/channels/stuf/wsdl-contract.js';
import { actieVan } from '../../../src/standards/stuf/operaties.js';
import { wsdlOperaties, ZDS_WSDL_FILES } from '../../../src/standards/stuf/zds-wsdl.js';
import type { Party } from '../../../src/parties/registry.js';
import { parseXml, type XmlElement } from '../../../src/xml/parse.js';
import { opLoopback, sluit } from '../../helpers/stuf-unit.js';

const SOAPENV = 'http://schemas.xmlsoap.org/soap/envelope/';
const ZKN = 'http://www.egem.nl/StUF/sector/zkn/0310';
const ZDS = 'http://www.stufstandaarden.nl/koppelvlak/zds0120';
const STUF = 'http://www.egem.nl/StUF/StUF0301';
const ACTION = {
  creeerZaak: 'http://www.egem.nl/StUF/sector/zkn/0310/creeerZaak_Lk01',
  updateZaak: 'http://www.egem.nl/StUF/sector/zkn/0310/updateZaak_Lk01',
  voegZaakdocumentToe: 'http://www.egem.nl/StUF/sector/zkn/0310/voegZaakdocumentToe_Lk01',
};
const OPERATIONS: Record<string, string> = {
  [ACTION.creeerZaak]: 'creeerZaak_ZakLk01',
  [ACTION.updateZaak]: 'updateZaak_ZakLk01',
  [ACTION.voegZaakdocumentToe]: 'voegZaakdocumentToe_EdcLk01',
};

// The real ZDS WSDL, and the minimal test WSDL (whose schemas import each other across folders).
const FIXTURE = 'test/fixtures-soap/zds_OntvangAsynchroon.wsdl';
// The real WSDLs are tested in 'the ZDS WSDLs' below; these tests need a WSDL with the operation names of the table.
const REAL = FIXTURE;
const WSDLS = [FIXTURE];

const PARTY: Party = {
  id: 'zaaksysteem-0153',
  kind: 'backoffice',
  name: 'Zaaksysteem',
  standards: ['stuf-zkn'],
  maySend: new Set(),
  deliverTo: 'mailbox',
  certFingerprints: new Set(),
};
const KEY = 'test-key-0153';
const authenticate: RequestHandler = (req, res, next) => {
  if (req.get('authorization') !== `Bearer ${KEY}`) return next(new HttpProblem(401, 'missing-credential', 'A valid API key is required'));
  (res.locals as { party: Party }).party = PARTY;
  next();
};

const ZAK_LK01 =
  `<ZKN:zakLk01 xmlns:ZKN="${ZKN}" xmlns:StUF="${STUF}"><ZKN:stuurgegevens><StUF:berichtcode>Lk01</StUF:berichtcode>` +
  `<StUF:referentienummer>REF-1</StUF:referentienummer></ZKN:stuurgegevens><ZKN:object StUF:entiteittype="ZAK" StUF:verwerkingssoort="T">` +
  `<ZKN:identificatie>0153-2026-0000123</ZKN:identificatie></ZKN:object></ZKN:zakLk01>`;
// Odd but legal: extra spaces, a default namespace inside, attribute order; it must come back exactly so.
const BV03 =
  `<StUF:Bv03Bericht xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"  xmlns:StUF="${STUF}"><StUF:stuurgegevens>` +
  `<StUF:berichtcode>Bv03</StUF:berichtcode> <StUF:crossRefnummer>REF-1</StUF:crossRefnummer><x xmlns="urn:x" b="2" a="1">é &amp; ü</x>` +
  `</StUF:stuurgegevens></StUF:Bv03Bericht>`;
const FO02 =
  `<StUF:Fo02Bericht xmlns:StUF="${STUF}"><StUF:stuurgegevens><StUF:berichtcode>Fo02</StUF:berichtcode></StUF:stuurgegevens>` +
  `<StUF:body><StUF:code>StUF055</StUF:code><StUF:plek>client</StUF:plek><StUF:omschrijving>Element onbekend</StUF:omschrijving></StUF:body></StUF:Fo02Bericht>`;

function envelope(body: string, header = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="${SOAPENV}">${header}<soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;
}

function spaces(n: number): Uint8Array<ArrayBuffer> {
  return new Uint8Array(n).fill(0x20);
}

function child(e: XmlElement | undefined, name: string): XmlElement | undefined {
  return e?.children.find((c) => c.name === name);
}

/** Parses a SOAP Fault answer: its faultcode, faultstring and detail. */
function faultOf(text: string): { code: string; string: string; detail?: XmlElement } {
  const root = parseXml(text);
  expect(root.ns).toBe(SOAPENV);
  const fault = child(child(root, 'Body'), 'Fault');
  expect(fault?.ns).toBe(SOAPENV);
  return { code: child(fault, 'faultcode')?.text ?? '', string: child(fault, 'faultstring')?.text ?? '', detail: child(fault, 'detail') };
}

describe.each(WSDLS)('soapEndpoint with %s', (wsdlPath) => {
  let server: Server;
  let base: string;
  let endpoint: SoapEndpointRouter;
  const calls: SoapCall[] = [];
  const refused: Array<{ reason: string; detail: Record<string, unknown>; partyId?: string }> = [];
  const errors: string[] = [];
  let answer: (call: SoapCall) => Promise<SoapAnswer> = async () => ({ xml: BV03 });

  beforeAll(async () => {
    endpoint = soapEndpoint({
      wsdlPath: resolve(wsdlPath),
      operations: OPERATIONS,
      maxBodyBytes: 64 * 1024,
      xmlLimits: { maxDepth: 32, maxElements: 10_000 },
      authenticate,
      handle: (call) => {
        calls.push(call);
        return answer(call);
      },
      onRefused: async (reason, detail, partyId) => {
        refused.push({ reason, detail, partyId });
      },
      onError: (err, context) => errors.push(`${context}: ${(err as Error).message}`),
    });
    await endpoint.ready;
    const app = express();
    app.use('/stuf/zds/OntvangAsynchroon', endpoint);
    app.use((_req, res) => {
      res.status(404).end();
    });
    ({ server, base } = await opLoopback(app));
  });

  afterAll(() => sluit(server));

  const url = (): string => `${base}/stuf/zds/OntvangAsynchroon`;
  const reset = (): void => {
    calls.length = 0;
    refused.length = 0;
    errors.length = 0;
    answer = async () => ({ xml: BV03 });
  };

  describe('the WSDL', () => {
    it('is served at ?wsdl with soap:address and every schema import pointing at this endpoint', async () => {
      const res = await fetch(`${url()}?wsdl`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/xml; charset=utf-8');
      const wsdl = await res.text();
      expect(wsdl).toContain(`location="${url()}"`);
      const links = [...wsdl.matchAll(/schemaLocation="([^"]+)"/g)].map((m) => m[1]!);
      expect(links.length).toBeGreaterThan(0);
      // Every import, and the imports inside those, can be fetched from here; nothing is left relative.
      const seen = new Set<string>();
      const queue = [...links];
      while (queue.length > 0) {
        const link = queue.shift()!.replace(/&amp;/g, '&');
        if (seen.has(link)) continue;
        seen.add(link);
        expect(link.startsWith(`${url()}?xsd=`)).toBe(true);
        const xsd = await fetch(link);
        expect(xsd.status).toBe(200);
        const text = await xsd.text();
        expect(() => parseXml(text, { maxBytes: 50 * 1024 * 1024, maxElements: 2_000_000 })).not.toThrow();
        queue.push(...[...text.matchAll(/schemaLocation="([^"]+)"/g)].map((m) => m[1]!));
      }
      expect(seen.size).toBeGreaterThanOrEqual(2);
    });

    it('serves only the files the WSDL imports, by name', async () => {
      for (const q of ['xsd=nope.xsd', 'xsd=../../../package.json', `xsd=${encodeURIComponent(resolve(wsdlPath))}`, `xsd=${wsdlPath.split('/').pop()!}`, 'xsd=']) {
        expect((await fetch(`${url()}?${q}`)).status).toBe(404);
      }
    });
  });

  describe('a node-soap client', () => {
    it('reads the WSDL from ?wsdl and calls an operation; handle gets the Body child and the answer comes back byte for byte', async () => {
      reset();
      const client = await soap.createClientAsync(`${url()}?wsdl`);
      client.addHttpHeader('Authorization', `Bearer ${KEY}`);
      const [result, rawResponse] = (await client.creeerZaak_ZakLk01Async({ _xml: ZAK_LK01 })) as [unknown, string];
      expect(calls).toHaveLength(1);
      const call = calls[0]!;
      expect(call.operation).toBe('creeerZaak_ZakLk01');
      expect(call.soapAction).toBe(ACTION.creeerZaak);
      expect([call.body.ns, call.body.name]).toEqual([ZKN, 'zakLk01']);
      expect(child(child(call.body, 'object'), 'identificatie')?.text).toBe('0153-2026-0000123');
      expect(call.party.id).toBe(PARTY.id);
      expect(call.raw.toString('utf8')).toContain(ZAK_LK01);
      expect(rawResponse).toBe(soapEnvelope(BV03));
      expect(rawResponse).toContain(BV03);
      expect(result).toBeTruthy();
      expect(refused).toEqual([]);
    });

    it('gets a handler fault as a SOAP Fault (HTTP 500) with the Fo02 in detail, byte for byte', async () => {
      reset();
      answer = async () => ({ fault: { code: 'Client', string: 'StUF055: element onbekend', detailXml: FO02 } });
      const client = await soap.createClientAsync(`${url()}?wsdl`);
      client.addHttpHeader('Authorization', `Bearer ${KEY}`);
      const err = (await client.updateZaak_ZakLk01Async({ _xml: ZAK_LK01 }).catch((e: unknown) => e)) as {
        response?: { status: number };
        body?: string;
        root?: { Envelope: { Body: { Fault: { faultcode: string; faultstring: string } } } };
      };
      expect(calls.map((c) => c.operation)).toEqual(['updateZaak_ZakLk01']);
      expect(err.response?.status).toBe(500);
      expect(err.root?.Envelope.Body.Fault.faultcode).toBe('soapenv:Client');
      expect(err.root?.Envelope.Body.Fault.faultstring).toBe('StUF055: element onbekend');
      expect(err.body).toContain(`<detail>${FO02}</detail>`);
      const fault = faultOf(err.body ?? '');
      expect(child(fault.detail, 'Fo02Bericht')?.ns).toBe(STUF);
    });
  });

  describe('a POST', () => {
    const post = (body: string | Uint8Array<ArrayBuffer>, headers: Record<string, string> = {}): Promise<Response> =>
      fetch(url(), {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'text/xml; charset=utf-8', soapaction: `"${ACTION.creeerZaak}"`, ...headers },
        body,
      });

    it('accepts the SOAPAction quoted or not, and the answer is text/xml with HTTP 200', async () => {
      reset();
      for (const soapaction of [`"${ACTION.creeerZaak}"`, ACTION.creeerZaak, `  "${ACTION.creeerZaak}" `]) {
        const res = await post(envelope(ZAK_LK01), { soapaction });
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toBe('text/xml; charset=utf-8');
        expect(await res.text()).toBe(soapEnvelope(BV03));
      }
      expect(calls.map((c) => c.operation)).toEqual(['creeerZaak_ZakLk01', 'creeerZaak_ZakLk01', 'creeerZaak_ZakLk01']);
      expect(refused).toEqual([]);
    });

    it('dispatches on the SOAPAction when several operations share a request element', async () => {
      reset();
      expect((await post(envelope(ZAK_LK01), { soapaction: ACTION.updateZaak })).status).toBe(200);
      const edc = `<ZKN:edcLk01 xmlns:ZKN="${ZKN}"/>`;
      expect((await post(envelope(edc), { soapaction: ACTION.voegZaakdocumentToe })).status).toBe(200);
      expect(calls.map((c) => c.operation)).toEqual(['updateZaak_ZakLk01', 'voegZaakdocumentToe_EdcLk01']);
    });

    it('ignores a SOAP Header it need not understand', async () => {
      reset();
      const res = await post(envelope(ZAK_LK01, `<soapenv:Header><h:trace xmlns:h="urn:h">1</h:trace></soapenv:Header>`));
      expect(res.status).toBe(200);
      expect(calls).toHaveLength(1);
    });

    const bomb =
      `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">` +
      `<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>` +
      envelope(`<ZKN:zakLk01 xmlns:ZKN="${ZKN}">&lol3;</ZKN:zakLk01>`).replace(/^<\?xml[^>]*>/, '');
    const xxe =
      `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>` +
      envelope(`<ZKN:zakLk01 xmlns:ZKN="${ZKN}">&xxe;</ZKN:zakLk01>`).replace(/^<\?xml[^>]*>/, '');
    const deep = envelope(`<ZKN:zakLk01 xmlns:ZKN="${ZKN}">${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}</ZKN:zakLk01>`);
    const soap12 = `<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body>${ZAK_LK01}</env:Body></env:Envelope>`;

    const cases: Array<{ name: string; body: string | Uint8Array<ArrayBuffer>; headers?: Record<string, string>; reason: string; code?: string }> = [
      { name: 'an unknown SOAPAction', body: envelope(ZAK_LK01), headers: { soapaction: '"urn:knooppunt:bestaat-niet"' }, reason: 'unknown-soapaction' },
      { name: 'an empty SOAPAction', body: envelope(ZAK_LK01), headers: { soapaction: '""' }, reason: 'unknown-soapaction' },
      { name: 'a SOAPAction that does not fit the Body', body: envelope(ZAK_LK01), headers: { soapaction: ACTION.voegZaakdocumentToe }, reason: 'soapaction-element-mismatch' },
      { name: 'no SOAPAction', body: envelope(ZAK_LK01), headers: { soapaction: '' }, reason: 'missing-soapaction' },
      { name: 'an XML bomb', body: bomb, reason: 'xml-doctype-forbidden' },
      { name: 'an external entity', body: xxe, reason: 'xml-doctype-forbidden' },
      { name: 'an undeclared entity', body: envelope(`<ZKN:zakLk01 xmlns:ZKN="${ZKN}">&xxe;</ZKN:zakLk01>`), reason: 'xml-not-well-formed' },
      { name: 'deep nesting', body: deep, reason: 'xml-too-deep' },
      { name: 'a body over the limit', body: spaces(100 * 1024), reason: 'payload-too-large' },
      { name: 'not XML', body: '{"zaak": 1}', reason: 'xml-not-xml' },
      { name: 'broken XML', body: envelope('<ZKN:zakLk01 xmlns:ZKN="urn:x">').slice(0, -10), reason: 'xml-not-well-formed' },
      { name: 'a JSON content type', body: envelope(ZAK_LK01), headers: { 'content-type': 'application/json' }, reason: 'unsupported-media-type' },
      { name: 'SOAP 1.2 content type', body: soap12, headers: { 'content-type': 'application/soap+xml; charset=utf-8' }, reason: 'unsupported-media-type' },
      { name: 'no content type', body: new TextEncoder().encode(envelope(ZAK_LK01)), headers: { 'content-type': '' }, reason: 'unsupported-media-type' },
      { name: 'a gzip content encoding', body: envelope(ZAK_LK01), headers: { 'content-encoding': 'gzip' }, reason: 'unsupported-content-encoding' },
      { name: 'a SOAP 1.2 envelope', body: soap12, reason: 'soap-version-mismatch', code: 'soapenv:VersionMismatch' },
      { name: 'a bare StUF message', body: ZAK_LK01, reason: 'not-soap-envelope' },
      { name: 'an envelope without Body', body: `<soapenv:Envelope xmlns:soapenv="${SOAPENV}"/>`, reason: 'invalid-envelope' },
      { name: 'two Bodies', body: envelope(ZAK_LK01).replace('</soapenv:Envelope>', '<soapenv:Body/></soapenv:Envelope>'), reason: 'invalid-envelope' },
      { name: 'two elements in the Body', body: envelope(ZAK_LK01 + ZAK_LK01), reason: 'invalid-body' },
      { name: 'an empty Body', body: envelope(''), reason: 'invalid-body' },
      {
        name: 'a mustUnderstand header',
        body: envelope(ZAK_LK01, `<soapenv:Header><w:Security xmlns:w="urn:w" soapenv:mustUnderstand="1"/></soapenv:Header>`),
        reason: 'must-understand',
        code: 'soapenv:MustUnderstand',
      },
    ];

    it.each(cases)('refuses $name with a SOAP Fault, logged through onRefused', async ({ body, headers, reason, code }) => {
      reset();
      const h = { ...headers };
      // fetch cannot send a header with an empty value as "absent": drop it instead.
      for (const k of Object.keys(h)) if (h[k] === '') delete h[k];
      const res = await fetch(url(), {
        method: 'POST',
        headers: {
          authorization: `Bearer ${KEY}`,
          ...('content-type' in (headers ?? {}) ? {} : { 'content-type': 'text/xml; charset=utf-8' }),
          ...('soapaction' in (headers ?? {}) ? {} : { soapaction: `"${ACTION.creeerZaak}"` }),
          ...h,
        },
        body,
      });
      expect(res.status).toBe(500);
      expect(res.headers.get('content-type')).toBe('text/xml; charset=utf-8');
      const fault = faultOf(await res.text());
      expect(fault.code).toBe(code ?? 'soapenv:Client');
      expect(fault.string.length).toBeGreaterThan(0);
      expect(fault.detail).toBeUndefined(); // no readable StUF message, so no Fo02
      expect(refused).toEqual([{ reason, detail: expect.any(Object), partyId: PARTY.id }]);
      expect(calls).toEqual([]);
    });

    it('cuts off a sender that keeps going far past the limit, and stays up', async () => {
      reset();
      const outcome = await post(spaces(1024 * 1024)).then(
        (res) => res.status,
        () => 'reset',
      );
      expect([500, 'reset']).toContain(outcome);
      expect(refused.map((r) => r.reason)).toEqual(['payload-too-large']);
      expect((await post(envelope(ZAK_LK01))).status).toBe(200);
    });

    it('refuses an unauthenticated caller with a Fault and never calls handle', async () => {
      reset();
      const res = await fetch(url(), { method: 'POST', headers: { 'content-type': 'text/xml', soapaction: ACTION.creeerZaak }, body: envelope(ZAK_LK01) });
      expect(res.status).toBe(500);
      expect(faultOf(await res.text()).code).toBe('soapenv:Client');
      expect(calls).toEqual([]);
      // The authenticate middleware logs its own refusals.
      expect(refused).toEqual([]);
    });

    it('answers a Server fault without internals when handle throws', async () => {
      reset();
      answer = async () => {
        throw new Error('database password is hunter2');
      };
      const res = await post(envelope(ZAK_LK01));
      expect(res.status).toBe(500);
      const text = await res.text();
      expect(faultOf(text).code).toBe('soapenv:Server');
      expect(text).not.toContain('hunter2');
      expect(errors).toEqual(['handle creeerZaak_ZakLk01: database password is hunter2']);
    });

    it('answers other methods with 405', async () => {
      const res = await fetch(url(), { method: 'PUT', headers: { 'content-type': 'text/xml' }, body: envelope(ZAK_LK01) });
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('GET, POST');
    });

    it('is still healthy after all of that', async () => {
      reset();
      const client = await soap.createClientAsync(`${url()}?wsdl`);
      client.addHttpHeader('Authorization', `Bearer ${KEY}`);
      const [, raw] = (await client.creeerZaak_ZakLk01Async({ _xml: ZAK_LK01 })) as [unknown, string];
      expect(raw).toBe(soapEnvelope(BV03));
    });
  });
});

describe('soapEndpoint start-up', () => {
  const base = {
    maxBodyBytes: 1024,
    xmlLimits: {},
    authenticate,
    handle: async (): Promise<SoapAnswer> => ({ xml: BV03 }),
    onRefused: async (): Promise<void> => undefined,
  };

  it('refuses an operation the WSDL does not have', async () => {
    const e = soapEndpoint({ ...base, wsdlPath: resolve(REAL), operations: { 'urn:x': 'geefZaakdetails_ZakLv01' } });
    await expect(e.ready).rejects.toThrow(/no operation geefZaakdetails_ZakLv01/);
  });

  it('refuses a SOAPAction that differs from the WSDL binding', async () => {
    const e = soapEndpoint({ ...base, wsdlPath: resolve(REAL), operations: { 'urn:other': 'creeerZaak_ZakLk01' } });
    await expect(e.ready).rejects.toThrow(/SOAPAction/);
  });

  it('fails at once on a missing WSDL', () => {
    expect(() => soapEndpoint({ ...base, wsdlPath: resolve('test/fixtures-soap/missing.wsdl'), operations: {} })).toThrow();
  });

  it('answers a Server fault while its WSDL contract is broken', async () => {
    const errors: string[] = [];
    const e = soapEndpoint({ ...base, wsdlPath: resolve(REAL), operations: { 'urn:x': 'nope' }, onError: (err, ctx) => errors.push(ctx) });
    await e.ready.catch(() => undefined);
    const app = express();
    app.use('/s', e);
    const { server, base: url } = await opLoopback(app);
    try {
      const res = await fetch(`${url}/s`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'text/xml', soapaction: 'urn:x' },
        body: envelope(ZAK_LK01),
      });
      expect(res.status).toBe(500);
      expect(faultOf(await res.text()).code).toBe('soapenv:Server');
      expect(errors).toEqual(['wsdl']);
    } finally {
      await sluit(server);
    }
  });
});

// The three ZDS endpoints of docs/stuf/zds.md on knooppunt's WSDLs, in both forms (ZDS 1.1 at
// ?wsdl, ZDS 1.2 at ?wsdl=1.2): the operation tables check out against both bindings (node-soap
// and the static reader), a node-soap client reads each WSDL and its imports from the endpoint
// and reaches every operation of the table; handle sees the right operation and request element.
const FORMS = ['zds11', 'zds12'] as const;
const ZDS_ENDPOINTS = (['VerwerkSynchroonVrijBericht', 'OntvangAsynchroon', 'BeantwoordVraag'] as const).map((service) => ({
  service,
  forms: Object.fromEntries(FORMS.map((vorm) => [vorm, wsdlOperaties(vorm, service).map((o) => ({
    op: vorm === 'zds11' ? o.zds11!.action : o.zds12!.action,
    action: actieVan(o.naam, vorm)!,
    ns: vorm === 'zds11' ? ZKN : ZDS,
    request: vorm === 'zds11' ? o.zds11!.root : o.zds12!.root,
    // The answer element of the operation's output message.
    answer: o.antwoord
      ? `<X:${vorm === 'zds11' ? o.antwoord.zds11 : o.antwoord.zds12} xmlns:X="${vorm === 'zds11' ? ZKN : ZDS}"/>`
      : `<StUF:${o.soort === 'bv02' ? 'Bv02' : 'Bv03'}Bericht xmlns:StUF="${STUF}"/>`,
  }))])) as Record<(typeof FORMS)[number], Array<{ op: string; action: string; ns: string; request: string; answer: string }>>,
}));
const wsdlVan = (vorm: (typeof FORMS)[number], service: (typeof ZDS_ENDPOINTS)[number]['service']) => resolve('schemas/stuf', ZDS_WSDL_FILES[vorm].dir, ZDS_WSDL_FILES[vorm].files[service]);

describe('the ZDS WSDLs', () => {
  let server: Server;
  let base: string;
  const calls: SoapCall[] = [];

  beforeAll(async () => {
    const app = express();
    for (const e of ZDS_ENDPOINTS) {
      const operations = (vorm: (typeof FORMS)[number]) => Object.fromEntries(e.forms[vorm].map((o) => [o.action, o.op]));
      const endpoint = soapEndpoint({
        wsdlPath: wsdlVan('zds11', e.service),
        operations: operations('zds11'),
        wsdlKey: '1.1',
        alternativeWsdls: { '1.2': { wsdlPath: wsdlVan('zds12', e.service), operations: operations('zds12') } },
        resolve: (soapAction) => {
          const o = [...e.forms.zds11, ...e.forms.zds12].find((x) => x.action === soapAction);
          return o ? { operation: o.op } : undefined;
        },
        maxBodyBytes: 1024 * 1024,
        xmlLimits: {},
        authenticate,
        handle: async (call) => {
          calls.push(call);
          return { xml: [...e.forms.zds11, ...e.forms.zds12].find((o) => o.action === call.soapAction)!.answer };
        },
        onRefused: async () => undefined,
      });
      await endpoint.ready;
      // The static reader agrees with node-soap on the same tables.
      for (const vorm of FORMS) expect([...readSoapContract(wsdlVan(vorm, e.service), operations(vorm)).keys()].sort()).toEqual(Object.keys(operations(vorm)).sort());
      app.use(`/stuf/zds/${e.service}`, endpoint);
    }
    ({ server, base } = await opLoopback(app));
  }, 60_000);

  afterAll(() => sluit(server));

  it('the static reader refuses a table the WSDL does not bind', () => {
    expect(() => readSoapContract(wsdlVan('zds11', 'OntvangAsynchroon'), { [`${ZKN}/creeerZaak_Lk01`]: 'updateZaak_Lk01' })).toThrow(/SOAPAction/);
    expect(() => readSoapContract(wsdlVan('zds12', 'OntvangAsynchroon'), { 'urn:x': 'geefZaakdetails_ZakLv01' })).toThrow(/no operation/);
  });

  it.each(ZDS_ENDPOINTS.flatMap((e) => FORMS.map((vorm) => ({ ...e, vorm }))))('$service $vorm: a node-soap client reaches every operation', async ({ service, forms, vorm }) => {
    calls.length = 0;
    const operations = forms[vorm];
    const client = await soap.createClientAsync(`${base}/stuf/zds/${service}?wsdl${vorm === 'zds12' ? '=1.2' : ''}`);
    client.addHttpHeader('Authorization', `Bearer ${KEY}`);
    const described = Object.values(client.describe() as Record<string, Record<string, Record<string, unknown>>>)[0]!;
    expect(Object.keys(described).length).toBe(2);
    for (const port of Object.values(described)) expect(Object.keys(port).sort()).toEqual(operations.map((o) => o.op).sort());
    const port = Object.values(client as unknown as Record<string, Record<string, Record<string, (args: unknown, cb: (err: unknown, r: unknown, raw: string) => void) => void>>>)
      .find((v) => typeof v === 'object' && v !== null && Object.keys(v).some((k) => k === service || k === 'VrijeBerichten'));
    expect(port).toBeDefined();
    const soap11 = Object.values(port!)[0]!;
    for (const o of operations) {
      const raw = await new Promise<string>((res, rej) => soap11[o.op]!({ _xml: `<X:${o.request} xmlns:X="${o.ns}"/>` }, (err, _r, body) => (err ? rej(err) : res(body))));
      expect(raw).toBe(soapEnvelope(o.answer));
    }
    expect(calls.map((c) => [c.operation, c.soapAction, c.body.ns, c.body.name])).toEqual(operations.map((o) => [o.op, o.action, o.ns, o.request]));
  });
});
