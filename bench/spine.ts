/**
 * knooppunt's own figures for `npm run bench`: a JSON toewijzing from Enschede, half to a webhook
 * (a sink in its own process), half to a mailbox, with the gateway in this process so that its
 * statements can be counted and its CPU measured. The per-party rate limit is switched off: the
 * gateway's capacity is measured, not one party's limit. Every outcome is counted; a dead letter
 * is counted, never waited for.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { projectRoot } from '../src/util/paths.js';
import { ChildGateway } from '../test/helpers/child-gateway.js';
import { KEYS, startGateway, testConfig, testEnv, writeConfig, type QueueKind, type StoreKind } from '../test/helpers/gateway.js';
import { freshPostgresUrl, TEST_PG_URL } from '../test/helpers/stores.js';
import { backendCpuMs, countStatements, percentile, procCpuMs, runLoad, selfCpuMs } from './procs.js';
import type { LoadResult } from './loadgen.js';

export async function startSink(): Promise<{ url: string; stats(): Promise<{ requests: number; distinct: number }>; stop(): void }> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'bench/sink.ts'], { cwd: projectRoot(), stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /port (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`sink exited with ${code}`)));
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    stats: async () => (await (await fetch(`${url}/stats`)).json()) as { requests: number; distinct: number },
    stop: () => child.kill('SIGTERM'),
  };
}

export interface SpineFigures {
  drivers: string;
  messages: number;
  accepted: number;
  notAccepted: Record<string, number>;
  acceptedPerSecond: number;
  deliveredPerSecond: number;
  delivered: number;
  deadLettered: number;
  open: number;
  webhookDuplicates: number;
  statementsPerMessage: number;
  gatewayCpuUsPerMessage: number;
  dbCpuUsPerMessage: number | null;
  steady: Array<{ load: string; rate: number; ok: number; requestP50: number; requestP99: number; deliveredP50: number; deliveredP99: number }>;
}

function failures(r: LoadResult): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [code, n] of Object.entries(r.statuses)) if (!code.startsWith('2')) out[code] = n;
  if (r.errors) out.errors = r.errors;
  if (r.timeouts) out.timeouts = r.timeouts;
  return out;
}

export async function benchSpine(store: StoreKind, queue: QueueKind, opts: { messages: number; connections: number; steadySeconds: number; citizens?: number }): Promise<SpineFigures> {
  const sink = await startSink();
  const app = `kp-bench-${randomBytes(4).toString('hex')}`;
  // The reconciler at its default interval (the test gateways sweep every 300 ms, which under this
  // load re-read up to 1,000 open deliveries three times a second).
  const extra: NodeJS.ProcessEnv = { LOG_LEVEL: 'warn', KNOOPPUNT_RATE_LIMIT_PER_MINUTE: '0', KNOOPPUNT_DELIVERY_CONCURRENCY: '16', KNOOPPUNT_RECONCILE_MS: process.env.BENCH_RECONCILE_MS ?? '5000' };
  if (store === 'postgres') {
    const url = new URL(await freshPostgresUrl());
    url.searchParams.set('application_name', app);
    extra.DATABASE_URL = url.toString();
  }
  const env = await testEnv(store, queue, writeConfig(testConfig(sink.url, { maxAttempts: 3, backoffMs: 50 })), extra);
  const { gateway, baseUrl } = await startGateway(env);
  const admin = new pg.Pool({ connectionString: TEST_PG_URL, max: 1 });
  const statements = countStatements(gateway.db);
  const run = `${store}-${queue}-${Date.now().toString(36)}`;
  const job = { url: baseUrl, path: '/api/v1/messages', key: KEYS.enschede, connections: opts.connections, body: 'toewijzing' as const, ...(opts.citizens !== undefined ? { citizens: opts.citizens } : {}) };
  // Status of this run's deliveries, counted by the outbox (the truth), not by the queue.
  const outcome = async (prefix: string) => {
    const r = await gateway.db.query<{ delivered: number; dead: number; open: number }>(
      `SELECT count(*) FILTER (WHERE d.status = 'delivered')::int AS delivered, count(*) FILTER (WHERE d.status = 'dead_letter')::int AS dead,
              count(*) FILTER (WHERE d.status IN ('pending', 'in_flight'))::int AS open
         FROM deliveries d JOIN messages m ON m.id = d.message_id WHERE m.sender_message_id LIKE $1`,
      [`${prefix}-%`],
    );
    return r.rows[0]!;
  };
  // Waits on the open deliveries (their partial index), not on this run's outcome: that join reads
  // every message of the run, and ran 20 times a second on the gateway's own connections, whose
  // CPU is counted as the database's per message. Every earlier run has settled before.
  const settle = async (prefix: string, timeoutMs = 120000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const open = await gateway.db.query<{ n: number }>('SELECT count(*)::int AS n FROM deliveries WHERE is_open');
      if (open.rows[0]!.n === 0 || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    return outcome(prefix);
  };
  const latencies = async (prefix: string) => {
    const r = await gateway.db.query<{ ms: number }>(
      `SELECT extract(epoch FROM d.delivered_at - m.received_at) * 1000 AS ms
         FROM deliveries d JOIN messages m ON m.id = d.message_id WHERE m.sender_message_id LIKE $1 AND d.status = 'delivered'`,
      [`${prefix}-%`],
    );
    return r.rows.map((x) => Number(x.ms)).sort((a, b) => a - b);
  };
  const dbCpu = () => (store === 'postgres' ? backendCpuMs(admin, app) : Promise.resolve(0));
  try {
    // Warm-up (JIT, pools, caches).
    const warm = `${run}-warm`;
    await runLoad({ ...job, amount: Math.min(300, opts.messages), prefix: warm });
    await settle(warm);

    const max = `${run}-max`;
    const sink0 = await sink.stats();
    statements.reset();
    const cpu0 = selfCpuMs();
    const db0 = await dbCpu();
    const t0 = Date.now();
    const r = await runLoad({ ...job, amount: opts.messages, prefix: max });
    const o = await settle(max);
    const cpu = selfCpuMs() - cpu0;
    const dbUsed = (await dbCpu()) - db0;
    const stmts = statements.count;
    const span = await gateway.db.query<{ s: number }>(
      `SELECT extract(epoch FROM max(d.delivered_at) - min(m.received_at)) AS s
         FROM deliveries d JOIN messages m ON m.id = d.message_id WHERE m.sender_message_id LIKE $1`,
      [`${max}-%`],
    );
    const deliveredSeconds = Number(span.rows[0]?.s) || (Date.now() - t0) / 1000;
    const sink1 = await sink.stats();
    const acceptedPerSecond = Math.round(r.ok / r.seconds);
    const deliveredPerSecond = Math.round(o.delivered / deliveredSeconds);

    // Steady load at 50 % and 80 % of the sustainable maximum (the lower of accepted and delivered).
    const steady: SpineFigures['steady'] = [];
    const sustainable = Math.min(acceptedPerSecond, deliveredPerSecond);
    for (const share of opts.steadySeconds > 0 ? [0.5, 0.8] : []) {
      const prefix = `${run}-steady${share * 100}`;
      const rate = Math.max(1, Math.round(sustainable * share));
      const s = await runLoad({ ...job, connections: Math.min(opts.connections, rate), rate, seconds: opts.steadySeconds, prefix });
      await settle(prefix);
      const lat = await latencies(prefix);
      steady.push({ load: `${share * 100} %`, rate, ok: s.ok, requestP50: s.p50, requestP99: s.p99, deliveredP50: Math.round(percentile(lat, 50)), deliveredP99: Math.round(percentile(lat, 99)) });
    }
    return {
      drivers: `${store} + ${queue}, ${opts.citizens ?? 8} citizens`,
      messages: r.requests,
      accepted: r.ok,
      notAccepted: failures(r),
      acceptedPerSecond,
      deliveredPerSecond,
      delivered: o.delivered,
      deadLettered: o.dead,
      open: o.open,
      // Half the messages go to the webhook: more requests than distinct keys means a duplicate delivery.
      webhookDuplicates: sink1.requests - sink0.requests - (sink1.distinct - sink0.distinct),
      statementsPerMessage: Math.round((stmts / Math.max(1, r.ok)) * 100) / 100,
      gatewayCpuUsPerMessage: Math.round((cpu * 1000) / Math.max(1, r.ok)),
      dbCpuUsPerMessage: store === 'postgres' ? Math.round((dbUsed * 1000) / Math.max(1, r.ok)) : null,
      steady,
    };
  } finally {
    await gateway.close();
    await admin.end();
    sink.stop();
  }
}

/**
 * Scale-out: one and then two gateway processes (children, PostgreSQL + BullMQ, one shared schema
 * and queue prefix), each driven by its own load generator; accepted msg/s of the pair vs one.
 */
export interface ScaleFigures {
  chains: string;
  processes: number;
  acceptedPerSecond: number;
  notAccepted: number;
  /** Gateway processes' CPU per accepted message (all processes together). */
  gatewayCpuUsPerMessage: number;
  /** PostgreSQL backends' CPU per accepted message (this run's connections). */
  dbCpuUsPerMessage: number;
  /** Sampled from pg_stat_activity every 20 ms: this run's backends active, and of those waiting on a lock (mean). */
  activeBackends: number;
  lockWaiting: number;
  /** Not-granted locks sampled from pg_locks, by lock type (summed over samples / samples). */
  lockWaitsByType: string;
  /** Events per chain (log_head) after the run. */
  chainsUsed: string;
}

/**
 * One vs two gateway processes against one PostgreSQL (+ BullMQ), with the sharded log (default
 * KNOOPPUNT_LOG_CHAINS) and with one chain (the old single head, KNOOPPUNT_LOG_CHAINS=1): accepted
 * msg/s, CPU per message split gateway vs PostgreSQL, and lock waits sampled while it runs, so that
 * what more cores would buy can be read from where the time goes.
 */
export async function benchScaleOut(opts: { messages: number; connections: number; citizens?: number }): Promise<ScaleFigures[]> {
  const sink = await startSink();
  const admin = new pg.Pool({ connectionString: TEST_PG_URL, max: 1 });
  const out: ScaleFigures[] = [];
  try {
    for (const chains of ['16', '1']) {
      const app = `kp-scale-${randomBytes(4).toString('hex')}`;
      const url = new URL(await freshPostgresUrl());
      url.searchParams.set('application_name', app);
      const env = await testEnv('postgres', 'bullmq', writeConfig(testConfig(sink.url, { maxAttempts: 3, backoffMs: 50 })), { DATABASE_URL: url.toString() });
      const childEnv = ChildGateway.envFrom(env, { KNOOPPUNT_RATE_LIMIT_PER_MINUTE: '0', KNOOPPUNT_DELIVERY_CONCURRENCY: '16', KNOOPPUNT_LOG_CHAINS: chains, KNOOPPUNT_RECONCILE_MS: '5000' });
      const gateways = [new ChildGateway(childEnv), new ChildGateway(childEnv)];
      try {
        const urls = [await gateways[0]!.start(180000), await gateways[1]!.start(180000)];
        const run = `scale-${chains}-${Date.now().toString(36)}`;
        for (const n of [1, 2]) {
          const each = Math.round(opts.messages / n);
          await Promise.all(urls.slice(0, n).map((u, i) => runLoad({ url: u, path: '/api/v1/messages', key: KEYS.enschede, connections: opts.connections, amount: 200, prefix: `${run}-w${n}-${i}`, body: 'toewijzing', ...(opts.citizens !== undefined ? { citizens: opts.citizens } : {}) })));
          const headsBefore = await chainSizes(admin, url);
          const gw0 = gateways.reduce((sum, g) => sum + (g.pid ? procCpuMs(g.pid) : 0), 0);
          const db0 = await backendCpuMs(admin, app);
          const sampler = sampleLocks(admin, app);
          const t0 = performance.now();
          const results = await Promise.all(urls.slice(0, n).map((u, i) => runLoad({ url: u, path: '/api/v1/messages', key: KEYS.enschede, connections: opts.connections, amount: each, prefix: `${run}-${n}-${i}`, body: 'toewijzing', ...(opts.citizens !== undefined ? { citizens: opts.citizens } : {}) })));
          const seconds = (performance.now() - t0) / 1000;
          const locks = await sampler.stop();
          const gwMs = gateways.reduce((sum, g) => sum + (g.pid ? procCpuMs(g.pid) : 0), 0) - gw0;
          const dbMs = (await backendCpuMs(admin, app)) - db0;
          const headsAfter = await chainSizes(admin, url);
          const ok = results.reduce((sum, r) => sum + r.ok, 0);
          out.push({
            chains: chains === '1' ? '1 (single head)' : `up to ${chains}`,
            processes: n,
            acceptedPerSecond: Math.round(ok / seconds),
            notAccepted: results.reduce((sum, r) => sum + r.requests - r.ok, 0),
            gatewayCpuUsPerMessage: ok ? Math.round((gwMs * 1000) / ok) : 0,
            dbCpuUsPerMessage: ok ? Math.round((dbMs * 1000) / ok) : 0,
            activeBackends: locks.active,
            lockWaiting: locks.waiting,
            lockWaitsByType: locks.byType,
            chainsUsed: [...headsAfter].map(([c, seq]) => `${c}:+${seq - (headsBefore.get(c) ?? 0)}`).filter((x) => !x.endsWith(':+0')).join(' '),
          });
        }
      } finally {
        for (const g of gateways) await g.kill('SIGTERM');
      }
    }
  } finally {
    sink.stop();
    await admin.end();
  }
  return out;
}

/** Events per chain: log_head of the run's schema (read through the run's search_path). */
async function chainSizes(admin: pg.Pool, url: URL): Promise<Map<string, number>> {
  const schema = /search_path=(\w+)/.exec(decodeURIComponent(url.searchParams.get('options') ?? ''))?.[1];
  if (!schema) return new Map();
  const r = await admin.query<{ id: number; seq: string }>(`SELECT id, seq FROM ${schema}.log_head ORDER BY id`);
  return new Map(r.rows.map((h) => [String(h.id), Number(h.seq)]));
}

/** Samples this run's backends every 20 ms: how many are active, how many wait on a lock, and on which lock type. */
function sampleLocks(admin: pg.Pool, app: string): { stop(): Promise<{ active: number; waiting: number; byType: string }> } {
  let samples = 0;
  let active = 0;
  let waiting = 0;
  const byType = new Map<string, number>();
  let running = true;
  const loop = (async () => {
    while (running) {
      const r = await admin.query<{ active: number; waiting: number; types: Record<string, number> | null }>(
        `SELECT (SELECT count(*)::int FROM pg_stat_activity WHERE application_name = $1 AND state = 'active') AS active,
                (SELECT count(*)::int FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock') AS waiting,
                (SELECT json_object_agg(t, n) FROM (SELECT l.locktype || coalesce(':' || l.relation::regclass::text, '') AS t, count(*)::int AS n
                   FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE a.application_name = $1 AND NOT l.granted GROUP BY 1) x) AS types`,
        [app],
      );
      const row = r.rows[0]!;
      samples++;
      active += row.active;
      waiting += row.waiting;
      for (const [t, n] of Object.entries(row.types ?? {})) byType.set(t, (byType.get(t) ?? 0) + n);
      await new Promise((res) => setTimeout(res, 20));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      const mean = (x: number) => Math.round((x / Math.max(1, samples)) * 100) / 100;
      return { active: mean(active), waiting: mean(waiting), byType: [...byType].map(([t, n]) => `${t} ${mean(n)}`).join(', ') || 'none' };
    },
  };
}
