import { PayloadUnreadableError, type ExchangeLog, type Payload } from '../log/exchange-log.js';
import type { Db } from '../store/db.js';
import { cappedTotal, LIST_COUNT_CAP } from './message-view.js';

export interface MailboxItem {
  id: string;
  messageId: string;
  messageType: string;
  sender: string;
  availableAt: Date;
  acknowledgedAt: Date | null;
  contentType: string;
  content: Buffer | null;
  /** Set when the stored content cannot be decrypted (e.g. its key is missing): reported per item, never a failed page. */
  unreadable?: { reason: PayloadUnreadableError['reason']; keyId: string };
}

/** The payload, or the reason it cannot be read; any other error still throws. */
async function readOrReport(log: ExchangeLog, payloadId: number): Promise<{ payload: Payload | null; unreadable?: MailboxItem['unreadable'] }> {
  try {
    return { payload: await log.readPayload(payloadId) };
  } catch (err) {
    if (err instanceof PayloadUnreadableError) return { payload: null, unreadable: { reason: err.reason, keyId: err.keyId } };
    throw err;
  }
}

/** The pick-up mailbox: a party reads what was delivered to it and acknowledges each item. */
export class Mailbox {
  constructor(
    private readonly db: Db,
    private readonly log: ExchangeLog,
    /** How far a list counts its matches (a test makes it small). */
    private readonly countCap = LIST_COUNT_CAP,
  ) {}

  async list(
    partyId: string,
    opts: { includeAcknowledged: boolean; limit: number; offset: number; withContent?: boolean },
  ): Promise<{ items: MailboxItem[]; total: number; totalCapped: boolean }> {
    const ack = opts.includeAcknowledged ? '' : 'AND acknowledged_at IS NULL';
    // Counted up to a cap, in the index's order so that the count stops there: with acknowledged
    // items a count would read the party's whole history on every page.
    const total = await this.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM (SELECT 1 FROM mailbox WHERE party_id = $1 ${ack} ORDER BY available_at, id LIMIT $2) c`, [partyId, this.countCap + 1]);
    const rows = await this.db.query<{ id: string; messageId: string; messageType: string; sender: string; availableAt: Date; acknowledgedAt: Date | null; payloadId: number }>(
      `SELECT id, message_id AS "messageId", message_type AS "messageType", sender, available_at AS "availableAt",
              acknowledged_at AS "acknowledgedAt", payload_id AS "payloadId"
         FROM mailbox WHERE party_id = $1 ${ack} ORDER BY available_at, id LIMIT $2 OFFSET $3`,
      [partyId, opts.limit, opts.offset],
    );
    const items: MailboxItem[] = [];
    for (const r of rows.rows) {
      const { payload: p, unreadable } = opts.withContent === false ? { payload: null, unreadable: undefined } : await readOrReport(this.log, r.payloadId);
      items.push({
        id: r.id,
        messageId: r.messageId,
        messageType: r.messageType,
        sender: r.sender,
        availableAt: r.availableAt,
        acknowledgedAt: r.acknowledgedAt,
        contentType: p?.contentType ?? 'application/octet-stream',
        content: p?.content ?? null,
        ...(unreadable ? { unreadable } : {}),
      });
    }
    return { items, ...cappedTotal(total.rows[0]?.n ?? 0, this.countCap) };
  }

  /** One item with its content, only for the party it was delivered to. */
  async get(partyId: string, itemId: string): Promise<MailboxItem | undefined> {
    const r = await this.db.query<{ id: string; messageId: string; messageType: string; sender: string; availableAt: Date; acknowledgedAt: Date | null; payloadId: number }>(
      `SELECT id, message_id AS "messageId", message_type AS "messageType", sender, available_at AS "availableAt",
              acknowledged_at AS "acknowledgedAt", payload_id AS "payloadId"
         FROM mailbox WHERE id = $1 AND party_id = $2`,
      [itemId, partyId],
    );
    const row = r.rows[0];
    if (!row) return undefined;
    const { payload: p, unreadable } = await readOrReport(this.log, row.payloadId);
    const { payloadId: _payloadId, ...rest } = row;
    return { ...rest, contentType: p?.contentType ?? 'application/octet-stream', content: p?.content ?? null, ...(unreadable ? { unreadable } : {}) };
  }

  /** Idempotent: acknowledging twice is fine. Returns false when the item is not this party's. */
  async acknowledge(partyId: string, itemId: string): Promise<{ found: boolean; alreadyAcknowledged: boolean }> {
    return this.db.transaction(async (tx) => {
      const r = await tx.query<{ messageId: string; acknowledgedAt: Date | null; messageType: string; sender: string; correlationId: string; standard: string; channel: string }>(
        `SELECT b.message_id AS "messageId", b.acknowledged_at AS "acknowledgedAt", b.message_type AS "messageType", b.sender,
                m.correlation_id AS "correlationId", m.standard, m.channel
           FROM mailbox b JOIN messages m ON m.id = b.message_id
          WHERE b.id = $1 AND b.party_id = $2 FOR UPDATE OF b`,
        [itemId, partyId],
      );
      const row = r.rows[0];
      if (!row) return { found: false, alreadyAcknowledged: false };
      if (row.acknowledgedAt) return { found: true, alreadyAcknowledged: true };
      await tx.query('UPDATE mailbox SET acknowledged_at = now() WHERE id = $1', [itemId]);
      await this.log.append(tx, {
        messageId: row.messageId,
        correlationId: row.correlationId,
        eventType: 'picked_up',
        channel: row.channel,
        standard: row.standard,
        messageType: row.messageType,
        sender: row.sender,
        receiver: partyId,
        detail: { mailboxItem: itemId },
      });
      return { found: true, alreadyAcknowledged: false };
    });
  }
}
