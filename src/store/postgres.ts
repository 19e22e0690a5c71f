import pg from 'pg';
import type { Db, Queryable, QueryResult } from './db.js';

// BIGINT (int8) comes back as a string by default; our sequence numbers fit a JS number.
pg.types.setTypeParser(20, (v: string) => Number(v));

/**
 * Statements that recur are prepared: PostgreSQL then parses and plans them once per connection,
 * not on every execution (parse, analysis and planning were about a third of its CPU per message
 * in the benchmark). A statement is named after its text when it has been seen a few times, so
 * one-off texts (DDL, migrations, the console's searches) stay unnamed; the number of names is
 * bounded, so varying texts cannot grow the connections' caches without limit.
 */
export class PreparedNames {
  private readonly seen = new Map<string, number>();
  private readonly names = new Map<string, string>();

  constructor(
    private readonly after = 3,
    private readonly max = 256,
    private readonly maxSeen = 4096,
  ) {}

  nameFor(sql: string): string | undefined {
    const known = this.names.get(sql);
    if (known !== undefined) return known;
    // One statement of data only: a prepared statement holds a single command.
    if (this.names.size >= this.max || !/^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b/i.test(sql) || /;\s*\S/.test(sql)) return undefined;
    const n = (this.seen.get(sql) ?? 0) + 1;
    if (n < this.after) {
      if (this.seen.size >= this.maxSeen) this.seen.clear();
      this.seen.set(sql, n);
      return undefined;
    }
    this.seen.delete(sql);
    const name = `kp${this.names.size + 1}`;
    this.names.set(sql, name);
    return name;
  }
}

class PgQueryable implements Queryable {
  constructor(
    private readonly client: pg.Pool | pg.PoolClient,
    private readonly prepared: PreparedNames,
  ) {}
  async query<R>(sql: string, params: unknown[] = []): Promise<QueryResult<R>> {
    const name = this.prepared.nameFor(sql);
    const res = await this.client.query(name === undefined ? { text: sql, values: params } : { name, text: sql, values: params });
    return { rows: res.rows as R[], rowCount: res.rowCount ?? 0 };
  }
}

export class PostgresDb implements Db {
  readonly driver = 'postgres' as const;
  private readonly pool: pg.Pool;
  private readonly q: PgQueryable;
  private readonly prepared = new PreparedNames();

  constructor(connectionString: string, max = 10) {
    this.pool = new pg.Pool({ connectionString, max });
    // A dropped idle connection (e.g. PostgreSQL restarted) must not crash the process.
    this.pool.on('error', () => undefined);
    this.q = new PgQueryable(this.pool, this.prepared);
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
      const result = await fn(new PgQueryable(client, this.prepared));
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
