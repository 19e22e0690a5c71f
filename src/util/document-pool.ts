/**
 * A pool of document workers with its size threshold: what the large-document paths of each
 * standard share (iJw/iWmo, StUF). Below `vanaf` a document stays on the main thread, where a small
 * one costs less than a worker round trip.
 */
import { WorkerPool, workerScript, type WorkerPoolOptions } from './worker-pool.js';

export class DocumentPool<WorkerData> {
  readonly pool: WorkerPool;

  constructor(
    script: URL,
    workerData: WorkerData,
    /** Documents of at least this many bytes are large (not readonly: a test compares both paths on one gateway). */
    public vanaf: number,
    opts: WorkerPoolOptions = {},
  ) {
    this.pool = new WorkerPool(workerScript(script), { ...opts, workerData });
  }

  isGroot(bytes: number): boolean {
    return bytes >= this.vanaf;
  }

  /** A document of `bytes` is arriving: when it is large, a worker starts loading now (WorkerPool.prestart). */
  prestart(bytes: number): void {
    if (Number.isFinite(bytes) && this.isGroot(bytes)) this.pool.prestart();
  }

  /** Starts the pool's warm workers (KNOOPPUNT_DOCUMENT_WORKERS_WARM). */
  warmUp(): void {
    this.pool.warmUp();
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
