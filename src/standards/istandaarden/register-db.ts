/**
 * The register of what knooppunt carried (toewijzingen, verzoeken, declaraties, prestaties), in the
 * gateway's own store: the berichtoverstijgende rules look here. Keyed by the standard's numbers,
 * never by BSN. Written in the transaction that accepts the message.
 */
import type { Db, Queryable } from '../../store/db.js';
import { basisschemaNamespace, berichtNamespace, type Standaard } from './catalog.js';
import { alle, eigenVan, kind, tekst, teksten } from './pad.js';
import { insertRows } from '../../core/rows.js';
import { selectMany } from '../../store/select-many.js';
import type { IstandaardenPrepared } from './standard.js';
import type { IstandaardenRegister, RegisterStop, RegisterToewijzing } from './register.js';
import type { XmlElement } from '../../xml/parse.js';

/** volume and budget are bigint: alsToewijzing takes Number() of whichever form the store gives. */
type ToewijzingRow = {
  toewijzing_nummer: string; aanbieder: string; ingangsdatum: string; einddatum: string | null; categorie: string | null; code: string | null;
  volume: string | number | null; eenheid: string | null; frequentie: string | null; budget: string | number | null; reden_wijziging: string | null;
};

function alsToewijzing(row: ToewijzingRow): RegisterToewijzing {
  return {
    ingangsdatum: row.ingangsdatum,
    ...(row.einddatum ? { einddatum: row.einddatum } : {}),
    ...(row.categorie ? { product: { categorie: row.categorie, ...(row.code ? { code: row.code } : {}) } } : {}),
    ...(row.volume !== null && row.eenheid && row.frequentie ? { omvang: { volume: Number(row.volume), eenheid: row.eenheid, frequentie: row.frequentie } } : {}),
    ...(row.budget !== null ? { budget: Number(row.budget) } : {}),
    ...(row.reden_wijziging ? { redenWijziging: row.reden_wijziging } : {}),
  };
}

type StopRow = { toewijzing_nummer: string; begindatum: string; reden_beeindiging: string; einddatum: string };
const STOP_KOLOMMEN = ['toewijzing_nummer', 'begindatum', 'reden_beeindiging', 'einddatum'] as const;
const STOP_COLUMNS = STOP_KOLOMMEN.join(', ');
const alsStop = (row: StopRow): RegisterStop => ({ begindatum: row.begindatum, einddatum: row.einddatum, redenBeeindiging: row.reden_beeindiging });

/** The columns a 301 writes (TOEWIJZING_COLUMNS below is what a lookup reads). */
const TOEWIJZING_RIJ = [
  'standaard', 'gemeente', 'aanbieder', 'toewijzing_nummer', 'ingangsdatum', 'einddatum', 'categorie', 'code', 'volume', 'eenheid', 'frequentie', 'budget', 'reden_wijziging', 'message_id',
] as const;

const TOEWIJZING_KOLOMMEN = ['toewijzing_nummer', 'aanbieder', 'ingangsdatum', 'einddatum', 'categorie', 'code', 'volume', 'eenheid', 'frequentie', 'budget', 'reden_wijziging'] as const;
const TOEWIJZING_COLUMNS = TOEWIJZING_KOLOMMEN.join(', ');

export class DbRegister implements IstandaardenRegister {
  constructor(
    private readonly db: Db,
    /** The ids of the parties with this AGB or gemeente code: the senders a bericht's Afzender stands for. */
    private readonly partijenMetCode: (code: string) => readonly string[],
  ) {}

  /**
   * A view for one bericht: the toewijzingen and prestatie-referenties it names are fetched in two
   * queries up front, so a declaratie of 10,000 lines does not cost 20,000 round trips.
   */
  async voorBericht(standaard: Standaard, root: XmlElement, gemeente: string, aanbieder: string): Promise<IstandaardenRegister> {
    const nummers = [...teksten(root, 'ToewijzingNummer')];
    const referenties = [...teksten(root, 'ReferentieNummer')];
    const toewijzingen = new Map<string, RegisterToewijzing | undefined>(nummers.map((n) => [n, undefined]));
    const bekendeReferenties = new Set<string>();
    const prefetched = new Set(referenties);
    // A 307 names the toewijzingen it stops: their earlier stops in one query too.
    const stops = new Map<string, RegisterStop[]>();
    // The lookups are independent: on PostgreSQL they run side by side, each on a connection of its
    // own. Thousands of rows each: selectMany reads them the way that costs least on the store.
    await Promise.all([
      nummers.length > 0 &&
        selectMany<ToewijzingRow>(this.db, TOEWIJZING_KOLOMMEN, 'FROM istandaarden_toewijzingen WHERE standaard = $1 AND gemeente = $2 AND toewijzing_nummer = ANY($3::text[])', [
          standaard, gemeente, nummers,
        ]).then((rows) => {
          for (const row of rows) if (row.aanbieder === aanbieder) toewijzingen.set(row.toewijzing_nummer, alsToewijzing(row));
        }),
      referenties.length > 0 &&
        selectMany<{ referentie_nummer: string }>(this.db, ['referentie_nummer'], 'FROM istandaarden_prestaties WHERE standaard = $1 AND aanbieder = $2 AND referentie_nummer = ANY($3::text[])', [
          standaard, aanbieder, referenties,
        ]).then((rows) => {
          for (const row of rows) bekendeReferenties.add(row.referentie_nummer);
        }),
      nummers.length > 0 && teksten(root, 'RedenBeeindiging').size > 0 &&
        selectMany<StopRow>(this.db, STOP_KOLOMMEN, 'FROM istandaarden_stops WHERE standaard = $1 AND gemeente = $2 AND aanbieder = $3 AND toewijzing_nummer = ANY($4::text[])', [
          standaard, gemeente, aanbieder, nummers,
        ]).then((rows) => {
          for (const n of nummers) stops.set(n, []);
          for (const row of rows) stops.get(row.toewijzing_nummer)?.push(alsStop(row));
        }),
    ]);
    return {
      identificatieBekend: (...a) => this.identificatieBekend(...a),
      toewijzing: async (s, g, a, nummer) =>
        s === standaard && g === gemeente && a === aanbieder && toewijzingen.has(nummer) ? toewijzingen.get(nummer) : this.toewijzing(s, g, a, nummer),
      verzoekBekend: (...a) => this.verzoekBekend(...a),
      declaratieNummerBekend: (...a) => this.declaratieNummerBekend(...a),
      prestatieReferentieBekend: async (s, a, ref) =>
        s === standaard && a === aanbieder && prefetched.has(ref) ? bekendeReferenties.has(ref) : this.prestatieReferentieBekend(s, a, ref),
      stops: async (s, g, a, nummer) =>
        s === standaard && g === gemeente && a === aanbieder && stops.has(nummer) ? stops.get(nummer)!.map((st) => ({ ...st })) : this.stops(s, g, a, nummer),
    };
  }

  async identificatieBekend(standaard: Standaard, afzender: string, berichtCode: number | string, identificatie: string): Promise<boolean> {
    // By sender and sender id, the unique index of accepted messages: one lookup. Without the
    // sender this was a scan of every message (24 ms at 200,000 messages, for every heenbericht).
    const senders = this.partijenMetCode(afzender);
    if (senders.length === 0) return false;
    const r = await this.db.query(
      `SELECT 1 FROM messages WHERE sender = ANY($1::text[]) AND sender_message_id = $2 AND NOT refused AND standard = $3 LIMIT 1`,
      [senders, `${afzender}/${berichtCode}/${identificatie}`, standaard],
    );
    return r.rows.length > 0;
  }

  async toewijzing(standaard: Standaard, gemeente: string, _aanbieder: string, toewijzingNummer: string): Promise<RegisterToewijzing | undefined> {
    const r = await this.db.query<ToewijzingRow>(
      `SELECT ${TOEWIJZING_COLUMNS} FROM istandaarden_toewijzingen WHERE standaard = $1 AND gemeente = $2 AND toewijzing_nummer = $3`,
      [standaard, gemeente, toewijzingNummer],
    );
    const row = r.rows[0];
    // A toewijzing for another aanbieder is not this aanbieder's to refer to.
    if (!row || row.aanbieder !== _aanbieder) return undefined;
    return alsToewijzing(row);
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

  async stops(standaard: Standaard, gemeente: string, aanbieder: string, toewijzingNummer: string): Promise<RegisterStop[]> {
    const r = await this.db.query<StopRow>(
      `SELECT ${STOP_COLUMNS} FROM istandaarden_stops WHERE standaard = $1 AND gemeente = $2 AND aanbieder = $3 AND toewijzing_nummer = $4`,
      [standaard, gemeente, aanbieder, toewijzingNummer],
    );
    return r.rows.map(alsStop);
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
  const eigen = eigenVan(berichtNamespace(standaard, p.nummer), basisschemaNamespace(standaard));
  if (p.nummer === '301') {
    // One statement for all of the bericht's toewijzingen (it was one per toewijzing). A number
    // twice in one bericht: the later one wins, as it did when each replaced the one before.
    const perNummer = new Map<string, unknown[]>();
    for (const tp of alle(root, eigen, 'Client', 'ToegewezenProducten', 'ToegewezenProduct')) {
      const omvang = kind(tp, eigen, 'Omvang');
      const nummer = tekst(tp, eigen, 'ToewijzingNummer');
      perNummer.delete(nummer ?? '');
      perNummer.set(nummer ?? '', [standaard, header.afzender, header.ontvanger, nummer, tekst(tp, eigen, 'Ingangsdatum'), tekst(tp, eigen, 'Einddatum') ?? null,
        tekst(tp, eigen, 'Product', 'Categorie') ?? null, tekst(tp, eigen, 'Product', 'Code') ?? null, tekst(omvang, eigen, 'Volume') ?? null, tekst(omvang, eigen, 'Eenheid') ?? null,
        tekst(omvang, eigen, 'Frequentie') ?? null, tekst(tp, eigen, 'Budget') ?? null, tekst(tp, eigen, 'RedenWijziging') ?? null, messageId]);
    }
    await insertRows(tx, 'istandaarden_toewijzingen', TOEWIJZING_RIJ, [...perNummer.values()], {
      tail: `ON CONFLICT (standaard, gemeente, toewijzing_nummer) DO UPDATE SET aanbieder = EXCLUDED.aanbieder, ingangsdatum = EXCLUDED.ingangsdatum,
           einddatum = EXCLUDED.einddatum, categorie = EXCLUDED.categorie, code = EXCLUDED.code, volume = EXCLUDED.volume, eenheid = EXCLUDED.eenheid,
           frequentie = EXCLUDED.frequentie, budget = EXCLUDED.budget, reden_wijziging = EXCLUDED.reden_wijziging, message_id = EXCLUDED.message_id`,
    });
  } else if (p.nummer === '315' || p.nummer === '317') {
    const refs = p.nummer === '315' ? alle(root, eigen, 'Client', 'AangevraagdeProducten', 'AangevraagdProduct').map((a) => tekst(a, eigen, 'ReferentieAanbieder')) : [tekst(root, eigen, 'Client', 'Verzoek', 'ReferentieAanbieder')];
    const rijen = [...new Set(refs.filter((ref): ref is string => !!ref))].map((ref) => [standaard, header.ontvanger, header.afzender, ref, messageId]);
    await insertRows(tx, 'istandaarden_verzoeken', ['standaard', 'gemeente', 'aanbieder', 'referentie_aanbieder', 'message_id'], rijen, { tail: 'ON CONFLICT DO NOTHING' });
  } else if (p.nummer === '307') {
    // StatusAanlevering 1 adds a stop, 3 withdraws the one it names (CS058 allows no 2 in a 307).
    for (const sp of alle(root, eigen, 'Client', 'StopProducten', 'StopProduct')) {
      const [nummer, begin, reden, eind, status] = ['ToewijzingNummer', 'Begindatum', 'RedenBeeindiging', 'Einddatum', 'StatusAanlevering'].map((n) => tekst(sp, eigen, n));
      if (!nummer || !begin || !reden || !eind) continue;
      if (status === '3') {
        await tx.query(
          `DELETE FROM istandaarden_stops WHERE standaard = $1 AND gemeente = $2 AND aanbieder = $3 AND toewijzing_nummer = $4 AND begindatum = $5
             AND reden_beeindiging = $6 AND einddatum = $7`,
          [standaard, header.ontvanger, header.afzender, nummer, begin, reden, eind],
        );
      } else {
        await tx.query(
          `INSERT INTO istandaarden_stops (standaard, gemeente, aanbieder, toewijzing_nummer, begindatum, tijdelijk, reden_beeindiging, einddatum, message_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
           ON CONFLICT (standaard, gemeente, toewijzing_nummer, begindatum, tijdelijk) DO UPDATE SET aanbieder = EXCLUDED.aanbieder,
             reden_beeindiging = EXCLUDED.reden_beeindiging, einddatum = EXCLUDED.einddatum, message_id = EXCLUDED.message_id`,
          [standaard, header.ontvanger, header.afzender, nummer, begin, reden === '20', reden, eind, messageId],
        );
      }
    }
  } else if (p.nummer === '323') {
    await tx.query(
      `INSERT INTO istandaarden_declaraties (standaard, aanbieder, gemeente, declaratie_nummer, message_id) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
      [standaard, header.afzender, header.ontvanger, tekst(root, eigen, 'Declaratie', 'DeclaratieNummer'), messageId],
    );
    const refs = alle(root, eigen, 'Declaratie', 'Clienten', 'Client', 'Prestaties', 'Prestatie').map((pr) => tekst(pr, eigen, 'ProductReferentie', 'ReferentieNummer'));
    // One statement for all prestaties (the references as one array parameter), as many as the
    // driver takes parameters per statement (PGlite on the event loop: 4,000).
    const per = Math.max(1000, tx.maxParams ?? refs.length);
    for (let i = 0; i < refs.length; i += per) {
      await tx.query(
        `INSERT INTO istandaarden_prestaties (standaard, aanbieder, referentie_nummer, message_id)
         SELECT $1, $2, ref, $3 FROM unnest($4::text[]) AS ref ON CONFLICT DO NOTHING`,
        [standaard, header.afzender, messageId, refs.slice(i, i + per)],
      );
    }
  }
}
