import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SuwiSchemas } from '../../../src/standards/suwi/schemas.js';
import {
  bouwBevragingAntwoord,
  bouwBronVraag,
  bouwFwi,
  gegevensNaarXml,
  GegevensFout,
  isGegevensNaam,
  leesBevragingVraag,
  leesBronAntwoord,
  SUWI_BRON_NS,
  SUWI_NS,
  SuwiBerichtFout,
  xmlNaarGegevens,
} from '../../../src/standards/suwi/xml.js';
import { serializeXml } from '../../../src/xml/build.js';
import { parseXml, type XmlElement } from '../../../src/xml/parse.js';

const BSN = '999993653';

let schemas: SuwiSchemas;
beforeAll(async () => {
  schemas = await SuwiSchemas.load();
});
afterAll(() => schemas.dispose());

/** JSON → elements in a suwi:Gegevens → serialised → parsed → JSON. */
function roundTrip(obj: Record<string, unknown>, ns = SUWI_NS): Record<string, unknown> {
  const gegevens: XmlElement = { ns, name: 'Gegevens', prefix: 'g', attrs: {}, children: gegevensNaarXml(obj, ns, 'g') };
  return xmlNaarGegevens(parseXml(serializeXml(gegevens)));
}

function vraag(inner: string): XmlElement {
  return parseXml(`<suwi:BevragingVraag xmlns:suwi="${SUWI_NS}">${inner}</suwi:BevragingVraag>`);
}

describe('SuwiSchemas', () => {
  it('compiles suwi.xsd and bron.xsd (async and sync) and picks the schema by the root namespace', () => {
    const sync = SuwiSchemas.loadSync();
    try {
      const v = `<suwi:BevragingVraag xmlns:suwi="${SUWI_NS}"><suwi:Dienst>inkomen</suwi:Dienst><suwi:Burgerservicenr>${BSN}</suwi:Burgerservicenr></suwi:BevragingVraag>`;
      expect(sync.validate(v)).toEqual([]);
      expect(schemas.validate(v)).toEqual([]);
      expect(schemas.validate(bouwBronVraag({ dienst: 'inkomen', bsn: BSN, doel: 'BIJSTAND', grondslag: 'Pw art. 64', afnemer: 'gemeente-0153' }))).toEqual([]);
      expect(schemas.validate(`<BronAntwoord xmlns="${SUWI_BRON_NS}"><NietGevonden/></BronAntwoord>`)).toEqual([]);
    } finally {
      sync.dispose();
    }
  });

  it('refuses an unknown root, an envelope, and a bron message in the suwi schema; issues carry no values', () => {
    expect(schemas.validate('<x xmlns="urn:other"/>')[0]?.message).toMatch(/not one of suwi:BevragingVraag/);
    expect(schemas.validate('<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"/>')[0]?.message).toMatch(/not the envelope/);
    expect(schemas.validateSuwi(`<BronAntwoord xmlns="${SUWI_BRON_NS}"><NietGevonden/></BronAntwoord>`).length).toBeGreaterThan(0);
    const issues = schemas.validate(`<suwi:BevragingVraag xmlns:suwi="${SUWI_NS}"><suwi:Dienst>GEHEIM!</suwi:Dienst><suwi:Burgerservicenr>${'7'.repeat(40)}</suwi:Burgerservicenr></suwi:BevragingVraag>`);
    expect(issues.map((i) => i.element)).toEqual(['/BevragingVraag/Dienst', '/BevragingVraag/Burgerservicenr']);
    expect(JSON.stringify(issues)).not.toMatch(/GEHEIM|7777/);
  });

  it('refuses a DOCTYPE', () => {
    const issues = schemas.validate(`<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><suwi:FWI xmlns:suwi="${SUWI_NS}"><suwi:Foutcode>&e;</suwi:Foutcode><suwi:Omschrijving/></suwi:FWI>`);
    expect(issues.length).toBeGreaterThan(0);
    expect(JSON.stringify(issues)).not.toMatch(/root:/);
  });
});

describe('the element ⇄ JSON rule', () => {
  it('round-trips nested objects, arrays (also of one item), numbers, booleans and numeric-looking strings', () => {
    const obj = {
      persoon: { naam: 'Jansen', geboortejaar: 1970, actief: true, adres: { straat: 'Dorpsstraat', huisnummer: '12a', postcode: '1234 AB' } },
      inkomens: [
        { bedrag: 1234.56, periode: '2024-01', vast: false },
        { bedrag: -0.5, periode: '2024-02', vast: true },
        { bedrag: 0, periode: '2024-03', details: { code: '0123' } },
      ],
      codes: ['0123', '42'],
      enkel: ['alleen'],
      enkelObject: [{ a: 1 }],
      getallen: [1, 2.5, 1e21, -3],
      groot: 123456789012345,
      tekstGetal: '00042',
      spaties: '  met spaties  ',
      tekens: 'é & < > " \' ü € 𝄞',
      leegTekst: '',
      _onder: 'x',
      'met-streep.punt': 'y',
      ë: 'unicode naam',
    };
    expect(roundTrip(obj)).toEqual(obj);
    expect(roundTrip(obj, SUWI_BRON_NS)).toEqual(obj);
  });

  it('keeps the key order and repeats array items in order', () => {
    const els = gegevensNaarXml({ b: 1, a: ['x', 'y'], c: { z: 1, y: 2 } }, SUWI_NS, 'suwi');
    expect(els.map((e) => e.name)).toEqual(['b', 'a', 'a', 'c']);
    expect(els.map((e) => e.text)).toEqual(['1', 'x', 'y', undefined]);
    expect(els[1]!.attrs).toEqual({ lijst: 'true' });
    expect(els[0]!.attrs).toEqual({ type: 'getal' });
    expect(els[3]!.children.map((e) => e.name)).toEqual(['z', 'y']);
    expect(Object.keys(roundTrip({ b: 1, a: ['x', 'y'], c: { z: 1, y: 2 } }))).toEqual(['b', 'a', 'c']);
  });

  it('reads unmarked XML: repeated siblings are an array, a leaf is a string even when it looks like a number', () => {
    const e = parseXml(
      `<g:Gegevens xmlns:g="${SUWI_BRON_NS}"><g:uitkering><g:soort>AOW</g:soort><g:bedrag>1200.50</g:bedrag></g:uitkering>` +
        `<g:uitkering><g:soort>ANW</g:soort><g:bedrag>300</g:bedrag></g:uitkering><g:code>0012</g:code><g:leeg/><g:ja type="boolean">1</g:ja>` +
        `<g:nee type="boolean">false</g:nee><g:n type="getal"> 5 </g:n></g:Gegevens>`,
    );
    expect(xmlNaarGegevens(e)).toEqual({
      uitkering: [
        { soort: 'AOW', bedrag: '1200.50' },
        { soort: 'ANW', bedrag: '300' },
      ],
      code: '0012',
      leeg: '',
      ja: true,
      nee: false,
      n: 5,
    });
  });

  it('leaves null and undefined out; an empty object reads back as an empty string; an empty array is gone; CR becomes LF', () => {
    expect(roundTrip({ a: null, b: undefined, c: {}, d: [], e: 'x' })).toEqual({ c: '', e: 'x' });
    expect(roundTrip({ a: 'regel\r\nregel\rregel\tx' })).toEqual({ a: 'regel\nregel\nregel\tx' });
  });

  it('never lets an element called __proto__ touch the prototype', () => {
    const out = xmlNaarGegevens(parseXml(`<g:Gegevens xmlns:g="${SUWI_NS}"><g:__proto__><g:polluted>ja</g:polluted></g:__proto__></g:Gegevens>`));
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    [{ 'met spatie': 1 }, 'ongeldige-naam'],
    [{ '1begint': 1 }, 'ongeldige-naam'],
    [{ 'ns:naam': 1 }, 'ongeldige-naam'],
    [{ xmlNaam: 1 }, 'ongeldige-naam'],
    [{ '': 1 }, 'ongeldige-naam'],
    [{ a: { 'b<c': 1 } }, 'ongeldige-naam'],
    [{ a: [[1, 2]] }, 'geneste-lijst'],
    [{ a: [1, null] }, 'ongeldige-waarde'],
    [{ a: Number.NaN }, 'ongeldige-waarde'],
    [{ a: Number.POSITIVE_INFINITY }, 'ongeldige-waarde'],
    [{ a: 'bel\u0007' }, 'ongeldige-waarde'],
    [{ a: new Date(0) }, 'ongeldige-waarde'],
    [{ a: BigInt(1) }, 'ongeldige-waarde'],
  ])('refuses %p (%s) without naming the key or value', (obj, reden) => {
    let fout: unknown;
    try {
      gegevensNaarXml(obj as Record<string, unknown>, SUWI_NS, 'suwi');
    } catch (err) {
      fout = err;
    }
    expect(fout).toBeInstanceOf(GegevensFout);
    expect((fout as GegevensFout).reden).toBe(reden);
    for (const key of Object.keys(obj)) if (key !== '' && key !== 'a') expect((fout as Error).message).not.toContain(key);
    expect((fout as Error).message).not.toMatch(/bel|b<c/);
  });

  it('refuses cyclic and too deeply nested data', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.zelf = cyclic;
    expect(() => gegevensNaarXml(cyclic, SUWI_NS, 'suwi')).toThrow(GegevensFout);
  });

  it('checks names as XML NCNames', () => {
    expect(['a', '_a', 'a-b.c', 'Ä1', 'naam·x'].every(isGegevensNaam)).toBe(true);
    expect(['-a', '.a', 'a b', 'a:b', 'XML', 'xmlfoo', '', 'a/b'].some(isGegevensNaam)).toBe(false);
  });

  it.each([
    ['<g:a>tekst<g:b/></g:a>', 'gemengde-inhoud'],
    ['<g:a type="getal">12abc</g:a>', 'ongeldig-getal'],
    ['<g:a type="getal">0x10</g:a>', 'ongeldig-getal'],
    ['<g:a type="getal"></g:a>', 'ongeldig-getal'],
    ['<g:a type="boolean">ja</g:a>', 'ongeldige-boolean'],
    ['<a xmlns="urn:ander">1</a>', 'ander-namespace'],
  ])('refuses %s when reading (%s)', (inner, reden) => {
    const e = parseXml(`<g:Gegevens xmlns:g="${SUWI_NS}">${inner}</g:Gegevens>`);
    expect(() => xmlNaarGegevens(e)).toThrow(GegevensFout);
    try {
      xmlNaarGegevens(e);
    } catch (err) {
      expect((err as GegevensFout).reden).toBe(reden);
      expect((err as Error).message).not.toMatch(/12abc|0x10|ja|tekst/);
    }
  });
});

describe('BevragingVraag', () => {
  it('reads dienst, bsn, doel and zaakreferentie (trimmed)', () => {
    expect(
      leesBevragingVraag(
        vraag(`<suwi:Dienst> inkomen </suwi:Dienst><suwi:Burgerservicenr>${BSN}</suwi:Burgerservicenr><suwi:Doelbinding><suwi:Doel>BIJSTAND</suwi:Doel><suwi:Zaakreferentie>Z-1</suwi:Zaakreferentie></suwi:Doelbinding>`),
      ),
    ).toEqual({ dienst: 'inkomen', bsn: BSN, doel: 'BIJSTAND', zaakreferentie: 'Z-1' });
  });

  it('leaves doel out when Doelbinding or Doel is absent or blank', () => {
    const base = `<suwi:Dienst>inkomen</suwi:Dienst><suwi:Burgerservicenr>${BSN}</suwi:Burgerservicenr>`;
    expect(leesBevragingVraag(vraag(base))).toEqual({ dienst: 'inkomen', bsn: BSN });
    expect(leesBevragingVraag(vraag(`${base}<suwi:Doelbinding/>`))).toEqual({ dienst: 'inkomen', bsn: BSN });
    expect(leesBevragingVraag(vraag(`${base}<suwi:Doelbinding><suwi:Doel>  </suwi:Doel></suwi:Doelbinding>`))).toEqual({ dienst: 'inkomen', bsn: BSN });
  });

  it.each([
    [`<suwi:Burgerservicenr>${BSN}</suwi:Burgerservicenr>`, 'Dienst'],
    ['<suwi:Dienst>inkomen</suwi:Dienst>', 'Burgerservicenr'],
    ['<suwi:Dienst>inkomen</suwi:Dienst><suwi:Burgerservicenr> </suwi:Burgerservicenr>', 'Burgerservicenr'],
    [`<suwi:Dienst>a</suwi:Dienst><suwi:Dienst>b</suwi:Dienst><suwi:Burgerservicenr>${BSN}</suwi:Burgerservicenr>`, 'Dienst'],
  ])('names the missing element of %s, never a value', (inner, element) => {
    try {
      leesBevragingVraag(vraag(inner));
      throw new Error('no error');
    } catch (err) {
      expect(err).toBeInstanceOf(SuwiBerichtFout);
      expect((err as SuwiBerichtFout).element).toBe(element);
      expect((err as Error).message).not.toContain(BSN);
    }
  });

  it('refuses another root element', () => {
    expect(() => leesBevragingVraag(parseXml(`<BevragingVraag xmlns="urn:ander"/>`))).toThrow(SuwiBerichtFout);
  });
});

describe('BevragingAntwoord and FWI', () => {
  it('writes a found answer that validates and carries the data by the rule', () => {
    const gegevens = { inkomen: [{ bedrag: 1500, jaar: '2024' }], FWI: 'een gegeven dat zo heet', BevragingVraag: { a: 1 } };
    const xml = bouwBevragingAntwoord({ uitkomst: 'gevonden', doel: 'BIJSTAND', grondslag: 'Participatiewet art. 64 lid 1', bron: 'uwv-inkomen', gegevens });
    expect(xml.startsWith('<suwi:BevragingAntwoord xmlns:suwi="urn:knooppunt:suwi:1">')).toBe(true);
    expect(schemas.validate(xml)).toEqual([]);
    const root = parseXml(xml);
    expect(root.children.map((c) => c.name)).toEqual(['Uitkomst', 'Doel', 'Grondslag', 'Bron', 'Gegevens']);
    expect(xmlNaarGegevens(root.children[4]!)).toEqual(gegevens);
  });

  it('writes a not-found answer with the NietGevonden marker', () => {
    const xml = bouwBevragingAntwoord({ uitkomst: 'niet-gevonden', doel: 'BIJSTAND', grondslag: 'g', bron: 'svb' });
    expect(schemas.validate(xml)).toEqual([]);
    expect(parseXml(xml).children.map((c) => c.name)).toEqual(['Uitkomst', 'Doel', 'Grondslag', 'Bron', 'NietGevonden']);
  });

  it('writes an empty Gegevens when found without data', () => {
    const xml = bouwBevragingAntwoord({ uitkomst: 'gevonden', doel: 'B', grondslag: 'g', bron: 'b' });
    expect(schemas.validate(xml)).toEqual([]);
    expect(xml).toContain('<suwi:Gegevens/>');
  });

  it('writes an FWI for every foutcode, with the omschrijving cut to 500 characters', () => {
    for (const code of ['ongeldig-bsn', 'doel-ontbreekt', 'doel-niet-toegestaan', 'bron-time-out', 'bron-niet-beschikbaar', 'ongeldig-verzoek'] as const) {
      expect(schemas.validate(bouwFwi(code, 'Omschrijving'))).toEqual([]);
    }
    const lang = bouwFwi('ongeldig-verzoek', 'x'.repeat(2000));
    expect(schemas.validate(lang)).toEqual([]);
    expect([...(parseXml(lang).children[1]!.text ?? '')].length).toBe(500);
  });
});

describe('BronVraag and BronAntwoord', () => {
  it('writes a BronVraag that validates', () => {
    const xml = bouwBronVraag({ dienst: 'uitkeringen', bsn: BSN, doel: 'BIJSTAND', grondslag: 'Pw art. 64', afnemer: 'gemeente-0153' });
    expect(schemas.validate(xml)).toEqual([]);
    expect(parseXml(xml).children.map((c) => [c.name, c.text])).toEqual([
      ['Dienst', 'uitkeringen'],
      ['Burgerservicenr', BSN],
      ['Doel', 'BIJSTAND'],
      ['Grondslag', 'Pw art. 64'],
      ['Afnemer', 'gemeente-0153'],
    ]);
  });

  it('reads found and not found', () => {
    expect(leesBronAntwoord(parseXml(`<b:BronAntwoord xmlns:b="${SUWI_BRON_NS}"><b:NietGevonden/></b:BronAntwoord>`))).toEqual({ gevonden: false });
    expect(
      leesBronAntwoord(parseXml(`<b:BronAntwoord xmlns:b="${SUWI_BRON_NS}"><b:Gegevens><b:x type="getal">3</b:x><b:y>3</b:y></b:Gegevens></b:BronAntwoord>`)),
    ).toEqual({ gevonden: true, gegevens: { x: 3, y: '3' } });
  });

  it('refuses anything else', () => {
    expect(() => leesBronAntwoord(parseXml(`<b:BronAntwoord xmlns:b="${SUWI_BRON_NS}"/>`))).toThrow(SuwiBerichtFout);
    expect(() => leesBronAntwoord(parseXml(`<b:BronAntwoord xmlns:b="${SUWI_BRON_NS}"><b:NietGevonden/><b:Gegevens/></b:BronAntwoord>`))).toThrow(SuwiBerichtFout);
    expect(() => leesBronAntwoord(parseXml(`<BronAntwoord xmlns="${SUWI_NS}"><NietGevonden/></BronAntwoord>`))).toThrow(SuwiBerichtFout);
  });
});
