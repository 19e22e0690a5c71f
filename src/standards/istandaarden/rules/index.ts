/**
 * The rule engine for iJw 3.2 and iWmo 3.2 berichten. It runs after the XSD, on the parsed
 * bericht, and gives the retourcodes for the retourbericht (retour.ts) or the rejecting 325.
 *
 * Policy:
 * - Every rule in {@link REGELS} that applies to the bericht runs; rules never stop each other.
 * - Any failing rule rejects the whole bericht (`afgekeurd`): knooppunt passes a bericht on
 *   completely or not at all, never partly.
 * - The Header gets 0001 when any rule failed, followed by the codes of the failing header rules
 *   (8848, 9056, S300), at most three codes in all; when nothing failed it gets 0200.
 * - Each failing record (berichtklasse) gets the precise codes of its failing rules in rule order,
 *   without repeats, at most three (CDT_RetourCodes allows 1–3); every other record gets 0200.
 * - One Problem per failure: the location is the path of the element concerned in local names
 *   (`/Bericht/Client[1]/StopProducten/StopProduct[2]/Einddatum`), the message is the rule's
 *   Dutch description with its id, the code is the retourcode. No value from the bericht ever
 *   appears in a Problem: descriptions are fixed texts.
 *
 * The rules, each with its id from the specification (TR…, CS…, CD…) or knooppunt's own (KP-…),
 * are listed in docs/istandaarden/regels.md; a unit test keeps that table and this code in step.
 */
import type { Problem } from '../../../core/message.js';
import type { XmlElement } from '../../../xml/parse.js';
import type { BerichtNummer, Standaard } from '../catalog.js';
import { Bericht } from './bericht.js';
import { BERICHTOVERSTIJGENDE_REGELS } from './berichtoverstijgend.js';
import { CLIENT_REGELS } from './client.js';
import { CODELIJST_REGELS } from './codelists.js';
import { CONDITIE_REGELS } from './condities.js';
import { DATUM_REGELS } from './dates.js';
import { DECLARATIE_REGELS } from './declaratie.js';
import { HEADER_REGELS } from './header.js';
import { REFERENTIE_REGELS } from './references.js';
import { STOP_REGELS } from './stops.js';
import type { Beoordeling, BeoordelingContext, Bevinding, Regel } from './types.js';

export type { Beoordeling, BeoordelingContext, Bevinding, Niveau, Regel } from './types.js';
export { Bericht } from './bericht.js';

/** Every rule, in the order they run and their codes are listed. */
export const REGELS: readonly Regel[] = [
  ...HEADER_REGELS,
  ...CLIENT_REGELS,
  ...DATUM_REGELS,
  ...REFERENTIE_REGELS,
  ...CODELIJST_REGELS,
  ...CONDITIE_REGELS,
  ...DECLARATIE_REGELS,
  ...BERICHTOVERSTIJGENDE_REGELS,
  ...STOP_REGELS,
];

/** The rules that apply to this bericht. */
export function regelsVoor(nummer: BerichtNummer): Regel[] {
  return REGELS.filter((r) => r.berichten.includes(nummer));
}

const MAX_CODES = 3;

/** Checks a parsed bericht (root `Bericht`, already valid against its XSD) against every rule that applies to it. */
export async function beoordeel(root: XmlElement, standaard: Standaard, nummer: BerichtNummer, ctx: BeoordelingContext): Promise<Beoordeling> {
  const bericht = new Bericht(root, standaard, nummer, ctx);
  const bevindingen: Bevinding[] = [];
  const problems: Problem[] = [];

  for (const regel of [...regelsVoor(nummer), ...(ctx.extraRegels ?? []).filter((r) => r.berichten.includes(nummer))]) {
    if (ctx.pauze) await ctx.pauze();
    await regel.toets(bericht, (record, plek) => {
      const element = plek ?? (record === 'header' ? bericht.header.element : record);
      const location = element ? bericht.pad(element) : `/${root.name}/Header`;
      const isHeader = record === 'header';
      bevindingen.push({ regel: regel.id, retourcode: regel.retourcode, niveau: isHeader ? 'header' : 'record', location, ...(isHeader ? {} : { record }) });
      problems.push({ location, message: `${regel.omschrijving} (${regel.id})`, code: regel.retourcode });
    });
  }

  const records = new Map<XmlElement, string[]>();
  const headerCodes: string[] = [];
  for (const b of bevindingen) {
    const codes = b.record ? (records.get(b.record) ?? []) : headerCodes;
    if (b.record && !records.has(b.record)) records.set(b.record, codes);
    if (!codes.includes(b.retourcode) && codes.length < MAX_CODES) codes.push(b.retourcode);
  }
  const afgekeurd = bevindingen.length > 0;
  const header = afgekeurd ? ['0001', ...headerCodes.filter((c) => c !== '0001')].slice(0, MAX_CODES) : ['0200'];
  return { header, records, problems, afgekeurd, bevindingen };
}
