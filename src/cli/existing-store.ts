import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { GatewayEnv } from '../config/env.js';

/**
 * Whether the store a command is about to read really holds a knooppunt exchange log. Opening a
 * store creates it (and runs the migrations), so `verify-log` against a mistyped directory or
 * database would report "intact: 0 events"; the commands that read an existing log ask this first
 * and refuse with what to set. Returns a message in words, or undefined when the store is there.
 */
export async function missingStore(env: Pick<GatewayEnv, 'databaseUrl' | 'dataDir'>): Promise<string | undefined> {
  if (!env.databaseUrl) {
    if (!existsSync(env.dataDir) || !statSync(env.dataDir).isDirectory())
      return `no data directory at ${env.dataDir}: set KNOOPPUNT_DATA_DIR to the gateway's data directory (or DATABASE_URL to its PostgreSQL)`;
    if (!existsSync(join(env.dataDir, 'pglite', 'PG_VERSION')))
      return `${env.dataDir} holds no embedded database (no pglite/ in it): set KNOOPPUNT_DATA_DIR to the directory the gateway ran with (or DATABASE_URL to its PostgreSQL)`;
    return undefined;
  }
  const where = redact(env.databaseUrl);
  const client = new pg.Client({ connectionString: env.databaseUrl, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (err) {
    const e = err as { code?: string; message?: string };
    if (e.code === '3D000') return `the database in DATABASE_URL (${where}) does not exist`;
    return `cannot connect to the database in DATABASE_URL (${where}): ${e.code ?? e.message ?? 'error'}`;
  }
  try {
    // to_regclass follows the search_path the URL sets, like the gateway does.
    const r = await client.query<{ t: string | null }>("SELECT to_regclass('exchange_events')::text AS t");
    if (!r.rows[0]?.t) return `the database in DATABASE_URL (${where}) has no knooppunt exchange log (no table exchange_events): is this the gateway's database and schema?`;
    return undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The URL without its password, to show in a message. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'unreadable URL';
  }
}
