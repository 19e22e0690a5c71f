import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import type { Mailbox } from '../../core/mailbox.js';
import { lastPage, type MessageView } from '../../core/message-view.js';
import type { AcceptResult, Pipeline, RejectCode } from '../../core/pipeline.js';
import type { Party } from '../../parties/registry.js';
import type { ValidateFunction } from 'ajv';
import { readJsonBody } from './json-body.js';
import { HttpProblem } from './problem.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const REJECT_STATUS: Record<RejectCode, number> = {
  'forbidden-sender': 403,
  'not-allowed': 403,
  'unknown-receiver': 422,
  'unknown-standard': 422,
  'unknown-message-type': 422,
  'validation-failed': 422,
  'no-route': 422,
  'mapping-failed': 422,
  'reused-id': 409,
};

interface Envelope {
  messageType: string;
  messageId: string;
  receiver: string;
  sender?: string;
  correlationId?: string;
  payload: Record<string, unknown>;
}

function party(res: Response): Party {
  return (res.locals as { party: Party }).party;
}

/**
 * Pages reach the first LIST_COUNT_CAP matches, as far as `total` counts: a page deeper in a
 * party's history would read all of it up to there. Beyond, a client narrows the list (from/to).
 */
function pageParams(req: Request): { limit: number; offset: number; page: number; pageSize: number } {
  const pageSize = clampInt(req.query.pageSize, 20, 1, 100, 'pageSize');
  const page = clampInt(req.query.page, 1, 1, lastPage(pageSize), 'page');
  return { limit: pageSize, offset: (page - 1) * pageSize, page, pageSize };
}

function clampInt(v: unknown, fallback: number, min: number, max: number, name: string): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isInteger(n) || n < min || n > max)
    throw new HttpProblem(400, 'invalid-query', undefined, [{ name, reason: `must be a whole number from ${min} to ${max}` }]);
  return n;
}

function optionalDate(v: unknown, name: string): Date | undefined {
  if (v === undefined) return undefined;
  const d = typeof v === 'string' ? new Date(v) : new Date(NaN);
  if (Number.isNaN(d.getTime())) throw new HttpProblem(400, 'invalid-query', undefined, [{ name, reason: 'must be an ISO 8601 date or date-time' }]);
  return d;
}

function optionalString(v: unknown, name: string): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.length > 100) throw new HttpProblem(400, 'invalid-query', undefined, [{ name, reason: 'must be one short string' }]);
  return v;
}

/** The back-office API, /api/v1: submit, read status and history, mailbox and acknowledgement. */
export function apiV1(deps: {
  /** Runs before every route: the OpenAPI document is served outside this router and stays public. */
  authenticate: RequestHandler;
  pipeline: Pipeline;
  view: MessageView;
  mailbox: Mailbox;
  validateEnvelope: ValidateFunction;
  maxBodyBytes: number;
  /** Which standard a back office's message type belongs to (json, or ijw/iwmo for ijw-toewijzing ...). */
  standardFor?: (messageType: string) => string;
  /** More resources under /api/v1 behind the same authentication (e.g. /bevragingen). */
  more?: Router[];
}): Router {
  const r = express.Router();
  r.use(deps.authenticate);
  for (const m of deps.more ?? []) r.use(m);
  const rawJson = express.raw({ type: () => true, limit: deps.maxBodyBytes });

  r.post('/messages', rawJson, async (req, res) => {
    const caller = party(res);
    const { raw, body } = await readJsonBody(req, deps.pipeline, caller.id, 'message');
    if (!deps.validateEnvelope(body)) {
      await deps.pipeline.logRefusedRequest('rest', 'invalid-envelope', { size: raw.length }, caller.id);
      throw new HttpProblem(
        400,
        'invalid-envelope',
        'The message envelope is incomplete or has unknown fields',
        (deps.validateEnvelope.errors ?? []).map((e) => ({ name: e.instancePath || '/', reason: e.message ?? 'is invalid' })),
      );
    }
    const envelope = body as Envelope;
    if (envelope.sender !== undefined && envelope.sender !== caller.id) {
      await deps.pipeline.logRefusedRequest('rest', 'sending-as-another-party', { claimedSender: envelope.sender.slice(0, 64) }, caller.id);
      throw new HttpProblem(403, 'forbidden-sender', 'A party can only send as itself');
    }
    const result = await deps.pipeline.accept({
      channel: 'rest',
      standard: deps.standardFor?.(envelope.messageType) ?? 'json',
      messageType: envelope.messageType,
      sender: caller.id,
      receiver: envelope.receiver,
      senderMessageId: envelope.messageId,
      correlationId: envelope.correlationId,
      contentType: 'application/json',
      raw,
      body: { ...envelope, sender: caller.id },
    });
    sendAcceptResult(req, res, result);
  });

  r.get('/messages', async (req, res) => {
    const p = pageParams(req);
    const direction = optionalString(req.query.direction, 'direction');
    if (direction !== undefined && direction !== 'sent' && direction !== 'received')
      throw new HttpProblem(400, 'invalid-query', undefined, [{ name: 'direction', reason: "must be 'sent' or 'received'" }]);
    const { items, total, totalCapped } = await deps.view.listForParty(party(res).id, {
      status: optionalString(req.query.status, 'status'),
      messageType: optionalString(req.query.messageType, 'messageType'),
      direction,
      from: optionalDate(req.query.from, 'from'),
      to: optionalDate(req.query.to, 'to'),
      limit: p.limit,
      offset: p.offset,
    });
    res.json({ items, page: p.page, pageSize: p.pageSize, total, totalCapped });
  });

  r.get('/messages/:id', async (req, res) => {
    const id = String(req.params.id);
    // Unknown and not-yours look the same, so ids cannot be probed.
    const detail = UUID.test(id) ? await deps.view.forParty(id.toLowerCase(), party(res).id) : undefined;
    if (!detail) {
      // Logged: a party guessing ids shows up in the log (bounded by its rate limit).
      await deps.pipeline.logRefusedRequest('rest', 'message-not-found', { resource: 'message' }, party(res).id);
      throw new HttpProblem(404, 'message-not-found', 'No such message for this party');
    }
    res.json(detail);
  });

  r.get('/mailbox', async (req, res) => {
    const p = pageParams(req);
    const includeAcknowledged = req.query.includeAcknowledged === 'true';
    const { items, total, totalCapped } = await deps.mailbox.list(party(res).id, { includeAcknowledged, limit: p.limit, offset: p.offset });
    res.json({
      items: items.map((i) => ({
        id: i.id,
        messageId: i.messageId,
        messageType: i.messageType,
        sender: i.sender,
        availableAt: i.availableAt,
        acknowledgedAt: i.acknowledgedAt,
        contentType: i.contentType,
        // An item that cannot be decrypted is reported as such; the rest of the page is served.
        ...(i.unreadable ? { payload: null, unreadable: { reason: 'cannot-decrypt', keyId: i.unreadable.keyId } } : mailboxPayload(i.contentType, i.content)),
      })),
      page: p.page,
      pageSize: p.pageSize,
      total,
      totalCapped,
    });
  });

  r.put('/mailbox/:id/acknowledgement', async (req, res) => {
    const id = String(req.params.id);
    const result = UUID.test(id) ? await deps.mailbox.acknowledge(party(res).id, id.toLowerCase()) : { found: false, alreadyAcknowledged: false };
    if (!result.found) {
      await deps.pipeline.logRefusedRequest('rest', 'mailbox-item-not-found', { resource: 'mailbox' }, party(res).id);
      throw new HttpProblem(404, 'mailbox-item-not-found', 'No such mailbox item for this party');
    }
    res.status(200).json({ id, acknowledged: true, alreadyAcknowledged: result.alreadyAcknowledged });
  });

  return r;
}

function decodeContent(contentType: string, content: Buffer | null): unknown {
  if (content === null) return null;
  if (/json/i.test(contentType)) {
    try {
      return JSON.parse(content.toString('utf8')) as unknown;
    } catch {
      // Stored bytes labelled JSON that are not: given as text rather than failing the whole page.
      return content.toString('utf8');
    }
  }
  return content.toString('utf8');
}

/** JSON and text as they are; other bytes (a sealed envelope's ciphertext) as base64, so nothing is lost. */
function mailboxPayload(contentType: string, content: Buffer | null): { payload: unknown; payloadEncoding?: 'base64' } {
  if (content === null || /json|xml|^text\//i.test(contentType)) return { payload: decodeContent(contentType, content) };
  return { payload: content.toString('base64'), payloadEncoding: 'base64' };
}

export function sendAcceptResult(req: Request, res: Response, result: AcceptResult): void {
  if (result.outcome === 'accepted') {
    res
      .status(result.duplicate ? 200 : 202)
      .location(`${req.baseUrl}/messages/${result.messageId}`)
      .json({ id: result.messageId, correlationId: result.correlationId, status: result.status, deliveries: result.deliveries, duplicate: result.duplicate });
    return;
  }
  throw new HttpProblem(
    REJECT_STATUS[result.code],
    result.code,
    'The message was not accepted; it has been logged with this id',
    result.problems.map((p) => ({ name: p.location, reason: p.message, ...(p.code ? { code: p.code } : {}) })),
    { messageId: result.messageId, ...(result.firstMessageId ? { firstMessageId: result.firstMessageId } : {}) },
  );
}
