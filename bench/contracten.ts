/**
 * Contract monitor benchmark (part of `npm run bench`, BENCH_ONLY=contracten): a month of regional
 * traffic, BENCH_CONTRACT_PRESTATIES prestaties (default 500,000) across the 14 gemeenten of
 * Twente, fed through the ceiling monitor exactly as accepted 323s feed it (attribution to the
 * contract in the register, keyed client hash, insert, standings per year and in total, threshold
 * checks), in declaraties of 1,000 prestaties, one transaction each. Beside it, on the same rows:
 * a plain SQL aggregate (GROUP BY contract, year), the insight aggregate (per provider, product,
 * gemeente, month with distinct clients), and a check that the monitor's standings equal the
 * plain aggregate to the cent. Time and peak memory (RSS and heap) for each; the ratios are
 * against the plain SQL aggregate measured in the same run, and the monitor's write side against a
 * bare bulk INSERT of the same rows (same keyed hash) into a copy of the table.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { readFileSync } from 'node:fs';
import { ContractIndex } from '../src/contracten/register.js';
import { CeilingMonitor, type MonitorPrestatie } from '../src/contracten/monitor.js';
import { Gesprekken } from '../src/contracten/gesprekken.js';
import { Inzicht } from '../src/contracten/inzicht.js';
import type { RegisterInhoud } from '../src/contracten/model.js';
import { ExchangeLog } from '../src/log/exchange-log.js';
import { subjectHash } from '../src/log/crypto.js';
import { generateMasterKey, keyRingFrom, parseMasterKey } from '../src/log/keys.js';
import { TWENTE } from '../src/standards/istandaarden/codelists.js';
import type { Db } from '../src/store/db.js';
import { openStore } from '../src/store/open.js';
import { freshPostgresUrl } from '../test/helpers/stores.js';
import { TWENTE_REGISTER } from '../test/helpers/contracten.js';
import { syntheticBsn } from '../test/helpers/declaratie.js';

const PRESTATIES = Number(process.env.BENCH_CONTRACT_PRESTATIES ?? 500_000);
const PER_DECLARATIE = 1000;

/** Peak RSS and heap while `fn` runs, sampled every 20 ms. */
async function gemeten<T>(fn: () => Promise<T>): Promise<{ result: T; ms: number; rssPiekMB: number; heapPiekMB: number }> {
  const start = process.memoryUsage();
  let rss = start.rss;
  let heap = start.heapUsed;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    rss = Math.max(rss, m.rss);
    heap = Math.max(heap, m.heapUsed);
  }, 20);
  const t0 = performance.now();
  try {
    const result = await fn();
    return { result, ms: performance.now() - t0, rssPiekMB: Math.round(rss / 1e6), heapPiekMB: Math.round(heap / 1e6) };
  } finally {
    clearInterval(sampler);
  }
}

async function opStore(naam: 'pglite' | 'postgres', db: Db): Promise<Array<Record<string, string | number>>> {
  const ring = keyRingFrom(parseMasterKey(generateMasterKey()));
  const log = new ExchangeLog(db, ring);
  const inhoud = JSON.parse(readFileSync(TWENTE_REGISTER, 'utf8')) as RegisterInhoud;
  const index = new ContractIndex(inhoud, 1);
  const monitor = new CeilingMonitor(log, ring);
  const clients = Array.from({ length: 20_000 }, (_x, i) => syntheticBsn(i));
  // Two providers' ambulant youth care (two products, main contractor 12345678; 45A48 for 87654321), October 2026.
  const soorten = [
    { aanbieder: '12345678', categorie: '45', code: '45A48', eenheid: '04', tarief: 7850 },
    { aanbieder: '12345678', categorie: '54', code: '54001', eenheid: '01', tarief: 180 },
    { aanbieder: '87654321', categorie: '45', code: '45A48', eenheid: '04', tarief: 7850 },
  ];
  let verwachtTotaal = 0;
  const ingest = await gemeten(async () => {
    let alarmen = 0;
    for (let d = 0; d * PER_DECLARATIE < PRESTATIES; d++) {
      const gemeente = TWENTE[d % TWENTE.length]!;
      const soort = soorten[d % soorten.length]!;
      const prestaties: MonitorPrestatie[] = [];
      for (let k = 0; k < PER_DECLARATIE && d * PER_DECLARATIE + k < PRESTATIES; k++) {
        const n = d * PER_DECLARATIE + k;
        const volume = 1 + (n % 8);
        prestaties.push({ bsn: clients[n % clients.length]!, referentie: `B${n}`, categorie: soort.categorie, code: soort.code, begindatum: '2026-10-01', volume, eenheid: soort.eenheid, bedrag: volume * soort.tarief });
        verwachtTotaal += volume * soort.tarief;
      }
      const messageId = randomUUID();
      alarmen += (await db.transaction((tx) => monitor.registreer(tx, index, { bron: '323', wet: 'ijw', aanbieder: soort.aanbieder, gemeente, declaratie: `D${d}`, messageId }, prestaties))).length;
    }
    return alarmen;
  });
  // The floor for the write side: the same rows, hashed the same way, bulk-inserted into a bare copy of
  // the table (no contract lookup, no standings, no thresholds), one transaction per 1,000 as above.
  await db.query('CREATE TABLE contract_prestaties_kaal (LIKE contract_prestaties INCLUDING DEFAULTS)');
  const kaal = await gemeten(async () => {
    for (let d = 0; d * PER_DECLARATIE < PRESTATIES; d++) {
      const gemeente = TWENTE[d % TWENTE.length]!;
      const soort = soorten[d % soorten.length]!;
      const messageId = randomUUID();
      const vals: unknown[] = [];
      const rows: string[] = [];
      for (let k = 0; k < PER_DECLARATIE && d * PER_DECLARATIE + k < PRESTATIES; k++) {
        const n = d * PER_DECLARATIE + k;
        const volume = 1 + (n % 8);
        const o = vals.length;
        vals.push(messageId, '323', 'ijw', soort.aanbieder === '12345678' ? 'TW-JH-2025-01' : 'TW-JH-2025-02', soort.aanbieder, gemeente, `D${d}`, `B${n}`, soort.categorie, soort.code, '2026-10', '2026-10-01', volume, soort.eenheid, volume * soort.tarief, subjectHash(ring, clients[n % clients.length]!), new Date());
        rows.push(`(${Array.from({ length: 17 }, (_x, j) => `$${o + j + 1}`).join(', ')})`);
      }
      await db.transaction((tx) => tx.query(`INSERT INTO contract_prestaties_kaal (message_id, bron, wet, contract_id, aanbieder, gemeente, declaratie, referentie, categorie, code, maand, begindatum, volume, eenheid, bedrag, client_hash, ontvangen_op) VALUES ${rows.join(', ')}`, vals));
    }
  });
  const sql = await gemeten(() => db.query<{ contract_id: string; jaar: string; som: string }>("SELECT contract_id, substr(begindatum, 1, 4) AS jaar, sum(bedrag) AS som, count(*) AS n FROM contract_prestaties GROUP BY contract_id, substr(begindatum, 1, 4)"));
  const inzicht = new Inzicht(db, new Gesprekken(db, log, ring), []);
  const bi = await gemeten(() => inzicht.bestedingen({}, 100_000));
  const standen = await db.query<{ contract_id: string; gedeclareerd: string }>("SELECT contract_id, gedeclareerd FROM contract_standen WHERE periode = '2026'");
  const gelijk = sql.result.rows.length > 0 && sql.result.rows.every((r) => r.jaar === '2026' && Number(standen.rows.find((s) => s.contract_id === r.contract_id)?.gedeclareerd) === Number(r.som));
  const somStanden = standen.rows.reduce((s, r) => s + Number(r.gedeclareerd), 0);
  const rij = (wat: string, m: { ms: number; rssPiekMB: number; heapPiekMB: number }, extra: Record<string, string | number> = {}) => ({
    store: naam, wat, prestaties: PRESTATIES, 'tijd s': (m.ms / 1000).toFixed(2), 'prestaties/s': Math.round(PRESTATIES / (m.ms / 1000)),
    'RSS piek MB': m.rssPiekMB, 'heap piek MB': m.heapPiekMB, 'vs SQL-aggregaat': `${(m.ms / sql.ms).toFixed(1)}×`, ...extra,
  });
  return [
    rij('monitor: toerekenen + opslaan + standen + drempels', ingest, { alarmen: ingest.result, 'standen = SQL tot op de cent': gelijk && somStanden === verwachtTotaal ? 'ja' : 'NEE' }),
    rij('plain SQL: dezelfde rijen bulk-INSERT (zelfde hash, geen monitor)', kaal, { 'monitor vs kaal': `${(ingest.ms / kaal.ms).toFixed(2)}×` }),
    rij('plain SQL: sum(bedrag) GROUP BY contract, jaar', sql),
    rij('inzicht: per aanbieder/product/gemeente/maand + unieke cliënten', bi, { groepen: bi.result.length }),
  ];
}

export async function benchContracten(_logger?: Logger): Promise<Array<Record<string, string | number>>> {
  const rows: Array<Record<string, string | number>> = [];
  const stores = (process.env.BENCH_CONTRACT_STORES ?? 'postgres,pglite').split(',');
  for (const s of stores) {
    const db = s === 'postgres' ? await openStore({ databaseUrl: await freshPostgresUrl() }) : await openStore({});
    try {
      rows.push(...(await opStore(s as 'pglite' | 'postgres', db)));
    } finally {
      await db.close();
    }
  }
  console.log(`Contract monitor: ${PRESTATIES} prestaties across 14 gemeenten (declaraties of ${PER_DECLARATIE}), beside a plain SQL aggregate over the same rows`);
  return rows;
}
