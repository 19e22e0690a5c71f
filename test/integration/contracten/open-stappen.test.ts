/**
 * The deadline check reads contract_open_stappen (the steps still waiting for their follow-up)
 * instead of every earlier step with a follow-up probe each. These tests hold it to the definition
 * it replaced, a step of the kind with no follow-up under the same reference, on both stores:
 * follow-up after or before its heenbericht, and the migration's fill from the steps before it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { Gesprekken, termijnen } from '../../../src/contracten/gesprekken.js';
import { ExchangeLog } from '../../../src/log/exchange-log.js';
import { readHeader } from '../../../src/standards/istandaarden/header.js';
import type { IstandaardenPrepared } from '../../../src/standards/istandaarden/standard.js';
import type { BerichtNummer } from '../../../src/standards/istandaarden/catalog.js';
import { MIGRATIONS } from '../../../src/store/migrations.js';
import type { Db } from '../../../src/store/db.js';
import { parseXml } from '../../../src/xml/parse.js';
import { fixture } from '../../helpers/istandaarden.js';
import { STORE_CASES } from '../../helpers/stores.js';
import { testRing } from '../log/fixtures.js';

function bericht(nummer: BerichtNummer): IstandaardenPrepared {
  const raw = Buffer.from(fixture('ijw', `jw${nummer}.xml`));
  const root = parseXml(raw);
  return { standaard: 'ijw', nummer, header: readHeader(root), root, raw };
}

/** The definition the table replaced: per deadline, the steps without a follow-up under the same reference. */
async function zonderVervolg(db: Db): Promise<string[]> {
  const uit: string[] = [];
  for (const t of termijnen()) {
    const r = await db.query<{ wet: string; gemeente: string; aanbieder: string; sleutel: string; datum: string }>(
      `SELECT h.wet, h.gemeente, h.aanbieder, h.${t.sleutel} AS sleutel, min(h.datum) AS datum FROM contract_stappen h
        WHERE h.stap = $1 AND h.${t.sleutel} IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM contract_stappen v WHERE v.stap = $2 AND v.wet = h.wet AND v.gemeente = h.gemeente AND v.aanbieder = h.aanbieder AND v.${t.sleutel} = h.${t.sleutel})
        GROUP BY h.wet, h.gemeente, h.aanbieder, h.${t.sleutel}`,
      [t.van, t.naar],
    );
    for (const x of r.rows) uit.push(`${t.van}>${t.naar} ${x.wet} ${x.gemeente} ${x.aanbieder} ${x.sleutel} ${x.datum}`);
  }
  return uit.sort();
}

async function open(db: Db): Promise<string[]> {
  const r = await db.query<{ termijn: string; wet: string; gemeente: string; aanbieder: string; sleutel: string; datum: string }>('SELECT * FROM contract_open_stappen');
  return r.rows.map((x) => `${x.termijn} ${x.wet} ${x.gemeente} ${x.aanbieder} ${x.sleutel} ${x.datum}`).sort();
}

describe.each(STORE_CASES)('steps waiting for their follow-up on $name', ({ open: openDb }) => {
  let db: Db;
  let gesprekken: Gesprekken;
  beforeAll(async () => {
    db = await openDb();
    gesprekken = new Gesprekken(db, new ExchangeLog(db, testRing()), testRing());
  });
  afterAll(async () => db.close());

  const registreer = (nummer: BerichtNummer) => db.transaction((tx) => gesprekken.registreer(tx, bericht(nummer), randomUUID()));
  const leeg = async () => {
    await db.query('DELETE FROM contract_open_stappen');
    await db.query('DELETE FROM contract_stappen');
  };

  it('a toewijzing opens its deadlines; its start closes the one for that toewijzing', async () => {
    await leeg();
    await registreer('301');
    expect((await open(db)).map((x) => x.split(' ').slice(0, 5).join(' '))).toEqual(['301>302 ijw 0153 12345678 TW260928017', '301>305 ijw 0153 12345678 31000011', '301>305 ijw 0153 12345678 31000012']);
    await registreer('305');
    expect(await open(db)).toEqual(await zonderVervolg(db));
    expect((await open(db)).filter((x) => x.startsWith('301>305'))).toHaveLength(1);
    const achter = await gesprekken.achterstanden('2027-06-01');
    expect(achter.filter((a) => a.termijn === '301>305').map((a) => a.sleutel)).toEqual(['31000012']);
  });

  it('a start that arrives before its toewijzing leaves that deadline closed', async () => {
    await leeg();
    await registreer('305');
    await registreer('301');
    expect(await open(db)).toEqual(await zonderVervolg(db));
    expect((await open(db)).filter((x) => x.startsWith('301>305')).map((x) => x.split(' ')[4])).toEqual(['31000012']);
  });

  it('the migration fills the table from the steps before it, as the definition has them', async () => {
    await leeg();
    for (const n of ['315', '319', '301', '305', '323', '325'] as const) await registreer(n);
    const vooraf = await zonderVervolg(db);
    expect(await open(db)).toEqual(vooraf);
    await db.query('DELETE FROM contract_open_stappen');
    const vulling = MIGRATIONS.find((m) => m.version === 193)!.sql;
    await db.query(vulling.slice(vulling.indexOf('WITH t(termijn')));
    expect(await open(db)).toEqual(vooraf);
  });
});
