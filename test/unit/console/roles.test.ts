import { describe, expect, it } from '@jest/globals';
import { CONSOLE_ROLES, may, type ConsolePermission } from '../../../src/console/auth/roles.js';

describe('console roles (the contract table)', () => {
  const table: Record<ConsolePermission, string[]> = {
    search: ['beheerder', 'privacy', 'auditor'],
    searchByBsn: ['beheerder', 'privacy'],
    detail: ['beheerder', 'privacy', 'auditor'],
    viewPayload: ['beheerder', 'privacy'],
    redeliver: ['beheerder'],
    deadLetters: ['beheerder'],
    operations: ['beheerder', 'auditor'],
    citizenReport: ['privacy'],
    processingRegister: ['privacy', 'auditor'],
    purge: ['privacy'],
    verifyLog: ['beheerder', 'privacy', 'auditor'],
  };

  it.each(Object.entries(table))('%s is allowed for exactly %j', (permission, allowed) => {
    for (const role of CONSOLE_ROLES) expect([role, may(role, permission as ConsolePermission)]).toEqual([role, allowed.includes(role)]);
  });

  it('an unknown role may nothing', () => {
    expect(may('root' as never, 'search')).toBe(false);
  });
});
