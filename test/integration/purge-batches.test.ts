/**
 * The retention purge in batches, with progress, on both stores:
 * - the console's purge job shows total and done as the batches commit (done/total in the jobs API);
 * - each batch is its own transaction with its own `purged` event, the last one `complete` with the
 *   run's totals; the events' counts add up to the totals, and the chain still verifies;
 * - the guarantees are kept: every expired payload is a tombstone, every expired subject link is
 *   gone, a payload an open (held) delivery needs is kept, and nothing unexpired is touched;
 * - a second run finds nothing more.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { createGateway, type Gateway } from '../../src/gateway.js';
import { verifyLog } from '../../src/log/verify.js';
import { createLogger } from '../../src/ops/logger.js';
import { purgeExpired, retentionPolicy } from '../../src/retention/purge.js';
import type { ConsoleJob } from '../../src/console/jobs.js';
import { post, testEnv, toewijzing, writeConfig } from '../helpers/gateway.js';
import { ConsoleClient, DEMO_USERS, demoConfig } from '../helpers/console.js';
import { DEMO } from '../helpers/istandaarden.js';
import { waitFor } from '../helpers/webhook.js';

const BATCH = 2;

describe.each([{ store: 'pglite' as const }, { store: 'postgres' as const }])('retention purge in batches on $store', ({ store }) => {
  let gateway: Gateway;
  let privacy: ConsoleClient;
  let baseUrl = '';
  const ids: string[] = [];
  const count = async (sql: string, params: unknown[] = []) => Number((await gateway.db.query<{ n: number }>(sql, params)).rows[0]!.n);

  /** Sends n toewijzingen, waits until none has an open delivery, and backdates them beyond the retention. */
  async function expiredMessages(n: number, opts: { expire?: boolean } = {}): Promise<string[]> {
    const out: string[] = [];
    for (let i = 0; i < n; i++) {
      const r = await post(baseUrl, DEMO.enschede, toewijzing(`PURGE-${store}-${randomUUID()}`, { bsn: '999993653' }));
      expect(r.status).toBe(202);
      out.push(String(r.json.id));
    }
    await waitFor(async () => (await count(`SELECT count(*)::int AS n FROM deliveries WHERE message_id = ANY($1::uuid[]) AND status IN ('pending', 'in_flight')`, [out])) === 0);
    if (opts.expire !== false) await gateway.db.query(`UPDATE messages SET received_at = now() - interval '3000 days' WHERE id = ANY($1::uuid[])`, [out]);
    return out;
  }

  beforeAll(async () => {
    const env = await testEnv(store, 'in-process', writeConfig(demoConfig('http://127.0.0.1:9/zds')), { KNOOPPUNT_PURGE_BATCH: String(BATCH) });
    gateway = await createGateway(env, { logger: createLogger('silent') });
    baseUrl = `http://127.0.0.1:${(await gateway.listen()).port}`;
    privacy = await new ConsoleClient(baseUrl).signIn(DEMO_USERS.privacy);
  }, 60_000);

  afterAll(async () => {
    await gateway?.close();
  });

  it('reports each committed batch: the work done is in the store when the progress says so', async () => {
    const batchIds = await expiredMessages(5);
    const fresh = await expiredMessages(1, { expire: false });
    const seen: Array<{ purged: number; kept: number; tombstones: number; links: number }> = [];
    let total = -1;
    const result = await purgeExpired({ db: gateway.db, log: gateway.log, policy: retentionPolicy(gateway.config, gateway.env.retentionDays) }, {
      trigger: 'test',
      batchSize: BATCH,
      progress: {
        total: (n) => {
          total = n;
        },
        batch: async (c) => {
          // Read after the batch's commit: what has been purged so far, across all batches.
          seen.push({
            ...c,
            tombstones: await count(`SELECT count(DISTINCT message_id)::int AS n FROM payloads WHERE message_id = ANY($1::uuid[]) AND purged_at IS NOT NULL`, [batchIds]),
            links: await count(`SELECT count(*)::int AS n FROM message_subjects WHERE message_id = ANY($1::uuid[])`, [batchIds]),
          });
        },
      },
    });
    expect(total).toBe(5);
    expect(seen.map((s) => s.purged)).toEqual([2, 2, 1]);
    expect(seen.map((s) => s.tombstones)).toEqual([2, 4, 5]);
    expect(seen.at(-1)!.links).toBe(0);
    expect(result.purgedPayloads).toBe(await count(`SELECT count(*)::int AS n FROM payloads WHERE message_id = ANY($1::uuid[])`, [batchIds]));
    // Not expired: untouched.
    expect(await count(`SELECT count(*)::int AS n FROM payloads WHERE message_id = ANY($1::uuid[]) AND purged_at IS NOT NULL`, [fresh])).toBe(0);
    expect(await count(`SELECT count(*)::int AS n FROM message_subjects WHERE message_id = ANY($1::uuid[])`, [fresh])).toBeGreaterThan(0);

    // One event per batch, in the deleting transaction; the last one complete, with the totals.
    const events = (await gateway.log.events({ eventType: 'purged', limit: 100 })).filter((e) => e.detail.trigger === 'test');
    expect(events.map((e) => e.detail.batch)).toEqual([1, 2, 3]);
    expect(events.map((e) => e.detail.complete)).toEqual([false, false, true]);
    expect(new Set(events.map((e) => e.detail.run)).size).toBe(1);
    const sum = (k: string) => events.reduce((a, e) => a + Number(e.detail[k]), 0);
    expect(sum('purgedPayloads')).toBe(result.purgedPayloads);
    expect(sum('purgedSubjectLinks')).toBe(result.purgedSubjectLinks);
    expect(events.at(-1)!.detail.runTotals).toEqual({ purgedPayloads: result.purgedPayloads, purgedSubjectLinks: result.purgedSubjectLinks });
    expect((await verifyLog(gateway.db)).ok).toBe(true);
    ids.push(...batchIds);
  });

  it('shows done/total in the console jobs API, keeps a payload a held delivery needs, and a second run finds nothing', async () => {
    const more = await expiredMessages(3);
    // A beheerder holds one delivery: its payload must survive the purge (its subject links go).
    await gateway.db.query(`UPDATE deliveries SET status = 'held' WHERE id = (SELECT id FROM deliveries WHERE message_id = $1 LIMIT 1)`, [more[0]]);
    const held = await count(`SELECT count(*)::int AS n FROM payloads p JOIN deliveries d ON d.payload_id = p.id WHERE d.message_id = $1 AND d.status = 'held'`, [more[0]]);
    expect(held).toBeGreaterThan(0);

    const started = await privacy.call('POST', '/retention/purge-jobs');
    expect(started.status).toBe(202);
    const observed: ConsoleJob[] = [];
    const job = await waitFor(async () => {
      const j = (await privacy.call('GET', `/jobs/${String(started.json.id)}`)).json as ConsoleJob;
      observed.push(j);
      return j.status !== 'running' ? j : undefined;
    }, 30_000, 5);
    expect(job).toMatchObject({ kind: 'purge', status: 'done', total: 3, done: 3, succeeded: 3, skipped: 0 });
    for (const j of observed) if (j.total !== null) expect(j.done).toBeLessThanOrEqual(j.total);
    for (let i = 1; i < observed.length; i++) expect(observed[i]!.done).toBeGreaterThanOrEqual(observed[i - 1]!.done);
    expect(job.result).toMatchObject({ purgedPayloads: expect.any(Number), purgedSubjectLinks: expect.any(Number) });

    // The held delivery's payload is kept; every other payload of these messages is a tombstone.
    expect(await count(`SELECT count(*)::int AS n FROM payloads p JOIN deliveries d ON d.payload_id = p.id WHERE d.message_id = $1 AND d.status = 'held' AND p.purged_at IS NULL`, [more[0]])).toBe(held);
    expect(await count(`SELECT count(*)::int AS n FROM message_subjects WHERE message_id = ANY($1::uuid[])`, [more])).toBe(0);
    expect(await count(`SELECT count(*)::int AS n FROM payloads WHERE message_id = ANY($1::uuid[]) AND purged_at IS NULL AND id NOT IN (SELECT payload_id FROM deliveries WHERE status = 'held')`, [[...more, ...ids]])).toBe(0);

    // Only the held payload is left: it is counted as work (skipped: kept for its delivery), and nothing changes.
    const again = await privacy.call('POST', '/retention/purge-jobs');
    const second = await waitFor(async () => {
      const j = (await privacy.call('GET', `/jobs/${String(again.json.id)}`)).json as ConsoleJob;
      return j.status !== 'running' ? j : undefined;
    });
    expect(second).toMatchObject({ status: 'done', total: 1, done: 1, succeeded: 0, skipped: 1, result: { purgedPayloads: 0, purgedSubjectLinks: 0 } });
    expect((await verifyLog(gateway.db)).ok).toBe(true);
  });
});
