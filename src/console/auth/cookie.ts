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

/** Secure when the request came over TLS (directly or through a proxy that says so). */
function overTls(req: Request): boolean {
  return req.secure || (req.get('x-forwarded-proto') ?? '').split(',')[0]?.trim() === 'https';
}

/**
 * HttpOnly (no script reads it), SameSite=Strict (never sent from another site's page),
 * Path=/console (never sent to the party APIs). No Max-Age: the session ends server-side.
 */
export function setSessionCookie(req: Request, res: Response, sessionId: string): void {
  res.append('Set-Cookie', `${SESSION_COOKIE}=${sessionId}; Path=${COOKIE_PATH}; HttpOnly; SameSite=Strict${overTls(req) ? '; Secure' : ''}`);
}

export function clearSessionCookie(req: Request, res: Response): void {
  res.append(
    'Set-Cookie',
    `${SESSION_COOKIE}=; Path=${COOKIE_PATH}; HttpOnly; SameSite=Strict; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT${overTls(req) ? '; Secure' : ''}`,
  );
}
