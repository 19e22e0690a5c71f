/**
 * TR413–TR415: sequences of tijdelijke and definitieve stops on one start of levering, judged
 * against the register (earlier accepted 307 berichten) and the StopProducten earlier in the same
 * bericht. Each rule is broken once (its retourcode on the record) and satisfied once (0200).
 */
import { describe, expect, it } from '@jest/globals';
import { MemoryRegister, type RegisterStop } from '../../../src/standards/istandaarden/register.js';
import { beoordeel } from '../../../src/standards/istandaarden/rules/index.js';
import { parseXml } from '../../../src/xml/parse.js';
import { MANIFEST, VANDAAG, xmlVan } from '../../helpers/istandaarden-rules.js';

const basis = MANIFEST.find((m) => m.file === 'TR056-identificatie-niet-uniek-jw307.xml')!;
const TOEWIJZING = basis.register!.toewijzingen!;

interface Stop {
  begin?: string;
  reden: string;
  eind: string;
  status?: '1' | '3';
}

/** The valid JW307 fixture with these StopProducten on toewijzing 20260001 (Begindatum 2026-09-07 unless given). */
function jw307(stops: Stop[]): string {
  const xml = xmlVan(basis);
  const product = /<jw307:StopProduct>[\s\S]*<\/jw307:StopProduct>/.exec(xml)![0];
  const regels = stops.map((s) =>
    product
      .replace(/<jw307:Begindatum>[^<]*</, `<jw307:Begindatum>${s.begin ?? '2026-09-07'}<`)
      .replace(/<jw307:RedenBeeindiging>[^<]*</, `<jw307:RedenBeeindiging>${s.reden}<`)
      .replace(/<jw307:Einddatum>[^<]*</, `<jw307:Einddatum>${s.eind}<`)
      .replace(/<jw307:StatusAanlevering>[^<]*</, `<jw307:StatusAanlevering>${s.status ?? '1'}<`),
  );
  return xml.replace(product, regels.join('\n      '));
}

async function oordeel(stops: Stop[], eerder: RegisterStop[] = []) {
  const register = new MemoryRegister({
    toewijzingen: TOEWIJZING,
    stops: eerder.map((s) => ({ standaard: 'ijw', gemeente: '0164', aanbieder: '87654321', toewijzingNummer: '20260001', ...s })),
  });
  const b = await beoordeel(parseXml(jw307(stops)), 'ijw', '307', { afzenderVerwacht: '87654321', vandaag: VANDAAG, register });
  return { header: b.header, regels: b.bevindingen.map((x) => x.regel), codes: [...b.records.values()], locaties: b.problems.map((p) => p.location) };
}

const tijdelijk = (eind: string): RegisterStop => ({ begindatum: '2026-09-07', einddatum: eind, redenBeeindiging: '20' });
const definitief = (eind: string): RegisterStop => ({ begindatum: '2026-09-07', einddatum: eind, redenBeeindiging: '31' });
const GOED = { header: ['0200'], regels: [], codes: [], locaties: [] };

describe('TR413: one tijdelijke stop per start', () => {
  it('refuses a second tijdelijke stop with 9413 on RedenBeeindiging', async () => {
    expect(await oordeel([{ reden: '20', eind: '2026-11-13' }], [tijdelijk('2026-10-30')])).toEqual({
      header: ['0001'],
      regels: ['TR413'],
      codes: [['9413']],
      locaties: ['/Bericht/Client[1]/StopProducten/StopProduct[1]/RedenBeeindiging'],
    });
  });

  it('refuses two tijdelijke stops in one bericht, on the second', async () => {
    const r = await oordeel([{ reden: '20', eind: '2026-10-30' }, { reden: '20', eind: '2026-11-13' }]);
    expect(r.regels).toEqual(['TR413']);
    expect(r.locaties).toEqual(['/Bericht/Client[1]/StopProducten/StopProduct[2]/RedenBeeindiging']);
  });

  it('accepts a first tijdelijke stop, a tijdelijke stop on a new start, and one that replaces a withdrawn one', async () => {
    expect(await oordeel([{ reden: '20', eind: '2026-10-30' }])).toEqual(GOED);
    expect(await oordeel([{ begin: '2026-11-02', reden: '20', eind: '2026-11-13' }], [tijdelijk('2026-10-30')])).toEqual(GOED);
    expect(await oordeel([{ reden: '20', eind: '2026-10-30', status: '3' }, { reden: '20', eind: '2026-11-13' }], [tijdelijk('2026-10-30')])).toEqual(GOED);
  });
});

describe('TR414: a later stop does not end earlier', () => {
  it('refuses a definitieve stop ending before the tijdelijke stop with 9414 on Einddatum', async () => {
    expect(await oordeel([{ reden: '31', eind: '2026-10-16' }], [tijdelijk('2026-10-30')])).toEqual({
      header: ['0001'],
      regels: ['TR414'],
      codes: [['9414']],
      locaties: ['/Bericht/Client[1]/StopProducten/StopProduct[1]/Einddatum'],
    });
  });

  it('accepts a definitieve stop on or after the tijdelijke stop', async () => {
    expect(await oordeel([{ reden: '31', eind: '2026-10-30' }], [tijdelijk('2026-10-30')])).toEqual(GOED);
    expect(await oordeel([{ reden: '31', eind: '2026-11-13' }], [tijdelijk('2026-10-30')])).toEqual(GOED);
    expect(await oordeel([{ reden: '20', eind: '2026-10-30' }, { reden: '31', eind: '2026-11-13' }])).toEqual(GOED);
  });
});

describe('TR415: nothing after a definitieve stop', () => {
  it('refuses any stop after a definitieve stop with 9415 on Begindatum', async () => {
    expect(await oordeel([{ reden: '20', eind: '2026-11-13' }], [definitief('2026-10-30')])).toEqual({
      header: ['0001'],
      regels: ['TR415'],
      codes: [['9415']],
      locaties: ['/Bericht/Client[1]/StopProducten/StopProduct[1]/Begindatum'],
    });
    const r = await oordeel([{ reden: '31', eind: '2026-10-30' }, { reden: '20', eind: '2026-11-13' }]);
    expect(r.regels).toEqual(['TR415']);
  });

  it('accepts a stop after the definitieve stop was withdrawn, and the withdrawal itself', async () => {
    expect(await oordeel([{ reden: '31', eind: '2026-10-30', status: '3' }, { reden: '31', eind: '2026-11-13' }], [definitief('2026-10-30')])).toEqual(GOED);
    expect(await oordeel([{ reden: '31', eind: '2026-10-30', status: '3' }], [definitief('2026-10-30')])).toEqual(GOED);
  });

  it('judges each start apart: a definitieve stop on another Begindatum does not count', async () => {
    expect(await oordeel([{ reden: '31', eind: '2026-11-13' }], [{ ...definitief('2026-09-30'), begindatum: '2026-09-01' }])).toEqual(GOED);
  });
});
