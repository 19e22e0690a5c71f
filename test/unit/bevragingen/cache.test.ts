import { describe, expect, it } from '@jest/globals';
import { BevragingCache } from '../../../src/bevragingen/cache.js';

describe('bevraging cache', () => {
  it('answers within the ttl, and not after', () => {
    const c = new BevragingCache<string>();
    c.set('inkomen-bijstand', 'hash-a', 'antwoord', 60, 1_000);
    expect(c.get('inkomen-bijstand', 'hash-a', 30_000)).toBe('antwoord');
    expect(c.get('inkomen-bijstand', 'hash-a', 61_001)).toBeUndefined();
    expect(c.size).toBe(0);
  });

  it('never gives an answer for one purpose to another, nor for one citizen to another', () => {
    const c = new BevragingCache<string>();
    c.set('inkomen-bijstand', 'hash-a', 'bijstand', 60, 0);
    expect(c.get('inkomen-schuldhulp', 'hash-a', 1)).toBeUndefined();
    expect(c.get('inkomen-bijstand', 'hash-b', 1)).toBeUndefined();
  });

  it('stays bounded, dropping the oldest first', () => {
    const c = new BevragingCache<number>(3);
    for (let i = 0; i < 5; i++) c.set('r', `s${i}`, i, 60, 0);
    expect(c.size).toBe(3);
    expect(c.get('r', 's0', 1)).toBeUndefined();
    expect(c.get('r', 's4', 1)).toBe(4);
  });
});
