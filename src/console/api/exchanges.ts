import express from 'express';
import { HttpProblem } from '../../channels/rest/problem.js';
import { PayloadUnreadableError, type ExchangeLog } from '../../log/exchange-log.js';
import { subjectHashCandidates } from '../../log/crypto.js';
import { isValidBsn } from '../../standards/common/bsn.js';
import { cappedTotal, LIST_COUNT_CAP, type MessageSummary } from '../../core/message-view.js';
import type { KeyRing } from '../../log/keys.js';
import type { Db } from '../../store/db.js';
import { signedIn, type consoleGuard } from '../auth/guard.js';
import { may } from '../auth/roles.js';
import { logAdminAction } from './audit.js';
import type { InboundMessage } from '../../core/message.js';
import type { AcceptResult } from '../../core/pipeline.js';
import { reprocessRejected } from '../reprocess.js';
import { int, optionalDate, optionalText, pageOf, UUID_RE } from './params.js';

export interface ExchangesDeps {
  db: Db;
  log: ExchangeLog;
  ring: KeyRing;
  guard: ReturnType<typeof consoleGuard>;
  /** For reprocessing a rejected message (absent: the endpoint answers 501). */
  pipeline?: { accept(msg: InboundMessage): Promise<AcceptResult> };
  /** Party ids whose id or name matches a text (src/console/api/parties.ts). */
  partiesMatching: (text: string) => string[];
}

/** A search result: the message summary of the party API without the error, with how many of its deliveries arrived. */
type SummaryRow = Omit<MessageSummary, 'error'> & { deliveriesTotal?: number; deliveriesDelivered?: number };

const SUMMARY = `id, sender_message_id AS "senderMessageId", correlation_id AS "correlationId", channel, standard, message_type AS "messageType", sender, receiver,
  status, received_at AS "receivedAt", updated_at AS "updatedAt"`;

/** The short id the console's table shows: the first 8 (or more) hex digits of the message id. */
const SHORT_ID_RE = /^[0-9a-f]{8}(?:-?[0-9a-f]{0,4}){0,4}$/i;

/** The lowest and highest UUID that start with these hex digits: a range on the primary key, no extra index. */
function uuidRange(prefix: string): [string, string] {
  const hex = prefix.replace(/-/g, '').toLowerCase().slice(0, 32);
  const fmt = (h: string) => `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
  return [fmt(hex.padEnd(32, '0')), fmt(hex.padEnd(32, 'f'))];
}

/** Search, detail and payloads of exchanges (docs/console/api.md). */
export function exchangesRouter(deps: ExchangesDeps): express.Router {
  const { db, log, ring, guard } = deps;
  const router = express.Router();

  // A BSN is never in a URL (proxies and browsers keep URLs): a search that names a citizen is a POST.
  router.get('/exchanges', guard.requirePermission('search'), async (req, res) => {
    const reference = typeof req.query.q === 'string' ? req.query.q.replace(/[\s.-]/g, '') : '';
    if (req.query.bsn !== undefined || isValidBsn(reference)) {
      throw new HttpProblem(400, 'bsn-in-url', 'Send a BSN in the body of POST /console/api/exchanges/search, never in a URL');
    }
    await search(req.query as Record<string, unknown>, res);
  });
  router.post('/exchanges/search', guard.requirePermission('search'), async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (typeof body !== 'object' || Array.isArray(body)) throw new HttpProblem(400, 'bad-request', 'Send the filters as a JSON object');
    // The same filters as the query string of GET /exchanges, numbers allowed for page and pageSize.
    await search(Object.fromEntries(Object.entries(body).map(([k, v]) => [k, typeof v === 'number' ? String(v) : v])), res);
  });

  async function search(q: Record<string, unknown>, res: express.Response): Promise<void> {
    // Pages reach as far as the count goes (LIST_COUNT_CAP).
    const { page, pageSize } = pageOf(q, 'exchanges', 'from, to, party');
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => where.push(sql.replaceAll('?', `$${params.push(value)}`));
    const messageId = optionalText(q.messageId, 'messageId');
    if (messageId !== undefined) {
      if (!UUID_RE.test(messageId)) throw new HttpProblem(400, 'bad-request', 'messageId must be a UUID');
      add('id = ?', messageId.toLowerCase());
    }
    const correlationId = optionalText(q.correlationId, 'correlationId');
    if (correlationId !== undefined) add('correlation_id = ?', correlationId);
    const party = optionalText(q.party, 'party');
    if (party !== undefined) {
      // A party's id, code or (part of its) name: people know their partners by name.
      const ids = deps.partiesMatching(party);
      add('(sender = ANY(?::text[]) OR receiver = ANY(?::text[]))', ids.length > 0 ? ids : [party]);
    }
    const reference = optionalText(q.q, 'q')?.trim();
    if (reference) {
      // One box for every reference people quote: our id (whole or the short id the table shows), the
      // sender's message id, the iStandaarden Identificatie, the StUF referentienummer, a zaakidentificatie,
      // the correlation id, or a party's name.
      const alternatives: string[] = [];
      const or = (sql: string, value: unknown) => alternatives.push(sql.replaceAll('?', `$${params.push(value)}`));
      if (UUID_RE.test(reference)) or('id = ?', reference.toLowerCase());
      else if (SHORT_ID_RE.test(reference)) {
        const [low, high] = uuidRange(reference);
        alternatives.push(`(id BETWEEN $${params.push(low)} AND $${params.push(high)})`);
      }
      or('id IN (SELECT message_id FROM message_references WHERE lower(value) = lower(?))', reference);
      or('id IN (SELECT message_id FROM zaak_koppelingen WHERE zaak_identificatie = ?)', reference);
      or('correlation_id = ?', reference);
      const ids = reference.length >= 3 ? deps.partiesMatching(reference) : [];
      if (ids.length > 0) or('(sender = ANY(?::text[]) OR receiver = ANY(?::text[]))', ids);
      where.push(`(${alternatives.join(' OR ')})`);
    }
    for (const [name, column] of [['standard', 'standard'], ['messageType', 'message_type'], ['status', 'status']] as const) {
      const v = optionalText(q[name], name);
      if (v !== undefined) add(`${column} = ?`, v);
    }
    const from = optionalDate(q.from, 'from');
    if (from) add('received_at >= ?', from);
    const to = optionalDate(q.to, 'to');
    if (to) add('received_at < ?', to);
    const bsn = optionalText(q.bsn, 'bsn');
    if (bsn !== undefined) {
      // Only through the keyed hash: the BSN itself is never stored, nor compared in SQL.
      if (!may(signedIn(res).user.role, 'searchByBsn')) throw new HttpProblem(403, 'forbidden', 'Searching by BSN is for the privacy officer and beheerder');
      let hashes: string[];
      try {
        hashes = subjectHashCandidates(ring, bsn);
      } catch {
        throw new HttpProblem(400, 'bad-request', 'bsn must be 8 or 9 digits');
      }
      add('id IN (SELECT message_id FROM message_subjects WHERE subject_hash = ANY(?::text[]))', hashes);
      // Every query that names a citizen is in the audit trail, by keyed hash, before it is answered.
      await logAdminAction(log, 'subject_searched', signedIn(res).user, `subject/${hashes[0]}`, { via: 'bsn' });
    }
    if (reference && isValidBsn(reference.replace(/[\s.-]/g, ''))) {
      // A BSN typed into the reference box names a citizen too.
      await logAdminAction(log, 'subject_searched', signedIn(res).user, `subject/${subjectHashCandidates(ring, reference)[0]}`, { via: 'reference' });
    }
    const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    // Counted up to a cap: an unfiltered count read the whole table on every page.
    const total = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM (SELECT 1 FROM messages ${clause} LIMIT $${params.length + 1}) c`, [...params, LIST_COUNT_CAP + 1]);
    const items = await db.query<SummaryRow>(
      `SELECT ${SUMMARY},
              (SELECT count(*)::int FROM deliveries d WHERE d.message_id = messages.id) AS "deliveriesTotal",
              (SELECT count(*)::int FROM deliveries d WHERE d.message_id = messages.id AND d.status = 'delivered') AS "deliveriesDelivered"
         FROM messages ${clause} ORDER BY received_at DESC, id LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, pageSize, (page - 1) * pageSize],
    );
    res.json({ items: items.rows.map(summaryJson), ...cappedTotal(total.rows[0]?.n ?? 0), page, pageSize });
  }

  router.get('/exchanges/:id', guard.requirePermission('detail'), async (req, res) => {
    const id = messageIdParam(req.params.id);
    const m = await db.query<SummaryRow & { version: string | null; routeId: string | null; error: unknown }>(
      `SELECT ${SUMMARY}, version, route_id AS "routeId", error FROM messages WHERE id = $1`,
      [id],
    );
    const message = m.rows[0];
    if (!message) throw new HttpProblem(404, 'not-found', 'No exchange with this id');
    const events = await log.eventsForMessage(id);
    const start = events[0]?.occurredAt.getTime() ?? new Date(message.receivedAt).getTime();
    let previous = start;
    const timeline = events.map((e) => {
      const at = e.occurredAt.getTime();
      const row = { seq: e.seq, type: e.eventType, at: e.occurredAt.toISOString(), sinceStartMs: at - start, sincePreviousMs: at - previous, detail: e.detail };
      previous = at;
      return row;
    });
    const rejected = events.find((e) => e.eventType === 'rejected');
    // `accepted` holds the validation since migration 150; older messages have a `validated` event.
    const validated = events.some((e) => e.eventType === 'accepted' || e.eventType === 'validated');
    const validation = rejected
      ? { outcome: 'rejected', code: rejected.detail.code ?? null, problems: Array.isArray(rejected.detail.problems) ? rejected.detail.problems : [] }
      : { outcome: validated ? 'valid' : 'not-validated', problems: [] };
    // receiverOutcome: what the receiver answered about the delivery afterwards (a StUF Bv or Fo), with its reason (codes).
    const deliveries = await db.query<{ id: string; destination: string; route: string; status: string; attempts: number; lastError: string | null; receiverOutcome: string | null; receiverReason: unknown }>(
      `SELECT id, destination_id AS destination, route_id AS route, status, attempts, last_error AS "lastError",
              receiver_outcome AS "receiverOutcome", receiver_reason AS "receiverReason"
         FROM deliveries WHERE message_id = $1 ORDER BY seq`,
      [id],
    );
    const attempts = await db.query<{ deliveryId: string; attempt: number; at: Date; durationMs: number; outcome: string; statusCode: number | null; error: string | null }>(
      `SELECT a.delivery_id AS "deliveryId", a.attempt, a.started_at AS at, a.duration_ms AS "durationMs", a.outcome,
              a.status_code AS "statusCode", a.error
         FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.message_id = $1 ORDER BY a.id`,
      [id],
    );
    const payloads = await log.payloadsForMessage(id);
    const zaken = await db.query<{ zaak: string; rol: string }>(
      'SELECT zaak_identificatie AS zaak, rol FROM zaak_koppelingen WHERE message_id = $1 ORDER BY zaak_identificatie',
      [id],
    );
    const references = await db.query<{ kind: string; value: string }>(
      'SELECT kind, value FROM message_references WHERE message_id = $1 ORDER BY kind, value',
      [id],
    );
    res.json({
      message: { ...summaryJson(message), version: message.version, routeId: message.routeId, error: message.error ?? null },
      references: references.rows,
      events: timeline,
      validation,
      deliveries: deliveries.rows.map((d) => ({
        ...d,
        attempts: attempts.rows
          .filter((a) => a.deliveryId === d.id)
          .map((a) => ({ attempt: a.attempt, at: new Date(a.at).toISOString(), durationMs: a.durationMs, outcome: a.outcome, statusCode: a.statusCode, error: a.error })),
        attemptCount: d.attempts,
      })),
      payloads: payloads.map((p) => ({ id: p.id, kind: p.kind, destinationId: p.destinationId, contentType: p.contentType, size: p.size, purged: p.purgedAt !== null })),
      zaken: zaken.rows,
    });
  });

  // Put a rejected inbound message through the current configuration again, under its own id and trail.
  router.post('/exchanges/:id/reprocess', guard.requirePermission('redeliver'), async (req, res) => {
    const id = messageIdParam(req.params.id);
    const { user } = signedIn(res);
    if (!deps.pipeline) throw new HttpProblem(501, 'not-available', 'Reprocessing is not available in this process');
    const r = await reprocessRejected({ db, log, pipeline: deps.pipeline }, id, user.id);
    if (r.outcome === 'not-found') throw new HttpProblem(404, 'not-found', 'No exchange with this id');
    if (r.outcome === 'not-rejected') throw new HttpProblem(409, 'not-reprocessable', `The message is ${r.status}; only a rejected message can be reprocessed`);
    if (r.outcome === 'not-reprocessable') throw new HttpProblem(409, 'not-reprocessable', r.reason);
    const result = r.result;
    // An earlier accepted message under the same sender id: that one stands, this one stays rejected.
    const other = result.outcome === 'accepted' && result.messageId !== id ? result.messageId : undefined;
    await logAdminAction(log, 'reprocessed', user, `exchange/${id}`, {
      outcome: other ? 'duplicate' : result.outcome, ...(result.outcome === 'rejected' ? { code: result.code } : {}), ...(other ? { acceptedAs: other } : {}),
    });
    if (other) throw new HttpProblem(409, 'already-accepted', `The same message was accepted since, as message ${other}`, undefined, { acceptedAs: other });
    res.json(result.outcome === 'accepted'
      ? { id, outcome: 'accepted', status: result.status, deliveries: result.deliveries }
      : { id, outcome: 'rejected', code: result.code, problems: result.problems });
  });

  router.get('/exchanges/:id/payloads/:payloadId', guard.requirePermission('viewPayload'), async (req, res) => {
    const id = messageIdParam(req.params.id);
    const payloadId = int(req.params.payloadId, 'payloadId', 1, Number.MAX_SAFE_INTEGER);
    const { user } = signedIn(res);
    const info = (await log.payloadsForMessage(id)).find((p) => p.id === payloadId);
    if (!info) throw new HttpProblem(404, 'not-found', 'No such payload for this exchange');
    if (info.purgedAt !== null) throw new HttpProblem(410, 'purged', `This payload was removed under the retention policy on ${info.purgedAt.toISOString()}`);
    // Logged before it is shown: a view that cannot be recorded does not happen.
    await logAdminAction(log, 'payload_viewed', user, `exchange/${id}/payload/${payloadId}`, { kind: info.kind });
    const payload = await log.readPayload(payloadId).catch((err: unknown) => {
      if (err instanceof PayloadUnreadableError) {
        throw new HttpProblem(503, 'payload-unreadable', `This payload cannot be decrypted (${err.reason}, key id ${err.keyId}); start the gateway with that key`);
      }
      throw err;
    });
    if (!payload?.content) throw new HttpProblem(410, 'purged', 'This payload was removed under the retention policy');
    res.json({ kind: payload.kind, contentType: payload.contentType, content: payload.content.toString('utf8') });
  });

  return router;
}

function messageIdParam(value: unknown): string {
  if (typeof value !== 'string' || !UUID_RE.test(value)) throw new HttpProblem(404, 'not-found', 'No exchange with this id');
  return value.toLowerCase();
}

function summaryJson(r: SummaryRow) {
  return {
    id: r.id,
    senderMessageId: r.senderMessageId,
    correlationId: r.correlationId,
    channel: r.channel,
    standard: r.standard,
    messageType: r.messageType,
    sender: r.sender,
    receiver: r.receiver,
    status: r.status,
    receivedAt: new Date(r.receivedAt).toISOString(),
    updatedAt: new Date(r.updatedAt).toISOString(),
    ...(r.deliveriesTotal === undefined ? {} : { deliveries: { total: r.deliveriesTotal, delivered: r.deliveriesDelivered ?? 0 } }),
  };
}
