/**
 * The answers knooppunt builds itself (docs/stuf/zds.md): Bv03 on a kennisgeving, Du02 on
 * genereerZaakIdentificatie, Fo02 (and Fo03) for errors, and the SOAP 1.1 envelope and Fault around
 * them. Each builder returns the message as text without an XML declaration (ready for a SOAP
 * Body or a Fault's detail) and the result validates against schemas/stuf (see validator.ts).
 *
 * Fo02/Fo03 texts come from the caller's {@link Fout} (normally {@link fout} from foutcodes.ts):
 * fixed descriptions, never values from the message.
 */
import { serializeXml } from '../../xml/build.js';
import type { XmlElement } from '../../xml/parse.js';
import type { Fout, Foutplek } from './foutcodes.js';
import { STUF_NS } from './namespaces.js';
import { antwoordStuurgegevens, bouwStuurgegevens, type AntwoordMeta, type Stuurgegevens } from './stuurgegevens.js';

export type { AntwoordMeta } from './stuurgegevens.js';

/** The functie of genereerZaakIdentificatie (Di02/Du02). */
export const FUNCTIE_GENEREER_ZAAKIDENTIFICATIE = 'genereerZaakidentificatie';

function el(ns: string, name: string, children: XmlElement[] = [], text?: string, attrs: Record<string, string> = {}): XmlElement {
  return { ns, name, prefix: '', attrs, children, ...(text !== undefined ? { text } : children.length === 0 ? { text: '' } : {}) };
}

function tekst(root: XmlElement, prefixen: Record<string, string>): string {
  return serializeXml(root, { namespaces: prefixen, declaration: false });
}

/** At most `max` characters (code points), cut with an ellipsis. */
function afgekapt(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/**
 * `StUF:Bv03Bericht`: the technical confirmation of a kennisgeving (Lk01), with the answer's
 * stuurgegevens (zender and ontvanger swapped, own referentienummer and tijdstipBericht, the
 * question's referentienummer as crossRefnummer).
 */
export function bouwBv03(vraag: Stuurgegevens, meta: AntwoordMeta = {}): string {
  const sg = antwoordStuurgegevens(vraag, 'Bv03', meta);
  return tekst(el(STUF_NS.StUF, 'Bv03Bericht', [bouwStuurgegevens(sg, STUF_NS.StUF)]), { StUF: STUF_NS.StUF });
}

function foutBody(fout: Fout): XmlElement {
  if (fout.code.length === 0 || fout.code.length > 7) throw new Error('bouwFo02: a StUF foutcode has 1 to 7 characters');
  const c = [
    el(STUF_NS.StUF, 'code', [], fout.code),
    el(STUF_NS.StUF, 'plek', [], fout.plek),
    el(STUF_NS.StUF, 'omschrijving', [], afgekapt(fout.omschrijving, 200)),
  ];
  if (fout.details !== undefined && fout.details !== '') c.push(el(STUF_NS.StUF, 'details', [], afgekapt(fout.details, 1000)));
  return el(STUF_NS.StUF, 'body', c);
}

/**
 * `StUF:Fo02Bericht`: the error answer to a synchronous message, for the `detail` of a SOAP Fault.
 *
 * StUF 03.01 allows only the berichtcode in a Fo02's stuurgegevens, so nothing of the question is
 * written; `vraag` (undefined when the message could not be read) is accepted so that every
 * answer builder takes the question first. Use {@link bouwFo03} for an answer that carries the
 * question's stuurgegevens.
 */
export function bouwFo02(_vraag: Stuurgegevens | undefined, fout: Fout): string {
  const sg = bouwStuurgegevens({ berichtcode: 'Fo02' }, STUF_NS.StUF);
  return tekst(el(STUF_NS.StUF, 'Fo02Bericht', [sg, foutBody(fout)]), { StUF: STUF_NS.StUF });
}

/**
 * `StUF:Fo03Bericht`: the technical error answer to an asynchronous message (StUF 03.01 answers an
 * Lk01 that fails its stuurgegevens checks with a Fo03), with the answer's stuurgegevens.
 */
export function bouwFo03(vraag: Stuurgegevens, fout: Fout, meta: AntwoordMeta = {}): string {
  const sg = antwoordStuurgegevens(vraag, 'Fo03', meta);
  return tekst(el(STUF_NS.StUF, 'Fo03Bericht', [bouwStuurgegevens(sg, STUF_NS.StUF), foutBody(fout)]), { StUF: STUF_NS.StUF });
}

/**
 * `ZKN:genereerZaakIdentificatie_Du02`: the answer to genereerZaakIdentificatie_Di02 with the new
 * zaak identificatie (5 to 40 characters).
 */
export function bouwDu02(vraag: Stuurgegevens, zaakIdentificatie: string, meta: AntwoordMeta = {}): string {
  const lengte = [...zaakIdentificatie].length;
  if (lengte < 5 || lengte > 40) throw new Error('bouwDu02: a zaak identificatie has 5 to 40 characters');
  const sg = { ...antwoordStuurgegevens(vraag, 'Du02', meta), functie: FUNCTIE_GENEREER_ZAAKIDENTIFICATIE };
  const zaak = el(STUF_NS.ZKN, 'zaak', [el(STUF_NS.ZKN, 'identificatie', [], zaakIdentificatie)], undefined, {
    [`{${STUF_NS.StUF}}entiteittype`]: 'ZAK',
    [`{${STUF_NS.StUF}}functie`]: 'entiteit',
  });
  return tekst(el(STUF_NS.ZKN, 'genereerZaakIdentificatie_Du02', [bouwStuurgegevens(sg, STUF_NS.ZKN), zaak]), { ZKN: STUF_NS.ZKN, StUF: STUF_NS.StUF });
}

/**
 * `StUF:Bv02Bericht`: the confirmation of a Di02 that has no answer of its own (updateZaakdocument,
 * cancelCheckout, ontkoppelZaakdocument), with the answer's stuurgegevens.
 */
export function bouwBv02(_vraag: Stuurgegevens): string {
  // StUF 03.01 allows only the berichtcode in a Bv02's stuurgegevens.
  const sg = { berichtcode: 'Bv02' as const };
  return tekst(el(STUF_NS.StUF, 'Bv02Bericht', [bouwStuurgegevens(sg, STUF_NS.StUF)]), { StUF: STUF_NS.StUF });
}

/**
 * A Du02 with a new identificatie (genereerZaak-, genereerDocument-, genereerBesluitIdentificatie),
 * in the request's wire form: root and its children in `rootNs` (ZKN for ZDS 1.1, ZDS for 1.2),
 * the identificatie in ZKN.
 */
export function bouwIdentificatieDu02(opts: {
  vraag: Stuurgegevens;
  rootNs: string;
  root: string;
  functie: string;
  object: 'zaak' | 'document' | 'besluit';
  entiteittype: 'ZAK' | 'EDC' | 'BSL';
  identificatie: string;
  meta?: AntwoordMeta;
}): string {
  const lengte = [...opts.identificatie].length;
  if (lengte < 1 || lengte > 40) throw new Error('bouwIdentificatieDu02: an identificatie has 1 to 40 characters');
  const sg = { ...antwoordStuurgegevens(opts.vraag, 'Du02', opts.meta), functie: opts.functie };
  const object = el(opts.rootNs, opts.object, [el(STUF_NS.ZKN, 'identificatie', [], opts.identificatie)], undefined, {
    [`{${STUF_NS.StUF}}entiteittype`]: opts.entiteittype,
    [`{${STUF_NS.StUF}}functie`]: 'entiteit',
  });
  return tekst(el(opts.rootNs, opts.root, [bouwStuurgegevens(sg, opts.rootNs), object]), { ZKN: STUF_NS.ZKN, StUF: STUF_NS.StUF, ZDS: STUF_NS.ZDS });
}

const XML_DECLARATION = /^\uFEFF?\s*<\?xml\s[^?]*\?>\s*/;

/** A SOAP 1.1 envelope with `bodyXml` (one element, e.g. a Bv03Bericht) as the Body; a leading XML declaration is dropped. */
export function soapEnvelope(bodyXml: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="${STUF_NS.soapenv}"><soapenv:Body>` +
    bodyXml.replace(XML_DECLARATION, '') +
    '</soapenv:Body></soapenv:Envelope>'
  );
}

/** The SOAP 1.1 faultcode for a Fo02's plek: a client error is `Client`, a server error `Server`. */
export function soapFaultcode(plek: Foutplek): 'Client' | 'Server' {
  return plek === 'client' ? 'Client' : 'Server';
}

/**
 * A SOAP 1.1 Fault envelope. `faultcode` is written as `soapenv:<faultcode>`; `faultstring` is
 * escaped and must not quote values from the question; `detailXml` (a Fo02Bericht) goes into
 * `detail` unchanged. Without `detailXml` the Fault is the plain one for a broken envelope.
 */
export function soapFault(faultcode: 'Client' | 'Server' | 'VersionMismatch' | 'MustUnderstand', faultstring: string, detailXml?: string): string {
  return soapEnvelope(
    `<soapenv:Fault><faultcode>soapenv:${faultcode}</faultcode><faultstring>${escapeText(faultstring)}</faultstring>` +
      (detailXml !== undefined ? `<detail>${detailXml.replace(XML_DECLARATION, '')}</detail>` : '') +
      '</soapenv:Fault>',
  );
}

/** Text content: markup escaped, characters XML cannot carry replaced by U+FFFD. */
function escapeText(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}
