/**
 * A route addresses every gemeente of a region (`receiver: { regio: twente }`, src/routing/regions.ts):
 * - a gemeente added to the region, or a party added for a gemeente of the region, gets the route
 *   without the route changing; `behalve` leaves a party out;
 * - the Twente example routes iWmo to all of its gemeenten but Hengelo through the region;
 * - check-config explains a mistake in words: an unknown region (with a guess), a misspelt field,
 *   `behalve` naming a non-member, a region that leaves nobody, a region defined twice or also as a
 *   contract grouping, a bad CBS code.
 */
import { describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { checkConfig, ConfigError, loadConfig } from '../../src/config/load.js';
import type { GatewayConfig, PartyConfig } from '../../src/config/types.js';
import { processingRegister } from '../../src/console/api/transparency.js';
import { PartyRegistry } from '../../src/parties/registry.js';
import { DestinationRegistry } from '../../src/routing/destinations.js';
import { regioNotes } from '../../src/routing/regions.js';
import { Router } from '../../src/routing/router.js';
import { projectRoot } from '../../src/util/paths.js';

const gemeente = (code: string): PartyConfig => ({ id: `gemeente-${code}`, kind: 'gemeente', name: code, code, credentials: { apiKeys: [] } });
const aanbieder: PartyConfig = { id: 'aanbieder-12345678', kind: 'aanbieder', name: 'A', code: '12345678', credentials: { apiKeys: [] } };

function region(gemeenten: string[], parties: PartyConfig[], receiver: GatewayConfig['routes'][number]['match']['receiver'] = { regio: 'oost' }): GatewayConfig {
  return {
    parties: [aanbieder, ...parties],
    regios: [{ id: 'oost', naam: 'Regio Oost', gemeenten }],
    routes: [{ id: 'wmo-naar-gemeente', match: { standard: 'iwmo', messageType: 'WMO*', receiver }, mapping: 'm', destinations: ['$receiver'] }],
  };
}

function receivers(config: GatewayConfig): string[] {
  const checked = checkConfig(structuredClone(config));
  const router = new Router(checked, new DestinationRegistry(checked, new PartyRegistry(checked)));
  return checked.parties
    .filter((p) => router.plan({ standard: 'iwmo', messageType: 'WMO301', sender: aanbieder.id, receiver: p.id, body: {} }).length > 0)
    .map((p) => p.id);
}

function problems(raw: unknown): string[] {
  try {
    checkConfig(raw, 'x.yaml');
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('routes to a region', () => {
  it('reach every gemeente of the region, and a gemeente added to the region gets the route unchanged', () => {
    const parties = ['0141', '0147', '0153', '9999'].map(gemeente);
    expect(receivers(region(['0141', '0147', '0153'], parties))).toEqual(['gemeente-0141', 'gemeente-0147', 'gemeente-0153']);
    // The route is the same object; only the region's list grew.
    expect(receivers(region(['0141', '0147', '0153', '9999'], parties))).toEqual(['gemeente-0141', 'gemeente-0147', 'gemeente-0153', 'gemeente-9999']);
    // A party added later for a code already in the region is reached as well.
    expect(receivers(region(['0141', '0147', '0153', '0164'], [...parties, gemeente('0164')]))).toContain('gemeente-0164');
  });

  it('leaves out the parties in behalve, and combines regions', () => {
    const parties = ['0141', '0153', '0164', '0200'].map(gemeente);
    expect(receivers(region(['0141', '0153', '0164'], parties, { regio: 'oost', behalve: ['gemeente-0164'] }))).toEqual(['gemeente-0141', 'gemeente-0153']);
    const two: GatewayConfig = { ...region(['0141'], parties, { regio: ['oost', 'west'] }), regios: [{ id: 'oost', naam: 'O', gemeenten: ['0141'] }, { id: 'west', naam: 'W', gemeenten: ['0200'] }] };
    expect(receivers(two)).toEqual(['gemeente-0141', 'gemeente-0200']);
    // Only gemeenten: an aanbieder that happens to share nothing is never a member.
    expect(receivers(region(['0141'], parties))).not.toContain(aanbieder.id);
  });

  it('route iWmo in the Twente example to every gemeente of the region but Hengelo, and name them in the processing register', () => {
    const config = loadConfig(join(projectRoot(), 'config', 'knooppunt.yaml'));
    const router = new Router(config, new DestinationRegistry(config, new PartyRegistry(config)));
    const twente = config.regios!.find((r) => r.id === 'twente')!;
    expect(twente.gemeenten).toHaveLength(14);
    const json = (id: string) => router.plan({ standard: 'iwmo', messageType: 'WMO305', sender: 'aanbieder-12345678', receiver: id, body: {} }).map((p) => p.route.id);
    for (const code of twente.gemeenten) expect([code, json(`gemeente-${code}`)]).toEqual([code, code === '0164' ? ['iwmo-naar-hengelo-xml'] : ['iwmo-naar-gemeente']]);
    const row = processingRegister(config, 2555).find((r) => r.id === 'iwmo-naar-gemeente')!;
    expect(row.recipients).toHaveLength(13);
    expect(row.recipients).not.toContain('gemeente-0164');
    expect(regioNotes(config)).toEqual(["region 'twente': 14 gemeenten, 14 with a party"]);
  });
});

describe('check-config on regions', () => {
  const parties = ['0141', '0153'].map(gemeente);

  it('names an unknown region, with a guess, or says that none is defined', () => {
    expect(problems(region(['0141'], parties, { regio: 'oots' }))).toEqual(["route 'wmo-naar-gemeente': receiver names region 'oots', which is not defined under regios (did you mean 'oost'?)"]);
    expect(problems(region(['0141'], parties, { regio: 'noord' }))).toEqual(["route 'wmo-naar-gemeente': receiver names region 'noord', which is not defined under regios (known regions: oost)"]);
    expect(problems({ ...region(['0141'], parties), regios: undefined })).toEqual([
      "route 'wmo-naar-gemeente': receiver names region 'oost', but the configuration defines no regions (add it under regios: with its gemeenten)",
    ]);
  });

  it('explains a misspelt field of the region reference and of a region in words, not as a JSON pointer', () => {
    const typo = problems(region(['0141'], parties, { regoi: 'oost' } as never));
    expect(typo.join('\n')).toMatch(/route 'wmo-naar-gemeente', field 'match\.receiver' has a field 'regoi' that knooppunt does not know \(did you mean 'regio'\?\)/);
    expect(typo.join('\n')).not.toMatch(/must be a string|must be an array|\/routes\/0/);
    const code = problems({ ...region(['141'], parties) });
    expect(code).toEqual([`region 'oost', field 'gemeenten[0]' does not have the expected form (^\\d{4}$)`]);
    const missing = problems({ ...region(['0141'], parties), regios: [{ id: 'oost', gemeenten: ['0141'] }] });
    expect(missing).toEqual(["region 'oost' is missing the required field 'naam'"]);
  });

  it('refuses behalve naming a non-member, a region that leaves nobody, and a region defined twice', () => {
    expect(problems(region(['0141', '0153'], parties, { regio: 'oost', behalve: ['gemeente-0164'] }))).toEqual([
      "route 'wmo-naar-gemeente': receiver: behalve names 'gemeente-0164', which is not a gemeente party of region 'oost'",
    ]);
    expect(problems(region(['0999'], parties))).toEqual([
      "route 'wmo-naar-gemeente': receiver: region 'oost' leaves no party to match: none of its gemeenten is the code of a party of kind gemeente",
    ]);
    expect(problems(region(['0141', '0141'], parties))).toEqual(["region 'oost' lists gemeente 0141 twice"]);
    const twice = { ...region(['0141'], parties), regios: [{ id: 'oost', naam: 'O', gemeenten: ['0141'] }, { id: 'oost', naam: 'O2', gemeenten: ['0153'] }] };
    expect(problems(twice)).toEqual(["region 'oost' is defined twice"]);
    const grouping = { ...region(['0141'], parties), contracten: { groeperingen: [{ id: 'oost', naam: 'O', gemeenten: ['0141'] }] } };
    expect(problems(grouping)[0]).toMatch(/^region 'oost' is defined under regios and again under contracten\.groeperingen; define it once, under regios/);
  });

  it('reports the gemeenten of a region that have no party yet', () => {
    expect(regioNotes(checkConfig(region(['0141', '0153', '0164'], parties)))).toEqual(["region 'oost': 3 gemeenten, 2 with a party (no party of kind gemeente yet for 0164)"]);
  });
});
