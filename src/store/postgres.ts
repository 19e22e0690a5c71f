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
    // A checked-out client has no pool listener: without this one, a connection dropped between two
    // statements (PostgreSQL restarted) is an unhandled 'error' event that takes the process down.
    let broken: Error | undefined;
    const onError = (err: Error) => (broken ??= err);
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      const result = await fn(new PgQueryable(client));
      await client.query('COMMIT');
      return result;
    } catch (err) {
      if (!broken) await client.query('ROLLBACK').catch((e: Error) => (broken ??= e));
      throw err;
    } finally {
      client.removeListener('error', onError);
      // Releasing with an error discards the connection instead of handing it to the next caller.
      client.release(broken);
    }
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
