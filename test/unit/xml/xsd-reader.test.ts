/**
 * The content model of a compiled set is read with knooppunt's own parser (src/xml/xsd-reader.ts):
 * QNames resolve with the namespace declarations in force where they are written, and a schema file
 * that parser refuses (a DOCTYPE) is still read, through libxml2.
 */
import { describe, expect, it } from '@jest/globals';
import { XsdSchemaSet } from '../../../src/xml/xsd.js';
import { readXsdTree, resolveQName } from '../../../src/xml/xsd-reader.js';

const XS = 'xmlns:xs="http://www.w3.org/2001/XMLSchema"';
const schema = (head = ''): string => `<?xml version="1.0" encoding="UTF-8"?>${head}
<xs:schema ${XS} targetNamespace="urn:t" elementFormDefault="qualified">
  <xs:complexType name="T" xmlns:q="urn:other"><xs:sequence><xs:element name="b" type="xs:string"/><xs:element name="c" type="xs:string" minOccurs="0"/></xs:sequence></xs:complexType>
  <xs:element name="r">
    <xs:complexType xmlns:q="urn:t"><xs:sequence><xs:element name="a" type="q:T"/></xs:sequence></xs:complexType>
  </xs:element>
</xs:schema>`;

describe('reading XSD files with the own parser', () => {
  it('resolves a QName with a prefix declared on an inner element, per scope', () => {
    const tree = readXsdTree(schema());
    const [t, r] = tree.root.children;
    const inner = r!.children[0]!.children[0]!.children[0]!; // r/complexType/sequence/element a
    expect(resolveQName(tree, inner, 'q:T')).toEqual({ ns: 'urn:t', name: 'T' });
    expect(resolveQName(tree, t!, 'q:T')).toEqual({ ns: 'urn:other', name: 'T' });
    expect(resolveQName(tree, tree.root, 'q:T')).toEqual({ ns: '', name: 'T' });
    expect(resolveQName(tree, tree.root, 'xs:string')).toEqual({ ns: 'http://www.w3.org/2001/XMLSchema', name: 'string' });
  });

  it('gives a compiled set the content model through such a prefix', () => {
    const set = XsdSchemaSet.loadSync({ 's.xsd': schema() }, 's.xsd');
    try {
      expect(set.childrenOf([{ ns: 'urn:t', name: 'r' }, { ns: 'urn:t', name: 'a' }])).toEqual([
        { name: 'b', ns: 'urn:t', min: 1 },
        { name: 'c', ns: 'urn:t', min: 0 },
      ]);
      expect(set.validate('<r xmlns="urn:t"><a><c>x</c></a></r>').map((i) => i.message).join()).toMatch(/\bb\b/);
    } finally {
      set.dispose();
    }
  });

  it('reads a schema file with a DOCTYPE through libxml2, with the same model', () => {
    const set = XsdSchemaSet.loadSync({ 'd.xsd': schema('<!DOCTYPE xs:schema [ <!ENTITY e "x"> ]>') }, 'd.xsd');
    try {
      expect(set.childrenOf([{ ns: 'urn:t', name: 'r' }, { ns: 'urn:t', name: 'a' }])).toEqual([
        { name: 'b', ns: 'urn:t', min: 1 },
        { name: 'c', ns: 'urn:t', min: 0 },
      ]);
      expect(set.vocabulary.names.has('T')).toBe(true);
    } finally {
      set.dispose();
    }
  });

  it('names a schema file that is not XML', () => {
    expect(() => XsdSchemaSet.loadSync({ 'x.xsd': '<xs:schema' }, 'x.xsd')).toThrow(/cannot read x\.xsd/);
  });
});
