/**
 * WorkerPool.prestart: a worker starts loading when a large task is announced (a large body is
 * arriving), so the task finds it loaded; an idle worker is kept, not a second one started.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { WorkerPool } from '../../../src/util/worker-pool.js';

// A worker that takes 300 ms to load (as a document worker compiles its schemas), then answers
// each task with the moment it had loaded.
const LADEN = `
const { parentPort } = require('node:worker_threads');
const tot = Date.now() + 300;
while (Date.now() < tot) {}
const geladenOp = Date.now();
parentPort.on('message', (m) => parentPort.postMessage({ id: m.id, ok: true, value: { geladenOp } }));
`;

describe('WorkerPool.prestart', () => {
  let pool: WorkerPool | undefined;
  afterEach(async () => pool?.close());

  it('a task after prestart finds its worker loaded; without it, the task waits for the load', async () => {
    pool = new WorkerPool({ filename: LADEN, eval: true }, { size: 2 });
    pool.prestart();
    pool.prestart(); // the first one is idle: no second worker
    await new Promise((resolve) => setTimeout(resolve, 600));
    const verzonden = Date.now();
    const { geladenOp } = await pool.run<{ geladenOp: number }>('x', {});
    expect(geladenOp).toBeLessThan(verzonden);

    const koud = new WorkerPool({ filename: LADEN, eval: true }, { size: 1 });
    try {
      const t = Date.now();
      const r = await koud.run<{ geladenOp: number }>('x', {});
      expect(r.geladenOp).toBeGreaterThanOrEqual(t);
    } finally {
      await koud.close();
    }
  });

  it('leaves a busy pool and a closed one as they are', async () => {
    pool = new WorkerPool({ filename: LADEN, eval: true }, { size: 1 });
    const busy = pool.run('x', {});
    pool.prestart(); // the only slot is busy: nothing to start, nothing queued
    expect(pool.busy).toBe(1);
    await busy;
    expect(pool.completed).toBe(1);
    await pool.close();
    pool.prestart();
    await expect(pool.run('x', {})).rejects.toThrow(/closed/);
  });
});
