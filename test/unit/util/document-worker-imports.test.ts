/**
 * A large document waits for its worker to start, and every worker holds what it loaded: the
 * document workers (iJw/iWmo, StUF) load libxml2 and knooppunt's own modules only, not the XML
 * writer (xmlbuilder2), the mapping engine (ajv, yaml) or anything else the gateway needs beside them.
 */
import { describe, expect, it } from '@jest/globals';
import { packagesLoadedBy } from '../../helpers/import-graph.js';

describe('the document workers', () => {
  it.each(['src/standards/istandaarden/document-worker.ts', 'src/standards/stuf/document-worker.ts'])('%s loads libxml2-wasm and no other package', (worker) => {
    expect([...packagesLoadedBy(worker)]).toEqual(['libxml2-wasm']);
  });

  it('the import graph follows relative imports to the packages behind them', () => {
    // The modules the workers no longer import: the route mappings reach the mapping engine, the
    // gateway's StUF schemas module the XML writer.
    const viaMappings = packagesLoadedBy('src/standards/istandaarden/route-mappings.ts');
    expect(viaMappings.has('ajv') && viaMappings.has('yaml')).toBe(true);
    expect(packagesLoadedBy('src/standards/stuf/grote-berichten.ts').has('xmlbuilder2')).toBe(true);
  });
});
