/**
 * `when` conditions, compiled to predicates. Values are compared as text, because XML has only
 * text and a JSON back office may send 4 where another sends "4".
 */
import { MappingProblem } from './errors.js';
import { elementValue, isMissing, parsePath, resolve, type SourcePath } from './path.js';
import type { ConditionSpec, Scalar } from './types.js';

export type Predicate = (item: unknown, root: unknown) => boolean;
type Path = readonly (string | number)[];

export function compileCondition(spec: ConditionSpec, at: Path, namespaces: Record<string, string> | undefined): Predicate {
  if (('not' in spec || 'all' in spec || 'any' in spec) && 'path' in spec) {
    throw new MappingProblem([...at, 'path'], 'path belongs with exists, equals or in, not with not/all/any', true);
  }
  if ('not' in spec) {
    const inner = compileCondition(spec.not, [...at, 'not'], namespaces);
    return (item, root) => !inner(item, root);
  }
  if ('all' in spec) {
    const inner = spec.all.map((c, i) => compileCondition(c, [...at, 'all', i], namespaces));
    return (item, root) => inner.every((p) => p(item, root));
  }
  if ('any' in spec) {
    const inner = spec.any.map((c, i) => compileCondition(c, [...at, 'any', i], namespaces));
    return (item, root) => inner.some((p) => p(item, root));
  }

  let path: SourcePath;
  try {
    path = parsePath(spec.path, namespaces);
  } catch (err) {
    throw new MappingProblem([...at, 'path'], (err as Error).message);
  }
  // Every value the path reaches counts: "in" holds when any reached value is in the list.
  const values = (item: unknown, root: unknown): unknown[] =>
    resolve(path, item, root)
      .map((v) => {
        try {
          return elementValue(v);
        } catch {
          return v; // an element with children exists, but has no text value
        }
      })
      .filter((v) => !isMissing(v));

  if ('exists' in spec) {
    const wanted = spec.exists;
    return (item, root) => values(item, root).length > 0 === wanted;
  }
  const accepted = new Set(('equals' in spec ? [spec.equals] : spec.in).map((v: Scalar) => String(v)));
  return (item, root) => values(item, root).some((v) => isComparable(v) && accepted.has(String(v)));
}

function isComparable(value: unknown): boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}
