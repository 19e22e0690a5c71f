/**
 * The provider channel for iJw/iWmo 3.2 under /istandaarden/v1: a care provider (or a gemeente's own
 * XML system) posts a bericht as XML and gets its retourbericht back in the same call, and fetches
 * what is addressed to it from its mailbox. Everything it refuses is answered with a transport
 * foutbericht (XML), logged, and leaves the process untouched.
 */
import type { Logger } from 'pino';
import express, { type NextFunction, type Request, type RequestHandler, type Response, type Router } from 'express';
import { strictPaths, type ChannelOperation } from '../path-policy.js';
import type { Mailbox } from '../../core/mailbox.js';
import type { AcceptResult, Pipeline, RejectCode } from '../../core/pipeline.js';
import type { Party, PartyRegistry } from '../../parties/registry.js';
import { BERICHTSOORTEN, RELEASE, RETOURBERICHTEN, berichtType, parseBerichtNamespace, type BerichtNummer } from '../../standards/istandaarden/catalog.js';
import { bouwFoutbericht, FOUTCODES, type Fout, type Foutcode } from '../../standards/istandaarden/foutbericht.js';
import { readHeader, type BerichtHeader } from '../../standards/istandaarden/header.js';
import { parseXml, parseXmlInSlices, XmlRejectedError, type XmlLimits } from '../../xml/parse.js';
import { DEFAULT_GROOT_VANAF } from '../../standards/istandaarden/grote-berichten.js';
import type { DocumentPool } from '../../util/document-pool.js';
import { PoolBusyError } from '../../util/worker-pool.js';
import { HttpProblem } from '../rest/problem.js';
import { readBody } from './body.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const XML_TYPE = /^(application|text)\/([a-z0-9.+-]*\+)?xml\s*(;|$)/i;

const REJECT_FOUT: Partial<Record<RejectCode, Foutcode>> = {
  'forbidden-sender': 'IB002',
  'not-allowed': 'IB002',
  'unknown-receiver': 'IB102',
  'unknown-standard': 'IB004',
  'unknown-message-type': 'IB004',
  'no-route': 'IB004',
  'mapping-failed': 'IB001',
  'validation-failed': 'IB001',
};

class Foutantwoord extends Error {
  constructor(
    readonly fout: Fout,
    readonly status = FOUTCODES[fout.code].httpStatus,
  ) {
    super(fout.code);
  }
}

function party(res: Response): Party {
  return (res.locals as { party: Party }).party;
}

function sendFout(res: Response, fout: Fout, status = FOUTCODES[fout.code].httpStatus): void {
  res.status(status).type('application/xml').send(bouwFoutbericht(fout));
}

/** The channel's resources and their methods (the path policy answers everything else). */
export const ISTANDAARDEN_PATHS: readonly ChannelOperation[] = [
  { path: '/berichten', methods: ['POST'] },
  { path: '/mailbox', methods: ['GET'] },
  { path: '/mailbox/{id}', methods: ['GET'] },
  { path: '/mailbox/{id}/ontvangstbevestiging', methods: ['PUT'] },
];

export function istandaardenChannel(deps: {
  authenticate: RequestHandler;
  pipeline: Pipeline;
  parties: PartyRegistry;
  mailbox: Mailbox;
  /** The largest bericht accepted, in bytes (the GGk's limit is 25 MB). */
  maxBodyBytes: number;
  xmlLimits: XmlLimits;
  logger: Logger;
  /** From this size a bericht is parsed in slices, with the event loop free in between (default 256 KiB). */
  largeBytes?: number;
  /** The document workers of large berichten: one starts loading while a large body is still arriving. */
  documenten?: Pick<DocumentPool<unknown>, 'prestart'>;
}): Router {
  const r = express.Router();
  // Before authentication, as on /api/v1: a wrong method is 405 with Allow, a trailing slash or an
  // unknown path 404, each as a foutbericht IB004 (the function is not supported here).
  r.use(strictPaths(ISTANDAARDEN_PATHS, (refusal, _req, res) => sendFout(res, { code: 'IB004', details: [{ melding: refusal.detail }] }, refusal.status), { unknownIsNotFound: true }));
  r.use(deps.authenticate);

  r.post('/berichten', async (req, res) => {
    const caller = party(res);
    const refuse = async (reason: string, fout: Fout, detail: Record<string, unknown> = {}): Promise<never> => {
      await deps.pipeline.logRefusedRequest('istandaarden', reason, detail, caller.id);
      throw new Foutantwoord(fout);
    };
    if (!XML_TYPE.test(req.get('content-type') ?? '')) {
      await refuse('unsupported-media-type', { code: 'IB001', details: [{ melding: 'Stuur het bericht als application/xml.' }] });
    }
    // The announced size, before the body: a worker's start then overlaps the upload and the parse.
    deps.documenten?.prestart(Number(req.get('content-length')));
    const read = await readBody(req, deps.maxBodyBytes);
    if (read.tooLarge) {
      res.setHeader('Connection', 'close');
      return refuse('payload-too-large', { code: 'IB007', details: [{ melding: `Maximaal ${deps.maxBodyBytes} bytes.` }] }, { size: read.received });
    }
    const raw = read.body;
    let root;
    try {
      const limits = { ...deps.xmlLimits, maxBytes: deps.maxBodyBytes };
      root = raw.length >= (deps.largeBytes ?? DEFAULT_GROOT_VANAF) ? await parseXmlInSlices(raw, limits) : parseXml(raw, limits);
    } catch (err) {
      if (err instanceof XmlRejectedError) {
        await refuse(`xml-${err.reason}`, { code: err.reason === 'too-large' ? 'IB007' : 'IB001', details: [{ melding: err.message }] }, { size: raw.length });
      }
      throw err;
    }
    const ns = parseBerichtNamespace(root.ns);
    if (!ns || root.name !== 'Bericht') {
      return refuse('not-istandaarden', { code: 'IB004', details: [{ plek: '/', melding: 'Geen iJw- of iWmo-bericht (onbekende namespace of root).' }] });
    }
    if (ns.release !== RELEASE.pad) {
      return refuse('unsupported-release', { code: 'IB004', details: [{ plek: '/Bericht', melding: `Release ${ns.release.replace('_', '.')} wordt niet ondersteund; dit knooppunt spreekt release 3.2.` }] });
    }
    const soort = BERICHTSOORTEN.get(ns.nummer as BerichtNummer);
    if (!soort) {
      return refuse('unknown-bericht', { code: 'IB004', details: [{ plek: '/Bericht', melding: `Bericht ${ns.nummer} bestaat niet in release 3.2.` }] });
    }
    let header: BerichtHeader | undefined;
    try {
      header = readHeader(root);
    } catch {
      header = undefined;
    }
    if (!header) return refuse('missing-header', { code: 'IB001', details: [{ plek: '/Bericht/Header', melding: 'Header ontbreekt of is onvolledig.' }] });
    // A retourbericht copies its heenbericht's header: the party that sends it is the heenbericht's
    // Ontvanger (a provider posting a 302 or 320 has the gemeente as Afzender), and it goes to the
    // heenbericht's Afzender. Every other bericht is sent by its Afzender to its Ontvanger.
    const isRetour = RETOURBERICHTEN.includes(soort.nummer);
    const heenRichting = isRetour ? BERICHTSOORTEN.get(soort.heen!)!.richting : soort.richting;
    const zender = isRetour ? { code: header.ontvanger, plek: '/Bericht/Header/Ontvanger' } : { code: header.afzender, plek: '/Bericht/Header/Afzender' };
    const naar = isRetour ? { code: header.afzender, plek: '/Bericht/Header/Afzender' } : { code: header.ontvanger, plek: '/Bericht/Header/Ontvanger' };
    const zenderKind = (heenRichting === 'aanbieder-naar-gemeente') !== isRetour ? 'aanbieder' : 'gemeente';
    if (zender.code !== caller.code || (caller.kind !== undefined && caller.kind !== zenderKind)) {
      return refuse('sending-as-another-party', {
        code: 'IB002',
        details: [{ plek: zender.plek, melding: `${zender.plek.split('/').at(-1)} is niet de geauthenticeerde partij: deze partij mag dit bericht niet namens een ander versturen.` }],
      });
    }
    const ontvangerKind = zenderKind === 'aanbieder' ? 'gemeente' : 'aanbieder';
    const receiver = deps.parties.byCode(ontvangerKind, naar.code);
    if (!receiver) {
      return refuse('unknown-receiver', {
        code: 'IB102',
        details: [{ plek: naar.plek, melding: ontvangerKind === 'gemeente' ? 'Geen routering: de gemeente is niet aangesloten op dit knooppunt.' : 'Geen routering: de aanbieder is niet aangesloten op dit knooppunt.' }],
      });
    }
    const eigenId = isRetour ? (root.children.find((c) => c.name === 'Header')?.children.find((c) => c.name === 'IdentificatieRetour')?.text?.trim() ?? header.identificatie) : header.identificatie;
    let result: AcceptResult;
    try {
      result = await deps.pipeline.accept({
        channel: 'istandaarden',
        standard: ns.standaard,
        messageType: berichtType(ns.standaard, soort.nummer),
        version: '3.2',
        sender: caller.id,
        receiver: receiver.id,
        senderMessageId: `${caller.code}/${header.berichtCode}/${eigenId}`,
        references: [{ kind: 'identificatie', value: header.identificatie }],
        contentType: 'application/xml',
        raw,
        body: root,
      });
    } catch (err) {
      // The document workers and their queue are full: a clear, logged "try again shortly", nothing half-done.
      if (err instanceof PoolBusyError) {
        res.setHeader('Retry-After', '5');
        return refuse('documents-busy', { code: 'IB103', details: [{ melding: 'Knooppunt verwerkt nu te veel grote berichten; probeer het over enkele seconden opnieuw.' }] }, { size: raw.length });
      }
      throw err;
    }
    sendResult(res, result);
  });

  r.get('/mailbox', async (req, res) => {
    const caller = party(res);
    const includeAcknowledged = req.query.includeAcknowledged === 'true';
    const limit = Math.min(100, Math.max(1, Number(req.query.pageSize ?? 50) || 50));
    const { items, total, totalCapped } = await deps.mailbox.list(caller.id, { includeAcknowledged, limit, offset: 0, withContent: false });
    res.json({
      items: items.map((i) => ({
        id: i.id,
        messageId: i.messageId,
        bericht: i.messageType,
        afzender: i.sender,
        beschikbaarSinds: i.availableAt,
        opgehaald: i.acknowledgedAt,
        href: `${req.baseUrl}/mailbox/${i.id}`,
      })),
      total,
      totalCapped,
    });
  });

  r.get('/mailbox/:id', async (req, res) => {
    const id = String(req.params.id);
    const item = UUID.test(id) ? await deps.mailbox.get(party(res).id, id.toLowerCase()) : undefined;
    if (item?.unreadable) {
      await deps.pipeline.logRefusedRequest('istandaarden', 'mailbox-item-unreadable', { resource: 'mailbox', keyId: item.unreadable.keyId }, party(res).id);
      throw new Foutantwoord({ code: 'IB900', details: [{ plek: 'mailbox', melding: 'Dit bericht kan nu niet worden ontsleuteld; de beheerder is gewaarschuwd.' }] });
    }
    if (!item || item.content === null) {
      await deps.pipeline.logRefusedRequest('istandaarden', 'mailbox-item-not-found', { resource: 'mailbox' }, party(res).id);
      throw new HttpProblem(404, 'mailbox-item-not-found', 'Geen bericht met dit id voor deze partij');
    }
    res.status(200).type(item.contentType).setHeader('X-Knooppunt-Message-Id', item.messageId);
    res.send(item.content);
  });

  r.put('/mailbox/:id/ontvangstbevestiging', async (req, res) => {
    const id = String(req.params.id);
    const result = UUID.test(id) ? await deps.mailbox.acknowledge(party(res).id, id.toLowerCase()) : { found: false, alreadyAcknowledged: false };
    if (!result.found) {
      await deps.pipeline.logRefusedRequest('istandaarden', 'mailbox-item-not-found', { resource: 'mailbox' }, party(res).id);
      throw new HttpProblem(404, 'mailbox-item-not-found', 'Geen bericht met dit id voor deze partij');
    }
    res.status(200).json({ id, opgehaald: true, alEerderBevestigd: result.alreadyAcknowledged });
  });

  // This channel answers in its own form: a transport foutbericht, never problem+json.
  r.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    if (err instanceof Foutantwoord) return sendFout(res, err.fout, err.status);
    if (err instanceof HttpProblem) {
      if (err.status === 401 || err.status === 403) return sendFout(res, { code: 'IB002', details: [{ melding: err.detail ?? err.code }] }, err.status);
      if (err.status === 404) return sendFout(res, { code: 'IB004', details: [{ melding: err.detail ?? 'Niet gevonden.' }] }, 404);
    }
    if ((err as { type?: string }).type === 'request.aborted') return next(err);
    // Anything else (the store unavailable, a bug) is still answered in the channel's own form:
    // nothing was acknowledged, so the sender may retry. Logged without the request's content.
    deps.logger.error({ err: errorText(err), path: req.path.slice(0, 100) }, 'iStandaarden request failed');
    res.setHeader('Retry-After', '30');
    return sendFout(res, { code: 'IB900' });
  });
  return r;
}

function sendResult(res: Response, result: AcceptResult): void {
  res.setHeader('X-Knooppunt-Message-Id', result.messageId);
  res.setHeader('X-Knooppunt-Status', result.outcome === 'accepted' ? (result.duplicate ? 'duplicate' : 'accepted') : 'rejected');
  if (result.answer) {
    // A foutbericht carries its own status (the standard names its code in the answer's detail);
    // a retourbericht is the normal answer, whatever its codes say.
    const code = result.answer.detail?.foutcode as Foutcode | undefined;
    res.status(code && FOUTCODES[code] ? FOUTCODES[code].httpStatus : 200).type(result.answer.contentType).send(result.answer.content);
    return;
  }
  if (result.outcome === 'accepted') {
    res.status(202).end();
    return;
  }
  const code = REJECT_FOUT[result.code] ?? 'IB001';
  sendFout(res, { code, referentie: result.messageId, details: result.problems.map((p) => ({ plek: p.location, melding: p.message })) });
}

function errorText(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).slice(0, 200);
}
