/**
 * StUF schema benchmark (part of `npm run bench`, BENCH_ONLY=stuf): what the StUF validation costs
 * at start-up and per message, with knooppunt's own schemas (schemas/stuf/zds-1.1 + zds-1.2) beside
 * the official folder (../shared/stuf-official, the ceiling: the schemas as published) in the same
 * run. Compiling is measured in a fresh child process per source (nothing cached), and again in one
 * process through loadStufValidator a second time (the per-process cache: what a second gateway of
 * the process pays). Per message: every request of ../shared/stuf-corpus, validated 20 times.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadStufValidator, type StufValidator } from '../src/standards/stuf/validator.js';
import { projectRoot } from '../src/util/paths.js';
import { serializeXml } from '../src/xml/build.js';
import { parseXml } from '../src/xml/parse.js';

const SHARED = process.env.KNOOPPUNT_SHARED_DIR ?? resolve(projectRoot(), '..', 'shared');
const OFFICIAL = join(SHARED, 'stuf-official');
const CORPUS = join(SHARED, 'stuf-corpus');

/** Cold compile in a child process, so nothing of this process (wasm, cache) is reused. */
function coldMs(official: boolean): number {
  const code = `
    const { loadStufValidator } = await import(${JSON.stringify(join(projectRoot(), 'src', 'standards', 'stuf', 'validator.ts'))});
    const t0 = performance.now();
    await loadStufValidator(${official ? `{ officialDir: ${JSON.stringify(OFFICIAL)} }` : '{}'});
    console.log(JSON.stringify({ ms: performance.now() - t0, rss: process.memoryUsage().rss }));`;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { encoding: 'utf8', cwd: projectRoot() });
  return (JSON.parse(out.trim().split('\n').pop()!) as { ms: number }).ms;
}

function corpusBodies(): string[] {
  return readdirSync(CORPUS)
    .filter((f) => f.endsWith('.xml'))
    .map((f) => parseXml(readFileSync(join(CORPUS, f))).children.find((c) => c.name === 'Body')?.children[0])
    .filter((b) => b !== undefined)
    .map((b) => serializeXml(b, { declaration: true }));
}

function perMessageUs(v: StufValidator, docs: string[]): { us: number; valid: number } {
  let valid = 0;
  for (const d of docs) if (v.validate(d).length === 0) valid++;
  const rounds = 20;
  const t0 = performance.now();
  for (let i = 0; i < rounds; i++) for (const d of docs) v.validate(d);
  return { us: ((performance.now() - t0) * 1000) / (rounds * docs.length), valid };
}

export async function benchStufSchemas(): Promise<Array<Record<string, string | number>>> {
  if (!existsSync(OFFICIAL) || !existsSync(CORPUS)) {
    console.warn(`SKIPPED: StUF schema bench: ${OFFICIAL} or ${CORPUS} missing (set KNOOPPUNT_SHARED_DIR)`);
    return [];
  }
  const docs = corpusBodies();
  const coldOwn = coldMs(false);
  const coldOfficial = coldMs(true);
  const rows: Array<Record<string, string | number>> = [];
  for (const [bron, opts] of [['knooppunt (schemas/stuf)', {}], ['official (ceiling)', { officialDir: OFFICIAL }]] as const) {
    const first = performance.now();
    const v = await loadStufValidator(opts);
    const firstMs = performance.now() - first;
    const again = performance.now();
    await loadStufValidator(opts);
    const againMs = performance.now() - again;
    const { us, valid } = perMessageUs(v, docs);
    rows.push({ schemas: bron, 'cold compile ms (own process)': Math.round(bron.startsWith('knooppunt') ? coldOwn : coldOfficial), 'first load ms': Math.round(firstMs), 'second load ms (cached)': Number(againMs.toFixed(2)), 'validate µs/msg': Math.round(us), 'corpus valid': `${valid}/${docs.length}` });
  }
  const [own, off] = rows as [Record<string, number>, Record<string, number>];
  rows.push({ schemas: 'knooppunt / official', 'cold compile ms (own process)': `${((100 * coldOwn) / coldOfficial).toFixed(0)} %`, 'validate µs/msg': `${((100 * own['validate µs/msg']!) / off['validate µs/msg']!).toFixed(0)} %` });
  return rows;
}
