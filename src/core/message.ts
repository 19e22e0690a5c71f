import type { Queryable } from '../store/db.js';

/** What every channel turns its input into, before the core takes over. Transport-free. */
export interface InboundMessage {
  channel: string; // 'rest' | 'istandaarden' | 'stuf' | 'suwi'
  standard: string; // 'json' | 'ijw' | 'iwmo' | 'stuf-zkn' | ...
  messageType: string; // e.g. 'toewijzing', 'JW301'
  version?: string;
  sender: string; // party id of the authenticated sender
  receiver?: string; // party id of the addressed receiver
  senderMessageId: string; // the sender's own identifier: idempotency key per sender
  /** Other identifiers people quote for this message (header Identificatie, referentienummer, zaakidentificatie): for search. Never a BSN. */
  references?: MessageReference[];
  correlationId?: string;
  /**
   * Set only by the console's reprocess (src/console/reprocess.ts), never by a channel: the message
   * was stored as rejected and goes through the current configuration again under its own id, its
   * raw payload and its trail; the pipeline updates its row instead of adding one.
   */
  reprocessOf?: { messageId: string; correlationId: string; rawPayloadId: number; by: string; previousCode: string | null };
  /**
   * What an accepted message also records about another message it answers (a receiver's later
   * answer about a delivery): events on that message and a write, in the transaction that stores this one.
   */
  answers?: { events: (messageId: string) => ExchangeEventInput[]; onCommit?: (tx: Queryable, messageId: string) => Promise<void> };
  contentType: string; // of `raw`
  raw: Buffer; // exactly the bytes received
  body: unknown; // parsed body (JSON object or parsed XML tree)
}

/** An identifier of a message as people quote it; `kind` names where it comes from (e.g. 'identificatie', 'referentienummer'). */
export interface MessageReference {
  kind: string;
  value: string;
}

/** A problem with a message, in words safe to return and log: never a value from the message. */
export interface Problem {
  /** Where: a JSON pointer, XPath or field name. */
  location: string;
  message: string;
  /** The standard's own code where it has one (retourcode, StUF foutcode). */
  code?: string;
}

/** What a standard says about a message: is it a known type, what is wrong, who is it about. */
export interface Inspection {
  known: boolean;
  problems: Problem[];
  /** BSNs found in the message; only ever stored as keyed hashes. */
  subjects: string[];
  /**
   * The standard's own answer to the sender (an iStandaarden retourbericht, a transport
   * foutbericht), built from the outcome. Stored encrypted as the message's `answer` payload,
   * logged as an `answered` event, and given back again on an idempotent resend.
   */
  answer?: Answer;
  /** Work done during inspection that a route's mapping can reuse (passed as MappingContext.prepared). */
  prepared?: unknown;
}

export interface Answer {
  contentType: string;
  content: Buffer;
  /** Metadata for the log (e.g. the retourcodes); never a value from the message. */
  detail?: Record<string, unknown>;
}

/** What the core knows when it inspects a message: its id is fixed before inspection. */
export interface InspectionContext {
  messageId: string;
}

export interface Standard {
  readonly name: string;
  inspect(msg: InboundMessage, ctx: InspectionContext): Inspection | Promise<Inspection>;
  /** Called inside the accepting transaction: what later messages are checked against (e.g. issued toewijzingen). */
  recordAccepted?(tx: Queryable, msg: InboundMessage, inspection: Inspection, messageId: string): Promise<void>;
  /**
   * True when the standard itself answers a reused sender id with other content (iStandaarden TR056,
   * retourcode 9056): the pipeline then inspects it as a new message instead of refusing it as reused-id.
   */
  refusesReusedId?(msg: InboundMessage): boolean;
}

export type MessageStatus = 'received' | 'rejected' | 'routed' | 'delivered' | 'dead_letter' | 'partially_delivered' | 'answered';

export type ExchangeEventType =
  /**
   * A message accepted: what received, validated, routed and mapped recorded, in one event
   * (detail: size, digest, senderMessageId, subjects, standard, version, routes[] with each route's
   * destinations and its mapping result, reprocessed when a beheerder put it through again).
   */
  | 'accepted'
  /** The first event of a message that is not accepted (rejected, answered); accepted messages before migration 150 too. */
  | 'received'
  /** Before migration 150 only: now part of `accepted`. */
  | 'validated'
  | 'rejected'
  /** Before migration 150 only: now part of `accepted`. */
  | 'routed'
  /** Before migration 150 only: now part of `accepted`. */
  | 'mapped'
  | 'delivery_attempted'
  | 'delivered'
  | 'dead_lettered'
  | 'answered'
  | 'picked_up'
  | 'redelivery_requested'
  /** A beheerder set a delivery aside (console hold); `redelivery_requested` ends it. */
  | 'delivery_held'
  /** A rejected message was put through the current configuration again (console), under its own id. */
  | 'reprocessed'
  /** Something an administrator did in the console (sign-in, payload view, redeliver, purge, ...). */
  | 'admin_action'
  /** A retention purge ran: counts only, the events themselves are never removed. */
  | 'purged'
  /** The region's contract register changed: a new version (src/contracten/). */
  | 'contract_changed'
  /** A contract ceiling threshold was crossed, or a conversation step is overdue (src/contracten/). */
  | 'contract_alert'
  /** What the contract checks found on an accepted bericht: was-wordt translations, warnings (rule ids only). */
  | 'contract_check'
  /** The heads of the other chains, recorded at intervals in one of them (src/log/chain-anchor.ts). */
  | 'chain_anchor'
  /**
   * The receiver of a delivered message answered about it later, in a message of its own (a StUF
   * Bv01/Bv03/Fo01/Fo03 or overdragenZaak_Du01): on the delivered message, with the delivery, the
   * bericht, its outcome (accepted or refused), the foutcode and the id of the answer's message.
   */
  | 'receiver_answered';

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
  /** The chain the event is on (log_head.id): events are keyed by (chain, seq). */
  chain: number;
  /** How its hash is computed (src/log/chain.ts): 1 for events before migration 150, 2 after. */
  hashFormat: 1 | 2;
  seq: number;
  id: string;
  occurredAt: Date;
  detail: Record<string, unknown>;
  prevHash: string;
  hash: string;
}
