import type { ExchangeLog } from '../log/exchange-log.js';
import type { Db } from '../store/db.js';

export interface MailboxItem {
  id: string;
  messageId: string;
  messageType: string;
  sender: string;
  availableAt: Date;
  acknowledgedAt: Date | null;
  contentType: string;
  content: Buffer | null;
}

/** The pick-up mailbox: a party reads what was delivered to it and acknowledges each item. */
export class Mailbox {
  constructor(
    private readonly db: Db,
    private readonly log: ExchangeLog,
  ) {}

  async list(
    partyId: string,
    opts: { includeAcknowledged: boolean; limit: number; offset: number; withContent?: boolean },
  ): Promise<{ items: MailboxItem[]; total: number }> {
    const ack = opts.includeAcknowledged ? '' : 'AND acknowledged_at IS NULL';
    const total = await this.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM mailbox WHERE party_id = $1 ${ack}`, [partyId]);
    const rows = await this.db.query<{ id: string; messageId: string; messageType: string; sender: string; availableAt: Date; acknowledgedAt: Date | null; payloadId: number }>(
      `SELECT id, message_id AS "messageId", message_type AS "messageType", sender, available_at AS "availableAt",
              acknowledged_at AS "acknowledgedAt", payload_id AS "payloadId"
         FROM mailbox WHERE party_id = $1 ${ack} ORDER BY available_at, id LIMIT $2 OFFSET $3`,
      [partyId, opts.limit, opts.offset],
    );
    const items: MailboxItem[] = [];
    for (const r of rows.rows) {
      const p = opts.withContent === false ? null : await this.log.readPayload(r.payloadId);
      items.push({
        id: r.id,
        messageId: r.messageId,
        messageType: r.messageType,
        sender: r.sender,
        availableAt: r.availableAt,
        acknowledgedAt: r.acknowledgedAt,
        contentType: p?.contentType ?? 'application/octet-stream',
        content: p?.content ?? null,
      });
    }
    return { items, total: total.rows[0]?.n ?? 0 };
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
    const p = await this.log.readPayload(row.payloadId);
    const { payloadId: _payloadId, ...rest } = row;
    return { ...rest, contentType: p?.contentType ?? 'application/octet-stream', content: p?.content ?? null };
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
