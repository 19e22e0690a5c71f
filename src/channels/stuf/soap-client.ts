/**
 * Outbound SOAP 1.1 calls for the StUF channel (the gateway's deliveries to StUF back offices),
 * with fetch: the payload goes out byte for byte in a SOAP envelope, the answer is read bounded
 * and parsed with the hardened parser like any other input from outside.
 *
 * Only the network fails the call (the promise rejects; a timeout rejects with an error named
 * `TimeoutError`). Whatever answer arrives is returned with its HTTP status: a SOAP Fault as
 * `fault`, a SOAP Body's single child as `body`, and anything else (an HTML error page, a body
 * over the limit, XML the parser refuses) as `body: undefined` with the reason in `unreadable`.
 */
import { parseXml, XmlRejectedError, type XmlElement, type XmlLimits } from '../../xml/parse.js';
import { withDispatcher, type Dispatcher } from '../../delivery/transports/client-tls.js';
import { readEnvelope, SOAP11_NS, soapEnvelope } from './soap-envelope.js';

export interface SoapCallOptions {
  timeoutMs: number;
  /** Extra request headers (authentication, idempotency key, …); Content-Type and SOAPAction are set here. */
  headers?: Record<string, string>;
  /** The largest answer read, in bytes. Default 10 MiB. */
  maxResponseBytes?: number;
  xmlLimits?: XmlLimits;
  /** A connection pool that presents a client certificate (src/delivery/transports/client-tls.ts). */
  dispatcher?: Dispatcher;
}

export interface SoapFaultReceived {
  /** The faultcode without its prefix: Client, Server, VersionMismatch, MustUnderstand, or a dotted subcode such as Client.Auth. */
  code: string;
  string: string;
  /** The first element inside `detail`, e.g. a StUF:Fo02Bericht. */
  detail?: XmlElement;
}

export interface SoapCallResult {
  status: number;
  /** The SOAP Body's single child (for a fault: the Fault element). */
  body: XmlElement | undefined;
  fault?: SoapFaultReceived;
  /** Why there is no body although the server answered: too-large, not-soap, or xml-<reason>. */
  unreadable?: string;
}

const DEFAULT_MAX_RESPONSE = 10 * 1024 * 1024;

export async function callSoap(url: string, soapAction: string, bodyXml: string, opts: SoapCallOptions): Promise<SoapCallResult> {
  const maxBytes = opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE;
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  for (const key of Object.keys(headers)) {
    if (/^(content-type|soapaction|content-length)$/i.test(key)) delete headers[key];
  }
  const res = await fetch(url, withDispatcher({
    method: 'POST',
    headers: { ...headers, 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: `"${soapAction}"`, Accept: 'text/xml' },
    body: soapEnvelope(bodyXml),
    redirect: 'manual',
    signal: AbortSignal.timeout(opts.timeoutMs),
  }, opts.dispatcher));
  const raw = await readBounded(res, maxBytes);
  if (raw === undefined) return { status: res.status, body: undefined, unreadable: 'too-large' };
  if (raw.length === 0) return { status: res.status, body: undefined };

  let root: XmlElement;
  try {
    root = parseXml(raw, { ...(opts.xmlLimits ?? {}), maxBytes });
  } catch (err) {
    if (err instanceof XmlRejectedError) return { status: res.status, body: undefined, unreadable: `xml-${err.reason}` };
    throw err;
  }
  const envelope = readEnvelope(root);
  if ('reason' in envelope) return { status: res.status, body: undefined, unreadable: 'not-soap' };
  const payload = envelope.payload;
  if (payload.ns === SOAP11_NS && payload.name === 'Fault') return { status: res.status, body: payload, fault: readFault(payload) };
  return { status: res.status, body: payload };
}

function readFault(fault: XmlElement): SoapFaultReceived {
  // faultcode, faultstring and detail are unqualified in SOAP 1.1; some servers qualify them anyway.
  const part = (name: string): XmlElement | undefined => fault.children.find((c) => c.name === name && (c.ns === '' || c.ns === SOAP11_NS));
  const code = (part('faultcode')?.text ?? '').trim();
  return {
    code: code.slice(code.indexOf(':') + 1),
    string: (part('faultstring')?.text ?? '').trim(),
    detail: part('detail')?.children[0],
  };
}

/** The answer's bytes, or undefined when there are more than `max` (the rest is not read). */
async function readBounded(res: Response, max: number): Promise<Buffer | undefined> {
  const declared = Number(res.headers.get('content-length') ?? Number.NaN);
  if (declared > max) {
    await res.body?.cancel().catch(() => undefined);
    return undefined;
  }
  if (!res.body) return Buffer.alloc(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}
