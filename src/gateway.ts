import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type express from 'express';
import type { RequestHandler } from 'express';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { istandaardenChannel } from './channels/istandaarden/channel.js';
import { apiV1 } from './channels/rest/api-v1.js';
import { envelopesRouter } from './channels/rest/envelopes.js';
import { createHttpApp } from './channels/rest/app.js';
import { authenticate, type PasswordGate } from './channels/rest/auth.js';
import { buildOpenApi, contactFromEnv } from './channels/rest/openapi-build.js';
import type { GatewayEnv } from './config/env.js';
import { loadConfig } from './config/load.js';
import type { GatewayConfig } from './config/types.js';
import { Mailbox } from './core/mailbox.js';
import type { Standard } from './core/message.js';
import { MessageView } from './core/message-view.js';
import { Pipeline } from './core/pipeline.js';
import { BullMqQueue } from './delivery/bullmq-queue.js';
import { DeliveryService } from './delivery/delivery-service.js';
import { InProcessQueue } from './delivery/in-process-queue.js';
import { outbox } from './delivery/outbox.js';
import type { DeliveryQueue } from './delivery/queue.js';
import { ExchangeLog } from './log/exchange-log.js';
import { CheckpointWriter } from './log/anchor.js';
import { ChainAnchorWriter } from './log/chain-anchor.js';
import { checkStoredKeys } from './log/key-check.js';
import { generateMasterKey, keyRingFrom, parseMasterKey, type KeyRing } from './log/keys.js';
import { loadMappings, type RouteMapping } from './mapping/index.js';
import { createLogger } from './ops/logger.js';
import { Metrics } from './ops/metrics.js';
import { LogThrottle, PartyRateLimiter, sendRateLimited } from './ops/rate-limit.js';
import { AddressAttemptLimiter } from './ops/address-limit.js';
import { Redis } from 'ioredis';
import { PartyRegistry, type Party } from './parties/registry.js';
import { loadCertificatePolicy } from './parties/certificates.js';
import { CertificateExpiryWatch } from './parties/certificate-expiry.js';
import { DestinationRegistry } from './routing/destinations.js';
import { Router } from './routing/router.js';
import type { Db } from './store/db.js';
import { openStore, storeOptionsOf } from './store/open.js';
import { WriteProbe } from './store/write-probe.js';
import { JsonMessageTypes } from './standards/json/message-types.js';
import { JsonStandard } from './standards/json/standard.js';
import { SEALED_STANDARD, SealedStandard } from './standards/sealed/standard.js';
import { STANDAARDEN } from './standards/istandaarden/catalog.js';
import { DbRegister } from './standards/istandaarden/register-db.js';
import { istandaardenRouteMappings } from './standards/istandaarden/route-mappings.js';
import { IstandaardenStandard, jsonBerichtType } from './standards/istandaarden/standard.js';
import { GroteBerichten } from './standards/istandaarden/grote-berichten.js';
import { GroteStufBerichten } from './standards/stuf/grote-berichten.js';
import { XsdValidators } from './standards/istandaarden/schema/validator.js';
import { istandaardenJsonTypes } from './standards/istandaarden/json-types.js';
import { controleerIstandaardenCodelijsten } from './standards/istandaarden/codelijsten-check.js';
import { gebruikCodelijsten, leesCodelijsten } from './codelijsten/index.js';
import { stufChannel } from './channels/stuf/channel.js';
import { STUF_ROUTE_MAPPINGS, stufRouteMappings } from './standards/stuf/route-mappings.js';
import { JSON_KENNISGEVING, STUF_STANDARD, StufStandard } from './standards/stuf/standard.js';
import { loadStufValidator } from './standards/stuf/validator.js';
import { ZaakRegister } from './zaken/zaak-register.js';
import { BevragingService } from './bevragingen/service.js';
import { bevragingenRouter } from './channels/rest/bevragingen.js';
import { suwiChannel } from './channels/suwi/channel.js';
import { SuwiSchemas } from './standards/suwi/schemas.js';
import { vraagSoapBron } from './standards/suwi/soap-bron.js';
import { ConsoleJobs } from './console/jobs.js';
import { consoleApi, citizenReportPage } from './console/api/index.js';
import { consoleUi } from './console/ui.js';
import { purgeExpired, retentionPolicy, scheduleDailyPurge, type PurgeProgress } from './retention/purge.js';
import { createAjv } from './util/ajv.js';
import { demoRouter, loadDemoData } from './channels/demo/router.js';
import { createContracten, type Contracten } from './contracten/index.js';
import { INTAKE_MAPPING, INTAKE_STANDARD, IntakeStandard, intakeMapping, intakeRouter } from './contracten/intake.js';
import { traceMiddleware } from './chain/trace-context.js';
import { startSpanExport } from './chain/spans.js';
import { ggkChannel } from './channels/ggk/channel.js';
import { GgkSchemas } from './standards/ggk/schema.js';
import { clientTlsDispatcher } from './delivery/transports/client-tls.js';
import { ProcessingActivities } from './chain/ldv/activities.js';
import { LdvRecorder } from './chain/ldv/records.js';
import { LdvExporter } from './chain/ldv/export.js';
import { lezenRouter, registerRouter } from './chain/ldv/api.js';
import { projectRoot } from './util/paths.js';
import { safePath } from './ops/redact.js';

export interface Gateway {
  env: GatewayEnv;
  config: GatewayConfig;
  logger: Logger;
  db: Db;
  ring: KeyRing;
  log: ExchangeLog;
  queue: DeliveryQueue;
  pipeline: Pipeline;
  mappings: ReadonlyMap<string, RouteMapping>;
  app: ReturnType<typeof createHttpApp>;
  /** The region's contract register, monitor, ledger and insight (src/contracten/). */
  contracten: Contracten;
  /** The worker pool that validates large StUF messages (its task count, for tests and metrics). */
  stufDocumenten: GroteStufBerichten;
  /** Starts the delivery workers and the HTTP server; resolves with the bound address. */
  listen(): Promise<AddressInfo>;
  /** Graceful: stop accepting, finish requests and attempts in flight, close connections. */
  close(): Promise<void>;
  /** The HTTP(S) server once listening (its timeouts, for operations and tests). */
  httpServer(): Server | undefined;
}

/** The key that encrypts payloads. Production refuses to run without one; development keeps one in the data dir. */
export function resolveMasterKey(env: GatewayEnv, logger: Logger): KeyRing {
  const previous = env.previousEncryptionKeys.map(parseMasterKey);
  if (env.encryptionKey) return keyRingFrom(parseMasterKey(env.encryptionKey), previous);
  if (env.production) throw new Error('KNOOPPUNT_ENCRYPTION_KEY is required in production (NODE_ENV=production); make one with `knooppunt generate-key`');
  const file = join(env.dataDir, 'development-encryption.key');
  if (!existsSync(file)) {
    mkdirSync(env.dataDir, { recursive: true });
    writeFileSync(file, generateMasterKey() + '\n', { mode: 0o600 });
    chmodSync(file, 0o600);
    logger.warn({ file }, 'no KNOOPPUNT_ENCRYPTION_KEY set: generated a development key in the data directory (not for production)');
  }
  return keyRingFrom(parseMasterKey(readFileSync(file, 'utf8').trim()), previous);
}

export async function createGateway(env: GatewayEnv, opts: { logger?: Logger } = {}): Promise<Gateway> {
  const logger = opts.logger ?? createLogger(env.logLevel);
  const ring = resolveMasterKey(env, logger);
  const config = loadConfig(env.configPath);
  if (env.production) {
    const demo = config.parties.flatMap((p) => p.credentials.apiKeys.filter((k) => k.id.startsWith('demo-')).map((k) => `${p.id}/${k.id}`));
    if (demo.length > 0) throw new Error(`${env.configPath}: demo API keys are not allowed in production (${demo.join(', ')})`);
    const demoUsers = (config.console?.users ?? []).filter((u) => u.id.startsWith('demo-')).map((u) => u.id);
    if (demoUsers.length > 0) throw new Error(`${env.configPath}: demo console users are not allowed in production (${demoUsers.join(', ')})`);
  }
  // Declarative mapping files, plus the codecs of the standards that routes can name as well.
  const declarative = loadMappings(env.mappingsDir);
  const mappings = new Map<string, RouteMapping>(declarative);
  // Large berichten: XSD and translation in a bounded worker pool (warm ones start with the gateway, the others on demand).
  const grote = new GroteBerichten(
    { schemasDir: env.istandaardenXsdDir ?? join(env.schemasDir, 'istandaarden'), official: env.istandaardenXsdDir !== undefined, codelijstenDir: env.codelijstenDir },
    env.documents.largeBytes,
    { size: env.documents.workers, maxQueued: env.documents.maxQueued, warm: env.documents.warm },
  );
  for (const codec of istandaardenRouteMappings(grote)) mappings.set(codec.name, codec);
  mappings.set(INTAKE_MAPPING, intakeMapping(ring));
  // Checked before anything is opened: the StUF codecs need the store and join the map below.
  for (const route of config.routes) {
    // A sealed route has no mapping ('passthrough': the bytes as received).
    if (!route.sealed && !mappings.has(route.mapping) && !STUF_ROUTE_MAPPINGS.includes(route.mapping)) {
      throw new Error(`${env.configPath}: route '${route.id}' names unknown mapping '${route.mapping}'`);
    }
  }

  // The iJw/iWmo XSDs, before anything is opened: an operator may point at the official XSDs as
  // published (KNOOPPUNT_ISTANDAARDEN_XSD_DIR); if they do not load, the gateway does not start.
  // The code lists (codelijsten/ or KNOOPPUNT_CODELIJSTEN_DIR) first: the XSDs and JSON Schemas
  // below are generated with their values, and a malformed or inconsistent file stops the start.
  const lijsten = leesCodelijsten(env.codelijstenDir);
  controleerIstandaardenCodelijsten(lijsten);
  gebruikCodelijsten(lijsten);
  const xsd = env.istandaardenXsdDir ? await XsdValidators.loadOfficial(env.istandaardenXsdDir) : XsdValidators.fromModel();
  const db = await openStore(storeOptionsOf(env));
  // Refuse to run without a key the stored data needs (naming its id), before anything is written.
  try {
    await checkStoredKeys(db, ring);
  } catch (err) {
    await db.close();
    throw err;
  }
  // A chain head per concurrent writer, up to logChains (src/log/exchange-log.ts lockChain).
  const log = new ExchangeLog(db, ring, { maxChains: env.logChains });
  // Logboek Dataverwerkingen (docs/chain/ldv.md): a record per step and subject, in the event's transaction.
  const activities = new ProcessingActivities(db, env.chain.publicUrl);
  await activities.sync(config, env.retentionDays);
  const ldv = new LdvRecorder(activities);
  // Once per append call: a group-commit batch's records cost a handful of statements, not four per event.
  log.onAppendBatch((tx, events, context) => ldv.onEvents(tx, events, context));
  const parties = new PartyRegistry(config);
  // Client certificates as identity (docs/chain/mtls.md): from our own TLS listener or a trusted proxy's header.
  const certificatePolicy = await loadCertificatePolicy({
    caFile: env.tls.clientCaFile,
    crlFile: env.tls.crlFile,
    proxyHeader: env.tls.clientCertHeader,
    trustedProxies: env.tls.trustedProxies,
  });
  const destinations = new DestinationRegistry(config, parties);
  const router = new Router(config, destinations);
  const jsonTypes = new JsonMessageTypes(join(env.schemasDir, 'json'));
  const standards = new Map<string, Standard>([['json', new JsonStandard(jsonTypes)], [SEALED_STANDARD, new SealedStandard()]]);
  const zaken = new ZaakRegister(db, ring);
  // Zaken from before the initiator index (migration 121) become findable by zakLv01.
  const oudeInitiatoren = await zaken.indexeerOudeInitiatoren();
  if (oudeInitiatoren.geindexeerd > 0 || oudeInitiatoren.onleesbaar > 0) logger.info(oudeInitiatoren, 'zaak initiators indexed for zaken stored before the index');
  const stufSchemas = await loadStufValidator({ schemasDir: join(env.schemasDir, 'stuf'), ...(env.stufXsdDir ? { officialDir: env.stufXsdDir } : {}) });
  // Large StUF messages: XSD validation in a worker pool of its own, sized as the iJw/iWmo pool (workers start on the first one).
  const stufGroot = new GroteStufBerichten(
    { schemasDir: join(env.schemasDir, 'stuf'), ...(env.stufXsdDir ? { officialDir: env.stufXsdDir } : {}) },
    env.documents.largeBytes,
    { size: env.documents.workers, maxQueued: env.documents.maxQueued, warm: env.documents.warm },
  );
  const stufJson = new JsonMessageTypes(join(env.schemasDir, 'stuf', 'json'));
  standards.set(STUF_STANDARD, new StufStandard({ grote: stufGroot, schemas: stufSchemas, parties, zaken, jsonTypes: stufJson, mappings: declarative, eigenApplicatie: env.stufApplicatie }));
  for (const codec of stufRouteMappings({ mappings: declarative, parties, destinations, zaken, schemas: stufSchemas, eigenApplicatie: env.stufApplicatie })) {
    mappings.set(codec.name, codec);
  }
  // Generated from the model with the code lists in use, like the XSDs (the committed files are the same text).
  const istandaardenJson = istandaardenJsonTypes();

  // A bericht's Afzender is the sending party's code (the channels check it is the caller's).
  const register = new DbRegister(db, (code) => (['aanbieder', 'gemeente'] as const).flatMap((kind) => parties.byCode(kind, code)?.id ?? []));
  // The region's contract register: its checks join the iStandaarden rules, its monitor the accepting transaction.
  const contracten = await createContracten({ db, log, ring, config, configPath: env.configPath, logger });
  standards.set(INTAKE_STANDARD, new IntakeStandard({ versies: contracten.versies, monitor: contracten.monitor, parties, db }));
  for (const standaard of STANDAARDEN) {
    standards.set(standaard, contracten.wrap(new IstandaardenStandard(standaard, { xsd, register, parties, jsonTypes: istandaardenJson, mappings: declarative, extraRegels: contracten.regels, grote })));
  }

  const metrics = new Metrics(() => outbox.depth(db));
  const certificateExpiry = new CertificateExpiryWatch(parties, metrics.registry, logger, env.tls.expiryWarningDays);
  const service = new DeliveryService(db, log, destinations, logger, {
    onAttempt(destination, result, durationMs) {
      metrics.deliveries.inc({ destination, result });
      metrics.deliveryDuration.observe({ destination }, durationMs / 1000);
    },
  }, { leaseMarginMs: env.leaseMarginMs, eigenApplicatie: env.stufApplicatie, sendConcurrency: env.deliveryConcurrency });
  const queueOpts = { concurrency: env.deliveryConcurrency, reconcileIntervalMs: env.reconcileIntervalMs };
  const queue: DeliveryQueue = env.redisUrl
    ? new BullMqQueue(db, service, logger, { ...queueOpts, redisUrl: env.redisUrl, prefix: env.queuePrefix })
    : new InProcessQueue(db, service, logger, queueOpts);

  const pipeline = new Pipeline({
    db, log, ring, parties, router, mappings, standards, queue, logger,
    observer: {
      onAccepted: (standard, type) => metrics.received.inc({ standard, message_type: type, outcome: 'accepted' }),
      onRejected: (standard, type, code) => metrics.received.inc({ standard, message_type: type, outcome: `rejected:${code}` }),
    },
  });

  const version = (JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  const envelopeSchema = JSON.parse(readFileSync(join(env.schemasDir, 'api', 'message-envelope.schema.json'), 'utf8')) as Record<string, unknown>;
  let shuttingDown = false;
  // Every channel authenticates the same way; a refusal is logged under the channel's name.
  // Right after authentication, the per-party rate limit (src/ops/rate-limit.ts): an over-limit
  // request is answered 429 in the channel's own form, and logged once per burst.
  // With Redis the count is shared by every gateway process (a quota); its own connection, failing
  // fast while Redis is away so the limiter falls back to memory at once instead of waiting.
  const limiterRedis = env.redisUrl
    ? new Redis(env.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, retryStrategy: (times: number) => Math.min(times * 200, 2000) })
    : undefined;
  limiterRedis?.on('error', (err: Error) => logger.warn({ err: err.message }, 'rate limiter: redis connection error (counting in memory meanwhile)'));
  const limiter = new PartyRateLimiter({
    perMinute: env.rateLimitPerMinute,
    overrides: new Map(config.parties.filter((p) => p.rateLimitPerMinute !== undefined).map((p) => [p.id, p.rateLimitPerMinute!])),
    ...(limiterRedis ? { redis: limiterRedis } : {}),
    keyPrefix: env.queuePrefix,
  });
  const refusalLog = new LogThrottle();
  /** The per-party limit, for a request whose party is authenticated (res.locals.party), by whatever credential. */
  const limitFor = (channel: string): RequestHandler => (req, res, next) => {
    const party = (res.locals as { party: Party }).party;
    limiter.take(party.id).then((decision) => {
      if (decision.allowed) {
        if (decision.burstEnded) logger.info({ party: party.id, channel, refused: decision.burstEnded.refused }, 'rate limit: burst ended');
        return next();
      }
      metrics.rateLimited.inc({ channel, party: party.id });
      if (decision.firstOfBurst) {
        logger.warn({ party: party.id, channel, path: safePath(req.path), limitPerMinute: limiter.limitFor(party.id) }, 'rate limit: party over its limit (logged once per window)');
        void pipeline
          .logRefusedRequest(channel, 'rate-limited', { path: safePath(req.path), limitPerMinute: limiter.limitFor(party.id), retryAfterSeconds: decision.retryAfterSeconds }, party.id)
          .catch(() => undefined);
      }
      sendRateLimited(channel, req, res, decision.retryAfterSeconds);
    }, next);
  };
  // Before scrypt runs for a password not remembered as correct: attempts per client address, so a
  // flood of guesses (new user names each time) cannot hold the event loop (HTTP Basic, WS-Security).
  const passwordAttempts = new AddressAttemptLimiter('party-password', env.passwordAttemptsPerAddressPerMinute);
  const passwordGate = (channel: string): PasswordGate => async (req, res, username, password) => {
    if (!parties.passwordNeedsHash(username, password)) return false;
    const wait = await passwordAttempts.take(req.socket.remoteAddress ?? '');
    if (wait === 0) return false;
    const t = refusalLog.take(`${channel}:password-attempts`);
    if (t.log) {
      logger.warn({ path: safePath(req.path), channel, retryAfterSeconds: wait, ...(t.suppressed ? { suppressed: t.suppressed } : {}) }, 'request refused: too many password attempts from one address');
      void pipeline.logRefusedRequest(channel, 'password-attempts', { path: safePath(req.path), retryAfterSeconds: wait, ...(t.suppressed ? { suppressed: t.suppressed } : {}) }).catch(() => undefined);
    }
    sendRateLimited(channel, req, res, wait);
    return true;
  };
  const authFor = (channel: string): RequestHandler => {
    const auth = authenticate(parties, (req, result) => {
      // No party to rate-limit: these refusals are logged through a throttle instead.
      const t = refusalLog.take(`${channel}:${result.reason}`);
      if (!t.log) return;
      // A refused certificate is named by its fingerprint only: that identifies it without anything personal.
      const cert = result.certificate ? { certificate: result.certificate } : {};
      logger.info({ path: safePath(req.path), reason: result.reason, channel, ...cert, ...(t.suppressed ? { suppressed: t.suppressed } : {}) }, 'request refused: authentication');
      void pipeline.logRefusedRequest(channel, result.reason, { path: safePath(req.path), ...cert, ...(t.suppressed ? { suppressed: t.suppressed } : {}) }).catch(() => undefined);
    }, certificatePolicy, (party, cert) => parties.noteCertificate(party.id, cert.fingerprint, cert.notAfter, 'presented'), passwordGate(channel));
    const limit = limitFor(channel);
    return (req, res, next) => auth(req, res, (err?: unknown) => (err !== undefined ? next(err) : limit(req, res, next)));
  };
  const auth = authFor('rest');
  const suwiSchemas = await SuwiSchemas.load(join(env.schemasDir, 'suwi'));
  const bevragingen = new BevragingService(config, {
    pipeline, ring, mappings: declarative, logger,
    soapBron: (bron, vraag, headers) => vraagSoapBron(bron, vraag, { schemas: suwiSchemas, ...(headers ? { headers } : {}), ...(bron.tls ? { dispatcher: clientTlsDispatcher(bron.tls)! } : {}) }),
    ...(env.chain.oin ? { eigenOin: env.chain.oin } : {}),
  });
  const bevragingSchema = JSON.parse(readFileSync(join(env.schemasDir, 'api', 'bevraging.schema.json'), 'utf8')) as Record<string, unknown>;
  const api = apiV1({
    more: [bevragingenRouter({ service: bevragingen, validate: createAjv().compile(bevragingSchema), pipeline, maxBodyBytes: 64 * 1024 }), envelopesRouter({ pipeline, maxBodyBytes: env.maxBodyBytes })],
    authenticate: auth,
    pipeline,
    view: new MessageView(db, log),
    mailbox: new Mailbox(db, log),
    validateEnvelope: createAjv().compile(envelopeSchema),
    maxBodyBytes: env.maxBodyBytes,
    standardFor: (messageType) => (messageType === JSON_KENNISGEVING ? STUF_STANDARD : (jsonBerichtType(messageType)?.standaard ?? 'json')),
  });
  const mailbox = new Mailbox(db, log);
  const istandaarden = istandaardenChannel({
    authenticate: authFor('istandaarden'),
    pipeline,
    parties,
    mailbox,
    maxBodyBytes: env.istandaardenMaxBytes,
    xmlLimits: { maxBytes: env.istandaardenMaxBytes, maxDepth: 32, maxElements: 2_000_000 },
    logger,
    largeBytes: env.documents.largeBytes,
    documenten: grote,
  });
  const soapChannels = stufChannel({
    schemasDir: join(env.schemasDir, 'stuf'),
    authenticate: authFor('stuf'),
    rateLimit: limitFor('stuf'),
    passwordGate: passwordGate('stuf'),
    pipeline,
    parties,
    zaken,
    schemas: stufSchemas,
    grote: stufGroot,
    mappings: declarative,
    maxBodyBytes: env.maxBodyBytes,
    xmlLimits: { maxBytes: env.maxBodyBytes, maxDepth: 48, maxElements: 200_000 },
    logger,
    eigenApplicatie: env.stufApplicatie,
    // Only a route that names the besluit's message type itself: the '*Lk01' routes of zaak
    // kennisgevingen keep their meaning (a besluit was never sent there).
    heeftRoute: (m) => router.plan(m).some((p) => ([] as string[]).concat(p.route.match.messageType).includes(m.messageType)),
    partijVanBestemming: (id) => {
      const d = destinations.get(id);
      return d && 'party' in d ? d.party : undefined;
    },
  });
  const suwi = suwiChannel({
    schemasDir: join(env.schemasDir, 'suwi'),
    schemas: suwiSchemas,
    authenticate: authFor('suwi'),
    maxBodyBytes: 64 * 1024,
    xmlLimits: { maxBytes: 64 * 1024, maxDepth: 16, maxElements: 1000 },
    vraag: (v) => bevragingen.vraag({ ...v, contentType: 'text/xml; charset=utf-8' }),
    onRefused: (reason, detail, partyId) => pipeline.logRefusedRequest('suwi', reason, detail, partyId ?? null),
    logger,
  });
  soapChannels.push(suwi);
  // The GGk channel (docs/chain/ggk.md): ggk0210 envelopes around iJw/iWmo berichten.
  const ggk = {
    path: '/ggk/v1',
    router: ggkChannel({
      authenticate: authFor('ggk'),
      pipeline,
      parties,
      schemas: GgkSchemas.load(join(env.schemasDir, 'ggk')),
      // base64 makes the 25 MB bericht a third larger; the envelope adds little.
      maxBodyBytes: Math.ceil(env.istandaardenMaxBytes * 1.4) + 64 * 1024,
      maxBerichtBytes: env.istandaardenMaxBytes,
      xmlLimits: { maxBytes: Math.ceil(env.istandaardenMaxBytes * 1.4) + 64 * 1024, maxDepth: 32, maxElements: 2_000_000 },
      bevroren: config.ggk?.bevroren ?? [],
      eigenApplicatie: env.stufApplicatie,
      logger,
    }),
  };
  // A WSDL that does not load, or does not fit the operation table, stops the start.
  await Promise.all(soapChannels.map((e) => e.router.ready));
  // The administrator console: its API, the printable citizen report, and the static UI.
  const policy = retentionPolicy(config, env.retentionDays);
  const purge = (trigger: string, progress?: PurgeProgress) => purgeExpired({ db, log, policy }, { trigger, batchSize: env.purgeBatch, ...(progress ? { progress } : {}) });
  const consoleJobs = new ConsoleJobs(db, logger);
  const consoleDeps = {
    db, log, ring, config, queue, retentionDays: env.retentionDays, purge, logger, certificates: certificateExpiry, checkpointFile: env.checkpointFile, jobs: consoleJobs, pipeline, trustedProxies: env.tls.trustedProxies, activities,
    extraRouters: ({ guard, audit }: { guard: { requirePermission(p: 'citizenReport'): RequestHandler }; audit: (req: express.Request, res: express.Response, action: 'ldv_read', target: string | null, detail: Record<string, unknown>) => Promise<void> }) => [
      lezenRouter({ db, ring, activities, guard, audit: (req, res, detail) => audit(req, res, 'ldv_read', 'ldv', detail) }),
    ],
  };
  const ldvExporter = env.chain.ldvOtlpEndpoint
    ? new LdvExporter(db, { name: 'knooppunt', version }, { endpoint: env.chain.ldvOtlpEndpoint, intervalMs: env.chain.ldvExportIntervalMs, batchSize: env.chain.ldvExportBatch, leaseMs: env.chain.ldvExportLeaseMs }, logger)
    : undefined;
  const consoleChannels = [
    { path: '/console/api/contracten', router: contracten.consoleRouter() },
    { path: '/console/api', router: consoleApi(consoleDeps) },
    { path: '/console', router: citizenReportPage(consoleDeps) },
    { path: '/', router: consoleUi() },
  ];
  let dailyPurge: { stop(): Promise<void> } | undefined;
  // General spans through the OpenTelemetry SDK, only when an endpoint is configured (best effort; LDV records use the outbox).
  let spanExport: { stop(): Promise<void> } | undefined;
  // The log head, anchored outside the database at intervals (and once more at shutdown).
  const writeProbe = new WriteProbe(db, { minIntervalMs: env.readyWriteProbeMs });
  const checkpoints = new CheckpointWriter(db, ring, { file: env.checkpointFile, url: env.checkpointUrl }, logger);
  // The chains cross-linked inside the log: each other chain's head recorded in a chain_anchor event.
  const chainAnchors = new ChainAnchorWriter(db, log, logger);
  const app = createHttpApp({
    logger,
    metrics,
    readiness: [
      // A real (one-row, rate-limited) write: a full disk leaves reads working, readiness must not.
      // The ping every time (an outage shows at once), the write within the probe's interval.
      { name: 'store', check: async () => { await db.ping(); await writeProbe.check(); } },
      { name: 'queue', check: () => queue.ping() },
    ],
    api,
    channels: [...(env.production ? [] : [{ path: '/demo/v1', router: demoRouter(loadDemoData(join(projectRoot(), 'config', 'demo', 'bron-inkomen.json'))) }]), { path: '/istandaarden/v1', router: istandaarden }, { path: '/contracten/v1', router: contracten.router(authFor('contracten'), [intakeRouter({ pipeline, maxBytes: env.maxBodyBytes })]) }, ...soapChannels, ggk, { path: '/ldv/v1', router: registerRouter(activities) }, ...consoleChannels],
    before: [traceMiddleware()],
    openApi: buildOpenApi(env.schemasDir, contactFromEnv(), { jsonTypes, istandaardenJson, stufJson }),
    isShuttingDown: () => shuttingDown,
    onRefused: (reason, detail) => {
      const t = refusalLog.take(`http:${reason}`);
      if (t.log) void pipeline.logRefusedRequest('rest', reason, { ...detail, ...(t.suppressed ? { suppressed: t.suppressed } : {}) }).catch(() => undefined);
    },
  });

  let server: Server | undefined;
  return {
    env, config, logger, db, ring, log, queue, pipeline, mappings, app, contracten, stufDocumenten: stufGroot,
    httpServer: () => server,
    async listen() {
      await queue.start();
      grote.warmUp();
      stufGroot.warmUp();
      contracten.start();
      dailyPurge = scheduleDailyPurge(() => purge('schedule'), logger);
      checkpoints.start(env.checkpointIntervalMs);
      chainAnchors.start(env.chainAnchorIntervalMs);
      certificateExpiry.start();
      ldvExporter?.start();
      if (env.chain.otlpTracesUrl && !spanExport) spanExport = await startSpanExport({ url: env.chain.otlpTracesUrl }, { name: 'knooppunt', version });
      server = listenOn(env, app, logger, (reason, detail) => {
        const t = refusalLog.take(`tls:${reason}`);
        if (t.log) void pipeline.logRefusedRequest('tls', reason, { ...detail, ...(t.suppressed ? { suppressed: t.suppressed } : {}) }).catch(() => undefined);
      });
      // A request Node refuses before express sees it (headers over 16 KB → 431, a malformed request
      // line → 400): answered as Node does, and logged (throttled: no party is known yet).
      server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
        const code = err.code ?? 'unknown';
        const status = code === 'HPE_HEADER_OVERFLOW' ? 431 : code === 'HPE_CHUNK_EXTENSIONS_OVERFLOW' ? 413 : 400;
        if (code !== 'ECONNRESET') {
          const t = refusalLog.take(`http:client-error:${code}`);
          if (t.log) {
            logger.info({ code, status, ...(t.suppressed ? { suppressed: t.suppressed } : {}) }, 'request refused by the HTTP parser');
            void pipeline.logRefusedRequest('http', status === 431 ? 'request-header-too-large' : 'malformed-http-request', { code, status, ...(t.suppressed ? { suppressed: t.suppressed } : {}) }).catch(() => undefined);
          }
        }
        if (socket.writable && !(socket as { _httpMessage?: unknown })._httpMessage) {
          const text = status === 431 ? 'Request Header Fields Too Large' : status === 413 ? 'Payload Too Large' : 'Bad Request';
          socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
        } else {
          socket.destroy();
        }
      });
      await new Promise<void>((resolve, reject) => {
        server!.once('listening', resolve);
        server!.once('error', reject);
      });
      const address = server.address() as AddressInfo;
      logger.info({ port: address.port, store: db.driver, queue: queue.kind }, 'knooppunt gateway listening');
      return address;
    },
    async close() {
      shuttingDown = true;
      if (server) {
        const s = server;
        const closed = new Promise<void>((resolve) => s.close(() => resolve()));
        s.closeIdleConnections();
        const timer = setTimeout(() => s.closeAllConnections(), env.shutdownTimeoutMs);
        await closed;
        clearTimeout(timer);
      }
      certificateExpiry.stop();
      await ldvExporter?.stop();
      await dailyPurge?.stop();
      await contracten.stop();
      // Console jobs (bulk redeliver, purge) finish their work before the store closes.
      await consoleJobs.idle();
      await queue.stop();
      await chainAnchors.stop();
      await checkpoints.stop();
      await grote.close();
      await stufGroot.close();
      await db.close();
      // Last, so the spans of the work finished during shutdown are flushed too.
      await spanExport?.stop();
      spanExport = undefined;
      limiterRedis?.disconnect();
      logger.info('knooppunt gateway stopped');
    },
  };
}

/**
 * Plain HTTP, or HTTPS when a server certificate is configured. With a client CA the listener asks
 * every client for a certificate; it refuses one without a valid certificate at the handshake only
 * when KNOOPPUNT_TLS_REQUIRE_CLIENT_CERT=true, otherwise the channels answer 401 in their own standard.
 */
function listenOn(env: GatewayEnv, app: ReturnType<typeof createHttpApp>, logger: Logger, onTlsRefused: (reason: string, detail: Record<string, unknown>) => void): Server {
  const { certFile, keyFile, clientCaFile, crlFile, requireClientCert } = env.tls;
  // Slow clients are cut off: headers within headersTimeoutMs, the whole request within requestTimeoutMs,
  // an idle keep-alive connection after keepAliveTimeoutMs. Checked every second, not every 30 s (Node's default).
  const t = env.httpTimeouts;
  const timeouts = {
    headersTimeout: t.headersTimeoutMs,
    requestTimeout: t.requestTimeoutMs,
    keepAliveTimeout: t.keepAliveTimeoutMs,
    connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(Math.min(t.headersTimeoutMs, t.requestTimeoutMs || Infinity) / 4))),
  };
  if (!certFile || !keyFile) {
    if (certFile || keyFile) throw new Error('KNOOPPUNT_TLS_CERT and KNOOPPUNT_TLS_KEY go together');
    return createHttpServer(timeouts, app).listen(env.port, env.host);
  }
  const server = createHttpsServer(
    {
      ...timeouts,
      cert: readFileSync(certFile),
      key: readFileSync(keyFile),
      ...(clientCaFile ? { ca: readFileSync(clientCaFile), requestCert: true, rejectUnauthorized: requireClientCert } : {}),
      ...(crlFile ? { crl: readFileSync(crlFile) } : {}),
      minVersion: 'TLSv1.2',
    },
    app,
  );
  server.on('tlsClientError', (err: NodeJS.ErrnoException) => {
    const reason = String(err.code ?? 'tls-error').toLowerCase();
    logger.info({ reason }, 'connection refused at the TLS handshake');
    onTlsRefused('tls-handshake-refused', { code: reason });
  });
  return server.listen(env.port, env.host);
}
