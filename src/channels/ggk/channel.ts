/**
 * The GGk channel (POST /ggk/v1, SOAP 1.1): knooppunt as a gemeente's or region's connection to the
 * ISD chain. A `ggk0210` Di01 carrying an iWmo/iJw heenbericht (or a Du01 carrying a retourbericht) is
 * checked as the GGk checks it: the envelope against knooppunt's GGk XSD, referentie- and
 * crossRefnummer UUID v4 (IB009), the size (IB007), the berichttype not frozen (IB103), the bericht
 * decodes and agrees with the stuurgegevens (IB001), the sender is who it says (IB002). The bericht
 * then goes through the same pipeline as any iJw/iWmo bericht; no route is IB102. A Di01 is answered
 * with a Du01 carrying the retourbericht (316 for a 315), a Du01 with a Bv03, a refusal with a Fo01
 * in a SOAP Fault. Every answer validates against the GGk XSD before it leaves; every refusal is logged.
 */
import express, { type NextFunction, type Request, type RequestHandler, type Response, type Router } from 'express';
import { strictPaths } from '../path-policy.js';
import type { Logger } from 'pino';
import type { AcceptResult, Pipeline } from '../../core/pipeline.js';
import type { Party, PartyRegistry } from '../../parties/registry.js';
import { BERICHTSOORTEN, RELEASE, berichtType, parseBerichtNamespace, type BerichtNummer } from '../../standards/istandaarden/catalog.js';
import { readHeader, type BerichtHeader } from '../../standards/istandaarden/header.js';
import { buildBv03, buildEnvelop, buildFo01, decodeXmlBestand, DI01, DU01, GGK_NS, isUuidV4, readEnvelop, type Envelop, type Systeem } from '../../standards/ggk/envelop.js';
import { GGK_FOUTCODES, type GgkFoutcode } from '../../standards/ggk/foutcodes.js';
import type { GgkSchemas } from '../../standards/ggk/schema.js';
import { parseXml, XmlRejectedError, type XmlElement, type XmlLimits } from '../../xml/parse.js';
import { PoolBusyError } from '../../util/worker-pool.js';
import { serializeXml } from '../../xml/build.js';
import { readEnvelope, soapEnvelope, soapFaultEnvelope } from '../stuf/soap-envelope.js';
import { HttpProblem } from '../rest/problem.js';
import { readBody } from '../istandaarden/body.js';

/** A freeze window: the GGk blocks a berichttype for a period (around a release). */
export interface Bevriezing {
  berichttype: string;
  van: string;
  tot: string;
}

export function isBevroren(bevroren: readonly Bevriezing[], berichttype: string, now = Date.now()): boolean {
  return bevroren.some((b) => b.berichttype === berichttype && now >= Date.parse(b.van) && now < Date.parse(b.tot));
}

class Weigering extends Error {
  constructor(
    readonly code: GgkFoutcode,
    readonly reason: string,
    readonly details?: string,
  ) {
    super(code);
  }
}

const TEXT_XML = /^text\/xml\s*(;|$)/i;

export function ggkChannel(deps: {
  authenticate: RequestHandler;
  pipeline: Pipeline;
  parties: PartyRegistry;
  schemas: GgkSchemas;
  /** The largest envelope read (the GGk's limit for the bericht is 25 MB; base64 adds a third). */
  maxBodyBytes: number;
  maxBerichtBytes: number;
  xmlLimits: XmlLimits;
  bevroren: readonly Bevriezing[];
  eigenApplicatie: string;
  logger: Logger;
}): Router {
  const r = express.Router();
  const eigen = (organisatie?: string): Systeem => ({ ...(organisatie ? { organisatie } : {}), applicatie: deps.eigenApplicatie });

  // The path policy of every channel (../path-policy.ts), as a SOAP Fault: a wrong method is 405
  // with Allow, a trailing slash or a path under the endpoint 404; before authentication. No Fo01:
  // there is no envelope to answer, and the GGk foutcodes have none for a wrong method or path.
  r.use(
    strictPaths(
      [{ path: '/', methods: ['POST'] }],
      (refusal, _req, res) => {
        const text = refusal.status === 405 ? `${refusal.detail}: use POST with a ggk0210 Di01 or Du01` : refusal.detail;
        res.status(refusal.status).type('text/xml; charset=utf-8').send(soapFaultEnvelope('Client', text));
      },
      { unknownIsNotFound: true },
    ),
  );

  r.post('/', deps.authenticate, async (req, res) => {
    const caller = (res.locals as { party: Party }).party;
    let envelop: Envelop | undefined;
    try {
      if (!TEXT_XML.test(req.get('content-type') ?? '')) throw new Weigering('IB001', 'unsupported-media-type', 'Stuur SOAP 1.1 als text/xml.');
      const read = await readBody(req, deps.maxBodyBytes);
      if (read.tooLarge) {
        res.setHeader('Connection', 'close');
        throw new Weigering('IB007', 'payload-too-large');
      }
      let soap: XmlElement;
      try {
        soap = parseXml(read.body, { ...deps.xmlLimits, maxBytes: deps.maxBodyBytes });
      } catch (err) {
        if (err instanceof XmlRejectedError) throw new Weigering(err.reason === 'too-large' ? 'IB007' : 'IB001', `xml-${err.reason}`);
        throw err;
      }
      const env = readEnvelope(soap);
      if ('reason' in env) throw new Weigering('IB001', 'not-soap', 'Geen SOAP 1.1-envelop.');
      const root = env.payload;
      if (root.ns !== GGK_NS || (root.name !== DI01 && root.name !== DU01)) throw new Weigering('IB001', 'not-ggk-envelope', 'Geen ggk0210 Di01 of Du01.');
      const issues = deps.schemas.validateEnvelop(serializeXml(root, { declaration: true }));
      if (issues.length > 0) throw new Weigering('IB001', 'envelope-invalid', issues.slice(0, 3).map((i) => i.message).join('; '));
      envelop = readEnvelop(root);
      if (!isUuidV4(envelop.referentienummer)) throw new Weigering('IB009', 'referentienummer-not-uuid-v4', 'referentienummer');
      if (envelop.crossRefnummer !== undefined && !isUuidV4(envelop.crossRefnummer)) throw new Weigering('IB009', 'crossrefnummer-not-uuid-v4', 'crossRefnummer');
      if (isBevroren(deps.bevroren, envelop.functie)) throw new Weigering('IB103', 'berichttype-frozen', envelop.functie);

      const raw = decodeXmlBestand(envelop.xmlBestand);
      if (!raw) throw new Weigering('IB001', 'bericht-not-base64', 'xmlBestand is geen geldige base64.');
      if (raw.length > deps.maxBerichtBytes) throw new Weigering('IB007', 'bericht-too-large');
      let bericht: XmlElement;
      try {
        bericht = parseXml(raw, { ...deps.xmlLimits, maxBytes: deps.maxBerichtBytes });
      } catch (err) {
        if (err instanceof XmlRejectedError) throw new Weigering('IB001', `bericht-xml-${err.reason}`, 'Het bericht in de envelop is geen goedgevormde XML.');
        throw err;
      }
      const ns = parseBerichtNamespace(bericht.ns);
      const soort = ns && ns.release === RELEASE.pad && bericht.name === 'Bericht' ? BERICHTSOORTEN.get(ns.nummer as BerichtNummer) : undefined;
      if (!ns || !soort) throw new Weigering('IB001', 'not-istandaarden', 'Het bericht is geen iJw- of iWmo-bericht van release 3.2.');
      const type = berichtType(ns.standaard, soort.nummer);
      let header: BerichtHeader | undefined;
      try {
        header = readHeader(bericht);
      } catch {
        header = undefined;
      }
      if (!header) throw new Weigering('IB001', 'missing-header', 'Header ontbreekt.');
      // The envelope routes; the bericht is what is processed: they must say the same.
      if (envelop.functie !== type) throw new Weigering('IB001', 'functie-contradicts-bericht', `functie ${envelop.functie}, bericht ${type}`);
      if (envelop.zender.organisatie !== header.afzender) throw new Weigering('IB001', 'zender-contradicts-afzender', 'zender/organisatie en Afzender verschillen.');
      if (envelop.ontvanger.organisatie !== header.ontvanger) throw new Weigering('IB001', 'ontvanger-contradicts-ontvanger', 'ontvanger/organisatie en Ontvanger verschillen.');
      if (envelop.soort === 'Di01' && soort.heen !== undefined) throw new Weigering('IB001', 'retour-in-di01', 'Een retourbericht hoort in een Du01.');
      if (envelop.soort === 'Du01' && soort.heen === undefined) throw new Weigering('IB001', 'heen-in-du01', 'Een heenbericht hoort in een Di01.');
      if (header.afzender !== caller.code) throw new Weigering('IB002', 'sending-as-another-party', 'De afzender is niet de geauthenticeerde partij.');
      const receiver = deps.parties.byCode(soort.richting === 'aanbieder-naar-gemeente' ? 'gemeente' : 'aanbieder', header.ontvanger);
      if (!receiver) throw new Weigering('IB102', 'unknown-receiver', 'De ontvanger is niet aangesloten op dit knooppunt.');

      const result = await acceptOrBusy({
        channel: 'ggk',
        standard: ns.standaard,
        messageType: type,
        version: '3.2',
        sender: caller.id,
        receiver: receiver.id,
        senderMessageId: `${header.afzender}/${header.berichtCode}/${header.identificatie}`,
        correlationId: envelop.referentienummer,
        contentType: 'application/xml',
        raw,
        body: bericht,
      });
      res.setHeader('X-Knooppunt-Message-Id', result.messageId);
      answer(res, envelop, result, header.ontvanger);
    } catch (err) {
      if (!(err instanceof Weigering)) {
        if (res.headersSent) throw err;
        // Not the sender's fault (the store unavailable, a bug): a Fo01 with plek server, never problem+json.
        deps.logger.error({ err: (err instanceof Error ? err.message : String(err)).slice(0, 200) }, 'GGk request failed');
        return sendFo01(res, 'StUF058', envelop);
      }
      await deps.pipeline.logRefusedRequest('ggk', err.reason, { code: err.code, ...(envelop ? { functie: envelop.functie.slice(0, 20) } : {}) }, caller.id);
      sendFo01(res, err.code, envelop, err.details);
    }
  });

  /** The document workers for large berichten full: a Fo01 IB103 (temporarily unavailable), logged like every refusal. */
  async function acceptOrBusy(msg: Parameters<typeof deps.pipeline.accept>[0]): Promise<AcceptResult> {
    try {
      return await deps.pipeline.accept(msg);
    } catch (err) {
      if (err instanceof PoolBusyError) throw new Weigering('IB103', 'documents-busy', 'Knooppunt verwerkt nu te veel grote berichten; probeer het later opnieuw.');
      throw err;
    }
  }

  function answer(res: Response, envelop: Envelop, result: AcceptResult, ontvangerCode: string): void {
    const refused = result.outcome === 'rejected' ? result.code : undefined;
    if (refused === 'no-route' || refused === 'unknown-receiver') return sendFo01(res, 'IB102', envelop);
    if (refused === 'not-allowed' || refused === 'forbidden-sender') return sendFo01(res, 'IB002', envelop);
    const retour = result.answer;
    if (retour && retour.detail?.foutcode === undefined && envelop.soort === 'Di01') {
      // The retourbericht goes back in a Du01, answering the Di01.
      const root = parseXml(retour.content, { maxBytes: deps.maxBerichtBytes, maxDepth: 64, maxElements: 2_000_000 });
      const ns = parseBerichtNamespace(root.ns);
      const functie = ns ? berichtType(ns.standaard, ns.nummer as BerichtNummer) : envelop.functie;
      const du01 = buildEnvelop({ soort: 'Du01', zender: eigen(ontvangerCode), ontvanger: envelop.zender, crossRefnummer: envelop.referentienummer, functie, bericht: retour.content });
      return send(res, 200, soapEnvelope(du01), deps.schemas.validateEnvelop(du01).length);
    }
    if (result.outcome === 'rejected') return sendFo01(res, 'IB001', envelop, result.problems.slice(0, 3).map((p) => p.message).join('; '));
    const bv03 = buildBv03({ zender: eigen(ontvangerCode), ontvanger: envelop.zender, crossRefnummer: envelop.referentienummer });
    send(res, 200, soapEnvelope(bv03), deps.schemas.validateStuf(bv03).length);
  }

  function sendFo01(res: Response, code: GgkFoutcode, envelop: Envelop | undefined, details?: string): void {
    const f = GGK_FOUTCODES[code];
    const fo01 = buildFo01({
      zender: eigen(envelop?.ontvanger.organisatie),
      ontvanger: envelop?.zender ?? { applicatie: 'onbekend' },
      crossRefnummer: envelop?.referentienummer || 'onbekend',
      code,
      plek: f.plek,
      omschrijving: f.omschrijving,
      ...(details ? { details } : {}),
    });
    send(res, 500, soapFaultEnvelope(f.plek === 'client' ? 'Client' : 'Server', `${code}: ${f.omschrijving}`, fo01), deps.schemas.validateStuf(fo01).length);
  }

  function send(res: Response, status: number, xml: string, schemaIssues: number): void {
    // Ours must validate; if it ever did not, that is our bug: logged loudly, still answered.
    if (schemaIssues > 0) deps.logger.error({ status }, 'GGk answer does not validate against the GGk XSD');
    res.status(status).type('text/xml; charset=utf-8').send(xml);
  }

  // Authentication refusals in the channel's own form: a Fo01 IB002.
  r.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    if (err instanceof HttpProblem && (err.status === 401 || err.status === 403)) {
      res.setHeader('Connection', 'close');
      return sendFo01(res, 'IB002', undefined, 'Authentication required: a valid client certificate or API key');
    }
    next(err);
  });
  return r;
}
