import type { Logger } from 'pino';

/** Most deliveries one worker batch takes: its claim, reads and outcome transaction are one statement each for all of them. */
export const MAX_DELIVERY_BATCH = 64;

/**
 * Batches one process runs at once: one recording its outcomes while the next sends keeps the
 * send slots busy; more would only wait for the same slots (see send-slots.ts).
 */
export const BATCHES_IN_FLIGHT = 2;

/**
 * Delivery workers inside this process: ids handed over directly (after a commit, a retry timer, or
 * the reconciler) wait in one set and are taken in batches. At most BATCHES_IN_FLIGHT batches run
 * at a time (the sends themselves are limited by the delivery service's send slots); a batch takes its share of what is waiting (up to MAX_DELIVERY_BATCH), so under light load
 * each delivery goes at once on its own and under heavy load the batches grow. Nothing here is the
 * truth: the outbox is, and what is lost here (a crash) the reconciler finds there again.
 */
export class LocalWorkers {
  private readonly ready = new Set<string>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Set<string>();
  /**
   * Handed over again while a batch had them: taken again once that batch is done. The batch may
   * have found such a delivery not yet claimable (its predecessor in order still in flight) just
   * before that predecessor's batch handed it on; dropped, it waited for the reconciler, and with a
   * backlog behind a few receivers and citizens delivery crawled (17 instead of 850 msg/s).
   */
  private readonly again = new Set<string>();
  private active = 0;
  private stopping = false;
  private idle: (() => void) | undefined;
  private readonly concurrency = BATCHES_IN_FLIGHT;

  constructor(
    private readonly run: (ids: string[]) => Promise<void>,
    private readonly logger: Logger,
    private readonly maxBatch = MAX_DELIVERY_BATCH,
  ) {}

  push(ids: Iterable<string>, delayMs: number): void {
    if (this.stopping) return;
    for (const id of ids) {
      if (delayMs > 0) {
        if (this.timers.has(id)) continue;
        const t = setTimeout(() => {
          this.timers.delete(id);
          this.ready.add(id);
          this.pump();
        }, delayMs);
        t.unref();
        this.timers.set(id, t);
      } else if (this.running.has(id)) {
        this.again.add(id);
      } else {
        this.ready.add(id);
      }
    }
    this.pump();
  }

  private pump(): void {
    while (!this.stopping && this.active < this.concurrency && this.ready.size > 0) {
      const take = Math.min(this.maxBatch, Math.max(1, Math.ceil(this.ready.size / (this.concurrency - this.active))));
      const ids: string[] = [];
      for (const id of this.ready) {
        ids.push(id);
        if (ids.length >= take) break;
      }
      for (const id of ids) {
        this.ready.delete(id);
        this.running.add(id);
      }
      this.active++;
      this.run(ids)
        .catch((err: Error) => this.logger.error({ deliveries: ids.length, err: err.message }, 'delivery batch crashed; the reconciler will retry'))
        .finally(() => {
          this.active--;
          for (const id of ids) {
            this.running.delete(id);
            if (this.again.delete(id) && !this.stopping) this.ready.add(id);
          }
          if (this.active === 0 && this.idle) this.idle();
          this.pump();
        });
    }
  }

  stats(): { waiting: number; delayed: number; active: number } {
    return { waiting: this.ready.size, delayed: this.timers.size, active: this.running.size };
  }

  /** Stops taking work and waits for the batches in flight. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.ready.clear();
    this.again.clear();
    if (this.active > 0) await new Promise<void>((resolve) => (this.idle = resolve));
  }
}
