import express from 'express';
import { HttpProblem } from '../../channels/rest/problem.js';
import { outbox } from '../../delivery/outbox.js';
import type { DeliveryQueue } from '../../delivery/queue.js';
import type { ExchangeLog } from '../../log/exchange-log.js';
import type { Db, Queryable } from '../../store/db.js';
import { signedIn, type consoleGuard } from '../auth/guard.js';
import { logAdminAction } from './audit.js';
import { pageOf, UUID_RE } from './params.js';
import type { ConsoleJobs } from '../jobs.js';
import { deliveryWhere, parseDeliveryFilter } from './dead-letter-filter.js';

export interface DeliveriesDeps {
  db: Db;
  log: ExchangeLog;
  queue: Pick<DeliveryQueue, 'enqueue'>;
  guard: ReturnType<typeof consoleGuard>;
  jobs: ConsoleJobs;
  partiesMatching: (text: string) => string[];
}

export type BulkAction = 'redeliver' | 'hold' | 'release';
const BULK_ACTIONS: readonly BulkAction[] = ['redeliver', 'hold', 'release'];
const BATCH = 200;

const MAX_DRAIN = 1000;

/**
 * Puts one dead-lettered delivery, or a failed one waiting for its retry, back in line at once:
 * attempts start again from zero (else the retry limit would dead-letter it straight away). The
 * message's own trail gets a `redelivery_requested` event, in the same transaction.
 */
async function requeue(tx: Queryable, log: ExchangeLog, id: string): Promise<boolean> {
  const r = await tx.query<{ message_id: string; destination_id: string; previous: string }>(
    `UPDATE deliveries d SET status = 'pending', attempts = 0, next_attempt_at = now(), lease_until = NULL, updated_at = now()
       FROM (SELECT id, status AS previous FROM deliveries WHERE id = $1 FOR NO KEY UPDATE) old
      WHERE d.id = old.id AND (old.previous = 'dead_letter' OR (old.previous = 'pending' AND d.attempts > 0))
      RETURNING d.message_id, d.destination_id, old.previous`,
    [id],
  );
  const row = r.rows[0];
  if (!row) return false;
  await outbox.refreshMessageStatus(tx, row.message_id);
  await trail(tx, log, row.message_id, 'redelivery_requested', { deliveryId: id, destination: row.destination_id, previousStatus: row.previous, by: 'console' });
  return true;
}

/**
 * Hold: a dead letter, or a delivery still waiting (first try or retry), is set aside and not
 * tried again until released; for a destination in maintenance, or letters that must not go out.
 */
async function hold(tx: Queryable, log: ExchangeLog, id: string): Promise<boolean> {
  const r = await tx.query<{ message_id: string; destination_id: string; previous: string }>(
    `UPDATE deliveries d SET status = 'held', lease_until = NULL, updated_at = now()
       FROM (SELECT id, status AS previous FROM deliveries WHERE id = $1 FOR NO KEY UPDATE) old
      WHERE d.id = old.id AND old.previous IN ('dead_letter', 'pending')
      RETURNING d.message_id, d.destination_id, old.previous`,
    [id],
  );
  const row = r.rows[0];
  if (!row) return false;
  await outbox.refreshMessageStatus(tx, row.message_id);
  await trail(tx, log, row.message_id, 'delivery_held', { deliveryId: id, destination: row.destination_id, previousStatus: row.previous, by: 'console' });
  return true;
}

/** Release: a held delivery goes back in line at once, its attempts counted from zero. */
async function release(tx: Queryable, log: ExchangeLog, id: string): Promise<boolean> {
  const r = await tx.query<{ message_id: string; destination_id: string }>(
    `UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = now(), lease_until = NULL, updated_at = now()
      WHERE id = $1 AND status = 'held' RETURNING message_id, destination_id`,
    [id],
  );
  const row = r.rows[0];
  if (!row) return false;
  await outbox.refreshMessageStatus(tx, row.message_id);
  await trail(tx, log, row.message_id, 'redelivery_requested', { deliveryId: id, destination: row.destination_id, previousStatus: 'held', by: 'console' });
  return true;
}

const ACTIONS: Record<BulkAction, (tx: Queryable, log: ExchangeLog, id: string) => Promise<boolean>> = { redeliver: requeue, hold, release };

/** An event on the message's own trail, with the message's metadata. */
async function trail(tx: Queryable, log: ExchangeLog, messageId: string, eventType: 'redelivery_requested' | 'delivery_held', detail: Record<string, unknown>): Promise<void> {
  const m = await tx.query<{ correlation_id: string; channel: string; standard: string; message_type: string; sender: string; receiver: string | null }>(
    'SELECT correlation_id, channel, standard, message_type, sender, receiver FROM messages WHERE id = $1',
    [messageId],
  );
  const meta = m.rows[0]!;
  await log.append(tx, {
    messageId,
    correlationId: meta.correlation_id,
    channel: meta.channel,
    standard: meta.standard,
    messageType: meta.message_type,
    sender: meta.sender,
    receiver: meta.receiver,
    eventType,
    detail,
  });
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
    const { page, pageSize } = pageOf(req.query, 'deliveries', 'destination, since, until, error');
    const filter = parseDeliveryFilter(req.query);
    const w = deliveryWhere(filter, deps.partiesMatching);
    const total = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM deliveries d JOIN messages m ON m.id = d.message_id WHERE ${w.sql}`, w.params);
    const items = await db.query<{
      id: string; messageId: string; messageType: string; standard: string; sender: string; receiver: string | null;
      destination: string; route: string; lastError: string | null; attempts: number; since: Date; status: string;
    }>(
      `SELECT d.id, d.message_id AS "messageId", m.message_type AS "messageType", m.standard, m.sender, m.receiver,
              d.destination_id AS destination, d.route_id AS route, d.last_error AS "lastError", d.attempts, d.updated_at AS since, d.status
         FROM deliveries d JOIN messages m ON m.id = d.message_id
        WHERE ${w.sql} ORDER BY d.updated_at, d.seq LIMIT $${w.params.length + 1} OFFSET $${w.params.length + 2}`,
      [...w.params, pageSize, (page - 1) * pageSize],
    );
    res.json({ items: items.rows.map((r) => ({ ...r, since: new Date(r.since).toISOString() })), total: total.rows[0]?.n ?? 0, page, pageSize, filter });
  });

  // Act on every delivery the filter selects, as a job whose progress the page polls (GET /jobs/:id).
  router.post('/dead-letters/bulk', guard.requirePermission('deadLetters'), async (req, res) => {
    const { user } = signedIn(res);
    const body = (req.body ?? {}) as { action?: unknown; filter?: unknown };
    if (typeof body.action !== 'string' || !BULK_ACTIONS.includes(body.action as BulkAction)) {
      throw new HttpProblem(400, 'bad-request', 'Send { "action": "redeliver" | "hold" | "release", "filter": { ... } }');
    }
    const action = body.action as BulkAction;
    // What each action starts from, unless the filter says otherwise: release works on held deliveries.
    const filter = parseDeliveryFilter(body.filter, action === 'release' ? 'held' : 'dead_letter');
    if (action === 'release' && filter.status !== 'held') throw new HttpProblem(400, 'bad-request', 'release works on held deliveries (status held)');
    if (action !== 'release' && filter.status === 'held') throw new HttpProblem(400, 'bad-request', `${action} does not work on held deliveries; release them`);
    const w = deliveryWhere(filter, deps.partiesMatching);
    const count = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM deliveries d JOIN messages m ON m.id = d.message_id WHERE ${w.sql}`, w.params);
    const total = count.rows[0]?.n ?? 0;
    const job = await deps.jobs.start(action, user, { ...filter }, async (progress) => {
      progress.setTotal(total);
      let lastSeq = 0;
      for (;;) {
        // Keyset over the outbox order: each delivery is looked at once, even as the action changes its status.
        const batch = await db.query<{ id: string; seq: string | number }>(
          `SELECT d.id, d.seq FROM deliveries d JOIN messages m ON m.id = d.message_id
            WHERE ${w.sql} AND d.seq > $${w.params.length + 1} ORDER BY d.seq LIMIT ${BATCH}`,
          [...w.params, lastSeq],
        );
        if (batch.rows.length === 0) break;
        const queued: string[] = [];
        for (const row of batch.rows) {
          lastSeq = Number(row.seq);
          const done = await db.transaction((tx) => ACTIONS[action](tx, log, row.id));
          if (done && action !== 'hold') queued.push(row.id);
          await progress.step(done ? 'succeeded' : 'skipped');
        }
        // After the commits; if the queue is down, the reconciler finds the pending rows anyway.
        if (queued.length > 0) await queue.enqueue(queued.map((id) => ({ id, attempts: 0 })));
      }
      return {};
    }, async (finished) => {
      await logAdminAction(log, 'job_finished', user, `job/${finished.id}`, { kind: action, status: finished.status, succeeded: finished.succeeded, skipped: finished.skipped });
    });
    await logAdminAction(log, `bulk_${action}`, user, 'dead-letters', { job: job.id, filter, total });
    res.status(202).setHeader('Location', `/console/api/jobs/${job.id}`);
    res.json(job);
  });

  router.post('/dead-letters/drain', guard.requirePermission('deadLetters'), async (req, res) => {
    const { user } = signedIn(res);
    const body = (req.body ?? {}) as { ids?: unknown; all?: unknown };
    let ids: string[];
    if (body.all === true) {
      const r = await db.query<{ id: string }>(`SELECT id FROM deliveries WHERE is_parked AND status = 'dead_letter' ORDER BY seq LIMIT $1`, [MAX_DRAIN]);
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
