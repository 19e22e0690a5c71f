import type { Db } from './db.js';

/**
 * Readiness that sees a full disk. A `SELECT 1` still succeeds when the disk is full, so readiness
 * also commits a real, tiny write: one fixed row of `store_write_probe`, overwritten in place
 * (bounded: the table never holds more than that row). It runs at most once per `minIntervalMs`;
 * concurrent readiness calls share the probe in flight and, in between, the last result.
 */
export class StoreNotWritable extends Error {
  constructor(readonly reason: string, detail: string) {
    super(`${reason}: ${detail}`);
  }
}

export class WriteProbe {
  private last?: { at: number; error?: StoreNotWritable };
  private inFlight?: Promise<void>;

  constructor(
    private readonly db: Db,
    private readonly opts: { minIntervalMs: number; now?: () => number },
  ) {}

  /** Resolves when the store accepted a write recently; throws StoreNotWritable with the reason otherwise. */
  async check(): Promise<void> {
    const now = (this.opts.now ?? Date.now)();
    if (this.last && now - this.last.at < this.opts.minIntervalMs) {
      if (this.last.error) throw this.last.error;
      return;
    }
    this.inFlight ??= this.probe().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async probe(): Promise<void> {
    try {
      await this.db.query(
        `INSERT INTO store_write_probe (id, probed_at) VALUES (1, now())
         ON CONFLICT (id) DO UPDATE SET probed_at = excluded.probed_at`,
      );
      this.last = { at: (this.opts.now ?? Date.now)() };
    } catch (err) {
      const error = classify(err);
      this.last = { at: (this.opts.now ?? Date.now)(), error };
      throw error;
    }
  }
}

/** The reason in operators' words: PostgreSQL's SQLSTATE class 53 and 25006, or the errno of the file system. */
export function classify(err: unknown): StoreNotWritable {
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  const message = (typeof e.message === 'string' ? e.message : String(err)).slice(0, 200);
  if (code === '53100' || code === 'ENOSPC' || /no space left on device/i.test(message)) return new StoreNotWritable('disk-full', message);
  if (code === 'EDQUOT') return new StoreNotWritable('quota-exceeded', message);
  if (code === '25006' || code === 'EROFS') return new StoreNotWritable('read-only', message);
  if (code.startsWith('53')) return new StoreNotWritable('insufficient-resources', message);
  return new StoreNotWritable('write-failed', message);
}
