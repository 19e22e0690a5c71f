/** Reads knooppunt's StUF schema model (src/standards/stuf/schema/model/*.stuf) from the source tree. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../../util/paths.js';
import { parseModel, type StufModel } from './model.js';

export function stufModelDir(): string {
  return join(projectRoot(), 'src', 'standards', 'stuf', 'schema', 'model');
}

export function loadStufModel(dir: string = stufModelDir()): StufModel {
  const texts: Record<string, string> = {};
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.stuf')).sort()) texts[f] = readFileSync(join(dir, f), 'utf8');
  return parseModel(texts);
}
