/**
 * The one database seam. Both drivers (PostgreSQL through `pg`, embedded PGlite) speak the same
 * SQL, so everything above this interface is written once.
 */
export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

/** Bound parameters per multi-row statement: PostgreSQL's limit is 65,535; stay well below it. */
export const STATEMENT_MAX_PARAMS = 30_000;

export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<R>>;
  /**
   * Bound parameters a multi-row statement should stay under (src/core/rows.ts), when the driver
   * wants fewer than PostgreSQL's limit: PGlite has one connection (and, with
   * KNOOPPUNT_PGLITE_THREAD=main, runs on the event loop), so its statements are kept short enough
   * to let other requests' statements in between.
   */
  readonly maxParams?: number;
  /** Bytes of bytea values a multi-row statement should stay under (one row may exceed it), for the same reason. */
  readonly maxBytes?: number;
}

export interface Db extends Queryable {
  readonly driver: 'postgres' | 'pglite';
  /** Runs `fn` in one transaction; commits when it resolves, rolls back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Cheap round trip for readiness checks. */
  ping(): Promise<void>;
  /**
   * Called once if the store is lost for good while open (the embedded database's thread
   * stopped): nothing this process does can bring it back, so `serve` exits for a restart.
   */
  onLost?(listener: (err: Error) => void): void;
  close(): Promise<void>;
}
