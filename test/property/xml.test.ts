/**
 * Property tests for the hardened XML parser (src/xml/parse.ts) and the serialiser (src/xml/build.ts):
 * - arbitrary strings and bytes: parseXml returns or throws XmlRejectedError, nothing else, and
 *   finishes quickly (sizes are bounded; a run that took long would show in the timing);
 * - a document written by hand from a random element tree (prefixes and redundant declarations
 *   chosen at random, text escaped with entities, character references or CDATA, comments and
 *   processing instructions sprinkled in) parses to exactly that tree;
 * - a random tree → serializeXml → parseXml gives the same tree back (prefixes aside, which the
 *   serialiser chooses): the true round trip, also with configured prefixes and a default namespace.
 *
 * Seeds: fixed (PROPERTY_SEED overrides); fast-check prints seed and path of any counterexample.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { serializeXml, serializeXmlWithXmlbuilder2 } from '../../src/xml/build.js';
import { parseXml, XmlRejectedError, XML_NS, type XmlElement } from '../../src/xml/parse.js';

const SEED = Number(process.env.PROPERTY_SEED ?? 20261123);
const params = (numRuns: number): { seed: number; numRuns: number } => ({ seed: SEED, numRuns });

/** Calls parseXml and lets only XmlRejectedError through as a refusal. */
function parseOrReject(input: string | Uint8Array): XmlElement | XmlRejectedError {
  try {
    return parseXml(input);
  } catch (err) {
    if (err instanceof XmlRejectedError) return err;
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// Arbitrary input

/** Strings built from XML-ish tokens, so the fuzzing reaches past the first check. */
const xmlish = fc
  .array(
    fc.oneof(
      fc.constantFrom('<', '>', '</', '/>', '<?xml version="1.0"?>', '<!--', '-->', '<![CDATA[', ']]>', '<!DOCTYPE x>', '<!ENTITY', '&', '&amp;', '&#x', '&#', ';', '"', "'", '=', ' ', '\n', '\r', ':', 'xmlns', 'xmlns:p="urn:p"', 'p:', 'a', 'b', '__proto__', 'constructor', '\u0000', '\uFEFF', '\uD800', '&#0;', '&#x110000;', '&#55296;'),
      fc.string({ maxLength: 6 }),
    ),
    { maxLength: 60 },
  )
  .map((parts) => parts.join(''));

describe('parseXml on arbitrary input', () => {
  it('never throws anything but XmlRejectedError on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300, unit: 'binary' }), xmlish), (s) => {
        parseOrReject(s);
      }),
      params(1500),
    );
  });

  it('never throws anything but XmlRejectedError on arbitrary bytes (BOMs and encoding declarations included)', () => {
    const prefix = fc.constantFrom(
      new Uint8Array([]),
      new Uint8Array([0xef, 0xbb, 0xbf]),
      new Uint8Array([0xff, 0xfe]),
      new Uint8Array([0xfe, 0xff]),
      new TextEncoder().encode('<?xml version="1.0" encoding="ISO-8859-1"?>'),
      new TextEncoder().encode('<?xml version="1.0" encoding="EBCDIC"?>'),
      new TextEncoder().encode('<a>'),
    );
    fc.assert(
      fc.property(prefix, fc.uint8Array({ maxLength: 300 }), xmlish, (p, bytes, s) => {
        parseOrReject(new Uint8Array([...p, ...bytes]));
        parseOrReject(new Uint8Array([...p, ...new TextEncoder().encode(s)]));
      }),
      params(1000),
    );
  });

  it('refuses deep nesting, many elements and big input within the limits, quickly', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3000 }), (n) => {
        const deep = '<a>'.repeat(n) + '</a>'.repeat(n);
        expect(parseOrReject(deep) instanceof XmlRejectedError).toBe(n > 64);
        const wide = `<r>${'<e/>'.repeat(n)}</r>`;
        expect(parseOrReject(wide) instanceof XmlRejectedError).toBe(false);
        expect(() => parseXml(wide, { maxElements: Math.max(1, n) })).toThrow(XmlRejectedError);
        if (n > 1) expect(() => parseXml(deep, { maxDepth: n - 1 })).toThrow(XmlRejectedError);
        expect(() => parseXml(wide, { maxBytes: wide.length - 1 })).toThrow(XmlRejectedError);
      }),
      params(60),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Random element trees

// Not 'urn:x:&amp;y': xmlbuilder2 writes a namespace URI without escaping an '&' that starts
// something reference-like, and serializeXml cannot change that without xmlbuilder2 redeclaring it.
const NAMESPACES = ['', 'urn:a', 'urn:b', 'http://example.org/ns/één?q=1&r=2', 'urn:x:&y z<"\'>', 'urn:c'];
const PREFIXES = ['a', 'b', 'p', 'ns1', 'ns2', 'q'];

const nameStart = fc.constantFrom(...'abcxyzABZ_éßΩ'.split(''));
const nameChar = fc.constantFrom(...'abz09_.-éΩ·'.split(''));
const ncName = fc.oneof(
  fc.tuple(nameStart, fc.array(nameChar, { maxLength: 8 })).map(([s, r]) => s + r.join('')).filter((n) => !/^xml/i.test(n)),
  fc.constantFrom('constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'Bericht', 'x'),
);

/** Characters XML 1.0 can carry (whatever needs escaping included); surrogate pairs whole. */
const xmlChar = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...'ab Z09&<>"\'\t\n\r;#]]>'.split(''), '&amp;', '&#65;', '&T;', ']]>', '&#x41;', 'AT&T;') },
  { weight: 2, arbitrary: fc.integer({ min: 0x20, max: 0xd7ff }).map((c) => String.fromCodePoint(c)) },
  { weight: 1, arbitrary: fc.integer({ min: 0xe000, max: 0xfffd }).map((c) => String.fromCodePoint(c)) },
  { weight: 1, arbitrary: fc.integer({ min: 0x10000, max: 0x10ffff }).map((c) => String.fromCodePoint(c)) },
);
const xmlText = fc.array(xmlChar, { maxLength: 12 }).map((a) => a.join(''));
/** Text for a leaf as parseXml gives it: CR never survives end-of-line handling in raw text. */
const nonBlank = xmlText.filter((t) => /\S/.test(t));

interface Gen {
  ns: string;
  name: string;
  attrs: Array<[string, string, string]>; // ns, local, value
  text?: string;
  children: Gen[];
}

const attrList = fc.uniqueArray(fc.tuple(fc.constantFrom(...NAMESPACES), ncName, xmlText), {
  maxLength: 3,
  selector: ([ns, local]) => `${ns}|${local}`,
});

const tree = fc.letrec<{ node: Gen }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ ns: fc.constantFrom(...NAMESPACES), name: ncName, attrs: attrList, text: xmlText, children: fc.constant([] as Gen[]) }),
    fc.record({
      ns: fc.constantFrom(...NAMESPACES),
      name: ncName,
      attrs: attrList,
      text: fc.option(nonBlank, { nil: undefined }),
      children: fc.array(tie('node'), { minLength: 1, maxLength: 4 }),
    }),
  ),
})).node;

/** The XmlElement parseXml should give for a generated tree (prefix left out: compared separately). */
function expected(g: Gen, rawCr = false): Omit<XmlElement, 'prefix' | 'children'> & { children: unknown[] } {
  // serializeXml writes a CR in text as is, so XML end-of-line handling reads it as LF.
  const text = (t: string): string => (rawCr ? t.replace(/\r\n?/g, '\n') : t);
  const e: Omit<XmlElement, 'prefix' | 'children'> & { children: unknown[] } = {
    ns: g.ns,
    name: g.name,
    attrs: Object.fromEntries(g.attrs.map(([ns, local, value]) => [ns === '' ? local : `{${ns}}${local}`, value])),
    children: g.children.map((c) => expected(c, rawCr)),
  };
  if (g.children.length === 0) e.text = text(g.text ?? '');
  else if (g.text !== undefined && /\S/.test(g.text)) e.text = text(g.text);
  return e;
}

function withoutPrefixes(e: XmlElement): unknown {
  const { prefix: _prefix, children, ...rest } = e;
  void _prefix;
  return { ...rest, children: children.map(withoutPrefixes) };
}

function toElement(g: Gen): XmlElement {
  const e: XmlElement = { ns: g.ns, name: g.name, prefix: '', attrs: expected(g).attrs, children: g.children.map(toElement) };
  if (g.text !== undefined) e.text = g.text;
  return e;
}

// A hand-written serialiser that takes every liberty XML allows, to check the parser reads them all.

const escapeTextRandomly = (text: string, pick: () => number): string => {
  if (text === '') return '';
  // CDATA for whole runs (split at "]]>", which CDATA cannot hold), references for the rest.
  if (pick() % 3 === 0 && !text.includes('\r')) {
    return text
      .split(']]>')
      .map((part, i, all) => `<![CDATA[${part}${i < all.length - 1 ? ']]' : ''}]]>${i < all.length - 1 ? '&gt;' : ''}`)
      .join('');
  }
  return [...text]
    .map((c) => {
      const how = pick() % 4;
      if (c === '&') return how === 0 ? '&#38;' : '&amp;';
      if (c === '<') return how === 0 ? '&#x3C;' : '&lt;';
      if (c === '\r') return '&#13;';
      if (c === '>') return how === 0 ? '&gt;' : '&#62;';
      if (how === 3 && c !== '\n') return `&#x${c.codePointAt(0)!.toString(16)};`;
      return c;
    })
    .join('');
};

const escapeAttr = (value: string, quote: string): string =>
  [...value]
    .map((c) => {
      if (c === '&') return '&amp;';
      if (c === '<') return '&lt;';
      if (c === quote) return quote === '"' ? '&quot;' : '&apos;';
      if (c === '\t' || c === '\n' || c === '\r') return `&#${c.charCodeAt(0)};`;
      return c;
    })
    .join('');

function writeByHand(g: Gen, seed: number): string {
  let state = seed >>> 0 || 1;
  const pick = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
  const write = (e: Gen, scope: Map<string, string>, isRoot: boolean): string => {
    const local = new Map(scope);
    const decls: string[] = [];
    const declare = (prefix: string, uri: string): void => {
      if (local.get(prefix) === uri && pick() % 4 !== 0) return;
      if (decls.some((d) => d.startsWith(prefix === '' ? 'xmlns=' : `xmlns:${prefix}=`))) return;
      local.set(prefix, uri);
      decls.push(`${prefix === '' ? 'xmlns' : `xmlns:${prefix}`}="${escapeAttr(uri, '"')}"`);
    };
    // The element: unprefixed (default namespace) or with a random prefix.
    let qname: string;
    if (e.ns === '') {
      if ((local.get('') ?? '') !== '') declare('', '');
      qname = e.name;
    } else if (pick() % 2 === 0) {
      declare('', e.ns);
      qname = e.name;
    } else {
      const existing = [...local].find(([p, u]) => p !== '' && u === e.ns && pick() % 2 === 0)?.[0];
      const prefix = existing ?? PREFIXES[pick() % PREFIXES.length]!;
      declare(prefix, e.ns);
      // A prefix redeclared here for another URI is fine: the element's own declaration wins.
      if (local.get(prefix) !== e.ns) {
        local.set(prefix, e.ns);
        decls.push(`xmlns:${prefix}="${escapeAttr(e.ns, '"')}"`);
      }
      qname = `${prefix}:${e.name}`;
    }
    // Attributes in a namespace need a prefix bound on this element or above, different from what the element uses.
    const attrs: string[] = [];
    for (const [ns, name, value] of e.attrs) {
      let an = name;
      if (ns !== '') {
        let prefix = [...local].find(([p, u]) => p !== '' && u === ns)?.[0];
        if (prefix === undefined) {
          let k = 0;
          while (local.has(`at${k}x`)) k++;
          prefix = `at${k}x`;
          local.set(prefix, ns);
          decls.push(`xmlns:${prefix}="${escapeAttr(ns, '"')}"`);
        }
        an = `${prefix}:${name}`;
      }
      const q = pick() % 2 === 0 ? '"' : "'";
      attrs.push(`${an}${pick() % 5 === 0 ? ' = ' : '='}${q}${escapeAttr(value, q)}${q}`);
    }
    const ws = (): string => ['', ' ', '\n  ', '\t'][pick() % 4]!;
    const misc = (): string => (pick() % 7 === 0 ? '<!-- note -->' : pick() % 11 === 0 ? '<?pi data?>' : '');
    const open = `<${[qname, ...decls, ...attrs].join(' ')}${ws()}`;
    if (e.children.length === 0 && (e.text ?? '') === '' && pick() % 2 === 0) return `${open}/>`;
    let body = '';
    if (e.children.length === 0) body = misc() + escapeTextRandomly(e.text ?? '', pick) + misc();
    else {
      body = e.text !== undefined && /\S/.test(e.text) ? escapeTextRandomly(e.text, pick) : ws();
      // Whitespace between children only when there is no real text: it would become part of it.
      const between = (): string => (e.text !== undefined && /\S/.test(e.text) ? '' : ws());
      for (const c of e.children) body += misc() + write(c, local, false) + between();
    }
    void isRoot;
    return `${open}>${body}</${qname}>`;
  };
  const decl = pick() % 2 === 0 ? '<?xml version="1.0" encoding="UTF-8"?>\n' : '';
  return `${decl}${pick() % 3 === 0 ? '<!-- head -->\n' : ''}${write(g, new Map([['xml', XML_NS]]), true)}\n`;
}

describe('parseXml on generated well-formed documents', () => {
  it('reads a hand-written document (random prefixes, entities, character references, CDATA, comments) as the tree it was written from', () => {
    fc.assert(
      fc.property(tree, fc.integer(), (g, seed) => {
        const xml = writeByHand(g, seed);
        const parsed = parseXml(xml);
        expect(withoutPrefixes(parsed)).toEqual(expected(g));
        // The same document as UTF-8 bytes reads the same.
        expect(withoutPrefixes(parseXml(new TextEncoder().encode(xml)))).toEqual(expected(g));
      }),
      params(600),
    );
  });
});

describe('serializeXml → parseXml', () => {
  it('gives the same tree back (names, namespaces, attributes, text needing escaping)', () => {
    fc.assert(
      fc.property(tree, (g) => {
        const xml = serializeXml(toElement(g));
        expect(withoutPrefixes(parseXml(xml))).toEqual(expected(g, true));
      }),
      params(600),
    );
  });

  it('also with configured prefixes, a default namespace and no declaration, and parse → serialize → parse is stable', () => {
    const namespaces = fc.dictionary(fc.constantFrom('', ...PREFIXES), fc.constantFrom(...NAMESPACES.filter((n) => n !== '')), { maxKeys: 3 });
    fc.assert(
      fc.property(tree, namespaces, fc.boolean(), (g, ns, declaration) => {
        const xml = serializeXml(toElement(g), { namespaces: ns, declaration });
        const parsed = parseXml(xml);
        expect(withoutPrefixes(parsed)).toEqual(expected(g, true));
        expect(parseXml(serializeXml(parsed))).toEqual(parseXml(serializeXml(parseXml(serializeXml(parsed)))));
      }),
      params(400),
    );
  });

  it('writes exactly what xmlbuilder2 writes (the reference serialiser), for generated and for parsed trees', () => {
    const namespaces = fc.dictionary(fc.constantFrom('', ...PREFIXES), fc.constantFrom(...NAMESPACES.filter((n) => n !== '')), { maxKeys: 3 });
    fc.assert(
      fc.property(tree, namespaces, fc.boolean(), (g, ns, declaration) => {
        const element = toElement(g);
        expect(serializeXml(element, { namespaces: ns, declaration })).toBe(serializeXmlWithXmlbuilder2(element, { namespaces: ns, declaration }));
        // A parsed tree carries the sender's prefixes, which the serialiser keeps where it can.
        const parsed = parseXml(serializeXmlWithXmlbuilder2(element, { namespaces: ns }));
        expect(serializeXml(parsed, { declaration })).toBe(serializeXmlWithXmlbuilder2(parsed, { declaration }));
      }),
      params(800),
    );
  });

  it('refuses what XML cannot carry in the same cases as xmlbuilder2', () => {
    const bad = fc.constantFrom('\u0000', '\u0007', '\uFFFE', '\uD800', 'a\u001Fb');
    fc.assert(
      fc.property(tree, bad, fc.constantFrom('text', 'attr'), (g, b, where) => {
        const element = toElement(g);
        if (where === 'text') element.children.length === 0 ? (element.text = b) : (element.children[0]!.text = b);
        else element.attrs = { ...element.attrs, kapot: b };
        expect(() => serializeXml(element)).toThrow(/well-formed required/);
        expect(() => serializeXmlWithXmlbuilder2(element)).toThrow();
      }),
      params(200),
    );
  });

  it('pretty printing keeps leaf text exactly', () => {
    const leafOnly = (g: Gen): Gen => ({ ...g, text: g.children.length > 0 ? undefined : g.text, children: g.children.map(leafOnly) });
    fc.assert(
      fc.property(tree.map(leafOnly), (g) => {
        expect(withoutPrefixes(parseXml(serializeXml(toElement(g), { pretty: true })))).toEqual(expected(g, true));
      }),
      params(300),
    );
  });
});
