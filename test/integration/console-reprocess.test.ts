/**
 * Reprocessing a rejected inbound message through the current configuration: the same message id,
 * its trail continued (reprocessed, then the new outcome), beheerder only, audited. The
 * configuration changes the way it does in real life: the gateway restarts on the same store.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { GatewayConfig } from '../../src/config/types.js';
import type { GatewayEnv } from '../../src/config/env.js';
import { hashPassword } from '../../src/console/auth/passwords.js';
import type { Gateway } from '../../src/gateway.js';
import { KEYS, post, startGateway, testConfig, testEnv, toewijzing, writeConfig } from '../helpers/gateway.js';
import { ConsoleClient } from '../helpers/console.js';
import { TestWebhook, waitFor } from '../helpers/webhook.js';

describe.each([{ store: 'pglite' as const }, { store: 'postgres' as const }])('reprocess a rejected message on $store', ({ store }) => {
  const webhook = new TestWebhook();
  let gateway: Gateway;
  let baseUrl: string;
  let env: GatewayEnv;
  let full: GatewayConfig;
  const ids = { rejected: '', accepted: '', stillRejected: '' };

  const withUsers = async (c: GatewayConfig): Promise<GatewayConfig> => ({
    ...c,
    console: {
      users: [
        { id: 'beheer', name: 'Beheer', role: 'beheerder', passwordHash: await hashPassword('beheer-wachtwoord') },
        { id: 'privacy', name: 'Privacy', role: 'privacy', passwordHash: await hashPassword('privacy-wachtwoord') },
        { id: 'audit', name: 'Audit', role: 'auditor', passwordHash: await hashPassword('audit-wachtwoord') },
      ],
    },
  });

  beforeAll(async () => {
    full = await withUsers(testConfig(await webhook.start(), { maxAttempts: 2, backoffMs: 20 }));
    // First without any route: every toewijzing is refused with no-route.
    env = await testEnv(store, 'in-process', writeConfig({ ...full, routes: [] }));
    ({ gateway, baseUrl } = await startGateway(env));
    const a = await post(baseUrl, KEYS.enschede, toewijzing(`REPRO-${store}-${Date.now()}-a`));
    const b = await post(baseUrl, KEYS.hengelo, toewijzing(`REPRO-${store}-${Date.now()}-b`, { gemeente: '0164' }));
    expect(a.status).toBe(422);
    ids.rejected = String(a.json.id ?? a.json.messageId ?? '');
    ids.stillRejected = String(b.json.id ?? b.json.messageId ?? '');
    if (!ids.rejected || !ids.stillRejected) {
      const r = await gateway.db.query<{ id: string; sender: string }>(`SELECT id, sender FROM messages WHERE status = 'rejected' ORDER BY received_at`);
      ids.rejected = r.rows.find((x) => x.sender === 'gemeente-0153')!.id;
      ids.stillRejected = r.rows.find((x) => x.sender === 'gemeente-0164')!.id;
    }
    await gateway.close();
    // The route is added (for Enschede only), the gateway restarts on the same store.
    const route = full.routes[0]!;
    env = { ...env, configPath: writeConfig({ ...full, routes: [{ ...route, match: { ...route.match, sender: 'gemeente-0153' } }] }) } as GatewayEnv;
    ({ gateway, baseUrl } = await startGateway(env));
    const ok = await post(baseUrl, KEYS.enschede, toewijzing(`REPRO-${store}-${Date.now()}-c`));
    expect(ok.status).toBe(202);
    ids.accepted = String(ok.json.id);
  }, 120_000);

  afterAll(async () => {
    await gateway?.close();
    await webhook.stop();
  });

  it('puts a rejected message through the current routes under its own id, and it is delivered', async () => {
    const beheer = await new ConsoleClient(baseUrl).signIn('beheer', 'beheer-wachtwoord');
    for (const [user, pw] of [['privacy', 'privacy-wachtwoord'], ['audit', 'audit-wachtwoord']] as const) {
      const c = await new ConsoleClient(baseUrl).signIn(user, pw);
      expect((await c.call('POST', `/exchanges/${ids.rejected}/reprocess`)).status).toBe(403);
    }
    const before = (await gateway.log.eventsForMessage(ids.rejected)).map((e) => e.eventType);
    expect(before).toEqual(['received', 'rejected']);

    const r = await beheer.call('POST', `/exchanges/${ids.rejected}/reprocess`);
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ id: ids.rejected, outcome: 'accepted', status: 'routed', deliveries: 1 });
    await waitFor(async () => (await beheer.call('GET', `/exchanges/${ids.rejected}`)).json.message.status === 'delivered');
    const trail = await gateway.log.eventsForMessage(ids.rejected);
    expect(trail.map((e) => e.eventType)).toEqual(['received', 'rejected', 'accepted', 'delivery_attempted', 'delivered']);
    expect(trail[2]!.detail).toMatchObject({ reprocessed: { by: 'beheer', previousCode: 'no-route' } });
    // One raw payload, the one that arrived; the delivery carries the message's own id.
    const payloads = await gateway.log.payloadsForMessage(ids.rejected);
    expect(payloads.filter((p) => p.kind === 'raw')).toHaveLength(1);
    expect(webhook.accepted().some((req) => req.headers['x-knooppunt-message-id'] === ids.rejected)).toBe(true);

    // Once accepted it is not reprocessed again; an accepted message never was rejected.
    expect((await beheer.call('POST', `/exchanges/${ids.rejected}/reprocess`)).status).toBe(409);
    expect((await beheer.call('POST', `/exchanges/${ids.accepted}/reprocess`)).status).toBe(409);
    expect((await beheer.call('POST', '/exchanges/00000000-0000-4000-8000-000000000000/reprocess')).status).toBe(404);

    const actions = (await gateway.log.events({ eventType: 'admin_action', limit: 10_000 })).map((e) => e.detail);
    expect(actions).toEqual(expect.arrayContaining([expect.objectContaining({ action: 'reprocessed', user: 'beheer', target: `exchange/${ids.rejected}`, outcome: 'accepted' })]));
  });

  it('keeps a message rejected when the current configuration still refuses it, with the new reason in its trail', async () => {
    const beheer = await new ConsoleClient(baseUrl).signIn('beheer', 'beheer-wachtwoord');
    const r = await beheer.call('POST', `/exchanges/${ids.stillRejected}/reprocess`);
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ id: ids.stillRejected, outcome: 'rejected', code: 'no-route' });
    const trail = (await gateway.log.eventsForMessage(ids.stillRejected)).map((e) => e.eventType);
    expect(trail).toEqual(['received', 'rejected', 'reprocessed', 'rejected']);
    const row = await gateway.db.query<{ status: string; n: number }>(`SELECT status, (SELECT count(*)::int FROM messages) AS n FROM messages WHERE id = $1`, [ids.stillRejected]);
    expect(row.rows[0]!.status).toBe('rejected');
    expect(row.rows[0]!.n).toBe(3);
  });
});
