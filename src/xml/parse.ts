/**
 * Hardened XML parsing for everything the gateway receives, in one pass over the text.
 *
 * Input from outside parties is hostile until proven otherwise, so the parser:
 *   - bounds the size (bytes), the nesting depth and the number of elements;
 *   - refuses any DOCTYPE or other markup declaration: no DTD means no external entities (XXE)
 *     and no entity expansion (billion laughs);
 *   - refuses every entity reference except the five predefined ones and character references,
 *     and every character XML does not allow;
 *   - checks well-formedness (names, attributes, matching end tags, one root) and resolves every
 *     prefix to its namespace URI with one scope that is changed and restored per element.
 *
 * One cursor moves forward through the text once: each character is looked at a bounded number
 * of times, the tree is built as the tags go by, and nothing recurses (a deep document cannot
 * exhaust the stack). Earlier versions took four passes (a pre-scan, fast-xml-parser's validator,
 * its parser, and a conversion of its output); a 10,000-line declaratie took seconds that way.
 *
 * The result is an {@link XmlElement} tree in which names are namespace URI + local name, so
 * consumers match `{uri}localName` whatever prefix the sender chose.
 */
/**
 * One element of a parsed (or to-be-serialised) XML document.
 *
 * - `ns`: the namespace URI of the element, `''` when it is in no namespace.
 * - `name`: the local name, without prefix.
 * - `prefix`: the prefix the sender used (`''` for none). Informative only: never match on it.
 * - `attrs`: attribute values by key; an unprefixed attribute is keyed by its local name
 *   (`code`), a prefixed one by Clark notation `{uri}local` (`{http://www.w3.org/2001/XMLSchema-instance}nil`).
 *   Namespace declarations (`xmlns`, `xmlns:p`) are not attributes and are left out.
 * - `children`: child elements in document order. Comments and processing instructions are dropped.
 * - `text`: the character data (entities decoded, CDATA included). Always present (possibly `''`)
 *   on an element without child elements; on an element with children only when that text is
 *   more than whitespace (mixed content), so indentation never shows up as a value.
 *
 * A parsed tree is read-only: elements without attributes share one frozen empty `attrs`, and
 * elements without children one frozen empty `children` (a fifth less memory for a declaratie's
 * 150,000 elements). Trees that code builds itself have lists of their own.
 */
export interface XmlElement {
  ns: string;
  name: string;
  prefix: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text?: string;
}

/** What parsed elements without attributes or without children share (see XmlElement). */
const GEEN_ATTRIBUTEN: Record<string, string> = Object.freeze({}) as Record<string, string>;
const GEEN_KINDEREN: XmlElement[] = Object.freeze([]) as unknown as XmlElement[];

export type XmlRejectReason = 'not-well-formed' | 'doctype-forbidden' | 'too-large' | 'too-deep' | 'too-many-nodes' | 'not-xml';

/** Why a document was refused. The message names the problem and at most a line/column, never content. */
export class XmlRejectedError extends Error {
  constructor(
    readonly reason: XmlRejectReason,
    message: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(line !== undefined ? `${message} (line ${line}, column ${column ?? 1})` : message);
    this.name = 'XmlRejectedError';
  }
}

export interface XmlLimits {
  /** Maximum document size in bytes (UTF-8 for string input). Default 10 MiB. */
  maxBytes?: number;
  /** Maximum element nesting depth; the root element is depth 1. Default 64. */
  maxDepth?: number;
  /** Maximum number of elements in the document. Default 200 000. */
  maxElements?: number;
}

export const DEFAULT_XML_LIMITS: Required<XmlLimits> = {
  maxBytes: 10 * 1024 * 1024,
  maxDepth: 64,
  maxElements: 200_000,
};

export const XML_NS = 'http://www.w3.org/XML/1998/namespace';
export const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';
export const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';

/** `{uri}local`, or just `local` when there is no namespace: the key format of {@link XmlElement.attrs}. */
export function clark(ns: string, local: string): string {
  return ns === '' ? local : `{${ns}}${local}`;
}


/**
 * What one parse did, for tests that count instead of time: `passes` is how often the cursor
 * started at the beginning of the text (always 1), `tokens` how many pieces of markup or text it
 * handled. Both are linear in the document by construction; the tests hold the parser to it.
 */
export interface ParseStats {
  passes: number;
  tokens: number;
}

/**
 * The namespace declarations of a document, by the element that makes them (prefix → URI, `''` for
 * the default namespace). Only for readers that must resolve QNames in attribute values, as XSD
 * `type="p:T"` (src/xml/xsd-reader.ts); the tree itself never carries declarations.
 */
export type NamespaceDeclarations = Map<XmlElement, ReadonlyMap<string, string>>;

/** Parse and harden; throws {@link XmlRejectedError}. With `declarations`, fills it (see {@link NamespaceDeclarations}). */
export function parseXml(input: string | Uint8Array, limits: XmlLimits = {}, stats?: ParseStats, declarations?: NamespaceDeclarations): XmlElement {
  const lim = { ...DEFAULT_XML_LIMITS, ...limits };
  const text = decode(input, lim.maxBytes);
  const pass = new SinglePass(text, lim, stats, declarations);
  let root: XmlElement | undefined;
  while ((root = pass.step(Number.POSITIVE_INFINITY)) === undefined);
  return root;
}

/** How {@link parseXmlInSlices} gives the event loop back between slices. */
export interface SliceOptions {
  /** Tokens per slice (default 20,000: a few milliseconds of work). */
  tokens?: number;
  /** Called between slices; the default waits for setImmediate, so timers and I/O of other requests run. */
  pause?: () => Promise<void>;
}

/**
 * The same single pass as {@link parseXml}, in slices with the event loop free between them: a
 * large document never blocks other parties' requests for longer than one slice. (Parsing in a
 * worker would not help here: handing the finished tree back costs the receiving thread more than
 * parsing it, measured at 2-3x for a 10,000-line declaratie.)
 */
export async function parseXmlInSlices(input: string | Uint8Array, limits: XmlLimits = {}, opts: SliceOptions = {}, stats?: ParseStats): Promise<XmlElement> {
  const lim = { ...DEFAULT_XML_LIMITS, ...limits };
  const text = decode(input, lim.maxBytes);
  const pass = new SinglePass(text, lim, stats);
  const tokens = opts.tokens ?? 20_000;
  const pause = opts.pause ?? (() => new Promise<void>((resolve) => setImmediate(resolve)));
  for (;;) {
    const root = pass.step(tokens);
    if (root !== undefined) return root;
    await pause();
  }
}

// ---------------------------------------------------------------------------------------------
// Bytes to text

function decode(input: string | Uint8Array, maxBytes: number): string {
  if (typeof input === 'string') {
    // A cheap upper bound first so a huge string is refused without measuring it.
    if (input.length > maxBytes || Buffer.byteLength(input, 'utf8') > maxBytes) throw tooLarge(maxBytes);
    return input;
  }
  if (input.byteLength > maxBytes) throw tooLarge(maxBytes);
  return decodeBytes(input);
}

function tooLarge(maxBytes: number): XmlRejectedError {
  return new XmlRejectedError('too-large', `XML document is larger than the limit of ${maxBytes} bytes`);
}

function decodeBytes(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes);
  // The encoding declaration is ASCII, so reading the first bytes as latin1 is safe for sniffing.
  const head = Buffer.from(bytes.subarray(0, 200)).toString('latin1');
  const declared = /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head)?.[1]?.toLowerCase();
  let label = 'utf-8';
  if (declared !== undefined && declared !== 'utf-8' && declared !== 'utf8') {
    if (['iso-8859-1', 'latin1', 'iso-8859-15', 'windows-1252', 'us-ascii'].includes(declared)) label = declared;
    else throw new XmlRejectedError('not-well-formed', 'XML declares an unsupported encoding; use UTF-8');
  }
  try {
    // TextDecoder drops a UTF-8 BOM itself.
    return new TextDecoder(label, { fatal: true }).decode(bytes);
  } catch {
    throw new XmlRejectedError('not-well-formed', `XML is not valid ${label.toUpperCase()}`);
  }
}

// ---------------------------------------------------------------------------------------------
// The single pass

const LT = 0x3c, GT = 0x3e, AMP = 0x26, SLASH = 0x2f, BANG = 0x21, QMARK = 0x3f, EQ = 0x3d;
const QUOT = 0x22, APOS = 0x27, TAB = 0x09, LF = 0x0a, CR = 0x0d, SPACE = 0x20;

/** XML 1.0 (5th edition) Name, NameStartChar first; sticky so it matches at the cursor only. */
const NAME =
  /[:A-Z_a-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\u{10000}-\u{EFFFF}][:A-Z_a-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\u{10000}-\u{EFFFF}\-.0-9\u00B7\u0300-\u036F\u203F-\u2040]*/uy;
const ENTITY_REF = /&(?:(lt|gt|amp|apos|quot)|#([0-9]{1,8})|#x([0-9a-fA-F]{1,8}));/y;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' };

/** An open element: the element itself, its name as written, and what its declarations hid in the scope. */
interface Open {
  element: XmlElement;
  qname: string;
  text: string;
  hidden: Array<[string, string | undefined]> | undefined;
}

class SinglePass {
  private pos = 0;
  private elements = 0;
  /**
   * One scope for the whole document, changed on the way into an element that declares prefixes and
   * restored on the way out: each declaration costs O(1), so the work is linear in the document.
   * (Copying the prefix map per declaring element made it grow with the square of the document.)
   */
  private readonly scope = new Map<string, string>([['xml', XML_NS]]);
  private readonly open: Open[] = [];

  constructor(
    private readonly s: string,
    private readonly lim: Required<XmlLimits>,
    private readonly stats: ParseStats | undefined,
    private readonly declarations?: NamespaceDeclarations,
  ) {}

  private started = false;
  private root: XmlElement | undefined;

  /** Handles up to `budget` tokens from where the last step stopped; the root once the document is complete, else undefined. */
  step(budget: number): XmlElement | undefined {
    const { s } = this;
    const n = s.length;
    let pos = this.pos;
    if (!this.started) {
      this.started = true;
      if (this.stats) this.stats.passes++;
      pos = s.charCodeAt(0) === 0xfeff ? 1 : 0;
      const first = skipSpace(s, pos);
      if (first >= n || s.charCodeAt(first) !== LT) throw new XmlRejectedError('not-xml', 'input is not XML (it does not start with markup)');
    }
    let root = this.root;

    for (let left = budget; pos < n; left--) {
      if (left <= 0) {
        this.pos = pos;
        this.root = root;
        return undefined;
      }
      if (this.stats) this.stats.tokens++;
      const lt = s.indexOf('<', pos);
      const end = lt === -1 ? n : lt;
      if (end > pos) {
        const top = this.open.at(-1);
        if (top) top.text += this.characters(pos, end, false);
        else if (skipSpace(s, pos) < end) this.fail('XML has text outside the root element', skipSpace(s, pos));
      }
      if (lt === -1) break;
      const next = s.charCodeAt(lt + 1);
      if (next === BANG) {
        pos = this.declarationOrSection(lt);
      } else if (next === QMARK) {
        pos = this.past('?>', lt + 2, 'unterminated processing instruction', lt);
      } else if (next === SLASH) {
        const closed = this.endTag(lt);
        if (this.open.length === 0) root = closed;
        pos = this.pos;
      } else {
        if (root !== undefined) this.fail('XML has more than one root element', lt);
        const element = this.startTag(lt);
        if (element && this.open.length === 0) root = element; // a self-closing root
        pos = this.pos;
      }
    }
    this.pos = n;
    if (this.open.length > 0) this.fail('XML ends before every element is closed', n);
    if (root === undefined) throw new XmlRejectedError('not-well-formed', 'XML must have exactly one root element');
    return root;
  }

  /** `<!--`, `<![CDATA[`, or a refused DOCTYPE / markup declaration. */
  private declarationOrSection(lt: number): number {
    const { s } = this;
    if (s.startsWith('<!--', lt)) return this.past('-->', lt + 4, 'unterminated comment', lt);
    if (s.startsWith('<![CDATA[', lt)) {
      const top = this.open.at(-1);
      if (!top) this.fail('XML has a CDATA section outside the root element', lt);
      const end = s.indexOf(']]>', lt + 9);
      if (end === -1) this.fail('XML has an unterminated CDATA section', lt);
      top!.text += this.characters(lt + 9, end, true);
      return end + 3;
    }
    if (s.slice(lt + 2, lt + 9).toUpperCase() === 'DOCTYPE') {
      throw this.error('doctype-forbidden', 'XML with a DOCTYPE (DTD) is not accepted', lt);
    }
    return this.fail('XML contains a markup declaration', lt);
  }

  /** A start tag at `lt`: returns the element when it is self-closing (complete), else undefined (now open). */
  private startTag(lt: number): XmlElement | undefined {
    const { s, lim } = this;
    if (++this.elements > lim.maxElements) throw this.error('too-many-nodes', `XML has more than ${lim.maxElements} elements`, lt);
    if (this.open.length + 1 > lim.maxDepth) throw this.error('too-deep', `XML is nested deeper than ${lim.maxDepth} levels`, lt);
    const qname = this.name(lt + 1, 'XML has an invalid element name', lt);
    let p = lt + 1 + qname.length;
    const names: string[] = [];
    const values: string[] = [];
    let selfClosing = false;
    for (;;) {
      const q = skipSpace(s, p);
      const c = s.charCodeAt(q);
      if (c === GT) {
        p = q + 1;
        break;
      }
      if (c === SLASH && s.charCodeAt(q + 1) === GT) {
        p = q + 2;
        selfClosing = true;
        break;
      }
      if (q >= s.length) this.fail('XML has an unterminated start tag', lt);
      if (q === p) this.fail('XML has an attribute without whitespace before it', q);
      const attr = this.name(q, 'XML has an invalid attribute name', q);
      let v = skipSpace(s, q + attr.length);
      if (s.charCodeAt(v) !== EQ) this.fail('XML has an attribute without a value', q);
      v = skipSpace(s, v + 1);
      const quote = s.charCodeAt(v);
      if (quote !== QUOT && quote !== APOS) this.fail('XML has an attribute value without quotes', v);
      const close = s.indexOf(quote === QUOT ? '"' : "'", v + 1);
      if (close === -1) this.fail('XML has an unterminated start tag', lt);
      names.push(attr);
      values.push(this.attributeValue(v + 1, close));
      p = close + 1;
    }
    this.pos = p;

    // Declarations first (they may follow the attributes that use them), then the names they scope.
    let hidden: Array<[string, string | undefined]> | undefined;
    let declared: Record<string, true> | undefined;
    const plain: number[] = [];
    for (let a = 0; a < names.length; a++) {
      const attr = names[a]!;
      if (attr !== 'xmlns' && !attr.startsWith('xmlns:')) {
        plain.push(a);
        continue;
      }
      const prefix = attr === 'xmlns' ? '' : attr.slice(6);
      const uri = values[a]!;
      if (prefix !== '' && uri === '') throw malformed('a namespace prefix is declared with an empty URI', this.where(lt));
      if (prefix === 'xmlns' || (prefix === 'xml' && uri !== XML_NS)) throw malformed('a reserved namespace prefix is redeclared', this.where(lt));
      declared ??= Object.create(null) as Record<string, true>;
      if (declared[prefix]) this.fail('XML declares one namespace prefix twice on an element', lt);
      declared[prefix] = true;
      (hidden ??= []).push([prefix, this.scope.get(prefix)]);
      this.scope.set(prefix, uri);
    }
    const [prefix, local] = this.split(qname);
    const ns = prefix === '' ? (this.scope.get('') ?? '') : resolvePrefix(this.scope, prefix);
    const attrs: Record<string, string> = plain.length === 0 ? GEEN_ATTRIBUTEN : {};
    for (const a of plain) {
      const [p2, l2] = this.split(names[a]!);
      const key = p2 === '' ? l2 : clark(resolvePrefix(this.scope, p2), l2);
      if (Object.hasOwn(attrs, key)) this.fail('XML has an attribute twice on one element', lt);
      // An own property even for __proto__: a plain assignment would set the prototype.
      if (key === '__proto__') Object.defineProperty(attrs, key, { value: values[a]!, enumerable: true, writable: true, configurable: true });
      else attrs[key] = values[a]!;
    }
    const element: XmlElement = { ns, name: local, prefix, attrs, children: selfClosing ? GEEN_KINDEREN : [] };
    if (this.declarations && hidden) this.declarations.set(element, new Map(hidden.map(([p]) => [p, this.scope.get(p)!])));
    this.open.at(-1)?.element.children.push(element);
    if (selfClosing) {
      element.text = '';
      this.restore(hidden);
      return element;
    }
    this.open.push({ element, qname, text: '', hidden });
    return undefined;
  }

  /** An end tag at `lt`: closes the innermost open element, which it must name. */
  private endTag(lt: number): XmlElement {
    const { s } = this;
    const top = this.open.pop();
    if (!top) this.fail('XML has an end tag without start tag', lt);
    const qname = this.name(lt + 2, 'XML has an invalid end tag', lt);
    const gt = skipSpace(s, lt + 2 + qname.length);
    if (s.charCodeAt(gt) !== GT) this.fail('XML has an unterminated end tag', lt);
    if (qname !== top!.qname) this.fail('XML has an end tag that does not match its start tag', lt);
    this.pos = gt + 1;
    const { element, text } = top!;
    if (element.children.length === 0) element.children = GEEN_KINDEREN;
    if (element.children.length === 0 || hasNonSpace(text)) element.text = text;
    this.restore(top!.hidden);
    return element;
  }

  /** Prefix and local part of a name, worked out once per distinct name (a bericht repeats a few dozen names). */
  private readonly qnames: Record<string, [string, string]> = Object.create(null) as Record<string, [string, string]>;

  private split(qname: string): [string, string] {
    return (this.qnames[qname] ??= splitQName(qname));
  }

  private restore(hidden: Array<[string, string | undefined]> | undefined): void {
    if (!hidden) return;
    for (let h = hidden.length - 1; h >= 0; h--) {
      const [p, previous] = hidden[h]!;
      if (previous === undefined) this.scope.delete(p);
      else this.scope.set(p, previous);
    }
  }

  private name(at: number, message: string, errorAt: number): string {
    // ASCII names (nearly all of them) without the regular expression; anything else goes through it.
    const { s } = this;
    const c0 = s.charCodeAt(at);
    if ((c0 >= 0x61 && c0 <= 0x7a) || (c0 >= 0x41 && c0 <= 0x5a) || c0 === 0x5f || c0 === 0x3a) {
      let i = at + 1;
      for (let c = s.charCodeAt(i); isAsciiNameChar(c); c = s.charCodeAt(++i));
      if (!(s.charCodeAt(i) >= 0x80)) return s.slice(at, i);
    }
    NAME.lastIndex = at;
    const m = NAME.exec(this.s);
    if (!m) return this.fail(message, errorAt);
    return m[0];
  }

  /**
   * Character data from `from` to `to`, read once: XML end-of-line handling (CR LF and a lone CR
   * become LF), every character checked against what XML allows, and (outside CDATA) the five
   * predefined entities and character references decoded; any other `&` is refused.
   */
  private characters(from: number, to: number, cdata: boolean): string {
    const { s } = this;
    let out = '';
    let run = from;
    for (let i = from; i < to; i++) {
      const c = s.charCodeAt(i);
      if (c >= SPACE && c < 0xd800 && c !== AMP) continue;
      if (c === LF || c === TAB) continue;
      if (c === CR) {
        out += s.slice(run, i) + '\n';
        if (s.charCodeAt(i + 1) === LF && i + 1 < to) i++;
        run = i + 1;
      } else if (c === AMP && !cdata) {
        out += s.slice(run, i);
        const [decoded, end] = this.reference(i, to);
        out += decoded;
        i = end - 1;
        run = end;
      } else if (c !== AMP) {
        i = this.checkChar(i, c);
      }
    }
    return run === from ? s.slice(from, to) : out + s.slice(run, to);
  }

  /** An attribute value: as {@link characters}, then whitespace normalised (XML 1.0 §3.3.3); `<` is refused. */
  private attributeValue(from: number, to: number): string {
    const { s } = this;
    let out = '';
    let run = from;
    for (let i = from; i < to; i++) {
      const c = s.charCodeAt(i);
      if (c >= SPACE && c < 0xd800 && c !== AMP && c !== LT) continue;
      if (c === LT) this.fail('XML has a "<" in an attribute value', i);
      if (c === TAB || c === LF || c === CR) {
        out += s.slice(run, i) + ' ';
        if (c === CR && s.charCodeAt(i + 1) === LF && i + 1 < to) i++;
        run = i + 1;
      } else if (c === AMP) {
        out += s.slice(run, i);
        const [decoded, end] = this.reference(i, to);
        out += decoded;
        i = end - 1;
        run = end;
      } else {
        i = this.checkChar(i, c);
      }
    }
    return run === from ? s.slice(from, to) : out + s.slice(run, to);
  }

  /** A reference at `amp` that ends before `to`: its text, and the index after its `;`. */
  private reference(amp: number, to: number): [string, number] {
    ENTITY_REF.lastIndex = amp;
    const m = ENTITY_REF.exec(this.s);
    if (!m || ENTITY_REF.lastIndex > to) this.fail('XML contains an undeclared entity reference or a bare "&"', amp);
    if (m![1] !== undefined) return [PREDEFINED[m![1]]!, ENTITY_REF.lastIndex];
    const code = m![2] !== undefined ? Number.parseInt(m![2], 10) : Number.parseInt(m![3]!, 16);
    if (!isXmlChar(code)) this.fail('XML has a character reference to a character XML does not allow', amp);
    return [String.fromCodePoint(code), ENTITY_REF.lastIndex];
  }

  /** A character outside the fast path: a surrogate pair is fine, anything else XML disallows is refused. Returns the last index used. */
  private checkChar(i: number, c: number): number {
    if (c >= 0xd800 && c <= 0xdbff) {
      const low = this.s.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) return i + 1;
    } else if (c > 0xdfff && c !== 0xfffe && c !== 0xffff) {
      return i;
    }
    return this.fail('XML contains a character that XML does not allow', i);
  }

  private past(terminator: string, from: number, what: string, at: number): number {
    const end = this.s.indexOf(terminator, from);
    if (end === -1) this.fail(`XML has an ${what}`, at);
    return end + terminator.length;
  }

  private where(offset: number): { line: number; column: number } {
    return position(this.s, offset);
  }

  private error(reason: XmlRejectReason, message: string, at: number): XmlRejectedError {
    const { line, column } = this.where(at);
    return new XmlRejectedError(reason, message, line, column);
  }

  private fail(message: string, at: number): never {
    throw this.error('not-well-formed', message, at);
  }
}

function isAsciiNameChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x3a) || c === 0x5f || c === 0x2d || c === 0x2e;
}

function skipSpace(s: string, from: number): number {
  let i = from;
  for (let c = s.charCodeAt(i); c === SPACE || c === LF || c === TAB || c === CR; c = s.charCodeAt(++i));
  return i;
}

function hasNonSpace(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== SPACE && c !== LF && c !== TAB && c !== CR) return true;
  }
  return false;
}

function position(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let nl = text.indexOf('\n'); nl !== -1 && nl < offset; nl = text.indexOf('\n', nl + 1)) {
    line++;
    lineStart = nl + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

function splitQName(qname: string): [string, string] {
  const colon = qname.indexOf(':');
  if (colon === -1) return ['', qname];
  if (colon === 0 || colon === qname.length - 1 || qname.indexOf(':', colon + 1) !== -1) {
    throw malformed('a name has more than one colon or an empty prefix');
  }
  return [qname.slice(0, colon), qname.slice(colon + 1)];
}

function resolvePrefix(scope: Map<string, string>, prefix: string): string {
  const uri = scope.get(prefix);
  if (uri === undefined || (prefix !== '' && uri === '')) throw malformed(`namespace prefix '${prefix}' is not declared`);
  return uri;
}

function malformed(message: string, at?: { line: number; column: number }): XmlRejectedError {
  return new XmlRejectedError('not-well-formed', `XML namespace error: ${message}`, at?.line, at?.column);
}

function isXmlChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}
