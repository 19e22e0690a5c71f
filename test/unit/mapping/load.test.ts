import { describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { compileMappingText, loadMappingFile, loadMappings, MappingFileError } from '../../../src/mapping/index.js';
import { projectRoot } from '../../../src/util/paths.js';

const root = projectRoot();
const broken = (name: string): string => join(root, 'fixtures', 'mappings-broken', name);

function loadError(work: () => unknown): MappingFileError {
  try {
    work();
  } catch (err) {
    if (err instanceof MappingFileError) return err;
    throw err;
  }
  throw new Error('expected a MappingFileError');
}

describe('broken mapping files are reported with file, line, column and field', () => {
  it.each([
    ['yaml-syntax.yaml', 8, 1, '', 'YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]'],
    ['unknown-transform.yaml', 11, 9, 'fields[1].transform[0]', "unknown transform 'dat'"],
    ['unknown-code-list.yaml', 15, 31, 'fields[0].fields[1].transform[0].lookup', "unknown code list 'eenhied'"],
    [
      'bad-date-pattern.yaml',
      11,
      15,
      'fields[0].transform[0].date.to',
      "date pattern 'DD-MM-JJJJ' has an unknown element at 'JJJJ'; use YYYY MM DD HH mm ss SSS Z and - / . : T or space",
    ],
    ['misspelled-key.yaml', 8, 5, 'fields[0].requird', "unknown key 'requird'"],
    ['no-value-source.yaml', 8, 5, 'fields[1]', 'a field needs exactly one of: source, value, template, concat, fields'],
    ['undeclared-prefix.yaml', 11, 13, 'fields[1].source', "invalid path 'tw:Client.tw:Bsn': prefix 'tw' is not declared in source.namespaces"],
  ])('%s', (file, line, column, field, problem) => {
    const err = loadError(() => loadMappingFile(broken(file)));
    expect(err.file).toBe(`fixtures/mappings-broken/${file}`);
    expect([err.line, err.column, err.field, err.problem]).toEqual([line, column, field, problem]);
    expect(err.message).toBe(`fixtures/mappings-broken/${file}:${line}:${column}${field ? ` ${field}` : ''}: ${problem}`);
  });

  it('a file that cannot be read', () => {
    const err = loadError(() => loadMappingFile(broken('does-not-exist.yaml')));
    expect(err.message).toBe('fixtures/mappings-broken/does-not-exist.yaml:1:1: cannot read the file (ENOENT)');
  });
});

describe('schema messages in plain words', () => {
  const head = 'mapping: t\nversion: 1\nsource: { format: json }\ntarget: { format: json }\n';
  const problem = (yaml: string): string => loadError(() => compileMappingText(yaml, '', 'm.yaml')).message;

  it.each([
    ['an unknown bare transform', `${head}fields:\n  - { target: a, source: a, transform: [trim, uppr] }\n`, "m.yaml:6:47 fields[0].transform[1]: unknown transform 'uppr'"],
    ['a transform with two names', `${head}fields:\n  - { target: a, source: a, transform: [{ trim: {}, upper: {} }] }\n`, 'm.yaml:6:41 fields[0].transform[0]: a transform is written as a name or as { name: parameters } with one name'],
    ['a wrong parameter', `${head}fields:\n  - { target: a, source: a, transform: [{ padLeft: { lenght: 8 } }] }\n`, "m.yaml:6:54 fields[0].transform[0].padLeft.lenght: unknown key 'lenght'"],
    ['a missing required key', 'mapping: t\nversion: 1\nsource: { format: json }\nfields:\n  - { target: a, value: 1 }\n', "m.yaml:1:1: missing required key 'target'"],
    ['a bad mapping name', head.replace('mapping: t', 'mapping: Toewijzing Naar') + 'fields:\n  - { target: a, value: 1 }\n', 'm.yaml:1:10 mapping: a mapping name has lowercase letters, digits and hyphens only'],
    ['a wrong type', `${head}fields:\n  - { target: a, source: a, required: ja }\n`, 'm.yaml:6:39 fields[0].required: must be true or false'],
    ['an unknown format', head.replace('source: { format: json }', 'source: { format: csv }') + 'fields:\n  - { target: a, value: 1 }\n', 'm.yaml:3:19 source.format: must be one of: json, xml'],
    ['a condition without a test', `${head}fields:\n  - { target: a, value: 1, when: { path: a } }\n`, 'm.yaml:6:34 fields[0].when: a condition needs exactly one of: exists, equals, in (each with path), not, all, any'],
    ['a nested condition mistake', `${head}fields:\n  - { target: a, value: 1, when: { all: [ { path: a, exists: true }, { path: b, equal: 1 } ] } }\n`, "m.yaml:6:81 fields[0].when.all[1].equal: unknown key 'equal'"],
    ['path next to not', `${head}fields:\n  - { target: a, value: 1, when: { path: a, not: { path: b, exists: true } } }\n`, 'm.yaml:6:36 fields[0].when.path: path belongs with exists, equals or in, not with not/all/any'],
    ['an empty fields list', `${head}fields: []\n`, 'm.yaml:5:9 fields: must NOT have fewer than 1 items'],
    ['a duplicate key', `${head}fields:\n  - target: a\n    target: b\n    value: 1\n`, 'm.yaml:7:5: YAML syntax error: Map keys must be unique'],
  ])('%s', (_what, yaml, message) => {
    expect(problem(yaml)).toBe(message);
  });
});

describe('loadMappings', () => {
  it('loads every mapping below a folder by name', () => {
    const mappings = loadMappings(join(root, 'mappings'));
    expect([...mappings.keys()].sort()).toEqual(expect.arrayContaining(['toewijzing-naar-aanbieder', 'toewijzing-naar-xml', 'toewijzing-uit-xml']));
    const xml = mappings.get('toewijzing-naar-xml')!;
    expect([xml.name, xml.version, xml.sourceFormat, xml.targetFormat, xml.file]).toEqual([
      'toewijzing-naar-xml',
      1,
      'json',
      'xml',
      join(root, 'mappings', 'json', 'toewijzing-naar-xml.yaml'),
    ]);
  });

  it('refuses a name used twice, pointing at the second file', () => {
    const err = loadError(() => loadMappings(broken('duplicate-name')));
    expect(err.message).toBe(
      "fixtures/mappings-broken/duplicate-name/b.yaml:2:10 mapping: mapping name 'dubbel' is already used by fixtures/mappings-broken/duplicate-name/a.yaml",
    );
  });

  it('refuses a folder that does not exist', () => {
    expect(loadError(() => loadMappings(join(root, 'fixtures', 'geen-map'))).message).toBe('fixtures/geen-map:1:1: cannot read the mappings folder (ENOENT)');
  });

  it('stops at the first broken file, in name order', () => {
    const err = loadError(() => loadMappings(join(root, 'fixtures', 'mappings-broken')));
    expect(err.file).toBe('fixtures/mappings-broken/bad-date-pattern.yaml');
  });
});
