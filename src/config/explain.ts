/**
 * Schema errors of a configuration in words: which party, route or destination, which field, and
 * what is wrong with it, instead of a bare JSON pointer (`/parties/3/credentials must have …`).
 */
import type { ErrorObject } from 'ajv';

/** The configuration's lists whose items have an id, and what one item is called. */
const ITEM_NAMES: Record<string, string> = {
  parties: 'party',
  routes: 'route',
  regios: 'region',
  destinations: 'destination',
  bronnen: 'bron',
  bevragingen: 'bevraging',
  users: 'console user',
};

/** Where in the configuration: "route 'wmo-301' → match.receiver", or "console → users[2].role". */
export function describeLocation(raw: unknown, instancePath: string): string {
  const steps = instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  let node: unknown = raw;
  let owner = '';
  let field: string[] = [];
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    const parentKey = steps[i - 1];
    const next = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[step] : undefined;
    // The lists of named items are the top-level ones (and console.users), not a route's destinations.
    const isList = (key: string | undefined, at: number) => key !== undefined && ITEM_NAMES[key] !== undefined && (at === 0 || (at === 1 && steps[0] === 'console'));
    if (Array.isArray(node) && isList(parentKey, i - 1)) {
      const id = next !== null && typeof next === 'object' ? (next as { id?: unknown }).id : undefined;
      owner = `${ITEM_NAMES[parentKey]} ${typeof id === 'string' ? `'${id}'` : `number ${Number(step) + 1}`}`;
      field = [];
    } else if (Array.isArray(node)) {
      field[field.length - 1] = `${field[field.length - 1] ?? ''}[${step}]`;
    } else if (!(isList(step, i) && Array.isArray(next))) {
      field.push(step);
    }
    node = next;
  }
  const where = field.join('.');
  if (owner && where) return `${owner}, field '${where}'`;
  if (owner) return owner;
  return where ? `field '${where}'` : 'the configuration';
}

/** The closest of the allowed names, for a likely typo (edit distance at most 2). */
export function closest(name: string, allowed: string[]): string | undefined {
  let best: { name: string; d: number } | undefined;
  for (const a of allowed) {
    const d = distance(name.toLowerCase(), a.toLowerCase());
    if (d <= 2 && (!best || d < best.d)) best = { name: a, d };
  }
  return best?.name;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const here = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = here;
    }
  }
  return row[b.length]!;
}

function what(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return `is missing the required field '${String(p.missingProperty)}'`;
    case 'additionalProperties': {
      const name = String(p.additionalProperty);
      const props = Object.keys(((e.parentSchema as { properties?: object } | undefined)?.properties) ?? {});
      const guess = closest(name, props);
      return `has a field '${name}' that knooppunt does not know${guess ? ` (did you mean '${guess}'?)` : props.length ? ` (known fields: ${props.join(', ')})` : ''}`;
    }
    case 'enum':
      return `must be one of ${(p.allowedValues as unknown[]).map((v) => `'${String(v)}'`).join(', ')}`;
    case 'type':
      return `must be ${/^[aeiou]/.test(String(p.type)) ? 'an' : 'a'} ${String(p.type)}`;
    case 'pattern':
      return `does not have the expected form (${String(p.pattern)})`;
    case 'minItems':
      return `needs at least ${String(p.limit)} item(s)`;
    case 'minLength':
      return String(p.limit) === '1' ? 'must not be empty' : `must be at least ${String(p.limit)} characters`;
    default:
      return e.message ?? 'is not valid';
  }
}

/** One sentence per real problem; the combinator noise of anyOf/oneOf/if is left out when there is more. */
export function explainSchemaErrors(raw: unknown, errors: ErrorObject[]): string[] {
  const noise = new Set(['anyOf', 'oneOf', 'if', 'not']);
  let real = errors.some((e) => !noise.has(e.keyword)) ? errors.filter((e) => !noise.has(e.keyword)) : errors;
  // A value that has the type of one alternative (e.g. a route's receiver as { regio: ... }) is
  // judged by that alternative: the other alternatives' "must be a string" says nothing useful.
  const judged = new Set(real.filter((e) => e.keyword !== 'type').map((e) => e.instancePath));
  const within = (path: string) => [...judged].some((p) => p === path || p.startsWith(`${path}/`));
  real = real.filter((e) => e.keyword !== 'type' || !within(e.instancePath) || real.every((x) => x.keyword === 'type'));
  return [...new Set(real.map((e) => `${describeLocation(raw, e.instancePath)} ${what(e)}`))];
}
