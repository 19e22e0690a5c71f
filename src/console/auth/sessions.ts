import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from '../../store/db.js';
import { newCsrfToken } from './csrf.js';

/** Sessions end after this long without a request. */
export const SESSION_IDLE_MS = 30 * 60 * 1000;
/** And after this long in all, however active: a stolen or forgotten session does not live on. */
export const SESSION_MAX_MS = 12 * 60 * 60 * 1000;

export interface ConsoleSession {
  userId: string;
  csrfToken: string;
  createdAt: Date;
  lastSeenAt: Date;
}

/** Only this hash is stored: someone who reads the table still cannot present a session. */
export function sessionIdHash(sessionId: string): string {
  return createHash('sha256').update('knooppunt/console-session\0').update(sessionId).digest('hex');
}

/**
 * Console sessions in the database, so that every gateway process behind a load balancer knows
 * them and a restart signs nobody out. The id is 256 random bits; the cookie carries it, the
 * table its hash.
 */
export class ConsoleSessions {
  constructor(
    private readonly db: Queryable,
    private readonly idleMs: number = SESSION_IDLE_MS,
    private readonly maxMs: number = SESSION_MAX_MS,
  ) {}

  async create(userId: string): Promise<{ sessionId: string; csrfToken: string }> {
    const sessionId = randomBytes(32).toString('base64url');
    const csrfToken = newCsrfToken();
    await this.db.query(
      `INSERT INTO console_sessions (id_hash, user_id, csrf_token, created_at, last_seen_at) VALUES ($1, $2, $3, now(), now())`,
      [sessionIdHash(sessionId), userId, csrfToken],
    );
    // Sweep expired sessions now and then, on the way: no timer needed.
    await this.db.query(
      `DELETE FROM console_sessions WHERE last_seen_at < now() - ($1::int * interval '1 millisecond') OR created_at < now() - ($2::bigint * interval '1 millisecond')`,
      [this.idleMs, this.maxMs],
    );
    return { sessionId, csrfToken };
  }

  /** The live session for this id, its idle clock reset; undefined when unknown, idle too long, or older than the absolute lifetime. */
  async touch(sessionId: string | undefined): Promise<ConsoleSession | undefined> {
    if (!sessionId || sessionId.length > 200) return undefined;
    const r = await this.db.query<{ user_id: string; csrf_token: string; created_at: Date | string; last_seen_at: Date | string }>(
      `UPDATE console_sessions SET last_seen_at = now()
        WHERE id_hash = $1 AND last_seen_at >= now() - ($2::int * interval '1 millisecond')
          AND created_at >= now() - ($3::bigint * interval '1 millisecond')
        RETURNING user_id, csrf_token, created_at, last_seen_at`,
      [sessionIdHash(sessionId), this.idleMs, this.maxMs],
    );
    const row = r.rows[0];
    if (!row) return undefined;
    return { userId: row.user_id, csrfToken: row.csrf_token, createdAt: new Date(row.created_at), lastSeenAt: new Date(row.last_seen_at) };
  }

  async destroy(sessionId: string | undefined): Promise<void> {
    if (!sessionId) return;
    await this.db.query('DELETE FROM console_sessions WHERE id_hash = $1', [sessionIdHash(sessionId)]);
  }
}
