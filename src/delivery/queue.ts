import type { Logger } from 'pino';
import type { Db } from '../store/db.js';
import type { DeliveryService } from './delivery-service.js';
import { outbox, type QueuedDelivery } from './outbox.js';

export interface QueueStats {
  waiting: number;
  delayed: number;
  active: number;
}

export interface DeliveryQueue {
  readonly kind: 'in-process' | 'bullmq';
  start(): Promise<void>;
  /**
   * Fast path after a commit: a committed batch's deliveries go to this process's workers directly
   * (BullMQ without a local worker: one job per batch). If it fails, the reconciler picks the
   * deliveries up from the database.
   */
  enqueue(items: QueuedDelivery[]): Promise<void>;
  /** Sweeps the outbox for due deliveries now (also runs on an interval). */
  reconcile(): Promise<number>;
  stats(): Promise<QueueStats>;
  ping(): Promise<void>;
  /** Stops taking work and waits for attempts in flight. */
  stop(): Promise<void>;
}

/**
 * What both drivers share: the job handler around the one delivery function, and the reconciler
 * that rebuilds the queue from the outbox at start and on an interval (after a restart or a Redis loss).
 */
export abstract class DeliveryQueueBase implements DeliveryQueue {
  abstract readonly kind: 'in-process' | 'bullmq';
  private timer: NodeJS.Timeout | undefined;
  protected stopping = false;

  protected constructor(
    protected readonly db: Db,
    protected readonly service: DeliveryService,
    protected readonly logger: Logger,
    private readonly reconcileIntervalMs: number,
  ) {}

  protected abstract startDriver(): Promise<void>;
  protected abstract push(items: QueuedDelivery[], delayMs: number): Promise<void>;
  protected abstract stopDriver(): Promise<void>;
  abstract stats(): Promise<QueueStats>;
  abstract ping(): Promise<void>;

  async start(): Promise<void> {
    await this.startDriver();
    await this.reconcile();
    this.timer = setInterval(() => void this.reconcile(), this.reconcileIntervalMs);
    this.timer.unref();
  }

  async enqueue(items: QueuedDelivery[]): Promise<void> {
    if (items.length === 0 || this.stopping) return;
    try {
      await this.push(items, 0);
    } catch (err) {
      this.logger.warn({ err: (err as Error).message, count: items.length }, 'enqueue failed; the reconciler will pick these up');
    }
  }

  async reconcile(): Promise<number> {
    if (this.stopping) return 0;
    try {
      const due = await outbox.due(this.db, 1000);
      if (due.length > 0) await this.push(due, 0);
      return due.length;
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'outbox reconcile failed; will try again');
      return 0;
    }
  }

  /** Runs a batch of deliveries and schedules what follows from it: the retries, and the next ones in order. */
  protected async processBatch(ids: string[]): Promise<void> {
    const out = await this.service.attemptMany(ids);
    for (const [id, o] of out.outcomes) if (o.kind === 'retry' && !this.stopping) await this.push([{ id, attempts: o.attempts }], o.delayMs);
    await this.enqueue(out.next);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    await this.stopDriver();
  }
}
