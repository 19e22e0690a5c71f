import type { Request, Response } from 'express';

export const SESSION_COOKIE = 'kp_console';
const COOKIE_PATH = '/console';

/** The session id from the Cookie header (no cookie-parser: one cookie is all the console reads). */
export function readSessionCookie(req: Request): string | undefined {
  const header = req.get('cookie');
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    const value = part.slice(eq + 1).trim();
    return /^[A-Za-z0-9_-]{16,200}$/.test(value) ? value : undefined;
  }
  return undefined;
}

/**
 * Where the console's session cookie gets `Secure`: a request over our own TLS listener, or one that
 * came through a configured trusted proxy (KNOOPPUNT_TRUSTED_PROXIES) saying `X-Forwarded-Proto:
 * https`. The header from any other address does not count: anyone can send it.
 */
export class CookiePolicy {
  private readonly trusted: ReadonlySet<string>;

  constructor(trustedProxies: readonly string[] = []) {
    this.trusted = new Set(trustedProxies.map(normaliseAddress));
  }

  secure(req: Request): boolean {
    if ((req.socket as { encrypted?: boolean }).encrypted === true) return true;
    if (!this.trusted.has(normaliseAddress(req.socket.remoteAddress))) return false;
    return (req.get('x-forwarded-proto') ?? '').split(',')[0]?.trim().toLowerCase() === 'https';
  }

  /**
   * HttpOnly (no script reads it), SameSite=Strict (never sent from another site's page),
   * Path=/console (never sent to the party APIs). No Max-Age: the session ends server-side.
   */
  set(req: Request, res: Response, sessionId: string): void {
    res.append('Set-Cookie', `${SESSION_COOKIE}=${sessionId}; Path=${COOKIE_PATH}; HttpOnly; SameSite=Strict${this.secure(req) ? '; Secure' : ''}`);
  }

  clear(req: Request, res: Response): void {
    res.append(
      'Set-Cookie',
      `${SESSION_COOKIE}=; Path=${COOKIE_PATH}; HttpOnly; SameSite=Strict; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT${this.secure(req) ? '; Secure' : ''}`,
    );
  }
}

function normaliseAddress(a: string | undefined): string {
  if (!a) return '';
  return a.startsWith('::ffff:') ? a.slice(7) : a;
}
