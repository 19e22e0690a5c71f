/**
 * npm run load — sustained load and soak on the embedded defaults (PGlite + in-process queue +
 * config/knooppunt.yaml), with the gateway in a child process so the memory measured is the gateway's.
 *
 * Drives POST /api/v1/messages (a JSON toewijzing from Enschede, a fresh messageId each request,
 * alternating between the two demo providers' mailboxes) on loopback with autocannon, and every
 * LOAD_SAMPLE_SECONDS scrapes the gateway's own /metrics for its RSS, V8 heap used and outbox depth.
 *
 * Options (environment):
 *   LOAD_SECONDS          duration of the load (default 60; the soak is 600)
 *   LOAD_CONNECTIONS      concurrent HTTP connections (default 16)
 *   LOAD_SAMPLE_SECONDS   sampling interval (default 10)
 *   LOAD_MAX_RSS_SLOPE    MB/min: fail when RSS grows faster over the second half (default 5)
 *   LOAD_MAX_HEAP_SLOPE   MB/min: fail when heap used grows faster over the second half (default 3)
 *   LOAD_QUEUE_FLOOR      outbox depth below which the queue is never called growing (default 100)
 *   LOAD_WINDOW_SECONDS   window for the memory floors (default 60)
 * The per-party rate limit is switched off in the child (KNOOPPUNT_RATE_LIMIT_PER_MINUTE=0): all load comes from one demo key.
 *
 * Pass/fail, judged on the samples taken while the load runs:
 *   - memory: the least-squares slope of the RSS floor (and of the heap-used floor) against time over
 *     the second half of the run is at most the limit. The first half is warm-up (JIT, buffer cache,
 *     pools). The floor is the lowest sample in each LOAD_WINDOW_SECONDS window: heap used is a GC
 *     sawtooth (here 70 -> 270 MB and back every few minutes), so a leak shows as rising troughs, not
 *     as a rising line through the teeth. Memory is judged only when the second half has at least 3
 *     windows (LOAD_SECONDS >= 360 with the defaults); a shorter run reports the raw slopes as rough;
 *   - queue: the outbox depth (pending + in flight) at the end is at most 2x the median depth
 *     during the run, or below LOAD_QUEUE_FLOOR (a handful of deliveries is not a backlog);
 *   - correctness: every request answered 202 (no errors, timeouts or other statuses).
 * Exit 0 when all hold, 1 when one fails, 2 when the run itself broke.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { ChildGateway } from '../test/helpers/child-gateway.js';

const SECONDS = positive('LOAD_SECONDS', 60);
const CONNECTIONS = positive('LOAD_CONNECTIONS', 16);
const SAMPLE_SECONDS = positive('LOAD_SAMPLE_SECONDS', 10);
const MAX_RSS_SLOPE = positive('LOAD_MAX_RSS_SLOPE', 5);
const MAX_HEAP_SLOPE = positive('LOAD_MAX_HEAP_SLOPE', 3);
const QUEUE_FLOOR = positive('LOAD_QUEUE_FLOOR', 100);
const WINDOW_SECONDS = positive('LOAD_WINDOW_SECONDS', 60);
const DEMO_KEY = 'demo-enschede';
const RECEIVERS = ['aanbieder-12345678', 'aanbieder-87654321'];
const BSNS = ['999993653', '999990627', '999998456', '999996368', '999991838', '999995972', '999992296', '999994670'];
const MB = 1024 * 1024;

function positive(name: string, fallback: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number`);
  return n;
}

interface Sample {
  /** seconds since the load started (negative: before) */
  t: number;
  rssMb: number;
  heapMb: number;
  queue: number;
  /** 202 answers in the interval before this sample, per second */
  rate: number;
}

/** One gauge value from Prometheus text; labels are matched as a substring of the label set. */
function metric(text: string, name: string, labels?: string): number {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== ' ' && rest[0] !== '{') continue;
    if (labels !== undefined && !rest.includes(labels)) continue;
    return Number(rest.slice(rest.lastIndexOf(' ') + 1));
  }
  return NaN;
}

async function scrape(baseUrl: string): Promise<Omit<Sample, 't' | 'rate'>> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const rss = metric(text, 'knooppunt_process_resident_memory_bytes');
  const heap = metric(text, 'knooppunt_nodejs_heap_size_used_bytes');
  const pending = metric(text, 'knooppunt_outbox_deliveries', 'status="pending"');
  const inFlight = metric(text, 'knooppunt_outbox_deliveries', 'status="in_flight"');
  if ([rss, heap, pending, inFlight].some(Number.isNaN)) throw new Error('the gateway /metrics lacks RSS, heap or outbox depth');
  return { rssMb: rss / MB, heapMb: heap / MB, queue: pending + inFlight };
}

/** Least-squares slope of y against x. */
function slope(points: Array<[number, number]>): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/** The lowest sample of each window, as (t, value) points; fewer than 3 windows: undefined. */
function floors(samples: Sample[], from: number, value: (s: Sample) => number): Array<[number, number]> | undefined {
  const windows = new Map<number, Sample>();
  // Complete windows only: a trailing stub of one or two samples is no floor (it may sit on a GC peak).
  const complete = Math.floor((SECONDS - from) / WINDOW_SECONDS);
  for (const s of samples) {
    const w = Math.min(Math.floor((s.t - from) / WINDOW_SECONDS), complete - 1);
    if (w < 0) continue;
    const best = windows.get(w);
    if (!best || value(s) < value(best)) windows.set(w, s);
  }
  if (windows.size < 3) return undefined;
  return [...windows.values()].map((s) => [s.t / 60, value(s)]);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return 0;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const fmt = (n: number, d = 1) => n.toFixed(d);

async function main(): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), 'knooppunt-load-'));
  // The embedded defaults, in their own data directory; only what a load run needs is set.
  const gateway = new ChildGateway({
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PORT: '0',
    HOST: '127.0.0.1',
    KNOOPPUNT_DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
    // The gateway's capacity is measured, not one party's rate limit (default 600/min per party).
    KNOOPPUNT_RATE_LIMIT_PER_MINUTE: '0',
  });
  const baseUrl = await gateway.start(120000);
  console.log(`gateway (child process, embedded defaults) at ${baseUrl}, data in ${dataDir}`);
  console.log(`load: ${SECONDS} s, ${CONNECTIONS} connections, sample every ${SAMPLE_SECONDS} s\n`);

  const runId = Date.now().toString(36);
  let seq = 0;
  let okInInterval = 0;
  const samples: Sample[] = [];
  let t0 = Date.now();
  const take = async (): Promise<Sample> => {
    const now = Date.now();
    const s = { t: (now - t0) / 1000, ...(await scrape(baseUrl)), rate: 0 };
    const prev = samples.at(-1);
    s.rate = prev && s.t > prev.t ? okInInterval / (s.t - prev.t) : 0;
    okInInterval = 0;
    samples.push(s);
    console.log(
      `t=${fmt(s.t, 0).padStart(4)}s  rss ${fmt(s.rssMb).padStart(7)} MB  heap ${fmt(s.heapMb).padStart(6)} MB  queue ${String(s.queue).padStart(5)}  ${fmt(s.rate, 0).padStart(5)} msg/s`,
    );
    return s;
  };

  const start = await take();
  t0 = Date.now();
  start.t = 0;
  let resolveResult!: (r: autocannon.Result) => void;
  let rejectResult!: (err: unknown) => void;
  const finished = new Promise<autocannon.Result>((resolve, reject) => {
    resolveResult = resolve;
    rejectResult = reject;
  });
  const instance = autocannon({
    url: baseUrl,
    connections: CONNECTIONS,
    duration: SECONDS,
    timeout: 10,
    requests: [
      {
        method: 'POST',
        path: '/api/v1/messages',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${DEMO_KEY}` },
        setupRequest: (req) => {
          const i = seq++;
          const receiver = RECEIVERS[i % RECEIVERS.length]!;
          return {
            ...req,
            body: JSON.stringify({
              messageType: 'toewijzing',
              messageId: `load-${runId}-${i}`,
              receiver,
              payload: {
                gemeente: '0153',
                aanbieder: receiver.slice(-8),
                toewijzingsdatum: '2026-11-20',
                client: { bsn: BSNS[i % BSNS.length], geboortedatum: '2012-04-17', achternaam: 'Jansen', postcode: '7511AB' },
                producten: [{
                  toewijzingNummer: `T-${i}`, categorie: '45', code: '45A05', ingangsdatum: '2026-12-01', einddatum: '2027-05-31',
                  omvang: { volume: 4, eenheid: '04', frequentie: '2' }, budgetCent: 125000, reden: '01',
                }],
              },
            }),
          };
        },
      },
    ],
  }, (err: unknown, result: autocannon.Result) => (err ? rejectResult(err) : resolveResult(result)));
  instance.on('response', (_client, statusCode) => {
    if (statusCode === 202) okInInterval++;
  });
  let sampling = Promise.resolve();
  const timer = setInterval(() => {
    sampling = sampling.then(() => take().then(() => undefined)).catch((err: Error) => console.error(`sample failed: ${err.message}`));
  }, SAMPLE_SECONDS * 1000);
  const result = await finished;
  clearInterval(timer);
  await sampling;
  const loadEnd = await take();

  // After the load: does the outbox drain?
  const drainStart = Date.now();
  let drained = loadEnd.queue === 0;
  while (!drained && Date.now() - drainStart < 120000) {
    await new Promise((r) => setTimeout(r, 1000));
    drained = (await scrape(baseUrl)).queue === 0;
  }
  const drainSeconds = (Date.now() - drainStart) / 1000;
  await gateway.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });

  // ---- Report ----------------------------------------------------------------------------------
  const during = samples.filter((s) => s.t <= SECONDS + SAMPLE_SECONDS / 2);
  const secondHalf = during.filter((s) => s.t >= SECONDS / 2);
  const middle = during.reduce((best, s) => (Math.abs(s.t - SECONDS / 2) < Math.abs(best.t - SECONDS / 2) ? s : best), during[0]!);
  const rssFloors = floors(secondHalf, SECONDS / 2, (s) => s.rssMb);
  const heapFloors = floors(secondHalf, SECONDS / 2, (s) => s.heapMb);
  const judgeMemory = rssFloors !== undefined && heapFloors !== undefined;
  const rssSlope = slope(rssFloors ?? secondHalf.map((s) => [s.t / 60, s.rssMb]));
  const heapSlope = slope(heapFloors ?? secondHalf.map((s) => [s.t / 60, s.heapMb]));
  const wholeRssSlope = slope(during.map((s) => [s.t / 60, s.rssMb]));
  const queueMedian = median(during.slice(1).map((s) => s.queue));
  const queueEnd = loadEnd.queue;
  const accepted = result['2xx'];
  const failures = result.non2xx + result.errors + result.timeouts;
  // Full intervals only: the sample right after the load ends covers a second or so of nothing.
  const rates = during.slice(1).filter((s, i) => s.t - during[i]!.t >= SAMPLE_SECONDS / 2 && s.t <= SECONDS).map((s) => s.rate);

  console.log('\n=== knooppunt load (embedded defaults: PGlite + in-process queue) ===');
  console.table([{
    seconds: SECONDS,
    connections: CONNECTIONS,
    requests: result.requests.total,
    accepted,
    'non-2xx': result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    'sustained msg/s': Math.round(accepted / result.duration),
    'min interval msg/s': Math.round(Math.min(...rates)),
    'p50 ms': result.latency.p50,
    'p99 ms': result.latency.p99,
    'max ms': result.latency.max,
  }]);
  console.table([
    { at: 'start', t: fmt(start.t, 0), 'rss MB': fmt(start.rssMb), 'heap MB': fmt(start.heapMb), queue: start.queue },
    { at: 'middle', t: fmt(middle.t, 0), 'rss MB': fmt(middle.rssMb), 'heap MB': fmt(middle.heapMb), queue: middle.queue },
    { at: 'end', t: fmt(loadEnd.t, 0), 'rss MB': fmt(loadEnd.rssMb), 'heap MB': fmt(loadEnd.heapMb), queue: loadEnd.queue },
  ]);
  const basis = judgeMemory ? `floors of ${WINDOW_SECONDS} s windows` : 'raw samples, too few windows to judge';
  console.log(`RSS slope, whole run (raw): ${fmt(wholeRssSlope, 2)} MB/min; second half (${basis}): ${fmt(rssSlope, 2)} MB/min (limit ${MAX_RSS_SLOPE})`);
  console.log(`heap-used slope, second half (${basis}): ${fmt(heapSlope, 2)} MB/min (limit ${MAX_HEAP_SLOPE})`);
  if (judgeMemory) console.log(`RSS floors: ${(rssFloors ?? []).map(([, v]) => fmt(v, 0)).join(' ')} MB; heap floors: ${(heapFloors ?? []).map(([, v]) => fmt(v, 0)).join(' ')} MB`);
  console.log(`queue depth over time: ${during.map((s) => s.queue).join(' ')}`);
  console.log(`queue depth: median ${queueMedian}, at end ${queueEnd}; after the load ${drained ? `drained in ${fmt(drainSeconds)} s` : `NOT drained after ${fmt(drainSeconds)} s`}`);

  const failed: string[] = [];
  if (!judgeMemory) console.log(`note: memory growth is not judged on a run this short (the second half needs 3 windows of ${WINDOW_SECONDS} s)`);
  if (judgeMemory && rssSlope > MAX_RSS_SLOPE) failed.push(`RSS grows ${fmt(rssSlope, 2)} MB/min over the second half (> ${MAX_RSS_SLOPE})`);
  if (judgeMemory && heapSlope > MAX_HEAP_SLOPE) failed.push(`heap used grows ${fmt(heapSlope, 2)} MB/min over the second half (> ${MAX_HEAP_SLOPE})`);
  if (queueEnd > 2 * queueMedian && queueEnd >= QUEUE_FLOOR) failed.push(`outbox depth at end ${queueEnd} > 2x median ${queueMedian}`);
  if (!drained) failed.push('the outbox did not drain within 120 s after the load');
  if (failures > 0) failed.push(`${failures} requests were not answered 202`);
  if (accepted === 0) failed.push('no request was accepted');
  const passed = judgeMemory ? 'no steady growth of memory or queue depth' : 'no growth of queue depth (memory not judged: run too short)';
  console.log(failed.length === 0 ? `\nPASS: ${passed}` : `\nFAIL:\n  - ${failed.join('\n  - ')}`);
  return failed.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(`load run failed: ${err.stack ?? err.message}`);
    process.exit(2);
  },
);
