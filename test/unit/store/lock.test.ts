import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataDirInUseError, LOCK_FILE, lockDataDir } from '../../../src/store/lock.js';

const dir = () => mkdtempSync(join(tmpdir(), 'kp-lock-'));

/** The pid of a process that has ended: a lock it left behind is stale. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(r.stdout.toString());
}

describe('data directory lock', () => {
  it('records the owner and refuses a second holder while it lives, naming the pid', () => {
    const d = dir();
    const lock = lockDataDir(d, 'serve');
    expect(JSON.parse(readFileSync(join(d, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid, host: hostname(), command: 'serve' });
    let err: unknown;
    try {
      lockDataDir(d, 'verify-log');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DataDirInUseError);
    expect((err as Error).message).toContain(`in use by process ${process.pid}`);
    expect((err as Error).message).toContain('--gateway');
    lock.release();
    expect(existsSync(join(d, LOCK_FILE))).toBe(false);
    lockDataDir(d).release();
  });

  it('takes over a stale lock of a process that has ended', () => {
    const d = dir();
    const pid = deadPid();
    writeFileSync(join(d, LOCK_FILE), JSON.stringify({ pid, host: hostname(), command: 'serve', since: '2026-01-01T00:00:00Z' }));
    const lock = lockDataDir(d, 'serve');
    expect(JSON.parse(readFileSync(join(d, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it('takes over an unreadable (half-written) lock file', () => {
    const d = dir();
    writeFileSync(join(d, LOCK_FILE), '{"pid":');
    lockDataDir(d).release();
  });

  it("refuses a lock held on another host (a shared volume: its pid cannot be checked from here)", () => {
    const d = dir();
    writeFileSync(join(d, LOCK_FILE), JSON.stringify({ pid: deadPid(), host: `${hostname()}-other`, command: 'serve', since: 'x' }));
    expect(() => lockDataDir(d)).toThrow(DataDirInUseError);
  });

  it('release never removes a lock that another process took over', () => {
    const d = dir();
    const lock = lockDataDir(d);
    writeFileSync(join(d, LOCK_FILE), JSON.stringify({ pid: deadPid(), host: hostname(), command: 'other', since: 'x' }));
    lock.release();
    expect(existsSync(join(d, LOCK_FILE))).toBe(true);
  });
});
