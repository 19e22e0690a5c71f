/**
 * Memory of a gateway process of its own (part of `npm run bench`, istandaarden section): the peak
 * resident set (VmHWM, which the kernel keeps, so no sampling can miss it) of a `knooppunt serve`
 * child while it accepts one 10,000-line JW323 (BENCH_DECLARATIE_REGELS), beside the same process
 * idle after start. The in-process figures of the iStandaarden table count the bench's own heap too.
 * The child runs as `npm start` does (the compiled dist/, built first when src/ is newer). Through
 * tsx its main thread alone idled about 150 MiB higher (the transforms and their source maps),
 * which says nothing about knooppunt.
 */
import { readFileSync } from 'node:fs';
import { grooteDeclaratie, seedToewijzingen } from '../test/helpers/declaratie.js';
import { ChildGateway } from '../test/helpers/child-gateway.js';
import { testEnv, type StoreKind } from '../test/helpers/gateway.js';
import { CONFIG, DEMO } from '../test/helpers/istandaarden.js';
import { openStore, storeOptionsOf } from '../src/store/open.js';

const REGELS = Number(process.env.BENCH_DECLARATIE_REGELS ?? 10_000);

function procMiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

export async function benchDeclaratieRss(store: StoreKind, extra: NodeJS.ProcessEnv = {}): Promise<Record<string, string | number>> {
  // Memory as a gateway runs by default: no warm document workers.
  const env = await testEnv(store, 'in-process', CONFIG, { LOG_LEVEL: 'warn' });
  const { xml, toewijzingen } = grooteDeclaratie({
    standaard: 'ijw', regels: REGELS, afzender: '12345678', ontvanger: '0153', identificatie: `R${Date.now().toString().slice(-10)}`, dagtekening: new Date().toISOString().slice(0, 10),
  });
  // Seeded before the child starts: an embedded data directory takes one process at a time.
  const db = await openStore(storeOptionsOf(env));
  await seedToewijzingen(db, 'ijw', '0153', '12345678', toewijzingen);
  await db.close();
  const child = new ChildGateway(ChildGateway.envFrom(env, { LOG_LEVEL: 'info', ...(env.pgliteTemplate ? { KNOOPPUNT_PGLITE_TEMPLATE: env.pgliteTemplate } : {}), ...extra }), { built: true });
  // The first start may build dist/ first.
  const baseUrl = await child.start(300_000);
  try {
    const pid = child.pid!;
    // Settle after start (the first requests compile nothing more; the HWM so far is start-up's).
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const idle = procMiB(pid, 'VmRSS');
    const startPeak = procMiB(pid, 'VmHWM');
    const t0 = performance.now();
    const res = await fetch(`${baseUrl}/istandaarden/v1/berichten`, { method: 'POST', headers: { 'content-type': 'application/xml', authorization: `Bearer ${DEMO.aanbiederA}` }, body: xml });
    await res.text();
    const answered = performance.now() - t0;
    if (res.status !== 202) throw new Error(`declaratie not accepted: ${res.status}`);
    // Time for both deliveries (their translation and payload reads) to pass.
    await new Promise((resolve) => setTimeout(resolve, 8000));
    const peak = procMiB(pid, 'VmHWM');
    return {
      drivers: `${store} (gateway process of its own)`,
      scenario: `JW323 declaratie, ${REGELS} regels (${(Buffer.byteLength(xml) / 1048576).toFixed(1)} MiB)`,
      'validated+logged ms (POST→202)': Math.round(answered),
      'idle rss MiB (after start)': idle,
      'peak rss MiB (start-up)': startPeak,
      'peak rss MiB': peak,
      'rss over idle MiB': peak - idle,
    };
  } finally {
    await child.kill('SIGTERM');
  }
}
