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
    expect(() => checkConfig({ parties: [{ ...party('x1'), extra: 1 }], routes: [] })).toThrow(/must NOT have additional properties/);
    expect(() => checkConfig({ parties: [party('x1', 'gemeente', '15')], routes: [] })).toThrow(/code/);
    expect(() => checkConfig({ parties: [], routes: [{ id: 'route-r', match: { standard: 'json', messageType: 't' }, mapping: 'm', destinations: [] }] })).toThrow(/fewer than 1/);
  });

  it('reads the environment with safe defaults and refuses nonsense', () => {
    const env = readEnv({});
    expect(env).toMatchObject({ port: 8080, production: false, databaseUrl: undefined, redisUrl: undefined });
    expect(readEnv({ NODE_ENV: 'production', PORT: '9000' })).toMatchObject({ production: true, port: 9000 });
    expect(() => readEnv({ PORT: 'eighty' })).toThrow(/PORT/);
  });
});
