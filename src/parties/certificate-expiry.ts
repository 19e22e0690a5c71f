/**
 * Certificate expiry per party, so an expiring PKIoverheid certificate is noticed before the chain
 * stops accepting it: two gauges for alerting (seconds until expiry; 1 when inside the warning
 * window), a warning in the log once a day per party inside that window, and the date in the console.
 */
import type { Logger } from 'pino';
import { Gauge, type Registry } from 'prom-client';
import type { PartyRegistry } from './registry.js';

const DAY_MS = 86_400_000;

export interface CertificateExpiryView {
  expires: string | null;
  expiringSoon: boolean;
  source: 'configured' | 'presented' | null;
}

export class CertificateExpiryWatch {
  private timer: NodeJS.Timeout | undefined;
  private readonly warned = new Map<string, number>();

  constructor(
    private readonly parties: PartyRegistry,
    registry: Registry,
    private readonly logger: Logger,
    private readonly warningDays: number,
  ) {
    const watch = this;
    new Gauge({
      name: 'knooppunt_party_certificate_expiry_seconds',
      help: "Seconds until the party's client certificate expires (negative once expired), per party",
      labelNames: ['party'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const p of parties.all()) {
          const v = parties.certificateValidity(p.id);
          if (v) this.set({ party: p.id }, Math.round((v.notAfter.getTime() - Date.now()) / 1000));
        }
      },
    });
    new Gauge({
      name: 'knooppunt_party_certificate_expiring',
      help: "1 when the party's client certificate expires within the warning window (KNOOPPUNT_CERT_EXPIRY_WARNING_DAYS) or has expired",
      labelNames: ['party'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const p of parties.all()) {
          if (parties.certificateValidity(p.id)) this.set({ party: p.id }, watch.forParty(p.id).expiringSoon ? 1 : 0);
        }
      },
    });
  }

  forParty(partyId: string, now = Date.now()): CertificateExpiryView {
    const v = this.parties.certificateValidity(partyId);
    if (!v) return { expires: null, expiringSoon: false, source: null };
    return { expires: v.notAfter.toISOString(), expiringSoon: v.notAfter.getTime() - now <= this.warningDays * DAY_MS, source: v.source };
  }

  /** Logs a warning for each party inside the window, at most once a day per party. */
  check(now = Date.now()): string[] {
    const due: string[] = [];
    for (const p of this.parties.all()) {
      const view = this.forParty(p.id, now);
      if (!view.expiringSoon) continue;
      due.push(p.id);
      const last = this.warned.get(p.id);
      if (last !== undefined && now - last < DAY_MS) continue;
      this.warned.set(p.id, now);
      this.logger.warn({ party: p.id, expires: view.expires, warningDays: this.warningDays }, 'client certificate of a party expires soon (or has expired)');
    }
    return due;
  }

  start(): void {
    this.check();
    this.timer = setInterval(() => this.check(), 60 * 60 * 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
