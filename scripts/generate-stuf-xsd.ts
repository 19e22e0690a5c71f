/**
 * Writes schemas/stuf/zds-1.1/*.xsd and schemas/stuf/zds-1.2/*.xsd from knooppunt's StUF schema
 * model (src/standards/stuf/schema/model/*.stuf, notation in model.ts). Run: npm run schemas:stuf
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateStufXsd } from '../src/standards/stuf/schema/generate-xsd.js';
import { loadStufModel } from '../src/standards/stuf/schema/model-files.js';
import { STUF_SETS } from '../src/standards/stuf/schema/model.js';
import { projectRoot } from '../src/util/paths.js';

const model = loadStufModel();
let n = 0;
for (const set of STUF_SETS) {
  const dir = join(projectRoot(), 'schemas', 'stuf', set);
  mkdirSync(dir, { recursive: true });
  for (const old of readdirSync(dir)) if (old.endsWith('.xsd')) rmSync(join(dir, old));
  for (const [name, text] of Object.entries(generateStufXsd(model, set))) {
    writeFileSync(join(dir, name), text, 'utf8');
    n++;
  }
}
console.log(`wrote ${n} StUF schemas under schemas/stuf/{${STUF_SETS.join(',')}}`);
