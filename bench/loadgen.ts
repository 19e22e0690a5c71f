/**
 * The load generator of `npm run bench`, run as its own process so that its CPU is not counted as
 * the gateway's. Reads one JSON job from argv[2], drives it with autocannon and prints one JSON line
 * with every outcome counted (2xx, each other status, errors, timeouts) and the request latencies.
 *
 * A job is either `amount` requests as fast as `connections` allow (the maximum), or `rate` requests
 * per second for `seconds` (a steady load). Bodies are toewijzingen with a fresh messageId each.
 */
import autocannon from 'autocannon';
import { isValidBsn } from '../src/standards/common/bsn.js';

export interface LoadJob {
  url: string;
  path: string;
  key: string;
  connections: number;
  amount?: number;
  rate?: number;
  seconds?: number;
  /** messageId prefix; each request appends its own number. */
  prefix: string;
  /** 'toewijzing' (the knooppunt envelope) or 'echo' (the same body, for bare express). */
  body: 'toewijzing';
  /**
   * How many citizens the toewijzingen are for (default 8). Deliveries to one receiver about one
   * citizen go one after another, so with few citizens the delivered rate measures that order.
   */
  citizens?: number;
}

export interface LoadResult {
  requests: number;
  ok: number;
  statuses: Record<string, number>;
  errors: number;
  timeouts: number;
  seconds: number;
  p50: number;
  p99: number;
  max: number;
}

const RECEIVERS = ['aanbieder-12345678', 'aanbieder-87654321'];
const BSNS = ['999993653', '999990627', '999998456', '999996368', '999991838', '999995972', '999992296', '999994670'];

/** `n` test BSNs (elfproef valid): the eight above first, then counting up from 999,900,000. */
export function bsns(n: number): string[] {
  const out = BSNS.slice(0, n);
  for (let v = 999_900_000; out.length < n; v++) if (isValidBsn(String(v)) && !out.includes(String(v))) out.push(String(v));
  return out;
}

export function toewijzingBody(messageId: string, i: number, citizens: readonly string[] = BSNS): string {
  const receiver = RECEIVERS[i % RECEIVERS.length]!;
  return JSON.stringify({
    messageType: 'toewijzing',
    messageId,
    receiver,
    payload: {
      gemeente: '0153',
      aanbieder: receiver.slice(-8),
      toewijzingsdatum: '2026-11-20',
      client: { bsn: citizens[i % citizens.length], geboortedatum: '2012-04-17', achternaam: 'Jansen', postcode: '7511AB' },
      producten: [{
        toewijzingNummer: `T-${i}`, categorie: '45', code: '45A05', ingangsdatum: '2026-12-01', einddatum: '2027-05-31',
        omvang: { volume: 4, eenheid: '04', frequentie: '2' }, budgetCent: 125000, reden: '01',
      }],
    },
  });
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '{}') as LoadJob;
  const citizens = bsns(job.citizens ?? BSNS.length);
  let seq = 0;
  // autocannon reports its duration in whole ticks of a second; the span from start to the last
  // answer is what a short run needs.
  const started = performance.now();
  let last = started;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: job.url,
        connections: job.connections,
        timeout: 30,
        ...(job.amount !== undefined ? { amount: job.amount } : { duration: job.seconds ?? 5, overallRate: job.rate }),
        requests: [{
          method: 'POST',
          path: job.path,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${job.key}` },
          setupRequest: (req) => {
            const i = seq++;
            return { ...req, body: toewijzingBody(`${job.prefix}-${i}`, i, citizens) };
          },
        }],
      },
      (err: unknown, r: autocannon.Result) => (err ? reject(err) : resolve(r)),
    );
    instance.on('response', () => (last = performance.now()));
  });
  const statuses: Record<string, number> = {};
  let ok = 0;
  for (const [code, s] of Object.entries((result as unknown as { statusCodeStats?: Record<string, { count: number }> }).statusCodeStats ?? {})) {
    statuses[code] = s.count;
    if (Number(code) >= 200 && Number(code) < 300) ok += s.count;
  }
  const out: LoadResult = {
    requests: result.requests.total,
    ok,
    statuses,
    errors: result.errors,
    timeouts: result.timeouts,
    seconds: Math.max(0.001, (last - started) / 1000),
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
  };
  process.stdout.write(JSON.stringify(out) + '\n');
}

if (process.argv[1]?.endsWith('loadgen.ts')) {
  main().then(() => process.exit(0), (err: Error) => {
    console.error(err.stack ?? err.message);
    process.exit(2);
  });
}
