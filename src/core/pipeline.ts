import { createHash, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { capProblems } from './problem-cap.js';
import type { DeliveryQueue } from '../delivery/queue.js';
import type { ExchangeLog } from '../log/exchange-log.js';
import { subjectHash } from '../log/crypto.js';
import type { KeyRing } from '../log/keys.js';
import type { MappingResult, RouteMapping } from '../mapping/index.js';
import { MappingRunError } from '../mapping/index.js';
import type { PartyRegistry } from '../parties/registry.js';
import type { Router, RoutePlan } from '../routing/router.js';
import type { Db, Queryable } from '../store/db.js';
import { digestMatches } from '../log/crypto.js';
import { canonicalJson } from '../log/canonical.js';
import type { Answer, ExchangeEventInput, InboundMessage, Problem, Standard } from './message.js';
import { DuplicateLookup } from './duplicates.js';
import { GroupCommitWriter, type MessageRow, type PayloadSlot, type WriteItem } from './group-commit.js';
import { referencesOf } from './references.js';

export type RejectCode =
  | 'forbidden-sender'
  | 'not-allowed'
  | 'unknown-receiver'
  | 'unknown-standard'
  | 'unknown-message-type'
  | 'validation-failed'
  | 'no-route'
  | 'mapping-failed'
  /** The sender's message id (or reference) was used before for a message with other content. */
  | 'reused-id';

export type AcceptResult =
  | { outcome: 'accepted'; messageId: string; correlationId: string; status: string; deliveries: number; duplicate: boolean; answer?: Answer }
  | {
      outcome: 'rejected';
      messageId: string;
      correlationId: string;
      code: RejectCode;
      problems: Problem[];
      answer?: Answer;
      /** For 'reused-id': the message that first used the sender's id. */
      firstMessageId?: string;
    };

export interface PipelineObserver {
  onAccepted?(standard: string, messageType: string): void;
  onRejected?(standard: string, messageType: string, code: string): void;
}

const DEFAULT_DELIVERY = { maxAttempts: 8, backoffMs: 2000 };

/** How often a submission that lost a race on its sender id is answered afresh (once is enough: the winner has committed). */
const MAX_ROUNDS = 3;
const JSON_TYPE = /^application\/([a-z0-9.+-]*\+)?json\s*(;|$)/i;

/** The unique index on (sender, sender_message_id) refused a second accepted message. */
/** The unique sender id was taken by a concurrent commit (the loser of a race on one sender id). */
export function isSenderIdConflict(err: unknown): boolean {
  const e = err as { code?: string; constraint?: string; message?: string };
  return e?.code === '23505' && (e.constraint === 'messages_sender_message_uq' || /messages_sender_message_uq/.test(e.message ?? ''));
}

function canonicalOf(bytes: Buffer): string | undefined {
  try {
    return canonicalJson(JSON.parse(bytes.toString('utf8')) as unknown);
  } catch {
    return undefined;
  }
}

/** A route's plan with its mapping's result; a sealed route has neither: the received bytes go out unchanged. */
type Planned = { plan: RoutePlan; sealed: true } | { plan: RoutePlan; sealed?: false; mapping: RouteMapping; result: MappingResult };

/**
 * The core flow for one message, channel-agnostic: recognise and validate (through its standard),
 * authorise, route, map, and commit message + log events + outbox in one transaction before the
 * channel acknowledges. Nothing here knows HTTP or SOAP.
 */
export class Pipeline {
  constructor(
    private readonly deps: {
      db: Db;
      log: ExchangeLog;
      ring: KeyRing;
      parties: PartyRegistry;
      router: Router;
      mappings: ReadonlyMap<string, RouteMapping>;
      standards: ReadonlyMap<string, Standard>;
      queue: DeliveryQueue;
      logger: Logger;
      observer?: PipelineObserver;
    },
  ) {
    this.writer = new GroupCommitWriter({ db: deps.db, log: deps.log, logger: deps.logger, onCommitted: (d) => deps.queue.enqueue(d) });
    this.duplicates = new DuplicateLookup(deps.db);
  }

  /** One writer per process: concurrent messages are committed together (group commit). */
  readonly writer: GroupCommitWriter;
  private readonly duplicates: DuplicateLookup;

  async accept(msg: InboundMessage): Promise<AcceptResult> {
    // Submissions of one sender id at once: the unique index lets one commit win and the others
    // fail on it. Once the winner is committed, the loser is answered exactly as a later resend
    // would be (duplicate, the standard's own refusal, or reused-id), never with an error.
    for (let round = 1; ; round++) {
      try {
        return await this.acceptOnce(msg);
      } catch (err) {
        if (round < MAX_ROUNDS && isSenderIdConflict(err)) continue;
        throw err;
      }
    }
  }

  private async acceptOnce(msg: InboundMessage): Promise<AcceptResult> {
    const { parties } = this.deps;
    const messageId = msg.reprocessOf?.messageId ?? randomUUID();
    const correlationId = msg.reprocessOf?.correlationId ?? msg.correlationId ?? messageId;

    // A resend of the same message under the same sender id is answered as before.
    const earlier = await this.findAccepted(msg);
    if (earlier?.same) return earlier.result;

    const standard = this.deps.standards.get(msg.standard);
    if (!standard) return this.reject(msg, messageId, correlationId, 'unknown-standard', [{ location: 'standard', message: 'not supported' }]);
    // Other content under a used id: refused by the standard itself where it has a rule for it
    // (iStandaarden TR056, retourcode 9056), otherwise here, naming the first message.
    if (earlier && !standard.refusesReusedId?.(msg)) return this.reusedId(msg, messageId, correlationId, earlier.result.messageId);
    const inspection = await standard.inspect(msg, { messageId });
    const answer = inspection.answer;
    if (!inspection.known) {
      return this.reject(msg, messageId, correlationId, 'unknown-message-type', [{ location: 'messageType', message: 'not a known message type' }], answer);
    }
    const sender = parties.get(msg.sender);
    if (!sender) return this.reject(msg, messageId, correlationId, 'forbidden-sender', [{ location: 'sender', message: 'unknown sender' }]);
    if (!sender.maySend.has(msg.messageType) && !sender.maySend.has('*')) {
      return this.reject(msg, messageId, correlationId, 'not-allowed', [
        { location: 'messageType', message: `party '${sender.id}' may not send '${msg.messageType}'` },
      ]);
    }
    if (msg.receiver !== undefined && !parties.get(msg.receiver)) {
      return this.reject(msg, messageId, correlationId, 'unknown-receiver', [{ location: 'receiver', message: 'no such party' }]);
    }

    if (inspection.problems.length > 0) {
      // A concurrent submission under this sender id may have committed while this one was inspected,
      // and its effects may be what the standard refuses (a zaak that now exists, StUF067): then this
      // one is answered as a resend of it would be, not with that refusal.
      const late = earlier ? undefined : await this.findAccepted(msg);
      if (late?.same) return late.result;
      if (late && !standard.refusesReusedId?.(msg)) return this.reusedId(msg, messageId, correlationId, late.result.messageId);
      return this.reject(msg, messageId, correlationId, 'validation-failed', inspection.problems, answer);
    }

    const plans = this.deps.router.plan({
      standard: msg.standard,
      messageType: msg.messageType,
      sender: msg.sender,
      receiver: msg.receiver,
      body: msg.body,
    });
    if (plans.length === 0) {
      return this.reject(msg, messageId, correlationId, 'no-route', [{ location: 'receiver', message: 'no route for this message type, sender and receiver' }]);
    }

    const mapped: Planned[] = [];
    // A mapping that depends only on the message runs once, whatever the number of routes naming it.
    const once = new Map<string, MappingResult>();
    for (const plan of plans) {
      // A sealed route never opens the content: no mapping runs, nothing is parsed.
      if (plan.route.sealed) {
        mapped.push({ plan, sealed: true });
        continue;
      }
      const mapping = this.deps.mappings.get(plan.route.mapping);
      if (!mapping) throw new Error(`route '${plan.route.id}' names unknown mapping '${plan.route.mapping}'`);
      try {
        const earlierResult = mapping.samePerMessage ? once.get(mapping.name) : undefined;
        const result = earlierResult ?? await mapping.run(msg.body, {
          messageId,
          sender: msg.sender,
          receiver: msg.receiver,
          prepared: inspection.prepared,
          destinations: plan.destinations.map((d) => d.id),
        });
        if (mapping.samePerMessage) once.set(mapping.name, result);
        mapped.push({ plan, mapping, result });
      } catch (err) {
        if (err instanceof MappingRunError) {
          return this.reject(msg, messageId, correlationId, 'mapping-failed', [{ location: err.field, message: err.reason }]);
        }
        throw err;
      }
    }

    const item = await this.acceptedItem(msg, messageId, correlationId, inspection.subjects, mapped, answer);
    // What the standard keeps about accepted messages (registers), after the message row it refers to.
    if (standard.recordAccepted) item.hooks.unshift((tx) => standard.recordAccepted!(tx, msg, inspection, messageId));
    // Answered only after the batch holding this message committed (the writer enqueues its deliveries).
    // A lost race on the sender id rejects with the unique violation, which accept() answers afresh.
    const queued = (await this.writer.write(item)).deliveries;
    this.deps.observer?.onAccepted?.(msg.standard, msg.messageType);
    return { outcome: 'accepted', messageId, correlationId, status: 'routed', deliveries: queued.length, duplicate: false, ...(answer ? { answer } : {}) };
  }

  /** Everything an accepted message writes, prepared outside the transaction (digests, subject hashes, canonical events). */
  private async acceptedItem(
    msg: InboundMessage,
    messageId: string,
    correlationId: string,
    subjects: string[],
    mapped: Planned[],
    answer: Answer | undefined,
  ): Promise<WriteItem> {
    const { log } = this.deps;
    const item = this.newItem(msg, messageId, correlationId, 'routed', null, mapped.map((m) => m.plan.route.id).join(','));
    const raw = await this.rawPayload(item, msg, messageId);
    item.subjectHashes = log.subjectHashes(subjects);
    const base = this.eventBase(msg, messageId, correlationId);
    // One `accepted` event holds what received, validated, routed and mapped held before (LDV writes
    // one `accepted` record per route and subject from it: src/chain/ldv/records.ts stepsOf).
    const routes: Array<Record<string, unknown>> = [];
    // One stored payload per mapping result: routes sharing a result (samePerMessage) share its payload.
    const stored = new Map<MappingResult, ReturnType<Pipeline['addPayload']>>();
    for (const planned of mapped) {
      const { plan } = planned;
      const route: Record<string, unknown> = { route: plan.route.id, destinations: plan.destinations.map((d) => d.id) };
      routes.push(route);
      // Sealed: the deliveries carry the received payload itself (stored once, encrypted at rest like any payload).
      let payload = raw;
      if (planned.sealed) route.sealed = true;
      else {
        const { mapping, result } = planned;
        const shared = stored.get(result);
        payload = shared ?? this.addPayload(item, { messageId, kind: 'mapped', contentType: result.contentType, content: result.serialized });
        stored.set(result, payload);
        route.mapped = { mapping: mapping.name, mappingVersion: mapping.version, size: payload.size, digest: payload.digest, ...(result.logDetail ?? {}) };
        if (result.onCommit && !shared) item.hooks.push((tx) => result.onCommit!(tx, messageId));
      }
      const policy = { ...DEFAULT_DELIVERY, ...(plan.route.delivery ?? {}) };
      for (const destination of plan.destinations) {
        item.deliveries.push({
          routeId: plan.route.id,
          destinationId: destination.id,
          payload: payload.slot,
          maxAttempts: policy.maxAttempts,
          backoffMs: policy.backoffMs,
          orderingKey: policy.ordering === 'receiver-subject' ? this.orderingKey(msg.receiver, destination.id, subjects) : null,
        });
      }
    }
    const events: ExchangeEventInput[] = [
      {
        ...base,
        eventType: 'accepted',
        detail: {
          size: raw.size,
          digest: raw.digest,
          senderMessageId: msg.senderMessageId,
          subjects: subjects.length,
          ...(msg.reprocessOf ? { reprocessed: { by: msg.reprocessOf.by, previousCode: msg.reprocessOf.previousCode } } : {}),
          standard: msg.standard,
          version: msg.version ?? null,
          routes,
          // A sealed message's routing document is its envelope metadata (type, content type, size, sha256): that is what is logged.
          ...(mapped.some((m) => m.sealed) ? { envelope: msg.body } : {}),
        },
      },
    ];
    if (answer) events.push(this.answerEvent(item, base, answer));
    if (msg.answers) {
      events.push(...msg.answers.events(messageId));
      const hook = msg.answers.onCommit;
      if (hook) item.hooks.push((tx) => hook(tx, messageId));
    }
    item.events = events.map((e) => log.prepare(e));
    return item;
  }

  private newItem(msg: InboundMessage, id: string, correlationId: string, status: string, error: unknown, routeId: string | null): WriteItem {
    const message: MessageRow = {
      id, senderMessageId: msg.senderMessageId, correlationId, channel: msg.channel, standard: msg.standard, messageType: msg.messageType,
      version: msg.version ?? null, sender: msg.sender, receiver: msg.receiver ?? null, routeId, status, error,
    };
    const item: WriteItem = { message, references: [], payloads: [], subjectHashes: [], deliveries: [], events: [], hooks: [] };
    if (msg.reprocessOf) {
      // Reprocessing a rejected message: its own row, only while it is still rejected (one reprocess at a time).
      item.insertMessage = false;
      item.hooks.push(async (tx) => {
        const r = await tx.query(
          `UPDATE messages SET status = $2, error = $3, route_id = $4, updated_at = now() WHERE id = $1 AND status = 'rejected'`,
          [id, status, error === null ? null : JSON.stringify(error), routeId],
        );
        if (r.rowCount !== 1) throw new ReprocessConflict(id);
      });
    } else {
      // The console's search index of the references people quote (src/core/references.ts).
      item.references = referencesOf(msg);
    }
    return item;
  }

  /** The raw payload: stored once; a reprocess uses the one stored when the message arrived. */
  private async rawPayload(item: WriteItem, msg: InboundMessage, messageId: string): Promise<{ slot: PayloadSlot; digest: string; size: number }> {
    if (!msg.reprocessOf) return this.addPayload(item, { messageId, kind: 'raw', contentType: msg.contentType, content: msg.raw });
    const r = await this.deps.db.query<{ id: string | number; digest: string; size: number }>(
      'SELECT id, digest, size FROM payloads WHERE id = $1 AND message_id = $2',
      [msg.reprocessOf.rawPayloadId, messageId],
    );
    const row = r.rows[0];
    if (!row) throw new ReprocessConflict(messageId);
    return { slot: { draft: { messageId, kind: 'raw', contentType: msg.contentType, content: msg.raw }, id: Number(row.id), stored: true }, digest: row.digest, size: Number(row.size) };
  }

  private addPayload(item: WriteItem, draft: PayloadSlot['draft']): { slot: PayloadSlot; digest: string; size: number } {
    const slot: PayloadSlot = { draft };
    item.payloads.push(slot);
    return { slot, ...this.deps.log.describePayload(draft.content) };
  }

  private answerEvent(item: WriteItem, base: ReturnType<Pipeline['eventBase']>, answer: Answer): ExchangeEventInput {
    const stored = this.addPayload(item, { messageId: base.messageId, kind: 'answer', contentType: answer.contentType, content: answer.content });
    return { ...base, eventType: 'answered', detail: { size: stored.size, digest: stored.digest, ...(answer.detail ?? {}) } };
  }

  /** Ordering per receiver, destination and citizen, without a readable BSN in the key. */
  private orderingKey(receiver: string | undefined, destinationId: string, subjects: string[]): string {
    const hashes = subjects.map((s) => subjectHash(this.deps.ring, s)).sort();
    return createHash('sha256').update(`${receiver ?? ''}|${destinationId}|${hashes.join(',')}`).digest('hex');
  }

  private eventBase(msg: InboundMessage, messageId: string, correlationId: string) {
    return {
      messageId,
      correlationId,
      channel: msg.channel,
      standard: msg.standard,
      messageType: msg.messageType,
      sender: msg.sender,
      receiver: msg.receiver ?? null,
    };
  }

  /**
   * The accepted message under this sender id, if any, and whether it is the same message: the same
   * bytes, or for JSON the same document after canonicalisation (a client that re-serialises on retry
   * sends the same message).
   */
  private async findAccepted(msg: InboundMessage): Promise<{ same: boolean; result: AcceptResult } | undefined> {
    // Concurrent lookups go to the database together: one statement for all requests waiting.
    const row = await this.duplicates.find(msg.sender, msg.senderMessageId);
    if (!row) return undefined;
    const base = { messageId: row.id, correlationId: row.correlation_id };
    const same = row.raw_digest === null || digestMatches(this.deps.ring, msg.raw, row.raw_digest) || (await this.sameJson(msg, row.raw_id === null ? null : Number(row.raw_id)));
    if (!same) return { same: false, result: { outcome: 'accepted', ...base, status: row.status, deliveries: row.n, duplicate: true } };
    const stored = row.answer_id === null ? null : await this.deps.log.readPayload(Number(row.answer_id));
    const answer = stored?.content ? { contentType: stored.contentType, content: stored.content } : undefined;
    return { same: true, result: { outcome: 'accepted', ...base, status: row.status, deliveries: row.n, duplicate: true, ...(answer ? { answer } : {}) } };
  }

  /** Both JSON, and equal after canonicalisation (key order, whitespace, escapes do not make another message). */
  private async sameJson(msg: InboundMessage, rawId: number | null): Promise<boolean> {
    if (rawId === null || !JSON_TYPE.test(msg.contentType)) return false;
    const first = await this.deps.log.readPayload(Number(rawId));
    if (!first?.content || !JSON_TYPE.test(first.contentType)) return false;
    const a = canonicalOf(first.content);
    return a !== undefined && a === canonicalOf(msg.raw);
  }

  private reusedId(msg: InboundMessage, messageId: string, correlationId: string, first: string): Promise<AcceptResult> {
    return this.reject(msg, messageId, correlationId, 'reused-id', [
      { location: 'messageId', message: `this sender id was already used for message ${first}, with other content` },
    ], undefined, first);
  }

  /** A rejected message is kept too (raw payload encrypted, reason in the log): bad input is never silently dropped. */
  private async reject(
    msg: InboundMessage,
    messageId: string,
    correlationId: string,
    code: RejectCode,
    problems: Problem[],
    answer?: Answer,
    firstMessageId?: string,
  ): Promise<AcceptResult> {
    const first = firstMessageId ? { firstMessageId } : {};
    // Bounded in the answer and in the event, however many problems the input had.
    problems = capProblems(problems);
    const item = this.newItem(msg, messageId, correlationId, 'rejected', { code, problems, ...first }, null);
    const raw = await this.rawPayload(item, msg, messageId);
    const base = this.eventBase(msg, messageId, correlationId);
    const events: ExchangeEventInput[] = [
      { ...base, ...receivedEvent(msg, raw, {}) },
      { ...base, eventType: 'rejected', detail: { code, problems: problems.map((p) => ({ ...p })), ...first } },
    ];
    if (answer) events.push(this.answerEvent(item, base, answer));
    item.events = events.map((e) => this.deps.log.prepare(e));
    await this.writer.write(item);
    this.deps.observer?.onRejected?.(msg.standard, msg.messageType, code);
    this.deps.logger.info({ messageId, channel: msg.channel, sender: msg.sender, messageType: msg.messageType, code, ...first }, 'message rejected');
    return { outcome: 'rejected', messageId, correlationId, code, problems, ...(answer ? { answer } : {}), ...first };
  }

  /**
   * A synchronous question and its answer (a StUF Lv01 or Di02, a SUWI request): stored and logged as
   * one exchange (received, then answered or rejected), nothing is queued.
   */
  async answerExchange(
    msg: InboundMessage,
    answer: Answer,
    opts: {
      subjects?: string[];
      problems?: Problem[];
      onCommit?: (tx: Queryable, messageId: string) => Promise<void>;
      /** Events on other messages (e.g. the one this message answers), logged in the same transaction. */
      relatedEvents?: (messageId: string) => ExchangeEventInput[];
    } = {},
  ): Promise<string> {
    const messageId = randomUUID();
    const correlationId = msg.correlationId ?? messageId;
    if (opts.problems) opts = { ...opts, problems: capProblems(opts.problems) };
    const rejected = (opts.problems ?? []).length > 0;
    const item = this.newItem(msg, messageId, correlationId, rejected ? 'rejected' : 'answered', rejected ? { code: 'validation-failed', problems: opts.problems } : null, null);
    const raw = this.addPayload(item, { messageId, kind: 'raw', contentType: msg.contentType, content: msg.raw });
    item.subjectHashes = this.deps.log.subjectHashes(opts.subjects ?? []);
    if (opts.onCommit) item.hooks.push((tx) => opts.onCommit!(tx, messageId));
    const base = this.eventBase(msg, messageId, correlationId);
    const events: ExchangeEventInput[] = [
      { ...base, eventType: 'received', detail: { size: raw.size, digest: raw.digest, senderMessageId: msg.senderMessageId, subjects: (opts.subjects ?? []).length } },
    ];
    if (rejected) events.push({ ...base, eventType: 'rejected', detail: { code: 'validation-failed', problems: (opts.problems ?? []).map((p) => ({ ...p })) } });
    events.push(this.answerEvent(item, base, answer));
    if (opts.relatedEvents) events.push(...opts.relatedEvents(messageId));
    item.events = events.map((e) => this.deps.log.prepare(e));
    await this.writer.write(item);
    if (rejected) this.deps.observer?.onRejected?.(msg.standard, msg.messageType, 'validation-failed');
    else this.deps.observer?.onAccepted?.(msg.standard, msg.messageType);
    return messageId;
  }

  /**
   * The earlier message a sender sent under this id, if any (a retry): whether it had the same
   * bytes, and the answer it got. For channels whose standard answers a retry with the first
   * answer, and a reused id with other content with an error of its own (StUF016).
   */
  async previous(sender: string, senderMessageId: string, raw: Buffer): Promise<{ sameContent: boolean; answer?: Answer } | undefined> {
    const r = await this.deps.db.query<{ raw_digest: string | null; answer_id: number | null }>(
      `SELECT (SELECT p.digest FROM payloads p WHERE p.message_id = m.id AND p.kind = 'raw' ORDER BY p.id LIMIT 1) AS raw_digest,
              (SELECT p.id FROM payloads p WHERE p.message_id = m.id AND p.kind = 'answer' ORDER BY p.id LIMIT 1) AS answer_id
         FROM messages m WHERE m.sender = $1 AND m.sender_message_id = $2 AND NOT m.refused ORDER BY m.received_at LIMIT 1`,
      [sender, senderMessageId],
    );
    const row = r.rows[0];
    if (!row) return undefined;
    const sameContent = row.raw_digest === null || digestMatches(this.deps.ring, raw, row.raw_digest);
    const stored = row.answer_id === null ? null : await this.deps.log.readPayload(row.answer_id);
    return { sameContent, ...(stored?.content ? { answer: { contentType: stored.contentType, content: stored.content } } : {}) };
  }

  /**
   * The deliveries of the messages a receiver's later answer refers to: by the message's own id
   * (what knooppunt writes as referentienummer in a message it builds) or by a reference of `kind`
   * the channel recorded (a StUF referentienummer passed on unchanged). At most 20, oldest first.
   */
  async deliveriesReferredTo(kind: string, value: string): Promise<Array<{ id: string; messageId: string; destinationId: string; status: string; sender: string; receiver: string | null; messageType: string; correlationId: string }>> {
    const v = value.trim();
    if (v === '' || v.length > 200) return [];
    const byId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v);
    const r = await this.deps.db.query<{ id: string; messageId: string; destinationId: string; status: string; sender: string; receiver: string | null; messageType: string; correlationId: string }>(
      `SELECT d.id, d.message_id AS "messageId", d.destination_id AS "destinationId", d.status, m.sender, m.receiver,
              m.message_type AS "messageType", m.correlation_id AS "correlationId"
         FROM deliveries d JOIN messages m ON m.id = d.message_id
        WHERE d.message_id IN (SELECT message_id FROM message_references WHERE lower(value) = lower($2) AND kind = $1
                               ${byId ? 'UNION SELECT $3::uuid' : ''})
        ORDER BY d.seq LIMIT 20`,
      byId ? [kind, v, v] : [kind, v],
    );
    return r.rows;
  }

  /** A request that never became a message (no credential, unreadable body): logged all the same. */
  async logRefusedRequest(channel: string, reason: string, detail: Record<string, unknown> = {}, sender: string | null = null): Promise<void> {
    await this.deps.log.appendNow({ messageId: null, eventType: 'rejected', channel, sender, detail: { reason, ...detail } });
  }
}

/**
 * What the receiver of a delivery answered about it afterwards: `refused` (a Fo01/Fo03, an overdracht
 * geweigerd) stays once set, whatever comes later; the reason holds codes only. The delivery itself
 * keeps its status and payload.
 */
export async function recordReceiverOutcome(tx: Queryable, deliveryId: string, outcome: 'accepted' | 'refused', reason: Record<string, unknown> | null): Promise<void> {
  await tx.query(
    `UPDATE deliveries SET receiver_outcome = CASE WHEN receiver_outcome = 'refused' THEN receiver_outcome ELSE $2 END,
            receiver_reason = CASE WHEN receiver_outcome = 'refused' THEN receiver_reason ELSE $3::jsonb END,
            receiver_answered_at = now()
      WHERE id = $1`,
    [deliveryId, outcome, reason === null ? null : JSON.stringify(reason)],
  );
}

/** The message was no longer rejected when its reprocess wanted to commit (another reprocess won). */
export class ReprocessConflict extends Error {
  constructor(readonly messageId: string) {
    super('the message is no longer rejected');
  }
}

/** The first event of this pass: `received`, or `reprocessed` when a beheerder put a rejected message through again. */
function receivedEvent(msg: InboundMessage, raw: { size: number; digest: string }, extra: Record<string, unknown>): { eventType: 'received' | 'reprocessed'; detail: Record<string, unknown> } {
  if (msg.reprocessOf) {
    return { eventType: 'reprocessed', detail: { by: msg.reprocessOf.by, previousCode: msg.reprocessOf.previousCode, size: raw.size, digest: raw.digest, ...extra } };
  }
  return { eventType: 'received', detail: { size: raw.size, digest: raw.digest, senderMessageId: msg.senderMessageId, ...extra } };
}
