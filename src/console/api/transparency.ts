import type { GatewayConfig } from '../../config/types.js';
import { partyPatterns } from '../../routing/regions.js';
import type { ExchangeLog } from '../../log/exchange-log.js';
import type { Db } from '../../store/db.js';

/** One exchange about a citizen, in the words of the route or bevraging that carried it. */
export interface CitizenExchange {
  when: string;
  from: string;
  to: string | null;
  messageType: string;
  dataCategories: string[];
  purpose: string | null;
  legalBasis: string | null;
}

export interface CitizenReport {
  bsn: string;
  generatedAt: string;
  exchanges: CitizenExchange[];
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

/**
 * The citizen report (AVG art. 15): every exchange indexed under this BSN's keyed hash, with who
 * sent what to whom, why and on which basis, read from the configuration of the route (named in
 * the `routed` event) or bevraging (named in the `answered` event). Only messages found through
 * this citizen's hash are read, so nothing about anyone else can appear.
 */
export async function citizenReport(deps: { db: Db; log: ExchangeLog; config: GatewayConfig }, bsn: string, now = new Date()): Promise<CitizenReport> {
  const { db, log, config } = deps;
  const partyName = new Map(config.parties.map((p) => [p.id, p.name]));
  const routes = new Map(config.routes.map((r) => [r.id, { purpose: r.purpose ?? null, legalBasis: r.legalBasis ?? null, dataCategories: r.dataCategories ?? [] }]));
  const bevragingen = new Map(
    (config.bevragingen ?? []).map((b) => [b.id, { purpose: b.omschrijving ?? b.doel, legalBasis: b.grondslag, dataCategories: b.dataCategories }]),
  );
  const ids = await log.messagesForSubject(bsn);
  const exchanges: CitizenExchange[] = [];
  for (const id of ids) {
    const m = await db.query<{ sender: string; receiver: string | null; message_type: string; received_at: Date | string }>(
      'SELECT sender, receiver, message_type, received_at FROM messages WHERE id = $1',
      [id],
    );
    const row = m.rows[0];
    if (!row) continue;
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
    const join = (values: Array<string | null>) => {
      const distinct = [...new Set(values.filter((v): v is string => !!v))];
      return distinct.length > 0 ? distinct.join('; ') : null;
    };
    exchanges.push({
      when: new Date(row.received_at).toISOString(),
      from: partyName.get(row.sender) ?? row.sender,
      to: row.receiver === null ? null : (partyName.get(row.receiver) ?? row.receiver),
      messageType: row.message_type,
      dataCategories: [...new Set(purposes.flatMap((p) => p.dataCategories))],
      purpose: join(purposes.map((p) => p.purpose)),
      legalBasis: join(purposes.map((p) => p.legalBasis)),
    });
  }
  return { bsn: maskBsn(bsn), generatedAt: now.toISOString(), exchanges };
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
