import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical.js';

/** prev_hash of the first event (log_head starts here, see migration 1). */
export const GENESIS_HASH = '0'.repeat(64);

/** The fields of an event that the chain protects: everything except prev_hash and hash themselves. */
export interface ChainedFields {
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

/**
 * sha256 hex over the previous hash followed by the canonical JSON of the event. prevHash is always
 * 64 hex characters, so the concatenation is unambiguous. seq is inside the hash, so moving an event
 * to another position breaks it even if the chain links were rewritten.
 */
export function eventHash(prevHash: string, ev: ChainedFields): string {
  if (!/^[0-9a-f]{64}$/.test(prevHash)) throw new Error('eventHash: prevHash must be 64 lowercase hex characters');
  // Explicit field list: an extra property on `ev` (e.g. a full ExchangeEvent with its own hash) must not change the result.
  const body = canonicalJson({
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
  return createHash('sha256').update(prevHash, 'utf8').update(body, 'utf8').digest('hex');
}
