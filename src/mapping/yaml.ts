/**
 * Reading a mapping file's YAML while keeping positions, so every later complaint (schema,
 * compile) can name the line and column of the node it is about.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type ScalarTag, type Tags } from 'yaml';

export interface YamlSource {
  data: unknown;
  /** 1-based line/column of the node at `at`; with `atKey`, of the key of the last segment. Falls back to the nearest existing ancestor. */
  locate(at: readonly (string | number)[], atKey?: boolean): { line: number; column: number };
}

export interface YamlSyntaxProblem {
  line: number;
  column: number;
  message: string;
}

const INT = 'tag:yaml.org,2002:int';
const FLOAT = 'tag:yaml.org,2002:float';

/**
 * YAML 1.2 reads `01` as the number 1 and `45E05` as 4500000. In this domain such scalars are
 * codes (eenheid 01, gemeente 0153, product code 45E05), so a plain decimal with a leading zero
 * and the exponent notation stay strings. Everything else follows the YAML core schema.
 */
function domainTags(tags: Tags): Tags {
  return tags
    .filter((tag) => !(typeof tag === 'object' && tag.tag === FLOAT && 'format' in tag && tag.format === 'EXP'))
    .map((tag) => {
      if (typeof tag === 'object' && tag.tag === INT && !('format' in tag && tag.format)) {
        const strict: ScalarTag = { ...(tag as ScalarTag), test: /^[-+]?(?:0|[1-9][0-9]*)$/ };
        return strict;
      }
      return tag;
    });
}

/** Parses YAML text; returns the problem (first error) instead of throwing so the caller can attach the file. */
export function readYaml(text: string): YamlSource | YamlSyntaxProblem {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, customTags: domainTags, prettyErrors: false, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    const { line, col } = lineCounter.linePos(first.pos[0]);
    // yaml's messages may quote a line of the file; keep the first sentence only.
    return { line, column: col, message: `YAML syntax error: ${first.message.split('\n')[0]}` };
  }
  const data: unknown = doc.toJS({ maxAliasCount: 50 });
  return {
    data,
    locate(at, atKey = false) {
      const offset = offsetOf(doc, at, atKey);
      const { line, col } = lineCounter.linePos(offset);
      return { line, column: col };
    },
  };
}

export function isYamlProblem(value: YamlSource | YamlSyntaxProblem): value is YamlSyntaxProblem {
  return 'message' in value;
}

function offsetOf(doc: Document, at: readonly (string | number)[], atKey: boolean): number {
  let node: unknown = doc.contents;
  let best = rangeStart(node) ?? 0;
  for (let i = 0; i < at.length; i++) {
    const segment = at[i]!;
    const last = i === at.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) break;
      const keyStart = rangeStart(pair.key);
      if (last && atKey && keyStart !== undefined) return keyStart;
      node = pair.value;
      // A key without a value (`key:`) has no value node: point at the key.
      best = rangeStart(node) ?? keyStart ?? best;
    } else if (isSeq(node)) {
      node = node.items[Number(segment)];
      const start = rangeStart(node);
      if (start === undefined) break;
      best = start;
    } else {
      break;
    }
  }
  return best;
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  return range ? range[0] : undefined;
}

/** `fields[3].transform[0]` from `['fields', 3, 'transform', 0]`; numbers are array indexes. */
export function fieldLabel(at: readonly (string | number)[]): string {
  let label = '';
  for (const segment of at) {
    if (typeof segment === 'number') label += `[${segment}]`;
    else label += label === '' ? segment : `.${segment}`;
  }
  return label;
}
