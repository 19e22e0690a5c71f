/**
 * Memory: the XML parser and the XSD validator over 20,000 generated documents (SUWI messages with
 * generated data, some mutated into invalid ones, a few not well-formed) must not make the JS heap
 * grow without bound. Documents are handled in batches with a yield to the event loop in between,
 * as the gateway does between messages (see src/xml/xsd.ts on WeakRefs kept alive in one long job).
 *
 * The heap is measured after a forced GC: global.gc when jest runs with --expose-gc, otherwise
 * the same function obtained through v8.setFlagsFromString; if neither works, after a settle
 * period, with the generous bound.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { SuwiSchemas } from '../../src/standards/suwi/schemas.js';
import { bouwBevragingAntwoord, bouwBronVraag } from '../../src/standards/suwi/xml.js';
import { serializeXml } from '../../src/xml/build.js';
import { parseXml, XmlRejectedError } from '../../src/xml/parse.js';
import { mutateXml, mutations, SEED, texts, validBsn } from './mutate.js';

const DOCUMENTS = 20_000;
const BATCH = 500;
const MB = 1024 * 1024;

function forcedGc(): (() => void) | undefined {
  const g = (globalThis as { gc?: () => void }).gc;
  if (typeof g === 'function') return g;
  try {
    setFlagsFromString('--expose-gc');
    const fromVm = runInNewContext('gc') as unknown;
    return typeof fromVm === 'function' ? (fromVm as () => void) : undefined;
  } catch {
    return undefined;
  }
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function settledHeap(gc: (() => void) | undefined): Promise<number> {
  for (let i = 0; i < 3; i++) {
    await tick();
    gc?.();
    if (!gc) await new Promise((r) => setTimeout(r, 200));
  }
  return process.memoryUsage().heapUsed;
}

let suwi: SuwiSchemas;
beforeAll(async () => {
  suwi = await SuwiSchemas.load();
});
afterAll(() => suwi?.dispose());

describe('memory over 20,000 documents', () => {
  it('parseXml + XSD validation: the heap does not keep growing', async () => {
    // A pool of generated documents; each use below varies it further (the BSN), so no two are the same.
    const gegevens = fc.dictionary(fc.stringMatching(/^[a-z][a-zA-Z]{0,8}$/), fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.boolean()), { minKeys: 1, maxKeys: 8 });
    const pool = fc.sample(
      fc.tuple(gegevens, mutations(fc.constant(null), texts, 2), fc.nat({ max: 9 })),
      { seed: SEED, numRuns: 400 },
    );
    const bsns = fc.sample(validBsn, { seed: SEED, numRuns: 1000 });
    const document = (i: number): string => {
      const [g, muts, kind] = pool[i % pool.length]!;
      const bsn = bsns[i % bsns.length]!;
      if (kind === 0) return bouwBronVraag({ dienst: 'inkomen', bsn, doel: 'BIJSTAND', grondslag: 'Pw', afnemer: 'gemeente-0153' });
      const xml = bouwBevragingAntwoord({ uitkomst: 'gevonden', doel: 'BIJSTAND', grondslag: 'Pw', bron: bsn, gegevens: g });
      if (kind === 1) return xml.slice(0, xml.length - 7); // not well-formed
      if (kind === 2) {
        try {
          return serializeXml(mutateXml(parseXml(xml), muts), { declaration: false });
        } catch {
          return xml;
        }
      }
      return xml;
    };
    const run = async (from: number, to: number): Promise<{ valid: number; rejected: number }> => {
      let valid = 0;
      let rejected = 0;
      for (let i = from; i < to; i++) {
        const xml = document(i);
        try {
          parseXml(xml);
        } catch (err) {
          if (!(err instanceof XmlRejectedError)) throw err;
          rejected++;
        }
        if (suwi.validate(xml).length === 0) valid++;
        if ((i + 1) % BATCH === 0) await tick();
      }
      return { valid, rejected };
    };

    const gc = forcedGc();
    await run(0, 2_000); // warm-up: compiled code, caches, the wasm heap at its working size
    const before = await settledHeap(gc);
    const started = process.cpuUsage();
    const counts = await run(2_000, 2_000 + DOCUMENTS);
    const cpu = process.cpuUsage(started);
    const after = await settledHeap(gc);
    const growth = (after - before) / MB;
    if (process.env.PROPERTY_STATS) {
      console.log(`${DOCUMENTS} documents: ${counts.valid} valid, ${counts.rejected} refused by parseXml; heap ${(before / MB).toFixed(1)} → ${(after / MB).toFixed(1)} MB (gc ${gc ? 'forced' : 'not available'}); cpu ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s`);
    }
    expect(counts.valid).toBeGreaterThan(DOCUMENTS / 2);
    expect(counts.rejected).toBeGreaterThan(0);
    // ~100 bytes per document would still be 2 MB; a leak of whole documents would be far more.
    expect(growth).toBeLessThan(gc ? 16 : 64);
  });
});
