/**
 * A large bericht waits for its document worker to start, and every worker holds what it loaded:
 * the iStandaarden worker loads libxml2 and knooppunt's own modules only, not the XML writer
 * (xmlbuilder2), the mapping engine (ajv, yaml) or anything else the gateway needs beside it.
 */
import { describe, expect, it } from '@jest/globals';
import { packagesLoadedBy } from '../../helpers/import-graph.js';

describe('the iStandaarden document worker', () => {
  it('loads libxml2-wasm and no other package', () => {
    expect([...packagesLoadedBy('src/standards/istandaarden/document-worker.ts')]).toEqual(['libxml2-wasm']);
  });

  it('the import graph helper sees packages behind relative imports', () => {
    // The route mappings, which the worker no longer imports, reach the mapping engine.
    const viaMappings = packagesLoadedBy('src/standards/istandaarden/route-mappings.ts');
    expect(viaMappings.has('ajv') || viaMappings.has('yaml')).toBe(true);
  });
});
