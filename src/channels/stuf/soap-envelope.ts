/**
 * SOAP 1.1 envelopes for the StUF channel (server answers and outbound calls): reading one, and
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

/** SOAP 1.1 fault codes (§4.4.1); StUF uses Client and Server, the other two are envelope-level. */
export type SoapFaultCode = 'Client' | 'Server' | 'VersionMismatch' | 'MustUnderstand';

/** A SOAP 1.1 envelope with `bodyXml` (one element, e.g. a Bv03Bericht) as the Body, byte for byte. */
export const soapEnvelope: (bodyXml: string) => string = buildEnvelope;

/** A SOAP 1.1 Fault envelope; `detailXml` (e.g. a Fo02Bericht) goes into `detail` unchanged. */
export function soapFaultEnvelope(code: SoapFaultCode, faultString: string, detailXml?: string): string {
  return buildFault(code, faultString, detailXml);
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
export function readEnvelope(root: XmlElement): { header?: XmlElement; body: XmlElement; payload: XmlElement } | EnvelopeProblem {
  if (root.name !== 'Envelope') {
    return { reason: 'not-soap-envelope', code: 'Client', message: 'The request is not a SOAP envelope' };
  }
  if (root.ns !== SOAP11_NS) {
    return {
      reason: 'soap-version-mismatch',
      code: 'VersionMismatch',
      message: root.ns === SOAP12_NS ? 'SOAP 1.2 is not supported; send SOAP 1.1 (text/xml)' : 'The Envelope is not in the SOAP 1.1 namespace',
    };
  }
  const parts = root.children;
  const hasHeader = parts[0]?.ns === SOAP11_NS && parts[0].name === 'Header';
  const header = hasHeader ? parts[0] : undefined;
  const body = parts[hasHeader ? 1 : 0];
  if (!body || body.ns !== SOAP11_NS || body.name !== 'Body' || parts.length !== (hasHeader ? 2 : 1) || nonBlank(root.text)) {
    return { reason: 'invalid-envelope', code: 'Client', message: 'The Envelope must hold an optional Header and then exactly one Body' };
  }
  for (const entry of header?.children ?? []) {
    const mu = entry.attrs[`{${SOAP11_NS}}mustUnderstand`]?.trim();
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
