/**
 * Zaken stored before the initiator index (migration 121) have no zaak_initiatoren row. At start
 * the gateway indexes them (ZaakRegister.indexeerOudeInitiatoren), so zakLv01 finds them after a
 * restart; the pass is idempotent and works in bounded batches, on both stores.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateMasterKey, keyRingFrom, parseMasterKey } from '../../../src/log/keys.js';
import type { Db } from '../../../src/store/db.js';
import { openStore } from '../../../src/store/open.js';
import { ZaakRegister } from '../../../src/zaken/zaak-register.js';
import { freshPostgresUrl, TEST_PGLITE_TEMPLATE } from '../../helpers/stores.js';

const BSN = '123456782';
const ring = keyRingFrom(parseMasterKey(generateMasterKey()));

/** A store that can be closed and opened again with its data: a PGlite data directory or a PostgreSQL schema. */
const CASES: Array<{ name: string; plek: () => Promise<() => Promise<Db>> }> = [
  {
    name: 'pglite',
    plek: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'kp-backfill-'));
      opruimen.push(() => rmSync(dir, { recursive: true, force: true }));
      return () => openStore({ dataDir: dir, pgliteTemplate: TEST_PGLITE_TEMPLATE });
    },
  },
  { name: 'postgres', plek: async () => { const url = await freshPostgresUrl(); return () => openStore({ databaseUrl: url }); } },
];
const opruimen: Array<() => void> = [];
afterEach(() => { while (opruimen.length) opruimen.pop()!(); });

describe.each(CASES)('initiators of old zaken on $name', ({ plek }) => {
  it('a zaak without its zaak_initiatoren row is found by zakenVanBurger after a restart; a second pass does nothing', async () => {
    const open = await plek();
    let db = await open();
    const ids = ['0153-2020-0000001', '0153-2020-0000002', '0153-2020-0000003'];
    try {
      const register = new ZaakRegister(db, ring);
      for (const id of ids) await register.bewaarZaak(db, { identificatie: id, bronorganisatie: '0153', initiator: { type: 'natuurlijkPersoon', bsn: BSN } }, randomUUID());
      await register.bewaarZaak(db, { identificatie: '0153-2020-0000004', bronorganisatie: '0153' }, randomUUID());
      // Written the old way: no index row.
      await db.query('DELETE FROM zaak_initiatoren');
      expect((await register.zakenVanBurger(BSN, '0153', 10)).zaken).toEqual([]);
    } finally {
      await db.close();
    }
    db = await open();
    try {
      const register = new ZaakRegister(db, ring);
      // Batches of 2 over 4 zaken: the keyset scan goes on past a full batch.
      expect(await register.indexeerOudeInitiatoren(2)).toEqual({ gelezen: 4, geindexeerd: 3, onleesbaar: 0 });
      expect((await register.zakenVanBurger(BSN, '0153', 10)).zaken.map((z) => z.identificatie).sort()).toEqual(ids);
      // Idempotent: the indexed zaken are not read again; the one without a BSN is read, and stays without.
      expect(await register.indexeerOudeInitiatoren(2)).toEqual({ gelezen: 1, geindexeerd: 0, onleesbaar: 0 });
      const rijen = await db.query<{ n: string | number }>('SELECT count(*) AS n FROM zaak_initiatoren');
      expect(Number(rijen.rows[0]!.n)).toBe(3);
      const lek = await db.query<{ n: string | number }>('SELECT count(*) AS n FROM zaak_initiatoren t WHERE row_to_json(t)::text LIKE $1', [`%${BSN}%`]);
      expect(Number(lek.rows[0]!.n)).toBe(0);
    } finally {
      await db.close();
    }
  }, 120_000);
});
