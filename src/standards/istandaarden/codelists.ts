/**
 * The code lists of iJw 3.2 and iWmo 3.2 that the rules check values against, and the CBS
 * gemeentecodes, as the rules and the contract register ask for them. The lists themselves are
 * data (codelijsten/, see src/codelijsten/): each names its source in the iStandaarden
 * informatiemodel (release 3.2, "codelijsten"); where the two standaarden share a list (COD…, WJ…)
 * it is defined once, JZ… lists are iJw only, WMO… lists iWmo only.
 */
import { codelijsten, geldigOp, type Codelijst } from '../../codelijsten/index.js';
import type { Standaard } from './catalog.js';

export type { Codelijst } from '../../codelijsten/index.js';

/** The elements whose values come from a code list (the XSD may enumerate a wider list, as for JZ020). */
export const CODELIJST_ELEMENTEN = ['Categorie', 'Eenheid', 'Frequentie', 'RedenWijziging', 'RedenBeeindiging', 'RedenVerzoek', 'RedenAfwijzingVerzoek', 'Type'] as const;
export type CodelijstElement = (typeof CODELIJST_ELEMENTEN)[number];

/** The code list an element's value must come from in this standaard. */
export function codelijstVoor(standaard: Standaard, element: CodelijstElement): Codelijst {
  const { elementen, codelijsten: lijsten } = codelijsten().istandaarden;
  // The start-up check (codelijsten-check.ts) makes sure every element has a list in both standaarden.
  return lijsten.get(elementen[standaard].get(element)!)!;
}

/** Is this a CBS gemeentecode of any date the list knows (current or opgeheven)? */
export function isCbsGemeente(code: string): boolean {
  return codelijsten().gemeentecodes.gemeenten.has(code);
}

/** Was this CBS gemeentecode in force on this date (YYYY-MM-DD)? */
export function gemeenteGeldigOp(code: string, datum: string): boolean {
  const g = codelijsten().gemeentecodes.gemeenten.get(code);
  return g !== undefined && geldigOp(g, datum);
}

/** Was this CBS gemeentecode in force on some day of the period from `van` to `tot` (both inclusive; no `tot`: open-ended)? */
export function gemeenteGeldigIn(code: string, van: string, tot?: string): boolean {
  const g = codelijsten().gemeentecodes.gemeenten.get(code);
  return g !== undefined && (g.geldigVanaf === undefined || tot === undefined || g.geldigVanaf <= tot) && (g.geldigTot === undefined || g.geldigTot > van);
}

/** The 14 gemeenten of regio Twente, the example configuration's region (bench and tests). */
export const TWENTE: readonly string[] = ['0141', '0147', '1774', '0153', '0158', '0163', '0164', '1735', '0168', '0173', '1742', '0183', '1700', '0189'];
