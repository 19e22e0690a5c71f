/**
 * The SOAP side of SUWI-style bevragingen (docs/suwi/bevraging.md): `/suwi/v1/Bevraging`, SOAP 1.1
 * document/literal, SOAPAction urn:knooppunt:suwi:1/Bevraging, WSDL at `?wsdl`. Built on the
 * shared soapEndpoint (authentication, bounded hardened parsing, envelope and SOAPAction checks,
 * Faults for every refusal there).
 *
 * `handle`: the BevragingVraag is validated against suwi.xsd (invalid → FWI ongeldig-verzoek in a
 * Client fault, logged through `onRefused`), read, and handed to `deps.vraag` (the bevraging
 * service, which checks the BSN and the purpose, asks the source and logs the exchange, refusals
 * included). Its outcome becomes a BevragingAntwoord, or a Fault whose detail is an FWI: Client for
 * the caller's mistakes, Server when the source failed. The faultstring is a fixed text per
 * foutcode; the FWI Omschrijving is the service's (fixed) description. Neither carries a value
 * from the request; nor does anything logged here.
 */
import { join } from 'node:path';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { BevragingVraag as ServiceBevragingVraag } from '../../bevragingen/service.js';
import type { BevragingFoutcode, BevragingUitkomst } from '../../bevragingen/types.js';
import { SUWI_WSDL, SuwiSchemas } from '../../standards/suwi/schemas.js';
import { bouwBevragingAntwoord, bouwFwi, leesBevragingVraag, SUWI_BEVRAGING_ACTION, SuwiBerichtFout, type BevragingVraag } from '../../standards/suwi/xml.js';
import { serializeXml } from '../../xml/build.js';
import type { XmlLimits } from '../../xml/parse.js';
import { soapEndpoint, type SoapAnswer, type SoapCall, type SoapEndpointRouter } from '../stuf/soap-server.js';

export const SUWI_BEVRAGING_PATH = '/suwi/v1/Bevraging';

/**
 * What the channel hands to the bevraging service: its BevragingVraag without the content type
 * (the gateway adds it), from this channel; `raw` is the whole SOAP envelope as received.
 */
export type SuwiVraag = Omit<ServiceBevragingVraag, 'contentType' | 'channel'> & { channel: 'suwi' };

export interface SuwiChannelDeps {
  /** The folder holding suwi.wsdl, suwi.xsd and bron.xsd (schemas/suwi). */
  schemasDir: string;
  authenticate: RequestHandler;
  maxBodyBytes: number;
  xmlLimits: XmlLimits;
  vraag(v: SuwiVraag): Promise<BevragingUitkomst>;
  /** A request refused before the service saw it (as soapEndpoint's onRefused: reason, value-free detail, party). */
  onRefused(reason: string, detail: Record<string, unknown>, partyId?: string): Promise<void>;
  logger: Logger;
  /** Compiled schemas to share; default: compiled from `schemasDir`. */
  schemas?: SuwiSchemas;
  /** The endpoint's public URL for the WSDL's soap:address; default: from the request. */
  publicUrl?: string;
}

/** Client: the request is at fault; Server: the source is. With the fixed faultstring per foutcode. */
export const SUWI_FOUTEN: Readonly<Record<BevragingFoutcode, { code: 'Client' | 'Server'; faultstring: string }>> = {
  'ongeldig-bsn': { code: 'Client', faultstring: 'Het burgerservicenummer is ongeldig' },
  'doel-ontbreekt': { code: 'Client', faultstring: 'De doelbinding ontbreekt' },
  'doel-niet-toegestaan': { code: 'Client', faultstring: 'Deze bevraging is voor dit doel niet toegestaan' },
  'ongeldig-verzoek': { code: 'Client', faultstring: 'Het verzoek is ongeldig' },
  'bron-time-out': { code: 'Server', faultstring: 'De bron antwoordde niet op tijd' },
  'bron-niet-beschikbaar': { code: 'Server', faultstring: 'De bron is niet beschikbaar' },
};

function fwiFault(foutcode: BevragingFoutcode, omschrijving: string): SoapAnswer {
  const f = SUWI_FOUTEN[foutcode];
  return { fault: { code: f.code, string: f.faultstring, detailXml: bouwFwi(foutcode, omschrijving) } };
}

export function suwiChannel(deps: SuwiChannelDeps): { path: string; router: SoapEndpointRouter } {
  const schemas = deps.schemas ?? SuwiSchemas.loadSync(deps.schemasDir);

  const handle = async (call: SoapCall): Promise<SoapAnswer> => {
    const issues = schemas.validateSuwi(serializeXml(call.body, { declaration: true }));
    if (issues.length > 0) {
      const meldingen = issues.slice(0, 5).map((i) => i.message);
      await deps.onRefused('ongeldig-verzoek', { operation: call.operation, issues: meldingen }, call.party.id);
      return fwiFault('ongeldig-verzoek', `Het verzoek voldoet niet aan suwi.xsd: ${meldingen.join('; ')}`);
    }
    let vraag: BevragingVraag;
    try {
      vraag = leesBevragingVraag(call.body);
    } catch (err) {
      if (!(err instanceof SuwiBerichtFout)) throw err;
      await deps.onRefused('ongeldig-verzoek', { operation: call.operation, element: err.element }, call.party.id);
      return fwiFault('ongeldig-verzoek', `Het verzoek is onleesbaar: ${err.element}`);
    }
    const uitkomst = await deps.vraag({ party: call.party, ...vraag, raw: call.raw, channel: 'suwi' });
    if (!uitkomst.ok) {
      deps.logger.debug({ foutcode: uitkomst.foutcode, party: call.party.id }, 'SUWI bevraging refused');
      return fwiFault(uitkomst.foutcode, uitkomst.omschrijving);
    }
    const xml = bouwBevragingAntwoord({
      uitkomst: uitkomst.uitkomst,
      doel: uitkomst.doel,
      grondslag: uitkomst.grondslag,
      bron: uitkomst.bron,
      ...(uitkomst.gegevens !== undefined ? { gegevens: uitkomst.gegevens } : {}),
    });
    deps.logger.debug({ uitkomst: uitkomst.uitkomst, party: call.party.id }, 'SUWI bevraging answered');
    return { xml };
  };

  const router = soapEndpoint({
    wsdlPath: join(deps.schemasDir, SUWI_WSDL),
    operations: { [SUWI_BEVRAGING_ACTION]: 'Bevraging' },
    maxBodyBytes: deps.maxBodyBytes,
    xmlLimits: deps.xmlLimits,
    authenticate: deps.authenticate,
    handle,
    onRefused: deps.onRefused,
    onError: (err, context) => deps.logger.error({ err: errorName(err), context }, 'SUWI channel error'),
    ...(deps.publicUrl !== undefined ? { publicUrl: deps.publicUrl } : {}),
  });
  return { path: SUWI_BEVRAGING_PATH, router };
}

/** The error's class and, for our own typed errors, its message (value-free by construction); never a foreign message. */
function errorName(err: unknown): string {
  if (err instanceof Error) return err.name === 'GegevensFout' || err.name === 'SuwiBerichtFout' ? `${err.name}: ${err.message}` : err.name;
  return typeof err;
}
