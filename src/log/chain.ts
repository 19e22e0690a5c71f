import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical.js';

/** prev_hash of the first event of every chain (log_head starts here, see migrations 1 and 150). */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * How an event's hash is computed (exchange_events.hash_format):
 * - 1: sha256 over prevHash and the canonical JSON of the whole event (every event before migration 150);
 * - 2: sha256 over prevHash and a fixed-field encoding (below) that includes the chain.
 */
export type HashFormat = 1 | 2;
export const CURRENT_HASH_FORMAT: HashFormat = 2;

/** The fields of an event that the chain protects: everything except prev_hash and hash themselves. */
export interface ChainedFields {
  /** The chain the event is on (log_head.id); 1 when absent (the only chain before migration 150). */
  chain?: number;
  /** 1 when absent: an event read or written the old way. */
  hashFormat?: HashFormat;
  seq: number;
  id: string;
  messageId: string | null;
  correlationId: string | null;
  eventType: string;
  channel: string | null;
  standard: string | null;
  messageType: string | null;
  sender: string | null;
  receiver: string | null;
  occurredAt: Date;
  detail: Record<string, unknown>;
}

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * The event's hash in its own format. `detailJson` may be passed when the canonical JSON of the
 * detail is already known (the writer computed it once in prepare()), so it is not built twice.
 */
export function eventHash(prevHash: string, ev: ChainedFields, detailJson?: string): string {
  if (!HEX64.test(prevHash)) throw new Error('eventHash: prevHash must be 64 lowercase hex characters');
  const format = ev.hashFormat ?? 1;
  if (format === 2) return createHash('sha256').update(prevHash, 'utf8').update(fixedFields(ev, detailJson ?? canonicalJson(ev.detail)), 'utf8').digest('hex');
  if (format !== 1) throw new Error(`eventHash: unknown hash format ${String(format)}`);
  return createHash('sha256').update(prevHash, 'utf8').update(jsonBody(ev), 'utf8').digest('hex');
}

/**
 * Format 1: canonical JSON of an explicit field list. prevHash is always 64 hex characters, so the
 * concatenation is unambiguous. seq is inside the hash, so moving an event breaks it even if the
 * chain links were rewritten. An extra property on `ev` (its own hash, its chain) changes nothing.
 */
function jsonBody(ev: ChainedFields): string {
  return canonicalJson({
    seq: ev.seq,
    id: ev.id,
    messageId: ev.messageId ?? null,
    correlationId: ev.correlationId ?? null,
    eventType: ev.eventType,
    channel: ev.channel ?? null,
    standard: ev.standard ?? null,
    messageType: ev.messageType ?? null,
    sender: ev.sender ?? null,
    receiver: ev.receiver ?? null,
    occurredAt: ev.occurredAt,
    detail: ev.detail,
  });
}

/**
 * Format 2: the fields in a fixed order, each framed by its length, so nothing has to be escaped,
 * sorted or re-serialised: `kp2|` then per field `<length>:<text>` or `-` for null. The length
 * counts UTF-16 code units of the JavaScript string, so the framing is unambiguous. Numbers (chain,
 * seq, occurredAt as epoch milliseconds) are decimal text. Only the detail needs canonical JSON
 * (jsonb does not keep key order), and the writer has that already.
 */
function fixedFields(ev: ChainedFields, detailJson: string): string {
  const t = ev.occurredAt.getTime();
  if (!Number.isFinite(t)) throw new TypeError('eventHash: invalid occurredAt');
  return (
    'kp2|' +
    field(String(ev.chain ?? 1)) +
    field(String(ev.seq)) +
    field(ev.id) +
    field(ev.messageId) +
    field(ev.correlationId) +
    field(ev.eventType) +
    field(ev.channel) +
    field(ev.standard) +
    field(ev.messageType) +
    field(ev.sender) +
    field(ev.receiver) +
    field(String(t)) +
    field(detailJson)
  );
}

function field(v: string | null | undefined): string {
  return v === null || v === undefined ? '-' : `${v.length}:${v}`;
}
