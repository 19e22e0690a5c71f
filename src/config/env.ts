import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { codelijstenMap } from '../codelijsten/index.js';
import { defaultPoolSize } from '../util/worker-pool.js';
import { spanExportUrl } from '../chain/spans.js';

/** Everything the gateway reads from its environment, with safe defaults. The Docker image uses the same names. */
export interface GatewayEnv {
  port: number;
  host: string;
  production: boolean;
  dataDir: string;
  /** KNOOPPUNT_PGLITE_TEMPLATE: tarball a new embedded database starts from instead of initdb (tests, CI); see src/store/pglite.ts. */
  pgliteTemplate?: string;
  /** KNOOPPUNT_PGLITE_THREAD: `worker` (default) runs the embedded database on a thread of its own, `main` on the event loop; see src/store/pglite-remote.ts. */
  pgliteThread: 'worker' | 'main';
  /** KNOOPPUNT_PGLITE_SHARED_BUFFERS: the embedded database's buffer cache (PostgreSQL's shared_buffers, e.g. 16MB); unset, PostgreSQL's default of 128MB. */
  pgliteSharedBuffers?: string;
  databaseUrl?: string;
  redisUrl?: string;
  configPath: string;
  mappingsDir: string;
  schemasDir: string;
  /** Folder with the code-list data files (gemeentecodes.json, istandaarden.json); KNOOPPUNT_CODELIJSTEN_DIR. */
  codelijstenDir: string;
  /** Base64 or hex of 32 bytes. Required in production. */
  encryptionKey?: string;
  /** Earlier keys, comma separated, still accepted for decryption after a rotation. */
  previousEncryptionKeys: string[];
  logLevel: string;
  maxBodyBytes: number;
  /** Largest iJw/iWmo bericht accepted on the provider channel (the GGk's limit is 25 MB). */
  istandaardenMaxBytes: number;
  /** The applicatie name knooppunt uses for itself in StUF stuurgegevens. */
  stufApplicatie: string;
  /** KNOOPPUNT_STUF_XSD_DIR: validate StUF against the official schema folder (holding zds-1.1.02/ and zds-1.2/) instead of schemas/stuf. */
  stufXsdDir?: string;
  /** A folder with the official iJw/iWmo 3.2 XSDs as Zorginstituut publishes them (ijw-3.2/, iwmo-3.2/): validate against those instead of knooppunt's own. */
  istandaardenXsdDir?: string;
  deliveryConcurrency: number;
  reconcileIntervalMs: number;
  shutdownTimeoutMs: number;
  /** How long after an attempt's timeout a claimed delivery may be taken again (after a crash). */
  leaseMarginMs: number;
  /** Redis key prefix for the BullMQ queue, so several gateways can share one Redis. */
  queuePrefix: string;
  /** Retention of a message whose route or bevraging names none (days; default 2555 = 7 years). */
  retentionDays: number;
  /** Expired messages per purge transaction (the purge runs in batches, with progress). */
  purgeBatch: number;
  /** Requests per party per minute (fixed one-minute window; shared through Redis when configured); 0 = no limit. */
  rateLimitPerMinute: number;
  /** Password checks that need scrypt, per client address per minute (HTTP Basic, WS-Security). */
  passwordAttemptsPerAddressPerMinute: number;
  /** Mutual TLS and client certificates (docs/chain/mtls.md). */
  tls: {
    /** Server certificate and key (PEM files): when both are set the gateway listens on HTTPS. */
    certFile?: string;
    keyFile?: string;
    /** CAs whose client certificates identify parties (PEM bundle, e.g. the PKIoverheid private services CA). */
    clientCaFile?: string;
    /** A CRL of that CA: revoked client certificates are refused. */
    crlFile?: string;
    /** Refuse a connection without a valid client certificate already at the TLS handshake. */
    requireClientCert: boolean;
    /** The header in which a trusted TLS-terminating proxy passes the client certificate (URL-encoded PEM). */
    clientCertHeader?: string;
    /** Addresses that may set that header (default loopback). */
    trustedProxies: string[];
    /** Warn (log, metric, console) this many days before a party's certificate expires. */
    expiryWarningDays: number;
  };
  /** Large documents off the event loop (src/util/worker-pool.ts): from which size, how many workers, how many may wait. */
  documents: { largeBytes: number; workers: number; maxQueued: number; /** Workers kept running while idle, per pool (KNOOPPUNT_DOCUMENT_WORKERS_WARM). */ warm: number };
  /** Where the log head is anchored outside the database: a file (one HMAC'd checkpoint per line) and/or a webhook. */
  checkpointFile?: string;
  checkpointUrl?: string;
  /** How often a checkpoint is written (when the head moved); default 5 minutes. */
  checkpointIntervalMs: number;
  /** At most this many chains in the exchange log (one per concurrently appending transaction); default 16. */
  logChains: number;
  /** How often the other chains' heads are recorded in a chain_anchor event (when one moved); default 1 minute, 0 = never. */
  chainAnchorIntervalMs: number;
  /** /health/ready commits a one-row write at most this often (ms) to see that the store can write. */
  readyWriteProbeMs: number;
  /** HTTP server timeouts: a slow client cannot hold a connection (headers, whole request, idle keep-alive). */
  httpTimeouts: { headersTimeoutMs: number; requestTimeoutMs: number; keepAliveTimeoutMs: number };
  /** The chain: Logboek Dataverwerkingen, trace export, own identity (docs/chain/ldv.md). */
  chain: {
    /** The gateway's public base URL: processing-activity URIs in LDV records start with it. */
    publicUrl: string;
    /** OTLP/HTTP traces endpoint (e.g. http://collector:4318/v1/traces) LDV records are exported to; absent: kept in the store only. */
    ldvOtlpEndpoint?: string;
    ldvExportIntervalMs: number;
    /** Records per OTLP request, and how long a claimed batch is reserved for the process that sends it. */
    ldvExportBatch: number;
    ldvExportLeaseMs: number;
    /** knooppunt's own OIN (x-origin-oin toward sources when the asking party has none). */
    oin?: string;
    /**
     * OTLP/HTTP traces endpoint general spans are exported to through the OpenTelemetry SDK
     * (KNOOPPUNT_OTLP_TRACES_URL, else OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, else OTEL_EXPORTER_OTLP_ENDPOINT
     * + /v1/traces); absent: no SDK provider is started.
     */
    otlpTracesUrl?: string;
  };
}

function int(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer`);
  return n;
}

function pgliteThread(value: string | undefined): 'worker' | 'main' {
  if (value === undefined || value === '' || value === 'worker') return 'worker';
  if (value === 'main') return 'main';
  throw new Error('KNOOPPUNT_PGLITE_THREAD must be worker or main');
}

/** A PostgreSQL memory size, as postgresql.conf takes it (a number with kB, MB or GB). */
function sharedBuffers(value: string): string {
  if (!/^[1-9]\d*(kB|MB|GB)$/.test(value)) throw new Error('KNOOPPUNT_PGLITE_SHARED_BUFFERS must be a size such as 16MB (kB, MB or GB)');
  return value;
}

export function readEnv(env: NodeJS.ProcessEnv = process.env): GatewayEnv {
  const root = process.cwd();
  return {
    port: int(env.PORT, 8080, 'PORT'),
    // Loopback in development: the example's demo keys and passwords are public. Another interface
    // is an explicit choice (HOST=0.0.0.0; the Docker image sets it and runs in production mode).
    host: env.HOST || (env.NODE_ENV === 'production' ? '0.0.0.0' : '127.0.0.1'),
    production: env.NODE_ENV === 'production',
    dataDir: resolve(root, env.KNOOPPUNT_DATA_DIR ?? '.knooppunt-data'),
    ...(env.KNOOPPUNT_PGLITE_TEMPLATE ? { pgliteTemplate: resolve(root, env.KNOOPPUNT_PGLITE_TEMPLATE) } : {}),
    pgliteThread: pgliteThread(env.KNOOPPUNT_PGLITE_THREAD),
    ...(env.KNOOPPUNT_PGLITE_SHARED_BUFFERS ? { pgliteSharedBuffers: sharedBuffers(env.KNOOPPUNT_PGLITE_SHARED_BUFFERS) } : {}),
    databaseUrl: env.DATABASE_URL || undefined,
    redisUrl: env.REDIS_URL || undefined,
    configPath: resolve(root, env.KNOOPPUNT_CONFIG ?? 'config/knooppunt.yaml'),
    mappingsDir: resolve(root, env.KNOOPPUNT_MAPPINGS_DIR ?? 'mappings'),
    schemasDir: resolve(root, env.KNOOPPUNT_SCHEMAS_DIR ?? 'schemas'),
    // The code lists (CBS gemeentecodes, iJw/iWmo waardenlijsten): data, replaceable without a release.
    codelijstenDir: codelijstenMap(env),
    encryptionKey: env.KNOOPPUNT_ENCRYPTION_KEY || undefined,
    previousEncryptionKeys: (env.KNOOPPUNT_PREVIOUS_ENCRYPTION_KEYS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    logLevel: env.LOG_LEVEL ?? 'info',
    maxBodyBytes: int(env.KNOOPPUNT_MAX_BODY_BYTES, 5 * 1024 * 1024, 'KNOOPPUNT_MAX_BODY_BYTES'),
    istandaardenMaxBytes: int(env.KNOOPPUNT_ISTANDAARDEN_MAX_BYTES, 25 * 1024 * 1024, 'KNOOPPUNT_ISTANDAARDEN_MAX_BYTES'),
    stufApplicatie: env.KNOOPPUNT_STUF_APPLICATIE ?? 'knooppunt',
    ...(env.KNOOPPUNT_STUF_XSD_DIR ? { stufXsdDir: env.KNOOPPUNT_STUF_XSD_DIR } : {}),
    ...(env.KNOOPPUNT_ISTANDAARDEN_XSD_DIR ? { istandaardenXsdDir: env.KNOOPPUNT_ISTANDAARDEN_XSD_DIR } : {}),
    deliveryConcurrency: int(env.KNOOPPUNT_DELIVERY_CONCURRENCY, 8, 'KNOOPPUNT_DELIVERY_CONCURRENCY'),
    reconcileIntervalMs: int(env.KNOOPPUNT_RECONCILE_MS, 5000, 'KNOOPPUNT_RECONCILE_MS'),
    shutdownTimeoutMs: int(env.KNOOPPUNT_SHUTDOWN_TIMEOUT_MS, 15000, 'KNOOPPUNT_SHUTDOWN_TIMEOUT_MS'),
    leaseMarginMs: int(env.KNOOPPUNT_LEASE_MARGIN_MS, 30000, 'KNOOPPUNT_LEASE_MARGIN_MS'),
    queuePrefix: env.KNOOPPUNT_QUEUE_PREFIX ?? 'knooppunt',
    retentionDays: int(env.KNOOPPUNT_RETENTION_DAYS, 2555, 'KNOOPPUNT_RETENTION_DAYS'),
    purgeBatch: Math.max(1, int(env.KNOOPPUNT_PURGE_BATCH, 500, 'KNOOPPUNT_PURGE_BATCH')),
    rateLimitPerMinute: int(env.KNOOPPUNT_RATE_LIMIT_PER_MINUTE, 600, 'KNOOPPUNT_RATE_LIMIT_PER_MINUTE'),
    passwordAttemptsPerAddressPerMinute: int(env.KNOOPPUNT_PASSWORD_ATTEMPTS_PER_MINUTE, 30, 'KNOOPPUNT_PASSWORD_ATTEMPTS_PER_MINUTE'),
    tls: {
      certFile: env.KNOOPPUNT_TLS_CERT ? resolve(root, env.KNOOPPUNT_TLS_CERT) : undefined,
      keyFile: env.KNOOPPUNT_TLS_KEY ? resolve(root, env.KNOOPPUNT_TLS_KEY) : undefined,
      clientCaFile: env.KNOOPPUNT_TLS_CLIENT_CA ? resolve(root, env.KNOOPPUNT_TLS_CLIENT_CA) : undefined,
      crlFile: env.KNOOPPUNT_TLS_CRL ? resolve(root, env.KNOOPPUNT_TLS_CRL) : undefined,
      requireClientCert: env.KNOOPPUNT_TLS_REQUIRE_CLIENT_CERT === 'true',
      clientCertHeader: env.KNOOPPUNT_CLIENT_CERT_HEADER || undefined,
      trustedProxies: (env.KNOOPPUNT_TRUSTED_PROXIES ?? '').split(',').map((s) => s.trim()).filter(Boolean),
      expiryWarningDays: int(env.KNOOPPUNT_CERT_EXPIRY_WARNING_DAYS, 30, 'KNOOPPUNT_CERT_EXPIRY_WARNING_DAYS'),
    },
    documents: {
      largeBytes: int(env.KNOOPPUNT_LARGE_DOCUMENT_BYTES, 256 * 1024, 'KNOOPPUNT_LARGE_DOCUMENT_BYTES'),
      workers: Math.max(1, int(env.KNOOPPUNT_DOCUMENT_WORKERS, defaultPoolSize(), 'KNOOPPUNT_DOCUMENT_WORKERS')),
      maxQueued: int(env.KNOOPPUNT_DOCUMENT_QUEUE, 8, 'KNOOPPUNT_DOCUMENT_QUEUE'),
      warm: int(env.KNOOPPUNT_DOCUMENT_WORKERS_WARM, 0, 'KNOOPPUNT_DOCUMENT_WORKERS_WARM'),
    },
    checkpointFile: env.KNOOPPUNT_CHECKPOINT_FILE ? resolve(root, env.KNOOPPUNT_CHECKPOINT_FILE) : undefined,
    checkpointUrl: env.KNOOPPUNT_CHECKPOINT_URL || undefined,
    checkpointIntervalMs: int(env.KNOOPPUNT_CHECKPOINT_INTERVAL_MS, 5 * 60 * 1000, 'KNOOPPUNT_CHECKPOINT_INTERVAL_MS'),
    logChains: Math.max(1, int(env.KNOOPPUNT_LOG_CHAINS, 16, 'KNOOPPUNT_LOG_CHAINS')),
    chainAnchorIntervalMs: int(env.KNOOPPUNT_LOG_CHAIN_ANCHOR_MS, 60 * 1000, 'KNOOPPUNT_LOG_CHAIN_ANCHOR_MS'),
    readyWriteProbeMs: int(env.KNOOPPUNT_READY_WRITE_PROBE_MS, 5000, 'KNOOPPUNT_READY_WRITE_PROBE_MS'),
    httpTimeouts: {
      headersTimeoutMs: int(env.KNOOPPUNT_HEADERS_TIMEOUT_MS, 10_000, 'KNOOPPUNT_HEADERS_TIMEOUT_MS'),
      requestTimeoutMs: int(env.KNOOPPUNT_REQUEST_TIMEOUT_MS, 60_000, 'KNOOPPUNT_REQUEST_TIMEOUT_MS'),
      keepAliveTimeoutMs: int(env.KNOOPPUNT_KEEP_ALIVE_TIMEOUT_MS, 5_000, 'KNOOPPUNT_KEEP_ALIVE_TIMEOUT_MS'),
    },
    chain: {
      publicUrl: (env.KNOOPPUNT_PUBLIC_URL ?? '').replace(/\/+$/, ''),
      ldvOtlpEndpoint: env.KNOOPPUNT_LDV_OTLP_ENDPOINT || undefined,
      ldvExportIntervalMs: int(env.KNOOPPUNT_LDV_EXPORT_INTERVAL_MS, 1000, 'KNOOPPUNT_LDV_EXPORT_INTERVAL_MS'),
      ldvExportBatch: Math.max(1, int(env.KNOOPPUNT_LDV_EXPORT_BATCH, 200, 'KNOOPPUNT_LDV_EXPORT_BATCH')),
      ldvExportLeaseMs: int(env.KNOOPPUNT_LDV_EXPORT_LEASE_MS, 30000, 'KNOOPPUNT_LDV_EXPORT_LEASE_MS'),
      oin: env.KNOOPPUNT_OIN || undefined,
      otlpTracesUrl: spanExportUrl(env),
    },
  };
}

/**
 * Docker and Kubernetes secrets: for every `NAME_FILE` variable, NAME becomes the content of that
 * file (trailing newline removed), so KNOOPPUNT_ENCRYPTION_KEY_FILE=/run/secrets/key, DATABASE_URL_FILE,
 * REDIS_URL_FILE and a webhook's signing secret (`signingSecretEnv` + _FILE) stay out of the
 * environment listing. Setting both NAME and NAME_FILE is refused: which one wins would be a guess.
 */
export function applyFileSecrets(env: NodeJS.ProcessEnv = process.env): string[] {
  const applied: string[] = [];
  for (const [key, file] of Object.entries(env)) {
    if (!key.endsWith('_FILE') || key.length <= 5 || !file) continue;
    const name = key.slice(0, -5);
    // Only ours and secrets: another program's *_FILE variable is none of our business.
    if (!/^(KNOOPPUNT_|DATABASE_URL$|REDIS_URL$)/.test(name) && !/SECRET|PASSWORD|TOKEN|KEY/.test(name)) continue;
    if (env[name] !== undefined && env[name] !== '') throw new Error(`both ${name} and ${key} are set: set only one`);
    let content: string;
    try {
      content = readFileSync(file, 'utf8');
    } catch (err) {
      throw new Error(`${key}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    env[name] = content.replace(/\r?\n$/, '');
    applied.push(name);
  }
  return applied;
}
