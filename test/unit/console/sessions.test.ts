import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ConsoleSessions, sessionIdHash } from '../../../src/console/auth/sessions.js';
import { SignInThrottle } from '../../../src/console/auth/rate-limit.js';
import type { Db } from '../../../src/store/db.js';
import { STORE_CASES } from '../../helpers/stores.js';

describe.each(STORE_CASES)('console sessions and sign-in throttle on $name', ({ open }) => {
  let db: Db;
  beforeAll(async () => {
    db = await open();
  });
  afterAll(async () => {
    await db?.close();
  });

  it('stores only a hash of the session id, and finds the session by the id', async () => {
    const sessions = new ConsoleSessions(db);
    const { sessionId, csrfToken } = await sessions.create('demo-beheer');
    expect(sessionId).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const rows = await db.query<{ id_hash: string }>('SELECT id_hash FROM console_sessions');
    expect(rows.rows.map((r) => r.id_hash)).toContain(sessionIdHash(sessionId));
    expect(JSON.stringify(rows.rows)).not.toContain(sessionId);
    const s = await sessions.touch(sessionId);
    expect(s).toMatchObject({ userId: 'demo-beheer', csrfToken });
    await expect(sessions.touch('not-a-session-id-at-all')).resolves.toBeUndefined();
    await expect(sessions.touch(undefined)).resolves.toBeUndefined();
  });

  it('ends a session after the idle time, and on sign-out', async () => {
    const short = new ConsoleSessions(db, 200);
    const { sessionId } = await short.create('demo-audit');
    await expect(short.touch(sessionId)).resolves.toBeDefined();
    await new Promise((r) => setTimeout(r, 350));
    await expect(short.touch(sessionId)).resolves.toBeUndefined();

    const sessions = new ConsoleSessions(db);
    const other = await sessions.create('demo-privacy');
    await sessions.destroy(other.sessionId);
    await expect(sessions.touch(other.sessionId)).resolves.toBeUndefined();
  });

  it('touching a session keeps it alive (idle, not absolute, expiry)', async () => {
    const sessions = new ConsoleSessions(db, 400);
    const { sessionId } = await sessions.create('demo-beheer');
    for (let i = 0; i < 4; i++) {
      await new Promise((r) => setTimeout(r, 200));
      await expect(sessions.touch(sessionId)).resolves.toBeDefined();
    }
  });

  it('locks a user and address after 5 failures, not the same user elsewhere; success clears the count', async () => {
    const throttle = new SignInThrottle(db);
    for (let i = 1; i <= 4; i++) await expect(throttle.fail('demo-beheer', '10.0.0.1')).resolves.toEqual({ locked: false });
    await expect(throttle.lockedFor('demo-beheer', '10.0.0.1')).resolves.toBe(0);
    await expect(throttle.fail('demo-beheer', '10.0.0.1')).resolves.toEqual({ locked: true });
    const seconds = await throttle.lockedFor('demo-beheer', '10.0.0.1');
    expect(seconds).toBeGreaterThan(14 * 60);
    expect(seconds).toBeLessThanOrEqual(15 * 60);
    await expect(throttle.lockedFor('demo-beheer', '10.0.0.2')).resolves.toBe(0);
    await expect(throttle.lockedFor('demo-audit', '10.0.0.1')).resolves.toBe(0);

    for (let i = 0; i < 3; i++) await throttle.fail('demo-audit', '10.0.0.1');
    await throttle.succeed('demo-audit', '10.0.0.1');
    for (let i = 0; i < 4; i++) await expect(throttle.fail('demo-audit', '10.0.0.1')).resolves.toEqual({ locked: false });
  });

  it('after the lock ends, counting starts again', async () => {
    const throttle = new SignInThrottle(db, 2, 200);
    await throttle.fail('u', 'ip');
    await expect(throttle.fail('u', 'ip')).resolves.toEqual({ locked: true });
    await new Promise((r) => setTimeout(r, 300));
    await expect(throttle.lockedFor('u', 'ip')).resolves.toBe(0);
    await expect(throttle.fail('u', 'ip')).resolves.toEqual({ locked: false });
  });

  it('ends a session after its absolute lifetime however active it was', async () => {
    const sessions = new ConsoleSessions(db);
    const { sessionId } = await sessions.create('demo-beheer');
    await expect(sessions.touch(sessionId)).resolves.toBeDefined();
    // Signed in 13 hours ago and active all the time since (last seen just now).
    await db.query(`UPDATE console_sessions SET created_at = now() - interval '13 hours', last_seen_at = now() WHERE id_hash = $1`, [sessionIdHash(sessionId)]);
    await expect(sessions.touch(sessionId)).resolves.toBeUndefined();
  });

  it('keeps the sign-in failure table bounded and pruned', async () => {
    const throttle = new SignInThrottle(db, 5, 15 * 60 * 1000, 10);
    for (let i = 0; i < 40; i++) await throttle.fail(`random-user-${i}-${Math.random()}`, '203.0.113.9');
    const n = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM console_signin_failures');
    expect(n.rows[0]!.n).toBeLessThanOrEqual(10);
    // Old counts without a lock are pruned.
    await db.query(`UPDATE console_signin_failures SET last_failure_at = now() - interval '1 day', locked_until = NULL`);
    await throttle.fail('one-more', '203.0.113.9');
    const after = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM console_signin_failures');
    expect(after.rows[0]!.n).toBe(1);
  });
});
