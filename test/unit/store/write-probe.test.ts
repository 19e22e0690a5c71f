/** The readiness write probe: bounded (one row), rate-limited (counted writes), and its reasons. */
import { describe, expect, it } from '@jest/globals';
import type { Db, QueryResult } from '../../../src/store/db.js';
import { classify, WriteProbe } from '../../../src/store/write-probe.js';

/** A store whose writes fail like a full file system (errno ENOSPC) while `full` is set; counts writes. */
function fakeStore() {
  const state = { full: false, writes: 0 };
  const db = {
    driver: 'pglite',
    async query<R>(): Promise<QueryResult<R>> {
      state.writes++;
      if (state.full) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28 });
      return { rows: [], rowCount: 1 };
    },
    transaction: () => Promise.reject(new Error('unused')),
    ping: async () => undefined,
    close: async () => undefined,
  } as unknown as Db;
  return { db, state };
}

describe('WriteProbe', () => {
  it('writes at most once per interval, however many readiness calls come in', async () => {
    let now = 1_000_000;
    const { db, state } = fakeStore();
    const probe = new WriteProbe(db, { minIntervalMs: 5000, now: () => now });
    await Promise.all(Array.from({ length: 50 }, () => probe.check()));
    for (let i = 0; i < 20; i++) await probe.check();
    expect(state.writes).toBe(1);
    now += 5000;
    await probe.check();
    expect(state.writes).toBe(2);
  });

  it('a failing write is reported with its reason until a later probe succeeds', async () => {
    let now = 0;
    const { db, state } = fakeStore();
    const probe = new WriteProbe(db, { minIntervalMs: 1000, now: () => now });
    await probe.check();
    state.full = true;
    now += 1000;
    await expect(probe.check()).rejects.toMatchObject({ reason: 'disk-full' });
    // Within the interval the cached failure answers, without another write.
    await expect(probe.check()).rejects.toMatchObject({ reason: 'disk-full' });
    expect(state.writes).toBe(2);
    state.full = false;
    now += 1000;
    await expect(probe.check()).resolves.toBeUndefined();
  });

  it('names the cause in operators words', () => {
    expect(classify({ code: '53100', message: 'could not extend file' }).reason).toBe('disk-full');
    expect(classify({ code: '25006', message: 'read-only transaction' }).reason).toBe('read-only');
    expect(classify({ code: '53200', message: 'out of memory' }).reason).toBe('insufficient-resources');
    expect(classify(new Error('connection refused')).reason).toBe('write-failed');
  });
});
