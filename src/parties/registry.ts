import type { GatewayConfig, PartyConfig, PartyKind, StufSysteem } from '../config/types.js';
import { hashApiKey, normaliseFingerprint } from './api-keys.js';

export interface Party {
  id: string;
  kind: PartyKind;
  name: string;
  code?: string;
  standards: string[];
  maySend: ReadonlySet<string>;
  /** Destination id, or 'mailbox'. */
  deliverTo: string;
  certFingerprints: ReadonlySet<string>;
  /** The party's StUF identity (organisatie + applicatie), when it speaks StUF. */
  stuf?: StufSysteem;
}

export type AuthResult =
  | { ok: true; party: Party; keyId: string }
  | { ok: false; reason: 'missing-credential' | 'unknown-credential' | 'expired-credential' | 'certificate-required' | 'certificate-mismatch' };

interface KeyEntry {
  party: Party;
  keyId: string;
  expires?: number;
}

/** Who is who: gemeenten, aanbieders, back offices and sources, and how each proves it. */
export class PartyRegistry {
  private readonly parties = new Map<string, Party>();
  private readonly keys = new Map<string, KeyEntry>();
  private readonly codes = new Map<string, Party>();
  private readonly stufSystemen = new Map<string, Party>();

  constructor(config: Pick<GatewayConfig, 'parties'>) {
    for (const pc of config.parties) this.add(pc);
  }

  private add(pc: PartyConfig): void {
    const party: Party = {
      id: pc.id,
      kind: pc.kind,
      name: pc.name,
      code: pc.code,
      standards: pc.standards ?? [],
      maySend: new Set(pc.maySend ?? []),
      deliverTo: pc.deliverTo ?? 'mailbox',
      certFingerprints: new Set((pc.credentials.certFingerprints ?? []).map(normaliseFingerprint)),
      ...(pc.stuf ? { stuf: pc.stuf } : {}),
    };
    if (pc.stuf) this.stufSystemen.set(stufKey(pc.stuf.organisatie, pc.stuf.applicatie), party);
    this.parties.set(party.id, party);
    if (party.code) this.codes.set(`${party.kind}:${party.code}`, party);
    for (const k of pc.credentials.apiKeys) {
      // End of the expiry day, in UTC.
      const expires = k.expires ? Date.parse(`${k.expires}T23:59:59.999Z`) : undefined;
      this.keys.set(k.sha256, { party, keyId: k.id, expires });
    }
  }

  get(id: string): Party | undefined {
    return this.parties.get(id);
  }

  byCode(kind: PartyKind, code: string): Party | undefined {
    return this.codes.get(`${kind}:${code}`);
  }

  /** The party a StUF zender/ontvanger names (organisatie + applicatie). */
  byStuf(organisatie: string, applicatie: string): Party | undefined {
    return this.stufSystemen.get(stufKey(organisatie, applicatie));
  }

  all(): Party[] {
    return [...this.parties.values()];
  }

  /**
   * Identifies a caller by API key and, where the party has registered certificates, also by the
   * TLS client certificate: both must match then.
   */
  authenticate(apiKey: string | undefined, certFingerprint?: string, now: number = Date.now()): AuthResult {
    if (!apiKey) return { ok: false, reason: 'missing-credential' };
    const entry = this.keys.get(hashApiKey(apiKey));
    if (!entry) return { ok: false, reason: 'unknown-credential' };
    if (entry.expires !== undefined && now > entry.expires) return { ok: false, reason: 'expired-credential' };
    const { party } = entry;
    if (party.certFingerprints.size > 0) {
      if (!certFingerprint) return { ok: false, reason: 'certificate-required' };
      if (!party.certFingerprints.has(normaliseFingerprint(certFingerprint))) return { ok: false, reason: 'certificate-mismatch' };
    }
    return { ok: true, party, keyId: entry.keyId };
  }
}

function stufKey(organisatie: string, applicatie: string): string {
  return `${organisatie}\u0000${applicatie}`;
}
