import type { Db } from '../store/db.js';
import { formatHeads, type ChainHead } from './anchor.js';
import { GENESIS_HASH, eventHash } from './chain.js';
import { EVENT_COLUMNS, rowToEvent, type EventRow } from './exchange-log.js';

export type BreakReason = 'hash-mismatch' | 'link-broken' | 'seq-gap' | 'head-mismatch';

export interface VerifyResult {
  ok: boolean;
  /** Events verified intact before the first break (all of them when ok). */
  checked: number;
  /** log_head.seq when verification started: the number of events the log claims to hold. */
  headSeq: number;
  /** The head(s) the run verified against, to be compared with (or recorded as) an anchor outside the database. */
  heads: ChainHead[];
  /**
   * The first event at which the chain is broken. For a truncated tail (events missing at the end)
   * seq is the first missing one and id is ''.
   */
  firstBroken?: { seq: number; id: string; reason: BreakReason };
}

const DEFAULT_BATCH = 1000;

/**
 * Walks the whole chain in seq order, in batches (keyset pagination, bounded memory), recomputing
 * every hash. Reads log_head first and verifies up to that seq, so appends committed during the
 * run neither disturb it nor need a long-lived snapshot (which on PGlite would block the gateway).
 *
 * What it proves: no event was edited, removed, inserted or moved relative to log_head. What it
 * cannot prove alone: that log_head itself was not rewritten together with every later hash by
 * someone with write access (a cut tail); for that, anchor the head outside the database
 * (anchor.ts: checkpoints, and `verify-log --anchor`).
 */
export async function verifyLog(db: Db, opts: { batchSize?: number } = {}): Promise<VerifyResult> {
  const batchSize = opts.batchSize ?? DEFAULT_BATCH;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new Error('batchSize must be a positive integer');

  const headRes = await db.query<{ seq: number | string; hash: string }>('SELECT seq, hash FROM log_head WHERE id = 1');
  const head = headRes.rows[0];
  if (!head) throw new Error('log_head row is missing (migrations not applied?)');
  const headSeq = Number(head.seq);
  const heads: ChainHead[] = [{ chain: '1', seq: headSeq, hash: head.hash }];

  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  let checked = 0;
  let lastId = '';
  // Start below any possible seq so that a forged event with seq <= 0 is seen too.
  let after = Number.MIN_SAFE_INTEGER;
  const broken = (seq: number, id: string, reason: BreakReason): VerifyResult => ({ ok: false, checked, headSeq, heads, firstBroken: { seq, id, reason } });

  for (;;) {
    const res = await db.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM exchange_events WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3`,
      [after, headSeq, batchSize],
    );
    for (const row of res.rows) {
      const ev = rowToEvent(row);
      // Order matters: a removed event shows first as a gap, a rewritten neighbour as a broken link,
      // and only an intact position and link make a hash mismatch mean "this event was edited".
      if (ev.seq !== expectedSeq) return broken(ev.seq, ev.id, 'seq-gap');
      if (ev.prevHash !== prevHash) return broken(ev.seq, ev.id, 'link-broken');
      if (eventHash(prevHash, ev) !== ev.hash) return broken(ev.seq, ev.id, 'hash-mismatch');
      prevHash = ev.hash;
      lastId = ev.id;
      expectedSeq++;
      checked++;
    }
    if (res.rows.length < batchSize) break;
    after = Number(res.rows[res.rows.length - 1]!.seq);
  }

  // Tail: the head promises more events than exist (deleted or truncated at the end).
  if (checked < headSeq) return broken(expectedSeq, '', 'head-mismatch');
  // The last event was rewritten (with a recomputed hash) or the head was edited.
  if (prevHash !== head.hash) return broken(headSeq, lastId, 'head-mismatch');
  // Events beyond the head: one statement, one snapshot, so a concurrent append (event and head
  // move together in one transaction) cannot produce a false alarm.
  const beyond = await db.query<{ head_seq: number | string; max_seq: number | string | null }>(
    'SELECT (SELECT seq FROM log_head WHERE id = 1) AS head_seq, (SELECT max(seq) FROM exchange_events) AS max_seq',
  );
  const b = beyond.rows[0];
  if (b && b.max_seq !== null && Number(b.max_seq) > Number(b.head_seq)) {
    const extra = await db.query<{ seq: number | string; id: string }>(
      'SELECT seq, id FROM exchange_events WHERE seq > $1 ORDER BY seq LIMIT 1',
      [Number(b.head_seq)],
    );
    const e = extra.rows[0];
    return broken(e ? Number(e.seq) : Number(b.head_seq) + 1, e?.id ?? '', 'head-mismatch');
  }
  return { ok: true, checked, headSeq, heads };
}

const REASON_TEXT: Record<BreakReason, string> = {
  'hash-mismatch': 'the event was altered after it was written',
  'link-broken': 'the event does not link to the event before it (an event was replaced, inserted or rewritten)',
  'seq-gap': 'one or more events before this one are missing',
  'head-mismatch': 'the log head does not match the last event (events missing at the end, added after it, or rewritten)',
};

/** One line for `knooppunt verify-log`; the CLI exits 1 when result.ok is false. */
export function formatVerifyResult(result: VerifyResult): string {
  return `${verdict(result)}\n${formatHeads(result.heads)}`;
}

function verdict(result: VerifyResult): string {
  if (result.ok) return `log intact: ${result.checked} events verified`;
  const fb = result.firstBroken;
  if (!fb) return `log BROKEN after ${result.checked} verified events`;
  const where = fb.id ? `event seq ${fb.seq} (id ${fb.id})` : `event seq ${fb.seq} (missing; log head says ${result.headSeq} events)`;
  return `log BROKEN at ${where}: ${fb.reason} — ${REASON_TEXT[fb.reason]}; ${result.checked} events verified before it`;
}
