/**
 * KNOOPPUNT_PGLITE_SHARED_BUFFERS: the embedded database's buffer cache, much of its memory
 * (PostgreSQL's default is 128MB). It is set for the run only, on either thread, and does not stay
 * in the data directory once the variable is gone.
 */
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readEnv } from '../../../src/config/env.js';
import { openStore } from '../../../src/store/open.js';

const setting = async (db: Awaited<ReturnType<typeof openStore>>) =>
  (await db.query<{ v: string }>(`SELECT current_setting('shared_buffers') AS v`)).rows[0]!.v;

describe('the embedded database\'s buffer cache', () => {
  it('is what the variable says, on its own thread and on the event loop, for that run only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'knooppunt-buffers-'));
    for (const pgliteThread of ['worker', 'main'] as const) {
      const small = await openStore({ dataDir: dir, pgliteThread, pgliteSharedBuffers: '16MB' });
      expect(await setting(small)).toBe('16MB');
      await small.close();
      const plain = await openStore({ dataDir: dir, pgliteThread });
      expect(await setting(plain)).toBe('128MB');
      await plain.close();
    }
  }, 120_000);

  it('takes a PostgreSQL size and refuses anything else', () => {
    expect(readEnv({ KNOOPPUNT_PGLITE_SHARED_BUFFERS: '32MB' }).pgliteSharedBuffers).toBe('32MB');
    expect(readEnv({}).pgliteSharedBuffers).toBeUndefined();
    for (const bad of ['16', '16mb', '0MB', '16MB; DROP', '-1GB']) expect(() => readEnv({ KNOOPPUNT_PGLITE_SHARED_BUFFERS: bad })).toThrow(/KNOOPPUNT_PGLITE_SHARED_BUFFERS/);
  });
});
