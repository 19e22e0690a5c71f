import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Db } from '../store/db.js';
import type { DeliveryService } from './delivery-service.js';
import { LocalWorkers, MAX_DELIVERY_BATCH } from './local-workers.js';
import type { QueuedDelivery } from './outbox.js';
import { DeliveryQueueBase, type QueueStats } from './queue.js';

const QUEUE_NAME = 'knooppunt-delivery';

/**
 * BullMQ on Redis, for several gateway processes and workers. A process with a worker hands its own
 * committed batches, retries and reconciled deliveries to its local workers directly, without Redis
 * on the per-message path (BullMQ costs about 400 µs of CPU per job); a process without one (an API
 * process) adds one job per batch of delivery ids for the workers elsewhere. Redis only carries ids;
 * the outbox in the database stays the truth, so a flushed Redis is rebuilt by the reconciler.
 */
export class BullMqQueue extends DeliveryQueueBase {
  readonly kind = 'bullmq' as const;
  private readonly connection: Redis;
  private readonly queue: Queue;
  private worker: Worker | undefined;
  private workerConnection: Redis | undefined;
  private readonly local: LocalWorkers | undefined;

  constructor(
    db: Db,
    service: DeliveryService,
    logger: Logger,
    private readonly opts: { redisUrl: string; concurrency: number; reconcileIntervalMs: number; prefix?: string; runWorker?: boolean },
  ) {
    super(db, service, logger, opts.reconcileIntervalMs);
    if (opts.runWorker !== false) this.local = new LocalWorkers((ids) => this.processBatch(ids), logger, service.batchSize);
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
        // A batch job (`ids`), or a single one from an older version (`id`).
        const data = job.data as { ids?: string[]; id?: string };
        await this.processBatch(data.ids ?? (data.id ? [data.id] : []));
      },
      { connection: this.workerConnection, concurrency: Math.max(1, this.opts.concurrency), prefix: this.opts.prefix },
    );
    this.worker.on('error', (err: Error) => this.logger.warn({ err: err.message }, 'delivery worker error'));
    this.worker.on('failed', (job, err: Error) =>
      this.logger.error({ deliveries: (job?.data as { ids?: string[] } | undefined)?.ids?.length, err: err.message }, 'delivery job crashed; the reconciler will retry'),
    );
    await this.worker.waitUntilReady();
  }

  protected async push(items: QueuedDelivery[], delayMs: number): Promise<void> {
    if (this.local) return this.local.push(items.map((d) => d.id), delayMs);
    // One job per batch; a re-added id is harmless (the claim takes a delivery once), so no job ids.
    const jobs = [];
    for (let i = 0; i < items.length; i += MAX_DELIVERY_BATCH) {
      jobs.push({
        name: 'deliver-batch',
        data: { ids: items.slice(i, i + MAX_DELIVERY_BATCH).map((d) => d.id) },
        opts: { delay: delayMs, removeOnComplete: true, removeOnFail: true, attempts: 1 },
      });
    }
    await this.queue.addBulk(jobs);
  }

  async stats(): Promise<QueueStats> {
    const c = await this.queue.getJobCounts('waiting', 'delayed', 'active', 'prioritized');
    const l = this.local?.stats() ?? { waiting: 0, delayed: 0, active: 0 };
    return { waiting: (c.waiting ?? 0) + (c.prioritized ?? 0) + l.waiting, delayed: (c.delayed ?? 0) + l.delayed, active: (c.active ?? 0) + l.active };
  }

  async ping(): Promise<void> {
    await this.connection.ping();
  }

  protected async stopDriver(): Promise<void> {
    await this.local?.stop();
    // After Redis went away and came back, an idle BullMQ worker's close can wait for ever on its
    // blocking connection. Nothing is lost by not waiting (the outbox is the truth), so close in
    // bounded time and then drop the connections ourselves.
    await settleWithin(this.worker?.close() ?? Promise.resolve(), CLOSE_WAIT_MS);
    await settleWithin(this.queue.close(), CLOSE_WAIT_MS);
    this.workerConnection?.disconnect();
    this.connection.disconnect();
  }
}

/** How long a stop waits for BullMQ's own close before it disconnects regardless. */
const CLOSE_WAIT_MS = 5000;

async function settleWithin(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([p.catch(() => undefined), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
