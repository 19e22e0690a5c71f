/**
 * Asking a SOAP source (docs/suwi/bevraging.md, "Source protocol"): a bron:BronVraag in a SOAP 1.1
 * envelope with callSoap, the answer a bron:BronAntwoord that must validate against bron.xsd.
 *
 * Every failure is a {@link BronFout}, whose message names the kind of failure (and at most an HTTP
 * status or a parser reason), never a value of the question or the answer:
 * - `time-out`: no complete answer within `timeoutMs`. The call is aborted then (callSoap's abort
 *   signal covers the connection, the headers and the body), and a timer of our own settles the
 *   promise at `timeoutMs` + {@link MARGE_MS} whatever the network does, so a caller never waits
 *   longer than that;
 * - `niet-beschikbaar`: a SOAP Fault, an HTTP status other than 2xx, or the network failed;
 * - `ongeldig-antwoord`: a 2xx answer that is not a SOAP envelope with a BronAntwoord that
 *   validates against bron.xsd and reads by the element ⇄ JSON rule.
 */
import { callSoap, type SoapCallOptions, type SoapCallResult } from '../../channels/stuf/soap-client.js';
import { serializeXml } from '../../xml/build.js';
import type { XmlLimits } from '../../xml/parse.js';
import { SuwiSchemas } from './schemas.js';
import { bouwBronVraag, leesBronAntwoord, type BronAntwoord } from './xml.js';

import { BronFout, type BronFoutSoort } from '../../bevragingen/bron.js';

export { BronFout, type BronFoutSoort };

/** What the own timer allows beyond `timeoutMs` (the abort of the call normally settles it first). */
export const MARGE_MS = 50;

export interface SoapBron {
  url: string;
  soapAction: string;
  timeoutMs: number;
}

export interface BronVraagGegevens {
  dienst: string;
  bsn: string;
  doel: string;
  grondslag: string;
  /** The requester's party id. */
  afnemer: string;
}

export interface SoapBronOptions {
  /** Default: the schemas under schemas/suwi, loaded once on first use. */
  schemas?: SuwiSchemas;
  /** Extra request headers (authentication). */
  headers?: Record<string, string>;
  /** Default {@link BRON_MAX_BYTES}. */
  maxResponseBytes?: number;
  /** Default {@link BRON_XML_LIMITS}. */
  xmlLimits?: XmlLimits;
  /** A connection pool presenting knooppunt's client certificate to this source. */
  dispatcher?: SoapCallOptions['dispatcher'];
}

/**
 * A source's answer is one person's minimised data: kilobytes. It is parsed and validated on the
 * event loop, so a source answering megabytes would hold every other party up; past these bounds
 * the answer is refused as unreadable (ongeldig-antwoord), having read only that much.
 */
export const BRON_MAX_BYTES = 1024 * 1024;
export const BRON_XML_LIMITS: XmlLimits = { maxBytes: BRON_MAX_BYTES, maxDepth: 32, maxElements: 50_000 };

let standaardSchemas: SuwiSchemas | undefined;

function schemas(opts: SoapBronOptions): SuwiSchemas {
  if (opts.schemas) return opts.schemas;
  standaardSchemas ??= SuwiSchemas.loadSync();
  return standaardSchemas;
}

export async function vraagSoapBron(
  bron: SoapBron,
  vraag: BronVraagGegevens,
  opts: SoapBronOptions = {},
): Promise<{ gevonden: false } | { gevonden: true; gegevens: Record<string, unknown> }> {
  const set = schemas(opts);
  const body = bouwBronVraag(vraag);
  let timer: NodeJS.Timeout | undefined;
  const grens = new Promise<never>((_ok, reject) => {
    timer = setTimeout(() => reject(new BronFout('time-out', `The source did not answer within ${bron.timeoutMs} ms`)), bron.timeoutMs + MARGE_MS);
  });
  try {
    const result = await Promise.race([
      callSoap(bron.url, bron.soapAction, body, {
        timeoutMs: bron.timeoutMs,
        ...(opts.headers ? { headers: opts.headers } : {}),
        maxResponseBytes: opts.maxResponseBytes ?? BRON_MAX_BYTES,
        xmlLimits: opts.xmlLimits ?? BRON_XML_LIMITS,
        ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}),
      }).catch((err: unknown) => {
        throw netwerkFout(err, bron.timeoutMs);
      }),
      grens,
    ]);
    return lees(result, set);
  } finally {
    clearTimeout(timer);
  }
}

function netwerkFout(err: unknown, timeoutMs: number): BronFout {
  if (err instanceof BronFout) return err;
  const names = [(err as { name?: unknown })?.name, (err as { cause?: { name?: unknown } })?.cause?.name];
  if (names.includes('TimeoutError') || names.includes('AbortError')) return new BronFout('time-out', `The source did not answer within ${timeoutMs} ms`);
  return new BronFout('niet-beschikbaar', 'The source could not be reached');
}

function lees(result: SoapCallResult, set: SuwiSchemas): BronAntwoord {
  if (result.fault) return fout('niet-beschikbaar', `The source answered a SOAP Fault (${safeCode(result.fault.code)})`);
  if (result.status < 200 || result.status > 299) return fout('niet-beschikbaar', `The source answered HTTP ${result.status}`);
  if (!result.body) return fout('ongeldig-antwoord', `The source's answer is not a SOAP envelope${result.unreadable ? ` (${result.unreadable})` : ''}`);
  const issues = set.validateBron(serializeXml(result.body, { declaration: true }));
  if (issues.length > 0) return fout('ongeldig-antwoord', `The source's answer does not validate against bron.xsd: ${issues.slice(0, 3).map((i) => i.message).join('; ')}`);
  try {
    return leesBronAntwoord(result.body);
  } catch (err) {
    // Both errors name an element or a kind of problem, never a value.
    return fout('ongeldig-antwoord', `The source's answer cannot be read: ${(err as Error).message}`);
  }
}

function fout(soort: BronFoutSoort, message: string): never {
  throw new BronFout(soort, message);
}

/** A faultcode as the source wrote it, only when it looks like one (Client, Server.Busy, …). */
function safeCode(code: string): string {
  return /^[A-Za-z][A-Za-z0-9.]{0,40}$/.test(code) ? code : 'unknown code';
}
