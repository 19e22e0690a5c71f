/**
 * "Temporarily not possible on our side" in the channel's own standard: an iStandaarden mailbox item
 * that cannot be decrypted, or a store that cannot answer, is a transport foutbericht (IB900, 503,
 * valid against its XSD), not problem+json; the GGk channel answers a Fo01 with plek server.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { GatewayConfig } from '../../src/config/types.js';
import type { Gateway } from '../../src/gateway.js';
import { soapEnvelope, readEnvelope } from '../../src/channels/stuf/soap-envelope.js';
import { buildEnvelop, GGK_NS } from '../../src/standards/ggk/envelop.js';
import { parseXml } from '../../src/xml/parse.js';
import { startGateway, testEnv, writeConfig } from '../helpers/gateway.js';
import { CONFIG, DEMO, fixture, getWith, isValidFoutbericht, jsonFixture, setText } from '../helpers/istandaarden.js';
import { waitFor } from '../helpers/webhook.js';

const validFoutbericht = isValidFoutbericht;

describe('temporarily unavailable, in the channel standard', () => {
  let gateway: Gateway;
  let baseUrl: string;
  beforeAll(async () => {
    const config = parse(readFileSync(CONFIG, 'utf8')) as GatewayConfig;
    delete config.contracten;
    ({ gateway, baseUrl } = await startGateway(await testEnv('pglite', 'in-process', writeConfig(config))));
  });
  afterAll(async () => {
    await gateway?.close();
  });

  it('an undecryptable mailbox item: foutbericht IB900 with 503, valid against the transport XSD', async () => {
    const sent = await fetch(`${baseUrl}/api/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${DEMO.almelo}` },
      body: JSON.stringify({ messageType: 'iwmo-toewijzing', messageId: randomUUID(), receiver: 'aanbieder-12345678', payload: jsonFixture('iwmo', 'toewijzing') }),
    });
    expect(sent.status).toBe(202);
    const item = await waitFor(async () => (JSON.parse((await getWith(baseUrl, DEMO.aanbiederA, '/istandaarden/v1/mailbox')).text) as { items: Array<{ id: string }> }).items[0]);
    const payloadId = (await gateway.db.query<{ payload_id: number }>('SELECT payload_id FROM mailbox WHERE id = $1', [item.id])).rows[0]!.payload_id;
    await gateway.db.query(`UPDATE payloads SET key_id = 'deadbeef' WHERE id = $1`, [payloadId]);

    const res = await getWith(baseUrl, DEMO.aanbiederA, `/istandaarden/v1/mailbox/${item.id}`);
    expect(res.status).toBe(503);
    expect(res.type).toMatch(/^application\/xml/);
    expect(res.text).toContain('<Foutcode>IB900</Foutcode>');
    expect(validFoutbericht(res.text)).toBe(true);
  });

  it('the store failing: the iStandaarden channel answers a foutbericht, the GGk channel a Fo01 with plek server', async () => {
    // The store cannot answer these queries (as when it is unreachable): the tables are renamed away.
    await gateway.db.query('ALTER TABLE mailbox RENAME TO mailbox_weg');
    await gateway.db.query('ALTER TABLE messages RENAME TO messages_weg');
    try {
      const list = await getWith(baseUrl, DEMO.aanbiederA, '/istandaarden/v1/mailbox');
      expect(list.status).toBe(503);
      expect(list.type).toMatch(/^application\/xml/);
      expect(list.text).toContain('<Foutcode>IB900</Foutcode>');
      expect(validFoutbericht(list.text)).toBe(true);

      const jw315 = setText(fixture('ijw', 'jw315.xml'), 'Identificatie', `GGK${Date.now().toString().slice(-8)}`);
      const di01 = buildEnvelop({ soort: 'Di01', zender: { organisatie: '87654321', applicatie: 'Aanbieder B' }, ontvanger: { organisatie: '0153', applicatie: 'GGk' }, referentienummer: randomUUID(), functie: 'JW315', bericht: Buffer.from(jw315) });
      const res = await fetch(`${baseUrl}/ggk/v1`, {
        method: 'POST',
        headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${GGK_NS}/ggk_Di01"`, authorization: `Bearer ${DEMO.aanbiederB}` },
        body: soapEnvelope(di01),
      });
      const text = await res.text();
      expect(res.headers.get('content-type')).toMatch(/xml/);
      const env = readEnvelope(parseXml(text));
      expect('reason' in env).toBe(false);
      expect(text).toContain('<StUF:code>StUF058</StUF:code>');
      expect(text).toContain('<StUF:plek>server</StUF:plek>');
    } finally {
      await gateway.db.query('ALTER TABLE mailbox_weg RENAME TO mailbox');
      await gateway.db.query('ALTER TABLE messages_weg RENAME TO messages');
    }
  });
});
