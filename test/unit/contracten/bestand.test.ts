/** The register file loader: CSV and JSON into one model; a file with errors is refused as a whole, every error by line and field. */
import { readFileSync } from 'node:fs';
import { leesRegister, leesRegisterCsv, leesRegisterJson, REGISTER_CSV_KOLOMMEN } from '../../../src/contracten/bestand.js';
import { euroNaarCenten } from '../../../src/contracten/csv.js';
import { TWENTE_REGISTER, twenteRegister } from '../../helpers/contracten.js';

const KOP = REGISTER_CSV_KOLOMMEN.join(';');
const T = '0141|0147|1774|0153|0158|0163|0164|1735|0168|0173|1742|0183|1700|0189';
/** One CSV row by column name. */
function rij(v: Record<string, string>): string {
  return REGISTER_CSV_KOLOMMEN.map((k) => v[k] ?? '').join(';');
}
const contract = { contract: 'TW-1', raamovereenkomst: 'RO Jeugd 2025', perceel: 'Perceel 1', wet: 'ijw', contract_van: '2025-01-01', contract_tot: '2027-12-31', hoofdaannemer: '12345678', onderaannemers: '11223344', gemeenten: T, max_per_jaar: '2025=3100000,00|2026=3200000,00', max_totaal: '9600000,00' };
const product = { categorie: '45', code: '45A48', bekostigingsvorm: 'inspanningsgericht', eenheid: '04', frequentie: '2' };

describe('the register CSV', () => {
  it('reads contracts, tariffs per period, statuses and was-wordt, amounts exactly in cents', () => {
    const csv = [
      KOP,
      rij({ soort: 'tarief', ...contract, ...product, van: '2025-01-01', tot: '2025-12-31', tarief: '76,20' }),
      rij({ soort: 'tarief', ...contract, ...product, van: '2026-01-01', tot: '2026-12-31', tarief: '78.50' }),
      rij({ soort: 'status', contract: 'TW-1', aanbieder: '12345678', status: 'clientenstop', van: '2026-09-01' }),
      rij({ soort: 'waswordt', wet: 'ijw', oud_categorie: '45', oud_code: '45A01', categorie: '45', code: '45A48', omzetdatum: '2025-04-01' }),
    ].join('\r\n');
    const g = leesRegisterCsv(csv);
    if (!g.ok) throw new Error(JSON.stringify(g.fouten));
    const c = g.inhoud.contracten[0]!;
    expect(c.gemeenten).toHaveLength(14);
    expect(c.onderaannemers).toEqual(['11223344']);
    expect(c.maximum).toEqual({ perJaar: { '2025': 310000000, '2026': 320000000 }, totaal: 960000000 });
    expect(c.producten[0]!.tarieven).toEqual([{ van: '2025-01-01', tot: '2025-12-31', tarief: 7620 }, { van: '2026-01-01', tot: '2026-12-31', tarief: 7850 }]);
    expect(c.status).toEqual([{ aanbieder: '12345678', status: 'clientenstop', van: '2026-09-01' }]);
    expect(g.inhoud.wasWordt).toEqual([{ wet: 'ijw', oud: { categorie: '45', code: '45A01' }, nieuw: { categorie: '45', code: '45A48' }, omzetdatum: '2025-04-01' }]);
  });

  it('refuses the file as a whole, listing every error with its line and column', () => {
    const csv = [
      KOP,
      rij({ soort: 'tarief', ...contract, ...product, van: '2025-01-01', tot: '2025-12-31', tarief: '76,20' }),
      // line 3: a negative tariff
      rij({ soort: 'tarief', ...contract, ...product, van: '2026-01-01', tot: '2026-12-31', tarief: '-1,00' }),
      // line 4: an unknown gemeente and an unknown product categorie
      rij({ soort: 'tarief', ...contract, contract: 'TW-2', hoofdaannemer: '87654321', gemeenten: '0153|9999', ...product, categorie: '99', code: '99X01', van: '2025-01-01', tot: '2025-12-31', tarief: '10,00' }),
      // line 5: a second contract for the same provider, gemeente and product with an overlapping term
      rij({ soort: 'tarief', ...contract, contract: 'TW-3', gemeenten: '0153', ...product, van: '2025-06-01', tot: '2025-12-31', tarief: '76,20' }),
      // line 6: an overlapping tariff period of the same product
      rij({ soort: 'tarief', ...contract, ...product, van: '2025-06-01', tot: '2025-06-30', tarief: '70,00' }),
      // line 7: Heerhugowaard, opgeheven on 2023-01-01 (Dijk en Waard), in a contract from 2025
      rij({ soort: 'tarief', ...contract, contract: 'TW-4', hoofdaannemer: '11111111', gemeenten: '0398', ...product, van: '2025-01-01', tot: '2025-12-31', tarief: '76,20' }),
    ].join('\n');
    const g = leesRegisterCsv(csv);
    expect(g.ok).toBe(false);
    if (g.ok) return;
    const fouten = g.fouten.map((f) => `${f.regel}:${f.veld}`);
    expect(fouten).toEqual(expect.arrayContaining(['3:tarief', '4:gemeenten', '4:categorie', '5:contract_van', '6:van', '7:gemeenten']));
    expect(g.fouten.find((f) => f.regel === 7 && f.veld === 'gemeenten')!.melding).toMatch(/gemeentecode 0398 gold niet tijdens de looptijd/);
    expect(g.fouten.find((f) => f.regel === 3)!.melding).toMatch(/negatief/);
    expect(g.fouten.find((f) => f.regel === 4 && f.veld === 'gemeenten')!.melding).toMatch(/onbekende gemeentecode 9999/);
    expect(g.fouten.find((f) => f.regel === 5)!.melding).toMatch(/overlapt met contract TW-1/);
  });

  it('names a missing column, a bad date and a bad amount by line', () => {
    const g = leesRegisterCsv(['soort;contract;tarief', 'tarief;TW-1;abc'].join('\n'));
    expect(g.ok).toBe(false);
    if (g.ok) return;
    expect(g.fouten).toEqual(expect.arrayContaining([expect.objectContaining({ regel: 2, veld: 'tarief' }), expect.objectContaining({ regel: 2, veld: 'contract_van' })]));
  });

  it('reads euro amounts exactly, without floating point', () => {
    expect(euroNaarCenten('78,50')).toBe(7850);
    expect(euroNaarCenten('0.07')).toBe(7);
    expect(euroNaarCenten('1234567890123,99')).toBe(123456789012399);
    expect(euroNaarCenten('1.250,00')).toBeUndefined();
    expect(euroNaarCenten('12,345')).toBeUndefined();
  });
});

describe('the register JSON', () => {
  it('accepts the Twente example register', () => {
    const g = leesRegister(readFileSync(TWENTE_REGISTER, 'utf8'), 'application/json');
    expect(g.ok).toBe(true);
  });

  it('gives each error its JSON pointer', () => {
    const r = twenteRegister();
    r.contracten[0]!.producten[0]!.tarieven[1]!.tarief = -5;
    r.contracten[2]!.gemeenten.push('0000');
    r.wasWordt[0]!.nieuw.code = '45Z99';
    const g = leesRegisterJson(JSON.stringify(r));
    expect(g.ok).toBe(false);
    if (g.ok) return;
    expect(g.fouten.map((f) => f.veld)).toEqual(expect.arrayContaining(['/contracten/0/producten/0/tarieven/1/tarief', '/contracten/2/gemeenten', '/wasWordt/0/nieuw.code']));
  });

  it('refuses what is not JSON, or has the wrong shape, without throwing', () => {
    expect(leesRegisterJson('{').ok).toBe(false);
    const g = leesRegisterJson(JSON.stringify({ contracten: [{ id: 5, producten: 'x' }] }));
    expect(g.ok).toBe(false);
    if (!g.ok) expect(g.fouten.map((f) => f.veld)).toEqual(expect.arrayContaining(['/contracten/0/id', '/contracten/0/producten']));
  });
});
