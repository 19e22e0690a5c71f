/**
 * The conversation ledger: every heenbericht paired with its retour and its follow-ups along the
 * iJw/iWmo chain 315 → 316 → 319/301 → 305 → 307 → 323 → 325, with a deadline per step. Recorded
 * inside the accepting transaction (one row per step, by the standard's own references: the
 * ReferentieAanbieder, the ToewijzingNummer, the DeclaratieNummer, the BerichtIdentificatie the
 * retour names), the client only as a keyed hash.
 *
 * knooppunt answers the provider's heenberichten itself (316, 306, 308, 318, and the rejecting
 * 325), so those retouren are never missing; the retouren it waits for are the provider's 302 on a
 * toewijzing and 320 on an antwoord. The deadlines (days, `contracten.termijnen`):
 *   315>319  the gemeente answers a verzoek om toewijzing          14
 *   301>302  the provider's retour on a toewijzing                   3
 *   319>320  the provider's retour on an antwoord                    3
 *   301>305  start of care after the toewijzing (six-week norm)     42 (normStartDagen)
 *   323>325  the gemeente answers a declaratie                      28
 * A step past its deadline without its follow-up is an alert (once per step), shown on the console.
 */
import { subjectHash } from '../log/crypto.js';
import type { ExchangeLog } from '../log/exchange-log.js';
import type { KeyRing } from '../log/keys.js';
import type { Db, Queryable } from '../store/db.js';
import { DB_NOW_SQL } from '../store/clock.js';
import { alle, kind, tekst } from '../standards/istandaarden/pad.js';
import type { IstandaardenPrepared } from '../standards/istandaarden/standard.js';
import { leesbaar, productVan } from './bericht.js';

export interface Termijn {
  van: string;
  naar: string;
  /** Which reference pairs the two steps. */
  sleutel: 'ref' | 'toewijzing' | 'identificatie';
  dagen: number;
  omschrijving: string;
}

export function termijnen(config: Record<string, number> = {}, normStartDagen = 42): Termijn[] {
  const d = (k: string, std: number) => config[k] ?? std;
  return [
    { van: '315', naar: '319', sleutel: 'ref', dagen: d('315>319', 14), omschrijving: 'verzoek om toewijzing zonder antwoord' },
    { van: '301', naar: '302', sleutel: 'identificatie', dagen: d('301>302', 3), omschrijving: 'toewijzing zonder retourbericht van de aanbieder' },
    { van: '319', naar: '320', sleutel: 'identificatie', dagen: d('319>320', 3), omschrijving: 'antwoord zonder retourbericht van de aanbieder' },
    { van: '301', naar: '305', sleutel: 'toewijzing', dagen: d('301>305', normStartDagen), omschrijving: 'toewijzing zonder start zorg binnen de norm' },
    { van: '323', naar: '325', sleutel: 'ref', dagen: d('323>325', 28), omschrijving: 'declaratie zonder declaratie-antwoord' },
  ];
}

/** A deadline's key in contract_open_stappen (migration 193 wrote the same for the steps before it). */
const termijnId = (t: Pick<Termijn, 'van' | 'naar'>): string => `${t.van}>${t.naar}`;

/** The open steps of one deadline past its limit date, oldest first (contract_open_stappen_datum_idx). */
export const ACHTERSTANDEN = `SELECT wet, gemeente, aanbieder, sleutel, datum FROM contract_open_stappen
  WHERE termijn = $1 AND datum < $2 AND ($3::text[] IS NULL OR gemeente = ANY($3::text[]))
  ORDER BY datum, wet, gemeente, aanbieder, sleutel LIMIT $4`;

interface Stap {
  stap: string;
  ref?: string;
  toewijzing?: string;
  identificatie?: string;
  datum: string;
  bsn?: string;
  categorie?: string;
  code?: string;
}

/** The steps one bericht adds to the ledger. */
function stappenVan(p: IstandaardenPrepared): Stap[] {
  const l = leesbaar(p.root, p.standaard, p.nummer);
  const e = l.eigen;
  const dag = l.dagtekening;
  const id = l.identificatie;
  const h = kind(p.root, e, 'Header');
  const product = (el: Parameters<typeof productVan>[1]) => {
    const pr = productVan(l, el);
    return { ...(pr?.categorie ? { categorie: pr.categorie } : {}), ...(pr?.code ? { code: pr.code } : {}) };
  };
  const opt = (k: 'ref' | 'toewijzing' | 'bsn', v: string | undefined) => (v ? { [k]: v } : {});
  switch (p.nummer) {
    case '315':
      return alle(p.root, e, 'Client').flatMap((c) =>
        alle(c, e, 'AangevraagdeProducten', 'AangevraagdProduct').map((a) => ({ stap: '315', ...opt('ref', tekst(a, e, 'ReferentieAanbieder')), ...opt('bsn', tekst(c, e, 'Bsn')), datum: dag, identificatie: id, ...product(a) })),
      );
    case '319':
      return alle(p.root, e, 'Antwoord').map((a) => ({ stap: '319', ...opt('ref', tekst(a, e, 'ReferentieAanbieder')), datum: dag, identificatie: id }));
    case '301':
      return alle(p.root, e, 'Client').flatMap((c) =>
        alle(c, e, 'ToegewezenProducten', 'ToegewezenProduct').map((t) => ({
          stap: '301', ...opt('ref', tekst(t, e, 'ReferentieAanbieder')), ...opt('toewijzing', tekst(t, e, 'ToewijzingNummer')), ...opt('bsn', tekst(c, e, 'Bsn')),
          datum: tekst(t, e, 'Toewijzingsdatum') ?? dag, identificatie: id, ...product(t),
        })),
      );
    case '305':
    case '307':
      return alle(p.root, e, 'Client').flatMap((c) =>
        alle(c, e, p.nummer === '305' ? 'StartProducten' : 'StopProducten', p.nummer === '305' ? 'StartProduct' : 'StopProduct').map((s) => ({
          stap: p.nummer, ...opt('toewijzing', tekst(s, e, 'ToewijzingNummer')), ...opt('bsn', tekst(c, e, 'Bsn')),
          datum: tekst(s, e, p.nummer === '305' ? 'Begindatum' : 'Einddatum') ?? dag, identificatie: id, ...product(s),
        })),
      );
    case '323':
      return [{ stap: '323', ...opt('ref', tekst(p.root, e, 'Declaratie', 'DeclaratieNummer')), datum: dag, identificatie: id }];
    case '325':
      return [{ stap: '325', ...opt('ref', tekst(p.root, e, 'DeclaratieAntwoord', 'DeclaratieNummer')), datum: dag, identificatie: id }];
    case '302':
    case '320':
      return [{ stap: p.nummer, datum: dag, identificatie: tekst(h, e, 'IdentificatieRetour') ?? '' }];
    default:
      return [];
  }
}

export class Gesprekken {
  readonly termijnen: Termijn[];

  constructor(
    private readonly db: Db,
    private readonly log: ExchangeLog,
    private readonly ring: KeyRing,
    config: { termijnen?: Record<string, number>; normStartDagen?: number } = {},
  ) {
    this.termijnen = termijnen(config.termijnen, config.normStartDagen);
  }

  /** Records the bericht's steps (inside the accepting transaction). */
  async registreer(tx: Queryable, p: IstandaardenPrepared, messageId: string): Promise<void> {
    const l = leesbaar(p.root, p.standaard, p.nummer);
    // A retour goes the other way: its Afzender is the provider, its Ontvanger the gemeente.
    const [gemeente, aanbieder] = p.nummer === '302' || p.nummer === '320' ? [l.aanbieder, l.gemeente] : [l.gemeente, l.aanbieder];
    const stappen = stappenVan(p);
    for (let i = 0; i < stappen.length; i += 500) {
      const deel = stappen.slice(i, i + 500);
      const vals: unknown[] = [];
      const rows = deel.map((s, k) => {
        vals.push(p.standaard, gemeente, aanbieder, s.stap, s.ref ?? null, s.toewijzing ?? null, s.identificatie ?? null, s.datum, s.bsn ? subjectHash(this.ring, s.bsn) : null, s.categorie ?? null, s.code ?? null, messageId);
        // ontvangen_op from the database's clock, like every stored time (src/store/clock.ts).
        return `(${Array.from({ length: 12 }, (_x, j) => `$${k * 12 + j + 1}`).join(', ')}, ${DB_NOW_SQL})`;
      });
      await tx.query(`INSERT INTO contract_stappen (wet, gemeente, aanbieder, stap, ref, toewijzing, identificatie, datum, client_hash, categorie, code, message_id, ontvangen_op) VALUES ${rows.join(', ')}`, vals);
    }
    await this.volgOpenStappen(tx, p.standaard, gemeente, aanbieder, stappen);
  }

  /**
   * Keeps contract_open_stappen, what the deadline check reads: a step that starts a deadline is
   * open (per deadline and reference, from its earliest date) unless its follow-up is already
   * there; a follow-up closes it. The check read every earlier step of the kind before, answered
   * ones too, and looked for each one's follow-up, every minute in every process.
   */
  private async volgOpenStappen(tx: Queryable, wet: string, gemeente: string, aanbieder: string, stappen: readonly Stap[]): Promise<void> {
    const open: { termijn: string[]; naar: string[]; kolom: string[]; sleutel: string[]; datum: string[] } = { termijn: [], naar: [], kolom: [], sleutel: [], datum: [] };
    const dicht: { termijn: string[]; sleutel: string[] } = { termijn: [], sleutel: [] };
    for (const t of this.termijnen) {
      const id = termijnId(t);
      for (const st of stappen) {
        const sleutel = st[t.sleutel];
        if (!sleutel) continue;
        if (st.stap === t.van) {
          open.termijn.push(id); open.naar.push(t.naar); open.kolom.push(t.sleutel); open.sleutel.push(sleutel); open.datum.push(st.datum);
        } else if (st.stap === t.naar) {
          dicht.termijn.push(id); dicht.sleutel.push(sleutel);
        }
      }
    }
    if (open.termijn.length > 0) {
      // Each reference column has its own index (wet, gemeente, aanbieder, stap, column): one EXISTS each.
      const volgt = (kolom: string) => `EXISTS (SELECT 1 FROM contract_stappen v WHERE v.wet = $1 AND v.gemeente = $2 AND v.aanbieder = $3 AND v.stap = o.naar AND v.${kolom} = o.sleutel)`;
      await tx.query(
        `INSERT INTO contract_open_stappen (termijn, wet, gemeente, aanbieder, sleutel, datum)
         SELECT o.termijn, $1, $2, $3, o.sleutel, min(o.datum)
           FROM unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::text[]) AS o(termijn, naar, kolom, sleutel, datum)
          WHERE NOT CASE o.kolom WHEN 'ref' THEN ${volgt('ref')} WHEN 'toewijzing' THEN ${volgt('toewijzing')} ELSE ${volgt('identificatie')} END
          GROUP BY o.termijn, o.sleutel
         ON CONFLICT (termijn, wet, gemeente, aanbieder, sleutel) DO UPDATE SET datum = LEAST(contract_open_stappen.datum, EXCLUDED.datum)`,
        [wet, gemeente, aanbieder, open.termijn, open.naar, open.kolom, open.sleutel, open.datum],
      );
    }
    if (dicht.termijn.length > 0) {
      await tx.query(
        `DELETE FROM contract_open_stappen c USING unnest($4::text[], $5::text[]) AS d(termijn, sleutel)
          WHERE c.termijn = d.termijn AND c.wet = $1 AND c.gemeente = $2 AND c.aanbieder = $3 AND c.sleutel = d.sleutel`,
        [wet, gemeente, aanbieder, dicht.termijn, dicht.sleutel],
      );
    }
  }

  /** Steps past their deadline without their follow-up, for the gemeenten in scope (all when undefined). */
  async achterstanden(vandaag: string, gemeenten?: readonly string[], limit = 500): Promise<Achterstand[]> {
    const uit: Achterstand[] = [];
    for (const t of this.termijnen) {
      const grens = dagenTerug(vandaag, t.dagen);
      const r = await this.db.query<{ wet: string; gemeente: string; aanbieder: string; sleutel: string; datum: string }>(ACHTERSTANDEN, [termijnId(t), grens, gemeenten ? [...gemeenten] : null, limit]);
      for (const x of r.rows) uit.push({ termijn: termijnId(t), omschrijving: t.omschrijving, wet: x.wet, gemeente: x.gemeente, aanbieder: x.aanbieder, sleutel: x.sleutel, sinds: x.datum, dagen: t.dagen, dagenTeLaat: dagenTussen(x.datum, vandaag) - t.dagen });
    }
    return uit;
  }

  /** Turns every overdue step into an alert (once per step: the unique key) with a log event. Returns how many were new. */
  async alarmeer(vandaag: string): Promise<number> {
    let nieuw = 0;
    for (const a of await this.achterstanden(vandaag, undefined, 1000)) {
      const detail = { soort: 'termijn', termijn: a.termijn, omschrijving: a.omschrijving, wet: a.wet, gemeente: a.gemeente, aanbieder: a.aanbieder, sinds: a.sinds, dagen: a.dagen };
      await this.db.transaction(async (tx) => {
        const r = await tx.query(
          `INSERT INTO contract_alarmen (soort, sleutel, detail, ontstaan_op) VALUES ('termijn', $1, $2::jsonb, now()) ON CONFLICT (sleutel) DO NOTHING RETURNING id`,
          [`termijn/${a.termijn}/${a.wet}/${a.gemeente}/${a.aanbieder}/${a.sleutel}`, JSON.stringify(detail)],
        );
        if (r.rowCount === 0) return;
        nieuw++;
        await this.log.append(tx, { messageId: null, eventType: 'contract_alert', channel: 'contracten', sender: a.aanbieder, receiver: a.gemeente, detail });
      });
    }
    return nieuw;
  }
}

export interface Achterstand {
  termijn: string;
  omschrijving: string;
  wet: string;
  gemeente: string;
  aanbieder: string;
  /** The reference that pairs the steps (ReferentieAanbieder, ToewijzingNummer, DeclaratieNummer or BerichtIdentificatie): never personal data. */
  sleutel: string;
  sinds: string;
  dagen: number;
  dagenTeLaat: number;
}

export function dagenTerug(datum: string, dagen: number): string {
  const d = new Date(`${datum}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - dagen);
  return d.toISOString().slice(0, 10);
}

export function dagenTussen(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}
