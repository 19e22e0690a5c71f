import type { Db } from '../store/db.js';
import { formatHeads, readHeads, type ChainHead } from './anchor.js';
import { GENESIS_HASH, eventHash } from './chain.js';
import { recordedHeads } from './chain-anchor.js';
import { EVENT_COLUMNS, rowToEvent, type EventRow } from './exchange-log.js';

export type BreakReason = 'hash-mismatch' | 'link-broken' | 'seq-gap' | 'head-mismatch' | 'anchor-mismatch';

export interface BrokenAt {
  /** The chain (log_head.id) the break is on. */
  chain: string;
  seq: number;
  id: string;
  reason: BreakReason;
  /** anchor-mismatch: the last seq of the range a chain_anchor event recorded and the log no longer holds as recorded. */
  to?: number;
  /** anchor-mismatch: the chain_anchor event that recorded it. */
  anchoredBy?: { chain: string; seq: number };
}

export interface VerifyResult {
  ok: boolean;
  /** Events verified intact before the first break (all of them when ok), over every chain. */
  checked: number;
  /** The sum of the chain heads' seq when verification started: the number of events the log claims to hold. */
  headSeq: number;
  /** The head(s) the run verified against, to be compared with (or recorded as) an anchor outside the database. */
  heads: ChainHead[];
  /**
   * The first event at which a chain is broken. For a truncated tail (events missing at the end)
   * seq is the first missing one and id is ''.
   */
  firstBroken?: BrokenAt;
}

const DEFAULT_BATCH = 1000;

/** The highest head of another chain that a chain_anchor event recorded, per chain. */
type Recorded = Map<string, { seq: number; hash: string; by: { chain: string; seq: number } }>;

/**
 * Walks every chain in seq order, in batches (keyset pagination, bounded memory), recomputing every
 * hash in the event's own format. Reads the chain heads first and verifies up to them, so appends
 * committed during the run neither disturb it nor need a long-lived snapshot (which on PGlite would
 * block the gateway).
 *
 * What it proves: no event was edited, removed, inserted or moved relative to its chain's head, and
 * no chain holds fewer events than a chain_anchor event on another chain recorded of it. What it
 * cannot prove alone: that every chain was not rewritten together by someone with write access;
 * for that, anchor the heads outside the database (anchor.ts: checkpoints, `verify-log --anchor`).
 */
export async function verifyLog(db: Db, opts: { batchSize?: number } = {}): Promise<VerifyResult> {
  const batchSize = opts.batchSize ?? DEFAULT_BATCH;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new Error('batchSize must be a positive integer');

  const heads = await readHeads(db);
  if (heads.length === 0) throw new Error('log_head has no chain (migrations not applied?)');
  const headSeq = heads.reduce((n, h) => n + h.seq, 0);
  let checked = 0;
  const broken = (b: BrokenAt): VerifyResult => ({ ok: false, checked, headSeq, heads, firstBroken: b });
  const recorded: Recorded = new Map();

  for (const head of heads) {
    const walked = await walkChain(db, head, batchSize, recorded);
    checked += walked.checked;
    if (walked.broken) return broken(walked.broken);
  }

  // Events beyond a head, or on a chain without a head: one statement, one snapshot, so a
  // concurrent append (events and head move together in one transaction) cannot raise a false alarm.
  const beyond = await db.query<{ chain: number | string; head_seq: number | string | null; max_seq: number | string | null }>(
    `SELECT h.id AS chain, h.seq AS head_seq, (SELECT max(e.seq) FROM exchange_events e WHERE e.chain = h.id) AS max_seq FROM log_head h
     UNION ALL
     SELECT e.chain, NULL, max(e.seq) FROM exchange_events e WHERE NOT EXISTS (SELECT 1 FROM log_head h WHERE h.id = e.chain) GROUP BY e.chain
     ORDER BY 1`,
  );
  for (const b of beyond.rows) {
    if (b.max_seq === null) continue;
    const after = b.head_seq === null ? Number.MIN_SAFE_INTEGER : Number(b.head_seq);
    if (Number(b.max_seq) <= after) continue;
    const extra = await db.query<{ seq: number | string; id: string }>('SELECT seq, id FROM exchange_events WHERE chain = $1 AND seq > $2 ORDER BY seq LIMIT 1', [
      Number(b.chain), after,
    ]);
    const e = extra.rows[0];
    return broken({ chain: String(b.chain), seq: e ? Number(e.seq) : after + 1, id: e?.id ?? '', reason: 'head-mismatch' });
  }

  // What chain_anchor events recorded of the other chains must still be there, with that hash.
  const byChain = new Map(heads.map((h) => [h.chain, h]));
  for (const [chain, r] of [...recorded].sort(([a], [b]) => Number(a) - Number(b))) {
    const now = byChain.get(chain)?.seq ?? 0;
    if (r.seq > now) return broken({ chain, seq: now + 1, id: '', reason: 'anchor-mismatch', to: r.seq, anchoredBy: r.by });
    if (r.seq === 0) continue;
    const at = await db.query<{ id: string; hash: string }>('SELECT id, hash FROM exchange_events WHERE chain = $1 AND seq = $2', [Number(chain), r.seq]);
    if (at.rows[0]?.hash !== r.hash) return broken({ chain, seq: r.seq, id: at.rows[0]?.id ?? '', reason: 'anchor-mismatch', to: r.seq, anchoredBy: r.by });
  }
  return { ok: true, checked, headSeq, heads };
}

async function walkChain(db: Db, head: ChainHead, batchSize: number, recorded: Recorded): Promise<{ checked: number; broken?: BrokenAt }> {
  const chain = Number(head.chain);
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  let checked = 0;
  let lastId = '';
  // Start below any possible seq so that a forged event with seq <= 0 is seen too.
  let after = Number.MIN_SAFE_INTEGER;
  const broken = (seq: number, id: string, reason: BreakReason) => ({ checked, broken: { chain: head.chain, seq, id, reason } });

  for (;;) {
    const res = await db.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM exchange_events WHERE chain = $1 AND seq > $2 AND seq <= $3 ORDER BY seq LIMIT $4`,
      [chain, after, head.seq, batchSize],
    );
    for (const row of res.rows) {
      const ev = rowToEvent(row);
      // Order matters: a removed event shows first as a gap, a rewritten neighbour as a broken link,
      // and only an intact position and link make a hash mismatch mean "this event was edited".
      if (ev.seq !== expectedSeq) return broken(ev.seq, ev.id, 'seq-gap');
      if (ev.prevHash !== prevHash) return broken(ev.seq, ev.id, 'link-broken');
      if (eventHash(prevHash, ev) !== ev.hash) return broken(ev.seq, ev.id, 'hash-mismatch');
      if (ev.eventType === 'chain_anchor') {
        for (const h of recordedHeads(ev.detail)) {
          const known = recorded.get(h.chain);
          if (!known || h.seq > known.seq) recorded.set(h.chain, { seq: h.seq, hash: h.hash, by: { chain: head.chain, seq: ev.seq } });
        }
      }
      prevHash = ev.hash;
      lastId = ev.id;
      expectedSeq++;
      checked++;
    }
    if (res.rows.length < batchSize) break;
    after = Number(res.rows[res.rows.length - 1]!.seq);
  }
  // Tail: the head promises more events than exist (deleted or truncated at the end).
  if (checked < head.seq) return broken(expectedSeq, '', 'head-mismatch');
  // The last event was rewritten (with a recomputed hash) or the head was edited.
  if (prevHash !== head.hash) return broken(head.seq, lastId, 'head-mismatch');
  return { checked };
}

const REASON_TEXT: Record<BreakReason, string> = {
  'hash-mismatch': 'the event was altered after it was written',
  'link-broken': 'the event does not link to the event before it (an event was replaced, inserted or rewritten)',
  'seq-gap': 'one or more events before this one are missing',
  'head-mismatch': 'the log head does not match the last event (events missing at the end, added after it, or rewritten)',
  'anchor-mismatch': 'a chain_anchor event on another chain recorded more of this chain, or another event at this seq (the tail was cut, or cut and rewritten)',
};

/** One line for `knooppunt verify-log`; the CLI exits 1 when result.ok is false. */
export function formatVerifyResult(result: VerifyResult): string {
  return `${verdict(result)}\n${formatHeads(result.heads)}`;
}

function verdict(result: VerifyResult): string {
  if (result.ok) return `log intact: ${result.checked} events verified${result.heads.length > 1 ? ` on ${result.heads.length} chains` : ''}`;
  const fb = result.firstBroken;
  if (!fb) return `log BROKEN after ${result.checked} verified events`;
  const head = result.heads.find((h) => h.chain === fb.chain)?.seq ?? 0;
  if (fb.reason === 'anchor-mismatch') {
    const by = fb.anchoredBy ? `the chain_anchor event seq ${fb.anchoredBy.seq} on chain ${fb.anchoredBy.chain}` : 'a chain_anchor event';
    const what = fb.id === '' ? `events seq ${fb.seq}..${fb.to ?? fb.seq} are missing` : `event seq ${fb.seq} (id ${fb.id}) is not the one recorded`;
    return `log BROKEN on chain ${fb.chain}: ${what} (recorded by ${by}; the head of chain ${fb.chain} says seq ${head}): ${fb.reason} — ${REASON_TEXT[fb.reason]}; ${result.checked} events verified`;
  }
  // With one chain, naming it adds nothing.
  const on = result.heads.length > 1 ? `on chain ${fb.chain} ` : '';
  const where = fb.id ? `event seq ${fb.seq} (id ${fb.id})` : `event seq ${fb.seq} (missing; log head says ${head} events)`;
  return `log BROKEN ${on}at ${where}: ${fb.reason} — ${REASON_TEXT[fb.reason]}; ${result.checked} events verified before it`;
}
