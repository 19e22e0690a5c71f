/**
 * The register's view for one bericht fetches what the bericht names (its toewijzingen, its
 * prestatie-referenties and, for a stop, the earlier stops) with independent queries that run
 * side by side, not one after the other: for a 10,000-line declaratie each is a round trip with
 * thousands of rows.
 */
import { describe, expect, it } from '@jest/globals';
import { DbRegister } from '../../../src/standards/istandaarden/register-db.js';
import type { Db } from '../../../src/store/db.js';
import { parseXml } from '../../../src/xml/parse.js';

describe('DbRegister.voorBericht', () => {
  it('runs its lookups side by side, and answers from them', async () => {
    let open = 0;
    let most = 0;
    const db = {
      // PGlite's form of the lookups (src/store/select-many.ts): the rows as one JSON text.
      driver: 'pglite',
      query: async (sql: string) => {
        open++;
        most = Math.max(most, open);
        // Each query answers once every other one had the chance to start.
        await new Promise((resolve) => setTimeout(resolve, 20));
        open--;
        // Each lookup's rows in its column order.
        const rijen = (waarden: unknown[][]) => ({ rows: [{ rijen: JSON.stringify(waarden) }], rowCount: 1 });
        if (sql.includes('istandaarden_toewijzingen')) return rijen([['T1', 'A', '2026-01-01', null, '45', null, null, null, null, null, null]]);
        if (sql.includes('istandaarden_prestaties')) return rijen([['R1']]);
        return rijen([['T1', '2026-02-01', '02', '2026-03-01']]);
      },
    } as unknown as Db;
    const root = parseXml(Buffer.from('<Bericht><ToewijzingNummer>T1</ToewijzingNummer><ReferentieNummer>R1</ReferentieNummer><ReferentieNummer>R2</ReferentieNummer><RedenBeeindiging>02</RedenBeeindiging></Bericht>'));
    const view = await new DbRegister(db, () => []).voorBericht('ijw', root, 'G', 'A');
    expect(most).toBe(3);
    expect(await view.toewijzing('ijw', 'G', 'A', 'T1')).toEqual({ ingangsdatum: '2026-01-01', product: { categorie: '45' } });
    expect(await view.prestatieReferentieBekend('ijw', 'A', 'R1')).toBe(true);
    expect(await view.prestatieReferentieBekend('ijw', 'A', 'R2')).toBe(false);
    expect(await view.stops('ijw', 'G', 'A', 'T1')).toEqual([{ begindatum: '2026-02-01', einddatum: '2026-03-01', redenBeeindiging: '02' }]);
  });
});
