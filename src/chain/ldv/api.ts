/**
 * The two LDV interfaces knooppunt serves:
 * - the register: `GET /ldv/v1/processing_activities/{id}/versions/{n}` (and the list of versions), the
 *   definition each record's `dpl.core.processing_activity_id` points to. No personal data: open;
 * - "lezen": `POST …/data-processing-operations` with a JSON body naming a trace id, a processing
 *   activity or a data subject (the keyed hash, or a BSN that is turned into its keyed hashes here and
 *   never stored or logged); without any of them 400. The subject goes in the body, not the URL, so it
 *   stays out of access logs. Mounted in the console API (privacy role) and audited there.
 */
import express, { type Request, type Response } from 'express';
import { HttpProblem } from '../../channels/rest/problem.js';
import { subjectHashCandidates } from '../../log/crypto.js';
import type { KeyRing } from '../../log/keys.js';
import type { Db } from '../../store/db.js';
import type { ProcessingActivities } from './activities.js';

const TRACE_ID = /^[0-9a-f]{32}$/;
const MAX_RESULTS = 1000;

export function registerRouter(activities: ProcessingActivities): express.Router {
  const r = express.Router();
  r.get('/processing_activities', async (_req, res) => {
    res.json({ items: (await activities.list()).map((a) => ({ ...a, href: activities.uri(a.activityId, a.latestVersion) })) });
  });
  r.get('/processing_activities/:id/versions', async (req, res) => {
    const versions = await activities.versions(String(req.params.id));
    if (versions.length === 0) throw new HttpProblem(404, 'not-found', 'No such processing activity');
    res.json({ items: versions.map((v) => ({ ...v, href: activities.uri(v.activityId, v.version) })) });
  });
  r.get('/processing_activities/:id/versions/:n', async (req, res) => {
    const n = Number(req.params.n);
    if (!Number.isSafeInteger(n) || n < 1) throw new HttpProblem(400, 'bad-request', 'version is a positive integer');
    const v = await activities.get(String(req.params.id), n);
    if (!v) throw new HttpProblem(404, 'not-found', 'No such processing activity or version');
    res.json({ id: v.activityId, version: v.version, registeredAt: v.registeredAt, ...v.definition, href: activities.uri(v.activityId, v.version) });
  });
  return r;
}

export interface LezenQuery {
  traceId?: string;
  processingActivityId?: string;
  dataSubjectId?: string;
  bsn?: string;
}

export interface LdvOperation {
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  name: string;
  start_time: string;
  end_time: string;
  status_code: string;
  attributes: Record<string, string>;
}

/** The records matching every given criterion; throws 400 when there is none. */
export async function lezen(db: Db, ring: KeyRing, activities: ProcessingActivities, q: LezenQuery): Promise<LdvOperation[]> {
  void activities;
  const { where, params } = criteria(ring, q);
  const rows = await page(db, where, params, 0, MAX_RESULTS + 1);
  if (rows.length > MAX_RESULTS) throw new HttpProblem(400, 'too-many-results', `More than ${MAX_RESULTS} records match: narrow the query`);
  return rows.map(({ id: _id, ...op }) => op);
}

/**
 * Every record matching the query, page by page (for the citizen report, which must not stop at the
 * lezen API's page limit), up to `max` records; `truncated` when there were more.
 */
export async function lezenAll(db: Db, ring: KeyRing, q: LezenQuery, max = 100_000): Promise<{ records: LdvOperation[]; truncated: boolean }> {
  const { where, params } = criteria(ring, q);
  const records: LdvOperation[] = [];
  let after = 0;
  for (;;) {
    const rows = await page(db, where, params, after, MAX_RESULTS);
    for (const { id: _id, ...op } of rows) {
      if (records.length >= max) return { records, truncated: true };
      records.push(op);
    }
    if (rows.length < MAX_RESULTS) return { records, truncated: false };
    after = rows[rows.length - 1]!.id;
  }
}

async function page(db: Db, where: string[], params: unknown[], afterId: number, limit: number): Promise<Array<LdvOperation & { id: number }>> {
  const r = await db.query<{ id: number; trace_id: string; span_id: string; parent_span_id: string | null; name: string; start_time: Date | string; end_time: Date | string; status_code: string; attributes: Record<string, string> }>(
    `SELECT id, trace_id, span_id, parent_span_id, name, start_time, end_time, status_code, attributes FROM ldv_records
      WHERE ${where.join(' AND ')} AND id > $${params.length + 1} ORDER BY id LIMIT ${limit}`,
    [...params, afterId],
  );
  return r.rows.map((x) => ({ ...x, id: Number(x.id), start_time: new Date(x.start_time).toISOString(), end_time: new Date(x.end_time).toISOString() }));
}

function criteria(ring: KeyRing, q: LezenQuery): { where: string[]; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, v: unknown) => {
    params.push(v);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (q.traceId !== undefined) {
    if (typeof q.traceId !== 'string' || !TRACE_ID.test(q.traceId)) throw new HttpProblem(400, 'bad-request', 'traceId is 32 lower-case hex characters');
    add('trace_id = ?', q.traceId);
  }
  if (q.processingActivityId !== undefined) {
    if (typeof q.processingActivityId !== 'string' || q.processingActivityId.length > 500) throw new HttpProblem(400, 'bad-request', 'processingActivityId is a string');
    // Either the activity id (all versions) or the URI of one version.
    const m = /processing_activities\/([^/]+)\/versions\/(\d+)$/.exec(q.processingActivityId);
    if (m) {
      add('activity_id = ?', decodeURIComponent(m[1]!));
      add('activity_version = ?', Number(m[2]));
    } else add('activity_id = ?', q.processingActivityId);
  }
  if (q.dataSubjectId !== undefined) {
    if (typeof q.dataSubjectId !== 'string' || q.dataSubjectId.length > 200) throw new HttpProblem(400, 'bad-request', 'dataSubjectId is the keyed hash');
    add('subject_hash = ?', q.dataSubjectId);
  }
  if (q.bsn !== undefined) {
    let candidates: string[];
    try {
      candidates = subjectHashCandidates(ring, String(q.bsn));
    } catch {
      throw new HttpProblem(400, 'bad-request', 'bsn must be 8 or 9 digits');
    }
    add('subject_hash = ANY(?::text[])', candidates);
  }
  if (where.length === 0) throw new HttpProblem(400, 'filter-required', 'Name a traceId, a processingActivityId or a data subject (dataSubjectId or bsn)');
  return { where, params };
}

/** POST /data-processing-operations inside the console API; `audit` records who asked (outside LDV). */
export function lezenRouter(deps: {
  db: Db;
  ring: KeyRing;
  activities: ProcessingActivities;
  guard: { requirePermission(p: 'citizenReport'): express.RequestHandler };
  audit: (req: Request, res: Response, detail: Record<string, unknown>) => Promise<void>;
}): express.Router {
  const r = express.Router();
  r.post('/ldv/data-processing-operations', deps.guard.requirePermission('citizenReport'), async (req, res) => {
    const body = (req.body ?? {}) as LezenQuery;
    if (typeof body !== 'object' || Array.isArray(body)) throw new HttpProblem(400, 'bad-request', 'Send a JSON object');
    const items = await lezen(deps.db, deps.ring, deps.activities, body);
    await deps.audit(req, res, { criteria: Object.keys(body).filter((k) => ['traceId', 'processingActivityId', 'dataSubjectId', 'bsn'].includes(k)), records: items.length });
    res.json({ items });
  });
  return r;
}
