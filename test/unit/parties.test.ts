import { describe, expect, it } from '@jest/globals';
import { PartyRegistry } from '../../src/parties/registry.js';
import { generateApiKey, hashApiKey } from '../../src/parties/api-keys.js';

const fp = 'AB:'.repeat(31) + 'AB';

describe('party registry', () => {
  const keyA = generateApiKey();
  const keyOld = generateApiKey();
  const keyCert = generateApiKey();
  const registry = new PartyRegistry({
    parties: [
      { id: 'gemeente-0153', kind: 'gemeente', name: 'Enschede', code: '0153', credentials: { apiKeys: [{ id: 'a', sha256: hashApiKey(keyA) }, { id: 'old', sha256: hashApiKey(keyOld), expires: '2020-01-01' }] }, maySend: ['toewijzing'] },
      { id: 'aanbieder-12345678', kind: 'aanbieder', name: 'A', code: '12345678', credentials: { apiKeys: [{ id: 'c', sha256: hashApiKey(keyCert) }], certFingerprints: [fp] } },
    ],
  });

  it('identifies a party by its API key and never by anything else', () => {
    const r = registry.authenticate(keyA);
    expect(r.ok && r.party.id).toBe('gemeente-0153');
    expect(registry.authenticate(undefined)).toEqual({ ok: false, reason: 'missing-credential' });
    expect(registry.authenticate(keyA + 'x')).toEqual({ ok: false, reason: 'unknown-credential' });
    expect(registry.authenticate(hashApiKey(keyA))).toEqual({ ok: false, reason: 'unknown-credential' });
  });

  it('refuses an expired key', () => {
    expect(registry.authenticate(keyOld)).toEqual({ ok: false, reason: 'expired-credential' });
    expect(registry.authenticate(keyOld, undefined, Date.parse('2019-12-31T12:00:00Z')).ok).toBe(true);
  });

  it('requires the registered client certificate when a party has one', () => {
    expect(registry.authenticate(keyCert)).toEqual({ ok: false, reason: 'certificate-required' });
    expect(registry.authenticate(keyCert, 'CD:'.repeat(31) + 'CD')).toMatchObject({ ok: false, reason: 'certificate-mismatch' });
    expect(registry.authenticate(keyCert, fp.toLowerCase()).ok).toBe(true);
  });

  it('finds parties by CBS or AGB code', () => {
    expect(registry.byCode('gemeente', '0153')?.id).toBe('gemeente-0153');
    expect(registry.byCode('aanbieder', '12345678')?.id).toBe('aanbieder-12345678');
    expect(registry.byCode('aanbieder', '0153')).toBeUndefined();
  });
});
