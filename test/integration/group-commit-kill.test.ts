import { afterAll, describe, expect, it } from '@jest/globals';
import { verifyLog } from '../../src/log/verify.js';
import type { Db } from '../../src/store/db.js';
import { openStore } from '../../src/store/open.js';
import { ChildGateway } from '../helpers/child-gateway.js';
import { KEYS, testConfig, testEnv, toewijzing, writeConfig, type StoreKind } from '../helpers/gateway.js';
import { TestWebhook } from '../helpers/webhook.js';

/**
 * SIGKILL while batches are being written: everything acknowledged is committed, and every message
 * in the store is whole (its payloads, subject, outbox row and the four accept events), never a part.
 */
describe.each<{ store: StoreKind }>([{ store: 'pglite' }, { store: 'postgres' }])('SIGKILL during group commit ($store)', ({ store }) => {
  const webhook = new TestWebhook();
  let gw: ChildGateway | undefined;
  let db: Db | undefined;
  afterAll(async () => {
    await gw?.kill();
    await db?.close();
    await webhook.stop();
  });

  it('loses nothing acknowledged and leaves nothing half-written', async () => {
    const url = await webhook.start();
    const env = await testEnv(store, 'in-process', writeConfig(testConfig(url)));
    gw = new ChildGateway(ChildGateway.envFrom(env, { KNOOPPUNT_RATE_LIMIT_PER_MINUTE: '0' }));
    const base = await gw.start(120000);
    const run = `kill-${store}-${Date.now()}`;
    const acked: string[] = [];
    let next = 0;
    let killed: Promise<unknown> | undefined;
    await Promise.all(Array.from({ length: 24 }, async () => {
      while (next < 600 && !killed) {
        const i = next++;
        try {
          const res = await fetch(`${base}/api/v1/messages`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${KEYS.enschede}` },
            body: JSON.stringify(toewijzing(`${run}-${i}`, { bsn: i % 2 ? '999993653' : '999990627', receiver: i % 2 ? 'aanbieder-12345678' : 'aanbieder-87654321' })),
          });
          if (res.status === 202) acked.push(((await res.json()) as { id: string }).id);
        } catch {
          // The connection died with the process: not acknowledged.
        }
        // Kill with requests in flight, so that a batch is being written.
        if (acked.length >= 80 && !killed) killed = gw!.kill('SIGKILL');
      }
    }));
    expect(await killed).toBeNull();
    gw = undefined; // gone: nothing for afterAll to stop
    expect(acked.length).toBeGreaterThanOrEqual(80);

    db = await openStore({ databaseUrl: env.databaseUrl, dataDir: env.dataDir });
    const present = await db.query<{ id: string }>('SELECT id FROM messages WHERE id = ANY($1::uuid[])', [acked]);
    expect(present.rows.length).toBe(acked.length);
    const whole = await db.query<{ id: string; payloads: number; deliveries: number; subjects: number; events: string }>(
      `SELECT m.id,
              (SELECT count(*)::int FROM payloads p WHERE p.message_id = m.id) AS payloads,
              (SELECT count(*)::int FROM deliveries d WHERE d.message_id = m.id) AS deliveries,
              (SELECT count(*)::int FROM message_subjects s WHERE s.message_id = m.id) AS subjects,
              (SELECT string_agg(e.event_type, ',' ORDER BY e.seq) FROM exchange_events e
                WHERE e.message_id = m.id AND e.event_type IN ('accepted', 'received', 'validated', 'routed', 'mapped')) AS events
         FROM messages m`,
    );
    expect(whole.rows.length).toBeGreaterThanOrEqual(acked.length);
    const broken = whole.rows.filter((r) => r.payloads !== 2 || r.deliveries !== 1 || r.subjects !== 1 || r.events !== 'accepted');
    expect(broken).toEqual([]);
    expect((await verifyLog(db)).ok).toBe(true);
  }, 240000);
});
