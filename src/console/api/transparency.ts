import type { GatewayConfig } from '../../config/types.js';
import { partyPatterns } from '../../routing/regions.js';
import type { ExchangeLog } from '../../log/exchange-log.js';
import type { Db } from '../../store/db.js';
import type { KeyRing } from '../../log/keys.js';
import { lezenAll } from '../../chain/ldv/api.js';
import type { ProcessingActivities } from '../../chain/ldv/activities.js';

/** One exchange about a citizen, in the words of the route or bevraging that carried it. */
/** One exchange about a citizen, in the words of the route or bevraging that carried it. */
export interface CitizenExchange {
  when: string;
  from: string;
  to: string | null;
  messageType: string;
  dataCategories: string[];
  purpose: string | null;
  legalBasis: string | null;
  /**
   * Present when a stored payload of this exchange uses a key this gateway does not have: the
   * exchange is still listed (who, when, why are not encrypted), with a note that its content
   * cannot be decrypted, so a subject access request is never silently incomplete.
   */
  unreadable?: { reason: 'cannot-decrypt'; keyIds: string[] };
}

export interface CitizenReport {
  bsn: string;
  generatedAt: string;
  exchanges: CitizenExchange[];
  /** How many Logboek Dataverwerkingen records the exchanges were read from (the lezen API's answer for this subject). */
  ldvRecords: number;
  /** Key ids the store has used that this gateway lacks: exchanges indexed under those keys cannot be found. */
  missingKeys?: string[];
}

/** ******653: enough for the citizen to recognise their number on paper, not enough to be one. */
export function maskBsn(bsn: string): string {
  const digits = bsn.replace(/\D/g, '').padStart(9, '0');
  return `******${digits.slice(-3)}`;
}

interface Purpose {
  purpose: string | null;
  legalBasis: string | null;
  dataCategories: string[];
}

export interface CitizenReportDeps {
  db: Db;
  log: ExchangeLog;
  config: GatewayConfig;
  ring: KeyRing;
  /** The LDV register: the version of each processing activity a record names. */
  activities?: Pick<ProcessingActivities, 'get'>;
}

const ACTIVITY_URI = /processing_activities\/([^/]+)\/versions\/(\d+)$/;

/**
 * The citizen report (AVG art. 15), built on the Logboek Dataverwerkingen lezen API: the records
 * for this citizen's keyed hash (as POST /console/api/ldv/data-processing-operations answers them),
 * one exchange per message, with the purpose, legal basis and categories of the processing-activity
 * version each record names. Who sent it to whom comes from the message. A message indexed under
 * the citizen but without LDV records (stored before LDV) is listed from the exchange log, never
 * dropped. Only data found through this citizen's hash is read.
 */
export async function citizenReport(deps: CitizenReportDeps, bsn: string, now = new Date()): Promise<CitizenReport> {
  const { db, log, config, ring } = deps;
  const partyName = new Map(config.parties.map((p) => [p.id, p.name]));
  const { records } = await lezenAll(db, ring, { bsn });

  // Per message: the processing activities its steps served (by version, as recorded).
  const activitiesByMessage = new Map<string, Set<string>>();
  for (const r of records) {
    const id = r.attributes['knooppunt.message_id'];
    if (!id) continue;
    const set = activitiesByMessage.get(id) ?? new Set<string>();
    const uri = r.attributes['dpl.core.processing_activity_id'];
    if (uri) set.add(uri);
    activitiesByMessage.set(id, set);
  }
  const definitions = new Map<string, (Purpose & { generic: boolean }) | undefined>();
  const definitionOf = async (uri: string) => {
    if (!definitions.has(uri)) {
      const m = ACTIVITY_URI.exec(uri);
      const v = m && deps.activities ? await deps.activities.get(decodeURIComponent(m[1]!), Number(m[2])) : undefined;
      const d = v?.definition as { purpose?: string | null; legalBasis?: string | null; dataCategories?: string[]; kind?: string } | undefined;
      definitions.set(uri, d ? { purpose: d.purpose ?? null, legalBasis: d.legalBasis ?? null, dataCategories: d.dataCategories ?? [], generic: d.kind === 'knooppunt' } : undefined);
    }
    return definitions.get(uri);
  };

  // Messages about this citizen without LDV records (before LDV): from the exchange log, as before.
  const legacy = (await log.messagesForSubject(bsn)).filter((id) => !activitiesByMessage.has(id));
  const ids = [...activitiesByMessage.keys(), ...legacy];
  const rows = new Map(
    (
      await db.query<{ id: string; sender: string; receiver: string | null; message_type: string; received_at: Date | string }>(
        'SELECT id, sender, receiver, message_type, received_at FROM messages WHERE id = ANY($1::uuid[])',
        [ids],
      )
    ).rows.map((r) => [r.id, r]),
  );
  const unreadable = await unreadableKeys(db, ring, ids);

  const exchanges: Array<CitizenExchange & { order: [number, string] }> = [];
  for (const id of ids) {
    const row = rows.get(id);
    if (!row) continue;
    let purposes: Purpose[] = [];
    const uris = activitiesByMessage.get(id);
    if (uris) {
      const defs = (await Promise.all([...uris].map(definitionOf))).filter((d): d is Purpose & { generic: boolean } => d !== undefined);
      // The generic "receiving and checking" activity only counts when no route or bevraging was reached.
      const specific = defs.filter((d) => !d.generic);
      purposes = specific.length > 0 ? specific : defs;
    } else {
      purposes = await purposesFromLog(log, config, id);
    }
    const join = (values: Array<string | null>) => {
      const distinct = [...new Set(values.filter((v): v is string => !!v))];
      return distinct.length > 0 ? distinct.join('; ') : null;
    };
    const keys = unreadable.get(id);
    const receivedAt = new Date(row.received_at);
    exchanges.push({
      order: [receivedAt.getTime(), id],
      when: receivedAt.toISOString(),
      from: partyName.get(row.sender) ?? row.sender,
      to: row.receiver === null ? null : (partyName.get(row.receiver) ?? row.receiver),
      messageType: row.message_type,
      dataCategories: [...new Set(purposes.flatMap((p) => p.dataCategories))],
      purpose: join(purposes.map((p) => p.purpose)),
      legalBasis: join(purposes.map((p) => p.legalBasis)),
      ...(keys ? { unreadable: { reason: 'cannot-decrypt' as const, keyIds: keys } } : {}),
    });
  }
  exchanges.sort((a, b) => a.order[0] - b.order[0] || (a.order[1] < b.order[1] ? -1 : a.order[1] > b.order[1] ? 1 : 0));
  const missingKeys = await missingKeyIds(db, ring);
  return {
    bsn: maskBsn(bsn),
    generatedAt: now.toISOString(),
    exchanges: exchanges.map(({ order: _order, ...e }) => e),
    ldvRecords: records.length,
    ...(missingKeys.length > 0 ? { missingKeys } : {}),
  };
}

/** Per message, the key ids of its payloads that this gateway cannot decrypt with. */
async function unreadableKeys(db: Db, ring: KeyRing, ids: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (ids.length === 0) return out;
  const r = await db.query<{ message_id: string; key_id: string }>(
    'SELECT DISTINCT message_id, key_id FROM payloads WHERE message_id = ANY($1::uuid[]) AND purged_at IS NULL',
    [ids],
  );
  for (const row of r.rows) {
    if (ring.byId.has(row.key_id)) continue;
    out.set(row.message_id, [...(out.get(row.message_id) ?? []), row.key_id].sort());
  }
  return out;
}

async function missingKeyIds(db: Db, ring: KeyRing): Promise<string[]> {
  const r = await db.query<{ key_id: string }>('SELECT key_id FROM log_keys ORDER BY key_id');
  return r.rows.map((x) => x.key_id).filter((k) => !ring.byId.has(k));
}

/** The purposes of a message stored before LDV: the routes of its `routed` event, the bevraging of its `answered` one. */
async function purposesFromLog(log: ExchangeLog, config: GatewayConfig, id: string): Promise<Purpose[]> {
  const routes = new Map(config.routes.map((r) => [r.id, { purpose: r.purpose ?? null, legalBasis: r.legalBasis ?? null, dataCategories: r.dataCategories ?? [] }]));
  const bevragingen = new Map(
    (config.bevragingen ?? []).map((b) => [b.id, { purpose: b.omschrijving ?? b.doel, legalBasis: b.grondslag, dataCategories: b.dataCategories }]),
  );
  const purposes: Purpose[] = [];
  for (const e of await log.eventsForMessage(id)) {
    // `accepted` since migration 150; `routed` in the events of messages accepted before it.
    if ((e.eventType === 'accepted' || e.eventType === 'routed') && Array.isArray(e.detail.routes)) {
      for (const r of e.detail.routes as Array<{ route?: unknown }>) {
        const p = typeof r.route === 'string' ? routes.get(r.route) : undefined;
        if (p) purposes.push(p);
      }
    }
    if (e.eventType === 'answered' && typeof e.detail.bevraging === 'string') {
      const p = bevragingen.get(e.detail.bevraging);
      if (p) purposes.push(p);
    }
  }
  return purposes;
}

export interface RegisterRow {
  id: string;
  kind: 'route' | 'bevraging';
  purpose: string | null;
  legalBasis: string | null;
  dataCategories: string[];
  recipients: string[];
  retentionDays: number;
  standard: string;
  messageTypes: string[];
}

/** The processing register (AVG art. 30), generated from the configuration: one row per route and per bevraging. */
export function processingRegister(config: GatewayConfig, defaultRetentionDays: number): RegisterRow[] {
  const destinations = new Map((config.destinations ?? []).map((d) => [d.id, d]));
  const recipientsOf = (route: GatewayConfig['routes'][number]): string[] => {
    const out = new Set<string>();
    for (const d of route.destinations) {
      // A region stands for its gemeenten's parties: the register names who really receives.
      if (d === '$receiver') for (const r of partyPatterns(route.match.receiver, config) ?? ['*']) out.add(r);
      else if (d.startsWith('mailbox-') && !destinations.has(d)) out.add(d.slice('mailbox-'.length));
      else out.add(destinations.get(d)?.party ?? d);
    }
    return [...out];
  };
  return [
    ...config.routes.map((r) => ({
      id: r.id,
      kind: 'route' as const,
      purpose: r.purpose ?? null,
      legalBasis: r.legalBasis ?? null,
      dataCategories: r.dataCategories ?? [],
      recipients: recipientsOf(r),
      retentionDays: r.retentionDays ?? defaultRetentionDays,
      standard: r.match.standard,
      messageTypes: [r.match.messageType].flat(),
    })),
    ...(config.bevragingen ?? []).map((b) => ({
      id: b.id,
      kind: 'bevraging' as const,
      purpose: b.omschrijving ? `${b.doel}: ${b.omschrijving}` : b.doel,
      legalBasis: b.grondslag,
      dataCategories: b.dataCategories,
      // Who receives the data of a bevraging: the parties that may ask for this purpose.
      recipients: b.partijen,
      retentionDays: b.retentionDays ?? defaultRetentionDays,
      standard: 'bevraging',
      messageTypes: [b.dienst],
    })),
  ];
}

/** RFC 4180 CSV; a cell that a spreadsheet would run as a formula is prefixed with ' (CSV injection). */
export function registerCsv(rows: RegisterRow[]): string {
  const cell = (v: string | number | null): string => {
    let s = v === null ? '' : String(v);
    if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
    return /[",\r\n;]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  const header = ['id', 'kind', 'purpose', 'legalBasis', 'dataCategories', 'recipients', 'retentionDays', 'standard', 'messageTypes'];
  const lines = rows.map((r) =>
    [r.id, r.kind, r.purpose, r.legalBasis, r.dataCategories.join('|'), r.recipients.join('|'), r.retentionDays, r.standard, r.messageTypes.join('|')].map(cell).join(','),
  );
  return [header.join(','), ...lines].join('\r\n') + '\r\n';
}
