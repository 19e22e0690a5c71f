import { performance } from 'node:perf_hooks';
import { parseXml } from '../src/xml/parse.js';
import { grooteDeclaratie } from '../test/helpers/declaratie.js';
import { MemoryRegister } from '../src/standards/istandaarden/register.js';
import { beoordeel } from '../src/standards/istandaarden/rules/index.js';
import { contractRegels } from '../src/contracten/regels.js';
import { ContractIndex } from '../src/contracten/register.js';
import { twenteRegister } from '../test/helpers/contracten.js';
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
const idx = new ContractIndex(twenteRegister(), 1);
const extraRegels = contractRegels({ register: async () => idx });
const session = new Session(); session.connect(); await session.post('Profiler.enable'); await session.post('Profiler.setSamplingInterval', { interval: 100 });
const { xml, toewijzingen } = grooteDeclaratie({ standaard: 'ijw', regels: 10000, afzender: '12345678', ontvanger: '0153', identificatie: 'X1', dagtekening: '2026-11-02' });
const reg = new MemoryRegister({ toewijzingen: toewijzingen.map((t) => ({ standaard: 'ijw', gemeente: '0153', aanbieder: '12345678', toewijzingNummer: t.toewijzingNummer, ingangsdatum: t.ingangsdatum, einddatum: t.einddatum, categorie: t.categorie, code: t.code, volume: 40, eenheid: t.eenheid, frequentie: '2' } as any)) });
const raw = Buffer.from(xml);
for (let round = 0; round < 6; round++) {
  if (round === 3) await session.post('Profiler.start');
  let t = performance.now();
  const root = parseXml(raw, { maxBytes: raw.length + 1, maxDepth: 64, maxElements: 10_000_000 });
  const tp = performance.now() - t;
  t = performance.now();
  const b = await beoordeel(root, 'ijw', '323', { afzenderVerwacht: '12345678', vandaag: '2026-11-03', register: reg, extraRegels });
  console.log(`parse ${tp.toFixed(0)} ms, rules ${(performance.now() - t).toFixed(0)} ms, problems ${b.problems.length}`, b.problems.slice(0, 2));
}

const { profile } = (await session.post('Profiler.stop')) as any; writeFileSync('/tmp/kp/rules.cpuprofile', JSON.stringify(profile));
