import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { Db, Queryable, QueryResult } from './db.js';

/** How long statements may run back to back before the next one lets the event loop turn. */
const STATEMENT_RUN_MS = 20;

/**
 * Parameters per multi-row statement on PGlite: a 2,000-row LDV insert (30,000 parameters) held
 * the event loop for 0.5 s in one statement; at this size one takes some tens of milliseconds.
 */
export const PGLITE_MAX_PARAMS = 4000;
/** Payload bytes per statement on PGlite, which writes about 50 ms per MiB: a big bericht's payloads one by one. */
export const PGLITE_MAX_BYTES = 1024 * 1024;

/** PostgreSQL's type oid of bytea. */
const BYTEA_OID = 17;

/**
 * bytea to and from PostgreSQL's hex text with Buffer's native codec. PGlite's own (0.5) goes
 * through a JavaScript string per byte: a 6 MiB payload took 2.2-2.4 s to write and 0.8-1.0 s to
 * read, all of it blocking the event loop; with these, tens of milliseconds.
 */
const BYTEA = {
  serializers: {
    [BYTEA_OID]: (v: unknown): string => {
      if (typeof v === 'string') return v;
      if (!(v instanceof Uint8Array)) throw new Error('Invalid input for bytea type');
      return `\\x${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')}`;
    },
  },
  parsers: {
    // A plain Uint8Array of its own, as PGlite gave before (not a view on Buffer's shared pool).
    [BYTEA_OID]: (v: string): Uint8Array => new Uint8Array(Buffer.from(v.startsWith('\\x') ? v.slice(2) : v, 'hex')),
  },
};

/** How new embedded databases were started (for tests and the start-up benchmark). */
export const pgliteStarts = { initdb: 0, fromTemplate: 0 };

/** Writes the template next to its final name first, so a parallel reader never sees half a file. */
async function writeTemplate(pg: PGlite, file: string): Promise<void> {
  const tarball = await pg.dumpDataDir('none');
  const partial = `${file}.${process.pid}.${Date.now()}.partial`;
  writeFileSync(partial, new Uint8Array(await tarball.arrayBuffer()));
  renameSync(partial, file);
}

/** Embedded PostgreSQL (WASM) in a data directory: the zero-set-up default. */
export class PgliteDb implements Db {
  readonly driver = 'pglite' as const;

  private constructor(
    private readonly pg: PGlite,
    /** How this database came to be: a new one by initdb or from the template, or an existing directory. */
    readonly started: 'initdb' | 'template' | 'existing',
    /** Let the event loop turn within long runs of statements (see breathe); not needed on a thread of its own. */
    private readonly paced: boolean,
  ) {}

  /**
   * `dataDir` undefined keeps the database in memory (tests). With `template` (a file path;
   * KNOOPPUNT_PGLITE_TEMPLATE), a new database starts from that tarball of a freshly initialised,
   * still empty one instead of running initdb, which is most of PGlite's start (measured: 4.4 s
   * -> 0.75 s). The first new database without the file writes it, right after initdb and before
   * anything is stored. An existing data directory never uses the template.
   */
  static async open(dataDir?: string, opts: { template?: string; paced?: boolean; sharedBuffers?: string } = {}): Promise<PgliteDb> {
    if (dataDir) mkdirSync(dataDir, { recursive: true });
    const fresh = !dataDir || readdirSync(dataDir).length === 0;
    const template = fresh && opts.template !== undefined && existsSync(opts.template) ? new Blob([readFileSync(opts.template)]) : undefined;
    // The buffer cache is much of an embedded database's memory (PostgreSQL's default, 128MB). Set
    // on the command line beside PGlite's own parameters: its postgresqlconf option would replace
    // the data directory's postgresql.conf, and the setting would outlive the variable.
    const conf = opts.sharedBuffers !== undefined ? { startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${opts.sharedBuffers}`] } : {};
    const options = { ...BYTEA, ...conf, ...(template ? { loadDataDir: template } : {}) };
    const pg = dataDir ? new PGlite(dataDir, options) : new PGlite(options);
    await pg.waitReady;
    if (template) pgliteStarts.fromTemplate++;
    else if (fresh) {
      pgliteStarts.initdb++;
      if (opts.template !== undefined) await writeTemplate(pg, opts.template);
    }
    return new PgliteDb(pg, template ? 'template' : fresh ? 'initdb' : 'existing', opts.paced ?? true);
  }

  readonly maxParams = PGLITE_MAX_PARAMS;
  readonly maxBytes = PGLITE_MAX_BYTES;

  /** When the current run of back-to-back statements began (reset once the event loop gets round). */
  private runSince: number | undefined;

  /**
   * PGlite executes each statement synchronously on this thread, and statements that follow each
   * other through promises never give the event loop back: a big declaratie's transaction ran
   * for a second without a break. After STATEMENT_RUN_MS of such a run, the next statement first
   * waits for one turn of the event loop, so other parties' requests get in between statements.
   */
  private async breathe(): Promise<void> {
    if (!this.paced) return;
    const now = performance.now();
    if (this.runSince === undefined) {
      this.runSince = now;
      setImmediate(() => (this.runSince = undefined));
      return;
    }
    if (now - this.runSince < STATEMENT_RUN_MS) return;
    this.breaks++;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  /** Times a statement waited for the event loop (see breathe), for tests. */
  breaks = 0;

  async query<R>(sql: string, params: unknown[] = []): Promise<QueryResult<R>> {
    await this.breathe();
    const res = await this.pg.query<R>(sql, params);
    return { rows: res.rows, rowCount: res.affectedRows ?? res.rows.length };
  }

  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.pg.transaction(async (tx) =>
      fn({
        maxParams: PGLITE_MAX_PARAMS,
        maxBytes: PGLITE_MAX_BYTES,
        query: async <R>(sql: string, params: unknown[] = []): Promise<QueryResult<R>> => {
          await this.breathe();
          const res = await tx.query<R>(sql, params);
          return { rows: res.rows, rowCount: res.affectedRows ?? res.rows.length };
        },
      }),
    );
  }

  async ping(): Promise<void> {
    await this.pg.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.pg.close();
  }
}
