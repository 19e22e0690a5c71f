/**
 * Source paths: parsed once when a mapping is loaded, resolved many times.
 *
 * Syntax: dotted steps with optional `[n]` indexes (`payload.producten[0].code`); a leading
 * `$root.` starts at the input root instead of the current item; `$` alone is the current item.
 * For XML sources a step is an element name `prefix:Local` (prefix bound in the mapping's
 * `source.namespaces`, matched by URI) and a last step `@name` / `@prefix:name` is an attribute.
 *
 * Resolution returns every match: stepping through a list visits each item, so
 * `payload.producten.code` yields every product's code; `[n]` picks the n-th match so far.
 */
import { clark, XSI_NS, type XmlElement } from '../xml/parse.js';
import { ValueFailure } from './errors.js';

type Step =
  | { kind: 'key'; key: string }
  | { kind: 'index'; index: number }
  | { kind: 'element'; ns: string; name: string }
  | { kind: 'attribute'; key: string };

export interface SourcePath {
  readonly text: string;
  readonly fromRoot: boolean;
  readonly steps: readonly Step[];
  readonly xml: boolean;
}

const NAME = /^[\p{L}_][\p{L}\p{N}_.\-]*$/u;
const JSON_KEY = /^[^.[\]\s]+$/;

/** Throws an Error with a readable message on bad syntax or an undeclared prefix. */
export function parsePath(text: string, xmlNamespaces?: Record<string, string>): SourcePath {
  const xml = xmlNamespaces !== undefined;
  let rest = text.trim();
  let fromRoot = false;
  if (rest === '$') return { text, fromRoot, steps: [], xml };
  if (rest === '$root') return { text, fromRoot: true, steps: [], xml };
  if (rest.startsWith('$root.')) {
    fromRoot = true;
    rest = rest.slice(6);
  } else if (rest.startsWith('$.')) {
    rest = rest.slice(2);
  }
  const steps: Step[] = [];
  const segments = rest.split('.');
  segments.forEach((segment, i) => {
    const match = /^([^[\]]*)((?:\[\d+\])*)$/.exec(segment);
    if (!match || match[1] === '') throw new Error(`invalid path '${text}': empty or malformed step`);
    const name = match[1]!;
    if (xml) {
      if (name.startsWith('@')) {
        if (i !== segments.length - 1 || match[2] !== '') throw new Error(`invalid path '${text}': an @attribute must be the last step`);
        const [prefix, local] = qualified(name.slice(1), text);
        // An unprefixed attribute is in no namespace (the default namespace does not apply to attributes).
        steps.push({ kind: 'attribute', key: prefix === '' ? local : clark(namespaceOf(prefix, xmlNamespaces, text), local) });
      } else {
        const [prefix, local] = qualified(name, text);
        steps.push({ kind: 'element', ns: prefix === '' ? (xmlNamespaces[''] ?? '') : namespaceOf(prefix, xmlNamespaces, text), name: local });
      }
    } else {
      if (!JSON_KEY.test(name)) throw new Error(`invalid path '${text}': '${name}' is not a valid key`);
      steps.push({ kind: 'key', key: name });
    }
    for (const index of match[2]!.matchAll(/\[(\d+)\]/g)) steps.push({ kind: 'index', index: Number(index[1]) });
  });
  return { text, fromRoot, steps, xml };
}

function qualified(name: string, text: string): [string, string] {
  const parts = name.split(':');
  if (parts.length > 2 || !parts.every((p) => NAME.test(p))) throw new Error(`invalid path '${text}': '${name}' is not an element or attribute name`);
  return parts.length === 2 ? [parts[0]!, parts[1]!] : ['', parts[0]!];
}

function namespaceOf(prefix: string, namespaces: Record<string, string>, text: string): string {
  const uri = Object.hasOwn(namespaces, prefix) ? namespaces[prefix] : undefined;
  if (uri === undefined) throw new Error(`invalid path '${text}': prefix '${prefix}' is not declared in source.namespaces`);
  return uri;
}

/** All values the path reaches from `item` (or `root` for $root paths). Absent keys give no match. */
export function resolve(path: SourcePath, item: unknown, root: unknown): unknown[] {
  let current: unknown[] = [path.fromRoot ? root : item];
  for (const step of path.steps) {
    const next: unknown[] = [];
    switch (step.kind) {
      case 'key':
        for (const value of current) collectKey(value, step.key, next);
        break;
      case 'index': {
        // The n-th of everything matched so far; a single matched list counts as its items.
        const pool = current.length === 1 && Array.isArray(current[0]) ? current[0] : current;
        if (step.index < pool.length) next.push(pool[step.index]);
        break;
      }
      case 'element':
        for (const value of current) {
          if (isElement(value)) for (const child of value.children) if (child.name === step.name && child.ns === step.ns) next.push(child);
        }
        break;
      case 'attribute':
        for (const value of current) {
          if (isElement(value) && Object.hasOwn(value.attrs, step.key)) next.push(value.attrs[step.key]);
        }
        break;
    }
    current = next;
    if (current.length === 0) break;
  }
  return current;
}

function collectKey(value: unknown, key: string, into: unknown[]): void {
  if (Array.isArray(value)) {
    for (const item of value) collectKey(item, key, into);
  } else if (value !== null && typeof value === 'object' && Object.hasOwn(value, key)) {
    const found = (value as Record<string, unknown>)[key];
    if (found !== undefined) into.push(found);
  }
}

export function isElement(value: unknown): value is XmlElement {
  return value !== null && typeof value === 'object' && 'children' in value && 'ns' in value && 'name' in value && Array.isArray((value as XmlElement).children);
}

/** Absent, null or empty text: the field has no value. (An XML element marked xsi:nil reads as null, see elementValue.) */
export function isMissing(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

/**
 * The one value of a path for a scalar field: undefined when nothing matched; an element becomes
 * its text. Several matches are an error rather than a silent pick.
 */
export function single(matches: unknown[]): unknown {
  if (matches.length === 0) return undefined;
  if (matches.length > 1) throw new ValueFailure('ambiguous', 'use [n] or each');
  return elementValue(matches[0]);
}

/** An element's value: its text when it has no child elements; null for xsi:nil="true". Other values pass through. */
export function elementValue(value: unknown): unknown {
  if (!isElement(value)) return value;
  if (value.attrs[clark(XSI_NS, 'nil')] === 'true') return null;
  if (value.children.length > 0) throw new ValueFailure('not-a-scalar');
  return value.text ?? '';
}

/** The items a repeating group iterates: a matched list gives its items; otherwise every match is an item. */
export function items(matches: unknown[]): unknown[] {
  if (matches.length === 1 && Array.isArray(matches[0])) return matches[0];
  return matches.filter((m) => !isMissing(m));
}
