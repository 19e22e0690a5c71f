import { describe, expect, it } from '@jest/globals';
import { serializeXml } from '../../../src/xml/build.js';
import { parseXml, type XmlElement } from '../../../src/xml/parse.js';

const el = (ns: string, name: string, extra: Partial<XmlElement> = {}): XmlElement => ({ ns, name, prefix: '', attrs: {}, children: [], ...extra });

describe('serializeXml', () => {
  it('declares the configured prefixes on the root and escapes text and attributes', () => {
    const root = el('urn:t', 'Toewijzing', {
      attrs: { id: 'a"<&', '{urn:t}soort': 'x' },
      children: [el('urn:t', 'Naam', { text: 'Jansen & <Zn>' }), el('', 'Los', { text: '1' }), el('urn:t', 'Leeg')],
    });
    expect(serializeXml(root, { namespaces: { tw: 'urn:t' } })).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>' +
        '<tw:Toewijzing xmlns:tw="urn:t" id="a&quot;&lt;&amp;" tw:soort="x">' +
        '<tw:Naam>Jansen &amp; &lt;Zn&gt;</tw:Naam><Los>1</Los><tw:Leeg/></tw:Toewijzing>',
    );
  });

  it('indents when pretty and leaves the declaration out when asked', () => {
    const root = el('', 'a', { children: [el('', 'b', { text: 'x' })] });
    expect(serializeXml(root, { pretty: true, declaration: false })).toBe('<a>\n  <b>x</b>\n</a>');
  });

  it('keeps the prefix an element carries, or makes one up, for namespaces not configured', () => {
    const root = el('urn:a', 'r', { prefix: 'a', children: [el('urn:b', 'c'), el('urn:b', 'd')] });
    expect(serializeXml(root, { declaration: false })).toBe('<a:r xmlns:a="urn:a" xmlns:ns1="urn:b"><ns1:c/><ns1:d/></a:r>');
  });

  it('uses a default namespace when configured', () => {
    const root = el('urn:d', 'r', { children: [el('urn:d', 'c', { text: '1' })] });
    expect(serializeXml(root, { namespaces: { '': 'urn:d' }, declaration: false })).toBe('<r xmlns="urn:d"><c>1</c></r>');
  });

  it('round-trips through parseXml', () => {
    const xml = '<t:A xmlns:t="urn:t" xmlns:u="urn:u" u:k="v" p="q"><t:B>1 &amp; 2</t:B><u:C/></t:A>';
    const tree = parseXml(xml);
    expect(parseXml(serializeXml(tree))).toEqual(tree);
  });

  it('refuses text XML cannot carry', () => {
    expect(() => serializeXml(el('', 'a', { text: 'bel\u0007' }))).toThrow();
  });
});
