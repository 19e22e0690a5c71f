/**
 * SOAP 1.1 and 1.2 envelopes for the StUF channel (server answers and outbound calls): reading one, and
 * writing one around a payload.
 *
 * The payload goes in as the caller built it, byte for byte: StUF needs its exact namespaces and
 * prefixes, so nothing re-serialises it. Only a leading BOM / XML declaration is dropped, because
 * neither may appear inside the Body. The writers are the StUF standard's (berichten.ts).
 */
import { soapEnvelope as buildEnvelope, soapFault as buildFault } from '../../standards/stuf/berichten.js';
import type { XmlElement } from '../../xml/parse.js';

export const SOAP11_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
export const SOAP12_NS = 'http://www.w3.org/2003/05/soap-envelope';
/** WS-Security 1.0 (OASIS 2004): the Security header with a UsernameToken. */
export const WSSE_NS = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';

/** SOAP 1.1 fault codes (§4.4.1); StUF uses Client and Server, the other two are envelope-level. */
export type SoapFaultCode = 'Client' | 'Server' | 'VersionMismatch' | 'MustUnderstand';

export type SoapVersion = '1.1' | '1.2';

/** The envelope namespace of a SOAP version. */
export function soapNs(version: SoapVersion): string {
  return version === '1.2' ? SOAP12_NS : SOAP11_NS;
}

/** The Content-Type of a SOAP version's messages. */
export function soapContentType(version: SoapVersion): string {
  return version === '1.2' ? 'application/soap+xml; charset=utf-8' : 'text/xml; charset=utf-8';
}

/** An envelope with `bodyXml` (one element, e.g. a Bv03Bericht) as the Body, byte for byte (SOAP 1.1 unless asked). */
export function soapEnvelope(bodyXml: string, version: SoapVersion = '1.1'): string {
  if (version === '1.1') return buildEnvelope(bodyXml);
  return (
    `<?xml version="1.0" encoding="UTF-8"?><env:Envelope xmlns:env="${SOAP12_NS}"><env:Body>` +
    bodyXml.replace(XML_DECLARATION, '') +
    '</env:Body></env:Envelope>'
  );
}

/**
 * A Fault envelope; `detailXml` (e.g. a Fo02Bericht) goes into the detail unchanged. SOAP 1.2
 * (§5.4) names the codes Sender/Receiver where SOAP 1.1 has Client/Server.
 */
export function soapFaultEnvelope(code: SoapFaultCode, faultString: string, detailXml?: string, version: SoapVersion = '1.1'): string {
  if (version === '1.1') return buildFault(code, faultString, detailXml);
  const value = code === 'Client' ? 'Sender' : code === 'Server' ? 'Receiver' : code;
  return soapEnvelope(
    `<env:Fault><env:Code><env:Value>env:${value}</env:Value></env:Code><env:Reason><env:Text xml:lang="nl">${escapeText(faultString)}</env:Text></env:Reason>` +
      (detailXml !== undefined ? `<env:Detail>${detailXml.replace(XML_DECLARATION, '')}</env:Detail>` : '') +
      '</env:Fault>',
    '1.2',
  );
}

const XML_DECLARATION = /^\uFEFF?\s*<\?xml\s[^?]*\?>\s*/;

function escapeText(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/** The SOAPAction header value without its surrounding quotes (SOAP 1.1 §6.1.1 quotes it; many clients do not). */
export function unquoteSoapAction(value: string): string {
  const v = value.trim();
  return v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v;
}

export type EnvelopeProblem =
  | { reason: 'soap-version-mismatch'; code: 'VersionMismatch'; message: string }
  | { reason: 'not-soap-envelope' | 'invalid-envelope' | 'invalid-body'; code: 'Client'; message: string }
  | { reason: 'must-understand'; code: 'MustUnderstand'; message: string };

/**
 * Checks a parsed document is a SOAP 1.1 Envelope: an optional Header, then exactly one Body
 * (nothing after it, as WS-I Basic Profile R1011 requires) holding exactly one element.
 * A Header entry with mustUnderstand="1" is refused: this channel understands no SOAP headers.
 */
export function readEnvelope(root: XmlElement, version: SoapVersion = '1.1'): { header?: XmlElement; body: XmlElement; payload: XmlElement } | EnvelopeProblem {
  if (root.name !== 'Envelope') {
    return { reason: 'not-soap-envelope', code: 'Client', message: 'The request is not a SOAP envelope' };
  }
  const NS = soapNs(version);
  if (root.ns !== NS) {
    return {
      reason: 'soap-version-mismatch',
      code: 'VersionMismatch',
      message:
        version === '1.1'
          ? root.ns === SOAP12_NS
            ? 'A SOAP 1.2 envelope must be sent as application/soap+xml'
            : 'The Envelope is not in the SOAP 1.1 namespace'
          : root.ns === SOAP11_NS
            ? 'A SOAP 1.1 envelope must be sent as text/xml'
            : 'The Envelope is not in the SOAP 1.2 namespace',
    };
  }
  const parts = root.children;
  const hasHeader = parts[0]?.ns === NS && parts[0].name === 'Header';
  const header = hasHeader ? parts[0] : undefined;
  const body = parts[hasHeader ? 1 : 0];
  if (!body || body.ns !== NS || body.name !== 'Body' || parts.length !== (hasHeader ? 2 : 1) || nonBlank(root.text)) {
    return { reason: 'invalid-envelope', code: 'Client', message: 'The Envelope must hold an optional Header and then exactly one Body' };
  }
  for (const entry of header?.children ?? []) {
    // WS-Security is understood (the channel authenticates with it); any other mustUnderstand header is not.
    if (entry.ns === WSSE_NS && entry.name === 'Security') continue;
    const mu = entry.attrs[`{${NS}}mustUnderstand`]?.trim();
    if (mu === '1' || mu === 'true') {
      return { reason: 'must-understand', code: 'MustUnderstand', message: 'A SOAP header marked mustUnderstand is not understood by this service' };
    }
  }
  if (body.children.length !== 1 || nonBlank(body.text)) {
    return { reason: 'invalid-body', code: 'Client', message: 'The SOAP Body must hold exactly one element' };
  }
  return { header, body, payload: body.children[0]! };
}

function nonBlank(text: string | undefined): boolean {
  return text !== undefined && /\S/.test(text);
}
