/**
 * npm run bench — accepted messages per second and accept→delivered latency (p50/p99), on the
 * embedded defaults (PGlite + in-process queue) and on PostgreSQL + Redis (BullMQ).
 * Loopback only, bounded count. Options: BENCH_MESSAGES (default 1000), BENCH_CONCURRENCY (default 16).
 */
import { KEYS, startGateway, testConfig, testEnv, toewijzing, writeConfig, type QueueKind, type StoreKind } from '../test/helpers/gateway.js';
import { TestWebhook, waitFor } from '../test/helpers/webhook.js';
import { benchIstandaarden } from './istandaarden.js';

const N = Number(process.env.BENCH_MESSAGES ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const BSNS = ['999993653', '999990627', '999998456', '999996368', '999991838', '999995972', '999992296', '999994670'];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function run(store: StoreKind, queue: QueueKind): Promise<Record<string, string | number>> {
  const webhook = new TestWebhook();
  const url = await webhook.start();
  const env = await testEnv(store, queue, writeConfig(testConfig(url)), { LOG_LEVEL: 'warn', KNOOPPUNT_DELIVERY_CONCURRENCY: '16' });
  const { gateway, baseUrl } = await startGateway(env);
  const sentAt = new Map<string, number>();
  const deliveredAt = new Map<string, number>();
  webhook.respond = (_n, req) => {
    deliveredAt.set(String(req.headers['x-knooppunt-message-id']), Date.now());
    return { status: 200 };
  };
  const rssBefore = process.memoryUsage().rss;
  let next = 0;
  const t0 = Date.now();
  const worker = async () => {
    while (next < N) {
      const i = next++;
      const start = Date.now();
      const res = await fetch(`${baseUrl}/api/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${KEYS.enschede}` },
        body: JSON.stringify(toewijzing(`bench-${store}-${queue}-${t0}-${i}`, { bsn: BSNS[i % BSNS.length], receiver: i % 2 ? 'aanbieder-12345678' : 'aanbieder-87654321' })),
      });
      const body = (await res.json()) as { id: string };
      if (res.status !== 202) throw new Error(`unexpected ${res.status}`);
      sentAt.set(body.id, start);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const acceptSeconds = (Date.now() - t0) / 1000;
  // Half go to the webhook, half to a mailbox: both count as delivered when the outbox says so.
  await waitFor(async () => {
    const r = await gateway.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM deliveries WHERE status = 'delivered'`);
    return r.rows[0]!.n >= N;
  }, 600000, 100);
  const totalSeconds = (Date.now() - t0) / 1000;
  const mailboxDelivered = await gateway.db.query<{ id: string; at: Date }>(`SELECT message_id AS id, delivered_at AS at FROM deliveries WHERE status = 'delivered'`);
  for (const r of mailboxDelivered.rows) if (!deliveredAt.has(r.id)) deliveredAt.set(r.id, r.at.getTime());
  const latencies = [...sentAt].map(([id, at]) => (deliveredAt.get(id) ?? NaN) - at).filter(Number.isFinite).sort((a, b) => a - b);
  const rssAfter = process.memoryUsage().rss;
  await gateway.close();
  await webhook.stop();
  return {
    drivers: `${store} + ${queue}`,
    messages: N,
    'accepted msg/s': Math.round(N / acceptSeconds),
    'end-to-end msg/s': Math.round(N / totalSeconds),
    'p50 accept→delivered ms': percentile(latencies, 50),
    'p99 accept→delivered ms': percentile(latencies, 99),
    'rss growth MiB': Math.round((rssAfter - rssBefore) / 1048576),
  };
}

// BENCH_ONLY=spine or BENCH_ONLY=istandaarden runs one part.
const only = process.env.BENCH_ONLY;
if (only !== 'istandaarden') {
  const results = [];
  results.push(await run('pglite', 'in-process'));
  results.push(await run('postgres', 'bullmq'));
  if (process.env.BENCH_ALL) {
    results.push(await run('postgres', 'in-process'));
    results.push(await run('pglite', 'bullmq'));
  }
  console.log('Spine: JSON toewijzing → webhook/mailbox');
  console.table(results);
}
if (only !== 'spine') {
  const rows = [...(await benchIstandaarden('pglite', 'in-process')), ...(await benchIstandaarden('postgres', 'bullmq'))];
  console.log('iStandaarden iJw/iWmo 3.2');
  console.table(rows);
}
process.exit(0);
