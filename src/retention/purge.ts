import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config/types.js';
import type { ExchangeLog } from '../log/exchange-log.js';
import type { Db } from '../store/db.js';
import { dbNow } from '../store/clock.js';

export interface PurgeResult {
  purgedPayloads: number;
  purgedSubjectLinks: number;
  /** The cut-off for messages under the default retention: received before this moment. */
  before: string;
  /** Who or what started it: 'schedule' or a console user id. */
  trigger: string;
}

export interface RetentionPolicy {
  /** Retention of a message without a route or bevraging that names one. */
  defaultDays: number;
  routes: Array<{ id: string; days: number }>;
  bevragingen: Array<{ id: string; days: number }>;
}

export function retentionPolicy(config: GatewayConfig, defaultDays: number): RetentionPolicy {
  return {
    defaultDays,
    routes: config.routes.filter((r) => r.retentionDays !== undefined).map((r) => ({ id: r.id, days: r.retentionDays! })),
    bevragingen: (config.bevragingen ?? []).filter((b) => b.retentionDays !== undefined).map((b) => ({ id: b.id, days: b.retentionDays! })),
  };
}

/**
 * The retention period of each message, in SQL: the longest of its routes' periods (a message
 * routed for two purposes is kept as long as the longer one needs it), else its bevraging's
 * (named in the `answered` event), else the default. Bound parameters $1..$5; $6 is "now".
 */
const EXPIRED_MESSAGES = `
  SELECT m.id FROM messages m
   WHERE m.received_at < $6::timestamptz - make_interval(days => COALESCE(
           (SELECT max(rp.days) FROM unnest($1::text[], $2::int[]) AS rp(id, days)
             WHERE rp.id = ANY(string_to_array(m.route_id, ','))),
           (SELECT max(bp.days) FROM unnest($3::text[], $4::int[]) AS bp(id, days)
              JOIN exchange_events e ON e.detail->>'bevraging' = bp.id
             WHERE e.message_id = m.id AND e.event_type = 'answered'),
           $5::int))`;

/**
 * Purges the payloads of a batch of expired messages, except those an open or held delivery still
 * carries. A delivery carries a payload of its own message (the group commit writes them
 * together), so only the batch's own deliveries are asked, through their message_id index: asking
 * all open ones matched no partial index and scanned every delivery ever made, once per batch.
 */
export const PURGE_PAYLOADS = `UPDATE payloads SET ciphertext = NULL, iv = NULL, auth_tag = NULL, purged_at = now()
  WHERE purged_at IS NULL AND message_id = ANY($1::uuid[])
    AND id NOT IN (SELECT payload_id FROM deliveries WHERE message_id = ANY($1::uuid[]) AND status IN ('pending', 'in_flight', 'held'))
  RETURNING message_id`;

/** Progress of a purge run: messages with something to purge, and how many have been visited. */
export interface PurgeProgress {
  /** Called once, before the first batch: how many expired messages still hold a payload or a subject link. */
  total(n: number): void;
  /** After each committed batch: `purged` messages lost a payload or link, `kept` only hold payloads an open delivery needs. */
  batch(counts: { purged: number; kept: number }): Promise<void>;
}

/** Messages per batch (one transaction each): short transactions, and progress a beheerder can follow. */
export const PURGE_BATCH = 500;

/**
 * Deletes what retention no longer allows: the ciphertext of expired payloads (the row stays as a
 * tombstone with digest, size and purged_at, which readPayload answers with content null) and the
 * subject links that make a message findable by BSN. The exchange events are not touched, so the
 * hash chain (`knooppunt verify-log`) still proves the whole history. A payload that an open
 * delivery still needs (also one a beheerder holds) is kept until that delivery ends.
 *
 * In batches of `batchSize` expired messages, in message-id order, one transaction each:
 * - the cut-off ("now") is fixed once for the run, so the run purges what had expired when it started;
 * - each batch appends its own `purged` event (counts of that batch, the run's id, batch number) in
 *   the transaction that deletes, so every deletion is in the chain even when a run stops half-way;
 *   the run's last event says `complete: true`, with the run's totals beside its own counts
 *   (summing the events' counts gives the totals without double counting);
 * - a run that stopped is simply run again: what it purged is gone, the rest is found again;
 * - two processes purging at once are serialised per batch by an advisory lock, and each batch only
 *   touches rows not purged yet, so nothing is counted twice.
 */
export async function purgeExpired(
  deps: { db: Db; log: ExchangeLog; policy: RetentionPolicy },
  opts: { trigger: string; now?: Date; batchSize?: number; progress?: PurgeProgress } = { trigger: 'schedule' },
): Promise<PurgeResult> {
  // "Now" is the database's: received_at was written on its clock.
  const now = opts.now ?? (await dbNow(deps.db));
  const { policy } = deps;
  const batchSize = Math.max(1, opts.batchSize ?? PURGE_BATCH);
  const params = [
    policy.routes.map((r) => r.id),
    policy.routes.map((r) => r.days),
    policy.bevragingen.map((b) => b.id),
    policy.bevragingen.map((b) => b.days),
    policy.defaultDays,
    now,
  ];
  const before = new Date(now.getTime() - policy.defaultDays * 86_400_000).toISOString();
  const withWork = `
    SELECT x.id FROM (${EXPIRED_MESSAGES}) x
     WHERE (EXISTS (SELECT 1 FROM payloads p WHERE p.message_id = x.id AND p.purged_at IS NULL)
            OR EXISTS (SELECT 1 FROM message_subjects s WHERE s.message_id = x.id))`;
  if (opts.progress) {
    const counted = await deps.db.query<{ n: number | string }>(`SELECT count(*) AS n FROM (${withWork}) w`, params);
    opts.progress.total(Number(counted.rows[0]?.n ?? 0));
  }
  const run = randomUUID();
  const totals = { purgedPayloads: 0, purgedSubjectLinks: 0 };
  let after: string | null = null;
  for (let batch = 1; ; batch++) {
    const step = await deps.db.transaction(async (tx) => {
      // Two gateway processes purging at once would each log a purge of the same rows.
      await tx.query('SELECT pg_advisory_xact_lock(727275)');
      const ids = (
        await tx.query<{ id: string }>(`${withWork} AND ($7::uuid IS NULL OR x.id > $7::uuid) ORDER BY x.id LIMIT $8`, [...params, after, batchSize])
      ).rows.map((r) => r.id);
      let payloads: string[] = [];
      let links: string[] = [];
      if (ids.length > 0) {
        payloads = (
          await tx.query<{ message_id: string }>(PURGE_PAYLOADS, [ids])
        ).rows.map((r) => r.message_id);
        links = (await tx.query<{ message_id: string }>('DELETE FROM message_subjects WHERE message_id = ANY($1::uuid[]) RETURNING message_id', [ids])).rows.map((r) => r.message_id);
      }
      totals.purgedPayloads += payloads.length;
      totals.purgedSubjectLinks += links.length;
      const complete = ids.length < batchSize;
      await deps.log.append(tx, {
        messageId: null,
        eventType: 'purged',
        detail: {
          purgedPayloads: payloads.length, purgedSubjectLinks: links.length, before, trigger: opts.trigger, defaultRetentionDays: policy.defaultDays,
          run, batch, complete, ...(complete ? { runTotals: { ...totals } } : {}),
        },
      });
      const touched = new Set([...payloads, ...links]);
      return { ids, complete, purged: ids.filter((id) => touched.has(id)).length };
    });
    await opts.progress?.batch({ purged: step.purged, kept: step.ids.length - step.purged });
    if (step.complete) break;
    after = step.ids[step.ids.length - 1]!;
  }
  return { ...totals, before, trigger: opts.trigger };
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The daily purge inside the gateway: first run a few minutes after start (not during it), then
 * once a day. Timers are unref'd so they never keep a process alive; stop() ends them.
 */
export function scheduleDailyPurge(
  run: () => Promise<PurgeResult>,
  logger: Logger,
  opts: { firstAfterMs?: number; everyMs?: number } = {},
): { stop(): Promise<void> } {
  let interval: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const once = () => {
    running = run().then(
      (r) => logger.info({ purgedPayloads: r.purgedPayloads, purgedSubjectLinks: r.purgedSubjectLinks }, 'retention purge done'),
      (err: Error) => logger.error({ err: err.message }, 'retention purge failed; will try again tomorrow'),
    );
  };
  const first = setTimeout(() => {
    once();
    interval = setInterval(once, opts.everyMs ?? DAY_MS);
    interval.unref();
  }, opts.firstAfterMs ?? 5 * 60 * 1000);
  first.unref();
  return {
    /** Ends the timers and waits for a purge in progress (the store closes after this). */
    async stop() {
      clearTimeout(first);
      if (interval) clearInterval(interval);
      await running;
    },
  };
}
