import { randomUUID } from 'node:crypto';
import type { Queryable, QueryResult } from '../store/db.js';
import { DB_NOW_SQL } from '../store/clock.js';
import type { RowsInsert } from '../core/rows.js';

export type AttemptRecord = { deliveryId: string; attempt: number; startedAt: Date; durationMs: number; outcome: 'delivered' | 'failed'; statusCode?: number; error?: string };
export type OutcomeRecord = { id: string; status: 'delivered' | 'dead_letter' | 'pending'; attempts: number; delayMs: number; error: string | null };

export type DeliveryStatus = 'pending' | 'in_flight' | 'delivered' | 'dead_letter';

export interface DeliveryRow {
  id: string;
  seq: number;
  messageId: string;
  routeId: string;
  destinationId: string;
  payloadId: number;
  status: DeliveryStatus;
  attempts: number;
  maxAttempts: number;
  backoffMs: number;
  orderingKey: string | null;
  nextAttemptAt: Date;
  lastError: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
}

/** What a queue needs to know of a delivery: its id, and how many attempts it had (for job ids). */
export interface QueuedDelivery {
  id: string;
  attempts: number;
}

export interface NewDelivery {
  messageId: string;
  routeId: string;
  destinationId: string;
  payloadId: number;
  maxAttempts: number;
  backoffMs: number;
  orderingKey: string | null;
}

const COLUMNS = `id, seq, message_id AS "messageId", route_id AS "routeId", destination_id AS "destinationId",
  payload_id AS "payloadId", status, attempts, max_attempts AS "maxAttempts", backoff_ms AS "backoffMs",
  ordering_key AS "orderingKey", next_attempt_at AS "nextAttemptAt", last_error AS "lastError",
  created_at AS "createdAt", delivered_at AS "deliveredAt"`;

/** The outbox table: the database is the truth about every delivery, the queue only a fast path. */
export const outbox = {
  async insert(tx: Queryable, d: NewDelivery): Promise<string> {
    const id = randomUUID();
    await tx.query(
      `INSERT INTO deliveries (id, message_id, route_id, destination_id, payload_id, status, attempts, max_attempts,
         backoff_ms, ordering_key, next_attempt_at, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, 'pending', 0, $6, $7, $8, now(), now(), now())`,
      [id, d.messageId, d.routeId, d.destinationId, d.payloadId, d.maxAttempts, d.backoffMs, d.orderingKey],
    );
    return id;
  },

  async get(q: Queryable, id: string): Promise<DeliveryRow | undefined> {
    const r = await q.query<DeliveryRow>(`SELECT ${COLUMNS} FROM deliveries WHERE id = $1`, [id]);
    return r.rows[0];
  },

  async forMessage(q: Queryable, messageId: string): Promise<DeliveryRow[]> {
    const r = await q.query<DeliveryRow>(`SELECT ${COLUMNS} FROM deliveries WHERE message_id = $1 ORDER BY seq`, [messageId]);
    return r.rows;
  },

  /**
   * Takes a delivery for one attempt: only when it is due, not already taken (or its lease ran out,
   * e.g. after a crash), and no earlier delivery with the same ordering key is still open.
   */
  async claim(q: Queryable, id: string, leaseMs: number): Promise<(DeliveryRow & { claimedAt: Date }) | undefined> {
    const r = await q.query<DeliveryRow & { claimedAt: Date }>(
      `UPDATE deliveries d SET status = 'in_flight', lease_until = now() + ($2::int * interval '1 millisecond'), updated_at = now()
        WHERE d.id = $1
          AND d.next_attempt_at <= now()
          AND (d.status = 'pending' OR (d.status = 'in_flight' AND d.lease_until < now()))
          AND (d.ordering_key IS NULL OR NOT EXISTS (
                SELECT 1 FROM deliveries p
                 WHERE p.ordering_key = d.ordering_key AND p.seq < d.seq AND p.is_open))
        RETURNING ${COLUMNS}, ${DB_NOW_SQL} AS "claimedAt"`,
      [id, leaseMs],
    );
    return r.rows[0];
  },

  /** Where each delivery goes (to size its lease before the claim); one statement for any number. */
  async destinationsOf(q: Queryable, ids: readonly string[]): Promise<Map<string, string>> {
    const r = await q.query<{ id: string; destination_id: string }>('SELECT id, destination_id FROM deliveries WHERE id = ANY($1::uuid[])', [ids]);
    return new Map(r.rows.map((row) => [row.id, row.destination_id]));
  },

  /**
   * Takes many deliveries at once, with one statement. A delivery is taken when it is due, not
   * already taken (or its lease ran out), not locked by another claim (SKIP LOCKED: two workers
   * never wait on each other), and every earlier open delivery with its ordering key is taken in
   * this same claim: a run of one receiver's and citizen's deliveries goes in one batch, to be sent
   * one after the other in seq order (at most `maxRun` of them; the rest follow in a later batch).
   * The batch's outcomes are recorded together once its longest run is done and every attempt had
   * its turn for a send slot, so every lease covers that many attempts, times the batches sharing
   * the slots. Rows come back in seq order.
   */
  async claimMany(
    q: Queryable,
    want: ReadonlyArray<{ id: string; leaseMs: number }>,
    /** Attempts on the wire at once and batches sharing them (the rounds a batch may wait for a slot), and the longest run taken. */
    sending: { slots: number; batches: number; maxRun?: number } = { slots: 1, batches: 1 },
  ): Promise<Array<DeliveryRow & { claimedAt: Date }>> {
    if (want.length === 0) return [];
    const r = await q.query<DeliveryRow & { claimedAt: Date }>(
      `WITH w AS (SELECT * FROM unnest($1::uuid[], $2::int[]) AS w(id, lease_ms)),
       locked AS MATERIALIZED (
         SELECT d.id, d.seq, d.ordering_key, w.lease_ms FROM deliveries d JOIN w ON w.id = d.id
          WHERE d.next_attempt_at <= now()
            AND (d.status = 'pending' OR (d.status = 'in_flight' AND d.lease_until < now()))
          ORDER BY d.seq
            FOR NO KEY UPDATE OF d SKIP LOCKED),
       eligible AS (
         SELECT l.id, l.lease_ms, row_number() OVER (PARTITION BY COALESCE(l.ordering_key, l.id::text) ORDER BY l.seq) AS pos FROM locked l
          WHERE l.ordering_key IS NULL OR NOT EXISTS (
                SELECT 1 FROM deliveries p
                 WHERE p.ordering_key = l.ordering_key AND p.seq < l.seq AND p.is_open
                   AND p.id NOT IN (SELECT id FROM locked))),
       taken AS (SELECT * FROM eligible WHERE pos <= $5)
       UPDATE deliveries d SET status = 'in_flight', updated_at = now(),
              lease_until = now() + (t.lease_ms * GREATEST((SELECT max(pos) FROM taken), ceil((SELECT count(*) FROM taken) / $3::numeric)) * $4 * interval '1 millisecond')
         FROM taken t WHERE d.id = t.id
       RETURNING ${COLUMNS.replace(/(^|,\s*)(\w)/g, '$1d.$2')}, ${DB_NOW_SQL} AS "claimedAt"`,
      [want.map((w) => w.id), want.map((w) => Math.max(1, Math.round(w.leaseMs))), Math.max(1, sending.slots), Math.max(1, sending.batches), Math.max(1, sending.maxRun ?? 8)],
    );
    return r.rows.sort((a, b) => Number(a.seq) - Number(b.seq));
  },

  /** The attempt rows, for a statement that writes other tables too. */
  attemptRows(attempts: ReadonlyArray<AttemptRecord>): RowsInsert {
    return {
      table: 'delivery_attempts',
      columns: ['delivery_id', 'attempt', 'started_at', 'duration_ms', 'outcome', 'status_code', 'error'],
      rows: attempts.map((a) => [a.deliveryId, a.attempt, a.startedAt, a.durationMs, a.outcome, a.statusCode ?? null, a.error ?? null]),
    };
  },

  /** Each retry's next attempt time, from the outcomes statement's rows. */
  retryTimes(r: QueryResult<{ id: string; at: Date | string }>): Map<string, Date> {
    return new Map(r.rows.map((row) => [row.id, row.at instanceof Date ? row.at : new Date(String(row.at))]));
  },

  /**
   * The statement that records the outcomes of many attempts (sent after the batch's other rows,
   * with insertRowsTogether): delivered, dead-lettered, or pending again `delayMs` from now on the
   * database's clock (a retry; also a delivery released unattempted, with delay 0 and its attempts
   * unchanged). Its rows give each retry's next attempt time (retryTimes).
   */
  outcomesStatement(outcomes: ReadonlyArray<OutcomeRecord>): { sql: string; params: readonly unknown[] } {
    return {
      sql: `UPDATE deliveries d SET status = u.status, attempts = u.attempts, lease_until = NULL, updated_at = now(),
              last_error = CASE WHEN u.status = 'pending' AND u.error IS NULL THEN d.last_error ELSE u.error END,
              next_attempt_at = CASE WHEN u.status = 'pending' THEN ${DB_NOW_SQL} + (u.delay_ms * interval '1 millisecond') ELSE d.next_attempt_at END,
              delivered_at = CASE WHEN u.status = 'delivered' THEN now() ELSE d.delivered_at END
         FROM unnest($1::uuid[], $2::text[], $3::int[], $4::int[], $5::text[]) AS u(id, status, attempts, delay_ms, error)
        WHERE d.id = u.id
       RETURNING d.id, d.next_attempt_at AS at`,
      params: [outcomes.map((o) => o.id), outcomes.map((o) => o.status), outcomes.map((o) => o.attempts), outcomes.map((o) => Math.max(0, Math.round(o.delayMs))), outcomes.map((o) => o.error)],
    };
  },

  async recordAttempt(
    tx: Queryable,
    a: { deliveryId: string; attempt: number; startedAt: Date; durationMs: number; outcome: 'delivered' | 'failed'; statusCode?: number; error?: string },
  ): Promise<void> {
    await tx.query(
      `INSERT INTO delivery_attempts (delivery_id, attempt, started_at, duration_ms, outcome, status_code, error)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [a.deliveryId, a.attempt, a.startedAt, a.durationMs, a.outcome, a.statusCode ?? null, a.error ?? null],
    );
  },

  async markDelivered(tx: Queryable, id: string, attempts: number): Promise<void> {
    await tx.query(
      `UPDATE deliveries SET status = 'delivered', attempts = $2, lease_until = NULL, last_error = NULL,
         delivered_at = now(), updated_at = now() WHERE id = $1`,
      [id, attempts],
    );
  },

  /** Schedules the next attempt `delayMs` from now on the database's clock (the one due() compares with); returns that time. */
  async markRetry(tx: Queryable, id: string, attempts: number, delayMs: number, error: string): Promise<Date> {
    const r = await tx.query<{ at: Date | string }>(
      `UPDATE deliveries SET status = 'pending', attempts = $2, next_attempt_at = ${DB_NOW_SQL} + ($3::int * interval '1 millisecond'),
         lease_until = NULL, last_error = $4, updated_at = now() WHERE id = $1
       RETURNING next_attempt_at AS at`,
      [id, attempts, Math.max(0, Math.round(delayMs)), error],
    );
    const at = r.rows[0]?.at;
    return at instanceof Date ? at : new Date(String(at));
  },

  async markDeadLetter(tx: Queryable, id: string, attempts: number, error: string): Promise<void> {
    await tx.query(
      `UPDATE deliveries SET status = 'dead_letter', attempts = $2, lease_until = NULL, last_error = $3,
         updated_at = now() WHERE id = $1`,
      [id, attempts, error],
    );
  },

  /** Puts a dead-lettered delivery back in line (administrator's redelivery). */
  async requeue(tx: Queryable, id: string): Promise<boolean> {
    const r = await tx.query(
      `UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = now(), lease_until = NULL, updated_at = now()
        WHERE id = $1 AND status = 'dead_letter'`,
      [id],
    );
    return r.rowCount > 0;
  },

  /**
   * Deliveries that should be in the queue now: due pending ones and in-flight ones whose lease
   * expired, and of those only the first open one of each ordering key. The ones behind it cannot
   * be claimed before it is done, and then its batch hands them on (nextInOrderMany); handed over
   * by the sweep as well, they took whole batches that claimed nothing, up to a thousand per sweep
   * under a backlog. Taken from the open rows (the partial index deliveries_open_idx) first, then
   * ordered: ordered by seq straight away, PostgreSQL could walk the whole seq index, every
   * delivered row of all time before the open ones at its end.
   */
  async due(q: Queryable, limit: number): Promise<QueuedDelivery[]> {
    const r = await q.query<QueuedDelivery>(
      `WITH open AS MATERIALIZED (
         SELECT id, attempts, seq, status, ordering_key, next_attempt_at, lease_until FROM deliveries WHERE is_open)
       SELECT o.id, o.attempts FROM open o
        WHERE ((o.status = 'pending' AND o.next_attempt_at <= now()) OR (o.status = 'in_flight' AND o.lease_until < now()))
          AND (o.ordering_key IS NULL OR NOT EXISTS (
                SELECT 1 FROM deliveries p WHERE p.ordering_key = o.ordering_key AND p.seq < o.seq AND p.is_open))
        ORDER BY o.seq LIMIT $1`,
      [limit],
    );
    return r.rows;
  },

  /** The next open delivery behind a finished one with the same ordering key. */
  async nextInOrder(q: Queryable, orderingKey: string): Promise<QueuedDelivery[]> {
    const r = await q.query<QueuedDelivery>(
      `SELECT id, attempts FROM deliveries WHERE ordering_key = $1 AND is_open AND status = 'pending' ORDER BY seq LIMIT 1`,
      [orderingKey],
    );
    return r.rows;
  },

  /**
   * The open deliveries next in line behind finished ones, per ordering key in seq order (at most
   * `perKey` each), each key's first ones through the ordering index (ordering_open_idx): numbering
   * all of a key's open rows read its whole backlog at every hand-on.
   */
  async nextInOrderMany(q: Queryable, orderingKeys: readonly string[], perKey = 64): Promise<QueuedDelivery[]> {
    if (orderingKeys.length === 0) return [];
    const r = await q.query<QueuedDelivery>(
      `SELECT d.id, d.attempts FROM unnest($1::text[]) AS k(ordering_key)
         CROSS JOIN LATERAL (SELECT id, attempts, seq FROM deliveries
                              WHERE ordering_key = k.ordering_key AND is_open AND status = 'pending' ORDER BY seq LIMIT $2) d
        ORDER BY d.seq`,
      [[...new Set(orderingKeys)], perKey],
    );
    return r.rows;
  },

  /**
   * Message status follows its deliveries: all delivered; some delivered and some dead-lettered
   * (partially_delivered); dead-lettered; otherwise still routed.
   *
   * The message row is locked first, in a statement of its own: two deliveries of one message that
   * complete at the same moment would otherwise each compute the status from a snapshot in which
   * the other is still in flight, and the message would stay `routed` for ever (a lost update).
   * Behind the lock, the next statement's snapshot sees the other transaction's committed outcome.
   * Callers that lock several messages in one transaction pass them sorted (no lock-order deadlock).
   * FOR NO KEY UPDATE, not FOR UPDATE: a mailbox deposit (or any row referencing the message) holds
   * a KEY SHARE lock on it until commit, which FOR UPDATE conflicts with; two mailbox deliveries of
   * one message recording together then each waited for the other (deadlock). Two refreshes still
   * serialise, as NO KEY UPDATE conflicts with itself.
   */
  async refreshMessageStatus(tx: Queryable, messageId: string | string[]): Promise<void> {
    const ids = [...new Set(Array.isArray(messageId) ? messageId : [messageId])].sort();
    if (ids.length === 0) return;
    await tx.query('SELECT id FROM messages WHERE id = ANY($1::uuid[]) ORDER BY id FOR NO KEY UPDATE', [ids]);
    // Written only where the derived status changes: the first of two deliveries completing leaves
    // the message `routed`, and an unchanged row is not rewritten (its index entries stay put).
    await tx.query(
      `UPDATE messages m SET updated_at = now(), status = s.status
         FROM (SELECT d.message_id,
                      CASE WHEN bool_and(d.status = 'delivered') THEN 'delivered'
                           WHEN bool_or(d.status = 'dead_letter') AND bool_or(d.status = 'delivered') THEN 'partially_delivered'
                           WHEN bool_or(d.status = 'dead_letter') THEN 'dead_letter'
                           ELSE 'routed' END AS status
                 FROM deliveries d WHERE d.message_id = ANY($1::uuid[]) GROUP BY d.message_id) s
        WHERE m.id = s.message_id AND m.status IS DISTINCT FROM s.status`,
      [ids],
    );
  },

  async depth(q: Queryable): Promise<{ pending: number; inFlight: number; deadLetter: number; oldestPendingAt: Date | null; oldestPendingAgeSeconds: number }> {
    // Open and parked rows through their partial indexes: `status <> 'delivered'` matched neither
    // and scanned every delivery ever made, on each metrics scrape of each process.
    const r = await q.query<{ pending: number; in_flight: number; dead_letter: number; oldest: Date | null; age: number | string | null }>(
      `SELECT count(*) FILTER (WHERE status = 'pending')::int AS pending,
              count(*) FILTER (WHERE status = 'in_flight')::int AS in_flight,
              (SELECT count(*) FROM deliveries WHERE is_parked AND status = 'dead_letter')::int AS dead_letter,
              min(created_at) AS oldest,
              extract(epoch FROM clock_timestamp() - min(created_at))::float8 AS age
         FROM deliveries WHERE is_open`,
    );
    const row = r.rows[0]!;
    // The age is measured on the clock that wrote created_at: the database's.
    return { pending: row.pending, inFlight: row.in_flight, deadLetter: row.dead_letter, oldestPendingAt: row.oldest, oldestPendingAgeSeconds: Math.max(0, Number(row.age ?? 0)) };
  },
};
