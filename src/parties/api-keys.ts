import { createHash, randomBytes } from 'node:crypto';

/** API keys are stored only as SHA-256: they are long random strings, so a plain hash is enough. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function generateApiKey(): string {
  return `kp_${randomBytes(32).toString('base64url')}`;
}

/** Normalise a certificate fingerprint to upper-case hex without colons. */
export function normaliseFingerprint(fp: string): string {
  return fp.replace(/:/g, '').toUpperCase();
}
