import { join } from 'node:path';
import type { Db } from './db.js';
import { migrate } from './migrations.js';
import { PgliteDb } from './pglite.js';
import { PostgresDb } from './postgres.js';

/** PostgreSQL when a URL is given, embedded PGlite otherwise; migrations are applied either way. */
export async function openStore(opts: { databaseUrl?: string; dataDir?: string }): Promise<Db> {
  const db = opts.databaseUrl
    ? new PostgresDb(opts.databaseUrl)
    : await PgliteDb.open(opts.dataDir ? join(opts.dataDir, 'pglite') : undefined);
  await migrate(db);
  return db;
}
