import type { Logger } from 'pino';
import type { DestinationConfig } from '../config/types.js';
import { PayloadUnreadableError, type ExchangeLog } from '../log/exchange-log.js';
import type { Db } from '../store/db.js';
import { backoffDelayMs } from './backoff.js';
import { outbox, type DeliveryRow, type QueuedDelivery } from './outbox.js';
import { depositInMailbox } from './transports/mailbox.js';
import { sendStuf } from './transports/stuf.js';
import { messageTraceHeaders } from '../chain/message-trace.js';
import { sendGgk } from './transports/ggk.js';
import { sendWebhook, type TransportOutcome } from './transports/webhook.js';

export type AttemptOutcome =
  | { kind: 'delivered'; next: QueuedDelivery[] }
  | { kind: 'dead_letter'; next: QueuedDelivery[] }
  /** `at` on the database's clock; `delayMs` is what a queue waits (no process clock involved). */
  | { kind: 'retry'; at: Date; delayMs: number; attempts: number }
  | { kind: 'not-claimed' };

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
}

const MAX_BACKOFF_DEFAULT = 15 * 60 * 1000;

/**
 * The one delivery function both queue drivers call. It claims the outbox row, performs one
 * attempt, and records the attempt, the new state and the log events in one transaction.
 */
export class DeliveryService {
  constructor(
    private readonly db: Db,
    private readonly log: ExchangeLog,
    private readonly destinations: { get(id: string): DestinationConfig | undefined },
    private readonly logger: Logger,
    private readonly observer: DeliveryObserver = {},
    private readonly opts: { maxBackoffMs?: number; leaseMarginMs?: number; /** knooppunt's applicatie in envelopes it sends (GGk). */ eigenApplicatie?: string } = {},
  ) {}

  async attempt(deliveryId: string): Promise<AttemptOutcome> {
    const dest0 = await outbox.get(this.db, deliveryId);
    if (!dest0) return { kind: 'not-claimed' };
    const destination = this.destinations.get(dest0.destinationId);
    // The lease outlives the attempt itself; after a crash the row is taken again once it runs out.
    const leaseMs = (destination?.type === 'webhook' || destination?.type === 'stuf' || destination?.type === 'ggk' ? (destination.timeoutMs ?? (destination.type === 'ggk' ? 30000 : 10000)) : 0) + (this.opts.leaseMarginMs ?? 30000);
    const d = await outbox.claim(this.db, deliveryId, leaseMs);
    if (!d) return { kind: 'not-claimed' };

    const meta = await this.messageMeta(d.messageId);
    const attemptNo = d.attempts + 1;
    // Times from the database's clock (taken at the claim); the duration from this process's monotonic clock.
    const startedAt = d.claimedAt instanceof Date ? d.claimedAt : new Date(String(d.claimedAt));
    const started = performance.now();
    let outcome: TransportOutcome;
    try {
      outcome = await this.send(d, destination, meta);
    } catch (err) {
      // Whatever goes wrong here is recorded as a failed attempt (retried, in the end dead-lettered), so no delivery stays in_flight.
      outcome = { ok: false, permanent: false, error: `internal error during the attempt (${(err as Error).name ?? 'Error'})` };
      this.logger.error({ deliveryId: d.id, err: (err as Error).message }, 'delivery attempt failed inside knooppunt');
    }
    const durationMs = Math.round(performance.now() - started);
    return this.finish(d, destination, meta, attemptNo, startedAt, durationMs, outcome);
  }

  private async send(d: DeliveryRow, destination: DestinationConfig | undefined, meta: MessageMeta): Promise<TransportOutcome> {
    let outcome: TransportOutcome;
    if (!destination) {
      outcome = { ok: false, permanent: true, error: 'destination is no longer configured' };
    } else if (destination.type === 'webhook' || destination.type === 'stuf' || destination.type === 'ggk') {
      // Both transports send the stored payload; one read, one check that it is still there.
      // An undecryptable payload ends this delivery visibly (dead letter, redeliverable once the key is back), never a stuck in_flight.
      const payload = await this.log.readPayload(d.payloadId).catch((err: unknown) => {
        if (err instanceof PayloadUnreadableError) return { unreadable: err } as const;
        throw err;
      });
      // The message's W3C trace goes along (traceparent), so the receiver's logboek links to ours.
      const trace = await messageTraceHeaders(this.db, d.messageId);
      if (payload && 'unreadable' in payload) {
        outcome = { ok: false, permanent: true, error: `payload cannot be decrypted (${payload.unreadable.reason}, key id ${payload.unreadable.keyId})` };
      } else if (!payload?.content) outcome = { ok: false, permanent: true, error: 'payload is no longer available' };
      else if (destination.type === 'ggk') outcome = await sendGgk(destination, { body: payload.content, deliveryId: d.id, headers: trace }, this.opts.eigenApplicatie ?? 'knooppunt');
      else if (destination.type === 'stuf') outcome = await sendStuf(destination, { contentType: payload.contentType, body: payload.content, deliveryId: d.id, headers: trace });
      else {
        outcome = await sendWebhook(destination, {
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
    } else {
      outcome = { ok: true, permanent: false };
    }
    return outcome;
  }

  private async finish(
    d: DeliveryRow,
    destination: DestinationConfig | undefined,
    meta: MessageMeta,
    attemptNo: number,
    startedAt: Date,
    durationMs: number,
    outcome: TransportOutcome,
  ): Promise<AttemptOutcome> {
    const final = outcome.ok ? 'delivered' : outcome.permanent || attemptNo >= d.maxAttempts ? 'dead_letter' : 'retry';
    const retryDelayMs = final === 'retry' ? backoffDelayMs(attemptNo, d.backoffMs, this.opts.maxBackoffMs ?? MAX_BACKOFF_DEFAULT) : 0;
    let retryAt: Date | undefined;

    await this.db.transaction(async (tx) => {
      if (outcome.ok && destination?.type === 'mailbox') {
        await depositInMailbox(tx, {
          partyId: destination.party,
          messageId: d.messageId,
          deliveryId: d.id,
          payloadId: d.payloadId,
          messageType: meta.messageType,
          sender: meta.sender,
        });
      }
      await outbox.recordAttempt(tx, {
        deliveryId: d.id,
        attempt: attemptNo,
        startedAt,
        durationMs,
        outcome: outcome.ok ? 'delivered' : 'failed',
        statusCode: outcome.statusCode,
        error: outcome.error,
      });
      // State first, log appends last (they hold the chain-head lock until commit).
      if (final === 'delivered') await outbox.markDelivered(tx, d.id, attemptNo);
      else if (final === 'dead_letter') await outbox.markDeadLetter(tx, d.id, attemptNo, outcome.error ?? 'failed');
      else retryAt = await outbox.markRetry(tx, d.id, attemptNo, retryDelayMs, outcome.error ?? 'failed');
      await outbox.refreshMessageStatus(tx, d.messageId);
      const base = {
        messageId: d.messageId,
        correlationId: meta.correlationId,
        channel: meta.channel,
        standard: meta.standard,
        messageType: meta.messageType,
        sender: meta.sender,
        receiver: meta.receiver,
      };
      await this.log.append(tx, {
        ...base,
        eventType: 'delivery_attempted',
        detail: {
          deliveryId: d.id,
          destination: d.destinationId,
          attempt: attemptNo,
          durationMs,
          ok: outcome.ok,
          ...(outcome.statusCode !== undefined ? { statusCode: outcome.statusCode } : {}),
          ...(outcome.error ? { error: outcome.error } : {}),
          ...(retryAt ? { nextAttemptAt: retryAt.toISOString() } : {}),
        },
      });
      if (final === 'delivered') {
        await this.log.append(tx, { ...base, eventType: 'delivered', detail: { deliveryId: d.id, destination: d.destinationId, attempts: attemptNo } });
      } else if (final === 'dead_letter') {
        await this.log.append(tx, {
          ...base,
          eventType: 'dead_lettered',
          detail: { deliveryId: d.id, destination: d.destinationId, attempts: attemptNo, reason: outcome.error ?? 'failed', permanent: outcome.permanent },
        });
      }
    });

    this.observer.onAttempt?.(d.destinationId, final, durationMs);
    if (final === 'retry') {
      this.logger.warn({ deliveryId: d.id, destination: d.destinationId, attempt: attemptNo, error: outcome.error }, 'delivery attempt failed; retry scheduled');
      return { kind: 'retry', at: retryAt!, delayMs: retryDelayMs, attempts: attemptNo };
    }
    if (final === 'dead_letter') {
      this.logger.error({ deliveryId: d.id, destination: d.destinationId, attempts: attemptNo, error: outcome.error }, 'delivery dead-lettered');
    }
    const next = d.orderingKey ? await outbox.nextInOrder(this.db, d.orderingKey) : [];
    return { kind: final, next };
  }

  private async messageMeta(messageId: string): Promise<MessageMeta> {
    const r = await this.db.query<MessageMeta>(
      `SELECT channel, standard, message_type AS "messageType", sender, receiver, correlation_id AS "correlationId"
         FROM messages WHERE id = $1`,
      [messageId],
    );
    const row = r.rows[0];
    if (!row) throw new Error(`delivery refers to unknown message ${messageId}`);
    return row;
  }
}
