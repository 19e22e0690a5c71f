/**
 * The log's head anchored outside the database. The hash chain proves that no event was edited,
 * removed or inserted relative to the head; whoever owns the tables can still delete the newest
 * events and point the head back at an older one. A checkpoint (every chain head's seq and hash,
 * HMAC'd with a key derived from the master key, which the database never holds) written at
 * intervals to a file or a webhook outside the database closes that gap: verification against it
 * names the events that are gone.
 *
 * "The head" is a list of chain heads (one per row of log_head), so a log split over several
 * chains is anchored and checked the same way.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { appendFile, mkdir, open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import type { Queryable } from '../store/db.js';
import { dbNow } from '../store/clock.js';
import { canonicalJson } from './canonical.js';
import type { KeyRing } from './keys.js';

export interface ChainHead {
  /** The chain's id (log_head.id). */
  chain: string;
  seq: number;
  hash: string;
}

export const CHECKPOINT_FORMAT = 'knooppunt-log-checkpoint/1';

export interface Checkpoint {
  format: typeof CHECKPOINT_FORMAT;
  /** The database's time when the heads were read. */
  at: string;
  heads: ChainHead[];
  /** Which master key's checkpoint key made the MAC (the id of its data key). */
  keyId: string;
  /** hex HMAC-SHA256 over the canonical JSON of the fields above. */
  mac: string;
}

/** Every chain head, in chain order. */
export async function readHeads(q: Queryable): Promise<ChainHead[]> {
  const r = await q.query<{ id: number | string; seq: number | string; hash: string }>('SELECT id, seq, hash FROM log_head ORDER BY id');
  return r.rows.map((h) => ({ chain: String(h.id), seq: Number(h.seq), hash: h.hash }));
}

/** One line per chain head, for verify-log and the admin API. */
export function formatHeads(heads: ChainHead[]): string {
  return heads.map((h) => `head: chain ${h.chain} seq ${h.seq} hash ${h.hash}`).join('\n');
}

function macOf(key: Buffer, body: Omit<Checkpoint, 'mac'>): string {
  return createHmac('sha256', key).update(canonicalJson(body), 'utf8').digest('hex');
}

export function signCheckpoint(ring: KeyRing, heads: ChainHead[], at: Date): Checkpoint {
  const key = ring.anchorKeys[0]!;
  const body = { format: CHECKPOINT_FORMAT, at: at.toISOString(), heads: heads.map((h) => ({ ...h })), keyId: key.id } as const;
  return { ...body, mac: macOf(key.key, body) };
}

/** True when the checkpoint's MAC verifies under the key it names (current or a previous master's). */
export function checkpointValid(ring: KeyRing, cp: Checkpoint): boolean {
  const key = ring.anchorKeys.find((k) => k.id === cp.keyId);
  if (!key || typeof cp.mac !== 'string' || !/^[0-9a-f]{64}$/.test(cp.mac)) return false;
  const { mac, ...body } = cp;
  return timingSafeEqual(Buffer.from(macOf(key.key, body), 'hex'), Buffer.from(mac, 'hex'));
}

function isCheckpoint(v: unknown): v is Checkpoint {
  const c = v as Checkpoint;
  return (
    typeof c === 'object' && c !== null && c.format === CHECKPOINT_FORMAT && typeof c.at === 'string' && typeof c.keyId === 'string' &&
    typeof c.mac === 'string' && Array.isArray(c.heads) &&
    c.heads.every((h) => typeof h?.chain === 'string' && Number.isSafeInteger(h.seq) && typeof h.hash === 'string')
  );
}

/** The checkpoints of an anchor file (one JSON object per line), with the lines that are not one. */
export function parseCheckpoints(text: string): { checkpoints: Array<{ line: number; checkpoint: Checkpoint }>; unreadable: number[] } {
  const checkpoints: Array<{ line: number; checkpoint: Checkpoint }> = [];
  const unreadable: number[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    try {
      const v = JSON.parse(line) as unknown;
      if (isCheckpoint(v)) checkpoints.push({ line: i + 1, checkpoint: v });
      else unreadable.push(i + 1);
    } catch {
      unreadable.push(i + 1);
    }
  });
  return { checkpoints, unreadable };
}

export type AnchorProblem =
  | { kind: 'unreadable'; line: number }
  | { kind: 'bad-mac'; line: number; at: string }
  | {
      kind: 'missing' | 'replaced';
      chain: string;
      /** The events that an anchor saw and the log no longer holds as anchored: from..to inclusive. */
      from: number;
      to: number;
      /** The head the log has now. */
      headSeq: number;
      /** The first anchor that does not match. */
      anchoredAt: string;
    };

export interface AnchorResult {
  ok: boolean;
  /** Checkpoints whose MAC verified and whose heads all match the log. */
  confirmed: number;
  problems: AnchorProblem[];
}

/**
 * Checks the log against every checkpoint: each anchored head must still be in the log as the
 * event at that seq with that hash. A cut tail is named as the missing range (head + 1 .. the
 * highest anchored seq); a rewritten stretch as the range after the last anchor that still matches.
 */
export async function verifyAgainstAnchors(q: Queryable, ring: KeyRing, text: string): Promise<AnchorResult> {
  const { checkpoints, unreadable } = parseCheckpoints(text);
  const problems: AnchorProblem[] = unreadable.map((line) => ({ kind: 'unreadable' as const, line }));
  const heads = new Map((await readHeads(q)).map((h) => [h.chain, h]));
  const byChain = new Map<string, Array<{ seq: number; hash: string; at: string; line: number }>>();
  for (const { line, checkpoint } of checkpoints) {
    if (!checkpointValid(ring, checkpoint)) {
      problems.push({ kind: 'bad-mac', line, at: checkpoint.at });
      continue;
    }
    for (const h of checkpoint.heads) {
      const list = byChain.get(h.chain) ?? [];
      list.push({ seq: h.seq, hash: h.hash, at: checkpoint.at, line });
      byChain.set(h.chain, list);
    }
  }
  const bad = new Set<number>();
  for (const [chain, anchors] of byChain) {
    anchors.sort((a, b) => a.seq - b.seq);
    const headSeq = heads.get(chain)?.seq ?? 0;
    const seqs = anchors.map((a) => a.seq).filter((s) => s > 0 && s <= headSeq);
    const found = new Map<number, string>();
    // A chain id that is not a number cannot be in the log (its MAC verified, so it is ours: a bug, not an attack).
    if (seqs.length > 0 && /^[1-9][0-9]{0,8}$/.test(chain)) {
      const r = await q.query<{ seq: number | string; hash: string }>('SELECT seq, hash FROM exchange_events WHERE chain = $1 AND seq = ANY($2::bigint[])', [
        Number(chain), seqs,
      ]);
      for (const row of r.rows) found.set(Number(row.seq), row.hash);
    }
    const matches = (a: { seq: number; hash: string }) => (a.seq === 0 ? true : found.get(a.seq) === a.hash);
    const firstBad = anchors.findIndex((a) => !matches(a));
    if (firstBad < 0) continue;
    for (const a of anchors.slice(firstBad)) if (!matches(a)) bad.add(a.line);
    const maxAnchored = anchors[anchors.length - 1]!.seq;
    const lastGood = anchors.slice(0, firstBad).filter(matches).pop()?.seq ?? 0;
    // Nothing the log still holds differs from an anchor: only its tail is gone.
    const onlyCut = anchors.every((a) => matches(a) || a.seq > headSeq);
    problems.push(
      onlyCut
        ? { kind: 'missing', chain, from: headSeq + 1, to: maxAnchored, headSeq, anchoredAt: anchors[firstBad]!.at }
        : { kind: 'replaced', chain, from: lastGood + 1, to: maxAnchored, headSeq, anchoredAt: anchors[firstBad]!.at },
    );
  }
  const confirmed = checkpoints.filter(({ line, checkpoint }) => !bad.has(line) && checkpointValid(ring, checkpoint)).length;
  return { ok: problems.length === 0, confirmed, problems };
}

export function formatAnchorResult(r: AnchorResult): string {
  if (r.ok) return `anchors: ${r.confirmed} checkpoint(s) match the log`;
  const lines = r.problems.map((p) => {
    switch (p.kind) {
      case 'unreadable':
        return `anchor line ${p.line}: not a checkpoint`;
      case 'bad-mac':
        return `anchor line ${p.line} (${p.at}): the MAC does not verify (forged, edited, or made with a key this gateway does not have)`;
      case 'missing':
        return `log CUT on chain ${p.chain}: events seq ${p.from}..${p.to} are missing (anchored by ${p.anchoredAt}; the log head now says seq ${p.headSeq})`;
      case 'replaced':
        return `log REWRITTEN on chain ${p.chain}: events seq ${p.from}..${p.to} are not the ones anchored (first mismatch in the checkpoint of ${p.anchoredAt}; head now seq ${p.headSeq})`;
    }
  });
  return [...lines, `anchors: ${r.confirmed} checkpoint(s) match the log`].join('\n');
}

export interface CheckpointTarget {
  /** Appends one JSON line per checkpoint (fsync'd). */
  file?: string;
  /** POSTs the checkpoint as JSON. */
  url?: string;
}

/**
 * Writes a checkpoint of the heads at an interval, and once more at stop. A head that has not moved
 * since the last checkpoint is not written again. A failing target is logged and tried at the next
 * interval; it never disturbs the gateway.
 */
export class CheckpointWriter {
  private timer: NodeJS.Timeout | undefined;
  private last = '';
  private running: Promise<void> = Promise.resolve();
  /** Checkpoints written, and targets that failed: for tests and metrics. */
  readonly counts = { written: 0, failed: 0 };

  constructor(
    private readonly db: Queryable,
    private readonly ring: KeyRing,
    private readonly target: CheckpointTarget,
    private readonly logger: Logger,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  get enabled(): boolean {
    return Boolean(this.target.file || this.target.url);
  }

  start(intervalMs: number): void {
    if (!this.enabled || intervalMs <= 0) return;
    this.timer = setInterval(() => void this.tick(), intervalMs);
    this.timer.unref();
  }

  private tick(): Promise<void> {
    this.running = this.running.then(() => this.writeNow().then(() => undefined, () => undefined));
    return this.running;
  }

  /** Writes one checkpoint now (unless the heads have not moved); returns it, or undefined when skipped. */
  async writeNow(): Promise<Checkpoint | undefined> {
    if (!this.enabled) return undefined;
    const heads = await readHeads(this.db);
    const key = JSON.stringify(heads);
    if (key === this.last) return undefined;
    const cp = signCheckpoint(this.ring, heads, await dbNow(this.db));
    const line = JSON.stringify(cp);
    let ok = true;
    if (this.target.file) {
      try {
        await appendLine(this.target.file, line);
      } catch (err) {
        ok = false;
        this.counts.failed++;
        this.logger.error({ err: (err as Error).message, file: this.target.file }, 'log checkpoint: could not write the anchor file');
      }
    }
    if (this.target.url) {
      try {
        const res = await this.fetchImpl(this.target.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: line, signal: AbortSignal.timeout(10_000) });
        // Only the status matters; the answer's body is not read.
        await res.body?.cancel();
        if (!res.ok) throw new Error(`status ${res.status}`);
      } catch (err) {
        ok = false;
        this.counts.failed++;
        this.logger.error({ err: (err as Error).message }, 'log checkpoint: the anchor webhook did not take it');
      }
    }
    if (ok) {
      this.last = key;
      this.counts.written++;
    }
    return cp;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
    if (this.enabled) await this.writeNow().catch(() => undefined);
  }
}

async function appendLine(file: string, line: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await appendFile(file, line + '\n', { mode: 0o600 });
  // Durable before it counts as written: an anchor that a crash can lose anchors nothing.
  const fh = await open(file, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export async function readAnchorFile(file: string): Promise<string> {
  return readFile(file, 'utf8');
}
