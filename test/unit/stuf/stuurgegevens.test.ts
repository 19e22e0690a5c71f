/**
 * StUF stuurgegevens (read, build, the answer rule), the answers of berichten.ts and the foutcodes.
 */
import { bouwBv03, bouwDu02, bouwFo02, bouwFo03, soapEnvelope, soapFault, soapFaultcode } from '../../../src/standards/stuf/berichten.js';
import { fout, FOUTCODES } from '../../../src/standards/stuf/foutcodes.js';
import { STUF_NS, STUF_PREFIXEN } from '../../../src/standards/stuf/namespaces.js';
import {
  antwoordStuurgegevens,
  bouwStuurgegevens,
  leesStuurgegevens,
  stufTijdstip,
  StuurgegevensFout,
  type Stuurgegevens,
} from '../../../src/standards/stuf/stuurgegevens.js';
import { serializeXml } from '../../../src/xml/build.js';
import { parseXml, type XmlElement } from '../../../src/xml/parse.js';
import { CREEER_ZAAK_STUURGEGEVENS, xsdFixture as fixture } from '../../helpers/stuf-unit.js';

const lees = (xml: string): Stuurgegevens => leesStuurgegevens(parseXml(xml));

function fout_(xml: string): StuurgegevensFout {
  try {
    lees(xml);
  } catch (err) {
    if (err instanceof StuurgegevensFout) return err;
    throw err;
  }
  throw new Error('expected a StuurgegevensFout');
}

const child = (el: XmlElement, name: string): XmlElement | undefined => el.children.find((c) => c.name === name);

describe('leesStuurgegevens', () => {
  it('reads the stuurgegevens of a kennisgeving', () => {
    expect(lees(fixture('creeerZaak_zakLk01'))).toEqual(CREEER_ZAAK_STUURGEGEVENS);
  });

  it('reads gebruiker, crossRefnummer and functie, and StUF:stuurgegevens of a Bv03', () => {
    expect(lees(fixture('genereerZaakIdentificatie_Di02'))).toMatchObject({ berichtcode: 'Di02', zender: { gebruiker: 'm.jansen' }, functie: 'genereerZaakidentificatie' });
    expect(lees(fixture('Bv03Bericht'))).toMatchObject({ berichtcode: 'Bv03', crossRefnummer: 'JBO-2026-0004712', zender: { applicatie: 'Zaaksysteem' } });
  });

  it('matches on namespaces, not prefixes; an empty optional element counts as absent', () => {
    const xml = fixture('creeerZaak_zakLk01')
      .replaceAll('StUF:', 's:')
      .replace('xmlns:StUF=', 'xmlns:s=')
      .replace('<s:applicatie>Jeugd-BO</s:applicatie>', '<s:applicatie>Jeugd-BO</s:applicatie><s:gebruiker/>');
    const sg = lees(xml);
    expect(sg.zender).toEqual({ organisatie: '0153', applicatie: 'Jeugd-BO' });
    // The same names in another namespace are not stuurgegevens.
    expect(fout_(fixture('creeerZaak_zakLk01').replace('xmlns:StUF="http://www.egem.nl/StUF/StUF0301"', 'xmlns:StUF="urn:ander"')).element).toBe('berichtcode');
  });

  it.each([
    ['stuurgegevens', (x: string) => x.replace(/<ZKN:stuurgegevens>[\s\S]*<\/ZKN:stuurgegevens>/, ''), 'ontbreekt', 'StUF055'],
    ['berichtcode', (x: string) => x.replace('<StUF:berichtcode>Lk01</StUF:berichtcode>', ''), 'ontbreekt', 'StUF055'],
    ['berichtcode', (x: string) => x.replace('>Lk01<', '>Xx99<'), 'onbekend', 'StUF022'],
    ['zender', (x: string) => x.replace(/<StUF:zender>[\s\S]*?<\/StUF:zender>/, ''), 'ontbreekt', 'StUF013'],
    ['zender/organisatie', (x: string) => x.replace('<StUF:organisatie>0153</StUF:organisatie>', ''), 'ontbreekt', 'StUF013'],
    ['ontvanger/applicatie', (x: string) => x.replace('<StUF:applicatie>Zaaksysteem</StUF:applicatie>', '<StUF:applicatie> </StUF:applicatie>'), 'ontbreekt', 'StUF010'],
    ['referentienummer', (x: string) => x.replace(/<StUF:referentienummer>[^<]*<\/StUF:referentienummer>/, '<StUF:referentienummer/>'), 'ontbreekt', 'StUF055'],
    ['referentienummer', (x: string) => x.replace(/<StUF:referentienummer>[^<]*</, `<StUF:referentienummer>${'9'.repeat(41)}<`), 'ongeldig', 'StUF055'],
    ['tijdstipBericht', (x: string) => x.replace(/<StUF:tijdstipBericht>[^<]*</, '<StUF:tijdstipBericht>2026-11-20T10:15<'), 'ongeldig', 'StUF055'],
  ] as const)('names a missing or unusable %s, never its value', (element, breek, reden, foutcode) => {
    const err = fout_(breek(fixture('creeerZaak_zakLk01')));
    expect({ element: err.element, reden: err.reden, foutcode: err.foutcode }).toEqual({ element, reden, foutcode });
    expect(err.message).toMatch(/^stuurgegevens: /);
    expect(err.message).not.toMatch(/0153|Jeugd|Zaaksysteem|JBO|Xx99|2026|999/);
  });

  it('does not read a Fo02: StUF allows only its berichtcode', () => {
    expect(fout_(fixture('Fo02Bericht')).element).toBe('zender');
  });
});

describe('bouwStuurgegevens', () => {
  it('writes the contract order and only what is given, in the namespace asked', () => {
    const sg = lees(fixture('geefZaakdetails_zakLa01'));
    const el = bouwStuurgegevens(sg);
    expect(el.ns).toBe(STUF_NS.ZKN);
    expect(el.children.map((c) => c.name)).toEqual(['berichtcode', 'zender', 'ontvanger', 'referentienummer', 'tijdstipBericht', 'crossRefnummer', 'entiteittype']);
    expect(el.children.every((c) => c.ns === STUF_NS.StUF)).toBe(true);
    expect(bouwStuurgegevens({ berichtcode: 'Fo02' }, STUF_NS.StUF).children.map((c) => c.name)).toEqual(['berichtcode']);
    // Round trip through the serializer and the reader.
    const xml = serializeXml({ ns: STUF_NS.ZKN, name: 'zakLa01', prefix: '', attrs: {}, children: [el] }, { namespaces: STUF_PREFIXEN });
    expect(lees(xml)).toEqual(sg);
  });
});

describe('the answer rule', () => {
  const vraag = (): Stuurgegevens => lees(fixture('creeerZaak_zakLk01'));
  const meta = { referentienummer: 'ZS-2026-0090002', tijdstip: new Date('2026-11-20T09:15:02.600Z') };

  it('swaps zender and ontvanger, has its own referentienummer and tijdstip, and the question as crossRefnummer', () => {
    expect(antwoordStuurgegevens(vraag(), 'Bv03', meta)).toEqual({
      berichtcode: 'Bv03',
      zender: { organisatie: '0153', applicatie: 'Zaaksysteem' },
      ontvanger: { organisatie: '0153', applicatie: 'Jeugd-BO' },
      referentienummer: 'ZS-2026-0090002',
      tijdstipBericht: '20261120101502600',
      crossRefnummer: 'JBO-2026-0004712',
    });
  });

  it('keeps the entiteittype in a La01 and the functie in a Du02; defaults to a new UUID and now', () => {
    const la01 = antwoordStuurgegevens(lees(fixture('geefZaakdetails_zakLv01')), 'La01');
    expect(la01.entiteittype).toBe('ZAK');
    expect(la01.referentienummer).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(la01.tijdstipBericht).toMatch(/^[0-9]{17}$/);
    expect(antwoordStuurgegevens(vraag(), 'La01').referentienummer).not.toBe(la01.referentienummer);
    expect(antwoordStuurgegevens(lees(fixture('genereerZaakIdentificatie_Di02')), 'Du02').functie).toBe('genereerZaakidentificatie');
    expect(antwoordStuurgegevens(vraag(), 'Bv03').entiteittype).toBeUndefined();
    expect(() => antwoordStuurgegevens(vraag(), 'Bv03', { referentienummer: 'x'.repeat(41) })).toThrow(/1 to 40/);
  });

  it('writes tijdstipBericht in Europe/Amsterdam, winter and summer time', () => {
    expect(stufTijdstip(new Date('2026-01-15T23:30:00.007Z'))).toBe('20260116003000007');
    expect(stufTijdstip(new Date('2026-07-01T10:00:00.250Z'))).toBe('20260701120000250');
    // The last Sunday of March: 01:59:59.999 UTC is 03:59:59.999 CEST.
    expect(stufTijdstip(new Date('2026-03-29T00:59:59.999Z'))).toBe('20260329015959999');
    expect(stufTijdstip(new Date('2026-03-29T01:00:00.000Z'))).toBe('20260329030000000');
    // The last Sunday of October: the repeated hour, once in summer time and once in winter time.
    expect(stufTijdstip(new Date('2026-10-25T00:30:00.000Z'))).toBe('20261025023000000');
    expect(stufTijdstip(new Date('2026-10-25T01:30:00.000Z'))).toBe('20261025023000000');
    expect(() => stufTijdstip(new Date('x'))).toThrow(/invalid/);
  });
});

describe('berichten.ts', () => {
  const vraag = (): Stuurgegevens => lees(fixture('creeerZaak_zakLk01'));
  const meta = { referentienummer: 'ZS-2026-0090002', tijdstip: new Date('2026-11-20T09:15:02.600Z') };

  it('builds a Bv03 equal to the fixture', () => {
    const bv03 = bouwBv03(vraag(), meta);
    expect(bv03.startsWith('<StUF:Bv03Bericht xmlns:StUF="http://www.egem.nl/StUF/StUF0301">')).toBe(true);
    expect(lees(bv03)).toEqual(lees(fixture('Bv03Bericht')));
  });

  it('builds a Fo02 with only the berichtcode in its stuurgegevens, texts from the table, lengths bounded', () => {
    const fo02 = parseXml(bouwFo02(vraag(), fout('StUF055', 'object: missing child element identificatie')));
    expect(fo02.name).toBe('Fo02Bericht');
    expect(child(fo02, 'stuurgegevens')!.children.map((c) => `${c.name}=${c.text}`)).toEqual(['berichtcode=Fo02']);
    expect(child(fo02, 'body')!.children.map((c) => `${c.name}=${c.text}`)).toEqual([
      'code=StUF055',
      'plek=client',
      'omschrijving=Berichtbody is niet conform schema in sectormodel',
      'details=object: missing child element identificatie',
    ]);
    const lang = parseXml(bouwFo02(undefined, { ...fout('StUF058'), omschrijving: 'é'.repeat(250), details: 'x'.repeat(1500) }));
    expect([...child(child(lang, 'body')!, 'omschrijving')!.text!].length).toBe(200);
    expect(child(child(lang, 'body')!, 'details')!.text!.length).toBe(1000);
    expect(() => bouwFo02(undefined, { code: 'StUF0551', omschrijving: 'x', plek: 'client' })).toThrow(/1 to 7/);
  });

  it('builds a Fo03 and a Du02 with the answer stuurgegevens', () => {
    const fo03 = parseXml(bouwFo03(vraag(), fout('StUF013'), meta));
    expect(leesStuurgegevens(fo03)).toMatchObject({ berichtcode: 'Fo03', crossRefnummer: 'JBO-2026-0004712', ontvanger: { applicatie: 'Jeugd-BO' } });
    const di02 = lees(fixture('genereerZaakIdentificatie_Di02'));
    const du02 = parseXml(bouwDu02(di02, '0153-2026-0000123', { referentienummer: 'ZS-2026-0090001', tijdstip: new Date('2026-11-20T09:15:00.456Z') }));
    const verwacht = parseXml(fixture('genereerZaakIdentificatie_Du02'));
    expect(leesStuurgegevens(du02)).toEqual({ ...leesStuurgegevens(verwacht), zender: di02.ontvanger, ontvanger: di02.zender });
    expect(child(du02, 'zaak')).toEqual(child(verwacht, 'zaak'));
    expect(() => bouwDu02(di02, '0153')).toThrow(/5 to 40/);
  });

  it('wraps answers in a SOAP 1.1 envelope and a Fault', () => {
    const bv03 = bouwBv03(vraag(), meta);
    const env = parseXml(soapEnvelope(`<?xml version="1.0" encoding="UTF-8"?>${bv03}`));
    expect([env.ns, env.name, env.children[0]!.name, env.children[0]!.children[0]!.name]).toEqual([STUF_NS.soapenv, 'Envelope', 'Body', 'Bv03Bericht']);
    const fault = soapFault(soapFaultcode('client'), 'Berichtbody is niet conform schema in sectormodel <&>', bouwFo02(undefined, fout('StUF055')));
    const f = parseXml(fault).children[0]!.children[0]!;
    expect(f.name).toBe('Fault');
    expect(f.children.map((c) => c.name)).toEqual(['faultcode', 'faultstring', 'detail']);
    expect(f.children[0]!.text).toBe('soapenv:Client');
    expect(f.children[1]!.text).toBe('Berichtbody is niet conform schema in sectormodel <&>');
    expect(f.children[2]!.children[0]!.name).toBe('Fo02Bericht');
    expect(soapFaultcode('server')).toBe('Server');
    expect(parseXml(soapFault('Client', 'The request is not a SOAP envelope')).children[0]!.children[0]!.children.map((c) => c.name)).toEqual(['faultcode', 'faultstring']);
  });
});

describe('foutcodes', () => {
  it('has unique StUF codes that fit the schema, with a plek and a description', () => {
    for (const [key, f] of Object.entries(FOUTCODES)) {
      expect(f.code).toBe(key);
      expect(f.code).toMatch(/^StUF[0-9]{3}$/);
      expect(f.omschrijving.length).toBeGreaterThan(0);
      expect(f.omschrijving.length).toBeLessThanOrEqual(200);
      expect(['client', 'server']).toContain(f.plek);
    }
    expect(fout('StUF055')).toEqual({ code: 'StUF055', omschrijving: 'Berichtbody is niet conform schema in sectormodel', plek: 'client' });
    expect(fout('StUF064', 'zaak')).toMatchObject({ plek: 'server', details: 'zaak' });
  });
});
