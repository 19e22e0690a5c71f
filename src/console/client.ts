/**
 * A small client of the console's admin API, for CLI commands that must not open the store
 * themselves while a gateway runs on it (an embedded data directory is locked by its gateway).
 * Signs in as a console user, does one request, signs out.
 */
import { CSRF_HEADER } from './auth/csrf.js';
import { SESSION_COOKIE } from './auth/cookie.js';

export class AdminApiError extends Error {
  override readonly name = 'AdminApiError';
}

export async function withConsoleSession<T>(
  baseUrl: string,
  credentials: { user: string; password: string },
  fn: (get: (path: string) => Promise<unknown>) => Promise<T>,
  fetchImpl: typeof fetch = fetch,
): Promise<T> {
  const base = baseUrl.replace(/\/+$/, '');
  const signIn = await fetchImpl(`${base}/console/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(credentials),
  });
  if (!signIn.ok) throw new AdminApiError(`sign-in to ${base} failed: ${signIn.status} ${await problemText(signIn)}`);
  const csrf = ((await signIn.json()) as { csrfToken?: string }).csrfToken ?? '';
  const cookie = (signIn.headers.getSetCookie?.() ?? [signIn.headers.get('set-cookie') ?? ''])
    .map((c) => c.split(';')[0]!.trim())
    .find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  if (!cookie) throw new AdminApiError(`sign-in to ${base} gave no session cookie`);
  try {
    return await fn(async (path) => {
      const res = await fetchImpl(`${base}/console/api${path}`, { headers: { cookie } });
      if (!res.ok) throw new AdminApiError(`${path}: ${res.status} ${await problemText(res)}`);
      return res.json() as Promise<unknown>;
    });
  } finally {
    await fetchImpl(`${base}/console/api/session`, { method: 'DELETE', headers: { cookie, [CSRF_HEADER]: csrf } }).catch(() => undefined);
  }
}

async function problemText(res: Response): Promise<string> {
  try {
    const p = (await res.json()) as { detail?: string; code?: string };
    return p.detail ?? p.code ?? '';
  } catch {
    return '';
  }
}
