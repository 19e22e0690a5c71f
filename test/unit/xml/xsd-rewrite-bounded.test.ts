/**
 * The rewriting of libxml2's messages is bounded: libxml2 quotes the offending value whole (up to
 * 64 KB per message), and templates run over all of it made a 7.7 MB declaratie take 20 s. Counted:
 * the characters of every libxml2 message that the rewriter's regular expressions are run on.
 */
import { describe, expect, it } from '@jest/globals';
import * as xsd from '../../../src/xml/xsd.js';

const { XsdSchemaSet } = xsd;
type XsdSchemaSet = xsd.XsdSchemaSet;

const SCHEMA = `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:t" xmlns="urn:t" elementFormDefault="qualified">
  <xs:simpleType name="Code"><xs:restriction base="xs:string"><xs:pattern value="[0-9]{9}"/></xs:restriction></xs:simpleType>
  <xs:element name="r"><xs:complexType><xs:sequence><xs:element name="v" type="Code" maxOccurs="unbounded"/></xs:sequence></xs:complexType></xs:element>
</xs:schema>`;

/** Characters of libxml2 messages (they start with "Element '") handed to any regular expression. */
function rewriterReads(run: () => void): { total: number; longest: number } {
  const exec = RegExp.prototype.exec;
  let total = 0;
  let longest = 0;
  RegExp.prototype.exec = function (this: RegExp, s: string) {
    if (typeof s === 'string' && s.startsWith("Element '")) {
      total += s.length;
      longest = Math.max(longest, s.length);
    }
    return exec.call(this, s);
  } as typeof exec;
  try {
    run();
  } finally {
    RegExp.prototype.exec = exec;
  }
  return { total, longest };
}

describe('XSD issue rewriting sees a bounded slice of each libxml2 message', () => {
  it('a 60 KB value is described like a short one, from at most head + tail characters', async () => {
    const set = await XsdSchemaSet.load({ 't.xsd': SCHEMA }, 't.xsd');
    try {
      const doc = (value: string) => `<r xmlns="urn:t">${Array.from({ length: 20 }, () => `<v>${value}</v>`).join('')}</r>`;
      let shortIssues: ReturnType<XsdSchemaSet['validate']> = [];
      let longIssues: ReturnType<XsdSchemaSet['validate']> = [];
      const short = rewriterReads(() => (shortIssues = set.validate(doc('12ab'))));
      const long = rewriterReads(() => (longIssues = set.validate(doc('x'.repeat(60_000)))));
      expect(longIssues.map((i) => i.message)).toEqual(shortIssues.map((i) => i.message));
      expect(longIssues[0]!.message).toBe('v: value does not match the required pattern [0-9]{9}');
      // The slice the rewriter reads (XSD_MESSAGE_HEAD + XSD_MESSAGE_TAIL and a marker); 5000 characters before it existed.
      const bound = ((xsd as Record<string, unknown>).XSD_MESSAGE_HEAD as number ?? 2500) + ((xsd as Record<string, unknown>).XSD_MESSAGE_TAIL as number ?? 2500) + 3;
      expect(long.longest).toBeLessThanOrEqual(bound);
      // Per issue the work is bounded: 20 issues cost at most a fixed multiple of 20 slices.
      expect(long.total).toBeLessThan(20 * 40 * bound);
      expect(short.total).toBeGreaterThan(0);
      // No value reaches an issue.
      expect(JSON.stringify(longIssues)).not.toContain('xxxx');
    } finally {
      set.dispose();
    }
  });
});
