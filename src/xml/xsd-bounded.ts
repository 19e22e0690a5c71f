/**
 * XSD validation with a bounded error collection. libxml2-wasm's own `XsdValidator.validate`
 * collects every error libxml2 reports, and for each it reads the message and asks libxml2 for the
 * node's path. That path names the node's position among its siblings, which libxml2 finds by
 * walking the preceding siblings: for a list of n invalid siblings the collection costs n²/2 steps
 * (measured: 10,000 invalid items 4 s, 100,000 items 112 s, on the event loop or a worker).
 *
 * Here the collector keeps the details of the first `max` errors and only counts the rest, so the
 * work past the bound is a counter per error: linear in the document whatever it holds.
 *
 * It uses libxml2-wasm's low-level exports (the same calls its `XsdValidator.validate` makes), with
 * our own error callback registered once per process.
 */
import type { ErrorDetail, XmlDocument, XsdValidator } from 'libxml2-wasm';
import * as libxml2 from 'libxml2-wasm/lib/libxml2.mjs';
import {
  XmlErrorStruct,
  xmlGetNodePath,
  xmlSchemaFreeValidCtxt,
  xmlSchemaNewValidCtxt,
  xmlSchemaSetValidStructuredErrors,
  xmlSchemaValidateDoc,
} from 'libxml2-wasm/lib/libxml2.mjs';

export interface BoundedErrors {
  /** The first errors (level error or fatal), at most `max`, with their node paths. */
  details: ErrorDetail[];
  /** All errors (level error or fatal) libxml2 reported. */
  total: number;
  /** True when libxml2 says the document is invalid (also when it reported nothing we kept). */
  invalid: boolean;
}

interface Collecting {
  max: number;
  details: ErrorDetail[];
  total: number;
  /** Path lookups made: what the unit test counts. */
  lookups: number;
}

const collecting = new Map<number, Collecting>();
let next = 0;
let collector: number | undefined;

/** libxml2's levels: 1 warning, 2 error, 3 fatal. Warnings are not issues. */
const ERROR_LEVEL = 2;

function registeredCollector(): number {
  if (collector === undefined) {
    // Exported by the module at run time; its type declarations leave it out.
    const { addFunction } = libxml2 as unknown as { addFunction: (f: (index: number, err: number) => void, sig: string) => number };
    collector = addFunction((index: number, err: number) => {
      const c = collecting.get(index);
      if (!c) return;
      const level = XmlErrorStruct.level(err);
      if (level < ERROR_LEVEL) return;
      c.total++;
      if (c.details.length >= c.max) return;
      const detail: ErrorDetail = { message: XmlErrorStruct.message(err), level, line: XmlErrorStruct.line(err), col: XmlErrorStruct.col(err) } as ErrorDetail;
      const node = XmlErrorStruct.node(err);
      c.lookups++;
      const xpath = xmlGetNodePath(node);
      if (xpath !== null) (detail as ErrorDetail & { xpath?: string }).xpath = xpath;
      c.details.push(detail);
    }, 'vii');
  }
  return collector;
}

/** The number of node-path lookups the last validations made (for the linearity test). */
export const boundedValidationCounts = { lookups: 0 };

/** Validates `doc` against the compiled schema of `validator`, keeping at most `max` error details. */
export function validateBounded(validator: XsdValidator, doc: XmlDocument, max: number): BoundedErrors {
  // The pointers are libxml2-wasm's own handles (public in JavaScript, underscored in its types).
  const schemaPtr = (validator as unknown as { _ptr: number })._ptr;
  const docPtr = (doc as unknown as { _ptr: number })._ptr;
  const fn = registeredCollector();
  const index = ++next;
  const c: Collecting = { max, details: [], total: 0, lookups: 0 };
  collecting.set(index, c);
  const ctx = xmlSchemaNewValidCtxt(schemaPtr);
  try {
    xmlSchemaSetValidStructuredErrors(ctx, fn, index);
    const ret = xmlSchemaValidateDoc(ctx, docPtr);
    if (ret < 0) throw new Error('libxml2 could not validate the document (internal error)');
    boundedValidationCounts.lookups += c.lookups;
    return { details: c.details, total: c.total, invalid: ret > 0 };
  } finally {
    xmlSchemaFreeValidCtxt(ctx);
    collecting.delete(index);
  }
}
