import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { ConsoleRole, ConsoleUserConfig } from '../../config/types.js';
import { HttpProblem } from '../../channels/rest/problem.js';
import { readSessionCookie } from './cookie.js';
import { CSRF_HEADER, csrfMatches, needsCsrf } from './csrf.js';
import { may, type ConsolePermission } from './roles.js';
import type { ConsoleSessions } from './sessions.js';

export interface ConsoleUser {
  id: string;
  name: string;
  role: ConsoleRole;
}

export interface SignedIn {
  user: ConsoleUser;
  sessionId: string;
  csrfToken: string;
}

const LOCALS_KEY = 'consoleSession';

/** The signed-in user of a request that passed `requireSession`. */
export function signedIn(res: Response): SignedIn {
  const s = res.locals[LOCALS_KEY] as SignedIn | undefined;
  if (!s) throw new HttpProblem(401, 'not-signed-in', 'Sign in to the console first');
  return s;
}

/**
 * Session and CSRF checks for the console. The user's name and role are read from the
 * configuration on every request, so a user removed or given another role takes effect at once.
 */
export function consoleGuard(sessions: ConsoleSessions, users: readonly ConsoleUserConfig[]) {
  const byId = new Map(users.map((u) => [u.id, u]));

  const requireSession: RequestHandler = async (req: Request, res: Response, next: NextFunction) => {
    const sessionId = readSessionCookie(req);
    const session = await sessions.touch(sessionId);
    const config = session ? byId.get(session.userId) : undefined;
    if (!session || !config || !sessionId) throw new HttpProblem(401, 'not-signed-in', 'Sign in to the console first (or the session ended after 30 minutes idle)');
    // State-changing requests must prove they come from the console's own page.
    if (needsCsrf(req.method) && !csrfMatches(session.csrfToken, req.get(CSRF_HEADER))) {
      throw new HttpProblem(403, 'csrf', `Send the session's CSRF token in the ${CSRF_HEADER} header`);
    }
    const signed: SignedIn = { user: { id: config.id, name: config.name, role: config.role }, sessionId, csrfToken: session.csrfToken };
    res.locals[LOCALS_KEY] = signed;
    next();
  };

  const requirePermission =
    (permission: ConsolePermission): RequestHandler =>
    (_req, res, next) => {
      const { user } = signedIn(res);
      if (!may(user.role, permission)) throw new HttpProblem(403, 'forbidden', `The role '${user.role}' may not do this`);
      next();
    };

  return { requireSession, requirePermission, userById: (id: string) => byId.get(id) };
}
