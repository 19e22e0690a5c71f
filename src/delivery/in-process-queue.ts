import type { Logger } from 'pino';
import type { Db } from '../store/db.js';
import type { DeliveryService } from './delivery-service.js';
import type { QueuedDelivery } from './outbox.js';
import { DeliveryQueueBase, type QueueStats } from './queue.js';

/** The embedded default: delivery workers inside the gateway process, over the same outbox. */
export class InProcessQueue extends DeliveryQueueBase {
  readonly kind = 'in-process' as const;
  private readonly ready = new Set<string>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private active = 0;
  private readonly running = new Set<string>();
  private idle: (() => void) | undefined;

  constructor(db: Db, service: DeliveryService, logger: Logger, opts: { concurrency: number; reconcileIntervalMs: number }) {
    super(db, service, logger, opts.reconcileIntervalMs);
    this.concurrency = Math.max(1, opts.concurrency);
  }

  private readonly concurrency: number;

  protected async startDriver(): Promise<void> {}

  protected async push(items: QueuedDelivery[], delayMs: number): Promise<void> {
    for (const { id } of items) {
      if (delayMs > 0) {
        if (this.timers.has(id)) continue;
        const t = setTimeout(() => {
          this.timers.delete(id);
          this.ready.add(id);
          this.pump();
        }, delayMs);
        t.unref();
        this.timers.set(id, t);
      } else if (!this.running.has(id)) {
        this.ready.add(id);
      }
    }
    this.pump();
  }

  private pump(): void {
    while (!this.stopping && this.active < this.concurrency && this.ready.size > 0) {
      const id = this.ready.values().next().value as string;
      this.ready.delete(id);
      this.running.add(id);
      this.active++;
      this.process(id)
        .catch((err: Error) => this.logger.error({ deliveryId: id, err: err.message }, 'delivery attempt crashed; the reconciler will retry'))
        .finally(() => {
          this.active--;
          this.running.delete(id);
          if (this.active === 0 && this.idle) this.idle();
          this.pump();
        });
    }
  }

  async stats(): Promise<QueueStats> {
    return { waiting: this.ready.size, delayed: this.timers.size, active: this.active };
  }

  async ping(): Promise<void> {}

  protected async stopDriver(): Promise<void> {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.ready.clear();
    if (this.active > 0) await new Promise<void>((resolve) => (this.idle = resolve));
  }
}
