/**
 * A short-lived answer cache for bevragingen, per (bevraging route, citizen): a repeated question
 * within one case need not ask the source again. The route is part of the key, so an answer given
 * for one purpose is never reused for another. Citizens are keyed by their keyed hash; entries
 * live in memory only and expire; the size is bounded.
 */
export class BevragingCache<T> {
  private readonly entries = new Map<string, { until: number; value: T }>();

  constructor(private readonly maxEntries = 10_000) {}

  get(route: string, subject: string, now = Date.now()): T | undefined {
    const key = `${route}\u0000${subject}`;
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.until <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return e.value;
  }

  set(route: string, subject: string, value: T, ttlSeconds: number, now = Date.now()): void {
    const key = `${route}\u0000${subject}`;
    this.entries.delete(key);
    this.entries.set(key, { until: now + ttlSeconds * 1000, value });
    // Oldest first: a Map keeps insertion order.
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }

  get size(): number {
    return this.entries.size;
  }
}
