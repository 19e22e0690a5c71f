/**
 * Serialises an {@link XmlElement} tree (as produced by parseXml or by a mapping) with xmlbuilder2.
 *
 * Prefixes are chosen from the `namespaces` option (prefix → URI), all of which are declared on
 * the root element so the document does not repeat declarations further down. An element whose
 * URI has no prefix there keeps the prefix it carries, or gets a generated one (`ns1`, ...).
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

/** Throws an Error when the tree holds something XML cannot carry (e.g. a control character in text). */
export function serializeXml(root: XmlElement, options: XmlSerializeOptions = {}): string {
  const prefixes = new PrefixTable(options.namespaces ?? {});
  collectNamespaces(root, prefixes);

  const doc = create({ version: '1.0', encoding: 'UTF-8' });
  const rootNode = doc.ele(root.ns === '' ? null : root.ns, prefixes.qname(root.ns, root.name, false));
  for (const [prefix, uri] of prefixes.declarations()) {
    rootNode.att(XMLNS_NS, prefix === '' ? 'xmlns' : `xmlns:${prefix}`, uri);
  }
  fill(rootNode, root, prefixes);
  return doc.end({ prettyPrint: options.pretty ?? false, headless: options.declaration === false, wellFormed: true });
}

function fill(node: XMLBuilder, element: XmlElement, prefixes: PrefixTable): void {
  for (const [key, value] of Object.entries(element.attrs)) {
    const { ns, local } = splitClark(key);
    node.att(ns === '' ? null : ns, prefixes.qname(ns, local, true), value);
  }
  if (element.text !== undefined && element.text !== '') node.txt(element.text);
  for (const child of element.children) {
    fill(node.ele(child.ns === '' ? null : child.ns, prefixes.qname(child.ns, child.name, false)), child, prefixes);
  }
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
  const elements: XmlElement[] = [];
  const walk = (element: XmlElement): void => {
    elements.push(element);
    element.children.forEach(walk);
  };
  walk(root);
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
      prefix = [...this.byPrefix].find(([p, u]) => u === uri && p !== '')![0];
    }
    return prefix === '' ? local : `${prefix}:${local}`;
  }

  declarations(): [string, string][] {
    return [...this.byPrefix];
  }
}
