import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadMappingFile, MappingRunError } from '../../../src/mapping/index.js';
import { isValidBsn } from '../../../src/standards/common/bsn.js';
import { projectRoot } from '../../../src/util/paths.js';

const root = projectRoot();
const fixture = (name: string): string => readFileSync(join(root, 'fixtures', 'json', name), 'utf8');
const mapping = (name: string) => loadMappingFile(join(root, 'mappings', 'json', `${name}.yaml`));
const envelope = (): Record<string, unknown> => JSON.parse(fixture('toewijzing.json')) as Record<string, unknown>;

describe('example mappings against their fixtures', () => {
  it('the fixture uses a synthetic BSN that passes the elfproef', () => {
    const bsn = (envelope().payload as { client: { bsn: string } }).client.bsn;
    expect(bsn).toBe('999993653');
    expect(isValidBsn(bsn)).toBe(true);
  });

  it('toewijzing-naar-aanbieder', () => {
    const result = mapping('toewijzing-naar-aanbieder').run(envelope());
    expect(result.contentType).toBe('application/json');
    expect(result.output).toEqual(JSON.parse(fixture('toewijzing.aanbieder.expected.json')));
    expect(JSON.parse(result.serialized.toString('utf8'))).toEqual(result.output);
  });

  it('toewijzing-naar-aanbieder: open-ended product, unknown eenheid', () => {
    const input = envelope();
    const producten = (input.payload as { producten: Record<string, unknown>[] }).producten;
    delete producten[0]!.einddatum;
    const out = mapping('toewijzing-naar-aanbieder').run(input).output as { producten: Record<string, unknown>[] };
    expect(out.producten[0]!.looptijd).toBe('onbepaald');
    expect(out.producten[0]).not.toHaveProperty('einddatum');

    (producten[0]!.omvang as Record<string, unknown>).eenheid = '99';
    expect(() => mapping('toewijzing-naar-aanbieder').run(input)).toThrow(
      new MappingRunError('toewijzing-naar-aanbieder', 'producten[0].omvang.eenheid', 'unknown-code', "code list 'eenheid'"),
    );
  });

  it('toewijzing-naar-xml', () => {
    const result = mapping('toewijzing-naar-xml').run(envelope());
    expect(result.contentType).toBe('application/xml');
    expect(result.serialized.toString('utf8')).toBe(fixture('toewijzing.expected.xml').trimEnd());
  });

  it('toewijzing-uit-xml reads the XML of toewijzing-naar-xml', () => {
    const result = mapping('toewijzing-uit-xml').run(Buffer.from(fixture('toewijzing.expected.xml')));
    expect(result.output).toEqual(JSON.parse(fixture('toewijzing.uit-xml.expected.json')));
  });

  it('toewijzing-uit-xml matches by namespace, not by the prefix the sender chose', () => {
    const result = mapping('toewijzing-uit-xml').run(fixture('toewijzing.ander-prefix.xml'));
    expect(result.output).toEqual(JSON.parse(fixture('toewijzing.ander-prefix.expected.json')));
    const [eerste] = (result.output as { payload: { producten: unknown[] } }).payload.producten;
    const uitTw = (mapping('toewijzing-uit-xml').run(fixture('toewijzing.expected.xml')).output as { payload: { producten: unknown[] } }).payload.producten[0];
    expect(eerste).toEqual(uitTw);
  });

  it('JSON → XML → JSON gives back the payload', () => {
    const original = envelope();
    const xml = mapping('toewijzing-naar-xml').run(original).serialized;
    const back = mapping('toewijzing-uit-xml').run(xml).output as Record<string, unknown>;
    expect(back.payload).toEqual(original.payload);
    expect(back.messageId).toBe(original.messageId);
  });
});
