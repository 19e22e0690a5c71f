import type { ExchangeLog } from '../log/exchange-log.js';
import type { Db } from '../store/db.js';

export interface MessageSummary {
  id: string;
  senderMessageId: string;
  correlationId: string;
  channel: string;
  standard: string;
  messageType: string;
  sender: string;
  receiver: string | null;
  status: string;
  receivedAt: Date;
  updatedAt: Date;
  error: unknown;
}

export interface MessageDetail extends MessageSummary {
  events: Array<{ seq: number; type: string; at: string; detail: Record<string, unknown> }>;
  deliveries: Array<{
    id: string;
    destination: string;
    route: string;
    status: string;
    attempts: number;
    lastError: string | null;
    nextAttemptAt: string | null;
    deliveredAt: string | null;
    /** What the receiver answered about the delivery afterwards (a StUF Bv01/Bv03 or Fo01/Fo03), with its reason (codes); null when it did not. */
    receiverOutcome: 'accepted' | 'refused' | null;
    receiverReason: Record<string, unknown> | null;
    history: Array<{ attempt: number; startedAt: string; durationMs: number; outcome: string; statusCode: number | null; error: string | null }>;
  }>;
}

/** Lists count their matches up to this many; past it, `totalCapped` says there are more. */
export const LIST_COUNT_CAP = 10_000;

/** The deepest page of `pageSize` a list reaches: as far as its count goes (a deeper OFFSET would read every row up to it). */
export function lastPage(pageSize: number): number {
  return Math.floor(LIST_COUNT_CAP / pageSize);
}

/** A list's count as answered: `n` was counted up to `cap` + 1. */
export function cappedTotal(n: number, cap = LIST_COUNT_CAP): { total: number; totalCapped: boolean } {
  return { total: Math.min(n, cap), totalCapped: n > cap };
}

export interface MessageFilter {
  status?: string;
  messageType?: string;
  direction?: 'sent' | 'received';
  from?: Date;
  to?: Date;
  limit: number;
  offset: number;
}

const SUMMARY = `id, sender_message_id AS "senderMessageId", correlation_id AS "correlationId", channel, standard,
  message_type AS "messageType", sender, receiver, status, error, received_at AS "receivedAt", updated_at AS "updatedAt"`;

/** Read side for parties: a party sees only messages it sent or that are addressed to it. */
export class MessageView {
  constructor(
    private readonly db: Db,
    private readonly log: ExchangeLog,
    /** How far a list counts its matches (a test makes it small). */
    private readonly countCap = LIST_COUNT_CAP,
  ) {}

  async forParty(id: string, partyId: string): Promise<MessageDetail | undefined> {
    const r = await this.db.query<MessageSummary>(`SELECT ${SUMMARY} FROM messages WHERE id = $1 AND (sender = $2 OR receiver = $2)`, [id, partyId]);
    const m = r.rows[0];
    if (!m) return undefined;
    const events = await this.log.eventsForMessage(id);
    const deliveries = await this.db.query<{
      id: string; destination: string; route: string; status: string; attempts: number; lastError: string | null;
      nextAttemptAt: Date; deliveredAt: Date | null; receiverOutcome: 'accepted' | 'refused' | null; receiverReason: Record<string, unknown> | null;
    }>(
      `SELECT id, destination_id AS destination, route_id AS route, status, attempts, last_error AS "lastError",
              next_attempt_at AS "nextAttemptAt", delivered_at AS "deliveredAt",
              receiver_outcome AS "receiverOutcome", receiver_reason AS "receiverReason"
         FROM deliveries WHERE message_id = $1 ORDER BY seq`,
      [id],
    );
    const attempts = await this.db.query<{
      deliveryId: string; attempt: number; startedAt: Date; durationMs: number; outcome: string; statusCode: number | null; error: string | null;
    }>(
      `SELECT a.delivery_id AS "deliveryId", a.attempt, a.started_at AS "startedAt", a.duration_ms AS "durationMs", a.outcome,
              a.status_code AS "statusCode", a.error
         FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.message_id = $1 ORDER BY a.id`,
      [id],
    );
    return {
      ...m,
      events: events.map((e) => ({ seq: e.seq, type: e.eventType, at: e.occurredAt.toISOString(), detail: e.detail })),
      deliveries: deliveries.rows.map((d) => ({
        id: d.id,
        destination: d.destination,
        route: d.route,
        status: d.status,
        attempts: d.attempts,
        lastError: d.lastError,
        nextAttemptAt: d.status === 'pending' ? d.nextAttemptAt.toISOString() : null,
        deliveredAt: d.deliveredAt ? d.deliveredAt.toISOString() : null,
        receiverOutcome: d.receiverOutcome ?? null,
        receiverReason: d.receiverReason ?? null,
        history: attempts.rows
          .filter((a) => a.deliveryId === d.id)
          .map((a) => ({ attempt: a.attempt, startedAt: a.startedAt.toISOString(), durationMs: a.durationMs, outcome: a.outcome, statusCode: a.statusCode, error: a.error })),
      })),
    };
  }

  /**
   * One page of a party's messages, newest first, with their number counted up to
   * {@link LIST_COUNT_CAP} (`countCap`). Work per page is bounded by the page's position, not by the party's
   * whole history: the sent and the received side each come from their own index
   * (messages_sender_idx, messages_receiver_idx), newest first, as far as the page reaches; a count
   * of every message a party ever exchanged ran on each page request.
   */
  async listForParty(partyId: string, f: MessageFilter): Promise<{ items: MessageSummary[]; total: number; totalCapped: boolean }> {
    const filters: string[] = [];
    const params: unknown[] = [partyId];
    if (f.status) filters.push(`status = $${params.push(f.status)}`);
    if (f.messageType) filters.push(`message_type = $${params.push(f.messageType)}`);
    if (f.from) filters.push(`received_at >= $${params.push(f.from)}`);
    if (f.to) filters.push(`received_at < $${params.push(f.to)}`);
    const and = filters.map((c) => ` AND ${c}`).join('');
    // A party that sends to itself is listed once, on the sent side.
    const sides = [
      ...(f.direction !== 'received' ? [`sender = $1${and}`] : []),
      ...(f.direction !== 'sent' ? [`receiver = $1${f.direction === 'received' ? '' : ' AND sender IS DISTINCT FROM $1'}${and}`] : []),
    ];
    const reach = `$${params.length + 1}`;
    const page = sides.map((w) => `(SELECT ${SUMMARY} FROM messages WHERE ${w} ORDER BY received_at DESC, id LIMIT ${reach})`).join(' UNION ALL ');
    const items = await this.db.query<MessageSummary>(
      `SELECT * FROM (${page}) m ORDER BY "receivedAt" DESC, id LIMIT $${params.length + 2} OFFSET $${params.length + 3}`,
      [...params, f.offset + f.limit, f.limit, f.offset],
    );
    // Ordered as the index is, so that each side stops at the cap (a bitmap scan would first collect every match).
    const counted = sides.map((w) => `(SELECT 1 FROM messages WHERE ${w} ORDER BY received_at DESC LIMIT ${reach})`).join(' UNION ALL ');
    const total = await this.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM (${counted}) c`, [...params, this.countCap + 1]);
    return { items: items.rows, ...cappedTotal(total.rows[0]?.n ?? 0, this.countCap) };
  }
}
