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
      query: async (sql: string) => {
        open++;
        most = Math.max(most, open);
        // Each query answers once every other one had the chance to start.
        await new Promise((resolve) => setTimeout(resolve, 20));
        open--;
        if (sql.includes('istandaarden_toewijzingen')) {
          return { rows: [{ toewijzing_nummer: 'T1', aanbieder: 'A', ingangsdatum: '2026-01-01', einddatum: null, categorie: '45', code: null, volume: null, eenheid: null, frequentie: null, budget: null, reden_wijziging: null }], rowCount: 1 };
        }
        if (sql.includes('istandaarden_prestaties')) return { rows: [{ referentie_nummer: 'R1' }], rowCount: 1 };
        return { rows: [{ toewijzing_nummer: 'T1', begindatum: '2026-02-01', reden_beeindiging: '02', einddatum: '2026-03-01' }], rowCount: 1 };
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
