/**
 * At most `limit` attempts on the wire at once, across all batches of this process: the delivery
 * concurrency an operator sets protects the receivers, however large the batches grow.
 */
export class SendSlots {
  private free: number;
  private readonly waiting: Array<() => void> = [];

  readonly limit: number;

  constructor(limit: number) {
    this.limit = Math.max(1, limit);
    this.free = this.limit;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await fn();
    } finally {
      // Hand the slot straight to the next in line (or give it back).
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    }
  }
}
