import express from 'express';
import type { GatewayConfig } from '../../config/types.js';
import type { Db } from '../../store/db.js';
import type { consoleGuard } from '../auth/guard.js';
import { HttpProblem } from '../../channels/rest/problem.js';
import { optionalText } from './params.js';

export interface OperationsDeps {
  db: Db;
  config: GatewayConfig;
  guard: ReturnType<typeof consoleGuard>;
  certificates?: { forParty(partyId: string): { expires: string | null; expiringSoon: boolean } };
  partiesMatching: (text: string) => string[];
}

/** The windows the charts offer, each with its interval: about 60 to 170 points per chart. */
const WINDOWS: Record<string, { hours: number; stepSeconds: number }> = {
  '1': { hours: 1, stepSeconds: 60 },
  '6': { hours: 6, stepSeconds: 300 },
  '24': { hours: 24, stepSeconds: 900 },
  '168': { hours: 168, stepSeconds: 3600 },
};

/** The state of the gateway at a glance: queue, error rates and partner health over the last 24 hours. */
export function operationsRouter(deps: OperationsDeps): express.Router {
  const { db, config, guard } = deps;
  const router = express.Router();

  router.get('/operations', guard.requirePermission('operations'), async (_req, res) => {
    const q = await db.query<{ pending: number; retrying: number; dead_letter: number; oldest_age: number | string | null }>(
      // Open and parked rows through their partial indexes (not a scan of every delivery ever made).
      `SELECT count(*) FILTER (WHERE status = 'in_flight' OR (status = 'pending' AND attempts = 0))::int AS pending,
              count(*) FILTER (WHERE status = 'pending' AND attempts > 0)::int AS retrying,
              (SELECT count(*) FROM deliveries WHERE is_parked AND status = 'dead_letter')::int AS dead_letter,
              floor(extract(epoch FROM now() - min(created_at))) AS oldest_age
         FROM deliveries WHERE is_open`,
    );
    const depth = q.rows[0];
    // Per sending party and message type: how many came in, how many were refused, how many ended as dead letters.
    const rates = await db.query<{ party: string; messageType: string; total: number; rejected: number; failed: number }>(
      `SELECT m.sender AS party, m.message_type AS "messageType", count(*)::int AS total,
              count(*) FILTER (WHERE m.status = 'rejected')::int AS rejected,
              count(*) FILTER (WHERE m.status IN ('dead_letter', 'partially_delivered')
                               OR EXISTS (SELECT 1 FROM deliveries d WHERE d.message_id = m.id AND d.status = 'dead_letter'))::int AS failed
         FROM messages m WHERE m.received_at >= now() - interval '24 hours'
        GROUP BY m.sender, m.message_type ORDER BY m.sender, m.message_type`,
    );
    // A partner is healthy when deliveries to it succeed: the last one, by the party behind the
    // message's receiver, among its newest 500 messages (by the receiver index: a join of every
    // delivery ever made was two full scans per page load).
    const last = await db.query<{ party: string; at: Date | string | null }>(
      `SELECT p.party, (SELECT max(d.delivered_at) FROM (SELECT m.id FROM messages m WHERE m.receiver = p.party ORDER BY m.received_at DESC LIMIT 500) mm
                          JOIN deliveries d ON d.message_id = mm.id AND d.status = 'delivered') AS at
         FROM unnest($1::text[]) AS p(party)`,
      [config.parties.map((p) => p.id)],
    );
    const lastByParty = new Map(last.rows.flatMap((r) => (r.at === null ? [] : [[r.party, new Date(r.at).toISOString()] as const])));
    res.json({
      queue: {
        pending: depth?.pending ?? 0,
        retrying: depth?.retrying ?? 0,
        deadLetter: depth?.dead_letter ?? 0,
        oldestPendingAgeSeconds: depth?.oldest_age === null || depth?.oldest_age === undefined ? null : Number(depth.oldest_age),
      },
      errorRates: rates.rows,
      partners: config.parties.map((p) => ({
        party: p.id,
        name: p.name,
        lastSuccessfulDelivery: lastByParty.get(p.id) ?? null,
        // From the party's configured certificate files, or the last certificate it presented.
        certificateExpires: deps.certificates?.forParty(p.id).expires ?? null,
        certificateExpiring: deps.certificates?.forParty(p.id).expiringSoon ?? false,
      })),
    });
  });

  /**
   * Time series for the charts, from the store: per interval the messages received, rejected,
   * deliveries delivered, failed delivery attempts, and the open deliveries (queue depth) at its end.
   * Optional filters: party (id, code or name) and messageType.
   */
  router.get('/operations/series', guard.requirePermission('operations'), async (req, res) => {
    const windowKey = optionalText(req.query.hours, 'hours') ?? '24';
    const win = WINDOWS[windowKey];
    if (!win) throw new HttpProblem(400, 'bad-request', `hours is one of ${Object.keys(WINDOWS).join(', ')}`);
    const step = win.stepSeconds;
    const now = Math.floor(Date.now() / 1000);
    // The interval now in progress is the last one (also when now falls exactly on its start).
    const end = (Math.floor(now / step) + 1) * step;
    const start = end - win.hours * 3600;
    const params: unknown[] = [start, end, step];
    const where: string[] = [];
    const party = optionalText(req.query.party, 'party');
    if (party) {
      const ids = deps.partiesMatching(party);
      where.push(`(m.sender = ANY($${params.push(ids.length > 0 ? ids : [party])}::text[]) OR m.receiver = ANY($${params.length}::text[]))`);
    }
    const messageType = optionalText(req.query.messageType, 'messageType');
    if (messageType) where.push(`m.message_type = $${params.push(messageType)}`);
    const and = where.length > 0 ? `AND ${where.join(' AND ')}` : '';
    const bucket = (col: string) => `(floor(extract(epoch FROM ${col}) / $3) * $3)::bigint`;
    const range = (col: string) => `${col} >= to_timestamp($1) AND ${col} < to_timestamp($2)`;
    const counted = async (sql: string) => {
      const r = await db.query<{ b: string | number; n: number }>(sql, params);
      return new Map(r.rows.map((x) => [Number(x.b), x.n]));
    };
    const received = await counted(
      `SELECT ${bucket('m.received_at')} AS b, count(*)::int AS n FROM messages m WHERE ${range('m.received_at')} ${and} GROUP BY 1`,
    );
    const rejected = await counted(
      `SELECT ${bucket('m.received_at')} AS b, count(*)::int AS n FROM messages m WHERE m.status = 'rejected' AND ${range('m.received_at')} ${and} GROUP BY 1`,
    );
    const delivered = await counted(
      `SELECT ${bucket('d.delivered_at')} AS b, count(*)::int AS n FROM deliveries d JOIN messages m ON m.id = d.message_id
        WHERE d.delivered_at IS NOT NULL AND ${range('d.delivered_at')} ${and} GROUP BY 1`,
    );
    const failed = await counted(
      `SELECT ${bucket('a.started_at')} AS b, count(*)::int AS n FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id JOIN messages m ON m.id = d.message_id
        WHERE a.outcome <> 'delivered' AND ${range('a.started_at')} ${and} GROUP BY 1`,
    );
    // Open at the end of each interval: created by then, not yet delivered, not (yet) a dead letter.
    const depth = await counted(
      `SELECT t.b, count(d.id)::int AS n
         FROM generate_series($1::bigint + $3::bigint, $2::bigint, $3::bigint) AS t(b)
         LEFT JOIN deliveries d ON d.created_at <= to_timestamp(t.b)
              AND (d.delivered_at IS NULL OR d.delivered_at > to_timestamp(t.b))
              AND NOT (d.status = 'dead_letter' AND d.updated_at <= to_timestamp(t.b))
              AND (d.delivered_at IS NULL OR d.delivered_at >= to_timestamp($1))
              AND EXISTS (SELECT 1 FROM messages m WHERE m.id = d.message_id ${and})
        GROUP BY t.b`,
    );
    const times: number[] = [];
    for (let t = start; t < end; t += step) times.push(t);
    res.json({
      hours: win.hours,
      stepSeconds: step,
      from: new Date(start * 1000).toISOString(),
      to: new Date(end * 1000).toISOString(),
      filter: { ...(party ? { party } : {}), ...(messageType ? { messageType } : {}) },
      times,
      received: times.map((t) => received.get(t) ?? 0),
      rejected: times.map((t) => rejected.get(t) ?? 0),
      delivered: times.map((t) => delivered.get(t) ?? 0),
      failed: times.map((t) => failed.get(t) ?? 0),
      // The depth at the end of the interval that starts at t.
      queueDepth: times.map((t) => depth.get(t + step) ?? 0),
    });
  });

  return router;
}
