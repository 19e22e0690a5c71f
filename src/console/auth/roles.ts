import type { ConsoleRole } from '../../config/types.js';

/**
 * What each console role may do (docs/console/api.md). Least privilege: a role may do only what
 * the table lists; the auditor reads the trail but never the contents of a message.
 */
export type ConsolePermission =
  | 'search'
  | 'searchByBsn'
  | 'detail'
  | 'viewPayload'
  | 'redeliver'
  | 'deadLetters'
  | 'operations'
  | 'citizenReport'
  | 'processingRegister'
  | 'purge'
  /** Run the exchange log's integrity check (chain and anchors). */
  | 'verifyLog';

const GRANTS: Record<ConsoleRole, ReadonlySet<ConsolePermission>> = {
  beheerder: new Set<ConsolePermission>(['search', 'searchByBsn', 'detail', 'viewPayload', 'redeliver', 'deadLetters', 'operations', 'verifyLog']),
  privacy: new Set<ConsolePermission>(['search', 'searchByBsn', 'detail', 'viewPayload', 'citizenReport', 'processingRegister', 'purge', 'verifyLog']),
  auditor: new Set<ConsolePermission>(['search', 'detail', 'operations', 'processingRegister', 'verifyLog']),
};

export const CONSOLE_ROLES: readonly ConsoleRole[] = ['beheerder', 'privacy', 'auditor'];

export function may(role: ConsoleRole, permission: ConsolePermission): boolean {
  return GRANTS[role]?.has(permission) ?? false;
}
