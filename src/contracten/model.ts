/**
 * The region's contract register as data: contracts (raamovereenkomst, perceel, validity), their
 * main contractor and subcontractors (AGB codes), the gemeenten they cover, their products with a
 * tariff per period, the maximum value per year and in total, each provider's status over time,
 * and the was-wordt tables of product codes. Amounts are whole cents; dates YYYY-MM-DD (they
 * compare as strings). An open end (`tot` absent) runs indefinitely.
 */
import type { Standaard } from '../standards/istandaarden/catalog.js';

export type Wet = Standaard;

export interface Periode {
  van: string;
  /** Inclusive last day; absent for an open end. */
  tot?: string;
}

export type Bekostigingsvorm = 'inspanningsgericht' | 'outputgericht' | 'taakgericht';
export const BEKOSTIGINGSVORMEN: readonly Bekostigingsvorm[] = ['inspanningsgericht', 'outputgericht', 'taakgericht'];

export type ContractStatus = 'actief' | 'clientenstop' | 'in-gebreke-gesteld' | 'beeindigd' | 'overgenomen' | 'tussentijds-toegetreden';
export const CONTRACT_STATUSSEN: readonly ContractStatus[] = ['actief', 'clientenstop', 'in-gebreke-gesteld', 'beeindigd', 'overgenomen', 'tussentijds-toegetreden'];

export interface Tarief extends Periode {
  /** Cents per eenheid (for eenheid 83, euro's, the tariff is 1 cent per cent: 100). */
  tarief: number;
}

export interface ContractProduct {
  categorie: string;
  code: string;
  bekostigingsvorm: Bekostigingsvorm;
  /** WJ756 eenheid. */
  eenheid: string;
  /** WJ757 / WMO757 frequentie. */
  frequentie: string;
  /** One tariff per period; periods never overlap (yearly indexation is a new period). */
  tarieven: Tarief[];
}

export interface StatusPeriode extends Periode {
  aanbieder: string;
  status: ContractStatus;
}

export interface Contract {
  /** The contract number the region uses. */
  id: string;
  raamovereenkomst: string;
  /** Perceel or segment of the raamovereenkomst. */
  perceel: string;
  wet: Wet;
  geldig: Periode;
  hoofdaannemer: string;
  onderaannemers: string[];
  gemeenten: string[];
  producten: ContractProduct[];
  maximum: {
    /** Year (YYYY) → maximum value in cents. */
    perJaar: Record<string, number>;
    totaal?: number;
  };
  status: StatusPeriode[];
}

/** One old→new product code translation with its switch date. */
export interface WasWordt {
  wet: Wet;
  oud: { categorie: string; code: string };
  nieuw: { categorie: string; code: string };
  /** From this date on the old code is no longer valid: before it, it is translated. */
  omzetdatum: string;
}

export interface RegisterInhoud {
  contracten: Contract[];
  wasWordt: WasWordt[];
}

/** A register version as stored: every load or change is a new version. */
export interface RegisterVersie {
  versie: number;
  /** When this version took effect (ISO timestamp). */
  geldigVanaf: string;
  /** Who made it: a party id or a console user. */
  door: string;
  bron: 'csv' | 'json' | 'api' | 'config';
  /** SHA-256 of the canonical content. */
  digest: string;
  inhoud: RegisterInhoud;
}

/** Whether a date lies within a period (both inclusive). */
export function binnen(p: Periode, datum: string): boolean {
  return p.van <= datum && (p.tot === undefined || datum <= p.tot);
}

export function overlappen(a: Periode, b: Periode): boolean {
  return a.van <= (b.tot ?? '9999-12-31') && b.van <= (a.tot ?? '9999-12-31');
}
