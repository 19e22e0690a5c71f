/**
 * The invalid iStandaarden fixtures (fixtures/istandaarden/invalid/, one per rule, listed in
 * manifest.json with the register they need) and how the rule tests and the retour tests run one
 * through the rule engine, so both judge the same bericht in the same way.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BerichtNummer, Standaard } from '../../src/standards/istandaarden/catalog.js';
import { MemoryRegister, type MemoryRegisterSeed } from '../../src/standards/istandaarden/register.js';
import { beoordeel, type Beoordeling } from '../../src/standards/istandaarden/rules/index.js';
import { parseXml, type XmlElement } from '../../src/xml/parse.js';
import { projectRoot } from '../../src/util/paths.js';

/** A fixed "today", so TR135 and the rules that look at dates judge the fixtures the same on any day. */
export const VANDAAG = '2026-11-23';

const DIR = join(projectRoot(), 'fixtures', 'istandaarden', 'invalid');

export interface ManifestEntry {
  file: string;
  standaard: Standaard;
  nummer: BerichtNummer;
  regel: string;
  verwacht: { niveau: 'header' | 'record'; recordPath?: string; retourcode: string };
  register?: MemoryRegisterSeed;
  afzender?: string;
  /**
   * The element whose value the 3.2 XSD already refuses (an enumeration): such a fixture never
   * reaches the rules in the channel (IB001), so no retourbericht is built for it.
   */
  xsdOngeldig?: string;
}

export const MANIFEST = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as ManifestEntry[];

export function xmlVan(entry: ManifestEntry): string {
  return readFileSync(join(DIR, entry.file), 'utf8');
}

/**
 * Judges a fixture as if its own Afzender had authenticated (unless the entry names another), with
 * the register of the manifest or the given seed.
 */
export async function beoordeelEntry(entry: ManifestEntry, seed: MemoryRegisterSeed | undefined = entry.register): Promise<{ root: XmlElement; b: Beoordeling }> {
  const xml = xmlVan(entry);
  const root = parseXml(xml);
  const afzender = entry.afzender ?? /<(?:\w+:)?Afzender>([^<]+)</.exec(xml)![1]!;
  const b = await beoordeel(root, entry.standaard, entry.nummer, { afzenderVerwacht: afzender, vandaag: VANDAAG, register: new MemoryRegister(seed) });
  return { root, b };
}
