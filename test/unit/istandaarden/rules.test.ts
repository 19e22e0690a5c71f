/**
 * The iJw/iWmo rule engine against the invalid fixtures (fixtures/istandaarden/invalid/, one per
 * rule, listed in manifest.json with the register they need) and the rule table
 * docs/istandaarden/regels.md. The TR056 fixtures exist for every heenbericht of both standaarden;
 * without the identificatie in the register they are valid messages.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { codelijstVoor, gemeenteGeldigOp, isCbsGemeente, TWENTE } from '../../../src/standards/istandaarden/codelists.js';
import { codelijsten } from '../../../src/codelijsten/index.js';
import { MemoryRegister } from '../../../src/standards/istandaarden/register.js';
import { beoordeel, REGELS } from '../../../src/standards/istandaarden/rules/index.js';
import { parseXml, type XmlElement } from '../../../src/xml/parse.js';
import { projectRoot } from '../../../src/util/paths.js';
import { beoordeelEntry, MANIFEST, VANDAAG, xmlVan } from '../../helpers/istandaarden-rules.js';

/** Every element with its path in local names from the root's children: Client/StopProducten/StopProduct. */
function lokalePaden(root: XmlElement): Map<XmlElement, string> {
  const paden = new Map<XmlElement, string>();
  const loop = (el: XmlElement, pad: string) => {
    paden.set(el, pad);
    for (const c of el.children) loop(c, pad === '' ? c.name : `${pad}/${c.name}`);
  };
  for (const c of root.children) loop(c, c.name);
  return paden;
}

/** Every text value in the bericht that is long enough to be recognisable in a message. */
function waarden(root: XmlElement): string[] {
  const uit: string[] = [];
  const loop = (el: XmlElement) => {
    const t = el.text?.trim();
    if (t && t.length >= 4) uit.push(t);
    el.children.forEach(loop);
  };
  loop(root);
  return uit;
}

function bsns(root: XmlElement): string[] {
  const uit: string[] = [];
  const loop = (el: XmlElement) => {
    if (el.name === 'Bsn' && el.text) uit.push(el.text.trim());
    el.children.forEach(loop);
  };
  loop(root);
  return uit;
}

// ---------------------------------------------------------------------------------------------

interface TabelRegel {
  regel: string;
  berichten: string[];
  retourcode: string;
  niveau: string;
}

function regelTabel(): TabelRegel[] {
  const md = readFileSync(join(projectRoot(), 'docs', 'istandaarden', 'regels.md'), 'utf8');
  const rijen: TabelRegel[] = [];
  let inTabel = false;
  for (const line of md.split('\n')) {
    if (/^\|\s*regel\s*\|/.test(line)) {
      inTabel = true;
      continue;
    }
    if (!inTabel) continue;
    if (!line.startsWith('|')) {
      if (rijen.length > 0) break;
      continue;
    }
    if (/^\|\s*-/.test(line)) continue;
    const cellen = line.split('|').slice(1, -1).map((c) => c.trim());
    rijen.push({ regel: cellen[0]!, berichten: cellen[2]!.split(/\s+/), retourcode: cellen[3]!, niveau: cellen[4]! });
  }
  return rijen;
}

describe('the rule table docs/istandaarden/regels.md', () => {
  const tabel = regelTabel();

  it('lists every rule in the code, and nothing else', () => {
    const inCode = REGELS.map((r) => r.id).sort();
    const inTabel = tabel.map((r) => r.regel).sort();
    expect(inTabel).toEqual(inCode);
    expect(new Set(inCode).size).toBe(inCode.length);
  });

  it('gives each rule the berichten, retourcode and niveau of the code', () => {
    for (const regel of REGELS) {
      const rij = tabel.find((r) => r.regel === regel.id)!;
      expect({ id: regel.id, berichten: rij.berichten, retourcode: rij.retourcode, niveau: rij.niveau }).toEqual({
        id: regel.id,
        berichten: [...regel.berichten],
        retourcode: regel.retourcode,
        niveau: regel.niveau,
      });
    }
  });
});

describe('the invalid fixtures', () => {
  it('cover every rule at least once, each named after its rule', () => {
    const gedekt = new Set(MANIFEST.map((m) => m.regel));
    expect(REGELS.map((r) => r.id).filter((id) => !gedekt.has(id))).toEqual([]);
    for (const m of MANIFEST) expect(m.file.startsWith(`${m.regel}-`)).toBe(true);
  });

  it.each(MANIFEST.map((m) => [m.file, m] as const))('%s fails only on its rule, with its retourcode at its level', async (_file, entry) => {
    const { root, b } = await beoordeelEntry(entry);
    const regel = REGELS.find((r) => r.id === entry.regel)!;
    expect(regel.retourcode).toBe(entry.verwacht.retourcode);
    expect(regel.berichten).toContain(entry.nummer);

    expect(b.afgekeurd).toBe(true);
    expect([...new Set(b.bevindingen.map((x) => x.regel))]).toEqual([entry.regel]);
    expect(b.problems.length).toBe(b.bevindingen.length);
    for (const p of b.problems) {
      expect(p.code).toBe(entry.verwacht.retourcode);
      expect(p.location).toMatch(/^\/Bericht\//);
      expect(p.message).toContain(entry.regel);
    }

    if (entry.verwacht.niveau === 'header') {
      expect(b.header[0]).toBe('0001');
      expect(b.header).toContain(entry.verwacht.retourcode);
      expect(b.records.size).toBe(0);
      for (const x of b.bevindingen) expect(x.location).toMatch(/^\/Bericht\/Header\//);
    } else {
      expect(b.header).toEqual(['0001']);
      const paden = lokalePaden(root);
      const gevonden = [...b.records.entries()].map(([el, codes]) => ({ pad: paden.get(el), codes }));
      expect(gevonden.length).toBeGreaterThan(0);
      for (const g of gevonden) expect(g).toEqual({ pad: entry.verwacht.recordPath, codes: [entry.verwacht.retourcode] });
    }
  });

  it('name the place, never a value from the bericht', async () => {
    let bsnGetoetst = 0;
    for (const entry of MANIFEST) {
      const { root, b } = await beoordeelEntry(entry);
      const geheim = waarden(root);
      if (bsns(root).length > 0) bsnGetoetst++;
      for (const p of b.problems) {
        for (const bsn of bsns(root)) {
          expect(p.message).not.toContain(bsn);
          expect(p.location).not.toContain(bsn);
        }
        for (const w of geheim) expect({ file: entry.file, message: p.message.includes(w) ? w : '' }).toEqual({ file: entry.file, message: '' });
      }
    }
    expect(bsnGetoetst).toBeGreaterThan(50);
  });

  it('point at the Bsn that fails the elfproef without quoting it', async () => {
    const entry = MANIFEST.find((m) => m.file === 'CS002-bsn-elfproef-wmo301.xml')!;
    const { root, b } = await beoordeelEntry(entry);
    const [bsn] = bsns(root);
    expect(bsn).toBe('123456789');
    expect(b.problems).toHaveLength(1);
    expect(b.problems[0]!.location).toBe('/Bericht/Client[1]/Bsn');
    expect(JSON.stringify(b.problems)).not.toContain(bsn);
  });
});

describe('valid berichten', () => {
  const geldig = MANIFEST.filter((m) => m.regel === 'TR056');

  it('exist for every heenbericht of both standaarden', () => {
    expect(geldig.map((m) => `${m.standaard}${m.nummer}`).sort()).toEqual(
      (['ijw', 'iwmo'] as const).flatMap((s) => ['301', '305', '307', '315', '317', '319', '323', '325'].map((n) => `${s}${n}`)).sort(),
    );
  });

  it.each(geldig.map((m) => [`${m.standaard} ${m.nummer}`, m] as const))('%s yields only 0200', async (_naam, entry) => {
    const { identificaties: _weg, ...rest } = entry.register ?? {};
    const { b } = await beoordeelEntry(entry, rest);
    expect(b.bevindingen).toEqual([]);
    expect(b.problems).toEqual([]);
    expect(b.afgekeurd).toBe(false);
    expect(b.header).toEqual(['0200']);
    expect(b.records.size).toBe(0);
  });
});

describe('the engine', () => {
  const entry = (file: string) => MANIFEST.find((m) => m.file === file)!;

  it('locates a failure at the element, with record positions', async () => {
    const { b } = await beoordeelEntry(entry('TR018-einddatum-voor-begindatum.xml'));
    expect(b.problems).toEqual([
      { location: '/Bericht/Client[1]/StopProducten/StopProduct[1]/Einddatum', message: expect.stringContaining('Einddatum') as unknown as string, code: '0001' },
    ]);
  });

  it('gives a record at most three codes, and reports every failure as a problem', async () => {
    const basis = entry('TR339-categorie-ongelijk-aan-toewijzing.xml');
    const seed = structuredClone(basis.register!);
    Object.assign(seed.toewijzingen![0]!, {
      ingangsdatum: '2026-10-10',
      einddatum: '2026-10-20',
      product: { categorie: '46' },
      omvang: { volume: 5, eenheid: '14', frequentie: '2' },
    });
    const { b } = await beoordeelEntry(basis, seed);
    expect(new Set(b.bevindingen.map((x) => x.regel))).toEqual(new Set(['TR307', 'TR308', 'TR339', 'TR341']));
    const [codes] = [...b.records.values()];
    expect(codes).toEqual(['9307', '9308', '9339']);
    expect(b.problems.map((p) => p.code)).toEqual(['9307', '9308', '9339', '9341']);
  });

  it('puts 0001 first on the header, then the header codes', async () => {
    const { b } = await beoordeelEntry(entry('TR056-identificatie-niet-uniek-wmo305.xml'));
    expect(b.header).toEqual(['0001', '9056']);
    const { b: tr135 } = await beoordeelEntry(entry('TR135-dagtekening-in-de-toekomst.xml'));
    expect(tr135.header).toEqual(['0001', '8848']);
  });

  it('rejects a sender the gateway could not identify', async () => {
    const e = entry('TR056-identificatie-niet-uniek-wmo305.xml');
    const root = parseXml(xmlVan(e));
    const { identificaties: _weg, ...seed } = e.register!;
    const b = await beoordeel(root, e.standaard, e.nummer, { afzenderVerwacht: '', vandaag: VANDAAG, register: new MemoryRegister(seed) });
    expect(b.bevindingen.map((x) => [x.regel, x.location])).toEqual([['KP-001', '/Bericht/Header/Afzender']]);
  });

  it('matches elements by namespace, not by prefix', async () => {
    const e = entry('TR018-einddatum-voor-begindatum.xml');
    const anders = xmlVan(e).replace(/wmo307:/g, 'x:').replace(/xmlns:wmo307=/, 'xmlns:x=').replace(/iwmo:/g, 'b:').replace(/xmlns:iwmo=/, 'xmlns:b=');
    const b = await beoordeel(parseXml(anders), e.standaard, e.nummer, { afzenderVerwacht: '12345678', vandaag: VANDAAG, register: new MemoryRegister(e.register) });
    expect(b.bevindingen.map((x) => x.regel)).toEqual(['TR018']);
  });
});

describe('code lists', () => {
  it('hold the 342 CBS gemeentecodes in force in 2026, the 14 Twente gemeenten among them', () => {
    const gemeenten = [...codelijsten().gemeentecodes.gemeenten.values()];
    expect(gemeenten.filter((g) => gemeenteGeldigOp(g.code, '2026-01-01'))).toHaveLength(342);
    expect(TWENTE).toHaveLength(14);
    for (const code of TWENTE) expect(gemeenteGeldigOp(code, '2026-11-23')).toBe(true);
    expect(codelijsten().gemeentecodes.gemeenten.get('0153')?.naam).toBe('Enschede');
    expect(isCbsGemeente('0999')).toBe(false);
  });

  it('differ per standaard where the standaarden differ', () => {
    expect(codelijstVoor('ijw', 'Categorie').id).toBe('JZ020');
    expect(codelijstVoor('iwmo', 'Categorie').id).toBe('WMO020');
    expect(codelijstVoor('ijw', 'RedenBeeindiging').codes.has('19')).toBe(false);
    expect(codelijstVoor('iwmo', 'RedenBeeindiging').codes.has('19')).toBe(true);
    expect(codelijstVoor('iwmo', 'Eenheid')).toBe(codelijstVoor('ijw', 'Eenheid'));
  });
});
