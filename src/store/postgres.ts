import pg from 'pg';
import type { Db, Queryable, QueryResult } from './db.js';

// BIGINT (int8) comes back as a string by default; our sequence numbers fit a JS number.
pg.types.setTypeParser(20, (v: string) => Number(v));

class PgQueryable implements Queryable {
  constructor(private readonly client: pg.Pool | pg.PoolClient) {}
  async query<R>(sql: string, params: unknown[] = []): Promise<QueryResult<R>> {
    const res = await this.client.query(sql, params);
    return { rows: res.rows as R[], rowCount: res.rowCount ?? 0 };
  }
}

export class PostgresDb implements Db {
  readonly driver = 'postgres' as const;
  private readonly pool: pg.Pool;
  private readonly q: PgQueryable;

  constructor(connectionString: string, max = 10) {
    this.pool = new pg.Pool({ connectionString, max });
    // A dropped idle connection (e.g. PostgreSQL restarted) must not crash the process.
    this.pool.on('error', () => undefined);
    this.q = new PgQueryable(this.pool);
  }

  query<R>(sql: string, params?: unknown[]): Promise<QueryResult<R>> {
    return this.q.query<R>(sql, params);
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await fn(new PgQueryable(client));
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
