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
 * Deletes what retention no longer allows: the ciphertext of expired payloads (the row stays as a
 * tombstone with digest, size and purged_at, which readPayload answers with content null) and the
 * subject links that make a message findable by BSN. The exchange events are not touched, so the
 * hash chain (`knooppunt verify-log`) still proves the whole history. A payload that an open
 * delivery still needs (also one a beheerder holds) is kept until that delivery ends. Appends one `purged` event with counts.
 */
export async function purgeExpired(
  deps: { db: Db; log: ExchangeLog; policy: RetentionPolicy },
  opts: { trigger: string; now?: Date } = { trigger: 'schedule' },
): Promise<PurgeResult> {
  // "Now" is the database's: received_at was written on its clock.
  const now = opts.now ?? (await dbNow(deps.db));
  const { policy } = deps;
  const params = [
    policy.routes.map((r) => r.id),
    policy.routes.map((r) => r.days),
    policy.bevragingen.map((b) => b.id),
    policy.bevragingen.map((b) => b.days),
    policy.defaultDays,
    now,
  ];
  const before = new Date(now.getTime() - policy.defaultDays * 86_400_000).toISOString();
  return deps.db.transaction(async (tx) => {
    // Two gateway processes purging at once would each log a purge of the same rows.
    await tx.query('SELECT pg_advisory_xact_lock(727275)');
    const payloads = await tx.query(
      `UPDATE payloads SET ciphertext = NULL, iv = NULL, auth_tag = NULL, purged_at = now()
        WHERE purged_at IS NULL
          AND message_id IN (${EXPIRED_MESSAGES})
          AND id NOT IN (SELECT payload_id FROM deliveries WHERE status IN ('pending', 'in_flight', 'held'))`,
      params,
    );
    const links = await tx.query(`DELETE FROM message_subjects WHERE message_id IN (${EXPIRED_MESSAGES})`, params);
    const result: PurgeResult = { purgedPayloads: payloads.rowCount, purgedSubjectLinks: links.rowCount, before, trigger: opts.trigger };
    await deps.log.append(tx, { messageId: null, eventType: 'purged', detail: { ...result, defaultRetentionDays: policy.defaultDays } });
    return result;
  });
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
