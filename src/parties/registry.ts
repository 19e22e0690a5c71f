import { hashPassword, isPasswordHash, PasswordCheckCache } from './passwords.js';
import type { GatewayConfig, PartyConfig, PartyKind, StufSysteem } from '../config/types.js';
import { hashApiKey, normaliseFingerprint } from './api-keys.js';
import { describeCertificate, readPemBundle, type CertificateCheck, type ClientCertificate } from './certificates.js';
import { readFileSync } from 'node:fs';

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
  /** The party's OIN (Organisatie-identificatienummer, 20 digits): a PKIoverheid certificate carrying it identifies the party. */
  oin?: string;
  /** The party's StUF identity (organisatie + applicatie), when it speaks StUF. */
  stuf?: StufSysteem;
}

export type AuthResult =
  | { ok: true; party: Party; keyId: string; certificate?: ClientCertificate }
  | {
      ok: false;
      reason:
        | 'missing-credential'
        | 'unknown-credential'
        | 'expired-credential'
        | 'certificate-required'
        | 'certificate-mismatch'
        | 'unknown-certificate'
        | Extract<CertificateCheck, { ok: false }>['reason'];
      /** The refused certificate's fingerprint (never anything personal), for the log. */
      certificate?: string;
    };

/** What the registry knows about a party's certificate: configured, or last presented. */
export interface CertificateValidity {
  fingerprint: string;
  notAfter: Date;
  source: 'configured' | 'presented';
}

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
  private readonly byFingerprint = new Map<string, Party>();
  private readonly byOin = new Map<string, Party>();
  /** Per party, the certificate that expires first among those known (configured or seen). */
  private readonly validity = new Map<string, CertificateValidity>();
  private readonly passwords = new Map<string, { party: Party; id: string; scrypt: string; expires?: number }>();
  private readonly passwordChecks = new PasswordCheckCache();

  constructor(config: Pick<GatewayConfig, 'parties'>) {
    for (const pc of config.parties) this.add(pc);
  }

  private add(pc: PartyConfig): void {
    const fingerprints = new Set((pc.credentials.certFingerprints ?? []).map(normaliseFingerprint));
    const configured = (pc.credentials.certificateFiles ?? []).flatMap((file) => readPemBundle(readFileSync(file, 'utf8')).map(describeCertificate));
    for (const c of configured) fingerprints.add(c.fingerprint);
    const party: Party = {
      id: pc.id,
      kind: pc.kind,
      name: pc.name,
      code: pc.code,
      standards: pc.standards ?? [],
      maySend: new Set(pc.maySend ?? []),
      deliverTo: pc.deliverTo ?? 'mailbox',
      certFingerprints: fingerprints,
      ...(pc.oin ? { oin: pc.oin } : {}),
      ...(pc.stuf ? { stuf: pc.stuf } : {}),
    };
    for (const fp of party.certFingerprints) this.byFingerprint.set(fp, party);
    if (party.oin) this.byOin.set(party.oin, party);
    for (const c of configured) this.noteCertificate(party.id, c.fingerprint, c.notAfter, 'configured');
    if (pc.stuf) this.stufSystemen.set(stufKey(pc.stuf.organisatie, pc.stuf.applicatie), party);
    this.parties.set(party.id, party);
    if (party.code) this.codes.set(`${party.kind}:${party.code}`, party);
    for (const pw of pc.credentials.passwords ?? []) {
      if (this.passwords.has(pw.username)) throw new Error(`party ${pc.id}: username ${pw.username} is already another credential's`);
      if (!isPasswordHash(pw.scrypt)) throw new Error(`party ${pc.id}: password ${pw.id} is not a scrypt hash (knooppunt hash-password)`);
      const expires = pw.expires ? Date.parse(`${pw.expires}T23:59:59.999Z`) : undefined;
      this.passwords.set(pw.username, { party, id: pw.id, scrypt: pw.scrypt, expires });
    }
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

  /** Does this party identify itself with a certificate (fingerprint or OIN)? */
  usesCertificates(party: Party): boolean {
    return party.certFingerprints.size > 0 || party.oin !== undefined;
  }

  /** The party a (checked) certificate belongs to: by fingerprint first, then by OIN. */
  byCertificate(cert: ClientCertificate): Party | undefined {
    return this.byFingerprint.get(cert.fingerprint) ?? (cert.oin ? this.byOin.get(cert.oin) : undefined);
  }

  /** Remembers a certificate's expiry for a party; the earliest expiry among its certificates is what the console and metrics show. */
  noteCertificate(partyId: string, fingerprint: string, notAfter: Date, source: CertificateValidity['source']): void {
    const known = this.validity.get(partyId);
    // Of configured certificates the first to expire is what matters; a newly presented one replaces an
    // earlier presented one (the party rotated its certificate).
    if (known && known.fingerprint !== fingerprint && known.notAfter <= notAfter && !(known.source === 'presented' && source === 'presented')) return;
    this.validity.set(partyId, { fingerprint, notAfter, source: known?.fingerprint === fingerprint && known.source === 'configured' ? 'configured' : source });
  }

  certificateValidity(partyId: string): CertificateValidity | undefined {
    return this.validity.get(partyId);
  }

  /**
   * Identifies a caller by API key, by client certificate, or both. A presented certificate must be
   * valid (trusted CA, in its validity period, not revoked) whatever else is presented. With a key:
   * where the party has registered fingerprints a certificate is required, and any certificate
   * presented must be the party's own (by fingerprint or OIN). Without a key: the certificate alone identifies the party. A string is taken as a
   * fingerprint already checked by the TLS layer (kept for callers that have only that).
   */
  /**
   * Identifies a caller by username and password (HTTP Basic, WS-Security UsernameToken). An
   * unknown username costs a hash check all the same, so timing does not tell which usernames
   * exist. A party with registered certificates must present one of them as well.
   */
  /** Would checking this username and password run scrypt (not a remembered success)? */
  passwordNeedsHash(username: string, password: string): boolean {
    const entry = this.passwords.get(username);
    return !entry || !this.passwordChecks.remembered(password, entry.scrypt);
  }

  authenticatePassword(username: string, password: string, cert?: CertificateCheck, now: number = Date.now()): AuthResult {
    if (cert && !cert.ok) return { ok: false, reason: cert.reason, ...(cert.certificate ? { certificate: cert.certificate.fingerprint } : {}) };
    const entry = this.passwords.get(username);
    const ok = this.passwordChecks.check(password, entry?.scrypt ?? DUMMY_HASH) && entry !== undefined;
    if (!ok || !entry) return { ok: false, reason: 'unknown-credential' };
    if (entry.expires !== undefined && now > entry.expires) return { ok: false, reason: 'expired-credential' };
    const certificate = cert?.ok ? cert.certificate : undefined;
    if (this.usesCertificates(entry.party)) {
      if (!certificate) return { ok: false, reason: 'certificate-required' };
      if (this.byCertificate(certificate) !== entry.party) return { ok: false, reason: 'certificate-mismatch', certificate: certificate.fingerprint };
    }
    return { ok: true, party: entry.party, keyId: `password:${entry.id}`, ...(certificate ? { certificate } : {}) };
  }

  authenticate(apiKey: string | undefined, cert?: string | CertificateCheck, now: number = Date.now()): AuthResult {
    const check: CertificateCheck | undefined =
      typeof cert === 'string'
        ? { ok: true, certificate: { fingerprint: normaliseFingerprint(cert), subject: '', serialNumber: '', notBefore: new Date(0), notAfter: new Date(8.64e15) } }
        : cert;
    if (check && !check.ok) return { ok: false, reason: check.reason, ...(check.certificate ? { certificate: check.certificate.fingerprint } : {}) };
    const certificate = check?.ok ? check.certificate : undefined;
    if (!apiKey) {
      if (!certificate) return { ok: false, reason: 'missing-credential' };
      const party = this.byCertificate(certificate);
      if (!party) return { ok: false, reason: 'unknown-certificate', certificate: certificate.fingerprint };
      return { ok: true, party, keyId: `certificate:${certificate.fingerprint.slice(0, 16)}`, certificate };
    }
    const entry = this.keys.get(hashApiKey(apiKey));
    if (!entry) return { ok: false, reason: 'unknown-credential' };
    if (entry.expires !== undefined && now > entry.expires) return { ok: false, reason: 'expired-credential' };
    const { party } = entry;
    // Registered fingerprints make the certificate required next to the key; an OIN alone does not
    // (a party may still use only its key), but a certificate presented with a key must be the party's own.
    if (party.certFingerprints.size > 0 && !certificate) return { ok: false, reason: 'certificate-required' };
    if (certificate && this.byCertificate(certificate) !== party) return { ok: false, reason: 'certificate-mismatch', certificate: certificate.fingerprint };
    return { ok: true, party, keyId: entry.keyId, ...(certificate ? { certificate } : {}) };
  }
}

/** Checked against when the username is unknown, so that an unknown username costs as much as a wrong password. */
const DUMMY_HASH = hashPassword('knooppunt-no-such-user', Buffer.alloc(16));

function stufKey(organisatie: string, applicatie: string): string {
  return `${organisatie}\u0000${applicatie}`;
}
