/**
 * The zaak register behind the StUF channel: the current state of every zaak that passed through
 * knooppunt (from StUF kennisgevingen, JSON back offices or the JW315 route), so that geefZaakdetails,
 * geefLijstZaakdocumenten and geefZaakdocumentLezen can be answered, and new zaaknummers given out.
 * Zaken and documents are stored encrypted; only their identifications are readable.
 */
import { decryptPayload, encryptPayload, subjectHash, subjectHashCandidates } from '../log/crypto.js';
import type { KeyRing } from '../log/keys.js';
import type { Db, Queryable } from '../store/db.js';
import { dbNow } from '../store/clock.js';
import { vandaagInNederland } from '../util/vandaag.js';

/** The JSON zaak model of docs/stuf/zds.md; the register keeps it as a document. */
export type Zaak = Record<string, unknown> & { identificatie: string; bronorganisatie?: string };
export type Zaakdocument = Record<string, unknown> & { identificatie: string; zaak: string };
/** A besluit (ZDS 1.2 voegBesluitToe/updateBesluit): its fields as JSON, the StUF object as received in `stuf`. */
export type Besluit = Record<string, unknown> & { identificatie: string; zaak?: string; bronorganisatie?: string };

/** Who holds a document checked out (geefZaakdocumentbewerken), and with which checkedOutId. */
export interface Checkout {
  document: string;
  checkedOutId: string;
  party: string;
}

interface EncryptedRow {
  key_id: string;
  iv: Buffer | Uint8Array;
  auth_tag: Buffer | Uint8Array;
  ciphertext: Buffer | Uint8Array;
}

export class ZaakRegister {
  constructor(
    private readonly db: Db,
    private readonly ring: KeyRing,
  ) {}

  private seal(doc: unknown, aad: string) {
    return encryptPayload(this.ring, Buffer.from(JSON.stringify(doc), 'utf8'), aad);
  }

  private open<T>(row: EncryptedRow, aad: string): T {
    const plain = decryptPayload(
      this.ring,
      { keyId: row.key_id, iv: Buffer.from(row.iv), authTag: Buffer.from(row.auth_tag), ciphertext: Buffer.from(row.ciphertext) },
      aad,
    );
    return JSON.parse(plain.toString('utf8')) as T;
  }

  /**
   * A new zaaknummer: `<organisatie>-<jaar>-<7 digits>`, counted per organisatie and year in the
   * database, so several gateway processes never hand out the same number.
   */
  async nieuwZaaknummer(organisatie: string, now?: Date): Promise<string> {
    // The year from the database's clock, like every stored time (src/store/clock.ts).
    const jaar = Number(vandaagInNederland(now ?? (await dbNow(this.db))).slice(0, 4));
    const r = await this.db.query<{ laatste: string | number }>(
      `INSERT INTO zaaknummers (organisatie, jaar, laatste) VALUES ($1, $2, 1)
       ON CONFLICT (organisatie, jaar) DO UPDATE SET laatste = zaaknummers.laatste + 1
       RETURNING laatste`,
      [organisatie, jaar],
    );
    return `${organisatie}-${jaar}-${String(r.rows[0]!.laatste).padStart(7, '0')}`;
  }

  async zaak(identificatie: string, q: Queryable = this.db): Promise<Zaak | undefined> {
    const r = await q.query<EncryptedRow>('SELECT key_id, iv, auth_tag, ciphertext FROM zaken WHERE identificatie = $1', [identificatie]);
    const row = r.rows[0];
    return row ? this.open<Zaak>(row, `zaak:${identificatie}`) : undefined;
  }

  /**
   * The organisatie a zaak belongs to: its bronorganisatie, else the organisatie of the party that
   * created it; '' when neither is known. undefined when there is no such zaak.
   */
  async organisatieVanZaak(identificatie: string): Promise<string | undefined> {
    const r = await this.db.query<{ bronorganisatie: string }>('SELECT bronorganisatie FROM zaken WHERE identificatie = $1', [identificatie]);
    return r.rows[0]?.bronorganisatie;
  }

  /**
   * Stores the zaak's new state (creating it or replacing the old state), in the caller's
   * transaction. `eigenaar`: the organisatie of the creating party, kept when the zaak names no
   * bronorganisatie (a later change never moves a zaak to another organisatie).
   */
  async bewaarZaak(tx: Queryable, zaak: Zaak, messageId: string, eigenaar?: string): Promise<void> {
    const enc = this.seal(zaak, `zaak:${zaak.identificatie}`);
    await tx.query(
      `INSERT INTO zaken (identificatie, bronorganisatie, key_id, iv, auth_tag, ciphertext, message_id, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, now(), now())
       ON CONFLICT (identificatie) DO UPDATE SET key_id = EXCLUDED.key_id, iv = EXCLUDED.iv, auth_tag = EXCLUDED.auth_tag,
         ciphertext = EXCLUDED.ciphertext, message_id = EXCLUDED.message_id, updated_at = now()`,
      [zaak.identificatie, String(zaak.bronorganisatie ?? eigenaar ?? ''), enc.keyId, enc.iv, enc.authTag, enc.ciphertext, messageId],
    );
    await this.indexeerInitiator(tx, zaak);
  }

  /** The keyed hash of the initiator's BSN, for zakenVanBurger; removed when the zaak no longer names one. */
  private async indexeerInitiator(tx: Queryable, zaak: Zaak): Promise<void> {
    const initiator = zaak.initiator as { type?: unknown; bsn?: unknown } | null | undefined;
    let hash: string | undefined;
    try {
      hash = initiator && typeof initiator.bsn === 'string' ? subjectHash(this.ring, initiator.bsn) : undefined;
    } catch {
      hash = undefined; // not a BSN (the schema checked it already): nothing to find it by
    }
    if (hash === undefined) {
      await tx.query('DELETE FROM zaak_initiatoren WHERE zaak_identificatie = $1', [zaak.identificatie]);
      return;
    }
    await tx.query(
      `INSERT INTO zaak_initiatoren (zaak_identificatie, subject_hash) VALUES ($1, $2)
       ON CONFLICT (zaak_identificatie) DO UPDATE SET subject_hash = EXCLUDED.subject_hash`,
      [zaak.identificatie, hash],
    );
  }

  /**
   * Zaken stored before migration 121 have no zaak_initiatoren row, so zakenVanBurger cannot find
   * them. This reads them in batches of `batch` (keyset order, so a restart resumes where the
   * scan gets to again), decrypts each and writes the keyed hash of its initiator's BSN. Idempotent:
   * a zaak with a row is never read; a zaak without a BSN initiator is read and left without one.
   * A row is only written while the zaak still has the state that was read (same iv), so a newer
   * state stored meanwhile keeps its own index. Counts only, never a BSN.
   */
  async indexeerOudeInitiatoren(batch = 200): Promise<{ gelezen: number; geindexeerd: number; onleesbaar: number }> {
    const telling = { gelezen: 0, geindexeerd: 0, onleesbaar: 0 };
    let na = '';
    for (;;) {
      const r = await this.db.query<EncryptedRow & { identificatie: string }>(
        `SELECT z.identificatie, z.key_id, z.iv, z.auth_tag, z.ciphertext FROM zaken z
         WHERE z.identificatie > $1 AND NOT EXISTS (SELECT 1 FROM zaak_initiatoren i WHERE i.zaak_identificatie = z.identificatie)
         ORDER BY z.identificatie LIMIT $2`,
        [na, batch],
      );
      for (const row of r.rows) {
        telling.gelezen++;
        let zaak: Zaak;
        try {
          zaak = this.open<Zaak>(row, `zaak:${row.identificatie}`);
        } catch {
          telling.onleesbaar++; // a key that is not in the ring: reported by count, the rest goes on
          continue;
        }
        const initiator = zaak.initiator as { bsn?: unknown } | null | undefined;
        let hash: string | undefined;
        try {
          hash = initiator && typeof initiator.bsn === 'string' ? subjectHash(this.ring, initiator.bsn) : undefined;
        } catch {
          hash = undefined;
        }
        if (hash === undefined) continue;
        const w = await this.db.query(
          `INSERT INTO zaak_initiatoren (zaak_identificatie, subject_hash)
           SELECT $1, $2 WHERE EXISTS (SELECT 1 FROM zaken WHERE identificatie = $1 AND iv = $3)
           ON CONFLICT (zaak_identificatie) DO NOTHING`,
          [row.identificatie, hash, Buffer.from(row.iv)],
        );
        telling.geindexeerd += w.rowCount ?? 0;
      }
      if (r.rows.length < batch) return telling;
      na = r.rows[r.rows.length - 1]!.identificatie;
    }
  }

  /**
   * The zaken of one organisatie whose initiator is this citizen, newest first, at most `max`;
   * `meer` tells whether there are more. Matches hashes made before a key rotation too.
   * Throws on a value that is not a BSN.
   */
  async zakenVanBurger(bsn: string, organisatie: string, max: number): Promise<{ zaken: Zaak[]; meer: boolean }> {
    const r = await this.db.query<EncryptedRow & { identificatie: string }>(
      `SELECT z.identificatie, z.key_id, z.iv, z.auth_tag, z.ciphertext FROM zaak_initiatoren i JOIN zaken z ON z.identificatie = i.zaak_identificatie
       WHERE i.subject_hash = ANY($1::text[]) AND z.bronorganisatie = $2
       ORDER BY z.created_at DESC, z.identificatie LIMIT $3`,
      [subjectHashCandidates(this.ring, bsn), organisatie, max + 1],
    );
    const zaken = r.rows.slice(0, max).map((row) => this.open<Zaak>(row, `zaak:${row.identificatie}`));
    return { zaken, meer: r.rows.length > max };
  }

  async bewaarDocument(tx: Queryable, doc: Zaakdocument, messageId: string): Promise<void> {
    const enc = this.seal(doc, `zaakdocument:${doc.identificatie}`);
    await tx.query(
      `INSERT INTO zaakdocumenten (identificatie, zaak_identificatie, key_id, iv, auth_tag, ciphertext, message_id, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, now())
       ON CONFLICT (identificatie) DO UPDATE SET key_id = EXCLUDED.key_id, iv = EXCLUDED.iv, auth_tag = EXCLUDED.auth_tag,
         ciphertext = EXCLUDED.ciphertext, message_id = EXCLUDED.message_id`,
      [doc.identificatie, doc.zaak, enc.keyId, enc.iv, enc.authTag, enc.ciphertext, messageId],
    );
  }

  async document(identificatie: string, q: Queryable = this.db): Promise<Zaakdocument | undefined> {
    const r = await q.query<EncryptedRow>('SELECT key_id, iv, auth_tag, ciphertext FROM zaakdocumenten WHERE identificatie = $1', [identificatie]);
    const row = r.rows[0];
    return row ? this.open<Zaakdocument>(row, `zaakdocument:${identificatie}`) : undefined;
  }

  async documentenVanZaak(zaakIdentificatie: string): Promise<Zaakdocument[]> {
    const r = await this.db.query<EncryptedRow & { identificatie: string }>(
      'SELECT identificatie, key_id, iv, auth_tag, ciphertext FROM zaakdocumenten WHERE zaak_identificatie = $1 ORDER BY created_at, identificatie',
      [zaakIdentificatie],
    );
    return r.rows.map((row) => this.open<Zaakdocument>(row, `zaakdocument:${row.identificatie}`));
  }

  /**
   * A new identificatie of another kind than a zaak (`document`, `besluit`): `<organisatie>-<D|B><jaar>-<7 digits>`,
   * counted like zaaknummers (in the same table, under its own key).
   */
  async nieuwNummer(soort: 'document' | 'besluit', organisatie: string, now?: Date): Promise<string> {
    // The year from the database's clock, like every stored time (src/store/clock.ts).
    const jaar = Number(vandaagInNederland(now ?? (await dbNow(this.db))).slice(0, 4));
    const letter = soort === 'document' ? 'D' : 'B';
    const r = await this.db.query<{ laatste: string | number }>(
      `INSERT INTO zaaknummers (organisatie, jaar, laatste) VALUES ($1, $2, 1)
       ON CONFLICT (organisatie, jaar) DO UPDATE SET laatste = zaaknummers.laatste + 1
       RETURNING laatste`,
      [`${organisatie}#${letter}`, jaar],
    );
    return `${organisatie}-${letter}${jaar}-${String(r.rows[0]!.laatste).padStart(7, '0')}`;
  }

  async besluit(identificatie: string, q: Queryable = this.db): Promise<Besluit | undefined> {
    const r = await q.query<EncryptedRow>('SELECT key_id, iv, auth_tag, ciphertext FROM besluiten WHERE identificatie = $1', [identificatie]);
    const row = r.rows[0];
    return row ? this.open<Besluit>(row, `besluit:${identificatie}`) : undefined;
  }

  /**
   * The besluiten of a zaak (geefLijstBesluiten), oldest first, at most `max`; `meer` tells there
   * are more (one extra row is read for that, never the whole list).
   */
  async besluitenVanZaak(zaak: string, max: number): Promise<{ besluiten: Besluit[]; meer: boolean }> {
    const r = await this.db.query<EncryptedRow & { identificatie: string }>(
      'SELECT identificatie, key_id, iv, auth_tag, ciphertext FROM besluiten WHERE zaak_identificatie = $1 ORDER BY created_at, identificatie LIMIT $2',
      [zaak, max + 1],
    );
    return { besluiten: r.rows.slice(0, max).map((row) => this.open<Besluit>(row, `besluit:${row.identificatie}`)), meer: r.rows.length > max };
  }

  async bewaarBesluit(tx: Queryable, besluit: Besluit, messageId: string): Promise<void> {
    const enc = this.seal(besluit, `besluit:${besluit.identificatie}`);
    await tx.query(
      `INSERT INTO besluiten (identificatie, zaak_identificatie, bronorganisatie, key_id, iv, auth_tag, ciphertext, message_id, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now(), now())
       ON CONFLICT (identificatie) DO UPDATE SET zaak_identificatie = EXCLUDED.zaak_identificatie, key_id = EXCLUDED.key_id, iv = EXCLUDED.iv,
         auth_tag = EXCLUDED.auth_tag, ciphertext = EXCLUDED.ciphertext, message_id = EXCLUDED.message_id, updated_at = now()`,
      [besluit.identificatie, besluit.zaak ?? null, String(besluit.bronorganisatie ?? ''), enc.keyId, enc.iv, enc.authTag, enc.ciphertext, messageId],
    );
  }

  /** Removes a document from its zaak (ontkoppelZaakdocument). */
  async verwijderDocument(tx: Queryable, identificatie: string): Promise<void> {
    await tx.query('DELETE FROM document_checkouts WHERE document_identificatie = $1', [identificatie]);
    await tx.query('DELETE FROM zaakdocumenten WHERE identificatie = $1', [identificatie]);
  }

  /**
   * Takes the check-out lock of a document for a party. Returns the new checkout, or the one that
   * holds the document already (then nothing changed): one holder at a time, across processes.
   */
  async checkOut(document: string, party: string, checkedOutId: string): Promise<{ genomen: boolean; checkout: Checkout }> {
    const r = await this.db.query<{ checked_out_id: string; party: string }>(
      `INSERT INTO document_checkouts (document_identificatie, checked_out_id, party, checked_out_at) VALUES ($1, $2, $3, now())
       ON CONFLICT (document_identificatie) DO NOTHING RETURNING checked_out_id, party`,
      [document, checkedOutId, party],
    );
    if (r.rows[0]) return { genomen: true, checkout: { document, checkedOutId, party } };
    const held = await this.checkout(document);
    return { genomen: false, checkout: held ?? { document, checkedOutId: '', party: '' } };
  }

  async checkout(document: string, q: Queryable = this.db): Promise<Checkout | undefined> {
    const r = await q.query<{ checked_out_id: string; party: string }>('SELECT checked_out_id, party FROM document_checkouts WHERE document_identificatie = $1', [document]);
    const row = r.rows[0];
    return row ? { document, checkedOutId: row.checked_out_id, party: row.party } : undefined;
  }

  /** Releases the lock when `checkedOutId` is the one holding it; true when it did. */
  async checkIn(tx: Queryable, document: string, checkedOutId: string): Promise<boolean> {
    const r = await tx.query<{ document_identificatie: string }>(
      'DELETE FROM document_checkouts WHERE document_identificatie = $1 AND checked_out_id = $2 RETURNING document_identificatie',
      [document, checkedOutId],
    );
    return r.rows.length > 0;
  }

  /** Records that an exchange created or changed a zaak: the zaak's identification stays with the exchange. */
  async koppel(tx: Queryable, messageId: string, zaakIdentificatie: string, rol: 'aangemaakt' | 'gewijzigd' | 'document'): Promise<void> {
    await tx.query(
      'INSERT INTO zaak_koppelingen (message_id, zaak_identificatie, rol) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
      [messageId, zaakIdentificatie, rol],
    );
  }

  async zakenVanBericht(messageId: string): Promise<Array<{ zaak: string; rol: string }>> {
    const r = await this.db.query<{ zaak_identificatie: string; rol: string }>(
      'SELECT zaak_identificatie, rol FROM zaak_koppelingen WHERE message_id = $1 ORDER BY zaak_identificatie',
      [messageId],
    );
    return r.rows.map((x) => ({ zaak: x.zaak_identificatie, rol: x.rol }));
  }
}
