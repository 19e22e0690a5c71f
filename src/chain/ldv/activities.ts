/**
 * Processing activities (verwerkingsactiviteiten) for Logboek Dataverwerkingen: one per route and per
 * bevraging, generated from the processing register knooppunt already has. Each gets a version; when
 * its definition (purpose, legal basis, categories, recipients, retention) changes, a new version is
 * registered at start-up, and records name the version in force when they were written. Ids are
 * `route.<id>` and `bevraging.<id>`; the LDV attribute is the URI of the version.
 */
import { createHash } from 'node:crypto';
import type { GatewayConfig } from '../../config/types.js';
import { canonicalJson } from '../../log/canonical.js';
import { processingRegister, type RegisterRow } from '../../console/api/transparency.js';
import type { Db } from '../../store/db.js';

export interface ActivityVersion {
  activityId: string;
  version: number;
  definition: Record<string, unknown>;
  registeredAt: string;
}

export const REGISTER_PATH = '/ldv/v1/processing_activities';

export function activityIdOf(row: Pick<RegisterRow, 'kind' | 'id'>): string {
  return `${row.kind}.${row.id}`;
}

export class ProcessingActivities {
  private readonly current = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly baseUrl: string,
  ) {}

  /** Registers a new version of every activity whose definition changed; idempotent for several processes. */
  async sync(config: GatewayConfig, retentionDays: number): Promise<void> {
    // Steps of a message before any route is known (receiving and checking it) serve this one.
    const generic: RegisterRow = {
      id: 'berichtverkeer', kind: 'knooppunt' as RegisterRow['kind'], purpose: 'Ontvangen, controleren en doorgeven van berichten in het sociaal domein',
      legalBasis: null, dataCategories: [], recipients: [], retentionDays, standard: '*', messageTypes: [],
    };
    for (const row of [generic, ...processingRegister(config, retentionDays)]) {
      const activityId = activityIdOf(row);
      const definition = {
        name: row.id,
        kind: row.kind,
        purpose: row.purpose,
        legalBasis: row.legalBasis,
        dataCategories: row.dataCategories,
        recipients: row.recipients,
        retentionDays: row.retentionDays,
        standard: row.standard,
        messageTypes: row.messageTypes,
      };
      const digest = createHash('sha256').update(canonicalJson(definition)).digest('hex');
      const version = await this.db.transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock(727275)');
        const last = await tx.query<{ version: number; digest: string }>(
          'SELECT version, digest FROM ldv_processing_activities WHERE activity_id = $1 ORDER BY version DESC LIMIT 1',
          [activityId],
        );
        const l = last.rows[0];
        if (l && l.digest === digest) return Number(l.version);
        const next = l ? Number(l.version) + 1 : 1;
        await tx.query('INSERT INTO ldv_processing_activities (activity_id, version, digest, definition) VALUES ($1, $2, $3, $4::jsonb)', [
          activityId, next, digest, JSON.stringify(definition),
        ]);
        return next;
      });
      this.current.set(activityId, version);
    }
  }

  /** The version in force for an activity (after sync), or undefined for an unknown activity. */
  versionOf(activityId: string): number | undefined {
    return this.current.get(activityId);
  }

  uri(activityId: string, version: number): string {
    return `${this.baseUrl}${REGISTER_PATH}/${encodeURIComponent(activityId)}/versions/${version}`;
  }

  async get(activityId: string, version: number): Promise<ActivityVersion | undefined> {
    const r = await this.db.query<{ activity_id: string; version: number; definition: Record<string, unknown>; registered_at: Date | string }>(
      'SELECT activity_id, version, definition, registered_at FROM ldv_processing_activities WHERE activity_id = $1 AND version = $2',
      [activityId, version],
    );
    const row = r.rows[0];
    return row ? { activityId: row.activity_id, version: Number(row.version), definition: row.definition, registeredAt: new Date(row.registered_at).toISOString() } : undefined;
  }

  async versions(activityId: string): Promise<ActivityVersion[]> {
    const r = await this.db.query<{ activity_id: string; version: number; definition: Record<string, unknown>; registered_at: Date | string }>(
      'SELECT activity_id, version, definition, registered_at FROM ldv_processing_activities WHERE activity_id = $1 ORDER BY version',
      [activityId],
    );
    return r.rows.map((row) => ({ activityId: row.activity_id, version: Number(row.version), definition: row.definition, registeredAt: new Date(row.registered_at).toISOString() }));
  }

  async list(): Promise<Array<{ activityId: string; latestVersion: number }>> {
    const r = await this.db.query<{ activity_id: string; v: number }>('SELECT activity_id, max(version)::int AS v FROM ldv_processing_activities GROUP BY activity_id ORDER BY activity_id');
    return r.rows.map((x) => ({ activityId: x.activity_id, latestVersion: Number(x.v) }));
  }
}
