/**
 * The register's versions in the database. Every load or change is a new, complete version
 * (register content is small: a region's contracts are a few megabytes at most), written in one
 * transaction with a `contract_changed` event in the hash-chained log. The current version is
 * cached per process and re-read when another process has written a newer one.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../log/canonical.js';
import type { ExchangeLog } from '../log/exchange-log.js';
import type { Db, Queryable } from '../store/db.js';
import { DB_NOW_SQL } from '../store/clock.js';
import type { RegisterInhoud, RegisterVersie } from './model.js';
import { ContractIndex } from './register.js';

export type VersieMeta = Omit<RegisterVersie, 'inhoud'> & { contracten: number };

interface VersieRij {
  versie: number | string;
  geldig_vanaf: Date | string;
  door: string;
  bron: RegisterVersie['bron'];
  digest: string;
  inhoud?: RegisterInhoud | string;
}

const LEEG = new ContractIndex({ contracten: [], wasWordt: [] }, 0);

function inhoudVan(v: RegisterInhoud | string | undefined): RegisterInhoud {
  return typeof v === 'string' ? (JSON.parse(v) as RegisterInhoud) : (v ?? { contracten: [], wasWordt: [] });
}

export function registerDigest(inhoud: RegisterInhoud): string {
  return createHash('sha256').update(canonicalJson(inhoud)).digest('hex');
}

export class ContractVersies {
  private cache: ContractIndex = LEEG;

  constructor(
    private readonly db: Db,
    private readonly log: ExchangeLog,
  ) {}

  /** The register in force now (asks the database for the newest version number: one cheap query). */
  async actueel(q: Queryable = this.db): Promise<ContractIndex> {
    const r = await q.query<{ versie: number | string | null }>('SELECT max(versie) AS versie FROM contract_register_versies');
    const versie = Number(r.rows[0]?.versie ?? 0);
    if (versie === 0) return LEEG;
    if (versie !== this.cache.versie) this.cache = await this.laad(versie, q);
    return this.cache;
  }

  /** The register as it was in force at a moment (the newest version made at or before it). */
  async op(tijdstip: Date): Promise<ContractIndex> {
    const r = await this.db.query<{ versie: number | string | null }>('SELECT max(versie) AS versie FROM contract_register_versies WHERE geldig_vanaf <= $1', [tijdstip]);
    const versie = Number(r.rows[0]?.versie ?? 0);
    return versie === 0 ? LEEG : this.laad(versie);
  }

  async versie(versie: number): Promise<ContractIndex | undefined> {
    const r = await this.db.query('SELECT 1 FROM contract_register_versies WHERE versie = $1', [versie]);
    return r.rowCount === 0 ? undefined : this.laad(versie);
  }

  async lijst(limit = 100): Promise<VersieMeta[]> {
    const r = await this.db.query<VersieRij & { contracten: number | string }>(
      `SELECT versie, geldig_vanaf, door, bron, digest, jsonb_array_length(inhoud->'contracten') AS contracten
         FROM contract_register_versies ORDER BY versie DESC LIMIT $1`,
      [Math.min(Math.max(limit, 1), 1000)],
    );
    return r.rows.map((x) => ({ versie: Number(x.versie), geldigVanaf: new Date(x.geldig_vanaf).toISOString(), door: x.door, bron: x.bron, digest: x.digest, contracten: Number(x.contracten) }));
  }

  /**
   * Makes `inhoud` (already checked as a whole) the new current version. `wijziging` names what
   * changed for the log: 'register-geladen', 'contract-gewijzigd', 'status-gewijzigd', ...
   */
  async nieuweVersie(inhoud: RegisterInhoud, door: string, bron: RegisterVersie['bron'], wijziging: string, extra: Record<string, unknown> = {}): Promise<VersieMeta> {
    const digest = registerDigest(inhoud);
    return this.db.transaction(async (tx) => {
      // Versions are numbered without gaps, also with several gateway processes writing.
      await tx.query('SELECT pg_advisory_xact_lock(727170)');
      const r = await tx.query<{ versie: number | string | null }>('SELECT max(versie) AS versie FROM contract_register_versies');
      const versie = Number(r.rows[0]?.versie ?? 0) + 1;
      // geldig_vanaf from the database's clock, like every stored time (src/store/clock.ts).
      const ins = await tx.query<{ geldig_vanaf: Date | string }>(
        `INSERT INTO contract_register_versies (versie, geldig_vanaf, door, bron, digest, inhoud) VALUES ($1, ${DB_NOW_SQL}, $2, $3, $4, $5::jsonb) RETURNING geldig_vanaf`,
        [versie, door, bron, digest, JSON.stringify(inhoud)],
      );
      const geldigVanaf = new Date(ins.rows[0]!.geldig_vanaf);
      await this.log.append(tx, {
        messageId: null,
        eventType: 'contract_changed',
        channel: 'contracten',
        sender: door,
        detail: { wijziging, versie, digest, bron, contracten: inhoud.contracten.length, wasWordt: inhoud.wasWordt.length, ...extra },
      });
      return { versie, geldigVanaf: geldigVanaf.toISOString(), door, bron, digest, contracten: inhoud.contracten.length };
    });
  }

  private async laad(versie: number, q: Queryable = this.db): Promise<ContractIndex> {
    const r = await q.query<VersieRij>('SELECT versie, inhoud FROM contract_register_versies WHERE versie = $1', [versie]);
    return new ContractIndex(inhoudVan(r.rows[0]?.inhoud), versie);
  }
}
