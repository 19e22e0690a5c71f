/** What every channel turns its input into, before the core takes over. Transport-free. */
export interface InboundMessage {
  channel: string; // 'rest' | 'istandaarden' | 'stuf' | 'suwi'
  standard: string; // 'json' | 'ijw' | 'iwmo' | 'stuf-zkn' | ...
  messageType: string; // e.g. 'toewijzing', 'JW301'
  version?: string;
  sender: string; // party id of the authenticated sender
  receiver?: string; // party id of the addressed receiver
  senderMessageId: string; // the sender's own identifier: idempotency key per sender
  correlationId?: string;
  contentType: string; // of `raw`
  raw: Buffer; // exactly the bytes received
  body: unknown; // parsed body (JSON object or parsed XML tree)
  subjects: string[]; // BSNs found in the message (never logged in plain text)
}

export type MessageStatus = 'received' | 'rejected' | 'routed' | 'delivered' | 'dead_letter' | 'partially_delivered';

export type ExchangeEventType =
  | 'received'
  | 'validated'
  | 'rejected'
  | 'routed'
  | 'mapped'
  | 'delivery_attempted'
  | 'delivered'
  | 'dead_lettered'
  | 'answered'
  | 'picked_up'
  | 'redelivery_requested';

export interface ExchangeEventInput {
  messageId: string | null;
  correlationId?: string | null;
  eventType: ExchangeEventType;
  channel?: string | null;
  standard?: string | null;
  messageType?: string | null;
  sender?: string | null;
  receiver?: string | null;
  /** Metadata only: never a payload, never a BSN. */
  detail?: Record<string, unknown>;
  /** Defaults to now. */
  occurredAt?: Date;
}

export interface ExchangeEvent extends Required<Omit<ExchangeEventInput, 'detail' | 'occurredAt'>> {
  seq: number;
  id: string;
  occurredAt: Date;
  detail: Record<string, unknown>;
  prevHash: string;
  hash: string;
}
