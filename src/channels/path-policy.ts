/**
 * One rule for every channel's paths (the NL API Design Rules' rule, which /api/v1 follows and the
 * XML/SOAP channels now share): a path with a trailing slash is not the path without it (404,
 * naming the path to use), and a known path asked with a method it does not serve is 405 with
 * `Allow`. Each channel answers the refusal in its own form (problem+json, a transport foutbericht,
 * a SOAP Fault); this module only decides.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';

/** A path of the channel, relative to where it is mounted (`/`, `/berichten`, `/mailbox/{id}`), and its methods. */
export interface ChannelOperation {
  path: string;
  methods: readonly string[];
}

export type PathRefusal =
  | { status: 404; code: 'trailing-slash'; detail: string; path: string }
  | { status: 404; code: 'not-found'; detail: string; path: string }
  | { status: 405; code: 'method-not-allowed'; detail: string; allow: string[]; path: string };

interface Compiled {
  pattern: RegExp;
  methods: string[];
}

export function compileOperations(operations: readonly ChannelOperation[]): Compiled[] {
  return operations.map((op) => ({
    pattern: new RegExp('^' + op.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+') + '$'),
    methods: [...new Set(op.methods.map((m) => m.toUpperCase()))],
  }));
}

/**
 * What is wrong with this request's path or method, if anything. The trailing slash is read from
 * the URL as sent (`originalUrl`): inside a router mounted at `/x`, both `/x` and `/x/` arrive as `/`.
 * `unknownIsNotFound`: a path the channel does not have is refused here too (else it falls through).
 */
export function pathRefusal(req: Request, operations: readonly Compiled[], opts: { unknownIsNotFound?: boolean } = {}): PathRefusal | undefined {
  const sent = req.originalUrl.split('?')[0] ?? '';
  if (sent.length > 1 && sent.endsWith('/')) {
    const without = sent.replace(/\/+$/, '') || '/';
    return { status: 404, code: 'trailing-slash', detail: `No resource at this path; leave off the trailing slash: ${without.slice(0, 200)}`, path: sent };
  }
  const op = operations.find((o) => o.pattern.test(req.path));
  // A path that climbs (`..`) falls through to the app's 404, which logs it as an attack.
  if (!op) return opts.unknownIsNotFound && !climbs(req.path) ? { status: 404, code: 'not-found', detail: 'No resource at this path', path: sent } : undefined;
  const m = req.method.toUpperCase();
  if (m === 'OPTIONS' || op.methods.includes(m) || (m === 'HEAD' && op.methods.includes('GET'))) return undefined;
  return { status: 405, code: 'method-not-allowed', detail: `${m} is not allowed here; this resource allows ${op.methods.join(', ')}`, allow: op.methods, path: sent };
}

/**
 * Middleware: refuses by `pathRefusal`, with `Allow` set on a 405, through the channel's own
 * `refuse` (which writes the answer in the channel's form, or calls next with an error).
 */
export function strictPaths(
  operations: readonly ChannelOperation[],
  refuse: (refusal: PathRefusal, req: Request, res: Response, next: NextFunction) => void,
  opts: { unknownIsNotFound?: boolean } = {},
): RequestHandler {
  const compiled = compileOperations(operations);
  return (req, res, next) => {
    const refusal = pathRefusal(req, compiled, opts);
    if (!refusal) return next();
    if (refusal.status === 405) res.setHeader('Allow', refusal.allow.join(', '));
    refuse(refusal, req, res, next);
  };
}

function climbs(path: string): boolean {
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // undecodable: judged as sent
  }
  return /(^|[/\\])\.\.([/\\]|$)/.test(decoded);
}
