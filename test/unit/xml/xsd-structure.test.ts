/**
 * One XSD structure reader (src/xml/xsd-structure.ts) for both conformance tests: the StUF
 * components and the iStandaarden element trees come from the same reading of the constructs.
 */
import { describe, expect, it } from '@jest/globals';
import { closure, key, readSchemaStructure, stable } from '../../../src/xml/xsd-structure.js';
import { xsdStructure } from '../../../src/standards/istandaarden/schema/xsd-structure.js';

const XS = 'xmlns:xs="http://www.w3.org/2001/XMLSchema"';
const bericht = (body: string, inner = 'xmlns:b="urn:b"'): string => `<xs:schema ${XS} targetNamespace="urn:b" elementFormDefault="qualified">
  <xs:element name="Bericht"><xs:complexType ${inner}><xs:sequence>${body}</xs:sequence></xs:complexType></xs:element>
  <xs:simpleType name="Code"><xs:annotation><xs:documentation>x</xs:documentation></xs:annotation><xs:restriction base="xs:string"><xs:enumeration value="2"/><xs:enumeration value="1"/></xs:restriction></xs:simpleType>
</xs:schema>`;

describe('the shared XSD structure reader', () => {
  it('resolves QNames with prefixes declared below the schema element', () => {
    const s = readSchemaStructure({ 'b.xsd': bericht('<xs:element name="Code" type="b:Code"/>') });
    const root = s.components.get(key('element', 'urn:b', 'Bericht'))!;
    expect(stable(root)).toContain('type="{urn:b}Code"');
    expect([...closure(s, ['{urn:b}Bericht']).keys()]).toEqual(['element {urn:b}Bericht', 'simpleType {urn:b}Code']);
  });

  it('refuses a prefix not declared where it is used, and a construct it does not know', () => {
    expect(() => readSchemaStructure({ 'b.xsd': bericht('<xs:element name="Code" type="b:Code"/>', '') })).toThrow(/prefix 'b' of b:Code is not declared/);
    expect(() => readSchemaStructure({ 'b.xsd': bericht('<xs:element name="X"><xs:key name="k"/></xs:element>') })).toThrow(/key is not understood/);
  });

  it('gives the iStandaarden tree from the same components, and keeps refusing what the iStandaarden do not use', () => {
    const tree = xsdStructure({ 'b.xsd': bericht('<xs:element name="Code" type="b:Code" minOccurs="0"/>') }, 'urn:b');
    expect(tree).toEqual({
      name: 'Bericht', ns: 'urn:b', min: 1, max: 1,
      type: { kind: 'complex', type: '', children: [{ name: 'Code', ns: 'urn:b', min: 0, max: 1, type: { kind: 'simple', builtin: 'xs:string', steps: [{ type: 'Code', enumeration: ['1', '2'] }] } }] },
    });
    expect(() => xsdStructure({ 'b.xsd': bericht('<xs:choice><xs:element name="A" type="xs:string"/></xs:choice>') }, 'urn:b')).toThrow(/unsupported xs:choice/);
  });
});
