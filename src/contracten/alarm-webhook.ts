/**
 * Delivers ceiling alerts to the configured webhook: every alert row is POSTed as JSON until the
 * receiver answers 2xx, retried with a growing pause (the row stays the record: a restart or a
 * second gateway process picks up what is undelivered; FOR UPDATE SKIP LOCKED keeps two processes
 * from sending the same alert at once). The body names contract, period, threshold and amounts:
 * no personal data.
 */
import type { Logger } from 'pino';
import type { Db } from '../store/db.js';

export interface AlarmWebhookConfig {
  url: string;
  timeoutMs?: number;
  headers?: Record<string, string>;
}

interface AlarmRij {
  id: number | string;
  sleutel: string;
  detail: Record<string, unknown> | string;
  ontstaan_op: Date | string;
  webhook_pogingen: number;
}

export class AlarmWebhook {
  private timer: NodeJS.Timeout | undefined;
  private bezig: Promise<void> | undefined;
  private gestopt = false;

  constructor(
    private readonly db: Db,
    private readonly config: AlarmWebhookConfig,
    private readonly logger: Logger,
    private readonly intervalMs = 5000,
  ) {}

  start(): void {
    this.gestopt = false;
    this.plan(0);
  }

  /** Sends what is waiting now (after an alert was raised), instead of at the next interval. */
  kick(): void {
    if (!this.gestopt) this.plan(20);
  }

  async stop(): Promise<void> {
    this.gestopt = true;
    clearTimeout(this.timer);
    await this.bezig;
  }

  private plan(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      const ronde = (this.bezig ?? Promise.resolve())
        .then(async () => void (await this.ronde()))
        .catch((err: Error) => this.logger.warn({ err: err.message }, 'contract alert webhook: round failed'))
        .finally(() => {
          if (!this.gestopt) this.plan(this.intervalMs);
        });
      this.bezig = ronde;
    }, ms);
    this.timer.unref();
  }

  /** One round: every undelivered alert whose back-off has passed, oldest first. */
  async ronde(): Promise<number> {
    let bezorgd = 0;
    await this.db.transaction(async (tx) => {
      const r = await tx.query<AlarmRij>(
        `SELECT id, sleutel, detail, ontstaan_op, webhook_pogingen FROM contract_alarmen
          WHERE webhook_bezorgd_op IS NULL AND webhook_pogingen < 50
          ORDER BY id LIMIT 20 FOR UPDATE SKIP LOCKED`,
      );
      for (const a of r.rows) {
        const detail = typeof a.detail === 'string' ? (JSON.parse(a.detail) as Record<string, unknown>) : a.detail;
        const ok = await this.stuur({ id: a.sleutel, ontstaanOp: new Date(a.ontstaan_op).toISOString(), ...detail });
        if (ok) bezorgd++;
        await tx.query(`UPDATE contract_alarmen SET webhook_pogingen = webhook_pogingen + 1, webhook_bezorgd_op = CASE WHEN $2 THEN now() ELSE NULL END WHERE id = $1`, [a.id, ok]);
        if (!ok) break; // the receiver is down: the rest waits for the next round
      }
    });
    return bezorgd;
  }

  private async stuur(body: Record<string, unknown>): Promise<boolean> {
    try {
      const res = await fetch(this.config.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'webhook-id': String(body.id), ...(this.config.headers ?? {}) },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.config.timeoutMs ?? 5000),
        redirect: 'error',
      });
      await res.body?.cancel();
      return res.status >= 200 && res.status < 300;
    } catch {
      return false;
    }
  }
}
