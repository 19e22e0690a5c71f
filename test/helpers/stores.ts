import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../src/util/paths.js';
import pg from 'pg';
import type { Db } from '../../src/store/db.js';
import { openStore } from '../../src/store/open.js';

/** The real local PostgreSQL; CI starts it. Override with TEST_DATABASE_URL. */
export const TEST_PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * New embedded test databases start from one tarball of an initialised empty database instead of
 * running initdb each time (src/store/pglite.ts); one file per PGlite version, shared by test runs.
 */
export const TEST_PGLITE_TEMPLATE = join(
  tmpdir(),
  `knooppunt-pglite-template-${(JSON.parse(readFileSync(join(projectRoot(), 'node_modules', '@electric-sql', 'pglite', 'package.json'), 'utf8')) as { version: string }).version}.tar`,
);

/** A connection string for a brand-new schema, so test suites never see each other's rows. */
export async function freshPostgresUrl(): Promise<string> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: TEST_PG_URL });
  await client.connect();
  await client.query(`CREATE SCHEMA ${schema}`);
  await client.end();
  const url = new URL(TEST_PG_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

export interface StoreCase {
  name: 'pglite' | 'postgres';
  open(): Promise<Db>;
}

/** Both store drivers, for `describe.each`: every suite runs against embedded PGlite and real PostgreSQL. */
export const STORE_CASES: StoreCase[] = [
  { name: 'pglite', open: () => openStore({ pgliteTemplate: TEST_PGLITE_TEMPLATE }) },
  { name: 'postgres', open: async () => openStore({ databaseUrl: await freshPostgresUrl() }) },
];

/**
 * Deletes this suite's own Redis keys (`<prefix>:*`, by SCAN, never FLUSHALL: the Redis is shared
 * with other suites and engineers). Returns how many keys were deleted.
 */
export async function deleteRedisPrefix(prefix: string): Promise<number> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(TEST_REDIS_URL);
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix.replace(/[*?[\]\\]/g, '\\$&')}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) deleted += await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}

/** The store as its users see it, counting the rows its answers hand over (`rows()`): what a test of a bulk read counts. */
export function rowCounting(db: Db): { db: Db; rows: () => number } {
  let rows = 0;
  const counting = Object.create(db) as Db;
  counting.query = async <R>(sql: string, params?: unknown[]) => {
    const r = await db.query<R>(sql, params);
    rows += r.rows.length;
    return r;
  };
  return { db: counting, rows: () => rows };
}
