/**
 * One SOAP 1.1 endpoint of the StUF channel (e.g. /stuf/zds/OntvangAsynchroon), as an express
 * router to mount at the endpoint's path.
 *
 * - `GET ?wsdl` serves the WSDL, `GET ?xsd=<name>` the schemas it imports (see wsdl-documents.ts),
 *   without authentication: the contract is public.
 * - `POST` is authenticated, read bounded, parsed with the hardened parser and checked (SOAP 1.1
 *   envelope, one Body child, SOAPAction known and fitting that child) before `handle` sees it.
 *   Every refusal is logged through `onRefused` and answered with a SOAP Fault.
 *
 * Why node-soap only reads the WSDL and does not dispatch: its server re-parses the request with
 * sax (not our hardened parser, so what was checked and what would be dispatched could differ),
 * picks the operation by SOAPAction *suffix* or by element name, and falls back to the first port
 * when the path does not match; an unknown operation becomes a Server fault carrying the error
 * text. Its arguments are a lossy object conversion of the payload, while the StUF code needs the
 * element tree and the raw bytes. Its `?wsdl` is the file verbatim: relative schema imports
 * point nowhere and soap:address says whatever the file says. So node-soap loads the WSDL and its
 * imports at start-up (wsdl-contract.ts) and tells us each operation's SOAPAction and request
 * element; the dispatch and the envelopes are ours (a handful of lines) and byte-exact.
 *
 * The Fault for every refusal is sent with HTTP 500, as SOAP 1.1 (§6.2) and WS-I BP (R1126)
 * require for a Fault, authentication included. Authentication refusals are logged by the
 * `authenticate` middleware itself, as in the other channels, so not twice.
 */
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { Party } from '../../parties/registry.js';
import { parseXml, XmlRejectedError, type XmlElement, type XmlLimits } from '../../xml/parse.js';
import { readBody } from '../istandaarden/body.js';
import { HttpProblem } from '../rest/problem.js';
import { readEnvelope, soapEnvelope, soapFaultEnvelope, unquoteSoapAction, type SoapFaultCode } from './soap-envelope.js';
import { loadSoapContract, type SoapOperationContract } from './wsdl-contract.js';
import { WsdlDocuments } from './wsdl-documents.js';

export interface SoapCall {
  /** The WSDL operation, e.g. creeerZaak_ZakLk01. */
  operation: string;
  /** The SOAPAction as sent, without quotes. */
  soapAction: string;
  /** The SOAP Body's single child, e.g. ZKN:zakLk01. */
  body: XmlElement;
  /** The whole request as received (the envelope). */
  raw: Buffer;
  /** The authenticated caller (res.locals.party). */
  party: Party;
}

export interface SoapFaultAnswer {
  code: 'Client' | 'Server';
  string: string;
  /** Goes into the Fault's `detail` unchanged, e.g. a StUF:Fo02Bericht. */
  detailXml?: string;
}

/** `xml`: the answer element (e.g. a StUF:Bv03Bericht), no envelope, self-contained in its namespace declarations. */
export type SoapAnswer = { xml: string } | { fault: SoapFaultAnswer };

export interface SoapEndpointOptions {
  wsdlPath: string;
  /** SOAPAction → WSDL operation name; checked against the WSDL's binding at start-up. */
  operations: Record<string, string>;
  maxBodyBytes: number;
  xmlLimits: XmlLimits;
  authenticate: RequestHandler;
  handle(call: SoapCall): Promise<SoapAnswer>;
  onRefused(reason: string, detail: Record<string, unknown>, partyId?: string): Promise<void>;
  /** An unexpected failure (handle threw, the WSDL did not load, logging a refusal failed). The caller gets a Server fault without details. */
  onError?(err: unknown, context: string): void;
  /** The endpoint's public URL for soap:address and the schema links; default: from the request (protocol, Host, path). */
  publicUrl?: string;
}

/** The router, plus `ready`: settles when node-soap has loaded the WSDL and the operation table checks out (rejects otherwise). */
export type SoapEndpointRouter = express.Router & { ready: Promise<void> };

class SoapRefusal extends Error {
  constructor(
    readonly reason: string,
    readonly code: SoapFaultCode,
    readonly faultString: string,
    readonly detail: Record<string, unknown> = {},
  ) {
    super(reason);
  }
}

const TEXT_XML = /^text\/xml\s*(;|$)/i;
const CONTENT_TYPE = 'text/xml; charset=utf-8';

export function soapEndpoint(opts: SoapEndpointOptions): SoapEndpointRouter {
  // Read synchronously: a missing WSDL or import fails the start, not the first call.
  const documents = WsdlDocuments.load(opts.wsdlPath);
  const contract = loadSoapContract(opts.wsdlPath, opts.operations);
  const ready = contract.then(() => undefined);
  // Awaiting `ready` still sees a failure; nobody awaiting it must not crash the process.
  ready.catch(() => undefined);
  const onError = (err: unknown, context: string): void => {
    try {
      opts.onError?.(err, context);
    } catch {
      // a logger that throws must not take the answer with it
    }
  };

  const r = express.Router();

  r.get('/', (req, res, next) => {
    const query = new URLSearchParams(req.originalUrl.split('?')[1] ?? '');
    const keys = new Set([...query.keys()].map((k) => k.toLowerCase()));
    const url = endpointUrl(req, opts.publicUrl);
    if (keys.has('wsdl')) {
      send(res, 200, documents.wsdl(url));
    } else if (keys.has('xsd')) {
      const name = [...query.entries()].find(([k]) => k.toLowerCase() === 'xsd')?.[1] ?? '';
      const schema = documents.schema(name, url);
      if (schema === undefined) res.status(404).type('text/plain').send('No such schema');
      else send(res, 200, schema);
    } else {
      next();
    }
  });

  r.post('/', opts.authenticate, async (req, res) => {
    const party = (res.locals as { party: Party }).party;
    let operations: Map<string, SoapOperationContract>;
    try {
      operations = await contract;
    } catch (err) {
      onError(err, 'wsdl');
      send(res, 500, soapFaultEnvelope('Server', 'The service is not available'));
      return;
    }
    try {
      const call = await accept(req, res, party, operations, opts);
      let answer: SoapAnswer;
      try {
        answer = await opts.handle(call);
      } catch (err) {
        onError(err, `handle ${call.operation}`);
        send(res, 500, soapFaultEnvelope('Server', 'The request could not be processed'));
        return;
      }
      if ('xml' in answer && typeof answer.xml === 'string') {
        send(res, 200, soapEnvelope(answer.xml));
      } else if ('fault' in answer && answer.fault) {
        send(res, 500, soapFaultEnvelope(answer.fault.code, answer.fault.string, answer.fault.detailXml));
      } else {
        onError(new Error('handle returned neither xml nor fault'), `handle ${call.operation}`);
        send(res, 500, soapFaultEnvelope('Server', 'The request could not be processed'));
      }
    } catch (err) {
      if (!(err instanceof SoapRefusal)) throw err;
      try {
        await opts.onRefused(err.reason, err.detail, party.id);
      } catch (logErr) {
        onError(logErr, 'onRefused');
      }
      send(res, 500, soapFaultEnvelope(err.code, err.faultString));
    }
  });

  r.all('/', (_req, res) => {
    res.setHeader('Allow', 'GET, POST');
    send(res, 405, soapFaultEnvelope('Client', 'Use POST for SOAP requests and GET ?wsdl for the WSDL'));
  });

  // This endpoint answers in SOAP: an authentication refusal or an unexpected error is a Fault too.
  r.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    if (err instanceof HttpProblem && (err.status === 401 || err.status === 403)) {
      res.setHeader('Connection', 'close'); // the body was not read
      send(res, 500, soapFaultEnvelope('Client', err.status === 401 ? 'Authentication required: a valid API key' : 'Not allowed for this client certificate'));
      return;
    }
    if ((err as { type?: string }).type === 'request.aborted') return;
    onError(err, 'request');
    send(res, 500, soapFaultEnvelope('Server', 'The request could not be processed'));
  });

  return Object.assign(r, { ready });
}

/** Everything between the authenticated request and `handle`; throws SoapRefusal. */
async function accept(
  req: Request,
  res: Response,
  party: Party,
  operations: Map<string, SoapOperationContract>,
  opts: SoapEndpointOptions,
): Promise<SoapCall> {
  const contentType = req.get('content-type') ?? '';
  if (!TEXT_XML.test(contentType)) {
    res.setHeader('Connection', 'close');
    throw new SoapRefusal('unsupported-media-type', 'Client', 'Send SOAP 1.1 as text/xml', { contentType: contentType.slice(0, 100) });
  }
  const encoding = (req.get('content-encoding') ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity') {
    res.setHeader('Connection', 'close');
    throw new SoapRefusal('unsupported-content-encoding', 'Client', 'Send the request without Content-Encoding', { contentEncoding: encoding.slice(0, 50) });
  }
  const read = await readBody(req, opts.maxBodyBytes);
  if (read.tooLarge) {
    res.setHeader('Connection', 'close');
    throw new SoapRefusal('payload-too-large', 'Client', `The request is larger than ${opts.maxBodyBytes} bytes`, { size: read.received });
  }
  const raw = read.body;

  let root: XmlElement;
  try {
    root = parseXml(raw, { ...opts.xmlLimits, maxBytes: opts.maxBodyBytes });
  } catch (err) {
    if (!(err instanceof XmlRejectedError)) throw err;
    // The parser's message names the problem and a position, never content.
    throw new SoapRefusal(`xml-${err.reason}`, 'Client', `Malformed request: ${err.message}`, { size: raw.length });
  }

  const envelope = readEnvelope(root);
  if ('reason' in envelope) throw new SoapRefusal(envelope.reason, envelope.code, envelope.message, { size: raw.length });
  const payload = envelope.payload;

  const header = req.get('soapaction');
  if (header === undefined) {
    throw new SoapRefusal('missing-soapaction', 'Client', 'The SOAPAction header is required', { element: clark(payload) });
  }
  const soapAction = unquoteSoapAction(header);
  const op = operations.get(soapAction);
  if (!op) {
    throw new SoapRefusal('unknown-soapaction', 'Client', 'Unknown SOAPAction for this endpoint', { soapAction: soapAction.slice(0, 200), element: clark(payload) });
  }
  if (payload.ns !== op.element.ns || payload.name !== op.element.name) {
    throw new SoapRefusal('soapaction-element-mismatch', 'Client', `SOAPAction ${op.soapAction} expects ${op.element.name} in the Body`, {
      soapAction: op.soapAction,
      operation: op.operation,
      element: clark(payload),
    });
  }
  return { operation: op.operation, soapAction: op.soapAction, body: payload, raw, party };
}

function clark(e: XmlElement): string {
  return (e.ns === '' ? e.name : `{${e.ns}}${e.name}`).slice(0, 200);
}

function send(res: Response, status: number, xml: string): void {
  res.status(status).setHeader('Content-Type', CONTENT_TYPE);
  res.end(Buffer.from(xml, 'utf8'));
}

const HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** The endpoint's URL as the client reached it: absolute when the Host header is sane, else just the path. */
function endpointUrl(req: Request, publicUrl: string | undefined): string {
  if (publicUrl) return publicUrl.replace(/\/+$/, '');
  const path = req.originalUrl.split('?')[0]!.replace(/\/+$/, '');
  const host = req.get('host') ?? '';
  return HOST.test(host) ? `${req.protocol}://${host}${path}` : path;
}
