/**
 * What the berichtoverstijgende rules (TR056, TR019, TR333, TR338, ...) need to know about earlier
 * berichten: the register of what knooppunt carried. Keyed by the standard's own numbers, never by
 * BSN. Asynchronous because the production implementation (register-db.ts) asks the database;
 * {@link MemoryRegister} is the in-memory one for tests and fixtures.
 *
 * Codes: `gemeente` is a CBS gemeentecode, `aanbieder` an AGB code, `afzender` either.
 */
import type { Standaard } from './catalog.js';

/** A toegewezen product as the register remembers it from the (last) 301 that carried it. */
export interface RegisterToewijzing {
  ingangsdatum: string;
  einddatum?: string;
  product?: { categorie: string; code?: string };
  omvang?: { volume: number; eenheid: string; frequentie: string };
  budget?: number;
  /** JZ002 / WMO002; 13 means the toewijzing was verwijderd. */
  redenWijziging?: string;
}

/**
 * A StopProduct as the register remembers it from the accepted 307 that carried it (StatusAanlevering 1),
 * until a 307 withdraws it (StatusAanlevering 3). Its logical key is Bsn, ToewijzingNummer and
 * Begindatum; the ToewijzingNummer is unique within the gemeente, so the register keys by
 * (gemeente, ToewijzingNummer, Begindatum) and never stores the BSN.
 */
export interface RegisterStop {
  begindatum: string;
  einddatum: string;
  /** JZ588 / WMO588; 20 is a tijdelijke stop, every other code a definitive one. */
  redenBeeindiging: string;
}

export interface IstandaardenRegister {
  /** TR056: has this afzender already sent a bericht of this BerichtCode with this Identificatie? */
  identificatieBekend(standaard: Standaard, afzender: string, berichtCode: number | string, identificatie: string): Promise<boolean>;
  /** The toewijzing with this number that the gemeente gave this aanbieder, or undefined (another aanbieder's toewijzing counts as unknown). */
  toewijzing(standaard: Standaard, gemeente: string, aanbieder: string, toewijzingNummer: string): Promise<RegisterToewijzing | undefined>;
  /** TR355 / TR347 / TR379: did this aanbieder send the gemeente a 315 or 317 with this ReferentieAanbieder? */
  verzoekBekend(standaard: Standaard, gemeente: string, aanbieder: string, referentieAanbieder: string): Promise<boolean>;
  /** TR333: has this aanbieder already used this DeclaratieNummer? */
  declaratieNummerBekend(standaard: Standaard, aanbieder: string, gemeente: string, declaratieNummer: string): Promise<boolean>;
  /** TR314: has this aanbieder already delivered a prestatie with this ReferentieNummer? */
  prestatieReferentieBekend(standaard: Standaard, aanbieder: string, referentieNummer: string): Promise<boolean>;
  /** TR413–TR415: the current StopProducten this aanbieder reported on this toewijzing of the gemeente, in no particular order. */
  stops(standaard: Standaard, gemeente: string, aanbieder: string, toewijzingNummer: string): Promise<RegisterStop[]>;
}

/** The seed of a {@link MemoryRegister}: plain data, as written in fixtures/istandaarden/invalid/manifest.json. */
export interface MemoryRegisterSeed {
  identificaties?: Array<{ standaard: Standaard; afzender: string; berichtCode: number | string; identificatie: string }>;
  toewijzingen?: Array<{ standaard: Standaard; gemeente: string; aanbieder: string; toewijzingNummer: string } & RegisterToewijzing>;
  verzoeken?: Array<{ standaard: Standaard; gemeente: string; aanbieder: string; referentieAanbieder: string }>;
  declaratieNummers?: Array<{ standaard: Standaard; aanbieder: string; gemeente?: string; declaratieNummer: string }>;
  prestatieReferenties?: Array<{ standaard: Standaard; aanbieder: string; referentieNummer: string }>;
  stops?: Array<{ standaard: Standaard; gemeente: string; aanbieder: string; toewijzingNummer: string } & RegisterStop>;
}

const key = (...parts: Array<string | number>): string => parts.map(String).join('\u0000');

/** An {@link IstandaardenRegister} in memory. Declaratienummers are unique per aanbieder, whatever the gemeente (TR333). */
export class MemoryRegister implements IstandaardenRegister {
  private readonly identificaties = new Set<string>();
  private readonly toewijzingen = new Map<string, RegisterToewijzing>();
  private readonly verzoeken = new Set<string>();
  private readonly declaratieNummers = new Set<string>();
  private readonly prestatieReferenties = new Set<string>();
  private readonly stopProducten = new Map<string, RegisterStop[]>();

  constructor(seed: MemoryRegisterSeed = {}) {
    for (const i of seed.identificaties ?? []) this.voegIdentificatieToe(i.standaard, i.afzender, i.berichtCode, i.identificatie);
    for (const t of seed.toewijzingen ?? []) {
      const { standaard, gemeente, aanbieder, toewijzingNummer, ...toewijzing } = t;
      this.voegToewijzingToe(standaard, gemeente, aanbieder, toewijzingNummer, toewijzing);
    }
    for (const v of seed.verzoeken ?? []) this.voegVerzoekToe(v.standaard, v.gemeente, v.aanbieder, v.referentieAanbieder);
    for (const d of seed.declaratieNummers ?? []) this.voegDeclaratieNummerToe(d.standaard, d.aanbieder, d.declaratieNummer);
    for (const p of seed.prestatieReferenties ?? []) this.voegPrestatieReferentieToe(p.standaard, p.aanbieder, p.referentieNummer);
    for (const st of seed.stops ?? []) {
      const { standaard, gemeente, aanbieder, toewijzingNummer, ...stop } = st;
      this.voegStopToe(standaard, gemeente, aanbieder, toewijzingNummer, stop);
    }
  }

  voegIdentificatieToe(standaard: Standaard, afzender: string, berichtCode: number | string, identificatie: string): void {
    this.identificaties.add(key(standaard, afzender, String(berichtCode), identificatie));
  }
  voegToewijzingToe(standaard: Standaard, gemeente: string, aanbieder: string, toewijzingNummer: string, toewijzing: RegisterToewijzing): void {
    this.toewijzingen.set(key(standaard, gemeente, aanbieder, toewijzingNummer), { ...toewijzing });
  }
  voegVerzoekToe(standaard: Standaard, gemeente: string, aanbieder: string, referentieAanbieder: string): void {
    this.verzoeken.add(key(standaard, gemeente, aanbieder, referentieAanbieder));
  }
  voegDeclaratieNummerToe(standaard: Standaard, aanbieder: string, declaratieNummer: string): void {
    this.declaratieNummers.add(key(standaard, aanbieder, declaratieNummer));
  }
  voegPrestatieReferentieToe(standaard: Standaard, aanbieder: string, referentieNummer: string): void {
    this.prestatieReferenties.add(key(standaard, aanbieder, referentieNummer));
  }

  voegStopToe(standaard: Standaard, gemeente: string, aanbieder: string, toewijzingNummer: string, stop: RegisterStop): void {
    const k = key(standaard, gemeente, aanbieder, toewijzingNummer);
    this.stopProducten.set(k, [...(this.stopProducten.get(k) ?? []), { ...stop }]);
  }

  async identificatieBekend(standaard: Standaard, afzender: string, berichtCode: number | string, identificatie: string): Promise<boolean> {
    return this.identificaties.has(key(standaard, afzender, String(berichtCode), identificatie));
  }
  async toewijzing(standaard: Standaard, gemeente: string, aanbieder: string, toewijzingNummer: string): Promise<RegisterToewijzing | undefined> {
    const t = this.toewijzingen.get(key(standaard, gemeente, aanbieder, toewijzingNummer));
    return t ? structuredClone(t) : undefined;
  }
  async verzoekBekend(standaard: Standaard, gemeente: string, aanbieder: string, referentieAanbieder: string): Promise<boolean> {
    return this.verzoeken.has(key(standaard, gemeente, aanbieder, referentieAanbieder));
  }
  async declaratieNummerBekend(standaard: Standaard, aanbieder: string, _gemeente: string, declaratieNummer: string): Promise<boolean> {
    return this.declaratieNummers.has(key(standaard, aanbieder, declaratieNummer));
  }
  async prestatieReferentieBekend(standaard: Standaard, aanbieder: string, referentieNummer: string): Promise<boolean> {
    return this.prestatieReferenties.has(key(standaard, aanbieder, referentieNummer));
  }
  async stops(standaard: Standaard, gemeente: string, aanbieder: string, toewijzingNummer: string): Promise<RegisterStop[]> {
    return (this.stopProducten.get(key(standaard, gemeente, aanbieder, toewijzingNummer)) ?? []).map((st) => ({ ...st }));
  }
}
