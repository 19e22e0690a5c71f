/**
 * The official StUF / ZDS schemas in ../shared/stuf-official (path overridable with
 * KNOOPPUNT_SHARED_DIR). When they are missing, a suite is skipped with a visible notice, never
 * passed silently; under CI (env CI set) missing artefacts fail the run.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { sharedDir } from './istandaarden-official.js';

export function stufOfficialDir(): string {
  return join(sharedDir(), 'stuf-official');
}

export const stufOfficialPresent = existsSync(join(stufOfficialDir(), 'zds-1.1.02')) && existsSync(join(stufOfficialDir(), 'zds-1.2'));

export function describeStufOfficial(name: string, fn: () => void): void {
  if (stufOfficialPresent) {
    describe(name, fn);
    return;
  }
  if (process.env.CI) {
    describe(name, () => {
      it('needs ../shared/stuf-official', () => {
        throw new Error(`official StUF schemas missing at ${stufOfficialDir()} (set KNOOPPUNT_SHARED_DIR)`);
      });
    });
    return;
  }
  console.warn(`SKIPPED: ${name}: official StUF schemas not found at ${stufOfficialDir()} (set KNOOPPUNT_SHARED_DIR)`);
  describe(name, () => {
    it.skip(`needs ${stufOfficialDir()}`, () => undefined);
  });
}
