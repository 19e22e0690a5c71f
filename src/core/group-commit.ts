import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { QueuedDelivery } from '../delivery/outbox.js';
import type { ExchangeLog, KnownMessage, PayloadDraft, PreparedEvent, SealedPayload } from '../log/exchange-log.js';
import type { ExchangeEventInput, MessageReference } from './message.js';
import type { Db, Queryable } from '../store/db.js';
import { insertRows, insertRowsTogether } from './rows.js';
import { currentTrace, type TraceContext } from '../chain/trace-context.js';

/** The messages row of one item. */
export interface MessageRow {
  id: string;
  senderMessageId: string;
  correlationId: string;
  channel: string;
  standard: string;
  messageType: string;
  version: string | null;
  sender: string;
  receiver: string | null;
  routeId: string | null;
  status: string;
  error: unknown;
}

/** A payload of an item; `id` is filled in by the writer once reserved. */
export interface PayloadSlot {
  draft: PayloadDraft;
  id?: number;
  /** Already in the store (a reprocess reuses the raw payload it arrived with): neither sealed nor inserted. */
  stored?: boolean;
}

/** An outbox row of an item, referring to one of its payloads. */
export interface DeliverySlot {
  routeId: string;
  destinationId: string;
  payload: PayloadSlot;
  maxAttempts: number;
  backoffMs: number;
  orderingKey: string | null;
}

/**
 * Everything one accepted (or rejected, or answered) message writes: prepared outside the
 * transaction, written by the writer together with the other items of its batch.
 */
export interface WriteItem {
  message: MessageRow;
  /** false: the row exists already and a hook updates it (reprocessing a rejected message). */
  insertMessage?: boolean;
  /** The console's search index of the identifiers people quote (src/core/references.ts). */
  references: MessageReference[];
  payloads: PayloadSlot[];
  subjectHashes: string[];
  deliveries: DeliverySlot[];
  /** In chain order; prepared (canonical JSON) before the batch takes the chain head. */
  events: PreparedEvent[];
  /**
   * Per-item work inside the batch transaction, after the message rows exist (registers, zaak
   * koppelingen). A hook that throws fails the batch, which is then retried item by item, so
   * that only the item at fault fails.
   */
  hooks: Array<(tx: Queryable) => Promise<void>>;
}

/** What a committed item gets back. */
export interface WriteResult {
  deliveries: QueuedDelivery[];
}

/** The item lost a race on (sender, senderMessageId) against an accepted message: same code as PostgreSQL's unique violation. */
export class DuplicateMessageError extends Error {
  readonly code = '23505';
  readonly constraint = 'messages_sender_message_uq';
  constructor() {
    super('a message with this sender id was accepted concurrently');
  }
}

interface Pending {
  item: WriteItem;
  /** The submitting request's trace: the batch is written in one request's async context, so each item's is kept here. */
  trace: TraceContext | undefined;
  resolve(r: WriteResult): void;
  reject(err: unknown): void;
}

const MESSAGE_COLUMNS = [
  'id', 'sender_message_id', 'correlation_id', 'channel', 'standard', 'message_type', 'version', 'sender', 'receiver', 'route_id', 'status', 'error',
] as const;
const DELIVERY_COLUMNS = ['id', 'message_id', 'route_id', 'destination_id', 'payload_id', 'max_attempts', 'backoff_ms', 'ordering_key'] as const;

/** Items whose payloads together reach this many bytes are written in a lane of their own (see GroupCommitWriter). */
export const GROOT_ITEM_BYTES = 256 * 1024;

/** One writer loop: its queue, and whether it is writing. */
interface Lane {
  queue: Pending[];
  writing: boolean;
  maxBatch: number;
}

/**
 * Group commit: one writer per process. Items submitted while a batch is being written wait and
 * go together in the next one (no timer: an idle writer waits only one turn of the event loop, so
 * a lone message is not delayed). A batch is one transaction of multi-row inserts (messages, payloads, subjects, outbox,
 * events), with the chain head locked once, late, and the events chained in memory in submission
 * order. A caller's promise settles only after its batch committed: commit before acknowledgement.
 *
 * One bad item fails only itself: a duplicate sender id loses its row through ON CONFLICT and is
 * told so (DuplicateMessageError); any other error rolls the batch back and each of its items is
 * written again on its own, so the others commit and the faulty one gets its own error.
 *
 * A large item (payloads of `grootVanaf` bytes or more: a 10,000-line declaratie writes 10 MB and
 * 20,000 register rows, half a second of transaction) goes through a second lane with a
 * transaction of its own, so the small messages of other parties do not wait for it. On PostgreSQL
 * the two transactions run side by side, on chain heads of their own; PGlite has one connection
 * and runs them one after the other, as before.
 */
export class GroupCommitWriter {
  private readonly klein: Lane;
  private readonly groot: Lane = { queue: [], writing: false, maxBatch: 1 };
  /** Batches written and items in them, for the benchmark and the metrics. */
  readonly stats = { batches: 0, items: 0, fallbacks: 0, large: 0, retries: 0 };

  constructor(
    private readonly deps: {
      db: Db;
      log: ExchangeLog;
      logger: Logger;
      /** After a batch committed, with all of its deliveries: one enqueue per batch. */
      onCommitted?: (deliveries: QueuedDelivery[]) => Promise<void>;
    },
    maxBatch = 256,
    private readonly grootVanaf = GROOT_ITEM_BYTES,
  ) {
    this.klein = { queue: [], writing: false, maxBatch };
  }

  write(item: WriteItem): Promise<WriteResult> {
    const lane = payloadBytes(item) >= this.grootVanaf ? this.groot : this.klein;
    return new Promise<WriteResult>((resolve, reject) => {
      lane.queue.push({ item, trace: currentTrace(), resolve, reject });
      if (!lane.writing) void this.drain(lane);
    });
  }

  private async drain(lane: Lane): Promise<void> {
    lane.writing = true;
    try {
      while (lane.queue.length > 0) {
        // One turn of the event loop first: requests whose I/O is already in (and, on PGlite, whose
        // queries never yield to it) reach write() and join this batch instead of the next.
        await new Promise<void>((resolve) => setImmediate(resolve));
        const batch = lane.queue.splice(0, lane.maxBatch);
        if (lane === this.groot) this.stats.large += batch.length;
        await this.writeBatch(batch);
      }
    } finally {
      lane.writing = false;
    }
  }

  private async writeBatch(batch: Pending[], tries = 1): Promise<void> {
    let outcome: Map<Pending, WriteResult | Error>;
    try {
      outcome = await this.commit(batch);
    } catch (err) {
      if (batch.length === 1) {
        // The two lanes' transactions run side by side: when PostgreSQL breaks a deadlock between
        // them (two declaraties moving the same contract standings), the loser is written again.
        if (isTransient(err) && tries < MAX_TRIES) {
          this.stats.retries++;
          this.deps.logger.warn({ err: (err as Error).message, attempt: tries }, 'group commit: transaction aborted by the database, writing it again');
          return this.writeBatch(batch, tries + 1);
        }
        batch[0]!.reject(err);
        return;
      }
      // Someone's item broke the batch: write each on its own, so only that one fails.
      this.stats.fallbacks++;
      this.deps.logger.warn({ err: (err as Error).message, items: batch.length }, 'group commit: batch failed, writing its items one by one');
      for (const p of batch) await this.writeBatch([p]);
      return;
    }
    const committed = [...outcome.values()].flatMap((r) => (r instanceof Error ? [] : r.deliveries));
    if (committed.length > 0) await this.deps.onCommitted?.(committed).catch(() => undefined);
    for (const [p, r] of outcome) {
      if (r instanceof Error) p.reject(r);
      else p.resolve(r);
    }
  }

  private async commit(batch: Pending[]): Promise<Map<Pending, WriteResult | Error>> {
    const { db, log } = this.deps;
    // Outside the transaction: payload ids (one statement) and encryption (CPU).
    const slots = batch.flatMap((p) => p.item.payloads).filter((s) => !s.stored);
    const missing = slots.filter((s) => s.id === undefined);
    const ids = await log.reservePayloadIds(db, missing.length);
    missing.forEach((s, i) => (s.id = ids[i]));
    const sealed = new Map<PayloadSlot, SealedPayload>(slots.map((s) => [s, log.sealPayload(s.draft, s.id!)]));

    const result = await db.transaction(async (tx) => {
      const out = new Map<Pending, WriteResult | Error>();
      const inserted = await insertRows<{ id: string }>(
        tx,
        'messages',
        MESSAGE_COLUMNS,
        batch.filter((p) => p.item.insertMessage !== false).map(({ item: { message: m } }) => [
          m.id, m.senderMessageId, m.correlationId, m.channel, m.standard, m.messageType, m.version, m.sender, m.receiver, m.routeId, m.status,
          m.error === null || m.error === undefined ? null : JSON.stringify(m.error),
        ]),
        {
          casts: { error: '::jsonb' },
          constants: { received_at: 'now()', updated_at: 'now()' },
          // A resend racing another submission of the same sender id: the loser writes nothing.
          tail: `ON CONFLICT (sender, sender_message_id) WHERE NOT refused DO NOTHING RETURNING id`,
        },
      );
      const won = new Set([...inserted.rows.map((r) => r.id), ...batch.filter((p) => p.item.insertMessage === false).map((p) => p.item.message.id)]);
      const winners = batch.filter((p) => won.has(p.item.message.id));
      for (const p of batch) if (!won.has(p.item.message.id)) out.set(p, new DuplicateMessageError());

      for (const p of winners) for (const hook of p.item.hooks) await hook(tx);
      await log.insertPayloads(tx, winners.flatMap((p) => p.item.payloads.flatMap((s) => sealed.get(s) ?? [])));
      const deliveryRows: unknown[][] = [];
      for (const p of winners) {
        const queued: QueuedDelivery[] = [];
        for (const d of p.item.deliveries) {
          const id = randomUUID();
          deliveryRows.push([id, p.item.message.id, d.routeId, d.destinationId, d.payload.id, d.maxAttempts, d.backoffMs, d.orderingKey]);
          queued.push({ id, attempts: 0 });
        }
        out.set(p, { deliveries: queued });
      }
      // References, subjects, outbox rows and each message's own trace (the LDV hook would otherwise
      // give the whole batch the context it runs in): one statement for the four tables.
      await insertRowsTogether(tx, [
        { table: 'message_references', columns: ['message_id', 'kind', 'value'], rows: winners.flatMap((p) => p.item.references.map((r) => [p.item.message.id, r.kind, r.value])), opts: { tail: 'ON CONFLICT DO NOTHING' } },
        log.subjectRows(winners.map((p) => ({ messageId: p.item.message.id, hashes: p.item.subjectHashes }))),
        { table: 'deliveries', columns: DELIVERY_COLUMNS, rows: deliveryRows, opts: { constants: { status: `'pending'`, attempts: '0', next_attempt_at: 'now()', created_at: 'now()', updated_at: 'now()' } } },
        {
          table: 'message_traces', columns: ['message_id', 'trace_id', 'span_id', 'parent_span_id'],
          rows: winners.flatMap((p) => (p.trace ? [[p.item.message.id, p.trace.traceId, p.trace.spanId, p.trace.parentSpanId ?? null]] : [])),
          opts: { tail: 'ON CONFLICT (message_id) DO NOTHING' },
        },
      ]);
      // Last: the chain head is held only from here to the commit.
      // What the LDV hook would read back of these messages, it is given: only for messages this
      // batch inserted (one written before keeps its own subjects and trace).
      const known = new Map<string, KnownMessage>(winners.filter((p) => p.item.insertMessage !== false).map((p) => [p.item.message.id, {
        subjects: p.item.subjectHashes,
        ...(p.trace ? { trace: p.trace } : {}),
        routeIds: (p.item.message.routeId ?? '').split(',').filter(Boolean),
      }]));
      await log.appendMany(tx, winners.flatMap((p) => p.item.events), { messages: known });
      return out;
    });
    this.stats.batches++;
    this.stats.items += batch.length;
    return result;
  }
}

/** Times a single item is written when the database aborts its transaction for a deadlock or a serialisation failure. */
const MAX_TRIES = 3;

function isTransient(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '40P01' || code === '40001';
}

function payloadBytes(item: WriteItem): number {
  let n = 0;
  for (const s of item.payloads) if (!s.stored) n += s.draft.content.byteLength;
  return n;
}

/** Prepares the events of an item (canonical JSON, checks) before it reaches the writer. */
export function prepareEvents(log: ExchangeLog, events: ExchangeEventInput[]): PreparedEvent[] {
  return events.map((e) => log.prepare(e));
}
