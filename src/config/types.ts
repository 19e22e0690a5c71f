import type { ContractenConfig } from '../contracten/config.js';
/** The gateway's configuration file (KNOOPPUNT_CONFIG): parties, destinations and routes. */

export type PartyKind = 'gemeente' | 'aanbieder' | 'backoffice' | 'bron' | 'regio';

export interface PasswordConfig {
  /** A name for the credential, for rotation and the audit log. */
  id: string;
  /** Unique over all parties; no colon (HTTP Basic separates at the first one). */
  username: string;
  /** `scrypt$N$r$p$salt$hash` (src/parties/passwords.ts). */
  scrypt: string;
  /** Optional ISO date after which the credential is refused. */
  expires?: string;
}

export interface ApiKeyConfig {
  /** A name for the key, so it can be rotated and audited without revealing it. */
  id: string;
  /** SHA-256 (hex) of the key: the key itself is never stored. `knooppunt hash-key` makes one. */
  sha256: string;
  /** Optional ISO date after which the key is refused. */
  expires?: string;
}

export interface PartyConfig {
  id: string;
  kind: PartyKind;
  name: string;
  /** CBS gemeentecode (4 digits) for a gemeente, AGB code (8 digits) for an aanbieder. */
  code?: string;
  credentials: {
    apiKeys: ApiKeyConfig[];
    /** SHA-256 fingerprints of accepted TLS client certificates (when the gateway terminates TLS). */
    certFingerprints?: string[];
    /**
     * PEM files of the party's client certificates: their fingerprints are accepted like
     * certFingerprints, and their expiry shows in the console and the metrics.
     */
    certificateFiles?: string[];
    /** Username/password credentials (HTTP Basic, WS-Security UsernameToken); the password only as a scrypt hash (`knooppunt hash-password`). */
    passwords?: PasswordConfig[];
  };
  /** The party's OIN (20 digits): a PKIoverheid client certificate whose subject serialNumber is this OIN identifies the party. */
  oin?: string;
  standards?: string[];
  /** Message types this party may send; absent means none. */
  maySend?: string[];
  /** Where messages addressed to this party go: a destination id, or `mailbox` (the default). */
  deliverTo?: string;
  /** How the party appears in StUF stuurgegevens (zender/ontvanger). */
  stuf?: StufSysteem;
  /** This party's own rate limit (requests per minute, burst the same); 0 = none. Default: KNOOPPUNT_RATE_LIMIT_PER_MINUTE. */
  rateLimitPerMinute?: number;
}

export interface StufSysteem {
  organisatie: string;
  applicatie: string;
  administratie?: string;
  gebruiker?: string;
}

export interface WebhookDestinationConfig {
  id: string;
  type: 'webhook';
  url: string;
  party?: string;
  timeoutMs?: number;
  headers?: Record<string, string>;
  /** Name of an environment variable holding the HMAC secret that signs each body. */
  signingSecretEnv?: string;
  /** The client certificate knooppunt presents to this endpoint (mutual TLS). */
  tls?: ClientTlsConfig;
}

/** A client certificate and key (PEM files) knooppunt presents to an endpoint, and the CAs it trusts for that endpoint. */
export interface ClientTlsConfig {
  certFile: string;
  keyFile: string;
  caFile?: string;
}

export interface MailboxDestinationConfig {
  id: string;
  type: 'mailbox';
  party: string;
}

/** A StUF-ZKN zaaksysteem: kennisgevingen are delivered as SOAP to its OntvangAsynchroon endpoint. */
export interface StufDestinationConfig {
  id: string;
  type: 'stuf';
  url: string;
  party: string;
  timeoutMs?: number;
  headers?: Record<string, string>;
  tls?: ClientTlsConfig;
}

/** The GGk (or another ISD-chain node): berichten go out wrapped in a ggk0210 Di01/Du01 envelope over SOAP. */
export interface GgkDestinationConfig {
  id: string;
  type: 'ggk';
  url: string;
  party?: string;
  timeoutMs?: number;
  headers?: Record<string, string>;
  tls?: ClientTlsConfig;
  /** The applicatie named as ontvanger in the envelope (default GGk). */
  ontvangerApplicatie?: string;
}

export type DestinationConfig = WebhookDestinationConfig | MailboxDestinationConfig | StufDestinationConfig | GgkDestinationConfig;

export interface ContentCondition {
  path: string;
  equals?: string | number | boolean;
  in?: Array<string | number>;
  exists?: boolean;
}

/** A region: gemeenten (CBS codes) that routes address together (`receiver: { regio: <id> }`). */
export interface RegioConfig {
  id: string;
  naam: string;
  gemeenten: string[];
}

/**
 * Who a route matches as sender or receiver: a party id or pattern (`gemeente-*`), a list of them,
 * or every gemeente of one or more regions (src/routing/regions.ts), without the parties in `behalve`.
 */
export type PartySelector = string | string[] | { regio: string | string[]; behalve?: string[] };

export interface RouteConfig {
  id: string;
  description?: string;
  match: {
    standard: string;
    messageType: string | string[];
    sender?: PartySelector;
    receiver?: PartySelector;
    content?: ContentCondition[];
  };
  /** A mapping file or codec. A sealed route has none: absent or `passthrough` (set to `passthrough` at load). */
  mapping: string;
  /**
   * A sealed-envelope route (standard `sealed`, message type `verzegeld`): the payload is end-to-end
   * encrypted bytes knooppunt may not open. It routes on the envelope's metadata only, never parses
   * or maps the content, logs only metadata and a digest, and delivers the bytes unchanged with their
   * content type. Content conditions may only name metadata fields (see SEALED_METADATA_FIELDS).
   */
  sealed?: boolean;
  /** Destination ids, or `$receiver` for the addressed party's own endpoint or mailbox. */
  destinations: string[];
  delivery?: {
    maxAttempts?: number;
    backoffMs?: number;
    maxBackoffMs?: number;
    /** Deliver in order per receiver and citizen (e.g. start before stop). */
    ordering?: 'none' | 'receiver-subject';
  };
  /** For the processing register and transparency reports. */
  purpose?: string;
  legalBasis?: string;
  dataCategories?: string[];
  retentionDays?: number;
}

export interface GatewayConfig {
  parties: PartyConfig[];
  destinations?: DestinationConfig[];
  routes: RouteConfig[];
  /** Regions: gemeenten that routes address together; also scopes of the contract insight views. */
  regios?: RegioConfig[];
  bronnen?: BronConfig[];
  bevragingen?: BevragingConfig[];
  console?: ConsoleConfig;
  /** The region's contract register, its checks and its ceiling monitor (src/contracten/, docs/contracten.md). */
  contracten?: ContractenConfig;
  /** The GGk channel: berichttypen frozen for a period (answered Fo01 IB103), as the GGk does around a release. */
  ggk?: { bevroren?: Array<{ berichttype: string; van: string; tot: string }> };
}

export type ConsoleRole = 'beheerder' | 'privacy' | 'auditor';

/** A person who signs in to the administrator console (separate from party API keys). */
export interface ConsoleUserConfig {
  id: string;
  name: string;
  role: ConsoleRole;
  /** `scrypt$<salt b64>$<hash b64>`; `knooppunt hash-password` makes one. The password itself is never stored. */
  passwordHash: string;
}

export interface ConsoleConfig {
  users: ConsoleUserConfig[];
}

/** A source that answers bevragingen: a JSON API (POST {bsn}) or a SOAP service (BronVraag). */
export interface BronConfig {
  id: string;
  /** The source as a party (who answered, in the log). */
  party: string;
  type: 'json' | 'soap';
  url: string;
  soapAction?: string;
  timeoutMs?: number;
  headers?: Record<string, string>;
  tls?: ClientTlsConfig;
}

/** A purpose-bound route for a bevraging: who may ask what, for which purpose, on which legal basis. */
export interface BevragingConfig {
  id: string;
  dienst: string;
  /** The purpose code a requester states. */
  doel: string;
  omschrijving?: string;
  /** The legal basis. */
  grondslag: string;
  dataCategories: string[];
  /** Party ids (globs allowed) that may ask for this purpose. */
  partijen: string[];
  bron: string;
  /** Declarative mapping: the source's answer → only what this purpose allows. */
  mapping: string;
  cache?: { ttlSeconds: number };
  retentionDays?: number;
}
