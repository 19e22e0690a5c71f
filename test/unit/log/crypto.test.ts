import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import {
  decryptPayload,
  digestMatches,
  encryptPayload,
  normaliseBsn,
  payloadDigest,
  subjectHash,
  subjectHashCandidates,
  type EncryptedPayload,
} from '../../../src/log/crypto.js';
import { generateMasterKey, keyRingFrom, parseMasterKey } from '../../../src/log/keys.js';

const newMaster = (): Buffer => parseMasterKey(generateMasterKey());
const ring = keyRingFrom(newMaster());
const SECRET = Buffer.from('<bericht><bsn>999993653</bsn><naam>Testpersoon</naam></bericht>');
const AAD = '["knooppunt/payload/v1",1,"m-1","raw",null,"application/xml"]';

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a throw');
}

describe('payload encryption', () => {
  it('round-trips and does not contain the plaintext', () => {
    const enc = encryptPayload(ring, SECRET, AAD);
    expect(enc.keyId).toBe(ring.current.id);
    expect(enc.iv).toHaveLength(12);
    expect(enc.authTag).toHaveLength(16);
    expect(enc.ciphertext.includes(Buffer.from('999993653'))).toBe(false);
    expect(decryptPayload(ring, enc, AAD)).toEqual(SECRET);
  });

  it('round-trips an empty payload', () => {
    const enc = encryptPayload(ring, Buffer.alloc(0), AAD);
    expect(decryptPayload(ring, enc, AAD)).toEqual(Buffer.alloc(0));
  });

  it('uses a fresh iv every time', () => {
    const a = encryptPayload(ring, SECRET, AAD);
    const b = encryptPayload(ring, SECRET, AAD);
    expect(a.iv.equals(b.iv)).toBe(false);
    expect(a.ciphertext.equals(b.ciphertext)).toBe(false);
  });

  const flip = (b: Buffer, i = 0): Buffer => {
    const c = Buffer.from(b);
    c[i] = (c[i] ?? 0) ^ 0x01;
    return c;
  };

  it.each<[string, (e: EncryptedPayload) => EncryptedPayload]>([
    ['a ciphertext bit', (e) => ({ ...e, ciphertext: flip(e.ciphertext, 5) })],
    ['the auth tag', (e) => ({ ...e, authTag: flip(e.authTag) })],
    ['the iv', (e) => ({ ...e, iv: flip(e.iv) })],
    ['a truncated ciphertext', (e) => ({ ...e, ciphertext: e.ciphertext.subarray(0, e.ciphertext.length - 1) })],
    ['a truncated tag', (e) => ({ ...e, authTag: e.authTag.subarray(0, 12) })],
  ])('detects tampering with %s, without leaking the plaintext', (_what, mutate) => {
    const enc = encryptPayload(ring, SECRET, AAD);
    const err = errorOf(() => decryptPayload(ring, mutate(enc), AAD));
    expect(err.message).toMatch(/authentication failed/);
    expect(err.message).not.toContain('999993653');
  });

  it('detects a ciphertext moved to another message or kind (aad binding)', () => {
    const enc = encryptPayload(ring, SECRET, AAD);
    expect(() => decryptPayload(ring, enc, AAD.replace('m-1', 'm-2'))).toThrow(/authentication failed/);
    expect(() => decryptPayload(ring, enc, AAD.replace('"raw"', '"mapped"'))).toThrow(/authentication failed/);
  });

  it('refuses an unknown key id and the wrong key', () => {
    const enc = encryptPayload(ring, SECRET, AAD);
    expect(() => decryptPayload(ring, { ...enc, keyId: 'deadbeef' }, AAD)).toThrow(/unknown key id deadbeef/);
    const other = keyRingFrom(newMaster());
    // Same id, different key: what a mixed-up deployment would look like.
    other.byId.set(enc.keyId, { id: enc.keyId, key: other.current.key });
    expect(() => decryptPayload(other, enc, AAD)).toThrow(/authentication failed/);
  });

  it('decrypts old payloads after a key rotation', () => {
    const oldMaster = newMaster();
    const oldRing = keyRingFrom(oldMaster);
    const enc = encryptPayload(oldRing, SECRET, AAD);
    const rotated = keyRingFrom(newMaster(), [oldMaster]);
    expect(rotated.current.id).not.toBe(enc.keyId);
    expect(decryptPayload(rotated, enc, AAD)).toEqual(SECRET);
    expect(encryptPayload(rotated, SECRET, AAD).keyId).toBe(rotated.current.id);
    // Without the previous key it is unreadable.
    expect(() => decryptPayload(keyRingFrom(newMaster()), enc, AAD)).toThrow(/unknown key id/);
  });
});

describe('BSN handling', () => {
  it('normalises separators and 8-digit BSNs', () => {
    expect(normaliseBsn(' 9999.93.653 ')).toBe('999993653');
    expect(normaliseBsn('99999-3653')).toBe('999993653');
    expect(normaliseBsn('12345672')).toBe('012345672');
  });

  it('hashes with a key: stable, hex, not the BSN, different per key', () => {
    const h = subjectHash(ring, '999993653');
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(h).not.toContain('999993653');
    expect(subjectHash(ring, '9999 93 653')).toBe(h);
    expect(subjectHash(ring, '999990627')).not.toBe(h);
    expect(subjectHash(keyRingFrom(newMaster()), '999993653')).not.toBe(h);
    // Not a plain (guessable) hash of the BSN.
    expect(h).not.toBe(createHash('sha256').update('999993653').digest('hex'));
  });

  it('refuses a non-BSN without echoing it', () => {
    const err = errorOf(() => subjectHash(ring, 'BSN 999993653X'));
    expect(err.message).not.toContain('999993653');
    expect(() => subjectHash(ring, '')).toThrow(/not a BSN/);
  });

  it('yields candidate hashes under the previous hash keys', () => {
    const oldMaster = newMaster();
    const oldHash = subjectHash(keyRingFrom(oldMaster), '999993653');
    const rotated = keyRingFrom(newMaster(), [oldMaster]);
    expect(subjectHashCandidates(rotated, '999993653')).toEqual([subjectHash(rotated, '999993653'), oldHash]);
  });
});

describe('payload digest', () => {
  it('is keyed, so a small payload cannot be confirmed by guessing', () => {
    const small = Buffer.from('999993653');
    const d = payloadDigest(ring, small);
    expect(d).toMatch(/^[0-9a-f]{64}$/);
    expect(d).toBe(payloadDigest(ring, Buffer.from('999993653')));
    expect(d).not.toBe(createHash('sha256').update(small).digest('hex'));
    expect(d).not.toBe(payloadDigest(keyRingFrom(newMaster()), small));
    // Domain-separated from the subject hash of the same digits.
    expect(d).not.toBe(subjectHash(ring, '999993653'));
  });

  it('matches under the current or a previous key only', () => {
    const oldMaster = newMaster();
    const d = payloadDigest(keyRingFrom(oldMaster), SECRET);
    expect(digestMatches(keyRingFrom(newMaster(), [oldMaster]), SECRET, d)).toBe(true);
    expect(digestMatches(keyRingFrom(newMaster()), SECRET, d)).toBe(false);
    expect(digestMatches(ring, SECRET, payloadDigest(ring, SECRET))).toBe(true);
    expect(digestMatches(ring, Buffer.from('other'), payloadDigest(ring, SECRET))).toBe(false);
    expect(digestMatches(ring, SECRET, 'short')).toBe(false);
  });
});
