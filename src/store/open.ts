import { join } from 'node:path';
import type { GatewayEnv } from '../config/env.js';
import type { Db } from './db.js';
import { lockDataDir } from './lock.js';
import { migrate } from './migrations.js';
import { PgliteDb } from './pglite.js';
import { PgliteThreadDb } from './pglite-remote.js';
import { PostgresDb } from './postgres.js';

/**
 * PostgreSQL when a URL is given, embedded PGlite otherwise; migrations are applied either way.
 * An embedded data directory is locked for this process until close (see lock.ts): a second
 * process on it is refused with DataDirInUseError instead of silently losing data.
 */
export interface StoreOptions {
  databaseUrl?: string;
  dataDir?: string;
  pgliteTemplate?: string;
  pgliteThread?: 'worker' | 'main';
  pgliteSharedBuffers?: string;
}

/** The store the gateway's environment names (serve and the commands that open it directly). */
export function storeOptionsOf(env: GatewayEnv): StoreOptions {
  return {
    ...(env.databaseUrl ? { databaseUrl: env.databaseUrl } : {}),
    dataDir: env.dataDir,
    pgliteThread: env.pgliteThread,
    ...(env.pgliteTemplate ? { pgliteTemplate: env.pgliteTemplate } : {}),
    ...(env.pgliteSharedBuffers ? { pgliteSharedBuffers: env.pgliteSharedBuffers } : {}),
  };
}

export async function openStore(opts: StoreOptions): Promise<Db> {
  const pglite = { ...(opts.pgliteTemplate !== undefined ? { template: opts.pgliteTemplate } : {}), ...(opts.pgliteSharedBuffers !== undefined ? { sharedBuffers: opts.pgliteSharedBuffers } : {}) };
  // The embedded database on a thread of its own unless asked otherwise (pglite-remote.ts).
  const embedded = (dir: string | undefined): Promise<Db> => ((opts.pgliteThread ?? 'worker') === 'worker' ? PgliteThreadDb.open(dir, pglite) : PgliteDb.open(dir, pglite));
  if (opts.databaseUrl) {
    const db = new PostgresDb(opts.databaseUrl);
    await migrate(db);
    return db;
  }
  if (!opts.dataDir) {
    const db = await embedded(undefined);
    await migrate(db);
    return db;
  }
  const lock = lockDataDir(opts.dataDir);
  let db: Db;
  try {
    db = await embedded(join(opts.dataDir, 'pglite'));
    await migrate(db);
  } catch (err) {
    lock.release();
    throw err;
  }
  const close = db.close.bind(db);
  db.close = async () => {
    try {
      await close();
    } finally {
      lock.release();
    }
  };
  return db;
}
