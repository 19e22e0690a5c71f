import type { ExchangeLog } from '../../log/exchange-log.js';
import type { ConsoleUser } from '../auth/guard.js';

export type AdminAction =
  | 'signed_in'
  | 'signed_out'
  | 'sign_in_failed'
  | 'payload_viewed'
  | 'redelivered'
  | 'dead_letters_drained'
  | 'citizen_report'
  | 'register_exported'
  | 'purge'
  | 'log_verified'
  /** A query that names a citizen (search by BSN): the target is the keyed hash, never the BSN. */
  | 'subject_searched'
  /** A read of the Logboek Dataverwerkingen (lezen API): who asked stays here, never in the LDV records. */
  | 'ldv_read'
  | 'bulk_redeliver'
  | 'bulk_hold'
  | 'bulk_release'
  | 'job_finished'
  | 'reprocessed';

/**
 * Every administrator action goes into the exchange log (hash-chained, so it cannot be removed
 * quietly). Not tied to a message id: the party API shows a message's events to its parties, and
 * they have no business seeing which administrator looked at what. Never a BSN in `target`.
 */
export async function logAdminAction(
  log: ExchangeLog,
  action: AdminAction,
  who: Pick<ConsoleUser, 'id' | 'role'> | { id: null; role: null },
  target: string | null,
  extra: Record<string, unknown> = {},
): Promise<void> {
  await log.appendNow({
    messageId: null,
    eventType: 'admin_action',
    channel: 'console',
    detail: { action, user: who.id, role: who.role, target, ...extra },
  });
}
