/**
 * The StUF document worker pool (src/standards/stuf/grote-berichten.ts): a message validated in a
 * worker has the issues the main thread finds, with knooppunt's own schemas and with the official
 * folder (KNOOPPUNT_STUF_XSD_DIR); below the threshold no worker runs; a full pool refuses at once
 * with PoolBusyError and serves again afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GroteStufBerichten, stufDocument, valideerStufBericht } from '../../../src/standards/stuf/grote-berichten.js';
import { defaultStufSchemasDir, loadStufValidator, type StufValidator } from '../../../src/standards/stuf/validator.js';
import { PoolBusyError } from '../../../src/util/worker-pool.js';
import { parseXml } from '../../../src/xml/parse.js';
import { bericht, corpusPresent, OFFICIAL, withStufCorpus } from '../../helpers/stuf-corpus.js';

const schemasDir = defaultStufSchemasDir();

withStufCorpus('the StUF document worker pool', () => {
  const geldig = corpusPresent ? bericht('stp-voegzaakdocumenttoe-edclk01-03.xml', {}, '0153', 'zds12') : '';
  const ongeldig = geldig.replace('<ZKN:titel>titel</ZKN:titel>', '<ZKN:titel>titel</ZKN:titel><ZKN:onbekendVeld>x</ZKN:onbekendVeld>');

  describe.each([
    { bron: 'knooppunt', officialDir: undefined },
    { bron: 'officieel', officialDir: OFFICIAL },
  ])('with the $bron schemas', ({ officialDir }) => {
    let schemas: StufValidator;
    let grote: GroteStufBerichten;
    beforeAll(async () => {
      schemas = await loadStufValidator({ schemasDir, ...(officialDir ? { officialDir } : {}) });
      grote = new GroteStufBerichten({ schemasDir, ...(officialDir ? { officialDir } : {}) }, 1024, { size: 1, maxQueued: 1 });
    }, 120_000);
    afterAll(async () => {
      await grote.close();
    });

    it('a worker finds what the main thread finds', async () => {
      const voor = grote.pool.completed;
      const el = parseXml(ongeldig);
      const inWorker = await valideerStufBericht(schemas, grote, el, 4096);
      expect(inWorker.length).toBeGreaterThan(0);
      expect(inWorker).toEqual(schemas.validate(stufDocument(el)));
      expect(await valideerStufBericht(schemas, grote, parseXml(geldig), 4096)).toEqual([]);
      expect(grote.pool.completed - voor).toBe(2);
    }, 120_000);

    it('below the threshold no worker runs', async () => {
      const voor = grote.pool.completed;
      expect(await valideerStufBericht(schemas, grote, parseXml(ongeldig), 1023)).toEqual(schemas.validate(stufDocument(parseXml(ongeldig))));
      expect(grote.pool.completed).toBe(voor);
    });

    it('refuses at once when the worker and its queue are full, and serves again afterwards', async () => {
      const voor = grote.pool.completed;
      const eerste = grote.valideer(geldig); // runs
      const tweede = grote.valideer(geldig); // waits (queue of 1)
      await expect(grote.valideer(geldig)).rejects.toBeInstanceOf(PoolBusyError);
      expect(await eerste).toEqual([]);
      expect(await tweede).toEqual([]);
      expect(await grote.valideer(ongeldig)).toEqual(schemas.validate(ongeldig));
      expect(grote.pool.completed - voor).toBe(3);
    }, 120_000);
  });
});
