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
