/** The messages between the gateway and its embedded database's thread (pglite-thread.ts). */

export interface PgliteThreadData {
  dataDir?: string;
  template?: string;
  sharedBuffers?: string;
}

export type ThreadRequest =
  | { id: number; op: 'query'; sql: string; params: unknown[]; tx?: number }
  | { id: number; op: 'begin' }
  | { id: number; op: 'end'; tx: number; commit: boolean }
  | { id: number; op: 'close' };

/** A database error's fields (code, constraint, detail, …): callers decide on them, as with `pg`. */
export type ErrorFields = { message: string; name: string } & Record<string, string | number | undefined>;

export type ThreadReply =
  | { id: number; ok: true; rows?: unknown[]; rowCount?: number; tx?: number }
  | { id: number; ok: false; error: ErrorFields };

export type ThreadStart = { ready: true; started: 'initdb' | 'template' | 'existing'; sample: { object: object } } | { ready: false; error: ErrorFields };

/**
 * Values made by the message deserialiser belong to Node's main realm. Where the gateway's code
 * runs in another one (jest's test context), `instanceof Date` and `instanceof Uint8Array` fail on
 * them; so there, and only there (see the start message's sample), results are rebuilt in the
 * caller's realm.
 */
export function foreignRealm(sample: { object: object }): boolean {
  return Object.getPrototypeOf(sample.object) !== Object.prototype;
}

export function adopt(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  const tag = Object.prototype.toString.call(v);
  if (tag === '[object Date]') return new Date((v as Date).getTime());
  if (tag === '[object Uint8Array]') {
    const u = v as Uint8Array;
    return new Uint8Array(u.buffer, u.byteOffset, u.byteLength);
  }
  if (Array.isArray(v)) return v.map(adopt);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = adopt(x);
  return out;
}

export function errorFields(err: unknown): ErrorFields {
  if (!(err instanceof Error)) return { message: String(err), name: 'Error' };
  const out: ErrorFields = { message: err.message, name: err.name };
  for (const [k, v] of Object.entries(err)) if (typeof v === 'string' || typeof v === 'number') out[k] = v;
  return out;
}

/** The error again on the gateway's side, with the same fields. */
export function errorFrom(fields: ErrorFields): Error {
  const err = new Error(fields.message);
  for (const [k, v] of Object.entries(fields)) if (k !== 'message' && k !== 'stack') Object.defineProperty(err, k, { value: v, enumerable: k !== 'name', writable: true, configurable: true });
  return err;
}

/**
 * The byte values of result rows that own their whole buffer (PGlite's bytea parser makes one per
 * value), so a big payload moves to the gateway's thread instead of being copied.
 */
export function transferablesOf(rows: readonly unknown[]): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const row of rows) {
    if (row === null || typeof row !== 'object') continue;
    for (const v of Object.values(row)) {
      if (v instanceof Uint8Array && v.byteOffset === 0 && v.buffer instanceof ArrayBuffer && v.byteLength === v.buffer.byteLength && v.byteLength >= 4096 && !out.includes(v.buffer)) out.push(v.buffer);
    }
  }
  return out;
}

/**
 * Parameters as they cross: a byte view into a larger buffer (a slice of a request body) is cut to
 * its own bytes, since posting a view copies its whole underlying buffer.
 */
export function paramsForThread(params: readonly unknown[]): unknown[] {
  return params.map((p) => (p instanceof Uint8Array && (p.byteOffset !== 0 || p.byteLength !== p.buffer.byteLength) ? Uint8Array.prototype.slice.call(p) : p));
}
