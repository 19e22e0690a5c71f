import { describe, expect, it } from '@jest/globals';
import { hashPassword, isPasswordHash, verifyPassword } from '../../../src/console/auth/passwords.js';

describe('console passwords (scrypt)', () => {
  it('hashes to scrypt$salt$hash and verifies only the right password', async () => {
    const hash = await hashPassword('correct horse battery staple');
    expect(isPasswordHash(hash)).toBe(true);
    expect(hash).not.toContain('correct');
    await expect(verifyPassword('correct horse battery staple', hash)).resolves.toBe(true);
    await expect(verifyPassword('correct horse battery stapler', hash)).resolves.toBe(false);
    await expect(verifyPassword('', hash)).resolves.toBe(false);
  });

  it('salts: the same password hashes differently each time', async () => {
    const [a, b] = await Promise.all([hashPassword('geheim'), hashPassword('geheim')]);
    expect(a).not.toBe(b);
    await expect(verifyPassword('geheim', a)).resolves.toBe(true);
    await expect(verifyPassword('geheim', b)).resolves.toBe(true);
  });

  it('is false, never a throw, for an unknown user or a malformed stored hash', async () => {
    await expect(verifyPassword('anything', undefined)).resolves.toBe(false);
    await expect(verifyPassword('anything', 'sha256$abc')).resolves.toBe(false);
    await expect(verifyPassword('anything', 'scrypt$$')).resolves.toBe(false);
  });

  it('refuses to hash an empty password', async () => {
    await expect(hashPassword('')).rejects.toThrow(/empty/);
  });

  it('the demo users in config/knooppunt.yaml have their id as password', async () => {
    const { loadConfig } = await import('../../../src/config/load.js');
    const { join } = await import('node:path');
    const { projectRoot } = await import('../../../src/util/paths.js');
    const users = loadConfig(join(projectRoot(), 'config', 'knooppunt.yaml')).console?.users ?? [];
    expect(users.map((u) => [u.id, u.role])).toEqual([['demo-beheer', 'beheerder'], ['demo-privacy', 'privacy'], ['demo-audit', 'auditor']]);
    for (const u of users) await expect(verifyPassword(u.id, u.passwordHash)).resolves.toBe(true);
  });
});
