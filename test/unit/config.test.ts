import { describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { checkConfig, ConfigError, loadConfig } from '../../src/config/load.js';
import { readEnv } from '../../src/config/env.js';
import { projectRoot } from '../../src/util/paths.js';

const party = (id: string, kind = 'gemeente', code?: string) => ({ id, kind, name: id, ...(code ? { code } : {}), credentials: { apiKeys: [] } });

describe('configuration', () => {
  it('loads the example configuration', () => {
    const c = loadConfig(join(projectRoot(), 'config', 'knooppunt.yaml'));
    expect(c.parties.map((p) => p.id)).toContain('gemeente-0153');
    expect(c.routes.length).toBeGreaterThan(0);
  });

  it('names every inconsistency', () => {
    const bad = {
      parties: [party('gemeente-0153', 'gemeente', '12345678'), party('gemeente-0153')],
      destinations: [{ id: 'hook', type: 'webhook', url: 'http://x', party: 'nobody' }],
      routes: [{ id: 'route-r', match: { standard: 'json', messageType: 't', receiver: 'ghost' }, mapping: 'm', destinations: ['nowhere'] }],
    };
    try {
      checkConfig(bad, 'bad.yaml');
      throw new Error('expected a ConfigError');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems;
      expect(problems).toEqual(
        expect.arrayContaining([
          "party 'gemeente-0153' is defined twice",
          "party 'gemeente-0153': a gemeente has a 4-digit CBS code",
          "destination 'hook': unknown party 'nobody'",
          "route 'route-r': unknown destination 'nowhere'",
          "route 'route-r': unknown party 'ghost'",
        ]),
      );
    }
  });

  it('rejects unknown fields and malformed codes through the schema', () => {
    expect(() => checkConfig({ parties: [{ ...party('x1'), extra: 1 }], routes: [] })).toThrow(/party 'x1' has a field 'extra' that knooppunt does not know/);
    expect(() => checkConfig({ parties: [party('x1', 'gemeente', '15')], routes: [] })).toThrow(/party 'x1', field 'code' does not have the expected form/);
    expect(() => checkConfig({ parties: [], routes: [{ id: 'route-r', match: { standard: 'json', messageType: 't' }, mapping: 'm', destinations: [] }] })).toThrow(/route 'route-r', field 'destinations' needs at least 1 item/);
  });

  it('says in words which party, route or field is wrong, with a guess for a typo', () => {
    const problems = (raw: unknown): string[] => {
      try {
        checkConfig(raw, 'x.yaml');
      } catch (err) {
        if (err instanceof ConfigError) return err.problems;
        throw err;
      }
      return [];
    };
    const typo = problems({ parties: [{ ...party('gemeente-0153'), credentails: {} }], routes: [] });
    expect(typo.join('\n')).toMatch(/party 'gemeente-0153' has a field 'credentails' that knooppunt does not know \(did you mean 'credentials'\?\)/);
    const nested = problems({
      parties: [party('gemeente-0153')],
      routes: [{ id: 'wmo-301', match: { standard: 'json', messageType: 't', recever: 'x' }, mapping: 'm', destinations: ['mailbox-gemeente-0153'] }],
    });
    expect(nested.join('\n')).toMatch(/route 'wmo-301', field 'match' has a field 'recever' that knooppunt does not know \(did you mean 'receiver'\?\)/);
    const missing = problems({ parties: [{ id: 'p1', kind: 'gemeente', credentials: { apiKeys: [] } }], routes: [] });
    expect(missing.join('\n')).toMatch(/party 'p1' is missing the required field 'name'/);
    // No bare JSON pointers.
    for (const p of [...typo, ...nested, ...missing]) expect(p).not.toMatch(/^\//);
  });

  it('reads the environment with safe defaults and refuses nonsense', () => {
    const env = readEnv({});
    expect(env).toMatchObject({ port: 8080, production: false, databaseUrl: undefined, redisUrl: undefined });
    expect(readEnv({ NODE_ENV: 'production', PORT: '9000' })).toMatchObject({ production: true, port: 9000 });
    expect(() => readEnv({ PORT: 'eighty' })).toThrow(/PORT/);
  });
});
