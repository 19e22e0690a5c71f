/**
 * The iJw/iWmo 3.2 XSDs (generated from the structure model) and the in-process XSD validator.
 * Fixtures: fixtures/istandaarden/xsd/<standaard>-<nummer>.xml, valid messages.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { berichtNamespace, STANDAARDEN, type BerichtNummer, type Standaard } from '../../../src/standards/istandaarden/catalog.js';
import { BERICHTNUMMERS, generateAllXsd } from '../../../src/standards/istandaarden/schema/generate-xsd.js';
import { bodyElements, headerElements, type ElementDef } from '../../../src/standards/istandaarden/schema/model.js';
import { defaultSchemasDir, XsdValidators, type XsdIssue } from '../../../src/standards/istandaarden/schema/validator.js';
import { projectRoot } from '../../../src/util/paths.js';

let xsd: XsdValidators;
beforeAll(async () => {
  xsd = await XsdValidators.load();
});
afterAll(() => xsd.dispose());

function fixture(standaard: Standaard, nummer: string): string {
  return readFileSync(join(projectRoot(), 'fixtures', 'istandaarden', 'xsd', `${standaard}-${nummer}.xml`), 'utf8');
}

/** Replaces the text of the first element with this local name (any prefix). */
function setText(xml: string, local: string, value: string): string {
  return xml.replace(new RegExp(`(<(?:\\w+:)?${local}>)[^<]*(</(?:\\w+:)?${local}>)`), `$1${value}$2`);
}

/** Removes the first element with this local name (any prefix), with its content. */
function drop(xml: string, local: string): string {
  return xml.replace(new RegExp(`\\s*<((?:\\w+:)?)${local}>[\\s\\S]*?</\\1${local}>`), '');
}

const messages = (issues: XsdIssue[]) => issues.map((i) => i.message);

describe('generated XSDs', () => {
  const dir = defaultSchemasDir();

  it('the committed files equal the generator output (run npm run schemas:istandaarden)', () => {
    for (const file of generateAllXsd()) {
      expect({ path: file.path, text: readFileSync(join(dir, ...file.path.split('/')), 'utf8') }).toEqual(file);
    }
  });

  it('has a basisschema and 14 berichten per standaard, nothing else', () => {
    expect(readdirSync(join(dir, 'iwmo', '3_2')).sort()).toEqual(['basisschema.xsd', ...BERICHTNUMMERS.map((n) => `wmo${n}.xsd`)].sort());
    expect(readdirSync(join(dir, 'ijw', '3_2')).sort()).toEqual(['basisschema.xsd', ...BERICHTNUMMERS.map((n) => `jw${n}.xsd`)].sort());
  });

  it('gives each standaard its own productcategorieën and redenen beëindiging', () => {
    const iwmo = readFileSync(join(dir, 'iwmo', '3_2', 'basisschema.xsd'), 'utf8');
    const ijw = readFileSync(join(dir, 'ijw', '3_2', 'basisschema.xsd'), 'utf8');
    expect(ijw).toContain('<xs:enumeration value="54"/>');
    expect(iwmo).not.toContain('<xs:enumeration value="54"/>');
    expect(iwmo).toContain('<xs:enumeration value="19"/>');
  });

  it('every schema compiles and declares Bericht in its own namespace', () => {
    for (const standaard of STANDAARDEN) {
      for (const nummer of BERICHTNUMMERS) {
        const empty = `<Bericht xmlns="${berichtNamespace(standaard, nummer)}"/>`;
        const missing = ['Header', ...bodyElements(nummer, standaard).filter((d) => d.min === 1).map((d) => d.name)];
        expect(messages(xsd.validate(empty, standaard, nummer))).toEqual([`Bericht: missing child element${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`]);
      }
    }
  });
});

describe('structure model', () => {
  const names = (defs: ElementDef[]) => defs.map((d) => d.name);
  const find = (defs: ElementDef[], path: string[]): ElementDef => {
    const [first, ...rest] = path;
    const d = defs.find((x) => x.name === first)!;
    return rest.length ? find(d.children!, rest) : d;
  };

  it('has a Verwijzer in the 315 of both standaarden and none in the 301; GezagsdragerBekend and Woonplaatsbeginsel in iJw only', () => {
    for (const s of STANDAARDEN) {
      expect(names(find(bodyElements('301', s), ['Client', 'ToegewezenProducten', 'ToegewezenProduct']).children!)).not.toContain('Verwijzer');
      expect(find(bodyElements('315', s), ['Client', 'AangevraagdeProducten', 'AangevraagdProduct', 'Verwijzer']).min).toBe(1);
      expect(names(find(bodyElements('317', s), ['Client', 'Verzoek']).children!)).not.toContain('Commentaar');
      expect(names(find(bodyElements('319', s), ['Antwoord']).children!)).not.toContain('Commentaar');
    }
    expect(names(find(bodyElements('315', 'ijw'), ['Client']).children!)).toContain('GezagsdragerBekend');
    expect(names(find(bodyElements('315', 'iwmo'), ['Client']).children!)).not.toContain('GezagsdragerBekend');
    expect(names(find(bodyElements('319', 'iwmo'), ['Antwoord']).children!)).not.toContain('Woonplaatsbeginsel');
  });

  it('gives a retourbericht the heen body with RetourCodes last in every record', () => {
    const body = bodyElements('318', 'iwmo');
    for (const path of [['Client'], ['Client', 'Verzoek'], ['Client', 'Verzoek', 'NieuweProducten', 'NieuwProduct']]) {
      expect(names(find(body, path).children!).at(-1)).toBe('RetourCodes');
    }
    expect(names(find(body, ['Client', 'Verzoek', 'NieuweProducten']).children!)).toEqual(['NieuwProduct']);
    expect(names(find(bodyElements('317', 'iwmo'), ['Client']).children!)).not.toContain('RetourCodes');
    expect(names(find(bodyElements('325', 'ijw'), ['DeclaratieAntwoord', 'Clienten', 'Client', 'Prestaties', 'Prestatie']).children!).at(-1)).toBe('RetourCodes');
  });

  it('turns Afzender/Ontvanger with the direction and fixes the codes', () => {
    const header = (n: BerichtNummer, s: Standaard) => Object.fromEntries(headerElements(n, s).map((d) => [d.name, d]));
    expect(header('301', 'iwmo').Afzender!.type).toBe('LDT_Gemeente');
    // A retour copies the heenbericht's header: a 302 has the gemeente as Afzender.
    expect(header('302', 'iwmo').Afzender!.type).toBe('LDT_Gemeente');
    expect(header('306', 'iwmo').Afzender!.type).toBe('LDT_AgbCode');
    expect(header('302', 'iwmo').BerichtCode!.pattern).toBe('415');
    expect(header('320', 'ijw').BerichtCode!.pattern).toBe('489');
    expect(header('325', 'ijw').Afzender!.type).toBe('LDT_Gemeente');
    expect(names(headerElements('325', 'ijw')).slice(7)).toEqual(['DeclaratieIdentificatie', 'XsltVersie', 'XsdVersieDeclaratie', 'RetourCodes']);
    expect(names(headerElements('306', 'ijw')).slice(7)).toEqual(['IdentificatieRetour', 'DagtekeningRetour', 'XsltVersie', 'XsdVersieRetour', 'RetourCodes']);
  });
});

describe.each(STANDAARDEN)('XsdValidators: %s', (standaard) => {
  const ander: Standaard = standaard === 'ijw' ? 'iwmo' : 'ijw';
  const code301 = standaard === 'ijw' ? '436' : '414';

  it.each(['301', '305', '323'] as const)('accepts the valid %s, as string and as bytes', (nummer) => {
    const xml = fixture(standaard, nummer);
    expect(xsd.validate(xml, standaard, nummer)).toEqual([]);
    expect(xsd.validate(Buffer.from(xml, 'utf8'), standaard, nummer)).toEqual([]);
  });

  it('reports a missing required element at its parent', () => {
    const issues = xsd.validate(drop(fixture(standaard, '301'), 'Ingangsdatum'), standaard, '301');
    expect(issues).toEqual([expect.objectContaining({ element: expect.stringMatching(/^\/Bericht\/Client\/ToegewezenProducten\/ToegewezenProduct(\[1\])?$/), message: 'ToegewezenProduct: missing child element Ingangsdatum' })]);
    expect(issues[0]!.line).toBeGreaterThan(1);
  });

  it('reports a missing element at the end of a sequence', () => {
    expect(messages(xsd.validate(drop(fixture(standaard, '305'), 'StatusAanlevering'), standaard, '305'))).toEqual(['StartProduct: missing child element StatusAanlevering']);
    expect(messages(xsd.validate(drop(fixture(standaard, '323'), 'IngediendBedrag'), standaard, '323'))).toEqual(['Prestatie: missing child element IngediendBedrag']);
  });

  it('reports a bad pattern with the pattern, not the value', () => {
    const issues = xsd.validate(setText(fixture(standaard, '301'), 'Bsn', '12345'), standaard, '301');
    expect(issues).toEqual([{ line: expect.any(Number), element: '/Bericht/Client/Bsn', message: 'Bsn: value does not match the required pattern [0-9]{9}' }]);
    expect(messages(xsd.validate(setText(fixture(standaard, '323'), 'Eenheid', '4'), standaard, '323'))).toEqual(['Eenheid: value is not one of the allowed values 01, 04, 14, 16, 82, 83, 84']);
  });

  it('reports other facets', () => {
    expect(messages(xsd.validate(setText(fixture(standaard, '305'), 'StatusAanlevering', '5'), standaard, '305'))).toEqual(['StatusAanlevering: value is not one of the allowed values 1, 2, 3, 9']);
    expect(messages(xsd.validate(setText(fixture(standaard, '323'), 'GeleverdVolume', '-1'), standaard, '323'))).toEqual(['GeleverdVolume: value is less than the minimum 0']);
    expect(messages(xsd.validate(setText(fixture(standaard, '323'), 'DeclaratieNummer', 'D'.repeat(13)), standaard, '323'))).toEqual(['DeclaratieNummer: value is longer than the maximum length 12']);
    expect(messages(xsd.validate(setText(fixture(standaard, '323'), 'DeclaratieNummer', 'D-1'), standaard, '323'))).toEqual(['DeclaratieNummer: value does not match the required pattern ([a-zA-Z0-9])+']);
    expect(messages(xsd.validate(setText(fixture(standaard, '305'), 'Begindatum', '2026-02-30'), standaard, '305'))).toEqual(['Begindatum: value is not valid for type LDT_Datum']);
  });

  it('reports a wrong BerichtCode', () => {
    const issues = xsd.validate(setText(fixture(standaard, '301'), 'BerichtCode', standaard === 'ijw' ? '414' : '436'), standaard, '301');
    expect(issues).toEqual([expect.objectContaining({ element: '/Bericht/Header/BerichtCode', message: `BerichtCode: value does not match the required pattern ${code301}` })]);
  });

  it('reports a message validated against the schema of another message or standaard', () => {
    expect(messages(xsd.validate(fixture(standaard, '305'), standaard, '301'))).toEqual([
      `Bericht: root element is not in the namespace of ${standaard === 'ijw' ? 'JW301' : 'WMO301'} (expected ${berichtNamespace(standaard, '301')})`,
    ]);
    expect(xsd.validate(fixture(standaard, '301'), ander, '301')).toHaveLength(1);
  });

  it('reports an element in the wrong namespace', () => {
    const xml = fixture(standaard, '323').replace(/<Bsn>(\d+)<\/Bsn>/, `<${standaard}:Bsn>$1</${standaard}:Bsn>`);
    expect(xsd.validate(xml, standaard, '323')).toEqual([
      expect.objectContaining({ element: '/Bericht/Declaratie/Clienten/Client/Bsn', message: `Bsn: element is in the wrong namespace (expected ${berichtNamespace(standaard, '323')})` }),
    ]);
  });

  it('reports an element the standard does not know', () => {
    const xml = fixture(standaard, '305').replace(/(<(\w+:)?Begindatum>)/, '<$2Relaties>x</$2Relaties>$1');
    expect(messages(xsd.validate(xml, standaard, '305'))).toEqual(['Relaties: element not allowed here; expected Begindatum']);
  });

  it('refuses a DOCTYPE and reports a document that is not well-formed', () => {
    const doctype = fixture(standaard, '301').replace('<?xml version="1.0" encoding="UTF-8"?>', '<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE Bericht [<!ENTITY b "999993653">]>');
    expect(messages(xsd.validate(doctype, standaard, '301'))).toEqual(['document type declarations (DOCTYPE) are not allowed']);
    const broken = fixture(standaard, '301').replace(/<\/((\w+:)?)Geslacht>/, '</$1Gender>');
    expect(xsd.validate(broken, standaard, '301')).toEqual([{ line: expect.any(Number), message: 'document is not well-formed XML' }]);
  });
});

describe('XsdValidators: elements 3.2 does not have', () => {
  it('refuses a Verwijzer in a 301 (3.2 has it in the 315 only)', () => {
    const xml = fixture('iwmo', '301').replace('<Budget>125000</Budget>', '<Budget>125000</Budget><Verwijzer><iwmo:Type>02</iwmo:Type></Verwijzer>');
    expect(messages(xsd.validate(xml, 'iwmo', '301'))).toEqual([expect.stringMatching(/^Verwijzer: element not allowed here/)]);
  });
});

describe('XsdValidators: retourberichten', () => {
  it('accepts a 302 built from the 301: retour header, RetourCodes last in every record', () => {
    const retourCodes = '<RetourCodes><RetourCode>0200</RetourCode></RetourCodes>';
    const xml = fixture('iwmo', '301')
      .replace('wmo301/schema', 'wmo302/schema')
      .replace('<BerichtCode>414<', '<BerichtCode>415<')
      .replace(
        '</XsdVersie>',
        '</XsdVersie><IdentificatieRetour>WMO301-0001</IdentificatieRetour><DagtekeningRetour>2026-01-05</DagtekeningRetour><XsltVersie>1.0.0</XsltVersie>' +
          '<XsdVersieRetour><iwmo:BasisschemaXsdVersie>1.0.0</iwmo:BasisschemaXsdVersie><iwmo:BerichtXsdVersie>1.0.0</iwmo:BerichtXsdVersie></XsdVersieRetour>' +
          retourCodes,
      )
      .replaceAll('</ToegewezenProduct>', `${retourCodes}</ToegewezenProduct>`)
      .replaceAll('</Contact>', `${retourCodes}</Contact>`)
      .replace('</Client>', `${retourCodes}</Client>`);
    expect(xsd.validate(xml, 'iwmo', '302')).toEqual([]);
    expect(messages(xsd.validate(xml.replace(`${retourCodes}</Client>`, '</Client>'), 'iwmo', '302'))).toEqual(['Client: missing child element RetourCodes']);
  });
});

describe('XsdValidators: declaratie-antwoord', () => {
  const bedrag = (el: string, cents: string) => `<${el}><ijw:TotaalBedrag>${cents}</ijw:TotaalBedrag><ijw:DebetCredit>D</ijw:DebetCredit></${el}>`;
  const retourCodes = (code: string) => `<RetourCodes><RetourCode>${code}</RetourCode></RetourCodes>`;
  const prestatie = fixture('ijw', '323')
    .match(/<Prestatie>[\s\S]*<\/Prestatie>/)![0]
    .replace('</Prestatie>', `${retourCodes('8001')}</Prestatie>`);
  const jw325 = (clienten: string) => `<?xml version="1.0" encoding="UTF-8"?>
<Bericht xmlns="${berichtNamespace('ijw', '325')}" xmlns:ijw="http://www.istandaarden.nl/ijw/3_2/basisschema/schema">
  <Header>
    <BerichtCode>491</BerichtCode><BerichtVersie>3</BerichtVersie><BerichtSubversie>2</BerichtSubversie>
    <Afzender>0153</Afzender><Ontvanger>12345678</Ontvanger>
    <BerichtIdentificatie><ijw:Identificatie>DA-0001</ijw:Identificatie><ijw:Dagtekening>2026-03-10</ijw:Dagtekening></BerichtIdentificatie>
    <XsdVersie><ijw:BasisschemaXsdVersie>1.0.0</ijw:BasisschemaXsdVersie><ijw:BerichtXsdVersie>1.0.0</ijw:BerichtXsdVersie></XsdVersie>
    <DeclaratieIdentificatie><ijw:Identificatie>DECL-0001</ijw:Identificatie><ijw:Dagtekening>2026-03-03</ijw:Dagtekening></DeclaratieIdentificatie>
    <XsltVersie>1.0.0</XsltVersie>
    <XsdVersieDeclaratie><ijw:BasisschemaXsdVersie>1.0.0</ijw:BasisschemaXsdVersie><ijw:BerichtXsdVersie>1.0.0</ijw:BerichtXsdVersie></XsdVersieDeclaratie>
    ${retourCodes('0200')}
  </Header>
  <DeclaratieAntwoord>
    <DeclaratieNummer>D2026-0002</DeclaratieNummer>
    ${bedrag('TotaalIngediendBedrag', '52000')}
    ${bedrag('TotaalToegekendBedrag', clienten ? '0' : '52000')}
    ${clienten}
    ${retourCodes('0200')}
  </DeclaratieAntwoord>
</Bericht>`;

  it('accepts a 325 without and with rejected prestaties, each with its RetourCodes', () => {
    expect(xsd.validate(jw325(''), 'ijw', '325')).toEqual([]);
    const afgewezen = `<Clienten><Client><Bsn>999993653</Bsn><Prestaties>${prestatie}</Prestaties>${retourCodes('0200')}</Client></Clienten>`;
    expect(xsd.validate(jw325(afgewezen), 'ijw', '325')).toEqual([]);
    expect(messages(xsd.validate(jw325(afgewezen.replace(/<RetourCodes>(?:(?!<\/RetourCodes>)[\s\S])*<\/RetourCodes><\/Prestatie>/, '</Prestatie>')), 'ijw', '325'))).toEqual([
      'Prestatie: missing child element RetourCodes',
    ]);
  });
});

describe('XsdValidators: no document values in issues', () => {
  const SECRET = '987654321';

  it('never repeats a wrong BSN', () => {
    for (const standaard of STANDAARDEN) {
      for (const wrong of [`${SECRET}0`, `${SECRET}X`, SECRET.slice(0, 8), `'${SECRET}'`, `${SECRET}' is not accepted by the pattern '${SECRET}`]) {
        const xml = setText(fixture(standaard, '323'), 'Bsn', wrong.replace(/'/g, '&apos;'));
        const issues = xsd.validate(xml, standaard, '323');
        // The 3.2 basisschema has maxLength 9 and the pattern on LDT_BurgerServicenummer: one or both fail.
        expect(issues.length).toBeGreaterThanOrEqual(1);
        expect(issues.map((i) => i.message)).toContain('Bsn: value does not match the required pattern [0-9]{9}');
        expect(JSON.stringify(issues)).not.toContain(SECRET.slice(0, 8));
      }
    }
  });

  it('never repeats values, attribute values, text or namespaces from the document', () => {
    const base = fixture('iwmo', '301');
    const variants = [
      setText(base, 'Geslacht', SECRET),
      setText(base, 'Ingangsdatum', `2026-${SECRET}`),
      setText(base, 'Toewijzingstijd', SECRET),
      setText(base, 'Volume', `1${SECRET}`),
      setText(base, 'Achternaam', SECRET.repeat(30)),
      setText(base, 'Voorletters', SECRET),
      base.replace('<Geslacht>', `<Geslacht code="${SECRET}">`),
      base.replace('<Client>', `<Client>${SECRET}`),
      base.replace('<Bsn>999993653</Bsn>', `<Bsn xmlns="urn:${SECRET}">999993653</Bsn>`),
      base.replace('<Bsn>999993653</Bsn>', `<Bsn>999993653</Bsn><X${SECRET}>1</X${SECRET}>`),
      base.replace('iwmo/3_2/wmo301/schema', `urn:${SECRET}':x`),
      base.replace('</Bsn>', `</Bsn${SECRET}>`),
      base.replace('<Bsn>999993653</Bsn>', `<Bsn><![CDATA[${SECRET}0]]></Bsn>`),
    ];
    for (const xml of variants) {
      const issues = xsd.validate(xml, 'iwmo', '301');
      expect(issues.length).toBeGreaterThan(0);
      expect(JSON.stringify(issues)).not.toContain(SECRET.slice(0, 6));
    }
  });
});

describe('strict where 3.2 is strict', () => {
  const vaste = (standaard: Standaard, file: string) => readFileSync(join(projectRoot(), 'fixtures', 'istandaarden', standaard, file), 'utf8');
  it.each(STANDAARDEN)('%s: a two-position RedenVerzoek, a 315 without Verwijzer, a 305 without Geslacht, a 307 without RedenBeeindiging are refused naming the element', (standaard) => {
    const p = standaard === 'ijw' ? 'jw' : 'wmo';
    expect(xsd.validate(vaste(standaard, `${p}317.xml`), standaard, '317')).toEqual([]);
    expect(messages(xsd.validate(setText(vaste(standaard, `${p}317.xml`), 'RedenVerzoek', '01'), standaard, '317'))).toEqual(expect.arrayContaining([expect.stringMatching(/^RedenVerzoek: value/)]));
    expect(messages(xsd.validate(drop(vaste(standaard, `${p}315.xml`), 'Verwijzer'), standaard, '315'))).toEqual([expect.stringMatching(/^AangevraagdProduct: missing child element Verwijzer/)]);
    expect(messages(xsd.validate(drop(vaste(standaard, `${p}305.xml`), 'Geslacht'), standaard, '305'))).toEqual([expect.stringMatching(/^Client: missing child element Geslacht/)]);
    expect(messages(xsd.validate(drop(vaste(standaard, `${p}307.xml`), 'RedenBeeindiging'), standaard, '307'))).toEqual([expect.stringMatching(/^StopProduct: missing child element RedenBeeindiging/)]);
    expect(messages(xsd.validate(vaste(standaard, `${p}319.xml`).replace(/(<\/(\w+:)?VerzoekAntwoord>)/, '$1<$2Commentaar>x</$2Commentaar>'), standaard, '319'))).toEqual([expect.stringMatching(/^Commentaar: element not allowed here/)]);
  });
});

describe('XsdValidators, lazy (as the document workers run them)', () => {
  it('compiles a bericht schema when its first bericht comes, and judges as the eager ones do', () => {
    const lazy = XsdValidators.fromModel({ lazy: true });
    const eager = XsdValidators.fromModel();
    try {
      expect(lazy.compiledSets).toBe(0);
      expect(eager.compiledSets).toBe(STANDAARDEN.length * BERICHTNUMMERS.length);
      const goed = fixture('ijw', '301');
      const fout = drop(setText(goed, 'Afzender', 'x'), 'Ontvanger');
      for (const xml of [goed, fout]) expect(lazy.validate(xml, 'ijw', '301')).toEqual(eager.validate(xml, 'ijw', '301'));
      expect(lazy.validate(fout, 'ijw', '301').length).toBeGreaterThan(0);
      expect(lazy.compiledSets).toBe(1);
      expect(lazy.validate(fixture('iwmo', '323'), 'iwmo', '323')).toEqual([]);
      expect(lazy.compiledSets).toBe(2);
      expect(() => lazy.validate(goed, 'ijw', '999' as BerichtNummer)).toThrow(/no XSD/);
    } finally {
      lazy.dispose();
      eager.dispose();
    }
  });
});
