import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import express, { type Request, type RequestHandler } from 'express';
import type { Server } from 'node:http';
import { resolve } from 'node:path';
import { readBody } from '../../../src/channels/istandaarden/body.js';
import { callSoap } from '../../../src/channels/stuf/soap-client.js';
import { soapEnvelope, soapFaultEnvelope } from '../../../src/channels/stuf/soap-envelope.js';
import { soapEndpoint, type SoapCall } from '../../../src/channels/stuf/soap-server.js';
import type { Party } from '../../../src/parties/registry.js';
import { opLoopback, sluit } from '../../helpers/stuf-unit.js';

const ZKN = 'http://www.egem.nl/StUF/sector/zkn/0310';
const STUF = 'http://www.egem.nl/StUF/StUF0301';
const CREEER = 'http://www.egem.nl/StUF/sector/zkn/0310/creeerZaak_Lk01';
const ZAK_LK01 = `<ZKN:zakLk01 xmlns:ZKN="${ZKN}"  xmlns:StUF="${STUF}"><ZKN:object StUF:entiteittype="ZAK"><ZKN:identificatie>Z-1</ZKN:identificatie></ZKN:object></ZKN:zakLk01>`;
const BV03 = `<StUF:Bv03Bericht xmlns:StUF="${STUF}"><StUF:stuurgegevens><StUF:berichtcode>Bv03</StUF:berichtcode></StUF:stuurgegevens></StUF:Bv03Bericht>`;
const FO02 =
  `<StUF:Fo02Bericht xmlns:StUF="${STUF}"><StUF:body><StUF:code>StUF058</StUF:code><StUF:plek>server</StUF:plek>` +
  `<StUF:omschrijving>Zaak bestaat al</StUF:omschrijving></StUF:body></StUF:Fo02Bericht>`;

describe('callSoap', () => {
  let server: Server;
  let base: string;
  const received: Array<{ headers: Request['headers']; body: string }> = [];
  const handled: SoapCall[] = [];

  beforeAll(async () => {
    const app = express();
    const record: RequestHandler = async (req, _res, next) => {
      const read = await readBody(req, 1024 * 1024);
      received.push({ headers: req.headers, body: read.tooLarge ? '' : read.body.toString('utf8') });
      next();
    };
    const xml = (status: number, text: string, type = 'text/xml; charset=utf-8'): RequestHandler => (_req, res) => {
      res.status(status).type(type).send(text);
    };
    app.post('/ok', record, xml(200, soapEnvelope(BV03)));
    app.post('/fault', record, xml(500, soapFaultEnvelope('Server', 'Zaak bestaat al', FO02)));
    app.post('/qualified-fault', record, xml(500, `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><s:faultcode>s:Client.Auth</s:faultcode><s:faultstring>nee</s:faultstring></s:Fault></s:Body></s:Envelope>`));
    app.post('/html', record, xml(502, '<html><body>Bad gateway</body></html>', 'text/html'));
    app.post('/broken', record, xml(502, '<html><body>Bad gateway<br></body></html>', 'text/html'));
    app.post('/plain', record, xml(503, 'Service Unavailable', 'text/plain'));
    app.post('/empty', record, (_req, res) => {
      res.status(202).end();
    });
    app.post('/big', record, xml(200, soapEnvelope(`<a>${'x'.repeat(200 * 1024)}</a>`)));
    app.post('/bomb', record, xml(200, `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>`));
    app.post('/soap12', record, xml(200, `<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body>${BV03}</e:Body></e:Envelope>`));
    app.post('/hang', record, () => undefined);
    app.post('/slow-body', record, (_req, res) => {
      res.status(200).type('text/xml').write('<soapenv:Envelope');
    });
    // The other end of the channel: our own soapEndpoint.
    const party: Party = { id: 'p', kind: 'backoffice', name: 'P', standards: [], maySend: new Set(), deliverTo: 'mailbox', certFingerprints: new Set() };
    const endpoint = soapEndpoint({
      wsdlPath: resolve('test/fixtures-soap/zds_OntvangAsynchroon.wsdl'),
      operations: { [CREEER]: 'creeerZaak_ZakLk01' },
      maxBodyBytes: 64 * 1024,
      xmlLimits: {},
      authenticate: (req, res, next) => {
        (res.locals as { party: Party }).party = party;
        next();
      },
      handle: async (call) => {
        handled.push(call);
        return { xml: BV03 };
      },
      onRefused: async () => undefined,
    });
    await endpoint.ready;
    app.use('/stuf/zds/OntvangAsynchroon', endpoint);
    ({ server, base } = await opLoopback(app));
  });

  afterAll(() => sluit(server));

  it('posts a SOAP 1.1 envelope around the payload, byte for byte, with a quoted SOAPAction and the extra headers', async () => {
    received.length = 0;
    const res = await callSoap(`${base}/ok`, CREEER, `<?xml version="1.0" encoding="UTF-8"?>\n${ZAK_LK01}`, {
      timeoutMs: 5000,
      headers: { 'Idempotency-Key': 'd-1', 'content-type': 'application/json', SOAPAction: 'urn:wrong' },
    });
    expect(res.status).toBe(200);
    expect(res.fault).toBeUndefined();
    expect([res.body?.ns, res.body?.name]).toEqual([STUF, 'Bv03Bericht']);
    const req = received[0]!;
    expect(req.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(req.headers.soapaction).toBe(`"${CREEER}"`);
    expect(req.headers['idempotency-key']).toBe('d-1');
    expect(req.body).toBe(soapEnvelope(ZAK_LK01));
    expect(req.body).toContain(`<soapenv:Body>${ZAK_LK01}</soapenv:Body>`);
  });

  it('returns a SOAP Fault with its code, string and the Fo02 from detail', async () => {
    const res = await callSoap(`${base}/fault`, CREEER, ZAK_LK01, { timeoutMs: 5000 });
    expect(res.status).toBe(500);
    expect(res.fault?.code).toBe('Server');
    expect(res.fault?.string).toBe('Zaak bestaat al');
    expect(res.fault?.detail?.name).toBe('Fo02Bericht');
    expect(res.fault?.detail?.children.find((c) => c.name === 'body')?.children.find((c) => c.name === 'code')?.text).toBe('StUF058');
    expect(res.body?.name).toBe('Fault');
  });

  it('reads a fault whose parts are (wrongly) qualified, and keeps a dotted subcode', async () => {
    const res = await callSoap(`${base}/qualified-fault`, CREEER, ZAK_LK01, { timeoutMs: 5000 });
    expect(res.fault).toEqual({ code: 'Client.Auth', string: 'nee', detail: undefined });
  });

  it('returns the status of an answer that is not SOAP, without a body', async () => {
    expect(await callSoap(`${base}/html`, CREEER, ZAK_LK01, { timeoutMs: 5000 })).toEqual({ status: 502, body: undefined, unreadable: 'not-soap' });
    expect(await callSoap(`${base}/broken`, CREEER, ZAK_LK01, { timeoutMs: 5000 })).toEqual({ status: 502, body: undefined, unreadable: 'xml-not-well-formed' });
    expect(await callSoap(`${base}/plain`, CREEER, ZAK_LK01, { timeoutMs: 5000 })).toEqual({ status: 503, body: undefined, unreadable: 'xml-not-xml' });
    expect(await callSoap(`${base}/empty`, CREEER, ZAK_LK01, { timeoutMs: 5000 })).toEqual({ status: 202, body: undefined });
    expect(await callSoap(`${base}/soap12`, CREEER, ZAK_LK01, { timeoutMs: 5000 })).toEqual({ status: 200, body: undefined, unreadable: 'not-soap' });
    expect(await callSoap(`${base}/nowhere`, CREEER, ZAK_LK01, { timeoutMs: 5000 })).toMatchObject({ status: 404, body: undefined });
  });

  it('parses the answer with the hardened parser: a DTD is refused, an answer over the limit is not read', async () => {
    expect(await callSoap(`${base}/bomb`, CREEER, ZAK_LK01, { timeoutMs: 5000 })).toEqual({ status: 200, body: undefined, unreadable: 'xml-doctype-forbidden' });
    expect(await callSoap(`${base}/big`, CREEER, ZAK_LK01, { timeoutMs: 5000, maxResponseBytes: 64 * 1024 })).toEqual({ status: 200, body: undefined, unreadable: 'too-large' });
  });

  it('rejects with a TimeoutError when the other side does not answer, or stops half-way', async () => {
    await expect(callSoap(`${base}/hang`, CREEER, ZAK_LK01, { timeoutMs: 200 })).rejects.toMatchObject({ name: 'TimeoutError' });
    await expect(callSoap(`${base}/slow-body`, CREEER, ZAK_LK01, { timeoutMs: 200 })).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  it('rejects when nothing listens', async () => {
    await expect(callSoap('http://127.0.0.1:1/x', CREEER, ZAK_LK01, { timeoutMs: 2000 })).rejects.toThrow();
  });

  it('talks to soapEndpoint: the payload arrives as the Body child, the Bv03 comes back', async () => {
    const res = await callSoap(`${base}/stuf/zds/OntvangAsynchroon`, CREEER, ZAK_LK01, { timeoutMs: 5000 });
    expect(res.status).toBe(200);
    expect(res.body?.name).toBe('Bv03Bericht');
    expect(handled).toHaveLength(1);
    expect(handled[0]!.operation).toBe('creeerZaak_ZakLk01');
    expect(handled[0]!.raw.toString('utf8')).toContain(ZAK_LK01);
  });
});
