/**
 * iStandaarden benchmark (part of `npm run bench`):
 * 1. one 323 declaratie in the 3.2 structure of BENCH_DECLARATIE_REGELS lines (default 10,000): time
 *    for the provider's POST (XSD + rules + log + outbox commit) and until the gemeente has it as
 *    JSON; peak RSS; beside it, bare libxml2 validation of the same document (the ceiling);
 * 2. a stream of small toewijzingen (back office JSON → 301 XML, XSD, rules, logged, queued for the
 *    provider's mailbox): messages per second and latency.
 * Embedded defaults and PostgreSQL + Redis, on loopback.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XsdValidators } from '../src/standards/istandaarden/schema/validator.js';
import { projectRoot } from '../src/util/paths.js';
import { startGateway, testEnv, type QueueKind, type StoreKind } from '../test/helpers/gateway.js';
import { CONFIG, DEMO } from '../test/helpers/istandaarden.js';
import { grooteDeclaratie, seedToewijzingen } from '../test/helpers/declaratie.js';
import { waitFor } from '../test/helpers/webhook.js';

const REGELS = Number(process.env.BENCH_DECLARATIE_REGELS ?? 10_000);
const STREAM = Number(process.env.BENCH_TOEWIJZINGEN ?? 500);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

function vandaag(): string {
  return new Date().toISOString().slice(0, 10);
}

export async function benchIstandaarden(store: StoreKind, queue: QueueKind): Promise<Array<Record<string, string | number>>> {
  // A warm document worker (KNOOPPUNT_DOCUMENT_WORKERS_WARM=1, as the README advises for large berichten).
  const { gateway, baseUrl } = await startGateway(await testEnv(store, queue, CONFIG, { LOG_LEVEL: 'warn', KNOOPPUNT_DELIVERY_CONCURRENCY: '16', KNOOPPUNT_DOCUMENT_WORKERS_WARM: '1' }));
  const rows: Array<Record<string, string | number>> = [];
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  try {
    // 1. The large declaratie.
    const { xml, toewijzingen } = grooteDeclaratie({
      standaard: 'ijw', regels: REGELS, afzender: '12345678', ontvanger: '0153', identificatie: `B${Date.now().toString().slice(-10)}`, dagtekening: vandaag(),
    });
    await seedToewijzingen(gateway.db, 'ijw', '0153', '12345678', toewijzingen);
    const before = process.memoryUsage().rss;
    peak = before;
    const t0 = performance.now();
    const res = await fetch(`${baseUrl}/istandaarden/v1/berichten`, {
      method: 'POST',
      headers: { 'content-type': 'application/xml', authorization: `Bearer ${DEMO.aanbiederA}` },
      body: xml,
    });
    const answered = performance.now() - t0;
    const answer = await res.text();
    if (res.status !== 202) throw new Error(`declaratie not accepted: ${res.status} ${[...new Set(answer.match(/RetourCode>[^<]*/g) ?? [])].join(" ")}`);
    const id = res.headers.get('x-knooppunt-message-id')!;
    await waitFor(async () => {
      const r = await gateway.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM deliveries WHERE message_id = $1 AND status = 'delivered'`, [id]);
      return r.rows[0]!.n >= 2; // the gemeente and the regional organisation
    }, 600000, 50);
    const delivered = performance.now() - t0;
    // Peak RSS of accepting and delivering, before the bare validation below adds its own libxml2 memory.
    const peakAccept = peak;
    // The ceiling in the same run: bare libxml2 validation of the same document against knooppunt's
    // 3.2 XSD (and against the official XSD when ../shared is there), nothing else.
    const bare = await XsdValidators.load();
    const officialDir = join(process.env.KNOOPPUNT_SHARED_DIR ?? join(projectRoot(), '..', 'shared'), 'istandaarden-official');
    const official = existsSync(join(officialDir, 'ijw-3.2')) ? await XsdValidators.loadOfficial(officialDir) : undefined;
    let bareMs = 0;
    let officialMs: number | undefined;
    try {
      const b0 = performance.now();
      const issues = bare.validate(xml, 'ijw', '323');
      bareMs = performance.now() - b0;
      if (issues.length > 0) throw new Error(`the bench declaratie is not valid 3.2: ${issues[0]!.message}`);
      if (official) {
        const o0 = performance.now();
        const officialIssues = official.validate(xml, 'ijw', '323');
        officialMs = performance.now() - o0;
        if (officialIssues.length > 0) throw new Error(`the bench declaratie fails the official XSD: ${officialIssues[0]!.message}`);
      }
    } finally {
      bare.dispose();
      official?.dispose();
    }
    rows.push({
      drivers: `${store} + ${queue}`,
      scenario: `JW323 declaratie (3.2 structure), ${REGELS} regels (${(Buffer.byteLength(xml) / 1048576).toFixed(1)} MiB)`,
      'validated+logged ms (POST→202)': Math.round(answered),
      'bare libxml2 XSD ms (same document)': Math.round(bareMs),
      ...(officialMs !== undefined ? { 'bare libxml2, official XSD ms': Math.round(officialMs) } : {}),
      'POST→202 / bare XSD': bareMs > 0 ? Number((answered / bareMs).toFixed(1)) : 'n/a',
      'translated+delivered ms': Math.round(delivered),
      'peak rss MiB': Math.round(peak / 1048576),
      'rss over start MiB': Math.round((peak - before) / 1048576),
      'rss over start until delivered MiB': Math.round((peakAccept - before) / 1048576),
    });

    // 2. A stream of small toewijzingen from Enschede's back office to provider B.
    const payload = JSON.parse(readFileSync(join(projectRoot(), 'fixtures', 'istandaarden', 'json', 'iwmo-toewijzing.json'), 'utf8')) as Record<string, unknown>;
    const latencies: number[] = [];
    let next = 0;
    const s0 = performance.now();
    const worker = async () => {
      while (next < STREAM) {
        next++;
        const start = performance.now();
        const r = await fetch(`${baseUrl}/api/v1/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${DEMO.enschede}` },
          body: JSON.stringify({ messageType: 'iwmo-toewijzing', messageId: randomUUID(), receiver: 'aanbieder-87654321', payload }),
        });
        await r.arrayBuffer();
        if (r.status !== 202) throw new Error(`toewijzing not accepted: ${r.status}`);
        latencies.push(performance.now() - start);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const seconds = (performance.now() - s0) / 1000;
    latencies.sort((a, b) => a - b);
    rows.push({
      drivers: `${store} + ${queue}`,
      scenario: `${STREAM} WMO301 toewijzingen (JSON → XML), ${CONCURRENCY} parallel`,
      'msg/s': Math.round(STREAM / seconds),
      'p50 accept ms': Math.round(percentile(latencies, 50)),
      'p99 accept ms': Math.round(percentile(latencies, 99)),
      'peak rss MiB': Math.round(peak / 1048576),
    });
  } finally {
    clearInterval(sampler);
    await gateway.close();
  }
  return rows;
}
