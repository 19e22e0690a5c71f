/**
 * A sign-in flood with ever new user ids: limited per client address before any password is hashed,
 * so at most the per-address allowance reaches scrypt and the failure table. Counted: answers by
 * status and rows in the failure table, for 60 attempts from one address.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Gateway } from '../../src/gateway.js';
import { startGateway, testEnv } from '../helpers/gateway.js';
import { CONFIG } from '../helpers/istandaarden.js';

describe('console sign-in flood', () => {
  let gateway: Gateway;
  let baseUrl: string;
  beforeAll(async () => {
    ({ gateway, baseUrl } = await startGateway(await testEnv('pglite', 'in-process', CONFIG)));
  }, 120_000);
  afterAll(async () => {
    await gateway.close();
  });

  it('60 attempts with new user ids from one address: at most 20 are checked, the rest get 429 before hashing', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) {
      const res = await fetch(`${baseUrl}/console/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user: `flood-${randomUUID()}`, password: 'guess' }),
      });
      statuses.push(res.status);
      await res.arrayBuffer();
    }
    const checked = statuses.filter((s) => s === 401).length;
    expect(checked).toBeLessThanOrEqual(20);
    expect(statuses.filter((s) => s === 429).length).toBe(60 - checked);
    const rows = await gateway.db.query<{ n: number }>('SELECT count(*)::int AS n FROM console_signin_failures');
    expect(rows.rows[0]!.n).toBeLessThanOrEqual(20);
  }, 120_000);
});
