#!/usr/bin/env node
// `npm start` and `npm run knooppunt -- <command>`: runs the compiled CLI in dist/, which starts in
// a fraction of the time tsx needs to compile src/ on every call. When src/ (or a tsconfig) is newer
// than the build, or there is no build yet (a fresh clone), it builds first with the project's tsc.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'src', 'cli.js');

function newestTs(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestTs(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

const srcDir = join(root, 'src');
if (existsSync(srcDir)) {
  const built = existsSync(cli) ? statSync(cli).mtimeMs : 0;
  const sources = Math.max(newestTs(srcDir), ...['tsconfig.json', 'tsconfig.build.json'].map((f) => (existsSync(join(root, f)) ? statSync(join(root, f)).mtimeMs : 0)));
  if (sources > built) {
    process.stderr.write(built ? 'knooppunt: src/ changed since the last build; building dist/ first\n' : 'knooppunt: first run, building dist/ (once)\n');
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) {
      process.stderr.write('knooppunt: the build failed (npm run build shows the errors)\n');
      process.exit(1);
    }
  }
}
await import(pathToFileURL(cli).href);
