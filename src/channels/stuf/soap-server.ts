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
import { strictPaths } from '../path-policy.js';
import { readEnvelope, SOAP11_NS, SOAP12_NS, WSSE_NS, soapContentType, soapEnvelope, soapFaultEnvelope, unquoteSoapAction, type SoapFaultCode, type SoapVersion } from './soap-envelope.js';
import { loadSoapContract, readSoapContract, type SoapOperationContract } from './wsdl-contract.js';
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
  /** The SOAP version of the request; the answer is sent in it. */
  soapVersion: SoapVersion;
  /** The SOAP Header, when the request had one. */
  header?: XmlElement;
}

export interface SoapFaultAnswer {
  code: 'Client' | 'Server';
  string: string;
  /** Goes into the Fault's `detail` unchanged, e.g. a StUF:Fo02Bericht. */
  detailXml?: string;
  /** The HTTP status instead of SOAP's 500, e.g. 503 for "busy, try again" (with retryAfterSeconds). */
  status?: number;
  /** Sent as Retry-After. */
  retryAfterSeconds?: number;
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
  /**
   * Further WSDLs of this endpoint, served at `?wsdl=<key>` (`?wsdl` serves `wsdlPath`), each with
   * the SOAPActions checked in it at start-up, e.g. the ZDS 1.2 interface beside ZDS 1.1.
   */
  /** The `?wsdl=` value that names `wsdlPath` too (e.g. '1.1'). */
  wsdlKey?: string;
  alternativeWsdls?: Readonly<Record<string, { wsdlPath: string; operations: Record<string, string> }>>;
  /**
   * Check the operation tables with knooppunt's own WSDL reader instead of node-soap (which loads
   * every imported schema, seconds for the complete StUF set); see readSoapContract.
   */
  staticContract?: boolean;
  /** Accept SOAP 1.2 (application/soap+xml, action in the Content-Type) besides SOAP 1.1. */
  soap12?: boolean;
  /**
   * Picks the operation for a SOAPAction and Body child, instead of the WSDL's table (for an
   * endpoint that serves more forms than its WSDL lists). `undefined`: the action is unknown here;
   * `{ mismatch }`: the action is known but expects another element.
   */
  resolve?(soapAction: string, payload: XmlElement): { operation: string } | { mismatch: string } | undefined;
  /**
   * WS-Security UsernameToken (OASIS WSS 1.0, PasswordText) as a way in: a request without an
   * Authorization or X-API-Key header whose SOAP Header carries a UsernameToken is authenticated by
   * it; anything else goes to `authenticate` as before. The party it authenticates then goes
   * through `rateLimit`, as `authenticate` sends every other party through it.
   */
  usernameToken?: {
    check(username: string, password: string): { ok: true; party: Party } | { ok: false; reason: string };
    /** The per-party rate limit (answers 429 itself, in the channel's form). */
    rateLimit: RequestHandler;
    /** Before a password is hashed: true when it answered (the address used up its attempts). */
    gate?: (req: Request, res: Response, username: string, password: string) => Promise<boolean>;
  };
  /** The detail of a Fault for a request refused before `handle` (e.g. a StUF Fo02), by refusal reason. */
  refusalDetail?(reason: string, code: SoapFaultCode, message: string): string | undefined;
}

/** The router, plus `ready`: settles when node-soap has loaded the WSDL and the operation table checks out (rejects otherwise). */
export type SoapEndpointRouter = express.Router & { ready: Promise<void> };

class SoapRefusal extends Error {
  constructor(
    readonly reason: string,
    readonly code: SoapFaultCode,
    readonly faultString: string,
    readonly detail: Record<string, unknown> = {},
    readonly version: SoapVersion = '1.1',
  ) {
    super(reason);
  }
}

const TEXT_XML = /^text\/xml\s*(;|$)/i;
const SOAP12_XML = /^application\/soap\+xml\s*(;|$)/i;

/** The `action` parameter of a SOAP 1.2 Content-Type (RFC 3902), unquoted. */
function actionParameter(contentType: string): string | undefined {
  const m = /;\s*action\s*=\s*(?:"([^"]*)"|([^;\s]+))/i.exec(contentType);
  return m ? (m[1] ?? m[2] ?? '').trim() : undefined;
}

/** The SOAP version a request's Content-Type announces (SOAP 1.1 for anything else, which is then refused). */
function versionOf(req: Request, soap12: boolean): SoapVersion {
  return soap12 && SOAP12_XML.test(req.get('content-type') ?? '') ? '1.2' : '1.1';
}

export function soapEndpoint(opts: SoapEndpointOptions): SoapEndpointRouter {
  // Read synchronously: a missing WSDL or import fails the start, not the first call.
  const alternatives = opts.alternativeWsdls ?? {};
  const documents = WsdlDocuments.load(opts.wsdlPath, Object.fromEntries(Object.entries(alternatives).map(([k, v]) => [k, v.wsdlPath])));
  const check = (path: string, operations: Record<string, string>): Promise<Map<string, SoapOperationContract>> =>
    opts.staticContract ? Promise.resolve().then(() => readSoapContract(path, operations)) : loadSoapContract(path, operations);
  const contract = check(opts.wsdlPath, opts.operations);
  const ready = Promise.all([contract, ...Object.values(alternatives).map((a) => check(a.wsdlPath, a.operations))]).then(() => undefined);
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

  // The path policy of every channel (../path-policy.ts), as a SOAP Fault: a wrong method is 405
  // with Allow, a trailing slash or a path under the endpoint 404; before authentication, as on /api/v1.
  r.use(
    strictPaths(
      [{ path: '/', methods: ['GET', 'POST'] }],
      (refusal, req, res) => {
        const version = versionOf(req, opts.soap12 === true);
        const text = refusal.status === 405 ? `${refusal.detail}: use POST for SOAP requests and GET ?wsdl for the WSDL` : refusal.detail;
        send(res, refusal.status, fault(version, 'Client', text, refusal.code), version);
      },
      { unknownIsNotFound: true },
    ),
  );

  r.get('/', (req, res, next) => {
    const query = new URLSearchParams(req.originalUrl.split('?')[1] ?? '');
    const keys = new Set([...query.keys()].map((k) => k.toLowerCase()));
    const url = endpointUrl(req, opts.publicUrl);
    if (keys.has('wsdl')) {
      const key = [...query.entries()].find(([k]) => k.toLowerCase() === 'wsdl')?.[1] ?? '';
      const wsdl = documents.wsdl(url, key === opts.wsdlKey ? '' : key);
      if (wsdl === undefined) res.status(404).type('text/plain').send(`No such WSDL; ?wsdl${[opts.wsdlKey, ...documents.alternatives].filter(Boolean).map((a) => ` or ?wsdl=${a}`).join('')}`);
      else send(res, 200, wsdl);
    } else if (keys.has('xsd')) {
      const name = [...query.entries()].find(([k]) => k.toLowerCase() === 'xsd')?.[1] ?? '';
      const schema = documents.schema(name, url);
      if (schema === undefined) res.status(404).type('text/plain').send('No such schema');
      else send(res, 200, schema);
    } else {
      next();
    }
  });

  const fault = (version: SoapVersion, code: SoapFaultCode, text: string, reason: string, detailXml?: string): string => {
    let detail = detailXml;
    if (detail === undefined && opts.refusalDetail) {
      try {
        detail = opts.refusalDetail(reason, code, text);
      } catch (err) {
        onError(err, 'refusalDetail');
      }
    }
    return soapFaultEnvelope(code, text, detail, version);
  };

  /** WS-Security first when the request brings no other credential; see `usernameToken`. */
  const authenticate: RequestHandler = (req, res, next) => {
    const contentType = req.get('content-type') ?? '';
    if (!opts.usernameToken || req.get('authorization') !== undefined || req.get('x-api-key') !== undefined || !(TEXT_XML.test(contentType) || SOAP12_XML.test(contentType))) {
      opts.authenticate(req, res, next);
      return;
    }
    void (async () => {
      const read = await readBody(req, opts.maxBodyBytes);
      const locals = res.locals as SoapLocals;
      locals.soapRead = read;
      if (read.tooLarge) return opts.authenticate(req, res, next);
      let root: XmlElement;
      try {
        root = parseXml(read.body, { ...opts.xmlLimits, maxBytes: opts.maxBodyBytes });
      } catch {
        return opts.authenticate(req, res, next); // accept() refuses the body itself, once authenticated
      }
      locals.soapRoot = root;
      const token = usernameTokenOf(root);
      if (!token) return opts.authenticate(req, res, next);
      if (!('unsupported' in token) && opts.usernameToken!.gate && (await opts.usernameToken!.gate(req, res, token.username, token.password))) return;
      const result = 'unsupported' in token ? { ok: false as const, reason: 'unsupported-password-type' } : opts.usernameToken!.check(token.username, token.password);
      if (!result.ok) {
        try {
          await opts.onRefused(result.reason, { credential: 'ws-security' });
        } catch (err) {
          onError(err, 'onRefused');
        }
        return next(new HttpProblem(401, result.reason, 'The WS-Security UsernameToken is not accepted'));
      }
      (res.locals as { party: Party }).party = result.party;
      opts.usernameToken!.rateLimit(req, res, next);
    })().catch(next);
  };

  r.post('/', authenticate, async (req, res) => {
    const party = (res.locals as { party: Party }).party;
    const version = versionOf(req, opts.soap12 === true);
    let operations: Map<string, SoapOperationContract>;
    try {
      operations = await contract;
    } catch (err) {
      onError(err, 'wsdl');
      send(res, 500, fault(version, 'Server', 'The service is not available', 'unavailable'), version);
      return;
    }
    try {
      const call = await accept(req, res, party, operations, opts);
      let answer: SoapAnswer;
      try {
        answer = await opts.handle(call);
      } catch (err) {
        onError(err, `handle ${call.operation}`);
        send(res, 500, fault(version, 'Server', 'The request could not be processed', 'handle-error'), version);
        return;
      }
      if ('xml' in answer && typeof answer.xml === 'string') {
        send(res, 200, soapEnvelope(answer.xml, version), version);
      } else if ('fault' in answer && answer.fault) {
        if (answer.fault.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(answer.fault.retryAfterSeconds));
        send(res, answer.fault.status ?? 500, soapFaultEnvelope(answer.fault.code, answer.fault.string, answer.fault.detailXml, version), version);
      } else {
        onError(new Error('handle returned neither xml nor fault'), `handle ${call.operation}`);
        send(res, 500, fault(version, 'Server', 'The request could not be processed', 'handle-error'), version);
      }
    } catch (err) {
      if (!(err instanceof SoapRefusal)) throw err;
      try {
        await opts.onRefused(err.reason, err.detail, party.id);
      } catch (logErr) {
        onError(logErr, 'onRefused');
      }
      send(res, 500, fault(err.version, err.code, err.faultString, err.reason), err.version);
    }
  });

  r.all('/', (req, res) => {
    // A GET without ?wsdl or ?xsd: the method is right, the resource is not here.
    const version = versionOf(req, opts.soap12 === true);
    send(res, 404, fault(version, 'Client', 'Use POST for SOAP requests and GET ?wsdl for the WSDL', 'not-found'), version);
  });

  // This endpoint answers in SOAP: an authentication refusal or an unexpected error is a Fault too.
  r.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    const version = versionOf(req, opts.soap12 === true);
    if (err instanceof HttpProblem && (err.status === 401 || err.status === 403)) {
      res.setHeader('Connection', 'close'); // the body was not read
      const reason = err.status === 401 ? 'unauthenticated' : 'forbidden';
      send(res, 500, fault(version, 'Client', err.status === 401 ? 'Authentication required: valid credentials' : 'Not allowed for these credentials', reason), version);
      return;
    }
    if ((err as { type?: string }).type === 'request.aborted') return;
    onError(err, 'request');
    send(res, 500, fault(version, 'Server', 'The request could not be processed', 'request-error'), version);
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
  const version = versionOf(req, opts.soap12 === true);
  const refuse = (reason: string, code: SoapFaultCode, message: string, detail: Record<string, unknown> = {}) => new SoapRefusal(reason, code, message, detail, version);
  if (version === '1.1' && !TEXT_XML.test(contentType)) {
    res.setHeader('Connection', 'close');
    throw refuse('unsupported-media-type', 'Client', opts.soap12 ? 'Send SOAP 1.1 as text/xml or SOAP 1.2 as application/soap+xml' : 'Send SOAP 1.1 as text/xml', { contentType: contentType.slice(0, 100) });
  }
  const encoding = (req.get('content-encoding') ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity') {
    res.setHeader('Connection', 'close');
    throw refuse('unsupported-content-encoding', 'Client', 'Send the request without Content-Encoding', { contentEncoding: encoding.slice(0, 50) });
  }
  const locals = res.locals as SoapLocals;
  const read = locals.soapRead ?? (await readBody(req, opts.maxBodyBytes));
  if (read.tooLarge) {
    res.setHeader('Connection', 'close');
    throw refuse('payload-too-large', 'Client', `The request is larger than ${opts.maxBodyBytes} bytes`, { size: read.received });
  }
  const raw = read.body;

  let root: XmlElement;
  try {
    root = locals.soapRoot ?? parseXml(raw, { ...opts.xmlLimits, maxBytes: opts.maxBodyBytes });
  } catch (err) {
    if (!(err instanceof XmlRejectedError)) throw err;
    // The parser's message names the problem and a position, never content.
    throw refuse(`xml-${err.reason}`, 'Client', `Malformed request: ${err.message}`, { size: raw.length });
  }

  const envelope = readEnvelope(root, version);
  if ('reason' in envelope) throw refuse(envelope.reason, envelope.code, envelope.message, { size: raw.length });
  const payload = envelope.payload;

  // SOAP 1.1 carries the action in SOAPAction; SOAP 1.2 in the Content-Type's action parameter (a SOAPAction header is accepted too).
  const header = version === '1.2' ? (actionParameter(contentType) ?? req.get('soapaction')) : req.get('soapaction');
  if (header === undefined) {
    throw refuse('missing-soapaction', 'Client', version === '1.2' ? 'The action parameter of the Content-Type is required' : 'The SOAPAction header is required', { element: clark(payload) });
  }
  const soapAction = unquoteSoapAction(header);
  if (opts.resolve) {
    const found = opts.resolve(soapAction, payload);
    if (!found) throw refuse('unknown-soapaction', 'Client', 'Unknown SOAPAction for this endpoint', { soapAction: soapAction.slice(0, 200), element: clark(payload) });
    if ('mismatch' in found) {
      throw refuse('soapaction-element-mismatch', 'Client', `SOAPAction ${soapAction.slice(0, 200)} expects ${found.mismatch} in the Body`, { soapAction: soapAction.slice(0, 200), element: clark(payload) });
    }
    return { operation: found.operation, soapAction, body: payload, raw, party, soapVersion: version, ...(envelope.header ? { header: envelope.header } : {}) };
  }
  const op = operations.get(soapAction);
  if (!op) {
    throw refuse('unknown-soapaction', 'Client', 'Unknown SOAPAction for this endpoint', { soapAction: soapAction.slice(0, 200), element: clark(payload) });
  }
  if (payload.ns !== op.element.ns || payload.name !== op.element.name) {
    throw refuse('soapaction-element-mismatch', 'Client', `SOAPAction ${op.soapAction} expects ${op.element.name} in the Body`, {
      soapAction: op.soapAction,
      operation: op.operation,
      element: clark(payload),
    });
  }
  return { operation: op.operation, soapAction: op.soapAction, body: payload, raw, party, soapVersion: version, ...(envelope.header ? { header: envelope.header } : {}) };
}

/** What the WS-Security path has read already, so the body is read and parsed once. */
interface SoapLocals {
  soapRead?: Awaited<ReturnType<typeof readBody>>;
  soapRoot?: XmlElement;
}

/**
 * The UsernameToken of an envelope's wsse:Security header, if any. Only PasswordText is supported:
 * a PasswordDigest needs the password in the clear on the server, and knooppunt stores hashes.
 */
function usernameTokenOf(root: XmlElement): { username: string; password: string } | { unsupported: true } | undefined {
  if (root.name !== 'Envelope' || (root.ns !== SOAP11_NS && root.ns !== SOAP12_NS)) return undefined;
  const header = root.children.find((c) => c.ns === root.ns && c.name === 'Header');
  const security = header?.children.find((c) => c.ns === WSSE_NS && c.name === 'Security');
  const token = security?.children.find((c) => c.ns === WSSE_NS && c.name === 'UsernameToken');
  if (!token) return undefined;
  const username = token.children.find((c) => c.ns === WSSE_NS && c.name === 'Username')?.text?.trim() ?? '';
  const password = token.children.find((c) => c.ns === WSSE_NS && c.name === 'Password');
  const type = password?.attrs.Type ?? '';
  if (type !== '' && !type.endsWith('#PasswordText')) return { unsupported: true };
  return { username, password: password?.text ?? '' };
}

function clark(e: XmlElement): string {
  return (e.ns === '' ? e.name : `{${e.ns}}${e.name}`).slice(0, 200);
}

function send(res: Response, status: number, xml: string, version: SoapVersion = '1.1'): void {
  res.status(status).setHeader('Content-Type', soapContentType(version));
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
