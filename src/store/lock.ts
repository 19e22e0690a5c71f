/**
 * One process per embedded data directory. PGlite keeps the database in files but, unlike a
 * PostgreSQL server, does not stop a second process from opening them; two writers on one
 * directory lose each other's commits. So whoever opens a PGlite directory (`serve`, `verify-log`,
 * any command) first takes a lock file next to it, naming its pid, host and command. A lock whose
 * process is gone (a crash, a SIGKILL) is stale and taken over; a live one is refused with a
 * message that names the owner and the safe alternative: ask the running gateway (its admin API).
 */
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

export const LOCK_FILE = 'knooppunt.lock';

export interface LockOwner {
  pid: number;
  host: string;
  command: string;
  since: string;
}

export class DataDirInUseError extends Error {
  override readonly name = 'DataDirInUseError';
  constructor(
    readonly dir: string,
    readonly owner: LockOwner,
  ) {
    super(
      `data directory ${dir} is in use by process ${owner.pid} on ${owner.host} (${owner.command}, since ${owner.since}). ` +
        'Two processes on one embedded database lose data, so this one does not open it. Stop that process first, ' +
        'or run the command against the running gateway through its admin API (e.g. `knooppunt verify-log --gateway http://host:port`, see README "Commands against a running gateway"). ' +
        `If that process is certainly gone, remove ${join(dir, LOCK_FILE)}.`,
    );
  }
}

export interface DataDirLock {
  readonly file: string;
  release(): void;
}

/** Whether a process with this pid runs on this host (EPERM: it runs, under another user). */
function alive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(file: string): { text: string; owner: LockOwner | undefined } | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const o = JSON.parse(text) as LockOwner;
    return { text, owner: typeof o?.pid === 'number' && typeof o.host === 'string' ? o : undefined };
  } catch {
    return { text, owner: undefined };
  }
}

/**
 * Takes the lock of `dir` (created if missing) for this process, or throws DataDirInUseError.
 * A lock of a dead process on this host, or an unreadable one, is stale and replaced; a lock held
 * by another host (a shared volume) cannot be checked and is always refused.
 */
export function lockDataDir(dir: string, command: string = process.argv.slice(2, 3).join(' ') || 'knooppunt'): DataDirLock {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, LOCK_FILE);
  const me: LockOwner = { pid: process.pid, host: hostname(), command, since: new Date().toISOString() };
  for (let round = 0; round < 5; round++) {
    let fd: number;
    try {
      // 'wx': created here or not at all; two processes cannot both succeed.
      fd = openSync(file, 'wx', 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const held = readOwner(file);
      if (!held) continue; // released meanwhile
      const { owner } = held;
      if (owner && (owner.host !== me.host || alive(owner.pid))) throw new DataDirInUseError(dir, owner);
      // Stale: move it aside under a name of our own, and only go on if what we moved is what we judged stale
      // (another process may have replaced it with a fresh lock in between).
      const aside = `${file}.stale-${process.pid}-${round}`;
      try {
        renameSync(file, aside);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw e;
      }
      const moved = readOwner(aside);
      if (moved && moved.text !== held.text) {
        // We took someone's fresh lock: put it back and look again.
        renameSync(aside, file);
        continue;
      }
      unlinkSync(aside);
      continue;
    }
    try {
      writeSync(fd, JSON.stringify(me) + '\n');
    } finally {
      closeSync(fd);
    }
    let released = false;
    return {
      file,
      release() {
        if (released) return;
        released = true;
        // Only our own lock is removed.
        const now = readOwner(file);
        if (now?.owner?.pid === me.pid && now.owner.host === me.host) unlinkSync(file);
      },
    };
  }
  const held = readOwner(file);
  throw new DataDirInUseError(dir, held?.owner ?? { pid: 0, host: 'unknown', command: 'unknown', since: 'unknown' });
}
