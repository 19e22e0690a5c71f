import { randomUUID } from 'node:crypto';
import type { Queryable } from '../../store/db.js';
import { insertRows, type RowsInsert } from '../../core/rows.js';

/** Puts a message in a party's pick-up mailbox; one row per delivery, so a retried attempt cannot double it. */
export async function depositInMailbox(
  tx: Queryable,
  m: { partyId: string; messageId: string; deliveryId: string; payloadId: number; messageType: string; sender: string },
): Promise<void> {
  await tx.query(
    `INSERT INTO mailbox (id, party_id, message_id, delivery_id, payload_id, message_type, sender, available_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, now()) ON CONFLICT (delivery_id) DO NOTHING`,
    [randomUUID(), m.partyId, m.messageId, m.deliveryId, m.payloadId, m.messageType, m.sender],
  );
}

/** The same for many deliveries, with one statement (a delivery batch). */
export async function depositManyInMailbox(tx: Queryable, ms: ReadonlyArray<MailboxDeposit>): Promise<void> {
  const { table, columns, rows, opts } = mailboxRows(ms);
  await insertRows(tx, table, columns, rows, opts);
}

export type MailboxDeposit = { partyId: string; messageId: string; deliveryId: string; payloadId: number; messageType: string; sender: string };

/** The mailbox rows of many deliveries, for a statement that writes other tables too. */
export function mailboxRows(ms: ReadonlyArray<MailboxDeposit>): RowsInsert {
  return {
    table: 'mailbox',
    columns: ['id', 'party_id', 'message_id', 'delivery_id', 'payload_id', 'message_type', 'sender'],
    rows: ms.map((m) => [randomUUID(), m.partyId, m.messageId, m.deliveryId, m.payloadId, m.messageType, m.sender]),
    opts: { constants: { available_at: 'now()' }, tail: 'ON CONFLICT (delivery_id) DO NOTHING' },
  };
}
