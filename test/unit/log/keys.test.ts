import { describe, expect, it } from '@jest/globals';
import { generateMasterKey, keyRingFrom, parseMasterKey } from '../../../src/log/keys.js';

describe('master key parsing', () => {
  it('accepts a generated base64 key and the same key as hex', () => {
    const b64 = generateMasterKey();
    expect(b64).toHaveLength(44);
    const key = parseMasterKey(b64);
    expect(key).toHaveLength(32);
    expect(parseMasterKey(key.toString('hex'))).toEqual(key);
    expect(parseMasterKey(key.toString('hex').toUpperCase())).toEqual(key);
    expect(parseMasterKey(`  ${b64}\n`)).toEqual(key); // env files often carry a newline
    expect(parseMasterKey(key.toString('base64url'))).toEqual(key);
  });

  it('generates a different key each time', () => {
    expect(generateMasterKey()).not.toBe(generateMasterKey());
  });

  it.each([
    ['empty', ''],
    ['too short base64', Buffer.alloc(16, 7).toString('base64')],
    ['too long hex', 'ab'.repeat(33)],
    ['31 bytes hex', 'ab'.repeat(31)],
    ['not base64', 'this-is-not-a-key-but-it-is-44-chars-long!!'],
    ['a passphrase', 'correct horse battery staple'],
  ])('rejects %s without echoing the value', (_name, value) => {
    let message = '';
    try {
      parseMasterKey(value);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/master key is not valid/);
    if (value.length > 3) expect(message).not.toContain(value);
  });

  it('rejects a constant placeholder key', () => {
    expect(() => parseMasterKey('0'.repeat(64))).toThrow(/constant/);
    expect(() => parseMasterKey(Buffer.alloc(32, 0xff).toString('base64'))).toThrow(/constant/);
  });
});

describe('key ring', () => {
  const master = parseMasterKey(generateMasterKey());

  it('derives separate encryption and hashing keys, neither equal to the master', () => {
    const ring = keyRingFrom(master);
    expect(ring.current.key).toHaveLength(32);
    expect(ring.hashKey).toHaveLength(32);
    expect(ring.current.key.equals(master)).toBe(false);
    expect(ring.hashKey.equals(master)).toBe(false);
    expect(ring.hashKey.equals(ring.current.key)).toBe(false);
  });

  it('is deterministic and has a short id that is not key material', () => {
    const a = keyRingFrom(master);
    const b = keyRingFrom(Buffer.from(master));
    expect(a.current.id).toMatch(/^[0-9a-f]{8}$/);
    expect(a.current.id).toBe(b.current.id);
    expect(a.current.key).toEqual(b.current.key);
    expect(a.hashKey).toEqual(b.hashKey);
    expect(master.toString('hex')).not.toContain(a.current.id);
    expect(a.current.key.toString('hex')).not.toContain(a.current.id);
    expect(keyRingFrom(parseMasterKey(generateMasterKey())).current.id).not.toBe(a.current.id);
  });

  it('keeps previous keys for decryption and previous hash keys for lookups', () => {
    const old1 = parseMasterKey(generateMasterKey());
    const old2 = parseMasterKey(generateMasterKey());
    const ring = keyRingFrom(master, [old1, old2, old1, master]);
    expect(ring.byId.size).toBe(3);
    expect(ring.byId.get(ring.current.id)).toBe(ring.current);
    expect(ring.byId.get(keyRingFrom(old1).current.id)?.key).toEqual(keyRingFrom(old1).current.key);
    expect(ring.previousHashKeys).toEqual([keyRingFrom(old1).hashKey, keyRingFrom(old2).hashKey]);
    expect(ring.hashKey).toEqual(keyRingFrom(master).hashKey);
  });

  it('refuses a master of the wrong length', () => {
    expect(() => keyRingFrom(Buffer.alloc(16, 1))).toThrow(/32 bytes/);
  });
});
