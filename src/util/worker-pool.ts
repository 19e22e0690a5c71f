/**
 * A small, bounded pool of worker threads for CPU-heavy work on large documents (XSD validation of a
 * 24 MB declaratie, its translation to JSON), so one party's big document never blocks the event
 * loop that serves everyone else.
 *
 * Bounded on purpose: `size` workers, and at most `maxQueued` tasks waiting for one. A task beyond
 * that is refused at once with {@link PoolBusyError}, which each channel answers in its own standard
 * (a 503 with Retry-After); nothing waits without limit and memory stays proportional to the
 * documents in flight. A worker that dies fails only its own task and is replaced.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { cpus } from 'node:os';
import { Worker } from 'node:worker_threads';

/** The pool is full: the caller should answer "busy, try again shortly". */
export class PoolBusyError extends Error {
  constructor(readonly queued: number) {
    super('the document workers are busy');
    this.name = 'PoolBusyError';
  }
}

/** A task failed inside the worker; the message is the worker's own (never document content). */
export class WorkerTaskError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkerTaskError';
  }
}

export interface WorkerPoolOptions {
  /** Worker threads (default min(2, cores)). */
  size?: number;
  /** Tasks that may wait for a free worker (default 8). */
  maxQueued?: number;
  /** Passed to every worker as workerData. */
  workerData?: unknown;
  /** A worker idle this long is stopped, giving back its memory (libxml2's wasm heap never shrinks); default 30 s. */
  idleMs?: number;
  /**
   * Workers kept running while idle, started by {@link WorkerPool.warmUp} (default 0, at most
   * `size`). A cold worker first loads its modules and compiles its schemas, which is most of a
   * second and more on a loaded machine, before it starts on the document that woke it.
   */
  warm?: number;
}

interface Task {
  id: number;
  kind: string;
  input: unknown;
  transfer: ArrayBuffer[];
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

interface Slot {
  worker: Worker;
  task?: Task;
  idle?: NodeJS.Timeout;
}

/** The reply a worker posts for task `id`. */
export type WorkerReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; message: string };

export function defaultPoolSize(): number {
  return Math.max(1, Math.min(2, cpus().length));
}

/** How to start a worker: a module file, or (development) a small bootstrap that loads a `.ts` module through tsx. */
export interface WorkerScript {
  filename: URL | string;
  eval: boolean;
}

/**
 * The worker script for a module of this project: the compiled `.js` when it exists (dist/), else
 * the `.ts` source loaded through tsx's loader (development, tests, the bench). A worker does not
 * inherit the parent's loader hooks in Node 20, so the bootstrap registers tsx itself first.
 */
export function workerScript(jsUrl: URL): WorkerScript {
  if (existsSync(jsUrl)) return { filename: jsUrl, eval: false };
  const ts = new URL(jsUrl.href.replace(/\.js$/, '.ts'));
  // The package's ESM entry (require.resolve gives the CommonJS one, which cannot register hooks in a worker).
  const tsxApi = pathToFileURL(createRequire(jsUrl).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const code = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(ts.href)}); });`;
  return { filename: code, eval: true };
}

export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private nextId = 1;
  private closed = false;
  readonly size: number;
  readonly maxQueued: number;
  /** Tasks run to completion, for tests and metrics. */
  completed = 0;

  constructor(
    private readonly script: WorkerScript,
    opts: WorkerPoolOptions = {},
  ) {
    this.size = Math.max(1, opts.size ?? defaultPoolSize());
    this.maxQueued = Math.max(0, opts.maxQueued ?? 8);
    this.workerData = opts.workerData;
    this.idleMs = opts.idleMs ?? 30_000;
    this.warm = Math.min(this.size, Math.max(0, opts.warm ?? 0));
  }

  private readonly warm: number;

  /** Starts the warm workers (they load what they need at once, before any task). */
  warmUp(): void {
    while (!this.closed && this.slots.length < this.warm) this.spawn();
  }

  /**
   * A task is on its way (a large body is arriving): a worker is started now if none is idle and
   * there is room, so it has loaded what it needs (a document worker compiles its schemas, half a
   * second) by the time the task comes. Like any worker it stops again after idleMs without one.
   */
  prestart(): void {
    if (this.closed) return;
    const idle = this.slots.find((s) => !s.task);
    if (idle) {
      // Not retired just before the task it was kept for.
      if (idle.idle) {
        clearTimeout(idle.idle);
        this.retireWhenIdle(idle);
      }
      return;
    }
    if (this.slots.length < this.size) this.retireWhenIdle(this.spawn());
  }

  private readonly idleMs: number;

  private readonly workerData: unknown;

  /** Tasks running or waiting. */
  get busy(): number {
    return this.slots.filter((s) => s.task).length + this.queue.length;
  }

  /** Would a task given now be refused (PoolBusyError)? Work that only makes sense beside it can then be left undone. */
  wouldRefuse(): boolean {
    return !this.closed && !this.freeSlot() && this.queue.length >= this.maxQueued;
  }

  /** Runs `kind` with `input` in a worker; `transfer` lists buffers handed over instead of copied. */
  run<T>(kind: string, input: unknown, transfer: ArrayBuffer[] = []): Promise<T> {
    if (this.closed) return Promise.reject(new Error('the worker pool is closed'));
    const free = this.freeSlot();
    if (!free && this.queue.length >= this.maxQueued) return Promise.reject(new PoolBusyError(this.queue.length));
    return new Promise<T>((resolve, reject) => {
      const task: Task = { id: this.nextId++, kind, input, transfer, resolve: resolve as (v: unknown) => void, reject };
      if (free) this.start(free, task);
      else this.queue.push(task);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.queue.splice(0)) t.reject(new Error('the worker pool is closed'));
    await Promise.all(this.slots.splice(0).map((s) => (clearTimeout(s.idle), s.worker.terminate())));
  }

  private freeSlot(): Slot | undefined {
    const idle = this.slots.find((s) => !s.task);
    if (idle) return idle;
    if (this.slots.length < this.size) return this.spawn();
    return undefined;
  }

  private spawn(): Slot {
    const worker = new Worker(this.script.filename, { eval: this.script.eval, workerData: this.workerData });
    // An idle worker must not keep the process alive.
    worker.unref();
    const slot: Slot = { worker };
    worker.on('message', (reply: WorkerReply) => {
      const task = slot.task;
      if (!task || task.id !== reply.id) return;
      slot.task = undefined;
      worker.unref();
      this.completed++;
      if (reply.ok) task.resolve(reply.value);
      else task.reject(new WorkerTaskError(reply.message));
      this.next(slot);
      if (!slot.task) this.retireWhenIdle(slot);
    });
    const died = (err: unknown) => {
      const i = this.slots.indexOf(slot);
      if (i !== -1) this.slots.splice(i, 1);
      slot.task?.reject(err instanceof Error ? err : new WorkerTaskError('the document worker stopped'));
      slot.task = undefined;
      const waiting = this.queue.shift();
      if (waiting && !this.closed) this.start(this.spawn(), waiting);
    };
    worker.on('error', died);
    worker.on('exit', (code) => {
      if (this.slots.includes(slot)) died(new WorkerTaskError(`the document worker stopped (exit ${code})`));
    });
    this.slots.push(slot);
    return slot;
  }

  private retireWhenIdle(slot: Slot): void {
    slot.idle = setTimeout(() => {
      // The warm ones stay (any of them: a slot is a slot).
      if (slot.task || this.slots.length <= this.warm) return;
      const i = this.slots.indexOf(slot);
      if (i !== -1) this.slots.splice(i, 1);
      void slot.worker.terminate();
    }, this.idleMs);
    slot.idle.unref();
  }

  private start(slot: Slot, task: Task): void {
    if (slot.idle) clearTimeout(slot.idle);
    slot.task = task;
    if (!this.slots.includes(slot)) this.slots.push(slot);
    // A running task keeps the process alive until it answers.
    slot.worker.ref();
    slot.worker.postMessage({ id: task.id, kind: task.kind, input: task.input }, task.transfer);
  }

  private next(slot: Slot): void {
    const task = this.queue.shift();
    if (task) this.start(slot, task);
  }
}
