/**
 * Embedded PGlite on a thread of its own (the default; KNOOPPUNT_PGLITE_THREAD=main keeps it on the
 * event loop). PGlite executes every statement synchronously on its caller's thread: on the event
 * loop its WebAssembly took about 3.5 ms and its protocol code 1.7 ms per small message, and a big
 * bericht's payload tens of milliseconds per MiB, during which no other party's request moved.
 * Here the gateway only posts statements and awaits their results.
 *
 * Semantics are those of PgliteDb: one connection, statements in the order they are given, a
 * transaction holding the database until it ends (other statements wait for it), errors with the
 * same fields (code, constraint, …).
 */
import { Worker } from 'node:worker_threads';
import { STATEMENT_MAX_PARAMS, type Db, type Queryable, type QueryResult } from './db.js';
import { PGLITE_MAX_BYTES, pgliteStarts } from './pglite.js';
import { adopt, errorFrom, foreignRealm, paramsForThread, type PgliteThreadData, type ThreadReply, type ThreadRequest, type ThreadStart } from './pglite-protocol.js';
import { workerScript } from '../util/worker-pool.js';

type Pending = { resolve: (r: ThreadReply & { ok: true }) => void; reject: (err: Error) => void };

/** Requests without their id (each distributive member of the union). */
type Request = ThreadRequest extends infer R ? (R extends ThreadRequest ? Omit<R, 'id'> : never) : never;

export class DatabaseThreadStoppedError extends Error {
  constructor(detail: string) {
    super(`the embedded database's thread stopped (${detail})`);
    this.name = 'DatabaseThreadStoppedError';
  }
}

export class PgliteThreadDb implements Db {
  readonly driver = 'pglite' as const;
  /**
   * On a thread of its own PGlite's statements no longer hold the event loop, so they may be as
   * large as PostgreSQL's (the main-thread limit, PGLITE_MAX_PARAMS, cut a declaratie's 10,000
   * monitor rows into 40 statements, each a thread hop).
   */
  readonly maxParams = STATEMENT_MAX_PARAMS;
  readonly maxBytes = PGLITE_MAX_BYTES;

  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private stopped: Error | undefined;
  /** Set by close(): the thread's end is then expected, not a loss. */
  private closing = false;
  private readonly lost: Array<(err: Error) => void> = [];

  private constructor(
    private readonly worker: Worker,
    /** Results must be rebuilt in this realm (tests; see foreignRealm). */
    private readonly foreign: boolean,
  ) {
    worker.on('message', (msg: ThreadReply) => this.settle(msg));
    worker.on('error', (err) => this.stop(new DatabaseThreadStoppedError(err.message)));
    worker.on('exit', (code) => this.stop(new DatabaseThreadStoppedError(`exit ${code}`)));
    // Idle, the thread keeps nobody's process alive; a statement in flight does (see send).
    worker.unref();
  }

  static async open(dataDir?: string, opts: { template?: string; sharedBuffers?: string } = {}): Promise<PgliteThreadDb> {
    const data: PgliteThreadData = { ...(dataDir !== undefined ? { dataDir } : {}), ...opts };
    const script = workerScript(new URL('./pglite-thread.js', import.meta.url));
    const worker = new Worker(script.filename, { eval: script.eval, workerData: data });
    let listeners: { message: (m: ThreadStart) => void; error: (e: Error) => void; exit: (code: number) => void } | undefined;
    const start = await new Promise<ThreadStart>((resolve, reject) => {
      listeners = { message: resolve, error: reject, exit: (code) => reject(new DatabaseThreadStoppedError(`exit ${code} during start`)) };
      worker.once('message', listeners.message).once('error', listeners.error).once('exit', listeners.exit);
    }).finally(() => {
      worker.off('message', listeners!.message).off('error', listeners!.error).off('exit', listeners!.exit);
    });
    if (!start.ready) {
      await worker.terminate();
      throw errorFrom(start.error);
    }
    if (start.started === 'initdb') pgliteStarts.initdb++;
    else if (start.started === 'template') pgliteStarts.fromTemplate++;
    return new PgliteThreadDb(worker, foreignRealm(start.sample));
  }

  private settle(msg: ThreadReply): void {
    const p = this.pending.get(msg.id);
    if (!p) return;
    this.pending.delete(msg.id);
    if (this.pending.size === 0) this.worker.unref();
    if (msg.ok) p.resolve(msg);
    else p.reject(errorFrom(msg.error));
  }

  private stop(err: Error): void {
    const first = this.stopped === undefined;
    this.stopped ??= err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    if (first && !this.closing) for (const l of this.lost) l(err);
  }

  onLost(listener: (err: Error) => void): void {
    this.lost.push(listener);
  }

  private send(req: Request): Promise<ThreadReply & { ok: true }> {
    if (this.stopped) return Promise.reject(this.stopped);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve, reject });
      try {
        this.worker.postMessage({ ...req, id } as ThreadRequest);
      } catch (err) {
        // A parameter that cannot cross (a function, a symbol) fails only its own statement.
        this.pending.delete(id);
        if (this.pending.size === 0) this.worker.unref();
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
  }

  private async run<R>(sql: string, params: unknown[], tx?: number): Promise<QueryResult<R>> {
    const r = await this.send({ op: 'query', sql, params: paramsForThread(params), ...(tx !== undefined ? { tx } : {}) });
    const rows = r.rows ?? [];
    return { rows: (this.foreign ? rows.map(adopt) : rows) as R[], rowCount: r.rowCount ?? 0 };
  }

  query<R = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<QueryResult<R>> {
    return this.run<R>(sql, params);
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const tx = (await this.send({ op: 'begin' })).tx!;
    let value: T;
    try {
      value = await fn({ maxParams: STATEMENT_MAX_PARAMS, maxBytes: PGLITE_MAX_BYTES, query: <R>(sql: string, params: unknown[] = []) => this.run<R>(sql, params, tx) });
    } catch (err) {
      await this.send({ op: 'end', tx, commit: false }).catch(() => undefined);
      throw err;
    }
    await this.send({ op: 'end', tx, commit: true });
    return value;
  }

  async ping(): Promise<void> {
    await this.query('SELECT 1');
  }

  async close(): Promise<void> {
    if (this.stopped) return;
    this.closing = true;
    await this.send({ op: 'close' });
    await this.worker.terminate();
  }
}
