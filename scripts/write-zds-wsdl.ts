/**
 * Writes knooppunt's ZDS 1.1 and 1.2 WSDLs (schemas/stuf/zds-1.1/*.wsdl, schemas/stuf/zds-1.2/*.wsdl)
 * from the operation table. Run: npm run wsdl:stuf
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { zdsWsdlBestanden } from '../src/standards/stuf/zds-wsdl.js';
import { projectRoot } from '../src/util/paths.js';

const files = zdsWsdlBestanden();
for (const [path, text] of Object.entries(files)) {
  const target = join(projectRoot(), 'schemas', 'stuf', path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, text, 'utf8');
}
console.log(`wrote ${Object.keys(files).length} WSDLs under schemas/stuf`);
