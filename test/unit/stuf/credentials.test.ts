/**
 * Party passwords (src/parties/passwords.ts and the registry): stored only as scrypt hashes, checked
 * in constant time, unique usernames, expiry; HTTP Basic parsing. And the official StUF schema
 * folder setting: a folder that does not hold the official sets fails the start.
 */
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Request } from 'express';
import { basicCredentials } from '../../../src/channels/rest/auth.js';
import { hashPassword, isPasswordHash, PasswordCheckCache, verifyPassword } from '../../../src/parties/passwords.js';
import { PartyRegistry } from '../../../src/parties/registry.js';
import { loadStufValidator } from '../../../src/standards/stuf/validator.js';

const party = (id: string, username: string, scrypt: string, expires?: string) => ({
  id, kind: 'backoffice' as const, name: id, credentials: { apiKeys: [], passwords: [{ id: 'p1', username, scrypt, ...(expires ? { expires } : {}) }] },
});

describe('party passwords', () => {
  const stored = hashPassword('geheim wachtwoord');

  it('stores a salted scrypt hash, never the password', () => {
    expect(stored).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(stored).not.toContain('geheim');
    expect(hashPassword('geheim wachtwoord')).not.toBe(stored);
    expect(isPasswordHash(stored)).toBe(true);
    expect(isPasswordHash('geheim wachtwoord')).toBe(false);
  });

  it('verifies the right password and refuses a wrong or malformed one', () => {
    expect(verifyPassword('geheim wachtwoord', stored)).toBe(true);
    expect(verifyPassword('geheim wachtwoorD', stored)).toBe(false);
    expect(verifyPassword('geheim wachtwoord', 'scrypt$16384$8$1$AAAA$AAAA')).toBe(false);
    expect(verifyPassword('x', 'plain')).toBe(false);
  });

  it('remembers a success, not a failure', () => {
    const cache = new PasswordCheckCache();
    expect(cache.check('fout', stored)).toBe(false);
    expect(cache.check('geheim wachtwoord', stored)).toBe(true);
    expect(cache.check('geheim wachtwoord', stored)).toBe(true);
    expect(cache.check('fout', stored)).toBe(false);
  });

  it('maps a username and password to its party; refuses an unknown user, a wrong password and an expired credential', () => {
    const parties = new PartyRegistry({ parties: [party('a', 'user-a', stored), party('b', 'user-b', stored, '2020-01-01')] });
    const ok = parties.authenticatePassword('user-a', 'geheim wachtwoord');
    expect(ok.ok && ok.party.id).toBe('a');
    expect(parties.authenticatePassword('user-a', 'fout')).toEqual({ ok: false, reason: 'unknown-credential' });
    expect(parties.authenticatePassword('nobody', 'geheim wachtwoord')).toEqual({ ok: false, reason: 'unknown-credential' });
    expect(parties.authenticatePassword('user-b', 'geheim wachtwoord')).toEqual({ ok: false, reason: 'expired-credential' });
  });

  it('refuses a configuration with a username twice or a password that is not a hash', () => {
    expect(() => new PartyRegistry({ parties: [party('a', 'u', stored), party('b', 'u', stored)] })).toThrow(/already/);
    expect(() => new PartyRegistry({ parties: [party('a', 'u', 'geheim')] })).toThrow(/not a scrypt hash/);
  });

  it('reads HTTP Basic, splitting at the first colon', () => {
    const req = (v: string) => ({ get: (h: string) => (h.toLowerCase() === 'authorization' ? v : undefined) }) as unknown as Request;
    expect(basicCredentials(req(`Basic ${Buffer.from('user:pa:ss').toString('base64')}`))).toEqual({ username: 'user', password: 'pa:ss' });
    expect(basicCredentials(req(`Basic ${Buffer.from('nocolon').toString('base64')}`))).toBeUndefined();
    expect(basicCredentials(req('Bearer abc'))).toBeUndefined();
  });
});

describe('KNOOPPUNT_STUF_XSD_DIR', () => {
  it('fails the start when the folder does not hold the official sets', async () => {
    await expect(loadStufValidator({ officialDir: mkdtempSync(join(tmpdir(), 'no-stuf-')) })).rejects.toThrow(/KNOOPPUNT_STUF_XSD_DIR/);
  });
  it('without it, knooppunt validates with its own schemas', async () => {
    const v = await loadStufValidator({});
    expect(v.bron).toBe('knooppunt');
    v.dispose();
  });
});
