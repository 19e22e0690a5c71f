import express from 'express';
import type { GatewayConfig } from '../../config/types.js';
import type { Db } from '../../store/db.js';
import type { consoleGuard } from '../auth/guard.js';

export interface OperationsDeps {
  db: Db;
  config: GatewayConfig;
  guard: ReturnType<typeof consoleGuard>;
  certificates?: { forParty(partyId: string): { expires: string | null; expiringSoon: boolean } };
}

/** The state of the gateway at a glance: queue, error rates and partner health over the last 24 hours. */
export function operationsRouter(deps: OperationsDeps): express.Router {
  const { db, config, guard } = deps;
  const router = express.Router();

  router.get('/operations', guard.requirePermission('operations'), async (_req, res) => {
    const q = await db.query<{ pending: number; retrying: number; dead_letter: number; oldest_age: number | string | null }>(
      `SELECT count(*) FILTER (WHERE status = 'in_flight' OR (status = 'pending' AND attempts = 0))::int AS pending,
              count(*) FILTER (WHERE status = 'pending' AND attempts > 0)::int AS retrying,
              count(*) FILTER (WHERE status = 'dead_letter')::int AS dead_letter,
              floor(extract(epoch FROM now() - min(created_at) FILTER (WHERE status IN ('pending', 'in_flight')))) AS oldest_age
         FROM deliveries WHERE status <> 'delivered'`,
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
    // A partner is healthy when deliveries to it succeed: the last one, by the party behind the message's receiver.
    const last = await db.query<{ party: string; at: Date | string }>(
      `SELECT m.receiver AS party, max(d.delivered_at) AS at
         FROM deliveries d JOIN messages m ON m.id = d.message_id
        WHERE d.status = 'delivered' AND m.receiver IS NOT NULL GROUP BY m.receiver`,
    );
    const lastByParty = new Map(last.rows.map((r) => [r.party, new Date(r.at).toISOString()]));
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

  return router;
}
