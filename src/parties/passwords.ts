/**
 * Username/password credentials of a party (HTTP Basic, WS-Security UsernameToken): stored only as
 * a salted scrypt hash (`scrypt$<N>$<r>$<p>$<salt b64>$<hash b64>`), compared in constant time.
 * Generic: any channel that receives a username and a password asks the registry, which uses this.
 *
 * scrypt costs milliseconds on purpose; a successful check is remembered for a few minutes (by a
 * keyed digest of username and password, never the password itself) so that a client sending
 * its credentials on every call does not pay that cost on every call.
 */
import { createHmac, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

const N = 16384;
const R = 8;
const P = 1;
const KEYLEN = 32;
const FORMAT = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/;

/** The stored form of a password (for `knooppunt hash-password` and the configuration). */
export function hashPassword(password: string, salt: Buffer = randomBytes(16)): string {
  const hash = scryptSync(password.normalize('NFC'), salt, KEYLEN, { N, r: R, p: P });
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/** Is this a stored hash knooppunt can check? (For the configuration check at start.) */
export function isPasswordHash(stored: string): boolean {
  const m = FORMAT.exec(stored);
  return m !== null && Number(m[1]) >= 1024 && Number(m[1]) <= 1048576 && Number(m[2]) <= 32 && Number(m[3]) <= 16;
}

/** scrypt runs of {@link verifyPassword} (what the flood test counts). */
export const passwordHashCounts = { runs: 0 };

/** Does `password` match `stored`? Constant-time in the comparison; false for a malformed hash. */
export function verifyPassword(password: string, stored: string): boolean {
  const m = FORMAT.exec(stored);
  if (!m || !isPasswordHash(stored)) return false;
  const expected = Buffer.from(m[5]!, 'base64');
  if (expected.length < 16) return false;
  passwordHashCounts.runs++;
  const actual = scryptSync(password.normalize('NFC'), Buffer.from(m[4]!, 'base64'), expected.length, { N: Number(m[1]), r: Number(m[2]), p: Number(m[3]), maxmem: 256 * Number(m[1]) * Number(m[2]) + 1024 * 1024 });
  return timingSafeEqual(actual, expected);
}

/** Remembers successful checks for `ttlMs`, keyed by an HMAC (process-local key) of the stored hash and the password. */
export class PasswordCheckCache {
  private readonly key = randomBytes(32);
  private readonly ok = new Map<string, number>();

  constructor(
    private readonly ttlMs = 5 * 60_000,
    private readonly max = 10_000,
  ) {}

  /** Would `check` answer from memory (no scrypt run)? */
  remembered(password: string, stored: string, now = Date.now()): boolean {
    const until = this.ok.get(this.idOf(password, stored));
    return until !== undefined && until > now;
  }

  private idOf(password: string, stored: string): string {
    return createHmac('sha256', this.key).update(stored).update('\u0000').update(password).digest('base64');
  }

  check(password: string, stored: string, now = Date.now()): boolean {
    const id = this.idOf(password, stored);
    const until = this.ok.get(id);
    if (until !== undefined && until > now) return true;
    if (!verifyPassword(password, stored)) return false;
    if (this.ok.size >= this.max) this.ok.delete(this.ok.keys().next().value as string);
    this.ok.set(id, now + this.ttlMs);
    return true;
  }
}
