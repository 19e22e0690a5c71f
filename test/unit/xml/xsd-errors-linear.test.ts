/**
 * Many schema errors cost work in proportion to the document, not to errors × siblings. Before:
 * libxml2-wasm's collector asked libxml2 for every error's node path (a walk over the preceding
 * siblings: 100,000 invalid siblings took 112 s), and locating each of the first 100 issues listed
 * all siblings of its element again (20,000 invalid siblings: 5.7 s). Counted here: the node-path
 * lookups, and the children read while locating issues.
 */
import { describe, expect, it } from '@jest/globals';
import { boundedValidationCounts } from '../../../src/xml/xsd-bounded.js';
import { MAX_ISSUES, siblingCounts, XsdSchemaSet } from '../../../src/xml/xsd.js';

const SCHEMA = `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:t" xmlns="urn:t" elementFormDefault="qualified">
  <xs:element name="lijst"><xs:complexType><xs:sequence>
    <xs:element name="n" type="xs:int" maxOccurs="unbounded"/>
    <xs:element name="groep" minOccurs="0" maxOccurs="unbounded"><xs:complexType><xs:sequence><xs:element name="n" type="xs:int" maxOccurs="unbounded"/></xs:sequence></xs:complexType></xs:element>
  </xs:sequence></xs:complexType></xs:element>
</xs:schema>`;

function measure(set: XsdSchemaSet, doc: string) {
  const l0 = boundedValidationCounts.lookups;
  const s0 = { ...siblingCounts };
  const issues = set.validate(doc);
  return { issues, lookups: boundedValidationCounts.lookups - l0, listed: siblingCounts.listed - s0.listed, nodes: siblingCounts.nodes - s0.nodes };
}

describe('XSD validation with many errors', () => {
  const set = XsdSchemaSet.loadSync({ 't.xsd': SCHEMA }, 't.xsd');

  it.each([2_000, 20_000])('%i invalid siblings: at most MAX_ISSUES path lookups, each parent listed once', (n) => {
    const m = measure(set, `<lijst xmlns="urn:t">${'<n>x</n>'.repeat(n)}</lijst>`);
    expect(m.issues).toHaveLength(MAX_ISSUES + 1);
    expect(m.issues.at(-1)!.message).toBe(`${n - MAX_ISSUES} more issues not shown`);
    expect(m.issues[0]!.element).toBe('/lijst/n[1]');
    expect(m.issues[MAX_ISSUES - 1]!.element).toBe(`/lijst/n[${MAX_ISSUES}]`);
    expect(m.lookups).toBeLessThanOrEqual(MAX_ISSUES);
    // One listing of the root's children; the nodes read are the document's elements, not 100 × n.
    expect(m.listed).toBe(1);
    expect(m.nodes).toBe(n);
  });

  it('issues under many parents read each parent once', () => {
    const groepen = Array.from({ length: 300 }, () => `<groep>${'<n>x</n>'.repeat(50)}</groep>`).join('');
    const m = measure(set, `<lijst xmlns="urn:t"><n>1</n>${groepen}</lijst>`);
    expect(m.issues.at(-1)!.message).toBe(`${300 * 50 - MAX_ISSUES} more issues not shown`);
    expect(m.issues[MAX_ISSUES - 1]!.element).toBe('/lijst/groep[2]/n[50]');
    expect(m.lookups).toBeLessThanOrEqual(MAX_ISSUES);
    // The root (to find groep[k]) and the two groepen holding the first 100 issues.
    expect(m.listed).toBe(3);
    expect(m.nodes).toBe(301 + 50 + 50);
  });

  it('a valid document needs no lookups', () => {
    const m = measure(set, `<lijst xmlns="urn:t">${'<n>1</n>'.repeat(1000)}</lijst>`);
    expect(m.issues).toEqual([]);
    expect(m.lookups).toBe(0);
    expect(m.listed).toBe(0);
  });
});
