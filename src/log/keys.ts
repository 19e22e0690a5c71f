import { createHmac, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Key material for the exchange log. One 32-byte master key (KNOOPPUNT_MASTER_KEY or similar)
 * is expanded with HKDF into independent subkeys, so the encryption key and the keyed-hash key
 * never share bytes: leaking a digest can never help an attack on the ciphertexts.
 */
export interface DataKey {
  /** Short stable identifier stored next to each ciphertext; derived from the key, never the key itself. */
  id: string;
  key: Buffer;
}

export interface KeyRing {
  /** Encrypts everything new. */
  current: DataKey;
  /** Every key that may still decrypt (current + previous), by id. */
  byId: Map<string, DataKey>;
  /** HMAC key for BSN subject hashes and payload digests (derived from the current master). */
  hashKey: Buffer;
  /**
   * Hash keys of previous masters, newest first. Subject hashes and digests written before a
   * rotation were made with these, so lookups and digest checks try them too.
   */
  previousHashKeys: Buffer[];
  /**
   * HMAC keys for log checkpoints (the head anchored outside the database), current first, then
   * those of previous masters: a checkpoint written before a rotation still verifies.
   */
  anchorKeys: DataKey[];
}

const MASTER_KEY_BYTES = 32;
// Fixed salt: the master key is already uniformly random, the salt only separates this application.
const HKDF_SALT = Buffer.from('knooppunt/exchange-log', 'utf8');
const INFO_ENCRYPTION = 'knooppunt/v1/payload-encryption';
const INFO_HASHING = 'knooppunt/v1/keyed-hash';
const INFO_ANCHOR = 'knooppunt/v1/log-checkpoint';

/**
 * Parses a master key given as 64 hex characters or base64 (44 characters; base64url and a
 * missing padding are tolerated). Errors never echo the value: it is a secret.
 */
export function parseMasterKey(value: string): Buffer {
  const v = value.trim();
  let key: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(v)) {
    key = Buffer.from(v, 'hex');
  } else if (/^[A-Za-z0-9+/_-]{43}={0,1}$/.test(v)) {
    const b64 = v.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
    const decoded = Buffer.from(b64, 'base64');
    // Round-trip check rejects strings Node would decode leniently (stray bits in the last char).
    if (decoded.length === MASTER_KEY_BYTES && decoded.toString('base64').replace(/=+$/, '') === b64) key = decoded;
  }
  if (!key) {
    throw new Error(
      `master key is not valid: expected exactly ${MASTER_KEY_BYTES} bytes as 64 hex characters or 44 base64 characters ` +
        `(got ${v.length} characters); generate one with \`knooppunt generate-key\``,
    );
  }
  // A constant key (all zeros, all 0xff, ...) is a placeholder left in a config file, not a secret.
  if (key.every((b) => b === key[0])) {
    throw new Error('master key is not valid: it is a constant byte pattern (placeholder?); generate a random one');
  }
  return key;
}

/** A fresh random master key, base64. */
export function generateMasterKey(): string {
  return randomBytes(MASTER_KEY_BYTES).toString('base64');
}

function derive(master: Buffer, info: string): Buffer {
  if (master.length !== MASTER_KEY_BYTES) throw new Error(`master key must be ${MASTER_KEY_BYTES} bytes`);
  return Buffer.from(hkdfSync('sha256', master, HKDF_SALT, info, 32));
}

function dataKeyFrom(master: Buffer): DataKey {
  const key = derive(master, INFO_ENCRYPTION);
  const id = createHmac('sha256', key).update('key-id').digest('hex').slice(0, 8);
  return { id, key };
}

/** The checkpoint key carries the id of its master's data key, so an operator sees one id per master. */
function anchorKeyFrom(master: Buffer): DataKey {
  return { id: dataKeyFrom(master).id, key: derive(master, INFO_ANCHOR) };
}

/**
 * Builds the key ring from the current master key and, after a rotation, the previous ones
 * (newest first) so that older payloads stay readable and older subject hashes findable.
 */
export function keyRingFrom(master: Buffer, previous: Buffer[] = []): KeyRing {
  const current = dataKeyFrom(master);
  const byId = new Map<string, DataKey>([[current.id, current]]);
  const hashKey = derive(master, INFO_HASHING);
  const previousHashKeys: Buffer[] = [];
  const anchorKeys: DataKey[] = [anchorKeyFrom(master)];
  for (const old of previous) {
    const dk = dataKeyFrom(old);
    const existing = byId.get(dk.id);
    if (existing) {
      // Same master listed twice is harmless; a different key with the same id would make decryption ambiguous.
      if (!existing.key.equals(dk.key)) throw new Error(`key id collision (${dk.id}) between master keys; generate a new key`);
      continue;
    }
    byId.set(dk.id, dk);
    previousHashKeys.push(derive(old, INFO_HASHING));
    anchorKeys.push(anchorKeyFrom(old));
  }
  return { current, byId, hashKey, previousHashKeys, anchorKeys };
}
