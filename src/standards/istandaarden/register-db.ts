/**
 * The register of what knooppunt carried (toewijzingen, verzoeken, declaraties, prestaties), in the
 * gateway's own store: the berichtoverstijgende rules look here. Keyed by the standard's numbers,
 * never by BSN. Written in the transaction that accepts the message.
 */
import type { Db, Queryable } from '../../store/db.js';
import type { Standaard } from './catalog.js';
import type { IstandaardenPrepared } from './standard.js';
import type { IstandaardenRegister, RegisterToewijzing } from './register.js';
import type { XmlElement } from '../../xml/parse.js';

function kind(el: XmlElement | undefined, ...path: string[]): XmlElement | undefined {
  let cur = el;
  for (const step of path) cur = cur?.children.find((c) => c.name === step);
  return cur;
}
function tekst(el: XmlElement | undefined, ...path: string[]): string | undefined {
  const t = kind(el, ...path)?.text?.trim();
  return t === undefined || t === '' ? undefined : t;
}
function alle(el: XmlElement | undefined, ...path: string[]): XmlElement[] {
  if (!el) return [];
  if (path.length === 0) return [el];
  const [first, ...rest] = path as [string, ...string[]];
  return el.children.filter((c) => c.name === first).flatMap((c) => alle(c, ...rest));
}

export class DbRegister implements IstandaardenRegister {
  constructor(private readonly db: Db) {}

  async identificatieBekend(standaard: Standaard, afzender: string, berichtCode: number | string, identificatie: string): Promise<boolean> {
    const r = await this.db.query(
      `SELECT 1 FROM messages WHERE standard = $1 AND sender_message_id = $2 AND status <> 'rejected' LIMIT 1`,
      [standaard, `${afzender}/${berichtCode}/${identificatie}`],
    );
    return r.rows.length > 0;
  }

  async toewijzing(standaard: Standaard, gemeente: string, _aanbieder: string, toewijzingNummer: string): Promise<RegisterToewijzing | undefined> {
    const r = await this.db.query<{
      aanbieder: string; ingangsdatum: string; einddatum: string | null; categorie: string | null; code: string | null;
      volume: string | null; eenheid: string | null; frequentie: string | null; budget: string | null; reden_wijziging: string | null;
    }>(
      `SELECT aanbieder, ingangsdatum, einddatum, categorie, code, volume, eenheid, frequentie, budget, reden_wijziging
         FROM istandaarden_toewijzingen WHERE standaard = $1 AND gemeente = $2 AND toewijzing_nummer = $3`,
      [standaard, gemeente, toewijzingNummer],
    );
    const row = r.rows[0];
    // A toewijzing for another aanbieder is not this aanbieder's to refer to.
    if (!row || row.aanbieder !== _aanbieder) return undefined;
    return {
      ingangsdatum: row.ingangsdatum,
      ...(row.einddatum ? { einddatum: row.einddatum } : {}),
      ...(row.categorie ? { product: { categorie: row.categorie, ...(row.code ? { code: row.code } : {}) } } : {}),
      ...(row.volume !== null && row.eenheid && row.frequentie ? { omvang: { volume: Number(row.volume), eenheid: row.eenheid, frequentie: row.frequentie } } : {}),
      ...(row.budget !== null ? { budget: Number(row.budget) } : {}),
      ...(row.reden_wijziging ? { redenWijziging: row.reden_wijziging } : {}),
    };
  }

  async verzoekBekend(standaard: Standaard, gemeente: string, aanbieder: string, referentieAanbieder: string): Promise<boolean> {
    const r = await this.db.query(
      'SELECT 1 FROM istandaarden_verzoeken WHERE standaard = $1 AND gemeente = $2 AND aanbieder = $3 AND referentie_aanbieder = $4',
      [standaard, gemeente, aanbieder, referentieAanbieder],
    );
    return r.rows.length > 0;
  }

  async declaratieNummerBekend(standaard: Standaard, aanbieder: string, _gemeente: string, declaratieNummer: string): Promise<boolean> {
    const r = await this.db.query('SELECT 1 FROM istandaarden_declaraties WHERE standaard = $1 AND aanbieder = $2 AND declaratie_nummer = $3', [
      standaard,
      aanbieder,
      declaratieNummer,
    ]);
    return r.rows.length > 0;
  }

  async prestatieReferentieBekend(standaard: Standaard, aanbieder: string, referentieNummer: string): Promise<boolean> {
    const r = await this.db.query('SELECT 1 FROM istandaarden_prestaties WHERE standaard = $1 AND aanbieder = $2 AND referentie_nummer = $3', [
      standaard,
      aanbieder,
      referentieNummer,
    ]);
    return r.rows.length > 0;
  }
}

/** Records what an accepted bericht adds to the register. A later 301 with the same number is a wijziging: it replaces. */
export async function registreerGeaccepteerd(tx: Queryable, p: IstandaardenPrepared, messageId: string): Promise<void> {
  const { standaard, header, root } = p;
  if (p.nummer === '301') {
    for (const tp of alle(root, 'Client', 'ToegewezenProducten', 'ToegewezenProduct')) {
      const omvang = kind(tp, 'Omvang');
      await tx.query(
        `INSERT INTO istandaarden_toewijzingen (standaard, gemeente, aanbieder, toewijzing_nummer, ingangsdatum, einddatum, categorie, code,
           volume, eenheid, frequentie, budget, reden_wijziging, message_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
         ON CONFLICT (standaard, gemeente, toewijzing_nummer) DO UPDATE SET aanbieder = EXCLUDED.aanbieder, ingangsdatum = EXCLUDED.ingangsdatum,
           einddatum = EXCLUDED.einddatum, categorie = EXCLUDED.categorie, code = EXCLUDED.code, volume = EXCLUDED.volume, eenheid = EXCLUDED.eenheid,
           frequentie = EXCLUDED.frequentie, budget = EXCLUDED.budget, reden_wijziging = EXCLUDED.reden_wijziging, message_id = EXCLUDED.message_id`,
        [standaard, header.afzender, header.ontvanger, tekst(tp, 'ToewijzingNummer'), tekst(tp, 'Ingangsdatum'), tekst(tp, 'Einddatum') ?? null,
          tekst(tp, 'Product', 'Categorie') ?? null, tekst(tp, 'Product', 'Code') ?? null, tekst(omvang, 'Volume') ?? null, tekst(omvang, 'Eenheid') ?? null,
          tekst(omvang, 'Frequentie') ?? null, tekst(tp, 'Budget') ?? null, tekst(tp, 'RedenWijziging') ?? null, messageId],
      );
    }
  } else if (p.nummer === '315' || p.nummer === '317') {
    const refs = p.nummer === '315' ? alle(root, 'Client', 'AangevraagdeProducten', 'AangevraagdProduct').map((a) => tekst(a, 'ReferentieAanbieder')) : [tekst(root, 'Client', 'Verzoek', 'ReferentieAanbieder')];
    for (const ref of refs) {
      if (!ref) continue;
      await tx.query(
        `INSERT INTO istandaarden_verzoeken (standaard, gemeente, aanbieder, referentie_aanbieder, message_id) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT DO NOTHING`,
        [standaard, header.ontvanger, header.afzender, ref, messageId],
      );
    }
  } else if (p.nummer === '323') {
    await tx.query(
      `INSERT INTO istandaarden_declaraties (standaard, aanbieder, gemeente, declaratie_nummer, message_id) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
      [standaard, header.afzender, header.ontvanger, tekst(root, 'Declaratie', 'DeclaratieNummer'), messageId],
    );
    for (const prestatie of alle(root, 'Declaratie', 'Clienten', 'Client', 'Prestaties', 'Prestatie')) {
      await tx.query(
        `INSERT INTO istandaarden_prestaties (standaard, aanbieder, referentie_nummer, message_id) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
        [standaard, header.afzender, tekst(prestatie, 'ProductReferentie', 'ReferentieNummer'), messageId],
      );
    }
  }
}
