import type { Queryable } from './db.js';

/**
 * The one clock: the database's. Due-ness (next_attempt_at <= now()), leases and retention are
 * decided in SQL, so every time knooppunt stores or compares is taken there too; a gateway process
 * whose own clock runs fast or slow then neither retries late nor logs events in the future.
 * Truncated to milliseconds, the precision of a JavaScript Date, so a stored time reads back equal.
 */
export const DB_NOW_SQL = "date_trunc('milliseconds', clock_timestamp())";

export async function dbNow(q: Queryable): Promise<Date> {
  const r = await q.query<{ now: Date | string }>(`SELECT ${DB_NOW_SQL} AS now`);
  const v = r.rows[0]?.now;
  return v instanceof Date ? v : new Date(String(v));
}
