/**
 * The official iJw 3.2 / iWmo 3.2 artefacts in ../shared/istandaarden-official (path overridable
 * with KNOOPPUNT_SHARED_DIR). When they are missing, a suite is skipped with a visible notice, never
 * passed silently; under CI (env CI set) missing artefacts fail the run.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BerichtNummer, Standaard } from '../../src/standards/istandaarden/catalog.js';
import { projectRoot } from '../../src/util/paths.js';

export function sharedDir(): string {
  return process.env.KNOOPPUNT_SHARED_DIR ?? resolve(projectRoot(), '..', 'shared');
}

export function officialDir(): string {
  return join(sharedDir(), 'istandaarden-official');
}

/** The folder of one standaard's official files: ijw-3.2 / iwmo-3.2. */
export function officialStandaardDir(standaard: Standaard): string {
  return join(officialDir(), `${standaard}-3.2`);
}

/** The official file name of a bericht XSD: JW301.xsd / WMO301.xsd. */
export function officialXsdName(standaard: Standaard, nummer: BerichtNummer): string {
  return `${standaard === 'ijw' ? 'JW' : 'WMO'}${nummer}.xsd`;
}

export function officialXsd(standaard: Standaard, nummer: BerichtNummer): string {
  return readFileSync(join(officialStandaardDir(standaard), officialXsdName(standaard, nummer)), 'utf8');
}

export function officialBasisschema(standaard: Standaard): string {
  return readFileSync(join(officialStandaardDir(standaard), 'basisschema.xsd'), 'utf8');
}

export interface Voorbeeldbericht {
  standaard: Standaard;
  nummer: BerichtNummer;
  file: string;
  xml: string;
}

/** Every official example message, with the standaard and bericht its file name says. */
export function voorbeeldberichten(): Voorbeeldbericht[] {
  const out: Voorbeeldbericht[] = [];
  for (const standaard of ['ijw', 'iwmo'] as const) {
    const dir = join(officialStandaardDir(standaard), 'voorbeeldberichten');
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.xml')).sort()) {
      const m = /^(?:JW|WMO)(\d{3})\.xml$/.exec(file);
      if (!m) throw new Error(`unexpected example file ${file}`);
      out.push({ standaard, nummer: m[1] as BerichtNummer, file: `${standaard}-3.2/voorbeeldberichten/${file}`, xml: readFileSync(join(dir, file), 'utf8') });
    }
  }
  return out;
}

export const officialPresent = existsSync(join(officialDir(), 'ijw-3.2', 'basisschema.xsd')) && existsSync(join(officialDir(), 'iwmo-3.2', 'basisschema.xsd'));

/** `describe` when the official files are there; otherwise a skipped test with a visible notice (and a failure under CI). */
export function describeOfficial(name: string, fn: () => void): void {
  if (officialPresent) {
    describe(name, fn);
    return;
  }
  if (process.env.CI) {
    describe(name, () => {
      it('needs ../shared/istandaarden-official', () => {
        throw new Error(`official iStandaarden artefacts missing at ${officialDir()} (set KNOOPPUNT_SHARED_DIR)`);
      });
    });
    return;
  }
  console.warn(`SKIPPED: ${name}: official iStandaarden artefacts not found at ${officialDir()} (set KNOOPPUNT_SHARED_DIR)`);
  describe(name, () => {
    it.skip(`needs ${officialDir()}`, () => undefined);
  });
}
