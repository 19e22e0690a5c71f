/**
 * Retourberichten (302 … 320) and the rejecting declaratie-antwoord (325) built from the rule
 * engine's beoordeling, for every invalid fixture and for the valid TR056 fixtures, checked
 * element by element and against the XSDs under schemas/istandaarden/.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { basisschemaNamespace, BERICHTSOORTEN, berichtNamespace, type BerichtNummer } from '../../../src/standards/istandaarden/catalog.js';
import { RECORDS } from '../../../src/standards/istandaarden/records.js';
import { MemoryRegister } from '../../../src/standards/istandaarden/register.js';
import { bouwDeclaratieAntwoord, bouwRetour } from '../../../src/standards/istandaarden/retour.js';
import { beoordeel, type Beoordeling } from '../../../src/standards/istandaarden/rules/index.js';
import { XsdValidators } from '../../../src/standards/istandaarden/schema/validator.js';
import { parseXml, type XmlElement } from '../../../src/xml/parse.js';
import { beoordeelEntry, MANIFEST, VANDAAG, type ManifestEntry } from '../../helpers/istandaarden-rules.js';

const META = { identificatie: 'KP0000000001', dagtekening: VANDAAG };

let xsd: XsdValidators;
beforeAll(async () => {
  xsd = await XsdValidators.load();
});
afterAll(() => xsd.dispose());

function kind(el: XmlElement | undefined, ...pad: string[]): XmlElement | undefined {
  let cur = el;
  for (const naam of pad) cur = cur?.children.find((c) => c.name === naam);
  return cur;
}
const tekst = (el: XmlElement | undefined, ...pad: string[]) => kind(el, ...pad)?.text?.trim();
const codesVan = (el: XmlElement | undefined) => (kind(el, 'RetourCodes')?.children ?? []).map((c) => c.text?.trim());

/** Every record element (local-name path from the root's children) with its path, in document order. */
function records(root: XmlElement, nummer: BerichtNummer): Array<{ el: XmlElement; pad: string }> {
  const paden = (RECORDS[nummer] ?? []).map((p) => p.join('/'));
  const uit: Array<{ el: XmlElement; pad: string }> = [];
  const loop = (el: XmlElement, pad: string) => {
    if (paden.includes(pad)) uit.push({ el, pad });
    for (const c of el.children) if (c.name !== 'RetourCodes') loop(c, `${pad}/${c.name}`);
  };
  for (const c of root.children) if (c.name !== 'Header') loop(c, c.name);
  return uit;
}

/** The element tree without RetourCodes, in local names and texts: what an echo must preserve. */
function vorm(el: XmlElement): unknown {
  return { n: el.name, t: el.text?.trim() ?? '', c: el.children.filter((c) => c.name !== 'RetourCodes').map(vorm) };
}

/** Every element's namespace must be the bericht's own or the basisschema's, never the heenbericht's. */
function namespaces(el: XmlElement, into = new Set<string>()): Set<string> {
  into.add(el.ns);
  el.children.forEach((c) => namespaces(c, into));
  return into;
}

const MET_RETOUR = MANIFEST.filter((m) => m.nummer !== '323' && m.nummer !== '325' && !m.xsdOngeldig);
const DECLARATIES = MANIFEST.filter((m) => m.nummer === '323');

function controleerRetour(root: XmlElement, entry: ManifestEntry, b: Beoordeling, xml: string): void {
  const retourNr = BERICHTSOORTEN.get(entry.nummer)!.retour!;
  expect(xsd.validate(xml, entry.standaard, retourNr)).toEqual([]);

  const retour = parseXml(xml);
  const retourNs = berichtNamespace(entry.standaard, retourNr);
  expect(retour.ns).toBe(retourNs);
  expect(namespaces(retour)).toEqual(new Set([retourNs, basisschemaNamespace(entry.standaard)]));
  expect(xml).toContain(`<${entry.standaard === 'ijw' ? 'jw' : 'wmo'}${retourNr}:Bericht`);

  const heenH = kind(root, 'Header');
  const h = kind(retour, 'Header');
  expect(h?.children.map((c) => c.name)).toEqual([
    'BerichtCode', 'BerichtVersie', 'BerichtSubversie', 'Afzender', 'Ontvanger', 'BerichtIdentificatie', 'XsdVersie',
    'IdentificatieRetour', 'DagtekeningRetour', 'XsltVersie', 'XsdVersieRetour', 'RetourCodes',
  ]);
  expect(tekst(h, 'BerichtCode')).toBe(String(BERICHTSOORTEN.get(retourNr)!.berichtCode[entry.standaard]));
  // The heenbericht's Afzender, Ontvanger, BerichtIdentificatie and XsdVersie; the retour's own id and date.
  expect(tekst(h, 'Afzender')).toBe(tekst(heenH, 'Afzender'));
  expect(tekst(h, 'Ontvanger')).toBe(tekst(heenH, 'Ontvanger'));
  expect(vorm(kind(h, 'BerichtIdentificatie')!)).toEqual(vorm(kind(heenH, 'BerichtIdentificatie')!));
  expect(vorm(kind(h, 'XsdVersie')!)).toEqual(vorm(kind(heenH, 'XsdVersie')!));
  expect(tekst(h, 'IdentificatieRetour')).toBe(META.identificatie);
  expect(tekst(h, 'DagtekeningRetour')).toBe(META.dagtekening);
  expect(tekst(h, 'XsltVersie')).toBe('1.0.0');
  expect(tekst(h, 'XsdVersieRetour', 'BerichtXsdVersie')).toBe('1.0.0');
  expect(codesVan(h)).toEqual(b.header);
  if (b.bevindingen.some((x) => x.niveau === 'header')) {
    // A rejected header: the body is left out.
    expect(retour.children.map((c) => c.name)).toEqual(['Header']);
    return;
  }

  // The body is the heenbericht's, element for element, with RetourCodes last in every record.
  expect(retour.children.filter((c) => c.name !== 'Header').map(vorm)).toEqual(root.children.filter((c) => c.name !== 'Header').map(vorm));
  const heen = records(root, entry.nummer);
  const echo = records(retour, entry.nummer);
  expect(echo.map((r) => r.pad)).toEqual(heen.map((r) => r.pad));
  echo.forEach((r, i) => {
    expect(r.el.children.at(-1)?.name).toBe('RetourCodes');
    expect(codesVan(r.el)).toEqual(b.records.get(heen[i]!.el) ?? ['0200']);
  });
}

describe('retourberichten 302 … 320', () => {
  it.each(MET_RETOUR.map((m) => [m.file, m] as const))('%s: echoed with its codes and valid against the XSD', async (_file, entry) => {
    const { root, b } = await beoordeelEntry(entry);
    const xml = bouwRetour(root, entry.standaard, entry.nummer, b, META);
    controleerRetour(root, entry, b, xml);
    if (entry.verwacht.niveau === 'record') {
      const retour = parseXml(xml);
      const metCode = records(retour, entry.nummer).filter((r) => codesVan(r.el).includes(entry.verwacht.retourcode));
      expect(metCode.map((r) => r.pad)).toContain(entry.verwacht.recordPath);
    } else {
      expect(codesVan(kind(parseXml(xml), 'Header'))).toContain(entry.verwacht.retourcode);
    }
  });

  it.each(MET_RETOUR.filter((m) => m.regel === 'TR056').map((m) => [`${m.standaard} ${m.nummer}`, m] as const))(
    '%s accepted: 0200 everywhere',
    async (_naam, entry) => {
      const { identificaties: _weg, ...seed } = entry.register ?? {};
      const { root, b } = await beoordeelEntry(entry, seed);
      expect(b.afgekeurd).toBe(false);
      const xml = bouwRetour(root, entry.standaard, entry.nummer, b, META);
      controleerRetour(root, entry, b, xml);
      const retour = parseXml(xml);
      expect(codesVan(kind(retour, 'Header'))).toEqual(['0200']);
      for (const r of records(retour, entry.nummer)) expect(codesVan(r.el)).toEqual(['0200']);
    },
  );

  it('refuses what has no retourbericht and an identificatie longer than 12', async () => {
    const decl = DECLARATIES[0]!;
    const { root, b } = await beoordeelEntry(decl);
    expect(() => bouwRetour(root, decl.standaard, '323', b, META)).toThrow(/no retourbericht/);
    const start = MET_RETOUR[0]!;
    const s = await beoordeelEntry(start);
    expect(() => bouwRetour(s.root, start.standaard, start.nummer, s.b, { ...META, identificatie: 'X'.repeat(13) })).toThrow(/12/);
  });
});

describe('the rejecting declaratie-antwoord 325', () => {
  it.each(DECLARATIES.map((m) => [m.file, m] as const))('%s', async (_file, entry) => {
    const { root, b } = await beoordeelEntry(entry);
    const xml = bouwDeclaratieAntwoord(root, entry.standaard, b, META);
    expect(xsd.validate(xml, entry.standaard, '325')).toEqual([]);

    const antwoord = parseXml(xml);
    expect(antwoord.ns).toBe(berichtNamespace(entry.standaard, '325'));
    expect(namespaces(antwoord)).toEqual(new Set([berichtNamespace(entry.standaard, '325'), basisschemaNamespace(entry.standaard)]));
    const h = kind(antwoord, 'Header');
    const heenH = kind(root, 'Header');
    expect(tekst(h, 'BerichtCode')).toBe(String(BERICHTSOORTEN.get('325')!.berichtCode[entry.standaard]));
    expect(tekst(h, 'Afzender')).toBe(tekst(heenH, 'Ontvanger'));
    expect(tekst(h, 'Ontvanger')).toBe(tekst(heenH, 'Afzender'));
    expect(vorm(kind(h, 'DeclaratieIdentificatie')!)).toEqual({ ...(vorm(kind(heenH, 'BerichtIdentificatie')!) as object), n: 'DeclaratieIdentificatie' });
    expect(vorm(kind(h, 'XsdVersieDeclaratie')!)).toEqual({ ...(vorm(kind(heenH, 'XsdVersie')!) as object), n: 'XsdVersieDeclaratie' });
    expect(codesVan(h)).toEqual(b.header);

    const da = kind(antwoord, 'DeclaratieAntwoord');
    const decl = kind(root, 'Declaratie');
    expect(tekst(da, 'DeclaratieNummer')).toBe(tekst(decl, 'DeclaratieNummer'));
    expect(vorm(kind(da, 'TotaalIngediendBedrag')!)).toEqual(vorm(kind(decl, 'TotaalIngediendBedrag')!));
    expect([tekst(da, 'TotaalToegekendBedrag', 'TotaalBedrag'), tekst(da, 'TotaalToegekendBedrag', 'DebetCredit')]).toEqual(['0', 'D']);

    const opDeclaratie = entry.verwacht.niveau === 'header' || entry.verwacht.recordPath === 'Declaratie';
    const prestaties = records(antwoord, '325').filter((r) => r.pad.endsWith('/Prestatie'));
    if (opDeclaratie) {
      expect(kind(da, 'Clienten')).toBeUndefined();
      expect(codesVan(da)).toEqual(entry.verwacht.niveau === 'header' ? ['0001'] : [entry.verwacht.retourcode]);
    } else {
      // Every prestatie is listed (each is rejected with the declaratie): its own codes, or 0001.
      const heen = records(root, '323').filter((r) => r.pad.endsWith('/Prestatie'));
      expect(prestaties.length).toBe(heen.length);
      prestaties.forEach((p, i) => {
        expect(vorm(p.el)).toEqual(vorm(heen[i]!.el));
        expect(codesVan(p.el)).toEqual(b.records.get(heen[i]!.el) ?? ['0001']);
      });
      expect(prestaties.some((p) => codesVan(p.el).includes(entry.verwacht.retourcode)) || entry.verwacht.recordPath?.endsWith('/Client')).toBe(true);
      expect(codesVan(da)).toEqual(['0200']);
    }

    // As a 325 of its own, the answer adds up (TR342) and its header is in order.
    const gemeente = tekst(heenH, 'Ontvanger')!;
    const terug = await beoordeel(antwoord, entry.standaard, '325', { afzenderVerwacht: gemeente, vandaag: VANDAAG, register: new MemoryRegister() });
    // (A declaratie rejected for a duplicate client echoes that duplicate, so TR101 is not checked for it.)
    const te = ['TR342', 'KP-001', 'TR135', 'TR378', ...(entry.regel === 'TR101' ? [] : ['TR101'])];
    expect(terug.bevindingen.filter((x) => te.includes(x.regel)).map((x) => x.regel)).toEqual([]);
  });

  it('only rejects', async () => {
    const valid = MANIFEST.find((m) => m.regel === 'TR056' && m.nummer === '323')!;
    const { identificaties: _weg, ...seed } = valid.register ?? {};
    const { root, b } = await beoordeelEntry(valid, seed);
    expect(b.afgekeurd).toBe(false);
    expect(() => bouwDeclaratieAntwoord(root, valid.standaard, b, META)).toThrow(/only rejects/);
  });
});
