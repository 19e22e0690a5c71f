import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { stringify } from 'yaml';
import { readEnv, type GatewayEnv } from '../../src/config/env.js';
import type { GatewayConfig } from '../../src/config/types.js';
import { createGateway, type Gateway } from '../../src/gateway.js';
import { createLogger } from '../../src/ops/logger.js';
import { hashApiKey } from '../../src/parties/api-keys.js';
import { freshPostgresUrl, TEST_PGLITE_TEMPLATE, TEST_REDIS_URL } from './stores.js';

export const KEYS = {
  enschede: 'test-key-gemeente-enschede-0153',
  hengelo: 'test-key-gemeente-hengelo-0164',
  aanbiederA: 'test-key-aanbieder-a-12345678',
  aanbiederB: 'test-key-aanbieder-b-87654321',
} as const;

/** A test region: Enschede and Hengelo send toewijzingen; provider A has a webhook, provider B a mailbox. */
export function testConfig(webhookUrl: string, opts: { maxAttempts?: number; backoffMs?: number; timeoutMs?: number } = {}): GatewayConfig {
  const key = (id: string, k: string) => ({ id, sha256: hashApiKey(k) });
  const delivery = { maxAttempts: opts.maxAttempts ?? 6, backoffMs: opts.backoffMs ?? 40, maxBackoffMs: 400, ordering: 'receiver-subject' as const };
  return {
    parties: [
      { id: 'gemeente-0153', kind: 'gemeente', name: 'Gemeente Enschede', code: '0153', credentials: { apiKeys: [key('k1', KEYS.enschede)] }, maySend: ['toewijzing'] },
      { id: 'gemeente-0164', kind: 'gemeente', name: 'Gemeente Hengelo', code: '0164', credentials: { apiKeys: [key('k1', KEYS.hengelo)] }, maySend: ['toewijzing'] },
      { id: 'aanbieder-12345678', kind: 'aanbieder', name: 'Aanbieder A', code: '12345678', credentials: { apiKeys: [key('k1', KEYS.aanbiederA)] }, deliverTo: 'webhook-aanbieder-a' },
      { id: 'aanbieder-87654321', kind: 'aanbieder', name: 'Aanbieder B', code: '87654321', credentials: { apiKeys: [key('k1', KEYS.aanbiederB)] } },
    ],
    destinations: [{ id: 'webhook-aanbieder-a', type: 'webhook', url: `${webhookUrl}/toewijzingen`, party: 'aanbieder-12345678', timeoutMs: opts.timeoutMs ?? 2000 }],
    routes: [
      {
        id: 'toewijzing-naar-aanbieder',
        match: { standard: 'json', messageType: 'toewijzing', sender: 'gemeente-*', receiver: 'aanbieder-*' },
        mapping: 'toewijzing-naar-aanbieder',
        destinations: ['$receiver'],
        delivery,
      },
    ],
  };
}

export function writeConfig(config: GatewayConfig): string {
  const dir = mkdtempSync(join(tmpdir(), 'knooppunt-config-'));
  const file = join(dir, 'knooppunt.yaml');
  writeFileSync(file, stringify(config));
  return file;
}

export type StoreKind = 'pglite' | 'postgres';
export type QueueKind = 'in-process' | 'bullmq';

export const DRIVER_CASES: Array<{ store: StoreKind; queue: QueueKind }> = [
  { store: 'pglite', queue: 'in-process' },
  { store: 'postgres', queue: 'in-process' },
  { store: 'pglite', queue: 'bullmq' },
  { store: 'postgres', queue: 'bullmq' },
];

/** Environment for a gateway on the given drivers: random port, its own data dir, schema and queue prefix. */
export async function testEnv(store: StoreKind, queue: QueueKind, configPath: string, extra: NodeJS.ProcessEnv = {}): Promise<GatewayEnv> {
  return readEnv({
    PORT: '0',
    HOST: '127.0.0.1',
    KNOOPPUNT_DATA_DIR: mkdtempSync(join(tmpdir(), 'knooppunt-data-')),
    KNOOPPUNT_CONFIG: configPath,
    KNOOPPUNT_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    KNOOPPUNT_RECONCILE_MS: '300',
    KNOOPPUNT_LEASE_MARGIN_MS: '1000',
    KNOOPPUNT_QUEUE_PREFIX: `kp-test-${randomBytes(4).toString('hex')}`,
    LOG_LEVEL: 'silent',
    KNOOPPUNT_PGLITE_TEMPLATE: TEST_PGLITE_TEMPLATE,
    // Dozens of test gateways: none keeps document workers running (a test that wants them sets it).
    KNOOPPUNT_DOCUMENT_WORKERS_WARM: '0',
    // The embedded store's thread and buffer cache can be chosen for a whole run.
    ...(process.env.KNOOPPUNT_PGLITE_THREAD ? { KNOOPPUNT_PGLITE_THREAD: process.env.KNOOPPUNT_PGLITE_THREAD } : {}),
    ...(process.env.KNOOPPUNT_PGLITE_SHARED_BUFFERS ? { KNOOPPUNT_PGLITE_SHARED_BUFFERS: process.env.KNOOPPUNT_PGLITE_SHARED_BUFFERS } : {}),
    ...(store === 'postgres' ? { DATABASE_URL: await freshPostgresUrl() } : {}),
    ...(queue === 'bullmq' ? { REDIS_URL: TEST_REDIS_URL } : {}),
    ...extra,
  });
}

export async function startGateway(env: GatewayEnv): Promise<{ gateway: Gateway; baseUrl: string }> {
  const gateway = await createGateway(env, { logger: createLogger(env.logLevel) });
  const address = await gateway.listen();
  return { gateway, baseUrl: `http://127.0.0.1:${address.port}` };
}

/** A toewijzing envelope as a back office sends it; synthetic BSNs that pass the elfproef. */
export function toewijzing(messageId: string, opts: { receiver?: string; bsn?: string; gemeente?: string } = {}): Record<string, unknown> {
  return {
    messageType: 'toewijzing',
    messageId,
    receiver: opts.receiver ?? 'aanbieder-12345678',
    payload: {
      gemeente: opts.gemeente ?? '0153',
      aanbieder: (opts.receiver ?? 'aanbieder-12345678').slice(-8),
      toewijzingsdatum: '2026-11-20',
      client: { bsn: opts.bsn ?? '999993653', geboortedatum: '2012-04-17', achternaam: 'Jansen', postcode: '7511AB' },
      producten: [
        {
          toewijzingNummer: 'T-000123', categorie: '45', code: '45A05', ingangsdatum: '2026-12-01', einddatum: '2027-05-31',
          omvang: { volume: 4, eenheid: '04', frequentie: '2' }, budgetCent: 125000, reden: '01',
        },
      ],
    },
  };
}

export async function post(baseUrl: string, key: string | undefined, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(`${baseUrl}/api/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

export async function get(baseUrl: string, key: string | undefined, path: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${baseUrl}${path}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}
