import type { TLSSocket } from 'node:tls';
import type { NextFunction, Request, Response } from 'express';
import type { AuthResult, Party, PartyRegistry } from '../../parties/registry.js';
import { HttpProblem } from './problem.js';

export interface AuthenticatedLocals {
  party: Party;
}

function presentedKey(req: Request): string | undefined {
  const auth = req.get('authorization');
  if (auth) {
    const m = /^Bearer\s+(\S+)$/i.exec(auth);
    return m ? m[1] : undefined;
  }
  return req.get('x-api-key') ?? undefined;
}

function clientCertFingerprint(req: Request): string | undefined {
  const socket = req.socket as Partial<TLSSocket>;
  if (typeof socket.getPeerCertificate !== 'function' || !socket.authorized) return undefined;
  const cert = socket.getPeerCertificate();
  return cert && 'fingerprint256' in cert ? cert.fingerprint256 : undefined;
}

/** Every API call is made by a known party; `res.locals.party` is who, for all later checks. */
export function authenticate(parties: PartyRegistry, onRefused: (req: Request, result: Extract<AuthResult, { ok: false }>) => void) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const result = parties.authenticate(presentedKey(req), clientCertFingerprint(req));
    if (!result.ok) {
      onRefused(req, result);
      const status = result.reason === 'certificate-mismatch' || result.reason === 'certificate-required' ? 403 : 401;
      next(new HttpProblem(status, result.reason, status === 401 ? 'A valid API key is required (Authorization: Bearer <key>)' : 'The client certificate does not belong to this party'));
      return;
    }
    (res.locals as AuthenticatedLocals).party = result.party;
    next();
  };
}
