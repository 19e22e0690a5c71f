/** Child processes and CPU accounting for `npm run bench`. */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { projectRoot } from '../src/util/paths.js';
import type { Db, Queryable } from '../src/store/db.js';
import type { LoadJob, LoadResult } from './loadgen.js';

/** Runs one load job in its own process (bench/loadgen.ts) and returns its counted outcomes. */
export function runLoad(job: LoadJob): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/loadgen.ts', JSON.stringify(job)], { cwd: projectRoot(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.once('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{')) return reject(new Error(`load generator failed (${code}): ${err.slice(0, 2000)}`));
      resolve(JSON.parse(line) as LoadResult);
    });
  });
}

/** CPU time (user + system) of a process in milliseconds, from /proc; 0 when it is gone or unreadable. */
export function procCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return 0;
  }
}

/** This process's CPU time in ms (all threads). */
export function selfCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * The CPU of the PostgreSQL backends serving connections with this application_name: read from
 * /proc for each backend pid. A backend that exits during the run takes its CPU with it, so pools
 * are kept open for the whole measurement.
 */
export async function backendCpuMs(admin: Queryable, applicationName: string): Promise<number> {
  const r = await admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [applicationName]);
  return r.rows.reduce((sum, row) => sum + procCpuMs(Number(row.pid)), 0);
}

/**
 * Counts every statement a Db sends: queries, plus BEGIN and COMMIT for each transaction. Wraps the
 * instance, so every part of the gateway that holds this Db is counted.
 */
export function countStatements(db: Db): { readonly count: number; reset(): void; byKind(): Array<[string, number, number]> } {
  const counter = { count: 0 };
  // Per statement kind (its first words): how many, and their wall time until the answer (ms).
  const kinds = new Map<string, { n: number; ms: number }>();
  const timed = <T>(sql: string, run: () => Promise<T>): Promise<T> => {
    const k = sql.replace(/\s+/g, ' ').trim().slice(0, 90);
    const entry = kinds.get(k) ?? { n: 0, ms: 0 };
    kinds.set(k, entry);
    entry.n++;
    const t0 = performance.now();
    return run().finally(() => (entry.ms += performance.now() - t0));
  };
  const wrapQ = (q: Queryable): Queryable => ({
    // The driver's statement limits stay (PGlite keeps its statements short).
    ...(q.maxParams !== undefined ? { maxParams: q.maxParams } : {}),
    ...(q.maxBytes !== undefined ? { maxBytes: q.maxBytes } : {}),
    query: (sql, params) => {
      counter.count++;
      return timed(sql, () => q.query(sql, params));
    },
  });
  const query = db.query.bind(db);
  const transaction = db.transaction.bind(db);
  const mutable = db as unknown as { query: Db['query']; transaction: Db['transaction'] };
  mutable.query = ((sql: string, params?: unknown[]) => {
    counter.count++;
    return timed(sql, () => query(sql, params));
  }) as Db['query'];
  mutable.transaction = (<T>(fn: (tx: Queryable) => Promise<T>) => {
    counter.count += 2;
    return timed('BEGIN … COMMIT', () => transaction((tx) => fn(wrapQ(tx))));
  }) as Db['transaction'];
  return {
    get count() {
      return counter.count;
    },
    reset() {
      counter.count = 0;
      kinds.clear();
    },
    byKind: () => [...kinds].map(([k, e]): [string, number, number] => [k, e.n, e.ms]).sort((a, b) => b[1] - a[1]),
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
