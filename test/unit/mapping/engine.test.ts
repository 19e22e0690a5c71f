import { describe, expect, it } from '@jest/globals';
import { compileMappingText, MappingFileError, MappingRunError } from '../../../src/mapping/index.js';
import { parseXml } from '../../../src/xml/parse.js';

const JSON_HEAD = 'mapping: test\nversion: 1\nsource: { format: json }\ntarget: { format: json }\n';

/** A JSON → JSON mapping from its `fields:` (and optional codeLists) YAML. */
const jsonMapping = (body: string) => compileMappingText(JSON_HEAD + body);
const map = (body: string, input: unknown): unknown => jsonMapping(body).run(input).output;

function runError(work: () => unknown): MappingRunError {
  try {
    work();
  } catch (err) {
    if (err instanceof MappingRunError) return err;
    throw err;
  }
  throw new Error('expected a MappingRunError');
}

function fileError(yaml: string): MappingFileError {
  try {
    compileMappingText(yaml, '', 'test.yaml');
  } catch (err) {
    if (err instanceof MappingFileError) return err;
    throw err;
  }
  throw new Error('expected a MappingFileError');
}

describe('values: source, constant, default, required', () => {
  const body = `
fields:
  - target: bsn
    source: client.bsn
    required: true
  - target: soort
    value: toewijzing
  - target: opmerking
    source: opmerking
    default: geen
  - target: datum
    source: datum
    default: onbekend
    transform: [{ date: { from: YYYY-MM-DD, to: DD-MM-YYYY } }]
  - target: postcode
    source: client.postcode
`;

  it('copies sources, writes constants and uses defaults untransformed', () => {
    expect(map(body, { client: { bsn: '999993653' } })).toEqual({ bsn: '999993653', soort: 'toewijzing', opmerking: 'geen', datum: 'onbekend' });
    expect(map(body, { client: { bsn: '999993653', postcode: '7511AB' }, opmerking: 'spoed', datum: '2026-11-20' })).toEqual({
      bsn: '999993653',
      soort: 'toewijzing',
      opmerking: 'spoed',
      datum: '20-11-2026',
      postcode: '7511AB',
    });
  });

  it('treats null and empty text as missing', () => {
    expect(map(body, { client: { bsn: '999993653', postcode: '' }, opmerking: null })).toEqual({
      bsn: '999993653',
      soort: 'toewijzing',
      opmerking: 'geen',
      datum: 'onbekend',
    });
  });

  it('reports a missing required field by field and reason only', () => {
    const err = runError(() => map(body, { client: { bsn: '' } }));
    expect(err.mapping).toBe('test');
    expect(err.field).toBe('bsn');
    expect(err.reason).toBe('required-missing');
    expect(err.message).toBe("mapping 'test', field bsn: required value is missing");
  });

  it('refuses a local time the zone skips, naming the field (docs/dates.md)', () => {
    const m = jsonMapping(`
fields:
  - target: aanvang
    source: tijd
    transform: [{ date: { from: YYYY-MM-DD HH:mm, to: iso-datetime, zone: Europe/Amsterdam } }]
`);
    const err = runError(() => m.run({ tijd: '2026-03-29 02:30' }));
    expect(err.reason).toBe('nonexistent-local-time');
    expect(err.field).toBe('aanvang');
    expect(err.message).toMatch(/^mapping 'test', field aanvang: a local time that does not exist in the time zone/);
    expect(err.message).not.toContain('02:30');
    expect(m.run({ tijd: '2026-10-25 02:30' }).output).toEqual({ aanvang: '2026-10-25T02:30:00+02:00' });
  });

  it('never puts an input value in an error message', () => {
    const m = jsonMapping(`
fields:
  - target: geboortedatum
    source: bsn
    transform: [{ date: { from: YYYY-MM-DD, to: DD-MM-YYYY } }]
`);
    const err = runError(() => m.run({ bsn: '999993653' }));
    expect(err.reason).toBe('invalid-date');
    expect(err.message).toBe("mapping 'test', field geboortedatum: not a valid date in the expected format (expected YYYY-MM-DD)");
    expect(err.message).not.toContain('999993653');
  });

  it('copies structures as they are for a JSON target', () => {
    expect(map('fields:\n  - target: adres\n    source: a\n', { a: { straat: 'Markt', nr: [1, 2] } })).toEqual({ adres: { straat: 'Markt', nr: [1, 2] } });
  });

  it('keeps YAML scalars with leading zeros and exponent notation as text', () => {
    const out = map(
      `
fields:
  - { target: gemeente, value: 0153 }
  - { target: code, value: 45E05 }
  - { target: getal, value: 42 }
  - { target: nul, value: 0 }
  - { target: komma, value: 1.5 }
  - { target: waar, value: true }
`,
      {},
    );
    expect(out).toEqual({ gemeente: '0153', code: '45E05', getal: 42, nul: 0, komma: 1.5, waar: true });
  });

  it('does not change the input and keeps no state between runs', () => {
    const m = jsonMapping(body);
    const input = { client: { bsn: '999993653' }, datum: '2026-11-20' };
    const frozen = JSON.stringify(input);
    const first = m.run(input);
    const second = m.run(input);
    expect(JSON.stringify(input)).toBe(frozen);
    expect(second.output).toEqual(first.output);
    expect(second.output).not.toBe(first.output);
  });
});

describe('paths', () => {
  const input = {
    payload: {
      gemeente: '0153',
      producten: [
        { code: '45A05', tags: ['a', 'b'] },
        { code: '45A07', tags: ['c'] },
      ],
    },
  };

  it('indexes with [n], flattens through lists, and refuses ambiguity for single values', () => {
    expect(map('fields:\n  - { target: tweede, source: "payload.producten[1].code" }\n', input)).toEqual({ tweede: '45A07' });
    expect(map('fields:\n  - { target: codes, source: "payload.producten.code[0]" }\n', input)).toEqual({ codes: '45A05' });
    expect(map('fields:\n  - { target: x, source: "payload.producten[5].code" }\n', input)).toEqual({});
    const err = runError(() => map('fields:\n  - { target: code, source: payload.producten.code }\n', input));
    expect(err.reason).toBe('ambiguous');
    expect(err.field).toBe('code');
  });

  it('reaches the root from inside a group with $root and the item itself with $', () => {
    const out = map(
      `
fields:
  - target: producten
    each: payload.producten
    fields:
      - { target: gemeente, source: $root.payload.gemeente }
      - target: tags
        each: tags
        fields:
          - { target: tag, source: $, transform: [upper] }
`,
      input,
    );
    expect(out).toEqual({
      producten: [
        { gemeente: '0153', tags: [{ tag: 'A' }, { tag: 'B' }] },
        { gemeente: '0153', tags: [{ tag: 'C' }] },
      ],
    });
  });

  it('does not read inherited properties of the input', () => {
    expect(map('fields:\n  - { target: c, source: constructor }\n  - { target: p, source: a.__proto__ }\n', { a: {} })).toEqual({});
  });
});

describe('repeating groups', () => {
  const body = `
codeLists:
  eenheid: { 01: minuut, 04: uur }
fields:
  - target: producten
    each: producten
    required: true
    fields:
      - { target: code, source: code, required: true }
      - target: omvang.eenheid
        source: omvang.eenheid
        transform: [{ lookup: eenheid }]
      - target: leveringen
        each: leveringen
        fields:
          - { target: datum, source: datum, transform: [{ date: { from: YYYYMMDD, to: YYYY-MM-DD } }] }
          - { target: volgnummer, source: nr, transform: [toNumber] }
`;

  it('maps nested lists item by item', () => {
    const out = map(body, {
      producten: [
        { code: 'A', omvang: { eenheid: '04' }, leveringen: [{ datum: '20261201', nr: '1' }, { datum: '20261208', nr: '2' }] },
        { code: 'B', omvang: { eenheid: '01' } },
      ],
    });
    expect(out).toEqual({
      producten: [
        { code: 'A', omvang: { eenheid: 'uur' }, leveringen: [{ datum: '2026-12-01', volgnummer: 1 }, { datum: '2026-12-08', volgnummer: 2 }] },
        { code: 'B', omvang: { eenheid: 'minuut' } },
      ],
    });
  });

  it('treats a single object as a list of one', () => {
    expect(map(body, { producten: { code: 'A' } })).toEqual({ producten: [{ code: 'A' }] });
  });

  it('names the item in errors, down to nested lists', () => {
    const unknown = runError(() => map(body, { producten: [{ code: 'A' }, { code: 'B', omvang: { eenheid: '99' } }] }));
    expect(unknown.field).toBe('producten[1].omvang.eenheid');
    expect(unknown.reason).toBe('unknown-code');
    expect(unknown.message).toBe("mapping 'test', field producten[1].omvang.eenheid: code not in code list (code list 'eenheid')");
    const date = runError(() => map(body, { producten: [{ code: 'A', leveringen: [{ datum: '20261201' }, { datum: '20261332' }] }] }));
    expect(date.field).toBe('producten[0].leveringen[1].datum');
    expect(runError(() => map(body, { producten: [{ code: 'A' }, {}] })).field).toBe('producten[1].code');
  });

  it('leaves out an empty or missing list, unless required', () => {
    const optional = 'fields:\n  - target: p\n    each: p\n    fields:\n      - { target: c, source: c }\n';
    expect(map(optional, { p: [] })).toEqual({});
    expect(map(optional, {})).toEqual({});
    expect(runError(() => map(body, { producten: [] })).reason).toBe('required-missing');
  });
});

describe('groups without each', () => {
  it('nest fields, merge with other fields at the same place, and disappear when empty', () => {
    const body = `
fields:
  - target: client.bsn
    source: bsn
  - target: client
    fields:
      - { target: naam, source: naam }
      - { target: adres.postcode, source: postcode }
  - target: leeg
    fields:
      - { target: x, source: nergens }
`;
    expect(map(body, { bsn: '999990627', naam: 'Jansen', postcode: '7511AB' })).toEqual({
      client: { bsn: '999990627', naam: 'Jansen', adres: { postcode: '7511AB' } },
    });
  });

  it('a condition on a group skips all its fields', () => {
    const body = `
fields:
  - target: einde
    when: { path: einddatum, exists: true }
    fields:
      - { target: datum, source: einddatum }
      - { target: reden, source: reden, required: true }
`;
    expect(map(body, { reden: '01' })).toEqual({});
    expect(map(body, { einddatum: '2027-05-31', reden: '01' })).toEqual({ einde: { datum: '2027-05-31', reden: '01' } });
    expect(runError(() => map(body, { einddatum: '2027-05-31' })).field).toBe('einde.reden');
  });
});

describe('conditions', () => {
  const field = (when: string): string => `fields:\n  - target: ja\n    value: true\n    when: ${when}\n`;
  const holds = (when: string, input: unknown): boolean => (map(field(when), input) as { ja?: boolean }).ja === true;

  it('equals compares as text', () => {
    expect(holds('{ path: eenheid, equals: "04" }', { eenheid: '04' })).toBe(true);
    expect(holds('{ path: eenheid, equals: 04 }', { eenheid: '04' })).toBe(true);
    expect(holds('{ path: eenheid, equals: "04" }', { eenheid: '4' })).toBe(false);
    expect(holds('{ path: volume, equals: 4 }', { volume: 4 })).toBe(true);
    expect(holds('{ path: volume, equals: "4" }', { volume: 4 })).toBe(true);
    expect(holds('{ path: spoed, equals: true }', { spoed: true })).toBe(true);
    expect(holds('{ path: x, equals: a }', {})).toBe(false);
  });

  it('in holds when the value is one of the list', () => {
    expect(holds('{ path: gemeente, in: ["0153", "0164"] }', { gemeente: '0164' })).toBe(true);
    expect(holds('{ path: gemeente, in: ["0153", "0164"] }', { gemeente: '0363' })).toBe(false);
    expect(holds('{ path: p.code, in: [B] }', { p: [{ code: 'A' }, { code: 'B' }] })).toBe(true);
  });

  it('exists true and false, with empty text as absent', () => {
    expect(holds('{ path: a, exists: true }', { a: 'x' })).toBe(true);
    expect(holds('{ path: a, exists: true }', { a: '' })).toBe(false);
    expect(holds('{ path: a, exists: false }', { a: null })).toBe(true);
    expect(holds('{ path: a, exists: false }', { a: 0 })).toBe(false);
    expect(holds('{ path: a, exists: true }', { a: { b: 1 } })).toBe(true);
  });

  it('not, all, any and their nesting', () => {
    const when = '{ any: [ { all: [ { path: a, equals: 1 }, { not: { path: b, exists: true } } ] }, { path: c, in: [x, y] } ] }';
    expect(holds(when, { a: 1 })).toBe(true);
    expect(holds(when, { a: 1, b: 'er' })).toBe(false);
    expect(holds(when, { a: 2, c: 'y' })).toBe(true);
    expect(holds(when, { a: 2, c: 'z' })).toBe(false);
  });

  it('a field whose condition fails is not checked for required', () => {
    expect(map('fields:\n  - { target: x, source: x, required: true, when: { path: soort, equals: z } }\n', { soort: 'a' })).toEqual({});
  });

  it('two fields with opposite conditions can fill one target', () => {
    const body = `
fields:
  - { target: looptijd, value: begrensd, when: { path: einde, exists: true } }
  - { target: looptijd, value: onbepaald, when: { path: einde, exists: false } }
`;
    expect(map(body, { einde: '2027-01-01' })).toEqual({ looptijd: 'begrensd' });
    expect(map(body, {})).toEqual({ looptijd: 'onbepaald' });
  });
});

describe('template and concat', () => {
  it('template fills placeholders and has no value when one is missing', () => {
    const body = 'fields:\n  - { target: kenmerk, template: "{gemeente}-{nr}/{jaar}", default: onbekend }\n';
    expect(map(body, { gemeente: '0153', nr: 123, jaar: '2026' })).toEqual({ kenmerk: '0153-123/2026' });
    expect(map(body, { gemeente: '0153', jaar: '2026' })).toEqual({ kenmerk: 'onbekend' });
  });

  it('concat joins what is there and skips what is not', () => {
    const body = 'fields:\n  - { target: naam, concat: [voornamen, voorvoegsel, achternaam], separator: " " }\n';
    expect(map(body, { voornamen: 'Jan', voorvoegsel: 'van der', achternaam: 'Berg' })).toEqual({ naam: 'Jan van der Berg' });
    expect(map(body, { voornamen: 'Jan', voorvoegsel: '', achternaam: 'Berg' })).toEqual({ naam: 'Jan Berg' });
    expect(map(body, {})).toEqual({});
    expect(map('fields:\n  - { target: c, concat: [a, b] }\n', { a: 'x', b: 1 })).toEqual({ c: 'x1' });
  });

  it('transforms apply to the joined text', () => {
    expect(map('fields:\n  - { target: c, template: "{a}{b}", transform: [{ padLeft: { length: 6 } }] }\n', { a: '12', b: '3' })).toEqual({ c: '000123' });
  });
});

describe('xml source', () => {
  const head = `mapping: uit-xml
version: 1
source:
  format: xml
  root: t:Bericht
  namespaces: { t: "urn:test:bericht", x: "http://www.w3.org/2001/XMLSchema-instance" }
target: { format: json }
`;
  const body = `fields:
  - { target: id, source: "@id" }
  - { target: soort, source: "@t:soort" }
  - { target: bsn, source: t:Client.t:Bsn, required: true }
  - { target: tweede, source: "t:Regel[1].t:Code" }
  - { target: nil, source: t:Leeg, default: was-nil }
  - target: regels
    each: t:Regel
    fields:
      - { target: code, source: t:Code }
      - { target: bedrag, source: t:Bedrag, transform: [euroToCents] }
`;
  const expected = {
    id: '7',
    soort: 'S',
    bsn: '999998456',
    tweede: 'B',
    nil: 'was-nil',
    regels: [{ code: 'A', bedrag: 1999 }, { code: 'B', bedrag: 10 }],
  };
  const documents = [
    // the prefix the mapping uses
    `<t:Bericht xmlns:t="urn:test:bericht" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="7" t:soort="S"><t:Client><t:Bsn>999998456</t:Bsn></t:Client><t:Regel><t:Code>A</t:Code><t:Bedrag>19.99</t:Bedrag></t:Regel><t:Regel><t:Code>B</t:Code><t:Bedrag>0.10</t:Bedrag></t:Regel><t:Leeg xsi:nil="true"/></t:Bericht>`,
    // another prefix
    `<q:Bericht xmlns:q="urn:test:bericht" xmlns:i="http://www.w3.org/2001/XMLSchema-instance" id="7" q:soort="S"><q:Client><q:Bsn>999998456</q:Bsn></q:Client><q:Regel><q:Code>A</q:Code><q:Bedrag>19.99</q:Bedrag></q:Regel><q:Regel><q:Code>B</q:Code><q:Bedrag>0.10</q:Bedrag></q:Regel><q:Leeg i:nil="true"/></q:Bericht>`,
    // the default namespace, and a prefix for the attribute only
    `<Bericht xmlns="urn:test:bericht" xmlns:a="urn:test:bericht" id="7" a:soort="S">
       <Client><Bsn>999998456</Bsn></Client>
       <Regel><Code>A</Code><Bedrag>19.99</Bedrag></Regel>
       <Regel><Code>B</Code><Bedrag>0.10</Bedrag></Regel>
       <Leeg xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"/>
     </Bericht>`,
  ];

  it.each(documents.map((d, i) => [i, d]))('matches by namespace URI, whatever the prefix (document %i)', (_i, xml) => {
    expect(compileMappingText(head + body).run(xml).output).toEqual(expected);
  });

  it('accepts bytes and an already parsed tree', () => {
    const m = compileMappingText(head + body);
    expect(m.run(Buffer.from(documents[0]!)).output).toEqual(expected);
    expect(m.run(parseXml(documents[1]!)).output).toEqual(expected);
  });

  it('does not match elements of another namespace with the same local name', () => {
    const other = documents[0]!.replace('<t:Client><t:Bsn>', '<t:Client><o:Bsn xmlns:o="urn:other">').replace('</t:Bsn></t:Client>', '</o:Bsn></t:Client>');
    expect(runError(() => compileMappingText(head + body).run(other)).field).toBe('bsn');
  });

  it('refuses another root element and XML the parser rejects', () => {
    const m = compileMappingText(head + body);
    expect(runError(() => m.run('<t:Ander xmlns:t="urn:test:bericht"/>')).reason).toBe('unexpected-root');
    expect(runError(() => m.run('<Bericht/>')).reason).toBe('unexpected-root');
    const xxe = runError(() => m.run('<!DOCTYPE t [<!ENTITY x SYSTEM "file:///etc/passwd">]><t:Bericht xmlns:t="urn:test:bericht">&x;</t:Bericht>'));
    expect(xxe.reason).toBe('invalid-xml');
    expect(xxe.message).toBe("mapping 'uit-xml': the input is not acceptable XML (doctype-forbidden)");
    expect(runError(() => m.run({ not: 'xml' })).reason).toBe('invalid-xml');
  });

  it('an element with children is not a value', () => {
    const m = compileMappingText(head + 'fields:\n  - { target: c, source: t:Client }\n');
    expect(runError(() => m.run(documents[0])).reason).toBe('not-a-scalar');
  });

  it('refuses a source prefix the mapping does not declare', () => {
    const err = fileError(head + 'fields:\n  - { target: c, source: "t:Client.u:Bsn" }\n');
    expect(err.message).toBe("test.yaml:9:26 fields[0].source: invalid path 't:Client.u:Bsn': prefix 'u' is not declared in source.namespaces");
  });
});

describe('xml target', () => {
  const head = `mapping: naar-xml
version: 1
source: { format: json }
target:
  format: xml
  root: b:Bericht
  namespaces: { b: "urn:test:b", k: "urn:test:k" }
`;
  const body = `fields:
  - { target: "@versie", value: 2 }
  - { target: "@k:bron", value: knooppunt }
  - { target: b:Kop.b:Id, source: id }
  - { target: b:Kop.b:Datum, source: datum }
  - target: b:Regels.b:Regel
    each: regels
    fields:
      - { target: "@nr", source: nr }
      - { target: b:Bedrag, source: cent, transform: [centsToEuro] }
      - { target: b:Bedrag.@valuta, value: EUR }
      - { target: k:Opmerking, source: opm }
`;
  const input = { id: 'X1', datum: '2026-11-20', regels: [{ nr: 1, cent: 1999 }, { nr: 2, cent: 5, opm: 'a < b & c' }] };

  it('writes elements, attributes (also on a value element), repeated elements and namespaces declared on the root', () => {
    const result = compileMappingText(head + body).run(input);
    expect(result.contentType).toBe('application/xml');
    expect(result.serialized.toString('utf8')).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>' +
        '<b:Bericht xmlns:b="urn:test:b" xmlns:k="urn:test:k" versie="2" k:bron="knooppunt">' +
        '<b:Kop><b:Id>X1</b:Id><b:Datum>2026-11-20</b:Datum></b:Kop>' +
        '<b:Regels>' +
        '<b:Regel nr="1"><b:Bedrag valuta="EUR">19.99</b:Bedrag></b:Regel>' +
        '<b:Regel nr="2"><b:Bedrag valuta="EUR">0.05</b:Bedrag><k:Opmerking>a &lt; b &amp; c</k:Opmerking></b:Regel>' +
        '</b:Regels></b:Bericht>',
    );
  });

  it('returns the output as a namespace-resolved tree', () => {
    const output = compileMappingText(head + body).run(input).output as ReturnType<typeof parseXml>;
    expect(output.ns).toBe('urn:test:b');
    expect(output.name).toBe('Bericht');
    expect(output.attrs).toEqual({ versie: '2', '{urn:test:k}bron': 'knooppunt' });
    expect(parseXml(compileMappingText(head + body).run(input).serialized)).toEqual(
      expect.objectContaining({ ns: 'urn:test:b', name: 'Bericht' }),
    );
  });

  it('leaves the declaration out, indents, and supports a default namespace', () => {
    const m = compileMappingText(`mapping: d
version: 1
source: { format: json }
target: { format: xml, root: Bericht, namespaces: { "": "urn:d" }, declaration: false, pretty: true }
fields:
  - { target: Id, source: id }
`);
    expect(m.run({ id: '1' }).serialized.toString()).toBe('<Bericht xmlns="urn:d">\n  <Id>1</Id>\n</Bericht>');
  });

  it('refuses structures as element text', () => {
    const m = compileMappingText(head + 'fields:\n  - { target: b:X, source: a }\n');
    expect(runError(() => m.run({ a: { b: 1 } })).reason).toBe('not-a-scalar');
  });

  it('refuses characters XML cannot carry', () => {
    const m = compileMappingText(head + 'fields:\n  - { target: b:X, source: a }\n');
    expect(runError(() => m.run({ a: 'bel\u0007' })).reason).toBe('invalid-output');
  });
});

describe('load-time checks of fields', () => {
  it('refuses a target inside another field value', () => {
    const err = fileError(JSON_HEAD + 'fields:\n  - { target: a, value: 1 }\n  - { target: a.b, value: 2 }\n');
    expect(err.field).toBe('fields[1].target');
    expect(err.message).toBe("test.yaml:7:15 fields[1].target: target 'a.b' lies inside 'a', which another field fills");
  });

  it('refuses transform or default on a group, and each without fields', () => {
    expect(fileError(JSON_HEAD + 'fields:\n  - target: g\n    each: x\n    transform: [trim]\n    fields:\n      - { target: a, source: a }\n').message).toBe(
      "test.yaml:8:5 fields[0].transform: 'transform' applies to a value, not to a group with fields",
    );
    expect(fileError(JSON_HEAD + 'fields:\n  - { target: g, each: x, source: y }\n').message).toBe("test.yaml:6:5 fields[0]: 'each' needs 'fields' next to it");
  });

  it('refuses a template without placeholders and a bad path', () => {
    expect(fileError(JSON_HEAD + 'fields:\n  - { target: a, template: vast }\n').field).toBe('fields[0].template');
    expect(fileError(JSON_HEAD + 'fields:\n  - { target: a, source: "b..c" }\n').message).toBe(
      "test.yaml:6:26 fields[0].source: invalid path 'b..c': empty or malformed step",
    );
    expect(fileError(JSON_HEAD + 'fields:\n  - { target: a, value: 1, when: { path: "x[", exists: true } }\n').field).toBe('fields[0].when.path');
  });

  it('refuses XML-only settings on a JSON target and a missing root on an XML target', () => {
    expect(fileError('mapping: a\nversion: 1\nsource: { format: json }\ntarget: { format: json, root: x }\nfields:\n  - { target: a, value: 1 }\n').message).toBe(
      "test.yaml:4:25 target.root: 'root' is not allowed here",
    );
    expect(fileError('mapping: a\nversion: 1\nsource: { format: json }\ntarget: { format: xml }\nfields:\n  - { target: a, value: 1 }\n').message).toBe(
      "test.yaml:4:9 target: missing required key 'root'",
    );
  });
});
