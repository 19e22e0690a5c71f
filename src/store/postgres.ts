import pg from 'pg';
import type { Db, Queryable, QueryResult } from './db.js';

// BIGINT (int8) comes back as a string by default; our sequence numbers fit a JS number.
pg.types.setTypeParser(20, (v: string) => Number(v));

/**
 * Multi-row inserts are prepared: PostgreSQL then parses and plans each once per connection, not
 * on every batch (parse, analysis and planning were about a third of its CPU per message in the
 * benchmark, perf record). Only insertRows' JSON form is named: its text is the same for any
 * number of rows and its plan (a function scan into the table) does not depend on the data. Other
 * statements stay unnamed and are planned for their parameters each time: a generic plan made
 * while a new installation's tables were empty kept scanning them whole as they grew (seen as
 * sequential scans under the benchmark when every statement was named). A text is named once seen
 * a few times, and the number of names is bounded.
 */
const JSON_INSERT = String.raw`INSERT INTO \w+ \([\w, ]+\) SELECT [^;]*? FROM json_populate_recordset\(NULL::\w+, \$1::json\)`;
const PREPARED = new RegExp(`^${JSON_INSERT}`);
/**
 * insertRowsTogether's statements: JSON inserts as CTEs before a main part whose plan does not
 * depend on the data: `SELECT 1`, or the chain head's update by its key. Others (a join with a
 * list of ids) stay unnamed, for the reason above.
 */
const PREPARED_TOGETHER = new RegExp(`^WITH i1 AS \\(${JSON_INSERT}`);
const FIXED_PLAN_TAIL = /\) (SELECT 1|UPDATE log_head SET seq = \$\d+, hash = \$\d+ WHERE id = \$\d+ AND seq = \$\d+)$/;

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
    if (this.names.size >= this.max || !(PREPARED.test(sql) || (PREPARED_TOGETHER.test(sql) && FIXED_PLAN_TAIL.test(sql))) || sql.includes(';')) return undefined;
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
