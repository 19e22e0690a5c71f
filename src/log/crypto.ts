import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { KeyRing } from './keys.js';

/** What is stored for one encrypted payload (columns key_id, iv, auth_tag, ciphertext). */
export interface EncryptedPayload {
  keyId: string;
  iv: Buffer;
  authTag: Buffer;
  ciphertext: Buffer;
}

const IV_BYTES = 12; // the GCM standard nonce size; random per payload
const TAG_BYTES = 16;

// Domain separation: the same hash key serves BSNs and payload digests, so the inputs are prefixed
// to make a BSN hash and a digest of a 9-byte payload "999993653" unrelated.
const BSN_DOMAIN = 'knooppunt/v1/bsn\0';
const DIGEST_DOMAIN = 'knooppunt/v1/payload\0';

/** Encrypts with the ring's current key (AES-256-GCM). `aad` binds the ciphertext to where it belongs. */
export function encryptPayload(ring: KeyRing, plaintext: Buffer, aad: string): EncryptedPayload {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', ring.current.key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { keyId: ring.current.id, iv, authTag: cipher.getAuthTag(), ciphertext };
}

/**
 * Decrypts and authenticates. Throws when the key is unknown or when ciphertext, tag, iv or the
 * binding (aad) was altered; the error never contains payload bytes.
 */
export function decryptPayload(ring: KeyRing, row: EncryptedPayload, aad: string): Buffer {
  const dk = ring.byId.get(row.keyId);
  if (!dk) throw new Error(`payload was encrypted with unknown key id ${row.keyId} (missing previous master key?)`);
  if (row.iv.length !== IV_BYTES || row.authTag.length !== TAG_BYTES) {
    throw new Error('payload authentication failed: malformed iv or auth tag');
  }
  const decipher = createDecipheriv('aes-256-gcm', dk.key, row.iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(row.authTag);
  try {
    return Buffer.concat([decipher.update(row.ciphertext), decipher.final()]);
  } catch {
    // Node's message ("unable to authenticate data") is opaque; say what it means for an operator.
    throw new Error('payload authentication failed: ciphertext, tag or binding was altered, or the key is wrong');
  }
}

/**
 * The 9-digit form of a BSN: separators (space, dot, hyphen) removed, an 8-digit BSN left-padded
 * with 0 as the iStandaarden do. Does not apply the elfproef: that is validation, not identity.
 * The error never contains the input.
 */
export function normaliseBsn(bsn: string): string {
  const digits = bsn.trim().replace(/[\s.-]/g, '');
  if (!/^\d{8,9}$/.test(digits)) throw new Error('not a BSN: expected 8 or 9 digits');
  return digits.padStart(9, '0');
}

function hmacHex(key: Buffer, domain: string, data: Buffer | string): string {
  return createHmac('sha256', key).update(domain, 'utf8').update(data).digest('hex');
}

/** Keyed hash of a citizen's BSN (HMAC-SHA256 hex): the only form in which a BSN is indexed. */
export function subjectHash(ring: KeyRing, bsn: string): string {
  return hmacHex(ring.hashKey, BSN_DOMAIN, normaliseBsn(bsn));
}

/** The subject hash under the current and every previous hash key, for lookups across a rotation. */
export function subjectHashCandidates(ring: KeyRing, bsn: string): string[] {
  const n = normaliseBsn(bsn);
  return [ring.hashKey, ...ring.previousHashKeys].map((k) => hmacHex(k, BSN_DOMAIN, n));
}

/** Keyed digest of a payload: proves integrity without letting anyone confirm a guessed small payload. */
export function payloadDigest(ring: KeyRing, plaintext: Buffer): string {
  return hmacHex(ring.hashKey, DIGEST_DOMAIN, plaintext);
}

/** True when `digest` matches `plaintext` under the current or a previous hash key. Constant-time compare. */
export function digestMatches(ring: KeyRing, plaintext: Buffer, digest: string): boolean {
  const given = Buffer.from(digest, 'utf8');
  return [ring.hashKey, ...ring.previousHashKeys].some((k) => {
    const expected = Buffer.from(hmacHex(k, DIGEST_DOMAIN, plaintext), 'utf8');
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
}
