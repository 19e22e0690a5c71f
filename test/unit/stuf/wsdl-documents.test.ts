/**
 * The WSDLs of the ZDS endpoints import the same schemas: each file is read once per process, and
 * every endpoint's served documents are cut from that one text (four copies, 10 MB, were held).
 */
import { describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { WsdlDocuments, wsdlFileReads } from '../../../src/channels/stuf/wsdl-documents.js';
import { ZDS_WSDL_FILES } from '../../../src/standards/stuf/zds-wsdl.js';
import { projectRoot } from '../../../src/util/paths.js';

const dir = join(projectRoot(), 'schemas', 'stuf', ZDS_WSDL_FILES.zds12.dir);
const files = ZDS_WSDL_FILES.zds12.files;

describe('WsdlDocuments', () => {
  it('reads a schema shared by several endpoints once, and serves the same text from each', () => {
    const before = wsdlFileReads.count;
    const first = WsdlDocuments.load(join(dir, files.OntvangAsynchroon));
    const afterFirst = wsdlFileReads.count;
    expect(afterFirst - before).toBeGreaterThan(5);
    const second = WsdlDocuments.load(join(dir, files.BeantwoordVraag));
    const again = WsdlDocuments.load(join(dir, files.OntvangAsynchroon));
    // The second endpoint reads its own WSDL and nothing it shares; the same endpoint again reads nothing.
    expect(wsdlFileReads.count - afterFirst).toBeLessThanOrEqual(2);
    const shared = first.schemaNames.filter((n) => second.schemaNames.includes(n));
    expect(shared.length).toBeGreaterThan(5);
    for (const name of shared) expect(second.schema(name, 'http://gw/stuf/zds/BeantwoordVraag')).toBe(first.schema(name, 'http://gw/stuf/zds/BeantwoordVraag'));
    expect(again.wsdl('http://gw/x')).toBe(first.wsdl('http://gw/x'));
  });
});
