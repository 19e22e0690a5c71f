import { describe, expect, it } from '@jest/globals';
import { GENESIS_HASH, eventHash, type ChainedFields } from '../../../src/log/chain.js';

const base: ChainedFields = {
  seq: 1,
  id: '4b0b6a3e-1c6f-4a53-9f1e-0c6c2a1f7d10',
  messageId: '8e6f3b8a-2a0b-4f5e-8d1e-3b2a1c0d9e8f',
  correlationId: 'corr-1',
  eventType: 'received',
  channel: 'istandaarden',
  standard: 'ijw',
  messageType: 'JW301',
  sender: 'zorgaanbieder-12345678',
  receiver: 'gemeente-0363',
  occurredAt: new Date('2026-03-01T10:00:00.123Z'),
  detail: { size: 1234, checks: ['xsd', 'rules'] },
};

describe('event hash', () => {
  it('is a deterministic sha256 hex', () => {
    const h = eventHash(GENESIS_HASH, base);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(eventHash(GENESIS_HASH, { ...base, occurredAt: new Date(base.occurredAt.getTime()) })).toBe(h);
    expect(GENESIS_HASH).toBe('0'.repeat(64));
  });

  const changes: Array<[keyof ChainedFields, unknown]> = [
    ['seq', 2],
    ['id', '4b0b6a3e-1c6f-4a53-9f1e-0c6c2a1f7d11'],
    ['messageId', null],
    ['correlationId', 'corr-2'],
    ['eventType', 'rejected'],
    ['channel', 'rest'],
    ['standard', 'iwmo'],
    ['messageType', 'JW302'],
    ['sender', 'zorgaanbieder-87654321'],
    ['receiver', null],
    ['occurredAt', new Date('2026-03-01T10:00:00.124Z')],
    ['detail', { size: 1235, checks: ['xsd', 'rules'] }],
  ];
  it.each(changes)('changes when %s changes', (field, value) => {
    expect(eventHash(GENESIS_HASH, { ...base, [field]: value })).not.toBe(eventHash(GENESIS_HASH, base));
  });

  it('changes with the previous hash', () => {
    expect(eventHash('f'.repeat(64), base)).not.toBe(eventHash(GENESIS_HASH, base));
  });

  it('ignores detail key order (jsonb reorders) and extra properties on the event', () => {
    const reordered = { ...base, detail: { checks: ['xsd', 'rules'], size: 1234 } };
    expect(eventHash(GENESIS_HASH, reordered)).toBe(eventHash(GENESIS_HASH, base));
    const withExtras = { ...base, prevHash: GENESIS_HASH, hash: 'x' } as ChainedFields;
    expect(eventHash(GENESIS_HASH, withExtras)).toBe(eventHash(GENESIS_HASH, base));
  });

  it('treats undefined optional fields as null, as the database returns them', () => {
    const withUndefined = { ...base, receiver: undefined } as unknown as ChainedFields;
    expect(eventHash(GENESIS_HASH, withUndefined)).toBe(eventHash(GENESIS_HASH, { ...base, receiver: null }));
  });

  it('refuses a malformed previous hash', () => {
    expect(() => eventHash('abc', base)).toThrow(/prevHash/);
    expect(() => eventHash('F'.repeat(64), base)).toThrow(/prevHash/);
  });
});

describe('event hash, fixed-field format 2', () => {
  const v2: ChainedFields = { ...base, chain: 3, hashFormat: 2 };

  it('differs from format 1 and is deterministic', () => {
    const h = eventHash(GENESIS_HASH, v2);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(h).not.toBe(eventHash(GENESIS_HASH, base));
    expect(eventHash(GENESIS_HASH, { ...v2, occurredAt: new Date(base.occurredAt.getTime()) })).toBe(h);
  });

  const changes: Array<[keyof ChainedFields, unknown]> = [
    ['chain', 4], ['seq', 2], ['id', '4b0b6a3e-1c6f-4a53-9f1e-0c6c2a1f7d11'], ['messageId', null], ['correlationId', 'corr-2'], ['eventType', 'accepted'],
    ['channel', 'rest'], ['standard', 'iwmo'], ['messageType', 'JW302'], ['sender', 'zorgaanbieder-87654321'], ['receiver', null],
    ['occurredAt', new Date('2026-03-01T10:00:00.124Z')], ['detail', { size: 1235, checks: ['xsd', 'rules'] }],
  ];
  it.each(changes)('changes when %s changes', (field, value) => {
    expect(eventHash(GENESIS_HASH, { ...v2, [field]: value })).not.toBe(eventHash(GENESIS_HASH, v2));
  });

  it('frames every field: moving text between neighbouring fields changes the hash', () => {
    const a = eventHash(GENESIS_HASH, { ...v2, sender: 'ab', receiver: 'c' });
    expect(eventHash(GENESIS_HASH, { ...v2, sender: 'a', receiver: 'bc' })).not.toBe(a);
    expect(eventHash(GENESIS_HASH, { ...v2, sender: '-', receiver: null })).not.toBe(eventHash(GENESIS_HASH, { ...v2, sender: null, receiver: '-' }));
    expect(eventHash(GENESIS_HASH, { ...v2, sender: '' })).not.toBe(eventHash(GENESIS_HASH, { ...v2, sender: null }));
  });

  it('uses the canonical detail JSON passed in, so the writer does not build it twice, and ignores detail key order', () => {
    const h = eventHash(GENESIS_HASH, v2);
    expect(eventHash(GENESIS_HASH, v2, '{"checks":["xsd","rules"],"size":1234}')).toBe(h);
    expect(eventHash(GENESIS_HASH, { ...v2, detail: { checks: ['xsd', 'rules'], size: 1234 } })).toBe(h);
  });

  it('format 1 ignores the chain (events before migration 150 keep their hash)', () => {
    expect(eventHash(GENESIS_HASH, { ...base, chain: 7 })).toBe(eventHash(GENESIS_HASH, base));
  });
});
