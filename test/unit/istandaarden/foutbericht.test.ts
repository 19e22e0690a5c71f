import { describe, expect, it } from '@jest/globals';
import { bouwFoutbericht, FOUTCODES, type Foutcode } from '../../../src/standards/istandaarden/foutbericht.js';
import { isValidFoutbericht } from '../../helpers/istandaarden.js';

const valid = isValidFoutbericht;

describe('transport foutbericht', () => {
  it.each(Object.keys(FOUTCODES) as Foutcode[])('%s validates against its XSD', (code) => {
    const xml = bouwFoutbericht({ code, referentie: '0b7f2a52-9a51-4c59-8d7e-0c7f0b8a2f11', details: [{ plek: '/Bericht/Header', melding: 'Header ontbreekt.' }] });
    expect(valid(xml)).toBe(true);
    expect(xml).toContain(`<Foutcode>${code}</Foutcode>`);
  });

  it('stays valid with many or long details, and escapes what it carries', () => {
    const details = Array.from({ length: 80 }, (_, i) => ({ plek: `/x[${i}]`, melding: `<&> ${'x'.repeat(900)}` }));
    const xml = bouwFoutbericht({ code: 'IB001', details });
    expect(valid(xml)).toBe(true);
    expect((xml.match(/<Detail>/g) ?? []).length).toBe(50);
    // The 50th Detail counts the ones left out instead of silently dropping them.
    expect(xml).toContain('/x[48]');
    expect(xml).not.toContain('/x[49]');
    expect(xml).toContain('<Melding>en ten minste 31 meldingen meer, niet vermeld</Melding>');
  });
});
