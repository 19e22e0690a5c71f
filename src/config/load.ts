import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { createAjv } from '../util/ajv.js';
import { projectRoot } from '../util/paths.js';
import { SEALED_METADATA_FIELDS, SEALED_STANDARD } from '../standards/sealed/standard.js';
import { closest, explainSchemaErrors } from './explain.js';
import { isRegioRef, partiesOfRegio, type RegioRef } from '../routing/regions.js';
import type { GatewayConfig, RouteConfig } from './types.js';

const SCHEMA_PATH = join(projectRoot(), 'schemas', 'config.schema.json');

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

/** Reads, schema-checks and cross-checks the configuration file; refuses anything inconsistent. */
export function loadConfig(file: string): GatewayConfig {
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(file, [(err as Error).message]);
  }
  return checkConfig(raw, file);
}

export function checkConfig(raw: unknown, file = '<config>'): GatewayConfig {
  // verbose: the errors carry their schema, so an unknown field can be compared with the known ones.
  const ajv = createAjv({ verbose: true });
  const validate = ajv.compile<GatewayConfig>(JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')));
  if (!validate(raw)) throw new ConfigError(file, explainSchemaErrors(raw, validate.errors ?? []));
  const config = raw;
  const problems: string[] = [];
  const partyIds = new Set<string>();
  for (const p of config.parties) {
    if (partyIds.has(p.id)) problems.push(`party '${p.id}' is defined twice`);
    partyIds.add(p.id);
    if (p.kind === 'gemeente' && p.code !== undefined && !/^\d{4}$/.test(p.code))
      problems.push(`party '${p.id}': a gemeente has a 4-digit CBS code`);
    if (p.kind === 'aanbieder' && p.code !== undefined && !/^\d{8}$/.test(p.code))
      problems.push(`party '${p.id}': an aanbieder has an 8-digit AGB code`);
  }
  const codes = new Map<string, string>();
  for (const p of config.parties) {
    if (!p.code) continue;
    const key = `${p.kind}:${p.code}`;
    if (codes.has(key)) problems.push(`parties '${codes.get(key)}' and '${p.id}' share ${p.kind} code ${p.code}`);
    codes.set(key, p.id);
  }
  const destinationIds = new Set<string>();
  for (const d of config.destinations ?? []) {
    if (destinationIds.has(d.id)) problems.push(`destination '${d.id}' is defined twice`);
    destinationIds.add(d.id);
    if (d.party !== undefined && !partyIds.has(d.party)) problems.push(`destination '${d.id}': unknown party '${d.party}'`);
  }
  for (const p of config.parties) {
    if (p.deliverTo && p.deliverTo !== 'mailbox' && !destinationIds.has(p.deliverTo))
      problems.push(`party '${p.id}': deliverTo names unknown destination '${p.deliverTo}'`);
  }
  checkRegios(config, problems);
  const routeIds = new Set<string>();
  // Every party has an implicit pick-up mailbox, `mailbox-<party id>`.
  const mailboxIds = new Set(config.parties.map((p) => `mailbox-${p.id}`));
  for (const r of config.routes) {
    if (routeIds.has(r.id)) problems.push(`route '${r.id}' is defined twice`);
    routeIds.add(r.id);
    for (const d of r.destinations) {
      if (d !== '$receiver' && !destinationIds.has(d) && !mailboxIds.has(d)) problems.push(`route '${r.id}': unknown destination '${d}'`);
    }
    for (const [side, selector] of [['sender', r.match.sender], ['receiver', r.match.receiver]] as const) {
      if (isRegioRef(selector)) {
        checkRegioRef(config, `route '${r.id}': ${side}`, selector, problems);
        continue;
      }
      for (const who of [selector].flat()) {
        if (who !== undefined && !who.includes('*') && !partyIds.has(who))
          problems.push(`route '${r.id}': unknown party '${who}'`);
      }
    }
    checkSealedRoute(r, problems);
  }
  const bronIds = new Set<string>();
  for (const b of config.bronnen ?? []) {
    if (bronIds.has(b.id)) problems.push(`bron '${b.id}' is defined twice`);
    bronIds.add(b.id);
    if (!partyIds.has(b.party)) problems.push(`bron '${b.id}': unknown party '${b.party}'`);
    if (b.type === 'soap' && !b.soapAction) problems.push(`bron '${b.id}': a SOAP source needs a soapAction`);
  }
  const bevragingIds = new Set<string>();
  const doelen = new Set<string>();
  for (const v of config.bevragingen ?? []) {
    if (bevragingIds.has(v.id)) problems.push(`bevraging '${v.id}' is defined twice`);
    bevragingIds.add(v.id);
    // One route per dienst and doel: the purpose decides the route, so it must not be ambiguous.
    if (doelen.has(`${v.dienst}/${v.doel}`)) problems.push(`bevraging '${v.id}': dienst '${v.dienst}' with doel '${v.doel}' is configured twice`);
    doelen.add(`${v.dienst}/${v.doel}`);
    if (!bronIds.has(v.bron)) problems.push(`bevraging '${v.id}': unknown bron '${v.bron}'`);
    for (const who of v.partijen) if (!who.includes('*') && !partyIds.has(who)) problems.push(`bevraging '${v.id}': unknown party '${who}'`);
  }
  const userIds = new Set<string>();
  for (const u of config.console?.users ?? []) {
    if (userIds.has(u.id)) problems.push(`console user '${u.id}' is defined twice`);
    userIds.add(u.id);
  }
  if (problems.length > 0) throw new ConfigError(file, problems);
  return config;
}

/**
 * Sealed envelopes are never opened: a sealed route is never mapped (mapping `passthrough` or absent,
 * set to `passthrough`), matches standard `sealed` only, and its content conditions name envelope
 * metadata only. Standard `sealed` is carried by sealed routes only.
 */
function checkSealedRoute(r: RouteConfig, problems: string[]): void {
  if (!r.sealed) {
    if (r.match.standard === SEALED_STANDARD) problems.push(`route '${r.id}': standard '${SEALED_STANDARD}' carries sealed envelopes; its routes need sealed: true`);
    if (r.mapping === 'passthrough') problems.push(`route '${r.id}': mapping 'passthrough' is only for sealed routes`);
    return;
  }
  if ((r as { mapping?: string }).mapping === undefined) r.mapping = 'passthrough';
  else if (r.mapping !== 'passthrough') problems.push(`route '${r.id}': a sealed route is never mapped (mapping must be 'passthrough' or absent, not '${r.mapping}')`);
  if (r.match.standard !== SEALED_STANDARD) problems.push(`route '${r.id}': a sealed route matches standard '${SEALED_STANDARD}'`);
  for (const c of r.match.content ?? []) {
    if (!SEALED_METADATA_FIELDS.has(c.path))
      problems.push(`route '${r.id}': a sealed route can only look at envelope metadata (${[...SEALED_METADATA_FIELDS].join(', ')}), not '${c.path}'`);
  }
}

/** Regions are defined once: unique ids, each gemeente once, not again as a contract grouping. */
function checkRegios(config: GatewayConfig, problems: string[]): void {
  const ids = new Set<string>();
  for (const regio of config.regios ?? []) {
    if (ids.has(regio.id)) problems.push(`region '${regio.id}' is defined twice`);
    ids.add(regio.id);
    const seen = new Set<string>();
    for (const code of regio.gemeenten) {
      if (seen.has(code)) problems.push(`region '${regio.id}' lists gemeente ${code} twice`);
      seen.add(code);
    }
  }
  for (const g of config.contracten?.groeperingen ?? []) {
    if (ids.has(g.id)) problems.push(`region '${g.id}' is defined under regios and again under contracten.groeperingen; define it once, under regios (the contract insight views use the regions too)`);
  }
}

/** A route's `{ regio, behalve }`: known regions, `behalve` naming gemeenten of them, and at least one party left. */
function checkRegioRef(config: GatewayConfig, where: string, ref: RegioRef, problems: string[]): void {
  const known = (config.regios ?? []).map((r) => r.id);
  let unknown = false;
  for (const id of [ref.regio].flat()) {
    if (known.includes(id)) continue;
    unknown = true;
    const guess = closest(id, known);
    problems.push(
      known.length === 0
        ? `${where} names region '${id}', but the configuration defines no regions (add it under regios: with its gemeenten)`
        : `${where} names region '${id}', which is not defined under regios${guess ? ` (did you mean '${guess}'?)` : ` (known regions: ${known.join(', ')})`}`,
    );
  }
  if (unknown) return;
  const members = new Set(partiesOfRegio({ regio: ref.regio }, config));
  for (const who of ref.behalve ?? []) {
    if (!members.has(who)) problems.push(`${where}: behalve names '${who}', which is not a gemeente party of region '${[ref.regio].flat().join("', '")}'`);
  }
  if (partiesOfRegio(ref, config).length === 0) {
    problems.push(`${where}: region '${[ref.regio].flat().join("', '")}' leaves no party to match: none of its gemeenten is the code of a party of kind gemeente${ref.behalve?.length ? ' (after behalve)' : ''}`);
  }
}
