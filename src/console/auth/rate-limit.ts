import { createHash } from 'node:crypto';
import { AddressAttemptLimiter } from '../../ops/address-limit.js';
import type { Queryable } from '../../store/db.js';

export const MAX_FAILURES = 5;
export const LOCK_MS = 15 * 60 * 1000;
/** The failure table never holds more rows than this: the oldest go first. */
export const MAX_FAILURE_ROWS = 10_000;
/** Sign-in attempts per client address per minute, counted before any password is hashed. */
export const SIGNIN_PER_ADDRESS_PER_MINUTE = 20;

/** The first gate of a console sign-in, before scrypt runs: attempts per client address. */
export class SignInAddressLimiter extends AddressAttemptLimiter {
  constructor(perMinute = SIGNIN_PER_ADDRESS_PER_MINUTE) {
    super('console-signin', perMinute);
  }
}

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
    private readonly maxRows = MAX_FAILURE_ROWS,
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
    // Pruned on the way: counts older than a lock period that hold no lock are over; and a hard bound on the rows.
    await this.db.query(
      `DELETE FROM console_signin_failures
        WHERE (last_failure_at < now() - ($1::int * interval '1 millisecond') AND (locked_until IS NULL OR locked_until <= now()))
           OR key_hash IN (SELECT key_hash FROM console_signin_failures ORDER BY last_failure_at DESC OFFSET $2)`,
      [this.lockMs, this.maxRows],
    );
    return { locked: r.rows[0]?.locked === true };
  }

  /** A successful sign-in clears the pair's count. */
  async succeed(userId: string, ip: string): Promise<void> {
    await this.db.query('DELETE FROM console_signin_failures WHERE key_hash = $1', [failureKey(userId, ip)]);
  }
}
