/**
 * A delivery handed over again while a batch holds it is taken again after that batch: the batch
 * may have found it not yet claimable (its predecessor in order still in flight) just before the
 * predecessor's batch handed it on. Dropped, it waited for the reconciler.
 */
import { describe, expect, it } from '@jest/globals';
import { LocalWorkers } from '../../../src/delivery/local-workers.js';
import { createLogger } from '../../../src/ops/logger.js';

describe('LocalWorkers', () => {
  it('runs an id again that was handed over while its batch ran', async () => {
    const batches: string[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const workers = new LocalWorkers(async (ids) => {
      batches.push(ids);
      if (batches.length === 1) await gate;
    }, createLogger('silent'));
    workers.push(['b'], 0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([['b']]);
    // The batch holding b has not finished (its claim found b not yet due in order); b is handed on.
    workers.push(['b'], 0);
    expect(workers.stats().waiting).toBe(0);
    release();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(batches).toEqual([['b'], ['b']]);
    // Handed over once while idle: once.
    workers.push(['c'], 0);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(batches).toEqual([['b'], ['b'], ['c']]);
    await workers.stop();
  });
});
