import { randomUUID } from 'node:crypto';
import type { ExchangeEvent, ExchangeEventInput, ExchangeEventType } from '../core/message.js';
import type { Db, Queryable } from '../store/db.js';
import { DB_NOW_SQL } from '../store/clock.js';
import { insertRows, insertRowsTogether, type RowsInsert } from '../core/rows.js';
import { canonicalJson } from './canonical.js';
import { CURRENT_HASH_FORMAT, GENESIS_HASH, eventHash, type HashFormat } from './chain.js';
import { decryptPayload, digestMatches, encryptPayload, payloadDigest, subjectHash, subjectHashCandidates } from './crypto.js';
import type { KeyRing } from './keys.js';

/**
 * Invalid input to the log (a malformed id, a bad filter). Its message never contains payload or
 * BSN data, so callers may return it to an API client (400) and log it.
 */
export class LogInputError extends Error {
  override readonly name = 'LogInputError';
}

/**
 * A stored payload that cannot be read: its key is not in the ring, or it fails authentication.
 * Callers that show or send many items report this item as unreadable and go on with the rest.
 */
export class PayloadUnreadableError extends Error {
  override readonly name = 'PayloadUnreadableError';
  constructor(
    readonly payloadId: number,
    readonly keyId: string,
    readonly reason: 'unknown-key' | 'authentication-failed' | 'digest-mismatch',
    detail: string,
  ) {
    super(`payload ${payloadId}: ${detail}`);
  }
}

export type PayloadKind = 'raw' | 'mapped' | 'answer';
const PAYLOAD_KINDS: ReadonlySet<string> = new Set<PayloadKind>(['raw', 'mapped', 'answer']);

export interface PayloadInfo {
  id: number;
  messageId: string;
  kind: string;
  destinationId: string | null;
  contentType: string;
  purgedAt: Date | null;
  digest: string;
  size: number;
}

export interface Payload extends PayloadInfo {
  /** null once purged (retention): the digest and size stay as a tombstone. */
  content: Buffer | null;
}

export interface EventFilter {
  messageId?: string;
  correlationId?: string;
  sender?: string;
  receiver?: string;
  eventType?: string;
  /** occurred_at >= from */
  from?: Date;
  /** occurred_at < to */
  to?: Date;
  /** default 100, at most 10000 */
  limit?: number;
  /** keyset pagination within one chain (with `chain`): only events with seq > afterSeq */
  afterSeq?: number;
  /** The newest `limit` events, newest first, instead of the oldest in time order. */
  newest?: boolean;
  /** Only events of this chain. */
  chain?: number;
}

/** How many chains the log may spread over unless configured (KNOOPPUNT_LOG_CHAINS). */
export const DEFAULT_MAX_CHAINS = 16;

/**
 * Readers' order across chains: by time, then chain and seq. Within one chain this is seq order
 * (occurred_at is read from the database clock under the chain head's lock); across chains the
 * database clock is the only order there is.
 */
const READ_ORDER = 'occurred_at, chain, seq';
const READ_ORDER_NEWEST = 'occurred_at DESC, chain DESC, seq DESC';

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 10_000;
const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** Lower-cased UUID (PostgreSQL returns uuid lower-case; the hash must match what is read back). */
function uuidOrThrow(value: string, what: string): string {
  if (typeof value !== 'string' || !UUID_RE.test(value)) throw new LogInputError(`${what} must be a UUID`);
  return value.toLowerCase();
}

function optionalText(value: string | null | undefined, what: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new LogInputError(`${what} must be a string`);
  return value;
}

function toBuffer(v: unknown): Buffer {
  // pg returns Buffer for bytea, PGlite a plain Uint8Array.
  if (Buffer.isBuffer(v)) return v;
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  throw new Error('expected bytea value');
}

function toDate(v: unknown): Date {
  return v instanceof Date ? v : new Date(String(v));
}

/** Columns in the order rowToEvent expects; shared with the verifier. */
export const EVENT_COLUMNS =
  'chain, hash_format, seq, id, message_id, correlation_id, event_type, channel, standard, message_type, sender, receiver, occurred_at, detail, prev_hash, hash';
const EVENT_COLUMN_LIST = EVENT_COLUMNS.split(', ');

/** An event checked and in canonical form, ready to be chained (see ExchangeLog.prepare). */
export interface PreparedEvent {
  detailJson: string;
  fields: Omit<ExchangeEvent, 'chain' | 'hashFormat' | 'seq' | 'prevHash' | 'hash' | 'occurredAt'> & { occurredAt: Date | undefined };
}

/** Runs in the appending transaction with the events just chained (see ExchangeLog.onAppendBatch). */
/**
 * What the appending caller already knows about the events' messages, so a hook need not read it
 * back in the same transaction: their data subjects (keyed hashes), trace and routes.
 */
export interface KnownMessage {
  subjects: readonly string[];
  trace?: { traceId: string; spanId: string; parentSpanId?: string };
  routeIds: readonly string[];
}
export type AppendContext = { messages?: ReadonlyMap<string, KnownMessage> };
export type AppendHook = (tx: Queryable, events: readonly ExchangeEvent[], context: AppendContext) => Promise<void>;

/** A payload to store: what the caller knows before a row id exists. */
export interface PayloadDraft {
  messageId: string;
  kind: PayloadKind;
  destinationId?: string | null;
  contentType: string;
  content: Buffer;
}

/** A payload encrypted for its reserved row id, ready for insertPayloads. */
export interface SealedPayload {
  id: number;
  messageId: string;
  kind: PayloadKind;
  destinationId: string | null;
  contentType: string;
  size: number;
  digest: string;
  enc: { keyId: string; iv: Buffer; authTag: Buffer; ciphertext: Buffer };
}

export interface EventRow {
  chain: number | string;
  hash_format: number | string;
  seq: number | string;
  id: string;
  message_id: string | null;
  correlation_id: string | null;
  event_type: string;
  channel: string | null;
  standard: string | null;
  message_type: string | null;
  sender: string | null;
  receiver: string | null;
  occurred_at: Date | string;
  detail: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

export function rowToEvent(r: EventRow): ExchangeEvent {
  return {
    chain: Number(r.chain),
    hashFormat: Number(r.hash_format) as HashFormat,
    seq: Number(r.seq),
    id: r.id,
    messageId: r.message_id,
    correlationId: r.correlation_id,
    eventType: r.event_type as ExchangeEventType,
    channel: r.channel,
    standard: r.standard,
    messageType: r.message_type,
    sender: r.sender,
    receiver: r.receiver,
    occurredAt: toDate(r.occurred_at),
    detail: r.detail,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

interface PayloadRow {
  id: number | string;
  message_id: string;
  kind: string;
  destination_id: string | null;
  content_type: string;
  size: number;
  digest: string;
  key_id: string;
  iv: unknown;
  auth_tag: unknown;
  ciphertext: unknown;
  purged_at: Date | string | null;
}

/**
 * Associated data for a payload's AES-GCM encryption. Binding the row id, message, kind,
 * destination and content type means a ciphertext copied into another row (or a row relabelled)
 * fails authentication instead of being served as someone else's message.
 */
function payloadAad(p: { id: number; messageId: string; kind: string; destinationId: string | null; contentType: string }): string {
  return canonicalJson(['knooppunt/payload/v1', p.id, p.messageId, p.kind, p.destinationId, p.contentType]);
}

// jsonb cannot store U+0000; PostgreSQL's error would quote the surrounding JSON (metadata that
// could still be sensitive), so refuse it here with a message that quotes nothing.
const JSON_NUL_RE = /(?:^|[^\\])(?:\\\\)*\\u0000/;

/** A chain head as this transaction holds it: locked, and moved by this transaction's appends so far. */
interface HeldHead {
  chain: number;
  seq: number;
  hash: string;
  now: Date;
}

/**
 * The chain head each open transaction holds, keyed by its transaction object (both drivers make
 * a fresh one per transaction, so an entry dies with it). A second append in the same transaction
 * continues on this head instead of locking another: a transaction holding two heads can deadlock
 * with another doing the same once every chain is taken. Module-wide, so two logs in one
 * transaction share it too.
 */
const heldHeads = new WeakMap<Queryable, HeldHead>();

/** A Db passed as the queryable runs each statement on its own: no lock outlives the statement. */
function isTransaction(q: Queryable): boolean {
  return typeof (q as Partial<Db>).transaction !== 'function';
}

/** The exchange log: append-only, hash-chained events; encrypted payloads; keyed subject index. */
export class ExchangeLog {
  private readonly maxChains: number;
  private readonly pinnedChain: number | undefined;
  /** Round robin over the chains when every head is taken (see lockChain). */
  private nextWait = 0;

  constructor(
    private readonly db: Db,
    private readonly ring: KeyRing,
    opts: {
      /** The most chains this writer spreads over (default DEFAULT_MAX_CHAINS). */
      maxChains?: number;
      /** Always append to this chain: a writer (gateway process, partition) with a chain of its own. */
      chain?: number;
    } = {},
  ) {
    this.maxChains = opts.maxChains ?? DEFAULT_MAX_CHAINS;
    if (!Number.isSafeInteger(this.maxChains) || this.maxChains < 1) throw new Error('maxChains must be a positive integer');
    if (opts.chain !== undefined && (!Number.isSafeInteger(opts.chain) || opts.chain < 1)) throw new Error('chain must be a positive integer');
    this.pinnedChain = opts.chain;
  }

  /** Extra rows per event, written in the event's own transaction (Logboek Dataverwerkingen records). */
  private readonly appendHooks: Array<(tx: Queryable, event: ExchangeEvent) => Promise<void>> = [];
  /** The same, once per batch of appended events (one multi-row insert instead of one per event). */
  private readonly batchHooks: AppendHook[] = [];

  /** Registers a hook that runs after each appended event, inside the appending transaction. */
  onAppend(hook: (tx: Queryable, event: ExchangeEvent) => Promise<void>): void {
    this.appendHooks.push(hook);
  }

  /**
   * Registers a hook that runs once per append call (single or batched), inside the appending
   * transaction, with all of its events in chain order: the place for rows that must exist exactly
   * when the events do, written with one statement per batch rather than one per event.
   */
  onAppendBatch(hook: AppendHook): void {
    this.batchHooks.push(hook);
  }

  /** Validation and canonical form of one event: everything that can be done without the chain lock. */
  prepare(ev: ExchangeEventInput): PreparedEvent {
    // Runtime check: callers in plain JS or with casts can still pass nonsense.
    if (typeof ev.eventType !== 'string' || (ev.eventType as string) === '') throw new LogInputError('eventType is required');
    if (ev.occurredAt !== undefined && (!(ev.occurredAt instanceof Date) || Number.isNaN(ev.occurredAt.getTime()))) {
      throw new LogInputError('occurredAt must be a valid Date');
    }
    let detailJson: string;
    try {
      detailJson = canonicalJson(ev.detail ?? {});
    } catch (err) {
      throw new LogInputError(`event detail is not storable as JSON: ${(err as Error).message}`);
    }
    if (JSON_NUL_RE.test(detailJson)) throw new LogInputError('event detail contains a NUL character, which jsonb cannot store');
    return {
      detailJson,
      fields: {
        id: randomUUID(),
        messageId: ev.messageId === null || ev.messageId === undefined ? null : uuidOrThrow(ev.messageId, 'messageId'),
        correlationId: optionalText(ev.correlationId, 'correlationId'),
        eventType: ev.eventType,
        channel: optionalText(ev.channel, 'channel'),
        standard: optionalText(ev.standard, 'standard'),
        messageType: optionalText(ev.messageType, 'messageType'),
        sender: optionalText(ev.sender, 'sender'),
        receiver: optionalText(ev.receiver, 'receiver'),
        // Undefined: taken from the database's clock under the head lock (so it follows seq).
        occurredAt: ev.occurredAt,
        // The parsed canonical form is exactly what jsonb will give back, so the returned event equals a later read.
        detail: JSON.parse(detailJson) as Record<string, unknown>,
      },
    };
  }

  /**
   * Appends one event within the caller's transaction. Takes the row lock on one chain head, which
   * is held until the caller commits: append as the LAST step of a transaction so the chain stays
   * taken for as short a time as possible (and to avoid lock-order deadlocks). Requires
   * READ COMMITTED (the default); under REPEATABLE READ a concurrent append raises a serialisation error.
   */
  async append(tx: Queryable, ev: ExchangeEventInput): Promise<ExchangeEvent> {
    const [event] = await this.appendMany(tx, [ev]);
    return event!;
  }

  /**
   * Appends events in the given order within the caller's transaction: the chain head is locked
   * once, the events are chained in memory and written with one multi-row insert, and the head is
   * moved once. The chain is exactly what one append per event would have made, so verify-log
   * checks it the same way. Inputs may be prepared already (prepare() outside the transaction).
   */
  async appendMany(tx: Queryable, evs: ReadonlyArray<ExchangeEventInput | PreparedEvent>, context: AppendContext = {}): Promise<ExchangeEvent[]> {
    if (evs.length === 0) return [];
    // Everything that can be prepared without the lock is prepared before taking it.
    const prepared = evs.map((ev) => ('detailJson' in ev ? ev : this.prepare(ev)));
    return this.appendOnChain(tx, await this.lockChain(tx), prepared, context);
  }

  /**
   * Records the heads of every other chain in a chain_anchor event on the chain this transaction
   * takes. A writer that cuts one chain's tail then also has to rewrite another chain from that
   * event on, and verify-log names the range the anchor event recorded and the chain lacks.
   * Nothing is appended while there is only one chain (there is nothing to cross-link).
   */
  async appendChainAnchor(tx: Queryable): Promise<ExchangeEvent | undefined> {
    const h = await this.lockChain(tx);
    const others = await tx.query<{ id: number | string; seq: number | string; hash: string }>(
      'SELECT id, seq, hash FROM log_head WHERE id <> $1 ORDER BY id',
      [h.chain],
    );
    if (others.rows.length === 0) return undefined;
    const heads = others.rows.map((r) => ({ chain: String(r.id), seq: Number(r.seq), hash: r.hash }));
    const [event] = await this.appendOnChain(tx, h, [this.prepare({ messageId: null, eventType: 'chain_anchor', detail: { heads } })]);
    return event;
  }

  private async appendOnChain(tx: Queryable, h: HeldHead, prepared: readonly PreparedEvent[], context: AppendContext = {}): Promise<ExchangeEvent[]> {
    const chain = h.chain;
    const now = h.now;
    const headSeq = h.seq;
    let prevHash = h.hash;
    const events: ExchangeEvent[] = [];
    const rows: unknown[][] = [];
    const hashFormat = CURRENT_HASH_FORMAT;
    for (const [i, p] of prepared.entries()) {
      const seq = headSeq + i + 1;
      const f = { ...p.fields, occurredAt: p.fields.occurredAt ?? now };
      const hash = eventHash(prevHash, { chain, hashFormat, seq, ...f }, p.detailJson);
      rows.push([chain, hashFormat, seq, f.id, f.messageId, f.correlationId, f.eventType, f.channel, f.standard, f.messageType, f.sender, f.receiver, f.occurredAt, p.detailJson, prevHash, hash]);
      events.push({ chain, hashFormat, seq, ...f, eventType: f.eventType as ExchangeEventType, prevHash, hash });
      prevHash = hash;
    }
    // The events and the head's move in one statement.
    const moved = await insertRowsTogether(tx, [{ table: 'exchange_events', columns: EVENT_COLUMN_LIST, rows, opts: { casts: { detail: '::jsonb' } } }], {
      sql: 'UPDATE log_head SET seq = $1, hash = $2 WHERE id = $3 AND seq = $4',
      params: [headSeq + events.length, prevHash, chain, headSeq],
    });
    if (moved.rowCount !== 1) throw new Error('exchange log append did not move its chain head');
    if (isTransaction(tx)) heldHeads.set(tx, { chain, seq: headSeq + events.length, hash: prevHash, now });
    // Extra rows for these events (LDV records), committed or rolled back with them.
    for (const hook of this.appendHooks) for (const event of events) await hook(tx, event);
    for (const hook of this.batchHooks) await hook(tx, events, context);
    return events;
  }

  /**
   * Takes a chain head for this transaction: the lowest one no other transaction holds (SKIP
   * LOCKED, so concurrent writers never wait for each other's chain), else a new chain while fewer
   * than maxChains exist, else it waits for one in turn. So a single writer keeps to chain 1 and the
   * number of chains follows the number of transactions that append at the same moment.
   * The time comes from the database's clock read under the head's lock, so it follows seq.
   */
  private async lockChain(tx: Queryable): Promise<HeldHead> {
    const held = isTransaction(tx) ? heldHeads.get(tx) : undefined;
    if (held && (this.pinnedChain === undefined || this.pinnedChain === held.chain)) return held;
    const head = await this.lockNewChain(tx);
    if (isTransaction(tx)) heldHeads.set(tx, head);
    return head;
  }

  private async lockNewChain(tx: Queryable): Promise<HeldHead> {
    type HeadRow = { id: number | string; seq: number | string; hash: string; now: Date | string };
    const cols = `id, seq, hash, ${DB_NOW_SQL} AS now`;
    const toHead = (r: HeadRow) => ({ chain: Number(r.id), seq: Number(r.seq), hash: r.hash, now: toDate(r.now) });
    if (this.pinnedChain !== undefined) {
      await tx.query('INSERT INTO log_head (id, seq, hash) VALUES ($1, 0, $2) ON CONFLICT (id) DO NOTHING', [this.pinnedChain, GENESIS_HASH]);
      const own = await tx.query<HeadRow>(`SELECT ${cols} FROM log_head WHERE id = $1 FOR UPDATE`, [this.pinnedChain]);
      return toHead(own.rows[0]!);
    }
    const free = await tx.query<HeadRow>(`SELECT ${cols} FROM log_head WHERE id <= $1 ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED`, [this.maxChains]);
    if (free.rows[0]) return toHead(free.rows[0]);
    // Every chain is taken: open the next one. A writer that races for the same id waits on the
    // other's insert and then gets nothing, and takes the round-robin path below.
    const opened = await tx.query<HeadRow>(
      `INSERT INTO log_head (id, seq, hash)
         SELECT coalesce(max(id), 0) + 1, 0, $2 FROM log_head HAVING coalesce(max(id), 0) < $1
       ON CONFLICT (id) DO NOTHING RETURNING ${cols}`,
      [this.maxChains, GENESIS_HASH],
    );
    if (opened.rows[0]) return toHead(opened.rows[0]);
    const existing = await tx.query<{ n: number | string }>('SELECT count(*) AS n FROM log_head WHERE id <= $1', [this.maxChains]);
    const n = Math.max(1, Number(existing.rows[0]?.n ?? 1));
    const chain = (this.nextWait++ % n) + 1;
    const waited = await tx.query<HeadRow>(`SELECT ${cols} FROM log_head WHERE id = $1 FOR UPDATE`, [chain]);
    if (!waited.rows[0]) throw new Error('log_head row is missing (migrations not applied?)');
    return toHead(waited.rows[0]);
  }

  /** Appends in a transaction of its own. */
  appendNow(ev: ExchangeEventInput): Promise<ExchangeEvent> {
    return this.db.transaction((tx) => this.append(tx, ev));
  }

  /** Encrypts and stores one payload; returns its id, keyed digest and plaintext size. */
  async storePayload(tx: Queryable, p: PayloadDraft): Promise<{ id: number; digest: string; size: number }> {
    const [id] = await this.reservePayloadIds(tx, 1);
    const sealed = this.sealPayload(p, id!);
    await this.insertPayloads(tx, [sealed]);
    return { id: sealed.id, digest: sealed.digest, size: sealed.size };
  }

  /** Keyed digest and size of a payload, without storing it (what events record about it). */
  describePayload(content: Buffer): { digest: string; size: number } {
    if (!Buffer.isBuffer(content)) throw new LogInputError('payload content must be a Buffer');
    return { digest: payloadDigest(this.ring, content), size: content.length };
  }

  /** Reserves payload row ids (the id is part of the AAD, so it is known before encrypting). One statement for any count. */
  async reservePayloadIds(q: Queryable, count: number): Promise<number[]> {
    if (count === 0) return [];
    const r = await q.query<{ id: number | string }>(
      `SELECT nextval(pg_get_serial_sequence('payloads', 'id')) AS id FROM generate_series(1, $1::int)`,
      [count],
    );
    return r.rows.map((row) => Number(row.id));
  }

  /** Checks and encrypts one payload for the row id reserved for it; CPU only, no statement. */
  sealPayload(p: PayloadDraft, id: number): SealedPayload {
    const messageId = uuidOrThrow(p.messageId, 'messageId');
    if (!PAYLOAD_KINDS.has(p.kind)) throw new LogInputError('payload kind must be raw, mapped or answer');
    if (typeof p.contentType !== 'string' || p.contentType === '') throw new LogInputError('contentType is required');
    if (!Buffer.isBuffer(p.content)) throw new LogInputError('payload content must be a Buffer');
    const destinationId = optionalText(p.destinationId, 'destinationId');
    const aad = payloadAad({ id, messageId, kind: p.kind, destinationId, contentType: p.contentType });
    const enc = encryptPayload(this.ring, p.content, aad);
    const { digest, size } = this.describePayload(p.content);
    return { id, messageId, kind: p.kind, destinationId, contentType: p.contentType, size, digest, enc };
  }

  /** Stores sealed payloads with one multi-row insert; bytea values go out as binary parameters. */
  async insertPayloads(tx: Queryable, sealed: readonly SealedPayload[]): Promise<void> {
    await insertRows(
      tx,
      'payloads',
      ['id', 'message_id', 'kind', 'destination_id', 'content_type', 'size', 'digest', 'key_id', 'iv', 'auth_tag', 'ciphertext'],
      sealed.map((p) => [p.id, p.messageId, p.kind, p.destinationId, p.contentType, p.size, p.digest, p.enc.keyId, p.enc.iv, p.enc.authTag, p.enc.ciphertext]),
      { constants: { created_at: 'now()' } },
    );
  }

  /**
   * Reads and decrypts a payload; null when there is no such row, content null when purged.
   * Throws (without payload data in the message) when the ciphertext or its binding was tampered with.
   */
  async readPayload(id: number, q: Queryable = this.db): Promise<Payload | null> {
    if (!Number.isSafeInteger(id)) throw new LogInputError('payload id must be an integer');
    const r = (await this.readPayloads([id], q)).get(id);
    if (r instanceof PayloadUnreadableError) throw r;
    return r ?? null;
  }

  /**
   * Reads and decrypts many payloads with one statement (a delivery batch). Each id maps to its
   * payload (content null when purged), or to the PayloadUnreadableError of that one payload, so
   * one bad row does not fail the others; ids without a row are absent.
   */
  async readPayloads(ids: readonly number[], q: Queryable = this.db): Promise<Map<number, Payload | PayloadUnreadableError>> {
    const out = new Map<number, Payload | PayloadUnreadableError>();
    if (ids.length === 0) return out;
    if (!ids.every((id) => Number.isSafeInteger(id))) throw new LogInputError('payload id must be an integer');
    const res = await q.query<PayloadRow>(
      `SELECT id, message_id, kind, destination_id, content_type, size, digest, key_id, iv, auth_tag, ciphertext, purged_at
       FROM payloads WHERE id = ANY($1::bigint[])`,
      [[...new Set(ids)]],
    );
    for (const r of res.rows) {
      const info = payloadInfo(r);
      try {
        out.set(info.id, this.openPayload(r, info));
      } catch (err) {
        if (!(err instanceof PayloadUnreadableError)) throw err;
        out.set(info.id, err);
      }
    }
    return out;
  }

  private openPayload(r: PayloadRow, info: PayloadInfo): Payload {
    if (info.purgedAt !== null || r.ciphertext === null || r.iv === null || r.auth_tag === null) return { ...info, content: null };
    const aad = payloadAad(info);
    let content: Buffer;
    try {
      content = decryptPayload(
        this.ring,
        { keyId: r.key_id, iv: toBuffer(r.iv), authTag: toBuffer(r.auth_tag), ciphertext: toBuffer(r.ciphertext) },
        aad,
      );
    } catch (err) {
      throw new PayloadUnreadableError(info.id, r.key_id, this.ring.byId.has(r.key_id) ? 'authentication-failed' : 'unknown-key', (err as Error).message);
    }
    // GCM already authenticates the bytes; the digest/size check catches a row whose tombstone fields were edited.
    if (content.length !== info.size || !digestMatches(this.ring, content, info.digest)) {
      throw new PayloadUnreadableError(info.id, r.key_id, 'digest-mismatch', 'digest or size does not match the decrypted content');
    }
    return { ...info, content };
  }

  /** Metadata of every payload of a message (no content, no decryption), oldest first. */
  async payloadsForMessage(messageId: string): Promise<PayloadInfo[]> {
    const id = uuidOrThrow(messageId, 'messageId');
    const res = await this.db.query<PayloadRow>(
      `SELECT id, message_id, kind, destination_id, content_type, size, digest, purged_at
       FROM payloads WHERE message_id = $1 ORDER BY id`,
      [id],
    );
    return res.rows.map(payloadInfo);
  }

  /** Indexes a message under its subjects: keyed hashes only, duplicates (incl. different spellings) collapsed. */
  async recordSubjects(tx: Queryable, messageId: string, bsns: string[]): Promise<void> {
    await this.recordSubjectsMany(tx, [{ messageId, hashes: this.subjectHashes(bsns) }]);
  }

  /** The keyed hashes of a message's subjects, distinct (CPU only: done before the transaction). */
  subjectHashes(bsns: readonly string[]): string[] {
    return [...new Set(bsns.map((b) => subjectHash(this.ring, b)))];
  }

  /** Subject index rows of several messages in one statement. */
  async recordSubjectsMany(tx: Queryable, items: ReadonlyArray<{ messageId: string; hashes: readonly string[] }>): Promise<void> {
    const { table, columns, rows, opts } = this.subjectRows(items);
    await insertRows(tx, table, columns, rows, opts);
  }

  /** The subject index rows of several messages, for a statement that writes other tables too. */
  subjectRows(items: ReadonlyArray<{ messageId: string; hashes: readonly string[] }>): RowsInsert {
    const rows = items.flatMap((it) => {
      const id = uuidOrThrow(it.messageId, 'messageId');
      return it.hashes.map((h) => [id, h]);
    });
    return { table: 'message_subjects', columns: ['message_id', 'subject_hash'], rows, opts: { tail: 'ON CONFLICT DO NOTHING' } };
  }

  /** Ids of the messages about a citizen, oldest first. Matches hashes made before a key rotation too. */
  async messagesForSubject(bsn: string): Promise<string[]> {
    let candidates: string[];
    try {
      candidates = subjectHashCandidates(this.ring, bsn);
    } catch (err) {
      throw new LogInputError((err as Error).message);
    }
    const res = await this.db.query<{ id: string }>(
      `SELECT m.id FROM messages m
       WHERE m.id IN (SELECT message_id FROM message_subjects WHERE subject_hash = ANY($1::text[]))
       ORDER BY m.received_at, m.id`,
      [candidates],
    );
    return res.rows.map((r) => r.id);
  }

  /** Every event of one message in time order (READ_ORDER). */
  async eventsForMessage(messageId: string): Promise<ExchangeEvent[]> {
    const id = uuidOrThrow(messageId, 'messageId');
    const res = await this.db.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM exchange_events WHERE message_id = $1 ORDER BY ${READ_ORDER}`, [id]);
    return res.rows.map(rowToEvent);
  }

  /** Filtered events in time order (READ_ORDER, or newest first); all values are bound parameters, never spliced into SQL. */
  async events(filter: EventFilter = {}): Promise<ExchangeEvent[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown): void => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.messageId !== undefined) add('message_id = ?', uuidOrThrow(filter.messageId, 'messageId'));
    if (filter.correlationId !== undefined) add('correlation_id = ?', filter.correlationId);
    if (filter.sender !== undefined) add('sender = ?', filter.sender);
    if (filter.receiver !== undefined) add('receiver = ?', filter.receiver);
    if (filter.eventType !== undefined) add('event_type = ?', filter.eventType);
    for (const [key, op] of [['from', '>='], ['to', '<']] as const) {
      const d = filter[key];
      if (d === undefined) continue;
      if (!(d instanceof Date) || Number.isNaN(d.getTime())) throw new LogInputError(`${key} must be a valid Date`);
      add(`occurred_at ${op} ?`, d);
    }
    if (filter.afterSeq !== undefined) {
      if (!Number.isSafeInteger(filter.afterSeq)) throw new LogInputError('afterSeq must be an integer');
      add('seq > ?', filter.afterSeq);
    }
    if (filter.chain !== undefined) {
      if (!Number.isSafeInteger(filter.chain)) throw new LogInputError('chain must be an integer');
      add('chain = ?', filter.chain);
    }
    const limit = filter.limit ?? DEFAULT_LIMIT;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw new LogInputError(`limit must be an integer from 1 to ${MAX_LIMIT}`);
    params.push(limit);
    const sql =
      `SELECT ${EVENT_COLUMNS} FROM exchange_events` +
      (where.length ? ` WHERE ${where.join(' AND ')}` : '') +
      ` ORDER BY ${filter.newest === true ? READ_ORDER_NEWEST : READ_ORDER} LIMIT $${params.length}`;
    const res = await this.db.query<EventRow>(sql, params);
    return res.rows.map(rowToEvent);
  }
}

function payloadInfo(r: PayloadRow): PayloadInfo {
  return {
    id: Number(r.id),
    messageId: r.message_id,
    kind: r.kind,
    destinationId: r.destination_id,
    contentType: r.content_type,
    purgedAt: r.purged_at === null ? null : toDate(r.purged_at),
    digest: r.digest,
    size: Number(r.size),
  };
}
