/**
 * The shapes of the iJw/iWmo rule engine: a rule (regel), what it reports (bevinding) and the
 * outcome for a whole bericht (beoordeling). See index.ts for the policy and docs/istandaarden/regels.md
 * for the table of every rule.
 */
import type { Problem } from '../../../core/message.js';
import type { XmlElement } from '../../../xml/parse.js';
import type { BerichtNummer } from '../catalog.js';
import type { IstandaardenRegister } from '../register.js';
import type { Bericht } from './bericht.js';

export interface BeoordelingContext {
  /** The authenticated party's code (AGB code or CBS gemeentecode): the Afzender must be this. */
  afzenderVerwacht: string;
  /** Today, YYYY-MM-DD in Europe/Amsterdam (TR135). */
  vandaag: string;
  register: IstandaardenRegister;
  /** Rules from outside this folder (e.g. the region's contract checks, src/contracten/): run after these, reported the same way. */
  extraRegels?: readonly Regel[];
  /** Between two rules: a large bericht gives the event loop back here, so other requests run. */
  pauze?: () => Promise<void>;
}

/** Where a rule's retourcode goes: on the Header or on a record (berichtklasse). */
export type Niveau = 'header' | 'record';

export interface Regel {
  /** The specification's id (TR056, CS002, CD041, ...) or knooppunt's own (KP-nnn). */
  id: string;
  /** What the rule demands, in Dutch. Used as the Problem message, so it never holds a value from a bericht. */
  omschrijving: string;
  /** The heenberichten this rule applies to. */
  berichten: readonly BerichtNummer[];
  /** WJ001 retourcode given when the rule fails. */
  retourcode: string;
  niveau: Niveau;
  /** Checks the bericht and calls `fout` for every place where the rule fails. */
  toets(bericht: Bericht, fout: Fout): void | Promise<void>;
}

/**
 * Reports one failure. `record` is the record element that gets the retourcode ('header' for the
 * Header); `plek` the element the problem is about (its path becomes the Problem location),
 * the record itself when omitted.
 */
export type Fout = (record: XmlElement | 'header', plek?: XmlElement) => void;

/** One failure of one rule at one place. */
export interface Bevinding {
  regel: string;
  retourcode: string;
  niveau: Niveau;
  /** Path in local names, e.g. /Bericht/Client[1]/StopProducten/StopProduct[1]/Einddatum. */
  location: string;
  /** The record element that carries the code; absent for the Header. */
  record?: XmlElement;
}

export interface Beoordeling {
  /** RetourCodes for the Header: 0200 when every rule passed, else 0001 followed by header-level codes (at most 3). */
  header: string[];
  /** RetourCodes per record element that failed a rule (1–3 codes); records not in the map get 0200. */
  records: Map<XmlElement, string[]>;
  /** One Problem per failure: location path, message in words (never a value from the bericht), code = retourcode. */
  problems: Problem[];
  /** True when any rule failed: the whole bericht is rejected. */
  afgekeurd: boolean;
  /** The failures with their rule ids, for logs and tests. */
  bevindingen: Bevinding[];
}
