/**
 * Builds large, valid iJw/iWmo 323 declaraties for load tests and the benchmark: many clients,
 * each prestatie on its own toewijzing, totals that add up, and the toewijzingen to seed the
 * register with so the berichtoverstijgende rules pass.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../../src/store/db.js';
import { basisschemaNamespace, berichtNamespace, berichtPrefix, type Standaard } from '../../src/standards/istandaarden/catalog.js';

/** The n-th synthetic BSN that passes the elfproef (9 digits, weighted sum divisible by 11). */
export function syntheticBsn(n: number): string {
  // Each n searches its own block of 100 numbers (a valid BSN occurs about every 11), so no two n share one.
  for (let candidate = 100000000 + n * 100; ; candidate++) {
    const d = String(candidate).padStart(9, '0').split('').map(Number);
    const sum = d.slice(0, 8).reduce((s, x, i) => s + x * (9 - i), 0) - d[8]!;
    if (sum % 11 === 0 && d[0] !== 0) return d.join('');
  }
}

export interface SeedToewijzing {
  toewijzingNummer: string;
  categorie: string;
  code: string;
  ingangsdatum: string;
  einddatum: string;
  eenheid: string;
}

export function grooteDeclaratie(opts: {
  standaard: Standaard;
  regels: number;
  afzender: string;
  ontvanger: string;
  identificatie: string;
  dagtekening: string;
  perClient?: number;
  /** Number of the first prestatie (toewijzingnummer and ReferentieNummer), so several declaraties in one register do not collide. */
  eerste?: number;
}): { xml: string; toewijzingen: SeedToewijzing[] } {
  const { standaard, regels } = opts;
  const b = berichtPrefix(standaard, '323');
  const i = standaard;
  const perClient = opts.perClient ?? 10;
  const categorie = standaard === 'ijw' ? '45' : '02';
  const code = standaard === 'ijw' ? '45A48' : '02A01';
  // Cents per hour: the 2026 tariff of 45A48 in the Twente contract register (config/contracten), so TR418 passes.
  const tarief = 7850;
  const toewijzingen: SeedToewijzing[] = [];
  const clients: string[] = [];
  let totaal = 0;
  for (let c = 0; c * perClient < regels; c++) {
    const prestaties: string[] = [];
    for (let k = 0; k < perClient && c * perClient + k < regels; k++) {
      const n = (opts.eerste ?? 0) + c * perClient + k;
      const nummer = String(50000000 + n);
      const volume = 1 + (n % 8);
      const bedrag = volume * tarief;
      totaal += bedrag;
      toewijzingen.push({ toewijzingNummer: nummer, categorie, code, ingangsdatum: '2026-01-01', einddatum: '2026-12-31', eenheid: '04' });
      prestaties.push(
        `<${b}:Prestatie><${b}:ProductReferentie><${i}:ReferentieNummer>P${String(n).padStart(9, '0')}</${i}:ReferentieNummer></${b}:ProductReferentie>` +
          `<${b}:ToewijzingNummer>${nummer}</${b}:ToewijzingNummer><${b}:ProductCategorie>${categorie}</${b}:ProductCategorie><${b}:ProductCode>${code}</${b}:ProductCode>` +
          `<${b}:ProductPeriode><${i}:Begindatum>2026-10-01</${i}:Begindatum><${i}:Einddatum>2026-10-31</${i}:Einddatum></${b}:ProductPeriode>` +
          `<${b}:GeleverdVolume>${volume}</${b}:GeleverdVolume><${b}:Eenheid>04</${b}:Eenheid><${b}:ProductTarief>${tarief}</${b}:ProductTarief>` +
          `<${b}:IngediendBedrag><${i}:Bedrag>${bedrag}</${i}:Bedrag><${i}:DebetCredit>D</${i}:DebetCredit></${b}:IngediendBedrag></${b}:Prestatie>`,
      );
    }
    clients.push(`<${b}:Client><${b}:Bsn>${syntheticBsn(c)}</${b}:Bsn><${b}:Prestaties>${prestaties.join('')}</${b}:Prestaties></${b}:Client>`);
  }
  const xml =
    `<?xml version="1.0" encoding="UTF-8"?>\n<${b}:Bericht xmlns:${b}="${berichtNamespace(standaard, '323')}" xmlns:${i}="${basisschemaNamespace(standaard)}">` +
    `<${b}:Header><${b}:BerichtCode>${standaard === 'ijw' ? 490 : 484}</${b}:BerichtCode><${b}:BerichtVersie>3</${b}:BerichtVersie><${b}:BerichtSubversie>2</${b}:BerichtSubversie>` +
    `<${b}:Afzender>${opts.afzender}</${b}:Afzender><${b}:Ontvanger>${opts.ontvanger}</${b}:Ontvanger>` +
    `<${b}:BerichtIdentificatie><${i}:Identificatie>${opts.identificatie}</${i}:Identificatie><${i}:Dagtekening>${opts.dagtekening}</${i}:Dagtekening></${b}:BerichtIdentificatie>` +
    `<${b}:XsdVersie><${i}:BasisschemaXsdVersie>1.0.0</${i}:BasisschemaXsdVersie><${i}:BerichtXsdVersie>1.0.0</${i}:BerichtXsdVersie></${b}:XsdVersie></${b}:Header>` +
    `<${b}:Declaratie><${b}:DeclaratieNummer>${`D${opts.identificatie}`.replace(/[^A-Za-z0-9]/g, '').slice(0, 12)}</${b}:DeclaratieNummer>` +
    `<${b}:DeclaratiePeriode><${i}:Begindatum>2026-10-01</${i}:Begindatum><${i}:Einddatum>2026-10-31</${i}:Einddatum></${b}:DeclaratiePeriode>` +
    `<${b}:DeclaratieDagtekening>${opts.dagtekening}</${b}:DeclaratieDagtekening>` +
    `<${b}:TotaalIngediendBedrag><${i}:TotaalBedrag>${totaal}</${i}:TotaalBedrag><${i}:DebetCredit>D</${i}:DebetCredit></${b}:TotaalIngediendBedrag>` +
    `<${b}:Clienten>${clients.join('')}</${b}:Clienten></${b}:Declaratie></${b}:Bericht>\n`;
  return { xml, toewijzingen };
}

/** Puts the toewijzingen of a generated declaratie in the register, as if their 301s had passed through knooppunt. */
export async function seedToewijzingen(db: Db, standaard: Standaard, gemeente: string, aanbieder: string, toewijzingen: SeedToewijzing[]): Promise<void> {
  const messageId = randomUUID();
  for (let start = 0; start < toewijzingen.length; start += 500) {
    const chunk = toewijzingen.slice(start, start + 500);
    const values: unknown[] = [];
    const rows = chunk.map((t, k) => {
      values.push(standaard, gemeente, aanbieder, t.toewijzingNummer, t.ingangsdatum, t.einddatum, t.categorie, t.code, t.eenheid, messageId);
      const o = k * 10;
      return `($${o + 1}, $${o + 2}, $${o + 3}, $${o + 4}, $${o + 5}, $${o + 6}, $${o + 7}, $${o + 8}, 40, $${o + 9}, '2', $${o + 10})`;
    });
    await db.query(
      `INSERT INTO istandaarden_toewijzingen (standaard, gemeente, aanbieder, toewijzing_nummer, ingangsdatum, einddatum, categorie, code, volume, eenheid, frequentie, message_id)
       VALUES ${rows.join(', ')} ON CONFLICT DO NOTHING`,
      values,
    );
  }
}
