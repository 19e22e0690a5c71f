/**
 * Serialises an {@link XmlElement} tree (as produced by parseXml or by a mapping) to a string.
 *
 * Prefixes are chosen from the `namespaces` option (prefix → URI), all of which are declared on
 * the root element so the document does not repeat declarations further down. An element whose
 * URI has no prefix there keeps the prefix it carries, or gets a generated one (`ns1`, ...).
 *
 * The compact form is written here in one walk over the tree; xmlbuilder2 built a DOM of its own
 * first, at about 20 µs per element (a 120,000-element bericht took 2.3 s on the event loop).
 * Its output is the reference: test/property/xml.test.ts checks ours equal to it on random trees.
 * Pretty printing, used only for mapping previews, still goes through xmlbuilder2.
 */
import { create } from 'xmlbuilder2';
import { XMLNS_NS, XML_NS, type XmlElement } from './parse.js';

type XMLBuilder = ReturnType<typeof create>;

export interface XmlSerializeOptions {
  /** Prefix → namespace URI, declared on the root. The key `''` declares the default namespace. */
  namespaces?: Record<string, string>;
  /** Write `<?xml version="1.0" encoding="UTF-8"?>`. Default true. */
  declaration?: boolean;
  /** Indent with two spaces. Default false. */
  pretty?: boolean;
}

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

/** Throws an Error when the tree holds something XML cannot carry (e.g. a control character in text). */
export function serializeXml(root: XmlElement, options: XmlSerializeOptions = {}): string {
  if (options.pretty) return serializeXmlWithXmlbuilder2(root, options);
  const prefixes = new PrefixTable(options.namespaces ?? {});
  collectNamespaces(root, prefixes);
  const out: string[] = options.declaration === false ? [] : [DECLARATION];
  writeTree(root, prefixes, out);
  return out.join('');
}

interface Open {
  qname: string;
  children: XmlElement[];
  next: number;
  /** The default namespace in scope for the children. */
  dflt: string;
}

/** Writes the tree depth-first with an explicit stack (a deep mapping output cannot overflow the call stack). */
function writeTree(root: XmlElement, prefixes: PrefixTable, out: string[]): void {
  const stack: Open[] = [];
  const start = (element: XmlElement, inherited: string, isRoot: boolean): void => {
    if (!isName(element.name)) throw new Error('Element name is not a valid XML name (well-formed required).');
    // As the DOM serialisation algorithm xmlbuilder2 follows: an element in the default namespace
    // it inherits is written without a prefix, whatever prefix the table has for that URI.
    const qname = element.ns !== '' && element.ns === inherited ? element.name : prefixes.qname(element.ns, element.name, false);
    out.push('<', qname);
    let inScope = inherited;
    if (isRoot) {
      for (const [prefix, uri] of prefixes.declarations()) {
        // A root in no namespace cannot carry a default namespace declaration: it would move the root into it.
        if (prefix === '' && element.ns === '') continue;
        out.push(prefix === '' ? ' xmlns="' : ` xmlns:${prefix}="`, escapeAttributeFully(uri), '"');
        if (prefix === '') inScope = uri;
      }
    }
    // An unprefixed element is in the default namespace in scope: declare (or undeclare) it where that differs.
    if (qname === element.name && element.ns !== XML_NS && element.ns !== inScope) {
      out.push(' xmlns="', escapeAttributeFully(element.ns), '"');
      inScope = element.ns;
    }
    for (const key in element.attrs) {
      if (!Object.prototype.hasOwnProperty.call(element.attrs, key)) continue;
      const value = element.attrs[key]!;
      const { ns, local } = splitClark(key);
      if (!isName(local) || (ns === '' && local === 'xmlns')) throw new Error('Attribute name is not a valid XML name (well-formed required).');
      if (notXmlChars(value)) throw new Error('Invalid characters in attribute value (well-formed required).');
      out.push(' ', ns === '' ? local : prefixes.qname(ns, local, true), '="', escapeAttributeFully(value), '"');
    }
    const text = element.text;
    if (text !== undefined && text !== '' && notXmlChars(text)) throw new Error('Text data contains invalid characters (well-formed required).');
    if ((text === undefined || text === '') && element.children.length === 0) {
      out.push('/>');
      return;
    }
    out.push('>');
    if (text !== undefined && text !== '') out.push(escapeTextFully(text));
    stack.push({ qname, children: element.children, next: 0, dflt: inScope });
  };
  start(root, '', true);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.next < top.children.length) start(top.children[top.next++]!, top.dflt, false);
    else {
      out.push('</', top.qname, '>');
      stack.pop();
    }
  }
}

/** Names checked once: a bericht repeats a few hundred names many thousand times. */
const knownNames = new Set<string>();
function isName(name: string): boolean {
  if (knownNames.has(name)) return true;
  if (!NCNAME.test(name)) return false;
  if (knownNames.size < 20_000) knownNames.add(name);
  return true;
}

const TEXT_SPECIAL = /[&<>]/;
const ATTR_SPECIAL = /[&<>"\t\n\r]/;

// Chained replaces with literal replacements: a replace with a callback per match was most of the
// serialiser's time on a text-heavy bericht.
/** Text as xmlbuilder2 writes it after {@link escapeText}: `&`, `<` and `>` as entities, a CR as is. */
function escapeTextFully(text: string): string {
  if (!TEXT_SPECIAL.test(text)) return text;
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** An attribute value: `&`, `<`, `>` and `"` as entities; tab, LF and CR as character references (see below). */
function escapeAttributeFully(value: string): string {
  if (!ATTR_SPECIAL.test(value)) return value;
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;');
}

/** The same document through xmlbuilder2's DOM: pretty printing, and the reference the property test compares with. */
export function serializeXmlWithXmlbuilder2(root: XmlElement, options: XmlSerializeOptions = {}): string {
  const prefixes = new PrefixTable(options.namespaces ?? {});
  collectNamespaces(root, prefixes);

  const doc = create({ version: '1.0', encoding: 'UTF-8' });
  const rootNode = doc.ele(root.ns === '' ? null : root.ns, prefixes.qname(root.ns, root.name, false));
  for (const [prefix, uri] of prefixes.declarations()) {
    // A root in no namespace cannot carry a default namespace declaration: it would move the root into it.
    if (prefix === '' && root.ns === '') continue;
    rootNode.att(XMLNS_NS, prefix === '' ? 'xmlns' : `xmlns:${prefix}`, uri);
  }
  fill(rootNode, root, prefixes);
  // Without any namespace xmlbuilder2 takes its plain serialiser, whose well-formedness check finds
  // a "duplicate" attribute in any attribute named like an Object.prototype member (constructor,
  // toString). Attribute keys of a record cannot repeat, so there we check names and characters
  // ourselves and let xmlbuilder2 write without its check.
  const namespaced = prefixes.declarations().length > 0 || usesNamespaces(root);
  if (!namespaced) checkPlain(root);
  return doc.end({ prettyPrint: options.pretty ?? false, headless: options.declaration === false, wellFormed: namespaced });
}

function usesNamespaces(element: XmlElement): boolean {
  return element.ns !== '' || Object.keys(element.attrs).some((k) => k.startsWith('{')) || element.children.some(usesNamespaces);
}

// XML 1.0 (5th ed.) Name without the colon, and Char.
const NAME_START = 'A-Z_a-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C-\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD\\u{10000}-\\u{EFFFF}';
const NCNAME = new RegExp(`^[${NAME_START}][${NAME_START}\\-.0-9\\u00B7\\u0300-\\u036F\\u203F-\\u2040]*$`, 'u');
/** A cheap first look (no `u` flag): only a string with a control character, U+FFFE/F or a surrogate needs the exact test. */
const MAYBE_NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF\uD800-\uDFFF]/;
const notXmlChars = (s: string): boolean => MAYBE_NOT_XML_CHAR.test(s) && NOT_XML_CHAR.test(s);
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/u;

/** What xmlbuilder2's well-formedness check would refuse in a tree without namespaces. */
function checkPlain(element: XmlElement): void {
  if (!NCNAME.test(element.name)) throw new Error('Element name is not a valid XML name (well-formed required).');
  for (const [key, value] of Object.entries(element.attrs)) {
    if (!NCNAME.test(key)) throw new Error('Attribute name is not a valid XML name (well-formed required).');
    if (NOT_XML_CHAR.test(value)) throw new Error('Invalid characters in attribute value (well-formed required).');
  }
  if (element.text !== undefined && NOT_XML_CHAR.test(element.text)) throw new Error('Text data contains invalid characters (well-formed required).');
  element.children.forEach(checkPlain);
}

function fill(node: XMLBuilder, element: XmlElement, prefixes: PrefixTable): void {
  for (const [key, value] of Object.entries(element.attrs)) {
    const { ns, local } = splitClark(key);
    node.att(ns === '' ? null : ns, prefixes.qname(ns, local, true), escapeAttribute(value));
  }
  if (element.text !== undefined && element.text !== '') node.txt(escapeText(element.text));
  for (const child of element.children) {
    fill(node.ele(child.ns === '' ? null : child.ns, prefixes.qname(child.ns, child.name, false)), child, prefixes);
  }
}

/*
 * xmlbuilder2 escapes `<`, `>` (and `"` in attributes) but leaves an `&` alone when what follows
 * looks like a reference (`&amp;`, `&#65;`, `&T;`): text such as `AT&T;` came out unescaped (not
 * well-formed) and `&amp;` read back as `&`. So every `&` is escaped here; xmlbuilder2 then keeps
 * our `&amp;` as it is. In an attribute, a tab, line feed or carriage return becomes a character
 * reference, which attribute-value normalisation leaves intact (written raw, each read back as a
 * space). A carriage return in text is written as is, so it reads back as a line feed (XML
 * end-of-line handling), as src/standards/suwi/xml.ts documents.
 */
function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;');
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/\r/g, '&#13;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
}

function splitClark(key: string): { ns: string; local: string } {
  if (!key.startsWith('{')) return { ns: '', local: key };
  const close = key.indexOf('}');
  return { ns: key.slice(1, close), local: key.slice(close + 1) };
}

/**
 * Gives every namespace in use its prefix, declared on the root. Elements first: they carry the
 * prefix the sender used, attribute keys (Clark notation) do not.
 */
function collectNamespaces(root: XmlElement, prefixes: PrefixTable): void {
  // Document order, without recursion.
  const elements: XmlElement[] = [];
  const todo: XmlElement[] = [root];
  while (todo.length > 0) {
    const element = todo.pop()!;
    elements.push(element);
    for (let i = element.children.length - 1; i >= 0; i--) todo.push(element.children[i]!);
  }
  for (const element of elements) if (element.ns !== '') prefixes.ensure(element.ns, element.prefix, false);
  for (const element of elements) {
    for (const key of Object.keys(element.attrs)) {
      const { ns } = splitClark(key);
      if (ns !== '') prefixes.ensure(ns, '', true);
    }
  }
}

class PrefixTable {
  private readonly byUri = new Map<string, string>();
  private readonly byPrefix = new Map<string, string>();
  private counter = 0;
  /** For a URI that is also the default namespace: its real prefix, which attributes need. */
  private readonly attributePrefix = new Map<string, string>();

  constructor(declared: Record<string, string>) {
    for (const [prefix, uri] of Object.entries(declared)) {
      this.byPrefix.set(prefix, uri);
      // The first prefix declared for a URI wins; a default namespace is used only if nothing else is.
      const current = this.byUri.get(uri);
      if (current === undefined || current === '') this.byUri.set(uri, prefix);
    }
  }

  /** Make sure `uri` has a prefix; attributes need a real prefix (the default namespace does not apply to them). */
  ensure(uri: string, preferred: string, forAttribute: boolean): void {
    if (uri === XML_NS) return;
    const known = this.byUri.get(uri);
    if (known !== undefined && !(forAttribute && known === '')) return;
    let prefix = preferred;
    if (prefix === '' || this.byPrefix.has(prefix)) {
      do prefix = `ns${++this.counter}`;
      while (this.byPrefix.has(prefix));
    }
    this.byPrefix.set(prefix, uri);
    this.byUri.set(uri, prefix);
  }

  qname(uri: string, local: string, forAttribute: boolean): string {
    if (uri === '') return local;
    if (uri === XML_NS) return `xml:${local}`;
    let prefix = this.byUri.get(uri) ?? '';
    if (forAttribute && prefix === '') {
      prefix = this.attributePrefix.get(uri) ?? '';
      if (prefix === '') {
        prefix = [...this.byPrefix].find(([p, u]) => u === uri && p !== '')![0];
        this.attributePrefix.set(uri, prefix);
      }
    }
    return prefix === '' ? local : `${prefix}:${local}`;
  }

  declarations(): [string, string][] {
    return [...this.byPrefix];
  }
}
