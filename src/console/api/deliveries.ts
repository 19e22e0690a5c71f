import express from 'express';
import { HttpProblem } from '../../channels/rest/problem.js';
import { outbox } from '../../delivery/outbox.js';
import type { DeliveryQueue } from '../../delivery/queue.js';
import type { ExchangeLog } from '../../log/exchange-log.js';
import type { Db, Queryable } from '../../store/db.js';
import { signedIn, type consoleGuard } from '../auth/guard.js';
import { logAdminAction } from './audit.js';
import { pageOf, UUID_RE } from './params.js';

export interface DeliveriesDeps {
  db: Db;
  log: ExchangeLog;
  queue: Pick<DeliveryQueue, 'enqueue'>;
  guard: ReturnType<typeof consoleGuard>;
}

const MAX_DRAIN = 1000;

/**
 * Puts one dead-lettered delivery, or a failed one waiting for its retry, back in line at once:
 * attempts start again from zero (else the retry limit would dead-letter it straight away). The
 * message's own trail gets a `redelivery_requested` event, in the same transaction.
 */
async function requeue(tx: Queryable, log: ExchangeLog, id: string): Promise<boolean> {
  const r = await tx.query<{ message_id: string; destination_id: string; previous: string }>(
    `UPDATE deliveries d SET status = 'pending', attempts = 0, next_attempt_at = now(), lease_until = NULL, updated_at = now()
       FROM (SELECT id, status AS previous FROM deliveries WHERE id = $1 FOR UPDATE) old
      WHERE d.id = old.id AND (old.previous = 'dead_letter' OR (old.previous = 'pending' AND d.attempts > 0))
      RETURNING d.message_id, d.destination_id, old.previous`,
    [id],
  );
  const row = r.rows[0];
  if (!row) return false;
  await outbox.refreshMessageStatus(tx, row.message_id);
  const m = await tx.query<{ correlation_id: string; channel: string; standard: string; message_type: string; sender: string; receiver: string | null }>(
    'SELECT correlation_id, channel, standard, message_type, sender, receiver FROM messages WHERE id = $1',
    [row.message_id],
  );
  const meta = m.rows[0]!;
  await log.append(tx, {
    messageId: row.message_id,
    correlationId: meta.correlation_id,
    channel: meta.channel,
    standard: meta.standard,
    messageType: meta.message_type,
    sender: meta.sender,
    receiver: meta.receiver,
    eventType: 'redelivery_requested',
    detail: { deliveryId: id, destination: row.destination_id, previousStatus: row.previous, by: 'console' },
  });
  return true;
}

/** Redelivery and the dead-letter list (beheerder). */
export function deliveriesRouter(deps: DeliveriesDeps): express.Router {
  const { db, log, queue, guard } = deps;
  const router = express.Router();

  router.post('/deliveries/:id/redeliver', guard.requirePermission('redeliver'), async (req, res) => {
    const id = String(req.params.id);
    if (!UUID_RE.test(id)) throw new HttpProblem(404, 'not-found', 'No delivery with this id');
    const { user } = signedIn(res);
    const delivery = await outbox.get(db, id.toLowerCase());
    if (!delivery) throw new HttpProblem(404, 'not-found', 'No delivery with this id');
    const done = await db.transaction((tx) => requeue(tx, log, delivery.id));
    if (!done) throw new HttpProblem(409, 'not-redeliverable', `The delivery is ${delivery.status}; only a dead-lettered or failed delivery can be redelivered`);
    await logAdminAction(log, 'redelivered', user, `delivery/${delivery.id}`);
    // After the commit; if the queue is down, the reconciler finds the pending row anyway.
    await queue.enqueue([{ id: delivery.id, attempts: 0 }]);
    res.status(202).json({ id: delivery.id, status: 'pending' });
  });

  router.get('/dead-letters', guard.requirePermission('deadLetters'), async (req, res) => {
    const { page, pageSize } = pageOf(req.query);
    const total = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM deliveries WHERE status = 'dead_letter'`);
    const items = await db.query<{
      id: string; messageId: string; messageType: string; standard: string; sender: string; receiver: string | null;
      destination: string; route: string; lastError: string | null; attempts: number; since: Date;
    }>(
      `SELECT d.id, d.message_id AS "messageId", m.message_type AS "messageType", m.standard, m.sender, m.receiver,
              d.destination_id AS destination, d.route_id AS route, d.last_error AS "lastError", d.attempts, d.updated_at AS since
         FROM deliveries d JOIN messages m ON m.id = d.message_id
        WHERE d.status = 'dead_letter' ORDER BY d.updated_at, d.seq LIMIT $1 OFFSET $2`,
      [pageSize, (page - 1) * pageSize],
    );
    res.json({ items: items.rows.map((r) => ({ ...r, since: new Date(r.since).toISOString() })), total: total.rows[0]?.n ?? 0, page, pageSize });
  });

  router.post('/dead-letters/drain', guard.requirePermission('deadLetters'), async (req, res) => {
    const { user } = signedIn(res);
    const body = (req.body ?? {}) as { ids?: unknown; all?: unknown };
    let ids: string[];
    if (body.all === true) {
      const r = await db.query<{ id: string }>(`SELECT id FROM deliveries WHERE status = 'dead_letter' ORDER BY seq LIMIT $1`, [MAX_DRAIN]);
      ids = r.rows.map((x) => x.id);
    } else if (Array.isArray(body.ids) && body.ids.length <= MAX_DRAIN && body.ids.every((x): x is string => typeof x === 'string' && UUID_RE.test(x))) {
      ids = [...new Set(body.ids.map((x) => x.toLowerCase()))];
    } else {
      throw new HttpProblem(400, 'bad-request', `Send { "ids": [delivery ids] } (at most ${MAX_DRAIN}) or { "all": true }`);
    }
    const requeued: string[] = [];
    const skipped: string[] = [];
    for (const id of ids) {
      // Only dead letters: drain is not a way to hurry deliveries that are still retrying.
      const d = await outbox.get(db, id);
      if (d?.status === 'dead_letter' && (await db.transaction((tx) => requeue(tx, log, id)))) requeued.push(id);
      else skipped.push(id);
    }
    await logAdminAction(log, 'dead_letters_drained', user, body.all === true ? 'dead-letters/all' : 'dead-letters', { requeued: requeued.length, skipped: skipped.length });
    await queue.enqueue(requeued.map((id) => ({ id, attempts: 0 })));
    res.status(202).json({ requeued, skipped });
  });

  return router;
}
