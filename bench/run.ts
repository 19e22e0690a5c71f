/**
 * npm run bench — knooppunt's throughput as a share of what its own parts can do, all measured in
 * this one run on this machine (loopback; the load generator and the webhook sink are processes of
 * their own):
 *   1. ceilings: bare express, raw PostgreSQL rows per transaction and batched, BullMQ one by one and bulk;
 *   2. knooppunt on PGlite + in-process and on PostgreSQL + BullMQ: accepted and delivered msg/s,
 *      statements, gateway and database CPU per message, p50/p99 at 50 % and 80 % of the maximum,
 *      every outcome counted, and each figure's ratio to its ceiling;
 *   3. scale-out: one vs two gateway processes against one PostgreSQL;
 *   4. iStandaarden: a big JW323 declaratie and a stream of toewijzingen;
 *   5. stuf: StUF schema start-up (cold compile, cached second load) and validation per message,
 *      knooppunt's own schemas beside the official ones;
 *   6. xml: a large bericht through knooppunt's parser and serialiser, beside bare libxml2.
 * Options: BENCH_MESSAGES (default 2000), BENCH_CONCURRENCY (default 32), BENCH_STEADY_SECONDS
 * (default 5), BENCH_CITIZENS (default 1000), BENCH_ONLY=ceilings|spine|scale|istandaarden|stuf|xml|contracten (comma separated) runs those parts only.
 */
import { bareExpress, bullmq, rawPostgres, type Ceiling } from './ceilings.js';
import { benchIstandaarden } from './istandaarden.js';
import { benchScaleOut, benchSpine, type SpineFigures } from './spine.js';

const N = Number(process.env.BENCH_MESSAGES ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const STEADY = Number(process.env.BENCH_STEADY_SECONDS ?? 5);
/**
 * Citizens the spine's toewijzingen are for (BENCH_CITIZENS, default 1000): one receiver's
 * deliveries about one citizen go in order, one after another, and a municipality's 2,000
 * toewijzingen are for about as many clients, not for eight.
 */
const CITIZENS = Number(process.env.BENCH_CITIZENS ?? 1000);
const only = new Set((process.env.BENCH_ONLY ?? 'ceilings,spine,scale,istandaarden,stuf').split(',').map((s) => s.trim()));

const pct = (x: number, of: number | undefined) => (of ? `${((100 * x) / of).toFixed(1)} %` : '');

let express: Ceiling | undefined;
let pgCeilings: Ceiling[] = [];
if (only.has('ceilings') || only.has('spine')) {
  express = await bareExpress(N, CONCURRENCY);
}
if (only.has('ceilings')) {
  pgCeilings = await rawPostgres(Math.max(2000, N * 5));
  const mq = await bullmq(Math.max(1000, N));
  console.log('Ceilings (this machine, this run)');
  console.table([express!, ...pgCeilings, ...mq].map((c) => ({ what: c.what, 'per second': c.perSecond, 'CPU µs/item': c.cpuUsPerItem ?? '' })));
}

if (only.has('spine')) {
  const figures: SpineFigures[] = [];
  figures.push(await benchSpine('pglite', 'in-process', { messages: N, connections: CONCURRENCY, steadySeconds: STEADY, citizens: CITIZENS }));
  figures.push(await benchSpine('postgres', 'bullmq', { messages: N, connections: CONCURRENCY, steadySeconds: STEADY, citizens: CITIZENS }));
  // The same load about eight citizens: each receiver's deliveries about one citizen go one after
  // another, so this row measures that order, not the gateway.
  if (CITIZENS !== 8) figures.push(await benchSpine('postgres', 'bullmq', { messages: N, connections: CONCURRENCY, steadySeconds: 0, citizens: 8 }));
  if (process.env.BENCH_ALL) {
    figures.push(await benchSpine('postgres', 'in-process', { messages: N, connections: CONCURRENCY, steadySeconds: STEADY }));
    figures.push(await benchSpine('pglite', 'bullmq', { messages: N, connections: CONCURRENCY, steadySeconds: STEADY }));
  }
  const batchedCeiling = pgCeilings.find((c) => c.what.includes('chain head once'))?.perSecond;
  console.log(`knooppunt: JSON toewijzing → webhook (half) / mailbox (half); ${N} messages, ${CONCURRENCY} connections`);
  console.table(figures.map((f) => ({
    drivers: f.drivers,
    accepted: `${f.accepted}/${f.messages}`,
    'not accepted': Object.entries(f.notAccepted).map(([k, v]) => `${k}:${v}`).join(' ') || '0',
    'accepted msg/s': f.acceptedPerSecond,
    'delivered msg/s': f.deliveredPerSecond,
    'vs express': pct(Math.min(f.acceptedPerSecond, f.deliveredPerSecond), express?.perSecond),
    'vs PG batched+head': f.drivers.startsWith('postgres') ? pct(f.acceptedPerSecond, batchedCeiling) : '',
    'delivered/dead/open': `${f.delivered}/${f.deadLettered}/${f.open}`,
    'webhook dups': f.webhookDuplicates,
    'stmts/msg': f.statementsPerMessage,
    'gw CPU µs/msg': f.gatewayCpuUsPerMessage,
    'gw CPU vs express': express?.cpuUsPerItem ? `${(f.gatewayCpuUsPerMessage / express.cpuUsPerItem).toFixed(1)}×` : '',
    'db CPU µs/msg': f.dbCpuUsPerMessage ?? '(in gw)',
  })));
  console.log('Steady load (share of the sustainable maximum): request latency and accept→delivered, ms');
  console.table(figures.flatMap((f) => f.steady.map((s) => ({
    drivers: f.drivers, load: s.load, 'msg/s offered': s.rate, accepted: s.ok,
    'request p50': s.requestP50, 'request p99': s.requestP99, 'delivered p50': s.deliveredP50, 'delivered p99': s.deliveredP99,
  }))));
}

if (only.has('scale')) {
  const scale = await benchScaleOut({ messages: N, connections: CONCURRENCY, citizens: CITIZENS });
  console.log('Scale-out: gateway processes against one PostgreSQL (+ BullMQ), accepted msg/s; CPU per message; lock waits sampled every 20 ms');
  console.table(scale.map((s) => ({
    'log chains': s.chains, processes: s.processes, 'accepted msg/s': s.acceptedPerSecond, 'not accepted': s.notAccepted,
    'vs one': pct(s.acceptedPerSecond, scale.find((o) => o.chains === s.chains && o.processes === 1)?.acceptedPerSecond),
    'gw CPU µs/msg': s.gatewayCpuUsPerMessage, 'db CPU µs/msg': s.dbCpuUsPerMessage,
    'backends active': s.activeBackends, 'waiting on a lock': s.lockWaiting, 'lock waits by type': s.lockWaitsByType, 'events per chain': s.chainsUsed,
  })));
}

if (only.has('istandaarden')) {
  const rows = [...(await benchIstandaarden('pglite', 'in-process')), ...(await benchIstandaarden('postgres', 'bullmq'))];
  console.log('iStandaarden iJw/iWmo 3.2');
  console.table(rows);
  const { benchDeclaratieRss } = await import('./declaratie-rss.js');
  console.log('The big declaratie in a gateway process of its own: peak resident set (VmHWM)');
  console.table([await benchDeclaratieRss('pglite'), await benchDeclaratieRss('postgres')]);
}
if (only.has('stuf')) {
  console.log('StUF schemas: start-up and validation, knooppunt vs official');
  console.table(await (await import('./stuf-schemas.js')).benchStufSchemas());
}
if (only.has('xml') || !process.env.BENCH_ONLY) {
  console.log('XML on the event loop: one large bericht parsed and serialised, beside bare libxml2');
  console.table((await import('./xml.js')).benchXml());
}
if (only.has('contracten') || !process.env.BENCH_ONLY) console.table(await (await import('./contracten.js')).benchContracten());
process.exit(0);
