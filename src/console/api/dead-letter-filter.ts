import { HttpProblem } from '../../channels/rest/problem.js';
import { UUID_RE } from './params.js';

/**
 * Which deliveries a beheerder means: by state, destination, message type, party, time and error
 * text. The same filter lists the dead-letter store and selects what a bulk action works on.
 */
export interface DeliveryFilter {
  /** dead_letter (default), held, or retrying (pending after a failed attempt). */
  status: 'dead_letter' | 'held' | 'retrying';
  destination?: string;
  messageType?: string;
  /** Sender or receiver: a party id, code or (part of a) name. */
  party?: string;
  since?: string;
  until?: string;
  /** Text in the last error (case-insensitive), e.g. "503" or "timeout". */
  error?: string;
  /** Only these deliveries (a selection in the table). */
  ids?: string[];
}

const STATUSES = new Set(['dead_letter', 'held', 'retrying']);
const MAX_IDS = 1000;

function text(v: unknown, name: string): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string' || v.length > 200) throw new HttpProblem(400, 'bad-request', `${name} must be one short text value`, [{ name, reason: 'not a single value' }]);
  return v.trim() || undefined;
}

function date(v: unknown, name: string): string | undefined {
  const t = text(v, name);
  if (t === undefined) return undefined;
  const d = new Date(t);
  if (Number.isNaN(d.getTime())) throw new HttpProblem(400, 'bad-request', `${name} must be an ISO 8601 date or date-time`, [{ name, reason: 'not a date' }]);
  return d.toISOString();
}

/** From query parameters or a JSON body; anything else is refused rather than ignored. */
export function parseDeliveryFilter(input: unknown, defaultStatus: DeliveryFilter['status'] = 'dead_letter'): DeliveryFilter {
  if (input === undefined || input === null) input = {};
  if (typeof input !== 'object' || Array.isArray(input)) throw new HttpProblem(400, 'bad-request', 'filter must be an object');
  const o = input as Record<string, unknown>;
  const known = new Set(['status', 'destination', 'messageType', 'party', 'since', 'until', 'error', 'ids', 'page', 'pageSize']);
  const unknown = Object.keys(o).filter((k) => !known.has(k));
  if (unknown.length > 0) throw new HttpProblem(400, 'bad-request', `Unknown filter field: ${unknown.slice(0, 5).join(', ')}`);
  const status = text(o.status, 'status') ?? defaultStatus;
  if (!STATUSES.has(status)) throw new HttpProblem(400, 'bad-request', 'status is dead_letter, held or retrying');
  let ids: string[] | undefined;
  if (o.ids !== undefined) {
    if (!Array.isArray(o.ids) || o.ids.length === 0 || o.ids.length > MAX_IDS || !o.ids.every((x): x is string => typeof x === 'string' && UUID_RE.test(x))) {
      throw new HttpProblem(400, 'bad-request', `ids must be 1 to ${MAX_IDS} delivery ids`);
    }
    ids = [...new Set(o.ids.map((x) => x.toLowerCase()))];
  }
  const f: DeliveryFilter = { status: status as DeliveryFilter['status'] };
  const destination = text(o.destination, 'destination');
  const messageType = text(o.messageType, 'messageType');
  const party = text(o.party, 'party');
  const since = date(o.since, 'since');
  const until = date(o.until, 'until');
  const error = text(o.error, 'error');
  if (destination) f.destination = destination;
  if (messageType) f.messageType = messageType;
  if (party) f.party = party;
  if (since) f.since = since;
  if (until) f.until = until;
  if (error) f.error = error;
  if (ids) f.ids = ids;
  return f;
}

/** SQL conditions on `deliveries d JOIN messages m`, with their parameters starting at $<first>. */
export function deliveryWhere(f: DeliveryFilter, partiesMatching: (t: string) => string[], first = 1): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const where: string[] = [];
  const p = (v: unknown) => `$${first - 1 + params.push(v)}`;
  // is_open / is_parked name the partial index (migration 194) that holds the rows asked for.
  if (f.status === 'retrying') where.push(`d.is_open AND d.status = 'pending' AND d.attempts > 0`);
  else where.push(`d.is_parked AND d.status = ${p(f.status)}`);
  if (f.destination) where.push(`d.destination_id = ${p(f.destination)}`);
  if (f.messageType) where.push(`m.message_type = ${p(f.messageType)}`);
  if (f.party) {
    const ids = partiesMatching(f.party);
    const list = p(ids.length > 0 ? ids : [f.party]);
    where.push(`(m.sender = ANY(${list}::text[]) OR m.receiver = ANY(${list}::text[]))`);
  }
  if (f.since) where.push(`d.updated_at >= ${p(f.since)}`);
  if (f.until) where.push(`d.updated_at < ${p(f.until)}`);
  if (f.error) where.push(`position(lower(${p(f.error)}) in lower(coalesce(d.last_error, ''))) > 0`);
  if (f.ids) where.push(`d.id = ANY(${p(f.ids)}::uuid[])`);
  return { sql: where.join(' AND '), params };
}
