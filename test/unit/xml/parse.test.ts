import { describe, expect, it } from '@jest/globals';
import { parseXml, XmlRejectedError, type XmlElement, type XmlRejectReason } from '../../../src/xml/parse.js';

function rejection(input: string | Buffer, limits?: Parameters<typeof parseXml>[1]): XmlRejectedError {
  try {
    parseXml(input, limits);
  } catch (err) {
    if (err instanceof XmlRejectedError) return err;
    throw err;
  }
  throw new Error('expected the XML to be rejected');
}

function reasonOf(input: string | Buffer, limits?: Parameters<typeof parseXml>[1]): XmlRejectReason {
  return rejection(input, limits).reason;
}

describe('parseXml: hostile input', () => {
  it('refuses a DOCTYPE with an external entity (XXE) and does not leak the payload in the message', () => {
    const xxe = '<?xml version="1.0"?>\n<!DOCTYPE foo [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>\n<foo>&xxe;</foo>';
    const err = rejection(xxe);
    expect(err.reason).toBe('doctype-forbidden');
    expect(err.line).toBe(2);
    expect(err.column).toBe(1);
    expect(err.message).toBe('XML with a DOCTYPE (DTD) is not accepted (line 2, column 1)');
    expect(err.message).not.toContain('passwd');
  });

  it('refuses billion laughs (entity expansion) before expanding anything', () => {
    const lol = [
      '<?xml version="1.0"?>',
      '<!DOCTYPE lolz [',
      ' <!ENTITY lol "lol">',
      ' <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">',
      ' <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">',
      ' <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">',
      ']>',
      '<lolz>&lol9;</lolz>',
    ].join('\n');
    expect(reasonOf(lol)).toBe('doctype-forbidden');
  });

  it('refuses a lowercase or spaced doctype variant too', () => {
    expect(reasonOf('<!doctype a><a/>')).toBe('doctype-forbidden');
    expect(reasonOf('  <!DOCTYPE a SYSTEM "http://evil.example/x.dtd"><a/>')).toBe('doctype-forbidden');
  });

  it('refuses other markup declarations and undeclared entities', () => {
    expect(reasonOf('<a><!ENTITY x "y"></a>')).toBe('not-well-formed');
    expect(reasonOf('<a>&xxe;</a>')).toBe('not-well-formed');
    expect(reasonOf('<a b="&ext;"/>')).toBe('not-well-formed');
    expect(reasonOf('<a>Tom & Jerry</a>')).toBe('not-well-formed');
  });

  it('refuses documents nested deeper than the limit', () => {
    const deep = '<a>'.repeat(65) + '</a>'.repeat(65);
    const err = rejection(deep);
    expect(err.reason).toBe('too-deep');
    expect(err.message).toContain('64 levels');
    expect(parseXml('<a>'.repeat(64) + '</a>'.repeat(64)).name).toBe('a');
    expect(reasonOf('<a><b><c/></b></a>', { maxDepth: 2 })).toBe('too-deep');
    // a very deep document is refused without blowing the stack
    expect(reasonOf('<a>'.repeat(100_000) + '</a>'.repeat(100_000))).toBe('too-deep');
  });

  it('refuses documents larger than the limit, for strings and for bytes', () => {
    const big = `<a>${'x'.repeat(2000)}</a>`;
    expect(reasonOf(big, { maxBytes: 1000 })).toBe('too-large');
    expect(reasonOf(Buffer.from(big), { maxBytes: 1000 })).toBe('too-large');
    // multi-byte characters count as bytes, not characters
    expect(reasonOf(`<a>${'é'.repeat(600)}</a>`, { maxBytes: 1000 })).toBe('too-large');
    expect(parseXml(big, { maxBytes: 3000 }).text).toHaveLength(2000);
  });

  it('has a 10 MiB default size limit', () => {
    const justOver = `<a>${'x'.repeat(10 * 1024 * 1024)}</a>`;
    expect(reasonOf(justOver)).toBe('too-large');
  });

  it('refuses too many elements', () => {
    const many = `<a>${'<b/>'.repeat(11)}</a>`;
    expect(reasonOf(many, { maxElements: 11 })).toBe('too-many-nodes');
    expect(parseXml(many, { maxElements: 12 }).children).toHaveLength(11);
  });

  it('refuses input that is not XML at all', () => {
    expect(reasonOf('{"messageId": "BO-1"}')).toBe('not-xml');
    expect(reasonOf('')).toBe('not-xml');
    expect(reasonOf('   \n ')).toBe('not-xml');
    expect(reasonOf('hello <a/>')).toBe('not-xml');
  });

  it('refuses XML that is not well-formed, with only a position in the message', () => {
    const err = rejection('<a>\n  <b>geheim</c>\n</a>');
    expect(err.reason).toBe('not-well-formed');
    expect(err.line).toBe(2);
    expect(err.message).not.toContain('geheim');
    expect(reasonOf('<a>')).toBe('not-well-formed');
    expect(reasonOf('<a/><b/>')).toBe('not-well-formed');
    expect(reasonOf('<a/>trailing text')).toBe('not-well-formed');
    expect(reasonOf('<a x="1" x="2"/>')).toBe('not-well-formed');
    expect(reasonOf('<a>&#0;</a>')).toBe('not-well-formed');
    expect(reasonOf('<p:a/>')).toBe('not-well-formed'); // undeclared prefix
    expect(reasonOf('<a xmlns:p="u1" xmlns:q="u1" p:x="1" q:x="2"/>')).toBe('not-well-formed'); // same attribute twice after resolution
    expect(reasonOf(Buffer.from([0x3c, 0x61, 0x3e, 0xff, 0x3c, 0x2f, 0x61, 0x3e]))).toBe('not-well-formed'); // invalid UTF-8
  });
});

describe('parseXml: the tree', () => {
  it('resolves prefixes to namespace URIs so the sender prefix does not matter', () => {
    const a = parseXml('<t:R xmlns:t="urn:x" t:code="1" plain="2"><t:C>v</t:C></t:R>');
    const b = parseXml('<R xmlns="urn:x" xmlns:other="urn:x" other:code="1" plain="2"><other:C>v</other:C></R>');
    const strip = (e: typeof a): unknown => ({ ns: e.ns, name: e.name, attrs: e.attrs, text: e.text, children: e.children.map(strip) });
    expect(strip(a)).toEqual(strip(b));
    expect(a).toEqual({
      ns: 'urn:x',
      name: 'R',
      prefix: 't',
      attrs: { '{urn:x}code': '1', plain: '2' },
      children: [{ ns: 'urn:x', name: 'C', prefix: 't', attrs: {}, children: [] , text: 'v' }],
    });
  });

  it('is read-only where it shares: elements without attributes or children share one frozen empty each', () => {
    const root = parseXml('<a><b>1</b><c x="1"/><d><e/></d></a>');
    const [b, c, d] = root.children as [XmlElement, XmlElement, XmlElement];
    const e = d.children[0]!;
    expect(b.children).toBe(e.children);
    expect(c.children).toBe(b.children);
    expect(root.attrs).toBe(b.attrs);
    expect(d.attrs).toBe(e.attrs);
    expect(c.attrs).not.toBe(b.attrs);
    expect(c.attrs).toEqual({ x: '1' });
    expect(Object.isFrozen(b.children) && Object.isFrozen(b.attrs)).toBe(true);
    // A change through a shared list would reach every other element: it throws instead.
    expect(() => b.children.push(e)).toThrow(TypeError);
    expect(() => (b.attrs.y = '2')).toThrow(TypeError);
    expect(e.children).toHaveLength(0);
  });

  it('scopes namespace declarations to their element and allows undeclaring the default', () => {
    const root = parseXml('<a xmlns="urn:a"><b xmlns="urn:b"><c/></b><d/><e xmlns=""/></a>');
    expect(root.ns).toBe('urn:a');
    expect(root.children.map((c) => [c.name, c.ns])).toEqual([['b', 'urn:b'], ['d', 'urn:a'], ['e', '']]);
    expect(root.children[0]!.children[0]!.ns).toBe('urn:b');
  });

  it('knows the xml prefix without a declaration', () => {
    expect(parseXml('<a xml:lang="nl"/>').attrs).toEqual({ '{http://www.w3.org/XML/1998/namespace}lang': 'nl' });
  });

  it('decodes the five predefined entities and character references, and keeps CDATA as is', () => {
    const root = parseXml('<a t="&lt;&gt;&amp;&apos;&quot;&#65;&#x42;">x &lt; y &#x20AC; <![CDATA[&amp; <b>]]></a>');
    expect(root.attrs.t).toBe(`<>&'"AB`);
    expect(root.text).toBe('x < y € &amp; <b>');
  });

  it('ignores indentation between elements but keeps leaf text exactly', () => {
    const root = parseXml('<a>\n  <b> spaced </b>\n  <c/>\n</a>');
    expect(root.text).toBeUndefined();
    expect(root.children[0]!.text).toBe(' spaced ');
    expect(root.children[1]!.text).toBe('');
  });

  it('normalises line ends and attribute whitespace as XML prescribes', () => {
    const root = parseXml('<a v="1\t2\n3">x\r\ny</a>');
    expect(root.attrs.v).toBe('1 2 3');
    expect(root.text).toBe('x\ny');
  });

  it('accepts names that are JavaScript object keys', () => {
    const root = parseXml('<constructor __proto__="p"><toString/></constructor>');
    expect(root.name).toBe('constructor');
    expect(Object.getOwnPropertyDescriptor(root.attrs, '__proto__')?.value).toBe('p');
    expect(Object.getPrototypeOf(root.attrs)).toBe(Object.prototype);
    expect(root.children[0]!.name).toBe('toString');
  });

  it('reads UTF-8 bytes with a BOM, UTF-16 with a BOM and a declared ISO-8859-1', () => {
    expect(parseXml(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<a>é</a>')])).text).toBe('é');
    expect(parseXml(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<a>é</a>', 'utf16le')])).text).toBe('é');
    expect(parseXml(Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><a>\xe9</a>', 'latin1')).text).toBe('é');
    expect(reasonOf(Buffer.from('<?xml version="1.0" encoding="EBCDIC"?><a/>'))).toBe('not-well-formed');
  });

  it('drops comments and processing instructions', () => {
    const root = parseXml('<?xml version="1.0"?><!-- c --><a><?pi x?><!-- <b/> --><c/></a><!-- end -->');
    expect(root.children.map((c) => c.name)).toEqual(['c']);
  });
});
