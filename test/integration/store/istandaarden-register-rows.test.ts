/**
 * What an accepted 301 adds to the register is written in one statement, however many
 * toewijzingen the bericht holds (it was a round trip per toewijzing inside the accepting
 * transaction); a number twice in one bericht keeps the later one, as before. Read back for a
 * bericht that names them all (on PGlite as one row of JSON per lookup), they say what the lookup
 * of each one on its own says. On both stores.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { readHeader } from '../../../src/standards/istandaarden/header.js';
import { DbRegister, registreerGeaccepteerd } from '../../../src/standards/istandaarden/register-db.js';
import type { Db, Queryable, QueryResult } from '../../../src/store/db.js';
import { parseXml } from '../../../src/xml/parse.js';
import { fixture } from '../../helpers/istandaarden.js';
import { rowCounting, STORE_CASES } from '../../helpers/stores.js';

/** The example 301 with `n` more toewijzingen after its own; the last repeats the first number with another Einddatum. */
function groot301(n: number): string {
  const xml = fixture('ijw', 'jw301.xml');
  const product = (nummer: string, eind: string) =>
    `<jw301:ToegewezenProduct><jw301:ToewijzingNummer>${nummer}</jw301:ToewijzingNummer><jw301:Product><ijw:Categorie>45</ijw:Categorie><ijw:Code>45A48</ijw:Code></jw301:Product>` +
    `<jw301:Toewijzingsdatum>2026-09-28</jw301:Toewijzingsdatum><jw301:Toewijzingstijd>10:15:00</jw301:Toewijzingstijd><jw301:Ingangsdatum>2026-10-01</jw301:Ingangsdatum>` +
    `<jw301:Einddatum>${eind}</jw301:Einddatum><jw301:Omvang><ijw:Volume>${n}</ijw:Volume><ijw:Eenheid>04</ijw:Eenheid><ijw:Frequentie>2</ijw:Frequentie></jw301:Omvang></jw301:ToegewezenProduct>`;
  const extra = Array.from({ length: n }, (_, i) => product(String(32000000 + i), '2026-12-31')).join('') + product('31000011', '2026-11-30');
  return xml.replace('</jw301:ToegewezenProducten>', `${extra}</jw301:ToegewezenProducten>`);
}

describe.each(STORE_CASES)('iStandaarden register rows on $name', ({ open }) => {
  let db: Db;
  beforeAll(async () => {
    db = await open();
  });
  afterAll(async () => {
    await db.close();
  });

  it('a 301 of 600 toewijzingen in a few statements, the later of a repeated number kept', async () => {
    const xml = groot301(600);
    const root = parseXml(xml);
    const prepared = { standaard: 'ijw' as const, nummer: '301' as const, header: readHeader(root), root, xml };
    let statements = 0;
    await db.transaction(async (tx) => {
      const counting: Queryable = { ...(tx.maxParams !== undefined ? { maxParams: tx.maxParams } : {}), query: <R>(sql: string, params?: unknown[]): Promise<QueryResult<R>> => (statements++, tx.query<R>(sql, params)) };
      await registreerGeaccepteerd(counting, prepared, randomUUID());
    });
    // PGlite keeps its statements short (4,000 parameters), PostgreSQL takes them all at once.
    expect(statements).toBeLessThanOrEqual(db.driver === 'postgres' ? 1 : 4);
    const r = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM istandaarden_toewijzingen WHERE standaard = 'ijw'`);
    expect(r.rows[0]!.n).toBe(602);
    const herhaald = await db.query<{ einddatum: string; volume: number; budget: number | null }>(`SELECT einddatum, volume, budget FROM istandaarden_toewijzingen WHERE toewijzing_nummer = '31000011'`);
    expect(herhaald.rows[0]).toEqual({ einddatum: '2026-11-30', volume: 600, budget: null });
    const budget = await db.query<{ budget: number; categorie: string; code: string | null }>(`SELECT budget, categorie, code FROM istandaarden_toewijzingen WHERE toewijzing_nummer = '31000012'`);
    expect(budget.rows[0]).toEqual({ budget: 97200, categorie: '54', code: null });
  });

  it('the view for a bericht naming them answers as the single lookups do (on PGlite from one row per lookup)', async () => {
    const root = parseXml(groot301(600));
    const header = readHeader(root);
    const counting = rowCounting(db);
    const register = new DbRegister(db, () => []);
    const view = await new DbRegister(counting.db, () => []).voorBericht('ijw', root, header.afzender, header.ontvanger);
    // PGlite: the toewijzingen as one row of JSON (no prestatie-referenties named), not 602 rows.
    // PostgreSQL: the plain rows, which cost it less (src/store/select-many.ts).
    const gelezen = db.driver === 'pglite' ? 1 : 602;
    expect(counting.rows()).toBe(gelezen);
    const nummers = ['31000011', '31000012', '32000000', '32000599'];
    for (const nummer of nummers) {
      const los = await register.toewijzing('ijw', header.afzender, header.ontvanger, nummer);
      expect(los).toBeDefined();
      expect(await view.toewijzing('ijw', header.afzender, header.ontvanger, nummer)).toEqual(los);
    }
    expect(await view.toewijzing('ijw', header.afzender, header.ontvanger, '31000011')).toMatchObject({ einddatum: '2026-11-30', omvang: { volume: 600, eenheid: '04', frequentie: '2' } });
    // Every answer came from the view: nothing more was read.
    expect(counting.rows()).toBe(gelezen);
  });
});
