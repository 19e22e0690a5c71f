/**
 * Insight without BSNs: aggregates over the monitor's prestaties and the conversation ledger.
 * Nothing here can return a BSN or a name: the tables hold neither (clients are keyed hashes,
 * parties are codes). Clients are only ever counted (count distinct of the keyed hash); the
 * per-client records (by hash) are for a gemeente about its own clients only.
 *
 * Scope: a list of gemeenten — one gemeente, a configured grouping (the region, a coalition of 13),
 * or everything.
 */
import type { Db } from '../store/db.js';
import type { Groepering } from './config.js';
import { centenNaarEuro, csvRegel } from './csv.js';
import { dagenTussen, type Gesprekken } from './gesprekken.js';
import type { ContractIndex } from './register.js';

export interface Filter {
  /** undefined: every gemeente. */
  gemeenten?: readonly string[];
  /** YYYY-MM, inclusive. */
  vanMaand?: string;
  totMaand?: string;
}

export interface Besteding {
  aanbieder: string;
  contract: string | null;
  wet: string;
  categorie: string;
  code: string;
  gemeente: string;
  maand: string;
  prestaties: number;
  volume: number;
  /** Cents. */
  gedeclareerd: number;
  toegekend: number;
  /** Distinct clients by keyed hash. */
  clienten: number;
}

const where = (f: Filter, params: unknown[]) => {
  const delen: string[] = [];
  if (f.gemeenten) {
    params.push([...f.gemeenten]);
    delen.push(`gemeente = ANY($${params.length}::text[])`);
  }
  if (f.vanMaand) {
    params.push(f.vanMaand);
    delen.push(`maand >= $${params.length}`);
  }
  if (f.totMaand) {
    params.push(f.totMaand);
    delen.push(`maand <= $${params.length}`);
  }
  return delen.length ? `WHERE ${delen.join(' AND ')}` : '';
};

export class Inzicht {
  constructor(
    private readonly db: Db,
    private readonly gesprekken: Gesprekken,
    private readonly groeperingen: readonly Groepering[],
    private readonly normStartDagen = 42,
  ) {}

  /** The gemeenten of a scope: a 4-digit code, a grouping id, or 'alles' / undefined for everything. */
  scope(scope: string | undefined): readonly string[] | undefined | null {
    if (scope === undefined || scope === '' || scope === 'alles') return undefined;
    if (/^\d{4}$/.test(scope)) return [scope];
    return this.groeperingen.find((g) => g.id === scope)?.gemeenten ?? null;
  }

  groeperingenLijst(): readonly Groepering[] {
    return this.groeperingen;
  }

  /** Volumes and spend per provider, product, gemeente and month. */
  async bestedingen(f: Filter, limit = 10_000): Promise<Besteding[]> {
    const params: unknown[] = [];
    const w = where(f, params);
    params.push(limit);
    const r = await this.db.query<Record<string, string | number | null>>(
      `SELECT aanbieder, contract_id, wet, categorie, code, gemeente, maand, count(*) AS prestaties, coalesce(sum(volume), 0) AS volume,
              sum(bedrag) AS gedeclareerd, coalesce(sum(toegekend), 0) AS toegekend, count(DISTINCT client_hash) AS clienten
         FROM contract_prestaties ${w}
        GROUP BY aanbieder, contract_id, wet, categorie, code, gemeente, maand
        ORDER BY maand, gemeente, aanbieder, categorie, code LIMIT $${params.length}`,
      params,
    );
    return r.rows.map((x) => ({
      aanbieder: String(x.aanbieder), contract: x.contract_id === null ? null : String(x.contract_id), wet: String(x.wet), categorie: String(x.categorie), code: String(x.code),
      gemeente: String(x.gemeente), maand: String(x.maand), prestaties: Number(x.prestaties), volume: Number(x.volume), gedeclareerd: Number(x.gedeclareerd), toegekend: Number(x.toegekend), clienten: Number(x.clienten),
    }));
  }

  /** Totals per month (for the chart) and over the whole scope, clients counted once. */
  async totalen(f: Filter): Promise<{ perMaand: Array<{ maand: string; gedeclareerd: number; toegekend: number; clienten: number }>; gedeclareerd: number; toegekend: number; clienten: number }> {
    const params: unknown[] = [];
    const w = where(f, params);
    const r = await this.db.query<{ maand: string; gedeclareerd: string; toegekend: string; clienten: string }>(
      `SELECT maand, sum(bedrag) AS gedeclareerd, coalesce(sum(toegekend), 0) AS toegekend, count(DISTINCT client_hash) AS clienten FROM contract_prestaties ${w} GROUP BY maand ORDER BY maand`,
      params,
    );
    const t = await this.db.query<{ gedeclareerd: string | null; toegekend: string | null; clienten: string }>(
      `SELECT sum(bedrag) AS gedeclareerd, coalesce(sum(toegekend), 0) AS toegekend, count(DISTINCT client_hash) AS clienten FROM contract_prestaties ${w}`,
      params,
    );
    return {
      perMaand: r.rows.map((x) => ({ maand: x.maand, gedeclareerd: Number(x.gedeclareerd), toegekend: Number(x.toegekend), clienten: Number(x.clienten) })),
      gedeclareerd: Number(t.rows[0]?.gedeclareerd ?? 0), toegekend: Number(t.rows[0]?.toegekend ?? 0), clienten: Number(t.rows[0]?.clienten ?? 0),
    };
  }

  /** Each contract's standing against its maximum (per year and in total). */
  async standen(index: ContractIndex, gemeenten?: readonly string[]) {
    const r = await this.db.query<{ contract_id: string; periode: string; gedeclareerd: string; toegekend: string }>('SELECT contract_id, periode, gedeclareerd, toegekend FROM contract_standen ORDER BY contract_id, periode');
    return index.inhoud.contracten
      .filter((c) => !gemeenten || c.gemeenten.some((g) => gemeenten.includes(g)))
      .map((c) => ({
        contract: c.id, perceel: c.perceel, wet: c.wet, hoofdaannemer: c.hoofdaannemer, gemeenten: c.gemeenten.length,
        perioden: [...Object.keys(c.maximum.perJaar), ...(c.maximum.totaal !== undefined ? ['totaal'] : [])].map((periode) => {
          const s = r.rows.find((x) => x.contract_id === c.id && x.periode === periode);
          const maximum = periode === 'totaal' ? c.maximum.totaal! : c.maximum.perJaar[periode]!;
          const gedeclareerd = Number(s?.gedeclareerd ?? 0);
          // Basis points, integer: 7536 = 75.36 %.
          return { periode, maximum, gedeclareerd, toegekend: Number(s?.toegekend ?? 0), procentBp: maximum > 0 ? Math.floor((gedeclareerd * 10000) / maximum) : 0 };
        }),
      }));
  }

  /** Products with a contract but no traffic in the scope and months. */
  async zonderVerkeer(index: ContractIndex, f: Filter) {
    const params: unknown[] = [];
    const w = where(f, params);
    const r = await this.db.query<{ contract_id: string; categorie: string; code: string; gemeente: string }>(`SELECT DISTINCT contract_id, categorie, code, gemeente FROM contract_prestaties ${w}`, params);
    const gezien = new Set(r.rows.map((x) => `${x.contract_id}/${x.categorie}/${x.code}/${x.gemeente}`));
    const uit: Array<{ contract: string; aanbieder: string; categorie: string; code: string; gemeente: string }> = [];
    for (const c of index.inhoud.contracten) {
      for (const g of c.gemeenten) {
        if (f.gemeenten && !f.gemeenten.includes(g)) continue;
        for (const p of c.producten) if (!gezien.has(`${c.id}/${p.categorie}/${p.code}/${g}`)) uit.push({ contract: c.id, aanbieder: c.hoofdaannemer, categorie: p.categorie, code: p.code, gemeente: g });
      }
    }
    return uit;
  }

  /** Time from toewijzing to start of care against the norm, toewijzingen without a start, requests without an answer, trajectory length. */
  async doorlooptijden(f: Filter, vandaag: string) {
    const params: unknown[] = [];
    const scope = f.gemeenten ? (params.push([...f.gemeenten]), `AND t.gemeente = ANY($1::text[])`) : '';
    const starts = await this.db.query<{ gemeente: string; aanbieder: string; toegewezen: string; gestart: string }>(
      `SELECT t.gemeente, t.aanbieder, min(t.datum) AS toegewezen, min(s.datum) AS gestart
         FROM contract_stappen t JOIN contract_stappen s ON s.stap = '305' AND s.wet = t.wet AND s.gemeente = t.gemeente AND s.aanbieder = t.aanbieder AND s.toewijzing = t.toewijzing
        WHERE t.stap = '301' ${scope} GROUP BY t.wet, t.gemeente, t.aanbieder, t.toewijzing`,
      params,
    );
    const dagen = starts.rows.map((x) => dagenTussen(x.toegewezen, x.gestart)).sort((a, b) => a - b);
    const trajecten = await this.db.query<{ start: string; stop: string }>(
      `SELECT min(t.datum) AS start, max(s.datum) AS stop
         FROM contract_stappen t JOIN contract_stappen s ON s.stap = '307' AND s.wet = t.wet AND s.gemeente = t.gemeente AND s.aanbieder = t.aanbieder AND s.toewijzing = t.toewijzing
        WHERE t.stap = '305' ${scope} GROUP BY t.wet, t.gemeente, t.aanbieder, t.toewijzing`,
      params,
    );
    const lengtes = trajecten.rows.map((x) => dagenTussen(x.start, x.stop)).sort((a, b) => a - b);
    const open = await this.gesprekken.achterstanden(vandaag, f.gemeenten, 5000);
    const telling = (k: string) => open.filter((a) => a.termijn === k).length;
    const zonderStart = await this.db.query<{ n: string }>(
      `SELECT count(DISTINCT (t.wet, t.gemeente, t.aanbieder, t.toewijzing)) AS n FROM contract_stappen t
        WHERE t.stap = '301' ${scope} AND NOT EXISTS (SELECT 1 FROM contract_stappen s WHERE s.stap = '305' AND s.wet = t.wet AND s.gemeente = t.gemeente AND s.aanbieder = t.aanbieder AND s.toewijzing = t.toewijzing)`,
      params,
    );
    const zonderAntwoord = await this.db.query<{ n: string }>(
      `SELECT count(DISTINCT (t.wet, t.gemeente, t.aanbieder, t.ref)) AS n FROM contract_stappen t
        WHERE t.stap = '315' ${scope} AND NOT EXISTS (SELECT 1 FROM contract_stappen s WHERE s.stap = '319' AND s.wet = t.wet AND s.gemeente = t.gemeente AND s.aanbieder = t.aanbieder AND s.ref = t.ref)`,
      params,
    );
    const mediaan = (xs: number[]) => (xs.length === 0 ? null : xs[Math.floor((xs.length - 1) / 2)]!);
    return {
      normStartDagen: this.normStartDagen,
      toewijzingTotStart: { aantal: dagen.length, binnenNorm: dagen.filter((d) => d <= this.normStartDagen).length, buitenNorm: dagen.filter((d) => d > this.normStartDagen).length, mediaanDagen: mediaan(dagen), maxDagen: dagen.at(-1) ?? null },
      toewijzingenZonderStart: Number(zonderStart.rows[0]?.n ?? 0),
      verzoekenZonderAntwoord: Number(zonderAntwoord.rows[0]?.n ?? 0),
      trajectduur: { aantal: lengtes.length, mediaanDagen: mediaan(lengtes), maxDagen: lengtes.at(-1) ?? null },
      overTermijn: { '315>319': telling('315>319'), '301>302': telling('301>302'), '319>320': telling('319>320'), '301>305': telling('301>305'), '323>325': telling('323>325') },
    };
  }

  /** A gemeente's own clients' records, by keyed hash: per client, product and month. */
  async clientRecords(gemeente: string, limit = 10_000) {
    const r = await this.db.query<{ client_hash: string; aanbieder: string; categorie: string; code: string; maand: string; volume: string; gedeclareerd: string }>(
      `SELECT client_hash, aanbieder, categorie, code, maand, coalesce(sum(volume), 0) AS volume, sum(bedrag) AS gedeclareerd
         FROM contract_prestaties WHERE gemeente = $1 GROUP BY client_hash, aanbieder, categorie, code, maand ORDER BY maand, client_hash LIMIT $2`,
      [gemeente, limit],
    );
    return r.rows.map((x) => ({ client: x.client_hash, aanbieder: x.aanbieder, categorie: x.categorie, code: x.code, maand: x.maand, volume: Number(x.volume), gedeclareerd: Number(x.gedeclareerd) }));
  }
}

/** The spend export as CSV (amounts in euros with a dot, exact). */
export function bestedingenCsv(rijen: readonly Besteding[]): string {
  let uit = csvRegel(['maand', 'gemeente', 'aanbieder', 'contract', 'wet', 'categorie', 'code', 'prestaties', 'volume', 'gedeclareerd_euro', 'toegekend_euro', 'clienten']);
  for (const r of rijen) uit += csvRegel([r.maand, r.gemeente, r.aanbieder, r.contract ?? '', r.wet, r.categorie, r.code, r.prestaties, r.volume, centenNaarEuro(r.gedeclareerd), centenNaarEuro(r.toegekend), r.clienten]);
  return uit;
}
