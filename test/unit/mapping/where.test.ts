import { describe, expect, it } from '@jest/globals';
import { compileMappingText, MappingFileError, MappingRunError } from '../../../src/mapping/index.js';
import { parseXml } from '../../../src/xml/parse.js';

const JSON_HEAD = 'mapping: test\nversion: 1\nsource: { format: json }\ntarget: { format: json }\n';

/** `where` on a repeating group: keep only some items of a list, without code. */
describe('repeating group with where (a filter on the items)', () => {
  const contacts = {
    client: {
      contacten: [
        { soort: 'telefoon', waarde: '053-1234567' },
        { soort: 'email', waarde: 'a@example.nl' },
        { soort: 'telefoon', waarde: '06-12345678', geheim: true },
        { soort: 'post', waarde: 'Postbus 1' },
      ],
    },
    voorkeur: 'telefoon',
  };

  it('keeps only the phone contacts, in their order', () => {
    const m = compileMappingText(`${JSON_HEAD}fields:
  - target: telefoons
    each: client.contacten
    where: { path: soort, equals: telefoon }
    fields:
      - { target: nummer, source: waarde }
`);
    expect(m.run(contacts).output).toEqual({ telefoons: [{ nummer: '053-1234567' }, { nummer: '06-12345678' }] });
  });

  it('combines conditions, and reaches the whole input with $root', () => {
    const m = compileMappingText(`${JSON_HEAD}fields:
  - target: bereikbaar
    each: client.contacten
    where: { all: [ { path: soort, in: [telefoon, email] }, { not: { path: geheim, exists: true } } ] }
    fields:
      - { target: soort, source: soort }
  - target: alsVoorkeurTelefoon
    each: client.contacten
    where: { all: [ { path: soort, equals: telefoon }, { path: $root.voorkeur, equals: telefoon } ] }
    fields:
      - { target: w, source: waarde }
`);
    const out = m.run(contacts).output as { bereikbaar: unknown; alsVoorkeurTelefoon?: unknown };
    expect(out.bereikbaar).toEqual([{ soort: 'telefoon' }, { soort: 'email' }]);
    expect(out.alsVoorkeurTelefoon).toEqual([{ w: '053-1234567' }, { w: '06-12345678' }]);
    expect((m.run({ ...contacts, voorkeur: 'email' }).output as { alsVoorkeurTelefoon?: unknown }).alsVoorkeurTelefoon).toBeUndefined();
  });

  it('a filter that keeps nothing leaves the target out; with required: true it is an error', () => {
    const body = (req: boolean) => `${JSON_HEAD}fields:
  - target: faxen
    each: client.contacten
    where: { path: soort, equals: fax }
    required: ${req}
    fields:
      - { target: nummer, source: waarde }
`;
    expect(compileMappingText(body(false)).run(contacts).output).toEqual({});
    expect(() => compileMappingText(body(true)).run(contacts)).toThrow(MappingRunError);
  });

  it('works on XML sources too', () => {
    const m = compileMappingText(`mapping: x
version: 1
source: { format: xml, root: Contacten }
target: { format: json }
fields:
  - target: telefoons
    each: Contact
    where: { path: "@soort", equals: telefoon }
    fields:
      - { target: nummer, source: Waarde }
`);
    const xml = parseXml('<Contacten><Contact soort="telefoon"><Waarde>1</Waarde></Contact><Contact soort="email"><Waarde>2</Waarde></Contact><Contact soort="telefoon"><Waarde>3</Waarde></Contact></Contacten>');
    expect(m.run(xml).output).toEqual({ telefoons: [{ nummer: '1' }, { nummer: '3' }] });
  });

  it('where without each is refused when the mapping is loaded, naming the field', () => {
    let error: unknown;
    try {
      compileMappingText(`${JSON_HEAD}fields:
  - target: x
    source: a
    where: { path: soort, equals: telefoon }
`, '', 'test.yaml');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(MappingFileError);
    expect(String((error as Error).message)).toMatch(/where/);
  });
});
