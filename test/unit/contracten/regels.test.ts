/**
 * The contract rules inside the iStandaarden rule runner: TR418 (0611), KP-C01 (not contracted),
 * KP-C02 (cliëntenstop), KP-C03 (was-wordt after the switch date), reject or warn per rule, and the
 * table in docs/istandaarden/regels.md in step with the code.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RegisterInhoud } from '../../../src/contracten/model.js';
import { ContractIndex } from '../../../src/contracten/register.js';
import { contractRegels, notitiesVan, STANDAARD_AFHANDELING, type Afhandeling, type ContractregelId } from '../../../src/contracten/regels.js';
import { MemoryRegister } from '../../../src/standards/istandaarden/register.js';
import { beoordeel } from '../../../src/standards/istandaarden/rules/index.js';
import { projectRoot } from '../../../src/util/paths.js';
import { parseXml } from '../../../src/xml/parse.js';
import { declaratie323, twenteRegister, type TestPrestatie } from '../../helpers/contracten.js';
import { fixture, setText } from '../../helpers/istandaarden.js';

const VANDAAG = '2026-11-23';
const ALLES_AFKEUREN: Record<ContractregelId, Afhandeling> = { TR418: 'afkeuren', 'KP-C01': 'afkeuren', 'KP-C02': 'afkeuren', 'KP-C03': 'afkeuren' };

function regels(inhoud: RegisterInhoud, afhandeling: Partial<Record<ContractregelId, Afhandeling>> = ALLES_AFKEUREN) {
  const index = new ContractIndex(inhoud, 7);
  return contractRegels({ register: async () => index, afhandeling });
}

/** The toewijzingen the 323 refers to, so the runner's own rules (TR338, ...) pass. */
function seed(ps: TestPrestatie[], gemeente = '0153', aanbieder = '12345678') {
  return new MemoryRegister({
    toewijzingen: ps.map((p) => ({ standaard: 'ijw' as const, gemeente, aanbieder, toewijzingNummer: p.toewijzingNummer, ingangsdatum: '2025-01-01', einddatum: '2027-12-31', product: { categorie: p.categorie, code: p.code }, omvang: { volume: 100, eenheid: p.eenheid, frequentie: '6' } })),
  });
}

function prestatie(over: Partial<TestPrestatie> = {}): TestPrestatie {
  return { bsn: '999993653', toewijzingNummer: '31000011', categorie: '45', code: '45A48', begindatum: '2026-10-05', einddatum: '2026-10-31', volume: 16, eenheid: '04', tarief: 7850, referentie: 'P2026100417', ...over };
}

async function judge323(ps: TestPrestatie[], inhoud = twenteRegister(), afhandeling?: Partial<Record<ContractregelId, Afhandeling>>, periode = { van: '2026-10-01', tot: '2026-10-31' }) {
  const xml = declaratie323({ afzender: '12345678', ontvanger: '0153', identificatie: 'DC1', dagtekening: '2026-11-05', periode, prestaties: ps });
  const root = parseXml(xml);
  const b = await beoordeel(root, 'ijw', '323', { afzenderVerwacht: '12345678', vandaag: VANDAAG, register: seed(ps), extraRegels: regels(inhoud, afhandeling) });
  return { root, b, prestaties: root.children.find((c) => c.name === 'Declaratie')!.children.find((c) => c.name === 'Clienten')!.children.flatMap((c) => c.children.filter((x) => x.name === 'Prestaties').flatMap((x) => x.children)) };
}

describe('TR418: the declared tariff equals the contract tariff', () => {
  it('a prestatie with the contract tariff gets 0200, and the bericht passes', async () => {
    const { b, prestaties } = await judge323([prestatie()]);
    expect(b.bevindingen).toEqual([]);
    expect(b.header).toEqual(['0200']);
    expect(b.records.get(prestaties[0]!)).toBeUndefined(); // no codes: 0200 in the answer
  });

  it('the same prestatie with another tariff gets 0611 on the prestatie', async () => {
    const { b, prestaties } = await judge323([prestatie({ tarief: 7900 })]);
    expect(b.afgekeurd).toBe(true);
    expect(b.records.get(prestaties[0]!)).toEqual(['0611']);
    expect(b.problems).toEqual([expect.objectContaining({ code: '0611', message: expect.stringContaining('(TR418)'), location: expect.stringMatching(/Prestatie\[1\]\/ProductTarief$/) })]);
  });

  it('uses the tariff of the period of the delivery date (yearly indexation)', async () => {
    const ps = [prestatie({ begindatum: '2025-10-05', einddatum: '2025-10-31', tarief: 7620 })];
    const { b } = await judge323(ps, twenteRegister(), undefined, { van: '2025-10-01', tot: '2025-10-31' });
    expect(b.bevindingen.filter((x) => x.regel === 'TR418')).toEqual([]);
    const { b: b2 } = await judge323([prestatie({ begindatum: '2025-10-05', einddatum: '2025-10-31', tarief: 7850 })], twenteRegister(), undefined, { van: '2025-10-01', tot: '2025-10-31' });
    expect(b2.bevindingen.map((x) => x.regel)).toContain('TR418');
  });

  it('as a warning it does not reject, and the warning is kept with the bericht', async () => {
    const { b, root } = await judge323([prestatie({ tarief: 7900 })], twenteRegister(), { TR418: 'waarschuwen' });
    expect(b.afgekeurd).toBe(false);
    expect(notitiesVan(root)!.waarschuwingen).toEqual([expect.objectContaining({ regel: 'TR418', retourcode: '0611' })]);
    expect(notitiesVan(root)!.registerVersie).toBe(7);
  });

  it('does not judge a gemeente outside the register', async () => {
    const inhoud = twenteRegister();
    for (const c of inhoud.contracten) c.gemeenten = c.gemeenten.filter((g) => g !== '0153');
    const { b } = await judge323([prestatie({ tarief: 1 })], inhoud);
    expect(b.bevindingen.filter((x) => x.regel === 'TR418' || x.regel.startsWith('KP-C'))).toEqual([]);
  });
});

describe('KP-C01: a product that is not contracted', () => {
  it('flags a prestatie for a product the provider has no contract for with this gemeente', async () => {
    const inhoud = twenteRegister();
    inhoud.contracten[0]!.producten = inhoud.contracten[0]!.producten.filter((p) => p.code !== '54001');
    const { b, prestaties } = await judge323([prestatie(), prestatie({ toewijzingNummer: '31000012', categorie: '54', code: '54001', eenheid: '01', volume: 180, tarief: 180, referentie: 'P2' })], inhoud);
    expect(b.records.get(prestaties[1]!)).toEqual(['0001']);
    expect(b.bevindingen.map((x) => x.regel)).toEqual(['KP-C01']);
  });

  it('flags a delivery date outside the contract term and a provider whose contract ended', async () => {
    const inhoud = twenteRegister();
    inhoud.contracten[0]!.status.push({ aanbieder: '12345678', status: 'beeindigd', van: '2026-10-01' });
    inhoud.contracten[0]!.status[0]!.tot = '2026-09-30';
    const { b } = await judge323([prestatie()], inhoud);
    expect(b.bevindingen.map((x) => x.regel)).toEqual(['KP-C01']);
  });

  it('flags a toewijzing (301) for a product outside the contract', async () => {
    const xml = setText(fixture('ijw', 'jw301.xml'), 'Code', '45A49');
    const inhoud = twenteRegister();
    const b = await beoordeel(parseXml(xml), 'ijw', '301', { afzenderVerwacht: '0153', vandaag: VANDAAG, register: new MemoryRegister(), extraRegels: regels(inhoud) });
    expect(b.bevindingen.filter((x) => x.regel === 'KP-C01')).toHaveLength(1);
  });
});

describe('KP-C02: a new toewijzing to a provider under a cliëntenstop', () => {
  const toewijzing = () => setText(setText(fixture('ijw', 'jw301.xml'), 'Ontvanger', '87654321'), 'Code', '45A48');

  it('flags a new toewijzing when the provider has a cliëntenstop on the Dagtekening', async () => {
    const b = await beoordeel(parseXml(toewijzing()), 'ijw', '301', { afzenderVerwacht: '0153', vandaag: VANDAAG, register: new MemoryRegister(), extraRegels: regels(twenteRegister()) });
    expect(b.bevindingen.map((x) => x.regel)).toContain('KP-C02');
  });

  it('does not flag it without the stop, nor a change of a toewijzing knooppunt carried before', async () => {
    const zonder = twenteRegister();
    zonder.contracten[1]!.status = [];
    const b = await beoordeel(parseXml(toewijzing()), 'ijw', '301', { afzenderVerwacht: '0153', vandaag: VANDAAG, register: new MemoryRegister(), extraRegels: regels(zonder) });
    expect(b.bevindingen.map((x) => x.regel)).not.toContain('KP-C02');
    const nummers = [...toewijzing().matchAll(/ToewijzingNummer>(\d+)</g)].map((m) => m[1]!);
    const bekend = new MemoryRegister({ toewijzingen: nummers.map((n) => ({ standaard: 'ijw' as const, gemeente: '0153', aanbieder: '87654321', toewijzingNummer: n, ingangsdatum: '2026-01-01' })) });
    const b2 = await beoordeel(parseXml(toewijzing()), 'ijw', '301', { afzenderVerwacht: '0153', vandaag: VANDAAG, register: bekend, extraRegels: regels(twenteRegister()) });
    expect(b2.bevindingen.map((x) => x.regel)).not.toContain('KP-C02');
  });
});

describe('KP-C03 and was-wordt: old product codes', () => {
  it('translates an old code before the switch date: checked against the new product, the translation noted', async () => {
    const { b, root } = await judge323([prestatie({ code: '45A01', begindatum: '2025-03-03', einddatum: '2025-03-31', tarief: 7620 })], twenteRegister(), undefined, { van: '2025-03-01', tot: '2025-03-31' });
    expect(b.bevindingen.filter((x) => x.regel.startsWith('KP-C') || x.regel === 'TR418')).toEqual([]);
    expect(notitiesVan(root)!.vertalingen).toEqual([expect.objectContaining({ oud: '45/45A01', nieuw: '45/45A48', omzetdatum: '2025-04-01', naOmzet: false })]);
  });

  it('flags the old code from the switch date on', async () => {
    const { b, root, prestaties } = await judge323([prestatie({ code: '45A01' })]);
    expect(b.bevindingen.filter((x) => x.regel.startsWith('KP-C') || x.regel === 'TR418').map((x) => x.regel)).toEqual(['KP-C03']);
    expect(b.records.get(prestaties[0]!)).toEqual(['0001']);
    expect(notitiesVan(root)!.vertalingen[0]).toEqual(expect.objectContaining({ naOmzet: true }));
  });

  it('a tariff check after translation still finds a wrong tariff', async () => {
    const { b } = await judge323([prestatie({ code: '45A01', begindatum: '2025-03-03', einddatum: '2025-03-31', tarief: 7000 })], twenteRegister(), undefined, { van: '2025-03-01', tot: '2025-03-31' });
    expect(b.bevindingen.map((x) => x.regel)).toContain('TR418');
  });
});

describe('the table of contract rules in docs/istandaarden/regels.md', () => {
  it('lists each contract rule with the berichten, retourcode, niveau and default of the code', () => {
    const md = readFileSync(join(projectRoot(), 'docs', 'istandaarden', 'regels.md'), 'utf8');
    const rijen = md.split('\n').filter((l) => /^\| (TR418|KP-C\d\d) \|/.test(l) && l.split('|').length === 8).map((l) => l.split('|').slice(1, -1).map((c) => c.trim()));
    const code = contractRegels({ register: async () => new ContractIndex({ contracten: [], wasWordt: [] }) });
    expect(rijen.map((r) => r[0])).toEqual(code.map((r) => r.id));
    for (const r of code) {
      const rij = rijen.find((x) => x[0] === r.id)!;
      expect({ berichten: rij[2]!.split(' '), retourcode: rij[3], niveau: rij[4], standaard: rij[5], omschrijving: rij[1] }).toEqual({
        berichten: [...r.berichten], retourcode: r.retourcode, niveau: r.niveau, standaard: STANDAARD_AFHANDELING[r.id as ContractregelId], omschrijving: r.omschrijving,
      });
    }
  });
});
