import type { Logger } from 'pino';
import type { Db } from '../store/db.js';
import type { DeliveryService } from './delivery-service.js';
import { LocalWorkers } from './local-workers.js';
import type { QueuedDelivery } from './outbox.js';
import { DeliveryQueueBase, type QueueStats } from './queue.js';

/** The embedded default: delivery workers inside the gateway process, over the same outbox. */
export class InProcessQueue extends DeliveryQueueBase {
  readonly kind = 'in-process' as const;
  private readonly workers: LocalWorkers;

  constructor(db: Db, service: DeliveryService, logger: Logger, opts: { concurrency: number; reconcileIntervalMs: number }) {
    super(db, service, logger, opts.reconcileIntervalMs);
    this.workers = new LocalWorkers((ids) => this.processBatch(ids), logger, service.batchSize);
  }

  protected async startDriver(): Promise<void> {}

  protected async push(items: QueuedDelivery[], delayMs: number): Promise<void> {
    this.workers.push(items.map((d) => d.id), delayMs);
  }

  async stats(): Promise<QueueStats> {
    return this.workers.stats();
  }

  async ping(): Promise<void> {}

  protected async stopDriver(): Promise<void> {
    await this.workers.stop();
  }
}
