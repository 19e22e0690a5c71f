/**
 * Writes schemas/istandaarden/<ijw|iwmo>/3_2/*.xsd and schemas/istandaarden/json/*.schema.json from
 * the structure model (src/standards/istandaarden/schema/model.ts). Run: npm run schemas:istandaarden
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { generateAllJsonSchemas } from '../src/standards/istandaarden/schema/generate-json-schema.js';
import { generateAllXsd } from '../src/standards/istandaarden/schema/generate-xsd.js';
import { projectRoot } from '../src/util/paths.js';

const dir = join(projectRoot(), 'schemas', 'istandaarden');
const files = [...generateAllXsd(), ...generateAllJsonSchemas()];
for (const file of files) {
  const target = join(dir, ...file.path.split('/'));
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, file.text, 'utf8');
}
console.log(`wrote ${files.length} schemas under ${dir}`);
