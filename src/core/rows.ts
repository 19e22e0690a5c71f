import { STATEMENT_MAX_PARAMS as MAX_PARAMS, type Queryable, type QueryResult } from '../store/db.js';

/**
 * One multi-row INSERT (several if the rows need more parameters than one statement takes).
 * `casts` gives a per-column suffix such as '::jsonb' (the column's value is JSON text already);
 * `tail` is appended to each statement (ON CONFLICT ..., RETURNING ...). The results' rows are
 * concatenated.
 *
 * Rows without byte values go as one JSON parameter read by json_populate_recordset, so the
 * statement's text is the same whatever the number of rows: PostgreSQL parses and plans it once per
 * connection (a prepared statement, see postgres.ts) instead of once per batch, which was about a
 * third of its CPU per message. Rows with a Buffer keep a bound parameter per value, so the bytes
 * go out as binary bytea, never as hex text inside JSON.
 */
export async function insertRows<R = Record<string, unknown>>(
  tx: Queryable,
  table: string,
  columns: readonly string[],
  rows: ReadonlyArray<readonly unknown[]>,
  opts: InsertOpts = {},
): Promise<QueryResult<R>> {
  const out: QueryResult<R> = { rows: [], rowCount: 0 };
  if (rows.length === 0) return out;
  const perStatement = rowsPerStatement(tx, columns);
  // Rows with bytes go as a parameter per value (and are bounded by maxBytes), the others as JSON.
  const asJson = !hasBytes(rows);
  const jsonText = asJson ? jsonInsert(table, columns, opts) : undefined;
  for (let start = 0; start < rows.length; ) {
    const end = statementEnd(rows, start, perStatement, asJson ? undefined : tx.maxBytes);
    const chunk = rows.slice(start, end);
    start = end;
    const res = jsonText !== undefined
      ? await tx.query<R>(jsonText, [jsonRows(table, columns, chunk, opts.casts ?? {})])
      : await tx.query<R>(...valuesInsert(table, columns, chunk, opts));
    out.rows.push(...res.rows);
    out.rowCount += res.rowCount;
  }
  return out;
}

/**
 * `casts` gives a per-column suffix such as '::jsonb'; `tail` is appended to the statement (ON
 * CONFLICT ..., RETURNING ...); `constants` are columns with an SQL value of their own (now()).
 */
export interface InsertOpts {
  casts?: Readonly<Record<string, string>>;
  tail?: string;
  constants?: Readonly<Record<string, string>>;
}

/** One table's rows for insertRowsTogether. */
export interface RowsInsert {
  table: string;
  columns: readonly string[];
  rows: ReadonlyArray<readonly unknown[]>;
  opts?: InsertOpts;
}

/**
 * Several tables' rows in one statement, one round trip instead of one per table: each insert is a
 * data-modifying CTE reading its own JSON parameter, and `last` (an UPDATE or SELECT with its own
 * $1.. placeholders) is the statement's main part, whose result is returned. All of them see the
 * same snapshot; foreign keys between them are checked at the end of the statement, so a row may
 * refer to one inserted beside it. An insert with no rows stays in the text (an empty array), so a
 * call site's text is one constant, prepared once per connection.
 *
 * Rows with byte values, or more rows than one statement of the driver takes, go as insertRows does,
 * one statement each, before `last`.
 */
export async function insertRowsTogether<R = Record<string, unknown>>(
  tx: Queryable,
  inserts: readonly RowsInsert[],
  last: { sql: string; params: readonly unknown[] } = { sql: 'SELECT 1', params: [] },
): Promise<QueryResult<R>> {
  const together = inserts.every((ins) => ins.rows.length <= rowsPerStatement(tx, ins.columns) && !hasBytes(ins.rows));
  if (!together) {
    for (const ins of inserts) await insertRows(tx, ins.table, ins.columns, ins.rows, ins.opts);
    return tx.query<R>(last.sql, [...last.params]);
  }
  const ctes = inserts.map((ins, i) => `i${i + 1} AS (${jsonInsert(ins.table, ins.columns, ins.opts ?? {}, i + 1)})`);
  const shift = inserts.length;
  // The last part's own placeholders follow the inserts' ones.
  const tail = last.sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + shift}`);
  const params = [...inserts.map((ins) => jsonRows(ins.table, ins.columns, ins.rows, ins.opts?.casts ?? {})), ...last.params];
  return tx.query<R>(`WITH ${ctes.join(', ')} ${tail}`, params);
}

function hasBytes(rows: ReadonlyArray<readonly unknown[]>): boolean {
  return rows.some((row) => row.some((v) => v instanceof Uint8Array));
}

function rowsPerStatement(tx: Queryable, columns: readonly string[]): number {
  return Math.max(1, Math.floor(Math.min(MAX_PARAMS, tx.maxParams ?? MAX_PARAMS) / Math.max(1, columns.length)));
}

/** Where the statement that starts at row `start` ends: at most `perStatement` rows, and at most `maxBytes` of byte values (at least one row). */
function statementEnd(rows: ReadonlyArray<readonly unknown[]>, start: number, perStatement: number, maxBytes: number | undefined): number {
  const last = Math.min(rows.length, start + perStatement);
  if (maxBytes === undefined) return last;
  let bytes = 0;
  for (let i = start; i < last; i++) {
    for (const v of rows[i]!) if (v instanceof Uint8Array) bytes += v.byteLength;
    if (bytes > maxBytes && i > start) return i;
  }
  return last;
}

/** A multi-row VALUES insert with a bound parameter per value: its text and its parameters. */
function valuesInsert(table: string, columns: readonly string[], chunk: ReadonlyArray<readonly unknown[]>, opts: InsertOpts): [string, unknown[]] {
  const { names, constants } = insertColumns(columns, opts);
  const params: unknown[] = [];
  const tuples = chunk.map((row) => {
    checkRow(table, columns, row);
    const cells = row.map((v, i) => {
      params.push(v);
      return `$${params.length}${opts.casts?.[columns[i]!] ?? ''}`;
    });
    for (const [, sql] of constants) cells.push(sql);
    return `(${cells.join(', ')})`;
  });
  return [`INSERT INTO ${table} (${names}) VALUES ${tuples.join(', ')}${opts.tail ? ` ${opts.tail}` : ''}`, params];
}

/** The column list of an insert: the rows' columns, then those given a constant SQL value. */
function insertColumns(columns: readonly string[], opts: InsertOpts): { names: string; constants: Array<[string, string]> } {
  const constants = Object.entries(opts.constants ?? {});
  return { names: [...columns, ...constants.map(([c]) => c)].join(', '), constants };
}

function checkRow(table: string, columns: readonly string[], row: readonly unknown[]): void {
  if (row.length !== columns.length) throw new Error(`insertRows ${table}: row has ${row.length} values for ${columns.length} columns`);
}

/** The constant text of a JSON insert: the same for one table, columns, constants and tail. */
function jsonInsert(table: string, columns: readonly string[], opts: InsertOpts, param = 1): string {
  const { names, constants } = insertColumns(columns, opts);
  const values = [...columns, ...constants.map(([, sql]) => sql)].join(', ');
  return `INSERT INTO ${table} (${names}) SELECT ${values} FROM json_populate_recordset(NULL::${table}, $${param}::json)${opts.tail ? ` ${opts.tail}` : ''}`;
}

/** The rows as a JSON array of objects keyed by column; values become the column's type on the database side. */
function jsonRows(table: string, columns: readonly string[], rows: ReadonlyArray<readonly unknown[]>, casts: Readonly<Record<string, string>>): string {
  const keys = columns.map((c) => `${JSON.stringify(c)}:`);
  const raw = columns.map((c) => casts[c] === '::jsonb' || casts[c] === '::json');
  const parts: string[] = [];
  // The rows of a batch share a few Date objects (an event's time on each of its LDV records), and
  // formatting one took longer than the rest of its row.
  const dates = new Map<Date, string>();
  for (const row of rows) {
    checkRow(table, columns, row);
    let o = '{';
    for (let i = 0; i < row.length; i++) {
      const v = row[i];
      let text: string;
      if (v instanceof Date) {
        const known = dates.get(v);
        text = known ?? JSON.stringify(v.toISOString());
        if (known === undefined) dates.set(v, text);
      } else text = jsonValue(v, raw[i]!, table, columns[i]!);
      o += `${i > 0 ? ',' : ''}${keys[i]}${text}`;
    }
    parts.push(`${o}}`);
  }
  return `[${parts.join(',')}]`;
}

/** ES2024's String methods, which Node 20 has and the configured lib does not declare. */
type WellFormed = string & { isWellFormed(): boolean; toWellFormed(): string };

function jsonValue(v: unknown, raw: boolean, table: string, column: string): string {
  if (v === null || v === undefined) return 'null';
  // A ::jsonb column's value is JSON text already (as the bound parameter was).
  if (raw && typeof v === 'string') return v;
  // Lone surrogates become U+FFFD, as they did on the way out as UTF-8 (PostgreSQL refuses them in JSON).
  if (typeof v === 'string') return JSON.stringify((v as WellFormed).isWellFormed() ? v : (v as WellFormed).toWellFormed());
  if (typeof v === 'number') {
    // A bound parameter sent NaN as text, which PostgreSQL refused; JSON would store NULL instead.
    if (!Number.isFinite(v)) throw new Error(`insertRows ${table}.${column}: ${v} is not a value`);
    return String(v);
  }
  if (typeof v === 'bigint') return `"${v}"`;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return JSON.stringify(v);
}
