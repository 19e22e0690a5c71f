/**
 * Where the gateway's CPU goes per small message: the JSON toewijzing of `npm run bench` against an
 * in-process gateway, with the V8 sampling profiler on for the measured part (after a warm-up).
 * Prints self time by source file and the top functions, as shares of the samples: shares hold on a
 * loaded machine, where wall figures do not. Usage: npx tsx bench/profile.ts [postgres|pglite] [messages]
 * Writes the raw profile to $TMPDIR/knooppunt-spine.cpuprofile (open it in Chrome DevTools).
 * With messages = "declaratie": one 10,000-line JW323 from POST until both deliveries are done
 * (BENCH_DECLARATIE_REGELS), the main thread's samples only (the document workers are threads of their own).
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { projectRoot } from '../src/util/paths.js';
import { KEYS, startGateway, testConfig, testEnv, writeConfig, type StoreKind } from '../test/helpers/gateway.js';
import { freshPostgresUrl } from '../test/helpers/stores.js';
import { CONFIG, DEMO } from '../test/helpers/istandaarden.js';
import { grooteDeclaratie, seedToewijzingen } from '../test/helpers/declaratie.js';
import { waitFor } from '../test/helpers/webhook.js';
import { countStatements, runLoad, selfCpuMs } from './procs.js';
import { startSink } from './spine.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const store = (process.argv[2] ?? 'postgres') as StoreKind;
const scenario = process.argv[3] === 'declaratie' ? 'declaratie' : 'spine';
const messages = scenario === 'declaratie' ? 1 : Number(process.argv[3] ?? 3000);

function where(url: string): string {
  if (url === '') return '(native)';
  const path = url.replace(/^file:\/\//, '');
  const nm = path.lastIndexOf('node_modules/');
  if (nm >= 0) return `npm:${path.slice(nm + 13).split('/').slice(0, path.slice(nm + 13).startsWith('@') ? 2 : 1).join('/')}`;
  if (path.startsWith('node:')) return path;
  return relative(projectRoot(), path);
}

function summarise(profile: CpuProfile, n: number): string {
  const byId = new Map(profile.nodes.map((x) => [x.id, x]));
  const self = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) self.set(profile.samples[i]!, (self.get(profile.samples[i]!) ?? 0) + (profile.timeDeltas[i] ?? 0));
  const files = new Map<string, number>();
  const fns = new Map<string, number>();
  let total = 0;
  for (const [id, us] of self) {
    const node = byId.get(id)!;
    const raw = node.callFrame.functionName;
    if (raw === '(idle)' || raw === '(program)') continue;
    total += us;
    // V8's own entries ("(garbage collector)") have a parenthesised name and no script.
    const file = raw.startsWith('(') ? raw : where(node.callFrame.url);
    const name = raw || '(anonymous)';
    files.set(file, (files.get(file) ?? 0) + us);
    const fn = `${name} ${file}:${node.callFrame.lineNumber + 1}`;
    fns.set(fn, (fns.get(fn) ?? 0) + us);
  }
  const top = (m: Map<string, number>, k: number) =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, k).map(([key, us]) => `${((100 * us) / total).toFixed(1).padStart(5)} %  ${(us / n).toFixed(0).padStart(5)} µs/msg  ${key}`).join('\n');
  return `busy samples: ${(total / 1000).toFixed(0)} ms main thread, ${(total / n).toFixed(0)} µs per message\n\nby file:\n${top(files, 30)}\n\nby function:\n${top(fns, 40)}`;
}

/**
 * What the main thread did over time: per slice of `sliceMs`, the innermost knooppunt function (or
 * library, or idle) of each sample, top three. Shows waits (idle) and phases in order.
 */
function timeline(profile: CpuProfile, sliceMs: number): string {
  const byId = new Map(profile.nodes.map((x) => [x.id, x]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const label = (id: number): string => {
    const leaf = byId.get(id)!.callFrame;
    if (leaf.functionName === '(idle)') return '(idle)';
    if (leaf.functionName === '(garbage collector)') return '(gc)';
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const f = byId.get(cur)!.callFrame;
      if (f.url.includes('/src/')) return `${f.functionName || '(anonymous)'} ${where(f.url)}`;
    }
    return where(leaf.url);
  };
  const slices = new Map<number, Map<string, number>>();
  let t = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    const slice = Math.floor(t / 1000 / sliceMs);
    const m = slices.get(slice) ?? new Map<string, number>();
    const l = label(profile.samples[i]!);
    m.set(l, (m.get(l) ?? 0) + (profile.timeDeltas[i] ?? 0));
    slices.set(slice, m);
  }
  return [...slices].sort((a, b) => a[0] - b[0]).map(([slice, m]) => {
    const total = [...m.values()].reduce((a, b) => a + b, 0) || 1;
    return `${String(slice * sliceMs).padStart(6)} ms  ${[...m].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([k, us]) => `${k} ${Math.round((100 * us) / total)} %`).join(' | ')}`;
  }).join('\n');
}

async function profiled<T>(run: () => Promise<T>): Promise<{ result: T; profile: CpuProfile; cpuMs: number }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  const cpu0 = selfCpuMs();
  const result = await run();
  const cpuMs = selfCpuMs() - cpu0;
  const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: CpuProfile };
  session.disconnect();
  writeFileSync(join(tmpdir(), `knooppunt-${scenario}.cpuprofile`), JSON.stringify(profile));
  return { result, profile, cpuMs };
}

async function declaratie(): Promise<void> {
  // A warm document worker (KNOOPPUNT_DOCUMENT_WORKERS_WARM=1, as the README advises for large berichten).
  const extra: NodeJS.ProcessEnv = { LOG_LEVEL: 'warn', KNOOPPUNT_DOCUMENT_WORKERS_WARM: '1' };
  if (store === 'postgres') extra.DATABASE_URL = await freshPostgresUrl();
  const { gateway, baseUrl } = await startGateway(await testEnv(store, store === 'postgres' ? 'bullmq' : 'in-process', CONFIG, extra));
  try {
    // BENCH_DECLARATIES (default 1) declaraties one after the other; the last one is profiled (the
    // first pays the document worker's start, a later one shows the warm path).
    const rondes = Number(process.env.BENCH_DECLARATIES ?? 1);
    const stuur = async (ronde: number) => {
      const { xml, toewijzingen } = grooteDeclaratie({
        standaard: 'ijw', eerste: 1 + ronde * 100_000, regels: Number(process.env.BENCH_DECLARATIE_REGELS ?? 10_000), afzender: '12345678', ontvanger: '0153', identificatie: `B${ronde}${Date.now().toString().slice(-9)}`, dagtekening: new Date().toISOString().slice(0, 10),
      });
      await seedToewijzingen(gateway.db, 'ijw', '0153', '12345678', toewijzingen);
      return async () => {
        const t0 = performance.now();
        const res = await fetch(`${baseUrl}/istandaarden/v1/berichten`, { method: 'POST', headers: { 'content-type': 'application/xml', authorization: `Bearer ${DEMO.aanbiederA}` }, body: xml });
        const answered = performance.now() - t0;
        await res.text();
        const id = res.headers.get('x-knooppunt-message-id');
        if (res.status !== 202 || !id) throw new Error(`declaratie not accepted: ${res.status}`);
        await waitFor(async () => (await gateway.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM deliveries WHERE message_id = $1 AND status = 'delivered'`, [id])).rows[0]!.n >= 2, 600000, 50);
        const r = { answered, delivered: performance.now() - t0, bytes: Buffer.byteLength(xml) };
        console.log(`${store}: declaratie ${ronde + 1} of ${(r.bytes / 1048576).toFixed(1)} MiB: POST→202 ${r.answered.toFixed(0)} ms, delivered ${r.delivered.toFixed(0)} ms`);
        return r;
      };
    };
    for (let i = 0; i < rondes - 1; i++) await (await stuur(i))();
    const laatste = await stuur(rondes - 1);
    const statements = countStatements(gateway.db);
    const { profile, cpuMs } = await profiled(laatste);
    console.log(`process CPU of the profiled one ${cpuMs.toFixed(0)} ms (all threads)\n`);
    console.log(`statements: ${statements.count} (transactions count 2), by wall time until answered:\n${statements.byKind().sort((a, b) => b[2] - a[2]).slice(0, 20).map(([k, c, ms]) => `${String(c).padStart(6)} × ${ms.toFixed(0).padStart(6)} ms  ${k}`).join('\n')}\n`);
    console.log(`main thread over time (500 ms slices):\n${timeline(profile, 500)}\n`);
    console.log(summarise(profile, 1).replace(/µs\/msg/g, 'µs'));
  } finally {
    await gateway.close();
  }
}

async function spine(): Promise<void> {
  const sink = await startSink();
  const extra: NodeJS.ProcessEnv = { LOG_LEVEL: 'warn', KNOOPPUNT_RATE_LIMIT_PER_MINUTE: '0', KNOOPPUNT_DELIVERY_CONCURRENCY: '16' };
  if (store === 'postgres') extra.DATABASE_URL = await freshPostgresUrl();
  const env = await testEnv(store, store === 'postgres' ? 'bullmq' : 'in-process', writeConfig(testConfig(sink.url, { maxAttempts: 3, backoffMs: 50 })), extra);
  const { gateway, baseUrl } = await startGateway(env);
  const job = { url: baseUrl, path: '/api/v1/messages', key: KEYS.enschede, connections: 16, body: 'toewijzing' as const };
  try {
    await runLoad({ ...job, amount: 500, prefix: `warm-${Date.now()}` });
    const statements = countStatements(gateway.db);
    const { result: r, profile, cpuMs: cpu } = await profiled(() => runLoad({ ...job, amount: messages, prefix: `prof-${Date.now()}` }));
    const file = join(tmpdir(), 'knooppunt-spine.cpuprofile');
    console.log(`${store}: ${r.ok} accepted of ${r.requests} in ${r.seconds.toFixed(1)} s (${Math.round(r.ok / r.seconds)} msg/s); process CPU ${Math.round((cpu * 1000) / Math.max(1, r.ok))} µs per message (all threads); profile ${file}\n`);
    console.log(`statements: ${(statements.count / Math.max(1, r.ok)).toFixed(2)} per message (transactions count 2)\n${statements.byKind().slice(0, 25).map(([k, c]) => `${(c / Math.max(1, r.ok)).toFixed(3).padStart(7)}  ${k}`).join('\n')}\n`);
    console.log(summarise(profile, Math.max(1, r.ok)));
  } finally {
    await gateway.close();
    sink.stop();
  }
}

await (scenario === 'declaratie' ? declaratie() : spine());
