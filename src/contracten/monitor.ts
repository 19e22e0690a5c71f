/**
 * The ceiling monitor. Every accepted 323 (and every accepted declaration intake) adds its
 * prestaties to `contract_prestaties`, attributed to the contract that covers them, and adds the
 * amounts to the contract's standing per year and over its whole term; every accepted 325 marks
 * what the gemeente granted. All in the transaction that accepts the message, so a standing is
 * never ahead of or behind the log.
 *
 * When a standing crosses a threshold (75 %, 90 %, 100 % of the maximum by default) an alert row
 * is inserted under a unique key (contract, period, threshold): a threshold raises its alert
 * exactly once, however the declaraties are split or raced. The alert is a `contract_alert` event
 * in the hash-chained log; the webhook (alarm-webhook.ts) and the console banner read the rows.
 * Amounts are whole cents in bigint columns: exact.
 */
import { subjectHash } from '../log/crypto.js';
import type { ExchangeLog } from '../log/exchange-log.js';
import type { KeyRing } from '../log/keys.js';
import type { Queryable } from '../store/db.js';
import { DB_NOW_SQL } from '../store/clock.js';
import { insertRows } from '../core/rows.js';
import type { Contract, Wet } from './model.js';
import type { ContractIndex } from './register.js';
import { volgendeBeurt } from '../util/beurt.js';

export const STANDAARD_DREMPELS: readonly number[] = [75, 90, 100];

/** One prestatie in the monitor's own terms (from a 323 or an intake row). */
export interface MonitorPrestatie {
  bsn: string;
  referentie: string;
  categorie: string;
  code: string;
  begindatum: string;
  volume: number | null;
  eenheid: string | null;
  /** Signed cents. */
  bedrag: number;
}

export interface Declaratiebron {
  bron: '323' | 'intake';
  wet: Wet;
  aanbieder: string;
  gemeente: string;
  /** DeclaratieNummer (323) or the intake's own number: the 325 finds its prestaties by it. */
  declaratie: string;
  messageId: string;
}

export interface Alarm {
  contract: string;
  periode: string;
  drempel: number;
  bedrag: number;
  maximum: number;
}

/**
 * The one order in which a transaction updates contract_standen rows: by contract id, then period,
 * comparing code units (not localeCompare, which follows the locale, and not the ids and periods
 * joined, where 'c1' + '2026' sorts after 'c10' + '2026'). A declaratie (323) and an answer (325)
 * touching the same rows in two orders could deadlock; both take this one.
 */
export function standVolgorde(contractA: string, periodeA: string, contractB: string, periodeB: string): number {
  if (contractA !== contractB) return contractA < contractB ? -1 : 1;
  return periodeA < periodeB ? -1 : periodeA > periodeB ? 1 : 0;
}

/** A declaratie's monitor rows and standing changes, worked out under register version `versie`. */
export interface MonitorBerekening {
  versie: number;
  bron: Declaratiebron;
  rijen: unknown[][];
  /** In the one lock order of {@link standVolgorde}. */
  standen: Array<{ contract: Contract; periode: string; bedrag: number }>;
}

/** Prestaties between two turns of the event loop for a large declaratie. */
export const PAUZE_NA = 500;

export class CeilingMonitor {
  constructor(
    private readonly log: ExchangeLog,
    private readonly ring: KeyRing,
    private readonly drempels: readonly number[] = STANDAARD_DREMPELS,
  ) {}

  /** Records the prestaties and moves the standings; returns the alerts this raised (each exactly once). */
  async registreer(tx: Queryable, index: ContractIndex, bron: Declaratiebron, prestaties: readonly MonitorPrestatie[]): Promise<Alarm[]> {
    return this.schrijf(tx, await this.bereken(index, bron, prestaties));
  }

  /**
   * The rows and standing changes of a declaratie under one register version: CPU only (the
   * covering contract of each prestatie, one keyed hash per client), so a large declaratie can
   * have it worked out before its transaction begins. {@link schrijf} writes it.
   */
  async bereken(index: ContractIndex, bron: Declaratiebron, prestaties: readonly MonitorPrestatie[]): Promise<MonitorBerekening> {
    const delta = new Map<string, { contract: Contract; periode: string; bedrag: number }>();
    const rijen: unknown[][] = [];
    // A client has many prestaties in one declaratie: one keyed hash per client, not per prestatie.
    const hashes = new Map<string, string>();
    const hashVan = (bsn: string) => hashes.get(bsn) ?? (hashes.set(bsn, subjectHash(this.ring, bsn)), hashes.get(bsn)!);
    for (const p of prestaties) {
      // A big declaratie (10,000 prestaties: half a second of work here) gives the event loop back as it goes.
      if (rijen.length > 0 && rijen.length % PAUZE_NA === 0) await volgendeBeurt();
      const d = index.dekkingOp(bron.wet, bron.aanbieder, bron.gemeente, p.categorie, p.code, p.begindatum);
      const contract = d?.contract;
      rijen.push([
        bron.messageId, bron.bron, bron.wet, contract?.id ?? null, bron.aanbieder, bron.gemeente, bron.declaratie, p.referentie,
        p.categorie, p.code, p.begindatum.slice(0, 7), p.begindatum, p.volume, p.eenheid, p.bedrag, hashVan(p.bsn),
      ]);
      if (!contract) continue;
      for (const periode of [p.begindatum.slice(0, 4), 'totaal']) {
        const key = `${contract.id}\u0000${periode}`;
        const e = delta.get(key) ?? { contract, periode, bedrag: 0 };
        e.bedrag += p.bedrag;
        delta.set(key, e);
      }
    }
    const standen = [...delta.values()].sort((a, b) => standVolgorde(a.contract.id, a.periode, b.contract.id, b.periode));
    return { versie: index.versie, bron, rijen, standen };
  }

  /** Writes what {@link bereken} worked out, inside the accepting transaction; returns the alerts it raised. */
  async schrijf(tx: Queryable, b: MonitorBerekening): Promise<Alarm[]> {
    await voegPrestatiesToe(tx, b.rijen);
    const alarmen: Alarm[] = [];
    for (const { contract, periode, bedrag } of b.standen) {
      const r = await tx.query<{ gedeclareerd: string | number }>(
        `INSERT INTO contract_standen (contract_id, periode, gedeclareerd, toegekend) VALUES ($1, $2, $3, 0)
         ON CONFLICT (contract_id, periode) DO UPDATE SET gedeclareerd = contract_standen.gedeclareerd + EXCLUDED.gedeclareerd
         RETURNING gedeclareerd`,
        [contract.id, periode, bedrag],
      );
      const nieuw = Number(r.rows[0]!.gedeclareerd);
      const oud = nieuw - bedrag;
      const maximum = periode === 'totaal' ? contract.maximum.totaal : contract.maximum.perJaar[periode];
      if (maximum === undefined || maximum <= 0) continue;
      for (const drempel of this.drempels) {
        // Integer comparison: amount * 100 >= drempel * maximum, no rounding anywhere.
        if (oud * 100 < drempel * maximum && nieuw * 100 >= drempel * maximum) {
          const alarm = { contract: contract.id, periode, drempel, bedrag: nieuw, maximum };
          if (await this.alarmeer(tx, alarm, contract, b.bron)) alarmen.push(alarm);
        }
      }
    }
    return alarmen;
  }

  /** An accepted 325: what the gemeente granted per prestatie of the declaratie (rejected ones 0). */
  async registreerAntwoord(tx: Queryable, bron: Omit<Declaratiebron, 'bron'>, beoordeeld: boolean, afgewezen: ReadonlySet<string>): Promise<void> {
    const r = await tx.query<{ contract_id: string | null; begindatum: string; toegekend: string | number }>(
      `UPDATE contract_prestaties SET toegekend = CASE WHEN $5::boolean AND NOT (referentie = ANY($6::text[])) THEN bedrag ELSE 0 END
        WHERE wet = $1 AND aanbieder = $2 AND gemeente = $3 AND declaratie = $4 AND toegekend IS NULL
        RETURNING contract_id, begindatum, toegekend`,
      [bron.wet, bron.aanbieder, bron.gemeente, bron.declaratie, beoordeeld, [...afgewezen]],
    );
    const delta = new Map<string, number>();
    for (const row of r.rows) {
      if (!row.contract_id) continue;
      for (const periode of [row.begindatum.slice(0, 4), 'totaal']) {
        const key = `${row.contract_id}\u0000${periode}`;
        delta.set(key, (delta.get(key) ?? 0) + Number(row.toegekend));
      }
    }
    const standen = [...delta.entries()].map(([key, bedrag]) => {
      const [contract, periode] = key.split('\u0000') as [string, string];
      return { contract, periode, bedrag };
    });
    for (const { contract, periode, bedrag } of standen.sort((a, b) => standVolgorde(a.contract, a.periode, b.contract, b.periode))) {
      await tx.query(
        `INSERT INTO contract_standen (contract_id, periode, gedeclareerd, toegekend) VALUES ($1, $2, 0, $3)
         ON CONFLICT (contract_id, periode) DO UPDATE SET toegekend = contract_standen.toegekend + EXCLUDED.toegekend`,
        [contract, periode, bedrag],
      );
    }
  }

  private async alarmeer(tx: Queryable, a: Alarm, contract: Contract, bron: Declaratiebron): Promise<boolean> {
    const detail = { soort: 'plafond', contract: a.contract, hoofdaannemer: contract.hoofdaannemer, perceel: contract.perceel, periode: a.periode, drempel: a.drempel, bedrag: a.bedrag, maximum: a.maximum };
    const r = await tx.query(
      `INSERT INTO contract_alarmen (soort, sleutel, contract_id, periode, drempel, bedrag, maximum, detail, message_id, ontstaan_op)
       VALUES ('plafond', $1, $2, $3, $4, $5, $6, $7::jsonb, $8, now()) ON CONFLICT (sleutel) DO NOTHING RETURNING id`,
      [`plafond/${a.contract}/${a.periode}/${a.drempel}`, a.contract, a.periode, a.drempel, a.bedrag, a.maximum, JSON.stringify(detail), bron.messageId],
    );
    if (r.rowCount === 0) return false;
    await this.log.append(tx, { messageId: bron.messageId, eventType: 'contract_alert', channel: 'contracten', sender: bron.aanbieder, receiver: bron.gemeente, detail });
    return true;
  }
}

const KOLOMMEN = ['message_id', 'bron', 'wet', 'contract_id', 'aanbieder', 'gemeente', 'declaratie', 'referentie', 'categorie', 'code', 'maand', 'begindatum', 'volume', 'eenheid', 'bedrag', 'client_hash'] as const;

async function voegPrestatiesToe(tx: Queryable, rijen: unknown[][]): Promise<void> {
  // ontvangen_op from the database's clock, like every stored time (src/store/clock.ts); statements
  // of the size the driver wants (short ones on PGlite, which runs them on the event loop).
  await insertRows(tx, 'contract_prestaties', KOLOMMEN, rijen, { constants: { ontvangen_op: DB_NOW_SQL } });
}
