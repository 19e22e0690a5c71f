/**
 * Cross-links the chains of the exchange log. Each chain verifies on its own, so an owner of the
 * tables could cut the tail of one chain and point its head back without any other chain noticing.
 * A chain_anchor event, appended at intervals to whichever chain is free, records every other
 * chain's head (seq and hash); it is itself chained and hashed, so verify-log checks that each
 * recorded head is still in the log as recorded and names the range that is missing.
 */
import type { Logger } from 'pino';
import type { Db } from '../store/db.js';
import type { ExchangeEvent } from '../core/message.js';
import type { ExchangeLog } from './exchange-log.js';
import { readHeads, type ChainHead } from './anchor.js';

/** The heads a chain_anchor event's detail records; anything malformed is ignored (the hash already covers it). */
export function recordedHeads(detail: Record<string, unknown>): ChainHead[] {
  const heads = detail.heads;
  if (!Array.isArray(heads)) return [];
  return heads.flatMap((h: unknown) => {
    const c = h as Partial<ChainHead> | null;
    return c && typeof c.chain === 'string' && Number.isSafeInteger(c.seq) && typeof c.hash === 'string' ? [{ chain: c.chain, seq: c.seq!, hash: c.hash }] : [];
  });
}

/** Appends a chain_anchor event at an interval when any head moved since the last one. Never disturbs the gateway. */
export class ChainAnchorWriter {
  private timer: NodeJS.Timeout | undefined;
  private last = '';
  private running: Promise<void> = Promise.resolve();
  readonly counts = { written: 0, failed: 0 };

  constructor(
    private readonly db: Db,
    private readonly log: ExchangeLog,
    private readonly logger: Logger,
  ) {}

  start(intervalMs: number): void {
    if (intervalMs <= 0) return;
    this.timer = setInterval(() => {
      this.running = this.running.then(() => this.writeNow().then(() => undefined, () => undefined));
    }, intervalMs);
    this.timer.unref();
  }

  /** Appends one chain_anchor event now, unless no head moved or there is only one chain. */
  async writeNow(): Promise<ExchangeEvent | undefined> {
    const heads = await readHeads(this.db);
    const key = JSON.stringify(heads);
    if (heads.length < 2 || key === this.last) return undefined;
    try {
      const ev = await this.db.transaction((tx) => this.log.appendChainAnchor(tx));
      // The anchor event moved a head itself; what counts is that nothing else moved since.
      this.last = JSON.stringify(await readHeads(this.db));
      if (ev) this.counts.written++;
      return ev;
    } catch (err) {
      this.counts.failed++;
      this.logger.error({ err: (err as Error).message }, 'chain anchor: could not append the chain_anchor event');
      return undefined;
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
