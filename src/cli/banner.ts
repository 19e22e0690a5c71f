import type { AddressInfo } from 'node:net';
import { relative } from 'node:path';
import type { GatewayEnv } from '../config/env.js';
import type { GatewayConfig } from '../config/types.js';

/** What `knooppunt serve` prints once it listens: where every part is, so a newcomer need not search the README. */
/** A path as the user would type it: relative to the working directory when inside it, else absolute. */
function shown(path: string): string {
  const r = relative(process.cwd(), path);
  return r && !r.startsWith('..') ? r : path;
}

export function readyBanner(
  env: GatewayEnv,
  address: AddressInfo,
  run: { store: string; queue: string; config: GatewayConfig },
): string {
  const wildcard = address.address === '0.0.0.0' || address.address === '::';
  const host = wildcard ? 'localhost' : address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const base = `http://${host}:${address.port}`;
  const demoUsers = (run.config.console?.users ?? []).filter((u) => u.id.startsWith('demo-')).map((u) => u.id);
  const store = run.store === 'pglite' ? `embedded PostgreSQL (PGlite) in ${shown(env.dataDir)}` : 'PostgreSQL (DATABASE_URL)';
  const queue = run.queue === 'bullmq' ? 'BullMQ on Redis (REDIS_URL)' : 'in-process';
  const lines = [
    '',
    `knooppunt is ready on ${base}`,
    `  API (back offices, JSON)   ${base}/api/v1`,
    `  OpenAPI document           ${base}/api/v1/openapi.json`,
    `  console                    ${base}/console${demoUsers.length ? `   (demo sign-in: ${demoUsers[0]} / ${demoUsers[0]})` : ''}`,
    `  metrics (Prometheus)       ${base}/metrics`,
    `  health                     ${base}/health/live  ${base}/health/ready`,
    `  iJw/iWmo XML (providers)   ${base}/istandaarden/v1/berichten`,
    `  StUF-ZKN (ZDS 1.2)         ${base}/stuf/zds/OntvangAsynchroon?wsdl`,
    `  SUWI bevraging (SOAP)      ${base}/suwi/v1/Bevraging?wsdl`,
    `  store ${store}; delivery queue ${queue}; configuration ${shown(env.configPath)}`,
  ];
  if (wildcard && !env.production) lines.push('  note: listening on every interface (HOST) with the development defaults; the demo keys and passwords are public');
  return lines.join('\n') + '\n\n';
}
