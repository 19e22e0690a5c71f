/**
 * A new embedded database can start from a template tarball instead of initdb (src/store/pglite.ts):
 * the first one writes it before anything is stored, later new ones load it, an existing data
 * directory never uses it. Counted with the start counters, not timed.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../../src/store/open.js';
import { pgliteStarts } from '../../../src/store/pglite.js';

const dir = mkdtempSync(join(tmpdir(), 'kp-template-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('PGlite template for new databases', () => {
  it('is written by the first new database and loaded by the next, which starts empty and migrated', async () => {
    const template = join(dir, 'template.tar');
    const before = { ...pgliteStarts };
    const eerste = await openStore({ dataDir: join(dir, 'a'), pgliteTemplate: template });
    expect(existsSync(template)).toBe(true);
    await eerste.query('CREATE TABLE alleen_in_a (x int)');
    await eerste.query('INSERT INTO alleen_in_a VALUES (1)');
    const tweede = await openStore({ dataDir: join(dir, 'b'), pgliteTemplate: template });
    const geheugen = await openStore({ pgliteTemplate: template });
    try {
      expect([pgliteStarts.initdb - before.initdb, pgliteStarts.fromTemplate - before.fromTemplate]).toEqual([1, 2]);
      for (const db of [tweede, geheugen]) {
        expect((await db.query(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'alleen_in_a'`)).rows[0]).toEqual({ n: 0 });
        // The migrations ran on the loaded database as on a new one.
        const tabellen = await db.query(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'`);
        const bij_a = await eerste.query(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'`);
        expect(tabellen.rows[0]).toEqual({ n: (bij_a.rows[0] as { n: number }).n - 1 });
      }
    } finally {
      await eerste.close();
      await tweede.close();
      await geheugen.close();
    }
    // Reopening an existing directory keeps its data and touches no template.
    const mid = { ...pgliteStarts };
    const weer = await openStore({ dataDir: join(dir, 'a'), pgliteTemplate: template });
    try {
      expect((await weer.query('SELECT x FROM alleen_in_a')).rows).toEqual([{ x: 1 }]);
      expect(pgliteStarts).toEqual(mid);
    } finally {
      await weer.close();
    }
  }, 120_000);
});
