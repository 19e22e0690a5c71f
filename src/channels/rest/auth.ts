import type { NextFunction, Request, Response } from 'express';
import type { ClientCertificatePolicy } from '../../parties/certificates.js';
import { requestCertificate } from '../../parties/certificates.js';
import type { AuthResult, Party, PartyRegistry } from '../../parties/registry.js';
import { HttpProblem } from './problem.js';

export interface AuthenticatedLocals {
  party: Party;
}

/**
 * Runs before a username and password are checked with scrypt: answers (429, in the channel's
 * form) and returns true when the client address has used up its attempts; false to go on.
 */
export type PasswordGate = (req: Request, res: Response, username: string, password: string) => Promise<boolean>;

/** One credential header: `Authorization` (Bearer or Basic). An `X-Api-Key` header is not read. */
function presentedKey(req: Request): string | undefined {
  const auth = req.get('authorization');
  if (!auth) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(auth);
  return m ? m[1] : undefined;
}

/** HTTP Basic (RFC 7617): username and password, split at the first colon; undefined when the header is not Basic. */
export function basicCredentials(req: Request): { username: string; password: string } | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]{1,2048})$/i.exec(req.get('authorization') ?? '');
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon <= 0 ? undefined : { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

const MESSAGES: Partial<Record<Extract<AuthResult, { ok: false }>['reason'], string>> = {
  'certificate-expired': 'The client certificate has expired',
  'certificate-not-yet-valid': 'The client certificate is not valid yet',
  'certificate-untrusted': 'The client certificate is not issued by a trusted CA',
  'certificate-revoked': 'The client certificate has been revoked',
  'certificate-unreadable': 'The client certificate cannot be read',
  'unknown-certificate': 'The client certificate belongs to no registered party',
};

/**
 * Every call is made by a known party; `res.locals.party` is who, for all later checks. A party proves
 * it with an API key, a client certificate (our own TLS listener or a trusted proxy's header), or both
 * where its registration asks for both.
 */
export function authenticate(
  parties: PartyRegistry,
  onRefused: (req: Request, result: Extract<AuthResult, { ok: false }>) => void,
  certificates?: ClientCertificatePolicy,
  onCertificate?: (party: Party, cert: NonNullable<Extract<AuthResult, { ok: true }>['certificate']>) => void,
  passwordGate?: PasswordGate,
) {
  const check = (req: Request, res: Response, next: NextFunction, basic: ReturnType<typeof basicCredentials>): void => {
    const result = basic
      ? parties.authenticatePassword(basic.username, basic.password, requestCertificate(req, certificates))
      : parties.authenticate(presentedKey(req), requestCertificate(req, certificates) ?? legacyFingerprint(req, certificates));
    if (!result.ok) {
      onRefused(req, result);
      const status = result.reason === 'certificate-mismatch' || result.reason === 'certificate-required' ? 403 : 401;
      const detail = MESSAGES[result.reason] ?? (status === 401 ? 'A valid API key, username and password, or client certificate is required (Authorization: Bearer <key> or Basic)' : 'The client certificate does not belong to this party');
      next(new HttpProblem(status, result.reason, detail));
      return;
    }
    if (result.certificate) onCertificate?.(result.party, result.certificate);
    (res.locals as AuthenticatedLocals).party = result.party;
    next();
  };
  return (req: Request, res: Response, next: NextFunction): void => {
    const basic = basicCredentials(req);
    if (!basic || !passwordGate) return check(req, res, next, basic);
    passwordGate(req, res, basic.username, basic.password).then((answered) => {
      if (!answered) check(req, res, next, basic);
    }, next);
  };
}

/** Without a certificate policy, a TLS peer certificate Node itself authorised still counts by fingerprint (as before). */
function legacyFingerprint(req: Request, policy: ClientCertificatePolicy | undefined): string | undefined {
  if (policy) return undefined;
  const socket = req.socket as { getPeerCertificate?: () => { fingerprint256?: string }; authorized?: boolean };
  if (typeof socket.getPeerCertificate !== 'function' || !socket.authorized) return undefined;
  return socket.getPeerCertificate().fingerprint256;
}
