import { randomBytes, timingSafeEqual } from 'node:crypto';

/** The header a console page sends on every state-changing request. */
export const CSRF_HEADER = 'X-CSRF-Token';

/** Methods that change nothing and so need no CSRF token. */
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

export function newCsrfToken(): string {
  return randomBytes(32).toString('base64url');
}

export function needsCsrf(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}

/**
 * The synchroniser-token check: the token sent must equal the session's. Constant-time so that a
 * page on another origin cannot learn the token byte by byte (it cannot read it: SameSite=Strict
 * plus a custom header, which a cross-site form cannot send).
 */
export function csrfMatches(expected: string, sent: string | undefined): boolean {
  if (typeof sent !== 'string' || sent.length === 0) return false;
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(sent, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
