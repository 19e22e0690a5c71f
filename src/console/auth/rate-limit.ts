import { createHash } from 'node:crypto';
import type { Queryable } from '../../store/db.js';

export const MAX_FAILURES = 5;
export const LOCK_MS = 15 * 60 * 1000;

/** One key per (user, client address); hashed so the table holds no addresses. */
function failureKey(userId: string, ip: string): string {
  return createHash('sha256').update('knooppunt/console-signin\0').update(userId).update('\0').update(ip).digest('hex');
}

/**
 * Sign-in throttling in the database (shared by every gateway process): after 5 failed attempts
 * for one user from one address, that pair is locked for 15 minutes. Per pair rather than per user,
 * so that someone guessing from elsewhere cannot lock a colleague out of the console.
 */
export class SignInThrottle {
  constructor(
    private readonly db: Queryable,
    private readonly maxFailures = MAX_FAILURES,
    private readonly lockMs = LOCK_MS,
  ) {}

  /** Seconds until the pair may try again; 0 when not locked. */
  async lockedFor(userId: string, ip: string): Promise<number> {
    const r = await this.db.query<{ seconds: number | string }>(
      `SELECT ceil(extract(epoch FROM locked_until - now()))::int AS seconds
         FROM console_signin_failures WHERE key_hash = $1 AND locked_until > now()`,
      [failureKey(userId, ip)],
    );
    return r.rows[0] ? Math.max(1, Number(r.rows[0].seconds)) : 0;
  }

  /** Counts a failure; locks the pair at the limit. A failure after an expired lock starts a new count. */
  async fail(userId: string, ip: string): Promise<{ locked: boolean }> {
    const r = await this.db.query<{ locked: boolean }>(
      `INSERT INTO console_signin_failures AS f (key_hash, failures, last_failure_at, locked_until)
       VALUES ($1, 1, now(), CASE WHEN 1 >= $2::int THEN now() + ($3::int * interval '1 millisecond') END)
       ON CONFLICT (key_hash) DO UPDATE SET
         failures = CASE WHEN f.locked_until IS NOT NULL AND f.locked_until <= now() THEN 1 ELSE f.failures + 1 END,
         last_failure_at = now(),
         locked_until = CASE
           WHEN f.locked_until IS NOT NULL AND f.locked_until <= now() THEN NULL
           WHEN f.failures + 1 >= $2::int THEN now() + ($3::int * interval '1 millisecond')
           ELSE f.locked_until END
       RETURNING locked_until IS NOT NULL AND locked_until > now() AS locked`,
      [failureKey(userId, ip), this.maxFailures, this.lockMs],
    );
    return { locked: r.rows[0]?.locked === true };
  }

  /** A successful sign-in clears the pair's count. */
  async succeed(userId: string, ip: string): Promise<void> {
    await this.db.query('DELETE FROM console_signin_failures WHERE key_hash = $1', [failureKey(userId, ip)]);
  }
}
