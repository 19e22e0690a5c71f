import { randomUUID } from 'node:crypto';
import type { Queryable } from '../../../src/store/db.js';
import { generateMasterKey, keyRingFrom, parseMasterKey, type KeyRing } from '../../../src/log/keys.js';

/** Synthetic BSNs that pass the elfproef; not real people. */
export const BSN_A = '999993653';
export const BSN_B = '999990627';

export function testRing(): KeyRing {
  return keyRingFrom(parseMasterKey(generateMasterKey()));
}

/** A minimal messages row (payloads and subjects reference it). */
export async function insertMessage(q: Queryable, opts: { sender?: string; senderMessageId?: string; receivedAt?: Date } = {}): Promise<string> {
  const id = randomUUID();
  const at = opts.receivedAt ?? new Date();
  await q.query(
    `INSERT INTO messages (id, sender_message_id, correlation_id, channel, standard, message_type, sender, status, received_at, updated_at)
     VALUES ($1, $2, $3, 'rest', 'json', 'toewijzing', $4, 'received', $5, $5)`,
    [id, opts.senderMessageId ?? id, id, opts.sender ?? 'gemeente-0363', at],
  );
  return id;
}

/** What an attacker with DB rights could do: lift the append-only guard for one change. */
export async function tamper(q: Queryable, sql: string, params: unknown[] = []): Promise<void> {
  await q.query('ALTER TABLE exchange_events DISABLE TRIGGER exchange_events_no_update');
  try {
    await q.query(sql, params);
  } finally {
    await q.query('ALTER TABLE exchange_events ENABLE TRIGGER exchange_events_no_update');
  }
}

/**
 * Every table.column (text-like, json, uuid and bytea) in the current schema that contains `needle`
 * as text or, for bytea, as UTF-8 bytes.
 */
export async function findEverywhere(q: Queryable, needle: string): Promise<string[]> {
  const cols = await q.query<{ table_name: string; column_name: string; data_type: string }>(
    `SELECT c.table_name, c.column_name, c.data_type
     FROM information_schema.columns c
     JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
     WHERE c.table_schema = current_schema()`,
  );
  const hits: string[] = [];
  for (const c of cols.rows) {
    const col = `"${c.column_name.replace(/"/g, '""')}"`;
    const table = `"${c.table_name.replace(/"/g, '""')}"`;
    const cond =
      c.data_type === 'bytea'
        ? `position(convert_to($1, 'UTF8') in ${col}) > 0`
        : `${col}::text LIKE '%' || $1 || '%'`;
    const r = await q.query<{ n: number | string }>(`SELECT count(*) AS n FROM ${table} WHERE ${cond}`, [needle]);
    if (Number(r.rows[0]?.n) > 0) hits.push(`${c.table_name}.${c.column_name}`);
  }
  return hits;
}
