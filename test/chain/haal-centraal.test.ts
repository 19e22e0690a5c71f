/**
 * A bevraging toward a source carries the Haal Centraal protocol headers, mapped from the bevraging's
 * declared purpose (x-doelbinding, x-verwerking, x-origin-oin, x-gebruiker where known), and the W3C
 * trace context of the question; its LDV records serve the bevraging's processing activity.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GatewayConfig } from '../../src/config/types.js';
import type { Gateway } from '../../src/gateway.js';
import { hashApiKey } from '../../src/parties/api-keys.js';
import { BRON_BSN, INKOMEN } from '../helpers/bron.js';
import { startGateway, testEnv, writeConfig } from '../helpers/gateway.js';

const KEY = 'test-hc-0153';
const OIN = '00000001001234567000';
const TRACE = '0af7651916cd43dd8448eb211c80319c';

describe('Haal Centraal headers on bevragingen', () => {
  let server: Server;
  const seen: IncomingHttpHeaders[] = [];
  let gateway: Gateway;
  let baseUrl: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req.headers);
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(INKOMEN)));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/inkomen`;
    const config: GatewayConfig = {
      parties: [
        { id: 'gemeente-0153', kind: 'gemeente', name: 'Enschede', code: '0153', oin: OIN, credentials: { apiKeys: [{ id: 'k1', sha256: hashApiKey(KEY) }] } },
        { id: 'uwv', kind: 'bron', name: 'UWV', credentials: { apiKeys: [] } },
      ],
      routes: [],
      bronnen: [{ id: 'uwv-inkomen', party: 'uwv', type: 'json', url, timeoutMs: 2000 }],
      bevragingen: [
        { id: 'inkomen-bijstand', dienst: 'inkomen', doel: 'BIJSTAND', grondslag: 'Participatiewet art. 64 lid 1', dataCategories: ['inkomen'], partijen: ['gemeente-*'], bron: 'uwv-inkomen', mapping: 'suwi-inkomen-bijstand' },
      ],
    };
    ({ gateway, baseUrl } = await startGateway(await testEnv('pglite', 'in-process', writeConfig(config))));
  });
  afterAll(async () => {
    await gateway?.close();
    await new Promise<void>((r) => server.close(() => r()));
  });

  test('x-doelbinding, x-verwerking, x-origin-oin, x-gebruiker and traceparent reach the source; LDV names the bevraging', async () => {
    const res = await fetch(`${baseUrl}/api/v1/bevragingen`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}`, 'x-gebruiker': 'medewerker-42', traceparent: `00-${TRACE}-b7ad6b7169203331-01` },
      body: JSON.stringify({ dienst: 'inkomen', bsn: BRON_BSN.gevonden, doel: 'BIJSTAND' }),
    });
    expect(res.status).toBe(200);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ 'x-doelbinding': 'BIJSTAND', 'x-verwerking': 'bevraging.inkomen-bijstand', 'x-origin-oin': OIN, 'x-gebruiker': 'medewerker-42' });
    expect(seen[0]!.traceparent).toMatch(new RegExp(`^00-${TRACE}-[0-9a-f]{16}-01$`));
    const records = await gateway.db.query<{ activity_id: string; trace_id: string }>('SELECT DISTINCT activity_id, trace_id FROM ldv_records');
    expect(records.rows).toEqual([{ activity_id: 'bevraging.inkomen-bijstand', trace_id: TRACE }]);
  });
});
