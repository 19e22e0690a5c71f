/**
 * Regions: named sets of gemeenten (CBS codes), defined once under `regios:` in the configuration.
 * A route addresses every gemeente of a region with `sender` or `receiver: { regio: twente }`
 * (optionally `behalve: [gemeente-0164]`), so a gemeente added to the region, or a party added for
 * a gemeente of the region, gets the region's routes without editing each route.
 *
 * A region matches the parties of kind `gemeente` whose `code` is one of its gemeenten.
 */
import type { GatewayConfig, PartySelector, RegioConfig } from '../config/types.js';

export interface RegioRef {
  regio: string | string[];
  behalve?: string[];
}

export function isRegioRef(selector: PartySelector | undefined): selector is RegioRef {
  return selector !== undefined && typeof selector === 'object' && !Array.isArray(selector);
}

/** The regions of the configuration, by id. */
export function regiosById(config: Pick<GatewayConfig, 'regios'>): Map<string, RegioConfig> {
  return new Map((config.regios ?? []).map((r) => [r.id, r]));
}

/** The party ids a region reference stands for (gemeenten of the regions, without `behalve`), sorted. */
export function partiesOfRegio(ref: RegioRef, config: Pick<GatewayConfig, 'parties' | 'regios'>): string[] {
  const regios = regiosById(config);
  const codes = new Set([ref.regio].flat().flatMap((id) => regios.get(id)?.gemeenten ?? []));
  const except = new Set(ref.behalve ?? []);
  return config.parties
    .filter((p) => p.kind === 'gemeente' && p.code !== undefined && codes.has(p.code) && !except.has(p.id))
    .map((p) => p.id)
    .sort();
}

/**
 * A route's sender or receiver as the list of party-id patterns it matches (`*` wildcards), with a
 * region expanded to its gemeenten's parties. `undefined`: any party.
 */
export function partyPatterns(selector: PartySelector | undefined, config: Pick<GatewayConfig, 'parties' | 'regios'>): string[] | undefined {
  if (selector === undefined) return undefined;
  if (isRegioRef(selector)) return partiesOfRegio(selector, config);
  return [selector].flat();
}

/**
 * What check-config tells about the regions beyond errors: how many of each region's gemeenten
 * have a party, and which do not (they get the region's routes as soon as a party with that code
 * is added; until then nothing can be sent to them).
 */
export function regioNotes(config: Pick<GatewayConfig, 'parties' | 'regios'>): string[] {
  const codes = new Set(config.parties.filter((p) => p.kind === 'gemeente' && p.code !== undefined).map((p) => p.code!));
  return (config.regios ?? []).map((r) => {
    const missing = r.gemeenten.filter((g) => !codes.has(g));
    return `region '${r.id}': ${r.gemeenten.length} gemeenten, ${r.gemeenten.length - missing.length} with a party` + (missing.length ? ` (no party of kind gemeente yet for ${missing.join(', ')})` : '');
  });
}
