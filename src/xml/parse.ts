/**
 * Hardened XML parsing for everything the gateway receives.
 *
 * Input from outside parties is hostile until proven otherwise, so before fast-xml-parser
 * sees a byte we:
 *   - bound the size (bytes), the nesting depth and the number of elements;
 *   - refuse any DOCTYPE or other markup declaration: no DTD means no external entities (XXE)
 *     and no entity expansion (billion laughs);
 *   - refuse every entity reference except the five predefined ones and character references.
 * fast-xml-parser then checks well-formedness (XMLValidator) and builds the tree; we decode the
 * entities ourselves and resolve every prefix to its namespace URI.
 *
 * The result is an {@link XmlElement} tree in which names are namespace URI + local name, so
 * consumers match `{uri}localName` whatever prefix the sender chose.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

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
 */
export interface XmlElement {
  ns: string;
  name: string;
  prefix: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text?: string;
}

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

/** Parse and harden; throws {@link XmlRejectedError}. */
export function parseXml(input: string | Uint8Array, limits: XmlLimits = {}): XmlElement {
  const lim = { ...DEFAULT_XML_LIMITS, ...limits };
  const text = decode(input, lim.maxBytes);
  scan(text, lim);

  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    // The validator's own message can quote tag names; keep only its code and position.
    throw new XmlRejectedError('not-well-formed', `XML is not well-formed (${valid.err.code})`, valid.err.line, valid.err.col);
  }

  let ordered: unknown;
  try {
    ordered = parser(lim.maxDepth).parse(text);
  } catch {
    // fast-xml-parser also refuses names such as __proto__; we report that as malformed input.
    throw new XmlRejectedError('not-well-formed', 'XML could not be parsed');
  }
  const roots = elementsOf(ordered as OrderedNode[]);
  if (roots.length !== 1) throw new XmlRejectedError('not-well-formed', 'XML must have exactly one root element');
  return toElement(roots[0]!, new Map([['xml', XML_NS]]));
}

// ---------------------------------------------------------------------------------------------
// Bytes to text

function decode(input: string | Uint8Array, maxBytes: number): string {
  let text: string;
  if (typeof input === 'string') {
    // A cheap upper bound first so a huge string is refused without measuring it.
    if (input.length > maxBytes || Buffer.byteLength(input, 'utf8') > maxBytes) throw tooLarge(maxBytes);
    text = input;
  } else {
    if (input.byteLength > maxBytes) throw tooLarge(maxBytes);
    text = decodeBytes(input);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  // XML end-of-line handling: every CR LF and lone CR becomes LF before parsing.
  return text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
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
    return new TextDecoder(label, { fatal: true }).decode(bytes);
  } catch {
    throw new XmlRejectedError('not-well-formed', `XML is not valid ${label.toUpperCase()}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Pre-scan: a single linear pass over the markup that enforces the limits and the DTD/entity
// rules before any tree is built, and catches what XMLValidator lets through (text or a second
// element after the root).

const ENTITY_REF = /&(?:lt|gt|amp|apos|quot|#[0-9]+|#x[0-9a-fA-F]+);/y;

function scan(text: string, lim: Required<XmlLimits>): void {
  const firstMarkup = text.search(/\S/);
  if (firstMarkup === -1 || text[firstMarkup] !== '<') {
    throw new XmlRejectedError('not-xml', 'input is not XML (it does not start with markup)');
  }
  const fail = (reason: XmlRejectReason, message: string, at: number): never => {
    const { line, column } = position(text, at);
    throw new XmlRejectedError(reason, message, line, column);
  };
  // The next '&' in the document, remembered: text runs are visited in order, so this stays linear
  // (searching afresh from every text run would rescan the rest of the document each time).
  let nextAmp = -2;
  const ampFrom = (from: number): number => {
    if (nextAmp !== -1 && nextAmp < from) nextAmp = text.indexOf('&', from);
    return nextAmp;
  };
  const checkRefs = (from: number, to: number): void => {
    for (let amp = ampFrom(from); amp !== -1 && amp < to; amp = ampFrom(amp + 1)) {
      ENTITY_REF.lastIndex = amp;
      if (!ENTITY_REF.test(text) || ENTITY_REF.lastIndex > to) {
        fail('not-well-formed', 'XML contains an undeclared entity reference or a bare "&"', amp);
      }
    }
  };

  let depth = 0;
  let elements = 0;
  let rootDone = false;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const lt = text.indexOf('<', i);
    const textEnd = lt === -1 ? n : lt;
    if (textEnd > i) {
      if (depth === 0) {
        if (/\S/.test(text.slice(i, textEnd))) fail('not-well-formed', 'XML has text outside the root element', i);
      } else {
        checkRefs(i, textEnd);
      }
    }
    if (lt === -1) break;

    if (text.startsWith('<!--', lt)) {
      i = skipPast(text, '-->', lt + 4, fail, 'unterminated comment', lt);
    } else if (text.startsWith('<![CDATA[', lt)) {
      if (depth === 0) fail('not-well-formed', 'XML has a CDATA section outside the root element', lt);
      i = skipPast(text, ']]>', lt + 9, fail, 'unterminated CDATA section', lt);
    } else if (text.startsWith('<?', lt)) {
      i = skipPast(text, '?>', lt + 2, fail, 'unterminated processing instruction', lt);
    } else if (text.startsWith('<!', lt)) {
      if (text.slice(lt + 2, lt + 9).toUpperCase() === 'DOCTYPE') {
        fail('doctype-forbidden', 'XML with a DOCTYPE (DTD) is not accepted', lt);
      }
      fail('not-well-formed', 'XML contains a markup declaration', lt);
    } else if (text.startsWith('</', lt)) {
      depth--;
      if (depth < 0) fail('not-well-formed', 'XML has an end tag without start tag', lt);
      if (depth === 0) rootDone = true;
      i = skipPast(text, '>', lt + 2, fail, 'unterminated end tag', lt);
    } else {
      if (rootDone) fail('not-well-formed', 'XML has more than one root element', lt);
      const end = endOfStartTag(text, lt, checkRefs);
      if (end === -1) fail('not-well-formed', 'unterminated start tag', lt);
      elements++;
      if (elements > lim.maxElements) fail('too-many-nodes', `XML has more than ${lim.maxElements} elements`, lt);
      const selfClosing = text[end - 1] === '/';
      if (depth + 1 > lim.maxDepth) fail('too-deep', `XML is nested deeper than ${lim.maxDepth} levels`, lt);
      if (selfClosing) {
        if (depth === 0) rootDone = true;
      } else {
        depth++;
      }
      i = end + 1;
    }
  }
}

function skipPast(
  text: string,
  terminator: string,
  from: number,
  fail: (r: XmlRejectReason, m: string, at: number) => never,
  what: string,
  at: number,
): number {
  const end = text.indexOf(terminator, from);
  if (end === -1) fail('not-well-formed', `XML has an ${what}`, at);
  return end + terminator.length;
}

/** Index of the `>` closing the start tag at `lt`, skipping quoted attribute values (which may hold `>`). */
function endOfStartTag(text: string, lt: number, checkRefs: (from: number, to: number) => void): number {
  let quote = '';
  let valueStart = 0;
  for (let j = lt + 1; j < text.length; j++) {
    const c = text[j];
    if (quote !== '') {
      if (c === quote) {
        checkRefs(valueStart, j);
        quote = '';
      }
    } else if (c === '"' || c === "'") {
      quote = c;
      valueStart = j + 1;
    } else if (c === '>') {
      return j;
    } else if (c === '<') {
      return -1;
    }
  }
  return -1;
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

// ---------------------------------------------------------------------------------------------
// fast-xml-parser's ordered output to XmlElement, resolving namespaces

/** One node of fast-xml-parser's `preserveOrder` output: `{ '~tag': [...], ':@': {...} }`, `{ '#text': '' }` or `{ '#cdata': [...] }`. */
type OrderedNode = Record<string, unknown>;

// fast-xml-parser refuses element names such as `constructor` (prototype-pollution guard); a
// marker character that cannot occur in an XML name keeps every legal name safe, and we strip it.
const TAG_MARK = '~';

function parser(maxDepth: number): XMLParser {
  return new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: false,
    processEntities: false, // we decode the predefined entities and character references ourselves
    htmlEntities: false,
    cdataPropName: '#cdata',
    ignoreDeclaration: true,
    ignorePiTags: true,
    transformTagName: (name) => TAG_MARK + name,
    maxNestedTags: maxDepth + 1,
  });
}

function elementsOf(nodes: OrderedNode[]): OrderedNode[] {
  return nodes.filter((node) => Object.keys(node).some((k) => k.startsWith(TAG_MARK)));
}

function tagOf(node: OrderedNode): string {
  const key = Object.keys(node).find((k) => k.startsWith(TAG_MARK))!;
  return key;
}

/**
 * One scope for the whole document, changed on the way into an element that declares prefixes and
 * restored on the way out: each declaration costs O(1), so the work is linear in the document.
 * (Copying the prefix map per declaring element made it grow with the square of the document.)
 */
function toElement(node: OrderedNode, scope: Map<string, string>): XmlElement {
  const key = tagOf(node);
  const qname = key.replace(/^~+/, '');
  const rawAttrs = (node[':@'] ?? {}) as Record<string, string>;

  // What this element's declarations hid, to put back when it ends: [prefix, previous URI or undefined].
  let hidden: Array<[string, string | undefined]> | undefined;
  const attrEntries: [string, string, string][] = []; // [prefix, local, value]
  for (const [rawName, rawValue] of Object.entries(rawAttrs)) {
    const attrName = rawName.slice(1); // attributeNamePrefix '@'
    const value = decodeAttr(rawValue);
    if (attrName === 'xmlns' || attrName.startsWith('xmlns:')) {
      const prefix = attrName === 'xmlns' ? '' : attrName.slice(6);
      if (prefix !== '' && value === '') throw malformed('a namespace prefix is declared with an empty URI');
      if (prefix === 'xmlns' || (prefix === 'xml' && value !== XML_NS)) throw malformed('a reserved namespace prefix is redeclared');
      (hidden ??= []).push([prefix, scope.get(prefix)]);
      scope.set(prefix, value);
    } else {
      const [prefix, local] = splitQName(attrName);
      attrEntries.push([prefix, local, value]);
    }
  }

  const [prefix, name] = splitQName(qname);
  const ns = prefix === '' ? (scope.get('') ?? '') : resolvePrefix(scope, prefix);
  const attrs: [string, string][] = attrEntries.map(([p, local, value]) => [
    p === '' ? local : clark(resolvePrefix(scope, p), local),
    value,
  ]);
  // Object.fromEntries defines own properties, so an attribute called __proto__ cannot touch the prototype.
  const attrRecord = Object.fromEntries(attrs);
  if (Object.keys(attrRecord).length !== attrs.length) throw malformed('an attribute occurs twice on one element');

  const children: XmlElement[] = [];
  let text = '';
  for (const child of (node[key] ?? []) as OrderedNode[]) {
    if ('#text' in child) text += decodeText(String(child['#text']));
    else if ('#cdata' in child) {
      for (const part of child['#cdata'] as OrderedNode[]) text += String(part['#text'] ?? '');
    } else if (Object.keys(child).some((k) => k.startsWith(TAG_MARK))) children.push(toElement(child, scope));
  }
  if (hidden) {
    // Undo in reverse order (a prefix declared twice on one element is refused by the parser, but stay exact).
    for (let h = hidden.length - 1; h >= 0; h--) {
      const [p, previous] = hidden[h]!;
      if (previous === undefined) scope.delete(p);
      else scope.set(p, previous);
    }
  }

  const element: XmlElement = { ns, name, prefix, attrs: attrRecord, children };
  if (children.length === 0 || /\S/.test(text)) element.text = text;
  return element;
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

function malformed(message: string): XmlRejectedError {
  return new XmlRejectedError('not-well-formed', `XML namespace error: ${message}`);
}

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' };

function decodeText(raw: string): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|lt|gt|amp|apos|quot);/g, (_m, ref: string) => {
    if (ref[0] !== '#') return PREDEFINED[ref]!;
    const code = ref[1] === 'x' ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
    if (!isXmlChar(code)) throw new XmlRejectedError('not-well-formed', 'XML has a character reference to a character XML does not allow');
    return String.fromCodePoint(code);
  });
}

/** Attribute-value normalisation (XML 1.0 §3.3.3): literal tabs and newlines become spaces; references are kept. */
function decodeAttr(raw: string): string {
  return decodeText(raw.replace(/[\t\n]/g, ' '));
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
