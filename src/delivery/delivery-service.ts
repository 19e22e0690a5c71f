import type { Logger } from 'pino';
import type { DestinationConfig } from '../config/types.js';
import { PayloadUnreadableError, type ExchangeLog, type KnownMessage, type Payload } from '../log/exchange-log.js';
import { insertRowsTogether } from '../core/rows.js';
import type { ExchangeEventInput } from '../core/message.js';
import type { Db } from '../store/db.js';
import { backoffDelayMs } from './backoff.js';
import { SendSlots } from './send-slots.js';
import { MAX_DELIVERY_BATCH } from './local-workers.js';
import { outbox, type DeliveryRow, type QueuedDelivery } from './outbox.js';
import { mailboxRows } from './transports/mailbox.js';
import { sendStuf } from './transports/stuf.js';
import { newSpanId, outboundTraceHeaders } from '../chain/trace-context.js';
import { outboundSpan } from '../chain/spans.js';
import { KNOWN_MESSAGE_COLUMNS, KNOWN_MESSAGE_JOIN, knownMessageOf, type KnownMessageRow } from '../chain/ldv/records.js';
import { sendGgk } from './transports/ggk.js';
import { sendWebhook, type TransportOutcome } from './transports/webhook.js';

export type AttemptOutcome =
  | { kind: 'delivered'; next: QueuedDelivery[] }
  | { kind: 'dead_letter'; next: QueuedDelivery[] }
  /** `at` on the database's clock; `delayMs` is what a queue waits (no process clock involved). */
  | { kind: 'retry'; at: Date; delayMs: number; attempts: number }
  | { kind: 'not-claimed' };

/** What a batch of attempts leaves: each requested delivery's outcome, and the deliveries next in line behind the finished ones. */
export interface BatchOutcome {
  /** Per requested id; `next` of the delivered and dead-lettered ones is empty (see `next` here). */
  outcomes: Map<string, AttemptOutcome>;
  next: QueuedDelivery[];
}

export interface DeliveryObserver {
  onAttempt?(destination: string, outcome: 'delivered' | 'retry' | 'dead_letter', durationMs: number): void;
}

interface MessageMeta {
  channel: string;
  standard: string;
  messageType: string;
  sender: string;
  receiver: string | null;
  correlationId: string;
  /** Its subjects, trace and routes, for the LDV records of the batch's events. */
  known: KnownMessage;
}

type Claimed = DeliveryRow & { claimedAt: Date };

/** One performed attempt, ready to be recorded. */
interface Attempted {
  d: Claimed;
  destination: DestinationConfig | undefined;
  meta: MessageMeta | undefined;
  attemptNo: number;
  startedAt: Date;
  durationMs: number;
  outcome: TransportOutcome;
  final: 'delivered' | 'dead_letter' | 'retry';
  retryDelayMs: number;
}

const MAX_BACKOFF_DEFAULT = 15 * 60 * 1000;
/** One ordering key's deliveries one batch takes at most (sent one after another; the lease grows with it). */
const MAX_RUN = 8;

/**
 * The one delivery function both queue drivers call, for a batch of deliveries at a time. It claims
 * the outbox rows with one statement, reads what they need with one statement each (messages,
 * payloads, traces), performs the attempts (one receiver's and citizen's deliveries one after the
 * other in outbox order, the rest side by side), and records all attempts, new states, message
 * statuses and log events in one transaction of multi-row statements.
 */
export class DeliveryService {
  constructor(
    private readonly db: Db,
    private readonly log: ExchangeLog,
    private readonly destinations: { get(id: string): DestinationConfig | undefined },
    private readonly logger: Logger,
    private readonly observer: DeliveryObserver = {},
    private readonly opts: {
      maxBackoffMs?: number;
      leaseMarginMs?: number;
      /** knooppunt's applicatie in envelopes it sends (GGk). */
      eigenApplicatie?: string;
      /** Attempts on the wire at once in this process (KNOOPPUNT_DELIVERY_CONCURRENCY); default 8. */
      sendConcurrency?: number;
    } = {},
  ) {
    this.slots = new SendSlots(opts.sendConcurrency ?? 8);
  }

  private readonly slots: SendSlots;

  /** The batch size that keeps the send slots busy for at most two rounds (and so the leases short). */
  get batchSize(): number {
    return Math.min(MAX_DELIVERY_BATCH, this.slots.limit * 2);
  }

  /** One delivery (tests, and callers outside a queue). */
  async attempt(deliveryId: string): Promise<AttemptOutcome> {
    const b = await this.attemptMany([deliveryId]);
    const o = b.outcomes.get(deliveryId) ?? { kind: 'not-claimed' };
    return o.kind === 'delivered' || o.kind === 'dead_letter' ? { ...o, next: b.next } : o;
  }

  async attemptMany(deliveryIds: readonly string[]): Promise<BatchOutcome> {
    const ids = [...new Set(deliveryIds)];
    const outcomes = new Map<string, AttemptOutcome>(ids.map((id) => [id, { kind: 'not-claimed' }]));
    if (ids.length === 0) return { outcomes, next: [] };
    const where = await outbox.destinationsOf(this.db, ids);
    // The lease outlives the attempt itself; after a crash the row is taken again once it runs out.
    // Every lease is the batch's longest (its outcomes are recorded together), times its rounds: the
    // longest run, or the sends it has per slot. Another batch waiting for the same slots is covered
    // by the margin in each round (not by another factor: a crashed process's deliveries would wait longer).
    const leaseMs = Math.max(...[...where.values()].map((destinationId) => this.leaseMs(this.destinations.get(destinationId))));
    const claimed = await outbox.claimMany(this.db, [...where.keys()].map((id) => ({ id, leaseMs })), { slots: this.slots.limit, batches: 1, maxRun: MAX_RUN });
    if (claimed.length === 0) return { outcomes, next: [] };

    const [metas, payloads, traces] = await Promise.all([this.messageMetas(claimed), this.payloads(claimed), this.traces(claimed)]);

    // Runs: one ordering key's deliveries in seq order, sent one after another; a retry stops its run.
    const runs = new Map<string, Claimed[]>();
    for (const d of claimed) {
      const key = d.orderingKey ?? `\u0000${d.id}`;
      runs.set(key, [...(runs.get(key) ?? []), d]);
    }
    const attempted: Attempted[] = [];
    const released: Claimed[] = [];
    const openRuns: string[] = [];
    await Promise.all([...runs.values()].map(async (run) => {
      let waitedMs = 0;
      for (const [i, d] of run.entries()) {
        const a = await this.perform(d, metas.get(d.messageId), payloads, traces.get(d.messageId), waitedMs);
        waitedMs += a.durationMs;
        attempted.push(a);
        if (a.final === 'retry') {
          // What follows in this run waits for this one: back in line, unattempted.
          released.push(...run.slice(i + 1));
          return;
        }
      }
      if (run[0]!.orderingKey) openRuns.push(run[0]!.orderingKey);
    }));
    attempted.sort((a, b) => Number(a.d.seq) - Number(b.d.seq));

    const retryAt = await this.recordBatch(attempted, released);
    for (const a of attempted) {
      this.observer.onAttempt?.(a.d.destinationId, a.final, a.durationMs);
      if (a.final === 'retry') {
        this.logger.warn({ deliveryId: a.d.id, destination: a.d.destinationId, attempt: a.attemptNo, error: a.outcome.error }, 'delivery attempt failed; retry scheduled');
        outcomes.set(a.d.id, { kind: 'retry', at: retryAt.get(a.d.id)!, delayMs: a.retryDelayMs, attempts: a.attemptNo });
      } else {
        if (a.final === 'dead_letter') {
          this.logger.error({ deliveryId: a.d.id, destination: a.d.destinationId, attempts: a.attemptNo, error: a.outcome.error }, 'delivery dead-lettered');
        }
        outcomes.set(a.d.id, { kind: a.final, next: [] });
      }
    }
    // As many per receiver and citizen as the next claim takes (MAX_RUN): more would be handed on
    // only to be left unclaimed, and with a backlog a batch of them took one key's run at a time
    // instead of a run of each key side by side.
    const next = await outbox.nextInOrderMany(this.db, openRuns, MAX_RUN);
    return { outcomes, next };
  }

  private leaseMs(destination: DestinationConfig | undefined): number {
    const timeout = destination?.type === 'webhook' || destination?.type === 'stuf' || destination?.type === 'ggk' ? (destination.timeoutMs ?? (destination.type === 'ggk' ? 30000 : 10000)) : 0;
    return timeout + (this.opts.leaseMarginMs ?? 30000);
  }

  private async perform(
    d: Claimed,
    meta: MessageMeta | undefined,
    payloads: Map<number, Payload | PayloadUnreadableError> | Error,
    trace: { traceId: string; spanId?: string } | undefined,
    waitedMs: number,
  ): Promise<Attempted> {
    const destination = this.destinations.get(d.destinationId);
    const attemptNo = d.attempts + 1;
    // Times from the database's clock (taken at the claim, plus the durations of the attempts before
    // this one in its run); the duration from this process's monotonic clock.
    const claimTime = d.claimedAt instanceof Date ? d.claimedAt : new Date(String(d.claimedAt));
    const startedAt = new Date(claimTime.getTime() + waitedMs);
    let started = performance.now();
    let outcome: TransportOutcome;
    try {
      if (!meta) throw new Error(`delivery refers to unknown message ${d.messageId}`);
      if (payloads instanceof Error) throw payloads;
      // The message's W3C trace goes along (traceparent), a child span per delivery, so the receiver's logboek links to ours.
      const spanId = newSpanId();
      const headers = trace ? outboundTraceHeaders({ traceId: trace.traceId, spanId }) : {};
      outcome = await this.slots.run(() => {
        started = performance.now();
        // The attempt's client span (when the SDK exports): the span id the traceparent carries, child of the message's span.
        return outboundSpan(
          `delivery ${destination?.type ?? 'unknown'}`,
          spanId,
          trace ? { traceId: trace.traceId, ...(trace.spanId ? { spanId: trace.spanId } : {}) } : undefined,
          { 'knooppunt.destination_id': d.destinationId, 'knooppunt.destination_type': destination?.type ?? 'unknown', 'knooppunt.attempt': attemptNo, 'knooppunt.message_id': d.messageId },
          () => this.send(d, destination, meta, payloads.get(d.payloadId), headers),
          (o) => o.ok,
          (o) => ({ 'knooppunt.delivery_ok': o.ok, 'knooppunt.delivery_permanent': o.permanent }),
        );
      });
    } catch (err) {
      // Whatever goes wrong here is recorded as a failed attempt (retried, in the end dead-lettered), so no delivery stays in_flight.
      outcome = { ok: false, permanent: false, error: `internal error during the attempt (${(err as Error).name ?? 'Error'})` };
      this.logger.error({ deliveryId: d.id, err: (err as Error).message }, 'delivery attempt failed inside knooppunt');
    }
    const durationMs = Math.round(performance.now() - started);
    const final = outcome.ok ? 'delivered' : outcome.permanent || attemptNo >= d.maxAttempts ? 'dead_letter' : 'retry';
    const retryDelayMs = final === 'retry' ? backoffDelayMs(attemptNo, d.backoffMs, this.opts.maxBackoffMs ?? MAX_BACKOFF_DEFAULT) : 0;
    return { d, destination, meta, attemptNo, startedAt, durationMs, outcome, final, retryDelayMs };
  }

  private async send(
    d: DeliveryRow,
    destination: DestinationConfig | undefined,
    meta: MessageMeta,
    payload: Payload | PayloadUnreadableError | undefined,
    trace: Record<string, string>,
  ): Promise<TransportOutcome> {
    if (!destination) return { ok: false, permanent: true, error: 'destination is no longer configured' };
    if (destination.type !== 'webhook' && destination.type !== 'stuf' && destination.type !== 'ggk') return { ok: true, permanent: false };
    // An undecryptable payload ends this delivery visibly (dead letter, redeliverable once the key is back), never a stuck in_flight.
    if (payload instanceof PayloadUnreadableError) {
      return { ok: false, permanent: true, error: `payload cannot be decrypted (${payload.reason}, key id ${payload.keyId})` };
    }
    if (!payload?.content) return { ok: false, permanent: true, error: 'payload is no longer available' };
    if (destination.type === 'ggk') return sendGgk(destination, { body: payload.content, deliveryId: d.id, headers: trace }, this.opts.eigenApplicatie ?? 'knooppunt');
    if (destination.type === 'stuf') return sendStuf(destination, { contentType: payload.contentType, body: payload.content, deliveryId: d.id, headers: trace });
    return sendWebhook(destination, {
      messageId: d.messageId,
      deliveryId: d.id,
      correlationId: meta.correlationId,
      messageType: meta.messageType,
      sender: meta.sender,
      contentType: payload.contentType,
      body: payload.content,
      headers: trace,
    });
  }

  /**
   * Records a batch's attempts in one transaction; returns each retry's next attempt time. When the
   * batch transaction fails, each attempt is recorded on its own, so one bad row fails only itself
   * (it stays in_flight until its lease runs out, then the reconciler takes it again).
   */
  private async recordBatch(attempted: Attempted[], released: Claimed[]): Promise<Map<string, Date>> {
    try {
      return await this.record(attempted, released);
    } catch (err) {
      if (attempted.length + released.length <= 1) throw err;
      this.logger.warn({ err: (err as Error).message, attempts: attempted.length }, 'delivery batch: recording failed, recording its attempts one by one');
      const out = new Map<string, Date>();
      for (const a of attempted) {
        try {
          for (const [id, at] of await this.record([a], [])) out.set(id, at);
        } catch (e) {
          this.logger.error({ deliveryId: a.d.id, err: (e as Error).message }, 'delivery attempt could not be recorded; the reconciler will retry after its lease');
        }
      }
      await this.record([], released).catch(() => undefined);
      return out;
    }
  }

  private async record(attempted: Attempted[], released: Claimed[]): Promise<Map<string, Date>> {
    return this.db.transaction(async (tx) => {
      const deposits = attempted.filter((a) => a.outcome.ok && a.destination?.type === 'mailbox');
      // Mailbox deposits, attempts and the new states: one statement (log appends last: they hold the chain-head lock until commit).
      const outcomes = outbox.outcomesStatement([
        ...attempted.map((a) => ({
          id: a.d.id,
          status: a.final === 'retry' ? ('pending' as const) : a.final,
          attempts: a.attemptNo,
          delayMs: a.retryDelayMs,
          error: a.final === 'delivered' ? null : (a.outcome.error ?? 'failed'),
        })),
        ...released.map((d) => ({ id: d.id, status: 'pending' as const, attempts: d.attempts, delayMs: 0, error: null })),
      ]);
      const mailbox = mailboxRows(deposits.map((a) => ({
        partyId: (a.destination as { party: string }).party,
        messageId: a.d.messageId,
        deliveryId: a.d.id,
        payloadId: a.d.payloadId,
        messageType: a.meta!.messageType,
        sender: a.meta!.sender,
      })));
      const attempts = outbox.attemptRows(attempted.map((a) => ({
        deliveryId: a.d.id,
        attempt: a.attemptNo,
        startedAt: a.startedAt,
        durationMs: a.durationMs,
        outcome: a.outcome.ok ? ('delivered' as const) : ('failed' as const),
        ...(a.outcome.statusCode !== undefined ? { statusCode: a.outcome.statusCode } : {}),
        ...(a.outcome.error !== undefined ? { error: a.outcome.error } : {}),
      })));
      const at = outbox.retryTimes(await insertRowsTogether<{ id: string; at: Date | string }>(tx, [mailbox, attempts], outcomes));
      const retryAt = new Map<string, Date>();
      for (const a of attempted) if (a.final === 'retry') retryAt.set(a.d.id, at.get(a.d.id)!);
      if (attempted.length === 0) return retryAt;
      await outbox.refreshMessageStatus(tx, attempted.map((a) => a.d.messageId));
      const events: ExchangeEventInput[] = [];
      for (const a of attempted) {
        const { d, outcome, attemptNo, durationMs } = a;
        const meta = a.meta;
        const base = {
          messageId: d.messageId,
          correlationId: meta?.correlationId ?? null,
          channel: meta?.channel ?? null,
          standard: meta?.standard ?? null,
          messageType: meta?.messageType ?? null,
          sender: meta?.sender ?? null,
          receiver: meta?.receiver ?? null,
        };
        const next = retryAt.get(d.id);
        events.push({
          ...base,
          eventType: 'delivery_attempted',
          detail: {
            deliveryId: d.id,
            destination: d.destinationId,
            // The route it was made for: its LDV records go under that processing activity only.
            route: d.routeId,
            attempt: attemptNo,
            durationMs,
            ok: outcome.ok,
            ...(outcome.statusCode !== undefined ? { statusCode: outcome.statusCode } : {}),
            ...(outcome.error ? { error: outcome.error } : {}),
            ...(next ? { nextAttemptAt: next.toISOString() } : {}),
          },
        });
        if (a.final === 'delivered') {
          events.push({ ...base, eventType: 'delivered', detail: { deliveryId: d.id, destination: d.destinationId, route: d.routeId, attempts: attemptNo } });
        } else if (a.final === 'dead_letter') {
          events.push({
            ...base,
            eventType: 'dead_lettered',
            detail: { deliveryId: d.id, destination: d.destinationId, route: d.routeId, attempts: attemptNo, reason: outcome.error ?? 'failed', permanent: outcome.permanent },
          });
        }
      }
      // What the LDV hook would read back of these messages, the batch has read already (messageMetas).
      const known = new Map<string, KnownMessage>();
      for (const a of attempted) if (a.meta) known.set(a.d.messageId, a.meta.known);
      await this.log.appendMany(tx, events, { messages: known });
      return retryAt;
    });
  }

  private async messageMetas(claimed: Claimed[]): Promise<Map<string, MessageMeta>> {
    type Row = Omit<MessageMeta, 'known'> & KnownMessageRow & { id: string };
    const r = await this.db.query<Row>(
      `SELECT m.id, m.channel, m.standard, m.message_type AS "messageType", m.sender, m.receiver, m.correlation_id AS "correlationId",
              ${KNOWN_MESSAGE_COLUMNS}
         FROM messages m ${KNOWN_MESSAGE_JOIN} WHERE m.id = ANY($1::uuid[])`,
      [[...new Set(claimed.map((d) => d.messageId))]],
    );
    return new Map(r.rows.map(({ id, route_id, trace_id, span_id, parent_span_id, subjects, ...meta }) => [id, { ...meta, known: knownMessageOf({ route_id, trace_id, span_id, parent_span_id, subjects }) }]));
  }

  /** The stored payloads the batch sends (mailbox deliveries refer to theirs without reading it); an Error when the read itself failed. */
  private async payloads(claimed: Claimed[]): Promise<Map<number, Payload | PayloadUnreadableError> | Error> {
    const ids = claimed.filter((d) => this.sends(d)).map((d) => d.payloadId);
    return this.log.readPayloads(ids).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
  }

  /** Whether the delivery goes over the wire (and so reads its payload and carries the trace). */
  private sends(d: DeliveryRow): boolean {
    const t = this.destinations.get(d.destinationId)?.type;
    return t === 'webhook' || t === 'stuf' || t === 'ggk';
  }

  private async traces(claimed: Claimed[]): Promise<Map<string, { traceId: string; spanId: string }>> {
    const sending = claimed.filter((d) => this.sends(d));
    if (sending.length === 0) return new Map();
    const r = await this.db.query<{ message_id: string; trace_id: string; span_id: string }>('SELECT message_id, trace_id, span_id FROM message_traces WHERE message_id = ANY($1::uuid[])', [
      [...new Set(sending.map((d) => d.messageId))],
    ]);
    return new Map(r.rows.map((row) => [row.message_id, { traceId: row.trace_id, spanId: row.span_id }]));
  }
}
