import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { ConsoleRole } from '../config/types.js';
import type { Db } from '../store/db.js';
import { DB_NOW_SQL } from '../store/clock.js';

export type JobKind = 'redeliver' | 'hold' | 'release' | 'purge';

/** A job as the console shows it; `interrupted` is a running job whose process stopped beating. */
export interface ConsoleJob {
  id: string;
  kind: JobKind;
  status: 'running' | 'done' | 'failed' | 'interrupted';
  createdBy: string;
  filter: Record<string, unknown>;
  /** null while the amount of work is not known yet. */
  total: number | null;
  done: number;
  succeeded: number;
  skipped: number;
  result: Record<string, unknown> | null;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}

/** What a job's work reports back; written to the store at most every PROGRESS_MS, and at the end. */
export interface JobProgress {
  setTotal(n: number): void;
  step(outcome: 'succeeded' | 'skipped'): Promise<void>;
  /** Writes the counts now (after a committed batch, so what the console shows is what is done). */
  flush(): Promise<void>;
}

const PROGRESS_MS = 250;
const HEARTBEAT_MS = 5000;
/** A running job not heard of for this long belongs to a process that is gone. */
const STALE_MS = 60_000;
const STALE_SQL = `(heartbeat_at < ${DB_NOW_SQL} - interval '${STALE_MS} milliseconds')`;

interface JobRow {
  id: string; kind: JobKind; status: string; created_by: string; role: string; filter: unknown; total: number | null; done: number;
  succeeded: number; skipped: number; result: unknown; error: string | null; created_at: Date | string; heartbeat_at: Date | string; finished_at: Date | string | null;
  /** Decided in SQL: the heartbeat is the database's clock, so staleness is judged by that clock too. */
  stale: boolean;
}

const json = (v: unknown): Record<string, unknown> | null => (v === null || v === undefined ? null : typeof v === 'string' ? (JSON.parse(v) as Record<string, unknown>) : (v as Record<string, unknown>));

function toJob(r: JobRow): ConsoleJob {
  const stale = r.status === 'running' && r.stale === true;
  return {
    id: r.id,
    kind: r.kind,
    status: stale ? 'interrupted' : (r.status as ConsoleJob['status']),
    createdBy: r.created_by,
    filter: json(r.filter) ?? {},
    total: r.total,
    done: r.done,
    succeeded: r.succeeded,
    skipped: r.skipped,
    result: json(r.result),
    error: r.error,
    createdAt: new Date(r.created_at).toISOString(),
    finishedAt: r.finished_at === null ? null : new Date(r.finished_at).toISOString(),
  };
}

/**
 * Long console work (bulk redeliver, hold, release; purge) as jobs: started by one request, run in
 * this process in the background, with their progress in the store so that any page (and any
 * gateway process behind a load balancer) can poll it.
 */
export class ConsoleJobs {
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
  ) {}

  async start(
    kind: JobKind,
    by: { id: string; role: ConsoleRole },
    filter: Record<string, unknown>,
    work: (progress: JobProgress) => Promise<Record<string, unknown>>,
    onFinished?: (job: ConsoleJob) => Promise<void>,
  ): Promise<ConsoleJob> {
    const id = randomUUID();
    await this.db.query(
      `INSERT INTO console_jobs (id, kind, status, created_by, role, filter, created_at, heartbeat_at) VALUES ($1, $2, 'running', $3, $4, $5, now(), now())`,
      [id, kind, by.id, by.role, JSON.stringify(filter)],
    );
    const counts = { total: null as number | null, done: 0, succeeded: 0, skipped: 0 };
    let lastWrite = 0;
    const write = async (force = false) => {
      if (!force && Date.now() - lastWrite < PROGRESS_MS) return;
      lastWrite = Date.now();
      await this.db.query('UPDATE console_jobs SET total = $2, done = $3, succeeded = $4, skipped = $5, heartbeat_at = now() WHERE id = $1', [
        id, counts.total, counts.done, counts.succeeded, counts.skipped,
      ]);
    };
    const progress: JobProgress = {
      setTotal(n) {
        counts.total = n;
      },
      async step(outcome) {
        counts.done++;
        counts[outcome]++;
        await write();
      },
      async flush() {
        await write(true);
      },
    };
    const heartbeat = setInterval(() => void write(true).catch(() => undefined), HEARTBEAT_MS);
    heartbeat.unref();
    const run = (async () => {
      let status = 'done';
      let result: Record<string, unknown> | null = null;
      let error: string | null = null;
      try {
        await write(true);
        result = await work(progress);
      } catch (err) {
        status = 'failed';
        error = (err as Error).message?.slice(0, 300) ?? 'failed';
        this.logger.error({ job: id, kind, err: error }, 'console job failed');
      } finally {
        clearInterval(heartbeat);
      }
      try {
        await this.db.query(
          `UPDATE console_jobs SET status = $2, total = $3, done = $4, succeeded = $5, skipped = $6, result = $7, error = $8, heartbeat_at = now(), finished_at = now() WHERE id = $1`,
          [id, status, counts.total ?? counts.done, counts.done, counts.succeeded, counts.skipped, result === null ? null : JSON.stringify(result), error],
        );
        const job = await this.get(id);
        if (job && onFinished) await onFinished(job);
      } catch (err) {
        this.logger.error({ job: id, kind, err: (err as Error).message }, 'console job: could not record the end');
      }
    })();
    const tracked = run.finally(() => this.running.delete(tracked));
    this.running.add(tracked);
    return (await this.get(id))!;
  }

  async get(id: string): Promise<ConsoleJob | undefined> {
    const r = await this.db.query<JobRow>(`SELECT *, ${STALE_SQL} AS stale FROM console_jobs WHERE id = $1`, [id]);
    return r.rows[0] ? toJob(r.rows[0]) : undefined;
  }

  async recent(kinds: readonly JobKind[], limit = 20): Promise<ConsoleJob[]> {
    const r = await this.db.query<JobRow>(`SELECT *, ${STALE_SQL} AS stale FROM console_jobs WHERE kind = ANY($1::text[]) ORDER BY created_at DESC LIMIT $2`, [kinds, limit]);
    return r.rows.map((row) => toJob(row));
  }

  /** Waits for the jobs of this process (the store closes after this). */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.running]);
  }
}
