import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { runMapCommand } from '../../../src/mapping/index.js';
import { projectRoot } from '../../../src/util/paths.js';

const root = projectRoot();
const fixtures = join(root, 'fixtures', 'json');

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString('utf8');
    done();
  }
}

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out = new Capture();
  const err = new Capture();
  const code = await runMapCommand(argv, out, err);
  return { code, out: out.text, err: err.text };
}

describe('knooppunt map', () => {
  it('runs a mapping by file and prints indented JSON', async () => {
    const { code, out, err } = await cli(join(root, 'mappings/json/toewijzing-naar-aanbieder.yaml'), join(fixtures, 'toewijzing.json'));
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toBe(readFileSync(join(fixtures, 'toewijzing.aanbieder.expected.json'), 'utf8'));
  });

  it('runs a mapping by name from the mappings folder and prints XML', async () => {
    const { code, out } = await cli('map', 'toewijzing-naar-xml', join(fixtures, 'toewijzing.json'), '--mappings', join(root, 'mappings'));
    expect(code).toBe(0);
    expect(out).toBe(readFileSync(join(fixtures, 'toewijzing.expected.xml'), 'utf8'));
  });

  it('reads XML input for an xml-source mapping', async () => {
    const { code, out } = await cli(`--mappings=${join(root, 'mappings')}`, 'toewijzing-uit-xml', join(fixtures, 'toewijzing.ander-prefix.xml'));
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual(JSON.parse(readFileSync(join(fixtures, 'toewijzing.ander-prefix.expected.json'), 'utf8')));
  });

  it('exit 3 with file:line:column field for a broken mapping', async () => {
    const { code, out, err } = await cli(join(root, 'fixtures/mappings-broken/unknown-transform.yaml'), join(fixtures, 'toewijzing.json'));
    expect(code).toBe(3);
    expect(out).toBe('');
    expect(err).toBe("knooppunt map: broken mapping: fixtures/mappings-broken/unknown-transform.yaml:11:9 fields[1].transform[0]: unknown transform 'dat'\n");
  });

  it('exit 1 when the input cannot be mapped, without input values in the message', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'knooppunt-map-'));
    const input = JSON.parse(readFileSync(join(fixtures, 'toewijzing.json'), 'utf8')) as { payload: { client: { geboortedatum: string } } };
    input.payload.client.geboortedatum = '999993653';
    writeFileSync(join(dir, 'in.json'), JSON.stringify(input));
    const { code, err } = await cli(join(root, 'mappings/json/toewijzing-naar-aanbieder.yaml'), join(dir, 'in.json'));
    expect(code).toBe(1);
    expect(err).toBe("knooppunt map: mapping 'toewijzing-naar-aanbieder', field client.geboortedatum: not a valid date in the expected format (expected YYYY-MM-DD)\n");

    writeFileSync(join(dir, 'kapot.json'), '{"a":');
    const broken = await cli(join(root, 'mappings/json/toewijzing-naar-aanbieder.yaml'), join(dir, 'kapot.json'));
    expect(broken.code).toBe(1);
    expect(broken.err).toBe(`knooppunt map: ${join(dir, 'kapot.json')} is not valid JSON\n`);

    const notXml = await cli(join(root, 'mappings/json/toewijzing-uit-xml.yaml'), join(fixtures, 'toewijzing.json'));
    expect(notXml.code).toBe(1);
    expect(notXml.err).toBe("knooppunt map: mapping 'toewijzing-uit-xml': the input is not acceptable XML (not-xml)\n");
  });

  it('exit 2 on wrong usage', async () => {
    const missing = await cli('toewijzing-naar-aanbieder');
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('knooppunt map: expected a mapping and an input file\nusage: knooppunt map');

    const unknown = await cli('bestaat-niet', join(fixtures, 'toewijzing.json'), '--mappings', join(root, 'mappings'));
    expect(unknown.code).toBe(2);
    expect(unknown.err.split('\n')[0]).toBe(`knooppunt map: no mapping named 'bestaat-niet' in ${join(root, 'mappings')}`);

    expect((await cli('--verbose', 'a', 'b')).code).toBe(2);
    expect((await cli(join(root, 'mappings/json/toewijzing-naar-aanbieder.yaml'), join(fixtures, 'geen.json'))).code).toBe(2);
    expect((await cli('x.yaml', join(fixtures, 'toewijzing.json'))).code).toBe(2);
  });

  it('--help prints the usage and exits 0', async () => {
    const { code, out } = await cli('--help');
    expect(code).toBe(0);
    expect(out.startsWith('usage: knooppunt map <mapping-file-or-name> <input-file>')).toBe(true);
  });
});
