import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Console passwords: scrypt with N=2^15, r=8, p=1 (the OWASP minimum for scrypt), a 16-byte salt
 * and a 32-byte hash, stored as `scrypt$<salt b64>$<hash b64>`. The password itself is never stored.
 */
const PARAMS: ScryptOptions = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const SALT_BYTES = 16;
const HASH_BYTES = 32;
const FORMAT = /^scrypt\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

function derive(password: string, salt: Buffer, length: number): Promise<Buffer> {
  // Async: scrypt takes tens of milliseconds and must not hold the event loop of a gateway.
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, length, PARAMS, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function hashPassword(password: string): Promise<string> {
  if (password.length === 0) throw new Error('a password may not be empty');
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(password, salt, HASH_BYTES);
  return `scrypt$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export function isPasswordHash(value: string): boolean {
  return FORMAT.test(value);
}

/** A hash no password matches: verified against when the user is unknown, so timing does not reveal which ids exist. */
const UNKNOWN_USER_HASH = `scrypt$${Buffer.alloc(SALT_BYTES).toString('base64')}$${Buffer.alloc(HASH_BYTES).toString('base64')}`;

/** Constant-time comparison of the derived hash; false (never a throw) for a malformed stored hash. */
export async function verifyPassword(password: string, stored: string | undefined): Promise<boolean> {
  const known = FORMAT.exec(stored ?? '');
  const m = known ?? FORMAT.exec(UNKNOWN_USER_HASH)!;
  const salt = Buffer.from(m[1]!, 'base64');
  const expected = Buffer.from(m[2]!, 'base64');
  if (expected.length === 0) return false;
  const actual = await derive(typeof password === 'string' ? password : '', salt, expected.length);
  return timingSafeEqual(actual, expected) && known !== null;
}
