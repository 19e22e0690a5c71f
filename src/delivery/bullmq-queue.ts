import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Db } from '../store/db.js';
import type { DeliveryService } from './delivery-service.js';
import type { QueuedDelivery } from './outbox.js';
import { DeliveryQueueBase, type QueueStats } from './queue.js';

const QUEUE_NAME = 'knooppunt-delivery';

/**
 * BullMQ on Redis, for several gateway processes and workers. Redis only carries delivery ids;
 * the outbox in the database stays the truth, so a flushed Redis is rebuilt by the reconciler.
 */
export class BullMqQueue extends DeliveryQueueBase {
  readonly kind = 'bullmq' as const;
  private readonly connection: Redis;
  private readonly queue: Queue;
  private worker: Worker | undefined;
  private workerConnection: Redis | undefined;

  constructor(
    db: Db,
    service: DeliveryService,
    logger: Logger,
    private readonly opts: { redisUrl: string; concurrency: number; reconcileIntervalMs: number; prefix?: string; runWorker?: boolean },
  ) {
    super(db, service, logger, opts.reconcileIntervalMs);
    // The producer side fails fast while Redis is away instead of queueing commands until it is back:
    // the delivery is already committed to the outbox and the reconciler re-adds it, so a submission
    // must not wait for Redis (nor the readiness check hang). Reconnect forever with a capped delay.
    this.connection = new Redis(opts.redisUrl, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      retryStrategy: (times: number) => Math.min(times * 200, 2000),
    });
    this.connection.on('error', (err: Error) => logger.warn({ err: err.message }, 'redis connection error'));
    this.queue = new Queue(QUEUE_NAME, { connection: this.connection, prefix: opts.prefix });
    this.queue.on('error', (err: Error) => logger.warn({ err: err.message }, 'delivery queue error'));
  }

  protected async startDriver(): Promise<void> {
    if (this.opts.runWorker === false) return;
    // The worker blocks on its own connection (BullMQ's blocking commands need maxRetriesPerRequest
    // null and the offline queue); we made it, so we close it.
    this.workerConnection = new Redis(this.opts.redisUrl, {
      maxRetriesPerRequest: null,
      retryStrategy: (times: number) => Math.min(times * 200, 2000),
    });
    this.workerConnection.on('error', (err: Error) => this.logger.warn({ err: err.message }, 'redis worker connection error'));
    this.worker = new Worker(
      QUEUE_NAME,
      async (job) => {
        await this.process((job.data as { id: string }).id);
      },
      { connection: this.workerConnection, concurrency: Math.max(1, this.opts.concurrency), prefix: this.opts.prefix },
    );
    this.worker.on('error', (err: Error) => this.logger.warn({ err: err.message }, 'delivery worker error'));
    this.worker.on('failed', (job, err: Error) =>
      this.logger.error({ deliveryId: (job?.data as { id?: string } | undefined)?.id, err: err.message }, 'delivery job crashed; the reconciler will retry'),
    );
    await this.worker.waitUntilReady();
  }

  protected async push(items: QueuedDelivery[], delayMs: number): Promise<void> {
    // One job id per (delivery, attempt): re-adding a job that is still waiting is a no-op, so the
    // reconciler can sweep freely; completed jobs are removed so the id is free for the next attempt.
    await this.queue.addBulk(
      items.map((d) => ({
        name: 'deliver',
        data: { id: d.id },
        opts: { jobId: `${d.id}_${d.attempts}`, delay: delayMs, removeOnComplete: true, removeOnFail: true, attempts: 1 },
      })),
    );
  }

  async stats(): Promise<QueueStats> {
    const c = await this.queue.getJobCounts('waiting', 'delayed', 'active', 'prioritized');
    return { waiting: (c.waiting ?? 0) + (c.prioritized ?? 0), delayed: c.delayed ?? 0, active: c.active ?? 0 };
  }

  async ping(): Promise<void> {
    await this.connection.ping();
  }

  protected async stopDriver(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
    this.workerConnection?.disconnect();
    this.connection.disconnect();
  }
}
