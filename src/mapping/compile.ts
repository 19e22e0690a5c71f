/**
 * Turns a schema-valid mapping document into a runnable mapping. Everything that can be decided
 * once (paths, transforms, conditions, code lists, target steps) is decided here, so `run` only
 * walks prepared structures. Problems are thrown as MappingProblem with their place in the file.
 */
import type { Queryable } from '../store/db.js';
import { parseXml, XmlRejectedError, type XmlElement } from '../xml/parse.js';
import { serializeXml } from '../xml/build.js';
import { compileCondition } from './conditions.js';
import { MappingProblem, MappingRunError, ValueFailure } from './errors.js';
import { isElement, isMissing, items, parsePath, resolve, single, type SourcePath } from './path.js';
import { isEmpty, newContainer, parseTarget, splitName, writeGroup, writeItems, writeValue, type Container, type TargetPath } from './target.js';
import { compileTransform, type CodeLists, type Transform } from './transforms.js';
import type { FieldSpec, MappingDocument, Scalar } from './types.js';

export interface MappingResult {
  /** JSON target: the JSON value. XML target: the root XmlElement (same shape as parseXml returns). */
  output: unknown;
  serialized: Buffer;
  /** application/json or application/xml */
  contentType: string;
  /** Codecs only: work to do inside the transaction that accepts the message (e.g. record the zaak it creates). */
  onCommit?: (tx: Queryable, messageId: string) => Promise<void>;
  /** Codecs only: metadata for the `mapped` log event (identifiers, never personal data). */
  logDetail?: Record<string, unknown>;
}

/** What the core knows about the message being mapped; declarative mappings ignore it, codecs use it. */
export interface MappingContext {
  messageId: string;
  sender: string;
  receiver?: string;
  /** Inspection.prepared of the message's standard. */
  prepared?: unknown;
  /** The destinations of the route being mapped for (a codec may address them, e.g. in StUF stuurgegevens). */
  destinations?: string[];
}

/**
 * What a route names as its mapping: a declarative mapping file, or a codec written in code for a
 * standard (which may need the store, e.g. for a new zaaknummer, hence the optional promise).
 */
export interface RouteMapping {
  name: string;
  version: number;
  /**
   * The result depends only on the message, not on the route's destinations: the pipeline then runs
   * it once per message and every route naming it shares the result (and its stored payload).
   * Without it a mapping runs once per route, because it may address the destinations.
   */
  samePerMessage?: boolean;
  run(input: unknown, context?: MappingContext): MappingResult | Promise<MappingResult>;
}

export interface CompiledMapping {
  name: string;
  version: number;
  /** Absolute path of the mapping file ('' when compiled from memory). */
  file: string;
  description?: string;
  sourceFormat: 'json' | 'xml';
  targetFormat: 'json' | 'xml';
  /** JSON source: any JSON value. XML source: XML text (string/Buffer, parsed hardened) or a parsed XmlElement. Throws MappingRunError. */
  run(input: unknown, context?: MappingContext): MappingResult;
  /** Serialises a `run` output again, e.g. indented for people (the CLI); same rules as run. */
  serialize(output: unknown, pretty: boolean): Buffer;
}

type Path = readonly (string | number)[];

interface Env {
  mapping: string;
  codeLists: CodeLists;
  /** Prefix → URI for source paths; undefined for a JSON source. */
  sourceNs?: Record<string, string>;
  /** Prefix → URI for target paths; undefined for a JSON target. */
  targetNs?: Record<string, string>;
}

/** One compiled field: writes its part of the output for one item. `label` is the field's place in the output, for errors. */
type FieldRunner = (item: unknown, root: unknown, out: Container, parentLabel: string) => void;

export function compileMapping(doc: MappingDocument, file = ''): CompiledMapping {
  const sourceXml = doc.source.format === 'xml';
  const targetXml = doc.target.format === 'xml';
  const env: Env = {
    mapping: doc.mapping,
    codeLists: compileCodeLists(doc.codeLists ?? {}),
    sourceNs: doc.source.format === 'xml' ? (doc.source.namespaces ?? {}) : undefined,
    targetNs: doc.target.format === 'xml' ? (doc.target.namespaces ?? {}) : undefined,
  };

  const expectedRoot = doc.source.format === 'xml' && doc.source.root !== undefined ? qualifiedRoot(doc.source.root, env.sourceNs!, ['source', 'root'], 'source') : undefined;
  const targetRoot = doc.target.format === 'xml' ? qualifiedRoot(doc.target.root, env.targetNs!, ['target', 'root'], 'target') : undefined;
  const runners = compileFields(doc.fields, ['fields'], env);

  const target = doc.target;
  const pretty = target.pretty ?? false;

  const declaration = target.format === 'xml' ? (target.declaration ?? true) : true;
  const serialize = (output: unknown, indent: boolean): Buffer => {
    if (!targetXml) return Buffer.from(indent ? `${JSON.stringify(output, null, 2)}\n` : JSON.stringify(output), 'utf8');
    try {
      return Buffer.from(serializeXml(output as XmlElement, { namespaces: env.targetNs, declaration, pretty: indent }), 'utf8');
    } catch (err) {
      // e.g. a control character from the input that XML cannot carry
      throw new MappingRunError(doc.mapping, '', 'invalid-output', undefined, { cause: err });
    }
  };

  // Methods do not use `this`, so callers may pass `mapping.run` around.
  return {
    name: doc.mapping,
    version: doc.version,
    file,
    description: doc.description,
    sourceFormat: doc.source.format,
    targetFormat: doc.target.format,
    run(input: unknown): MappingResult {
      const root = sourceXml ? xmlInput(input, doc.mapping, expectedRoot) : input;
      const out: Container = targetXml ? { ...targetRoot!, attrs: {}, children: [] } : {};
      for (const runner of runners) runner(root, root, out, '');
      return { output: out, serialized: serialize(out, pretty), contentType: targetXml ? 'application/xml' : 'application/json' };
    },
    serialize,
  };
}

function compileCodeLists(lists: Record<string, Record<string, Scalar>>): CodeLists {
  return new Map(Object.entries(lists).map(([name, codes]) => [name, new Map(Object.entries(codes))]));
}

function qualifiedRoot(name: string, namespaces: Record<string, string>, at: Path, side: 'source' | 'target'): { ns: string; name: string; prefix: string } {
  const [prefix, local] = splitName(name, name);
  if (prefix !== '' && !Object.hasOwn(namespaces, prefix)) throw new MappingProblem(at, `prefix '${prefix}' is not declared in ${side}.namespaces`);
  return { ns: prefix === '' ? (namespaces[''] ?? '') : namespaces[prefix]!, name: local, prefix };
}

function xmlInput(input: unknown, mapping: string, expected: { ns: string; name: string } | undefined): XmlElement {
  let root: XmlElement;
  if (typeof input === 'string' || input instanceof Uint8Array) {
    try {
      root = parseXml(input);
    } catch (err) {
      if (err instanceof XmlRejectedError) throw new MappingRunError(mapping, '', 'invalid-xml', err.reason, { cause: err });
      throw err;
    }
  } else if (isElement(input)) {
    root = input;
  } else {
    throw new MappingRunError(mapping, '', 'invalid-xml', 'expected XML text or a parsed XML tree');
  }
  if (expected && (root.ns !== expected.ns || root.name !== expected.name)) throw new MappingRunError(mapping, '', 'unexpected-root');
  return root;
}

// ---------------------------------------------------------------------------------------------
// Fields

function compileFields(specs: FieldSpec[], at: Path, env: Env): FieldRunner[] {
  const compiled = specs.map((spec, i) => ({ spec, at: [...at, i] as Path, ...compileField(spec, [...at, i], env) }));
  checkTargetOverlap(compiled, env);
  return compiled.map((c) => c.runner);
}

function compileField(spec: FieldSpec, at: Path, env: Env): { runner: FieldRunner; target: TargetPath } {
  const target = located([...at, 'target'], () => parseTarget(spec.target, env.targetNs));
  const when = spec.when ? compileCondition(spec.when, [...at, 'when'], env.sourceNs) : undefined;
  const required = spec.required ?? false;
  const mapping = env.mapping;

  if (spec.fields) {
    for (const key of ['transform', 'default'] as const) {
      if (spec[key] !== undefined) throw new MappingProblem([...at, key], `'${key}' applies to a value, not to a group with fields`, true);
    }
    if (target.isAttribute) throw new MappingProblem([...at, 'target'], 'a group needs an element as target, not an @attribute');
    const each = spec.each !== undefined ? located([...at, 'each'], () => parsePath(spec.each!, env.sourceNs)) : undefined;
    // `where` keeps only the items of the repeating group for which the condition holds (paths relative to the item).
    const where = spec.where ? compileCondition(spec.where, [...at, 'where'], env.sourceNs) : undefined;
    const inner = compileFields(spec.fields, [...at, 'fields'], env);
    const runner: FieldRunner = each
      ? (item, root, out, parentLabel) => {
          if (when && !when(item, root)) return;
          const label = joinLabel(parentLabel, target.text);
          const all = guard(mapping, label, () => items(resolve(each, item, root)));
          const list = where ? all.filter((entry) => where(entry, root)) : all;
          if (list.length === 0) {
            if (required) throw new MappingRunError(mapping, label, 'required-missing');
            return;
          }
          const containers = list.map((entry, index) => {
            const container = newContainer(target);
            for (const run of inner) run(entry, root, container, `${label}[${index}]`);
            return container;
          });
          guard(mapping, label, () => writeItems(out, target, containers));
        }
      : (item, root, out, parentLabel) => {
          if (when && !when(item, root)) return;
          const label = joinLabel(parentLabel, target.text);
          const container = newContainer(target);
          for (const run of inner) run(item, root, container, label);
          if (isEmpty(container, target.xml)) {
            if (required) throw new MappingRunError(mapping, label, 'required-missing');
            return;
          }
          guard(mapping, label, () => writeGroup(out, target, container));
        };
    return { runner, target };
  }

  if (spec.each !== undefined) throw new MappingProblem([...at, 'each'], "'each' needs 'fields'", true);
  if (spec.where !== undefined) throw new MappingProblem([...at, 'where'], "'where' filters a repeating group: it needs 'each' and 'fields'", true);
  const get = compileValueSource(spec, at, env);
  const transforms: Transform[] = (spec.transform ?? []).map((t, i) => compileTransform(t, [...at, 'transform', i], env.codeLists));
  const fallback = spec.default;
  if (target.xml) {
    if (spec.value !== undefined && !isScalar(spec.value)) throw new MappingProblem([...at, 'value'], 'an xml target takes text, a number or true/false');
    if (fallback !== undefined && !isScalar(fallback)) throw new MappingProblem([...at, 'default'], 'an xml target takes text, a number or true/false');
  }

  const runner: FieldRunner = (item, root, out, parentLabel) => {
    if (when && !when(item, root)) return;
    const label = joinLabel(parentLabel, target.text);
    guard(mapping, label, () => {
      let value = get(item, root);
      if (isMissing(value)) {
        // The default is the final value: it is not transformed (a default "onbekend" must not go through a date transform).
        if (fallback !== undefined && fallback !== null) {
          writeValue(out, target, fallback);
          return;
        }
        if (required) throw new ValueFailure('required-missing');
        return;
      }
      for (const transform of transforms) value = transform(value);
      writeValue(out, target, value);
    });
  };
  return { runner, target };
}

/** Where a value field's value comes from: source, value, template or concat (the schema lets exactly one through). */
function compileValueSource(spec: FieldSpec, at: Path, env: Env): (item: unknown, root: unknown) => unknown {
  if (spec.source !== undefined) {
    const path = located([...at, 'source'], () => parsePath(spec.source!, env.sourceNs));
    return (item, root) => single(resolve(path, item, root));
  }
  if (spec.template !== undefined) {
    const template = spec.template;
    const pieces: (string | SourcePath)[] = [];
    let last = 0;
    for (const match of template.matchAll(/\{([^{}]*)\}/g)) {
      pieces.push(template.slice(last, match.index));
      pieces.push(located([...at, 'template'], () => parsePath(match[1]!, env.sourceNs)));
      last = match.index + match[0].length;
    }
    pieces.push(template.slice(last));
    if (!pieces.some((p) => typeof p !== 'string')) throw new MappingProblem([...at, 'template'], 'a template needs at least one {path} placeholder; use value for fixed text');
    return (item, root) => {
      let text = '';
      for (const piece of pieces) {
        if (typeof piece === 'string') {
          text += piece;
          continue;
        }
        const value = single(resolve(piece, item, root));
        if (isMissing(value)) return undefined; // an incomplete template has no value
        text += scalarText(value);
      }
      return text;
    };
  }
  if (spec.concat !== undefined) {
    const paths = spec.concat.map((p, i) => located([...at, 'concat', i], () => parsePath(p, env.sourceNs)));
    const separator = spec.separator ?? '';
    return (item, root) => {
      const parts = paths.map((p) => single(resolve(p, item, root))).filter((v) => !isMissing(v)).map(scalarText);
      return parts.length === 0 ? undefined : parts.join(separator);
    };
  }
  const constant = spec.value;
  return () => constant;
}

/**
 * Two targets in one group where one lies inside the other's value would overwrite each other or
 * produce mixed content: refuse at load time (an attribute on a value element is fine in XML).
 */
function checkTargetOverlap(fields: { spec: FieldSpec; at: Path; target: TargetPath }[], env: Env): void {
  const key = (t: TargetPath, n: number): string => t.steps.slice(0, n).map((s) => JSON.stringify(s)).join('/');
  for (const outer of fields) {
    const outerIsGroup = outer.spec.fields !== undefined && outer.spec.each === undefined;
    if (outerIsGroup || outer.target.isAttribute) continue; // plain groups merge; attributes contain nothing
    const n = outer.target.steps.length;
    for (const inner of fields) {
      if (inner === outer || inner.target.steps.length <= n) continue;
      if (key(inner.target, n) !== key(outer.target, n)) continue;
      const attributeOnValue = env.targetNs !== undefined && outer.spec.each === undefined && inner.target.steps.length === n + 1 && inner.target.isAttribute;
      if (attributeOnValue) continue;
      throw new MappingProblem([...inner.at, 'target'], `target '${inner.spec.target}' lies inside '${outer.spec.target}', which another field fills`);
    }
  }
}

function located<T>(at: Path, build: () => T): T {
  try {
    return build();
  } catch (err) {
    if (err instanceof MappingProblem) throw err;
    throw new MappingProblem(at, (err as Error).message);
  }
}

/** Runs `work`, turning a ValueFailure into a MappingRunError that names the field. */
function guard<T>(mapping: string, label: string, work: () => T): T {
  try {
    return work();
  } catch (err) {
    if (err instanceof ValueFailure) throw new MappingRunError(mapping, label, err.reason, err.detail);
    throw err;
  }
}

function joinLabel(parent: string, target: string): string {
  return parent === '' ? target : `${parent}.${target}`;
}

function isScalar(value: unknown): value is Scalar {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function scalarText(value: unknown): string {
  if (isScalar(value)) return String(value);
  throw new ValueFailure('not-a-scalar');
}
