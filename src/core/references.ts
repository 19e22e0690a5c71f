import type { Queryable } from '../store/db.js';
import type { InboundMessage, MessageReference } from './message.js';

/** Longest reference kept in the index: the standards' own identifiers are far shorter (iStandaarden an12, StUF an40). */
const MAX_REFERENCE_LENGTH = 200;

/**
 * Every reference people quote for a message, for the console's search: the sender's own message id
 * and what the channel read from the message's header (the iStandaarden Identificatie, the StUF
 * referentienummer, a zaakidentificatie). Identifiers of messages, not of persons: a channel never
 * passes a BSN or payload text as a reference. Written in the transaction that stores the message.
 */
export function referencesOf(msg: Pick<InboundMessage, 'senderMessageId' | 'references'>): MessageReference[] {
  const all: MessageReference[] = [{ kind: 'sender_message_id', value: msg.senderMessageId }, ...(msg.references ?? [])];
  const seen = new Set<string>();
  const out: MessageReference[] = [];
  for (const r of all) {
    const value = typeof r.value === 'string' ? r.value.trim() : '';
    if (!value || value.length > MAX_REFERENCE_LENGTH) continue;
    const key = `${r.kind}\u0000${value}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ kind: r.kind, value });
  }
  return out;
}

export async function recordReferences(tx: Queryable, messageId: string, msg: Pick<InboundMessage, 'senderMessageId' | 'references'>): Promise<void> {
  const refs = referencesOf(msg);
  if (refs.length === 0) return;
  await tx.query(
    `INSERT INTO message_references (message_id, kind, value)
     SELECT $1, k, v FROM unnest($2::text[], $3::text[]) AS r(k, v) ON CONFLICT DO NOTHING`,
    [messageId, refs.map((r) => r.kind), refs.map((r) => r.value)],
  );
}
