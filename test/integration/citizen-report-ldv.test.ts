/**
 * The citizen report is built on the LDV lezen API: its exchanges are the messages of the records the
 * lezen API gives for the same citizen, with the purpose of the processing-activity version each
 * record names. An exchange whose payload key is missing is listed with a "cannot decrypt" note,
 * never dropped, and never breaks the report.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { GatewayConfig } from '../../src/config/types.js';
import type { Gateway } from '../../src/gateway.js';
import { startGateway, testEnv, writeConfig } from '../helpers/gateway.js';
import { CONFIG, DEMO, jsonFixture } from '../helpers/istandaarden.js';
import { ConsoleClient, DEMO_USERS } from '../helpers/console.js';
import { waitFor } from '../helpers/webhook.js';

const BSN = '999991917'; // the client of the iWmo toewijzing fixture

type Op = { attributes: Record<string, string> };
type Exchange = { when: string; messageType: string; purpose: string | null; unreadable?: { reason: string; keyIds: string[] } };

describe('citizen report on the LDV lezen API', () => {
  let gateway: Gateway;
  let baseUrl: string;
  let privacy: ConsoleClient;
  const sent: string[] = [];

  beforeAll(async () => {
    const config = parse(readFileSync(CONFIG, 'utf8')) as GatewayConfig;
    delete config.contracten;
    ({ gateway, baseUrl } = await startGateway(await testEnv('pglite', 'in-process', writeConfig(config))));
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${baseUrl}/api/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${DEMO.almelo}` },
        body: JSON.stringify({ messageType: 'iwmo-toewijzing', messageId: randomUUID(), receiver: 'aanbieder-12345678', payload: jsonFixture('iwmo', 'toewijzing') }),
      });
      expect(res.status).toBe(202);
      sent.push(((await res.json()) as { id: string }).id);
    }
    privacy = await new ConsoleClient(baseUrl).signIn(DEMO_USERS.privacy);
  }, 180_000);
  afterAll(async () => {
    await gateway?.close();
  });

  /** The lezen API's records for the citizen, once they stop changing (deliveries add steps). */
  async function settledRecords(): Promise<Op[]> {
    let last = -1;
    return waitFor(async () => {
      const r = await privacy.call('POST', '/ldv/data-processing-operations', { bsn: BSN });
      expect(r.status).toBe(200);
      const items = r.json.items as Op[];
      const delivered = sent.every((id) => items.some((o) => o.attributes['knooppunt.message_id'] === id && o.attributes['knooppunt.step'] === 'delivered'));
      const stable = items.length === last;
      last = items.length;
      return delivered && stable ? items : undefined;
    }, 60_000, 300);
  }

  it('the report lists exactly the messages of the lezen records, with their activities purposes', async () => {
    const records = await settledRecords();
    const report = await privacy.call('POST', '/citizen-report', { bsn: BSN });
    expect(report.status).toBe(200);
    expect(report.json.ldvRecords).toBe(records.length);
    const messages = new Set(records.map((o) => o.attributes['knooppunt.message_id']));
    expect([...messages].sort()).toEqual([...sent].sort());
    const exchanges = report.json.exchanges as Exchange[];
    expect(exchanges).toHaveLength(messages.size);

    // The purpose in the report is the one of the activity version the records name (register API).
    const purposes = new Set<string>();
    for (const uri of new Set(records.map((o) => o.attributes['dpl.core.processing_activity_id']!))) {
      const path = uri.slice(uri.indexOf('/ldv/v1/'));
      const def = (await (await fetch(`${baseUrl}${path}`)).json()) as { kind: string; purpose: string };
      if (def.kind !== 'knooppunt') purposes.add(def.purpose);
    }
    expect(purposes.size).toBeGreaterThan(0);
    expect(new Set(exchanges.map((e) => e.purpose))).toEqual(purposes);
    expect(exchanges.every((e) => e.messageType === 'iwmo-toewijzing' && e.unreadable === undefined)).toBe(true);
  });

  it('an exchange whose key is missing is listed with a cannot-decrypt note; the report still answers', async () => {
    await gateway.db.query(`UPDATE payloads SET key_id = 'deadbeef' WHERE message_id = $1`, [sent[0]]);
    const report = await privacy.call('POST', '/citizen-report', { bsn: BSN });
    expect(report.status).toBe(200);
    const exchanges = report.json.exchanges as Exchange[];
    expect(exchanges).toHaveLength(2);
    const received = (await gateway.db.query<{ received_at: Date }>('SELECT received_at FROM messages WHERE id = $1', [sent[0]])).rows[0]!.received_at;
    const bad = exchanges.find((e) => e.when === new Date(received).toISOString())!;
    expect(bad.unreadable).toEqual({ reason: 'cannot-decrypt', keyIds: ['deadbeef'] });
    expect(bad.purpose).not.toBeNull();
    expect(exchanges.filter((e) => e.unreadable === undefined)).toHaveLength(1);

    const res = await fetch(`${baseUrl}/console/citizen-report.html`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: privacy.cookie },
      body: new URLSearchParams({ bsn: BSN, csrf: privacy.csrf }).toString(),
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('kan nu niet worden gelezen (sleutel ontbreekt)');
  });
});
