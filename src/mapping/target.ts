/**
 * Target paths and the output they build. One interface, two formats:
 * JSON builds nested objects (a repeating group becomes an array); XML builds an XmlElement tree
 * (a repeating group becomes repeated elements, a last step `@name` an attribute).
 *
 * Writing to a path reuses what is already there (the last element or object with that name), so
 * `client.bsn` and `client.naam` end up in one `client`; repeating-group items are always appended.
 */
import { clark, type XmlElement } from '../xml/parse.js';
import { ValueFailure } from './errors.js';

type JsonObject = Record<string, unknown>;
export type Container = JsonObject | XmlElement;

type TargetStep =
  | { kind: 'key'; key: string }
  | { kind: 'element'; ns: string; name: string; prefix: string }
  | { kind: 'attribute'; key: string };

export interface TargetPath {
  readonly text: string;
  readonly steps: readonly TargetStep[];
  readonly xml: boolean;
  /** Last step is an XML attribute. */
  readonly isAttribute: boolean;
}

const NAME = /^[\p{L}_][\p{L}\p{N}_.\-]*$/u;
const JSON_KEY = /^[^.[\]\s{}]+$/;

/** Throws an Error on bad syntax or an undeclared prefix. `xmlNamespaces` undefined means a JSON target. */
export function parseTarget(text: string, xmlNamespaces?: Record<string, string>): TargetPath {
  const segments = text.split('.');
  const steps: TargetStep[] = segments.map((segment, i) => {
    if (xmlNamespaces === undefined) {
      // __proto__ as a key would reach the object's prototype instead of creating a field.
      if (!JSON_KEY.test(segment) || segment === '__proto__') throw new Error(`invalid target '${text}': '${segment}' is not a valid key`);
      return { kind: 'key', key: segment };
    }
    const attribute = segment.startsWith('@');
    if (attribute && i !== segments.length - 1) throw new Error(`invalid target '${text}': an @attribute must be the last step`);
    const [prefix, local] = splitName(attribute ? segment.slice(1) : segment, text);
    if (attribute) return { kind: 'attribute', key: prefix === '' ? local : clark(namespaceOf(prefix, xmlNamespaces, text), local) };
    return { kind: 'element', ns: prefix === '' ? (xmlNamespaces[''] ?? '') : namespaceOf(prefix, xmlNamespaces, text), name: local, prefix };
  });
  return { text, steps, xml: xmlNamespaces !== undefined, isAttribute: steps[steps.length - 1]!.kind === 'attribute' };
}

export function splitName(name: string, text: string): [string, string] {
  const parts = name.split(':');
  if (parts.length > 2 || !parts.every((p) => NAME.test(p))) throw new Error(`invalid target '${text}': '${name}' is not an element or attribute name`);
  return parts.length === 2 ? [parts[0]!, parts[1]!] : ['', parts[0]!];
}

function namespaceOf(prefix: string, namespaces: Record<string, string>, text: string): string {
  if (!Object.hasOwn(namespaces, prefix)) throw new Error(`invalid target '${text}': prefix '${prefix}' is not declared in target.namespaces`);
  return namespaces[prefix]!;
}

/** A fresh container for one group item: `{}` for JSON, a detached element named by the path's last step for XML. */
export function newContainer(path: TargetPath): Container {
  const last = path.steps[path.steps.length - 1]!;
  if (last.kind === 'element') return { ns: last.ns, name: last.name, prefix: last.prefix, attrs: {}, children: [] };
  return {};
}

export function isEmpty(container: Container, xml: boolean): boolean {
  if (xml) {
    const element = container as XmlElement;
    return element.children.length === 0 && Object.keys(element.attrs).length === 0 && !element.text;
  }
  return Object.keys(container).length === 0;
}

/** Write one value at the path. For XML the value must be a scalar. */
export function writeValue(container: Container, path: TargetPath, value: unknown): void {
  if (path.xml) {
    const text = xmlText(value);
    const parent = descend(container as XmlElement, path.steps.length - 1, path);
    const last = path.steps[path.steps.length - 1]!;
    if (last.kind === 'attribute') {
      setAttr(parent, last.key, text);
    } else if (last.kind === 'element') {
      const element = childFor(parent, last);
      if (element.children.length > 0) throw new ValueFailure('target-conflict');
      element.text = text;
    }
    return;
  }
  const parent = descendJson(container as JsonObject, path);
  setOwn(parent, (path.steps[path.steps.length - 1] as { key: string }).key, value);
}

/** Put the items of a repeating group at the path: a JSON array, or repeated XML elements. */
export function writeItems(container: Container, path: TargetPath, itemContainers: Container[]): void {
  if (path.xml) {
    const parent = descend(container as XmlElement, path.steps.length - 1, path);
    for (const item of itemContainers) parent.children.push(item as XmlElement);
    return;
  }
  setOwn(descendJson(container as JsonObject, path), (path.steps[path.steps.length - 1] as { key: string }).key, itemContainers);
}

/** Put a (non-repeating) group at the path, merging into what is already there. */
export function writeGroup(container: Container, path: TargetPath, group: Container): void {
  if (path.xml) {
    const parent = descend(container as XmlElement, path.steps.length - 1, path);
    const g = group as XmlElement;
    const existing = lastChild(parent, g.ns, g.name);
    if (!existing) {
      parent.children.push(g);
      return;
    }
    for (const [key, value] of Object.entries(g.attrs)) setAttr(existing, key, value);
    existing.children.push(...g.children);
    if (g.text !== undefined) existing.text = g.text;
    return;
  }
  const parent = descendJson(container as JsonObject, path);
  const key = (path.steps[path.steps.length - 1] as { key: string }).key;
  const existing = Object.hasOwn(parent, key) ? parent[key] : undefined;
  if (isPlainObject(existing)) mergeJson(existing, group as JsonObject);
  else setOwn(parent, key, group);
}

function isPlainObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function setOwn(target: JsonObject, key: string, value: unknown): void {
  target[key] = value;
}

function mergeJson(into: JsonObject, from: JsonObject): void {
  for (const [key, value] of Object.entries(from)) {
    const existing = Object.hasOwn(into, key) ? into[key] : undefined;
    if (isPlainObject(existing) && isPlainObject(value)) mergeJson(existing, value);
    else setOwn(into, key, value);
  }
}

/** The object at all but the last step, created as needed; something else in the way is a conflict. */
function descendJson(container: JsonObject, path: TargetPath): JsonObject {
  let node = container;
  for (let i = 0; i < path.steps.length - 1; i++) {
    const key = (path.steps[i] as { key: string }).key;
    const next = Object.hasOwn(node, key) ? node[key] : undefined;
    if (next === undefined) {
      const created: JsonObject = {};
      setOwn(node, key, created);
      node = created;
    } else if (isPlainObject(next)) {
      node = next;
    } else {
      throw new ValueFailure('target-conflict');
    }
  }
  return node;
}

/** The element reached by the first `count` (element) steps, created as needed. */
function descend(container: XmlElement, count: number, path: TargetPath): XmlElement {
  let node = container;
  for (let i = 0; i < count; i++) {
    const step = path.steps[i]!;
    if (step.kind !== 'element') throw new ValueFailure('target-conflict');
    node = childFor(node, step);
  }
  return node;
}

function childFor(parent: XmlElement, step: { ns: string; name: string; prefix: string }): XmlElement {
  const existing = lastChild(parent, step.ns, step.name);
  if (existing) return existing;
  if (parent.text !== undefined && parent.text !== '') throw new ValueFailure('target-conflict');
  const created: XmlElement = { ns: step.ns, name: step.name, prefix: step.prefix, attrs: {}, children: [] };
  parent.children.push(created);
  return created;
}

function lastChild(parent: XmlElement, ns: string, name: string): XmlElement | undefined {
  for (let i = parent.children.length - 1; i >= 0; i--) {
    const child = parent.children[i]!;
    if (child.ns === ns && child.name === name) return child;
  }
  return undefined;
}

function setAttr(element: XmlElement, key: string, value: string): void {
  // defineProperty so that an attribute named __proto__ stays an ordinary attribute.
  Object.defineProperty(element.attrs, key, { value, enumerable: true, writable: true, configurable: true });
}

function xmlText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new ValueFailure('not-a-scalar');
}
