import type { Queryable, QueryResult } from '../store/db.js';

// PostgreSQL's limit is 65,535 bound parameters per statement; stay well below it.
const MAX_PARAMS = 30_000;

/**
 * One multi-row INSERT (several if the rows need more parameters than one statement takes).
 * Every value is its own bound parameter, so a Buffer goes out as binary bytea, never as hex text
 * inside an array literal. `casts` gives a per-column suffix such as '::jsonb'; `tail` is appended
 * to each statement (ON CONFLICT ..., RETURNING ...). The results' rows are concatenated.
 */
export async function insertRows<R = Record<string, unknown>>(
  tx: Queryable,
  table: string,
  columns: readonly string[],
  rows: ReadonlyArray<readonly unknown[]>,
  opts: { casts?: Readonly<Record<string, string>>; tail?: string; constants?: Readonly<Record<string, string>> } = {},
): Promise<QueryResult<R>> {
  const out: QueryResult<R> = { rows: [], rowCount: 0 };
  if (rows.length === 0) return out;
  const constants = Object.entries(opts.constants ?? {});
  const names = [...columns, ...constants.map(([c]) => c)].join(', ');
  const perStatement = Math.max(1, Math.floor(Math.min(MAX_PARAMS, tx.maxParams ?? MAX_PARAMS) / Math.max(1, columns.length)));
  for (let start = 0; start < rows.length; ) {
    const end = statementEnd(rows, start, perStatement, tx.maxBytes);
    const chunk = rows.slice(start, end);
    start = end;
    const params: unknown[] = [];
    const tuples = chunk.map((row) => {
      if (row.length !== columns.length) throw new Error(`insertRows ${table}: row has ${row.length} values for ${columns.length} columns`);
      const cells = row.map((v, i) => {
        params.push(v);
        return `$${params.length}${opts.casts?.[columns[i]!] ?? ''}`;
      });
      for (const [, sql] of constants) cells.push(sql);
      return `(${cells.join(', ')})`;
    });
    const res = await tx.query<R>(`INSERT INTO ${table} (${names}) VALUES ${tuples.join(', ')}${opts.tail ? ` ${opts.tail}` : ''}`, params);
    out.rows.push(...res.rows);
    out.rowCount += res.rowCount;
  }
  return out;
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
