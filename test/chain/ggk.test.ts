/**
 * The StUF-GGk envelope round trip: a Di01 carrying a JW315 goes in and a Du01 with the JW316 comes out;
 * the JW315 reaches the gemeente as JSON; the gemeente's later 301 goes out to the provider in a Di01
 * through the GGk destination. Every envelope in and out validates against knooppunt's GGk XSD. The
 * chain's refusals: not UUID v4 (IB009), frozen berichttype (IB103), a payload that does not decode or
 * contradicts the stuurgegevens (IB001), no route (IB102), sending as another party (IB002), logged.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { GatewayConfig } from '../../src/config/types.js';
import type { Gateway } from '../../src/gateway.js';
import { buildEnvelop, DI01, DU01, GGK_NS, STUF_NS, decodeXmlBestand, readEnvelop } from '../../src/standards/ggk/envelop.js';
import { GgkSchemas } from '../../src/standards/ggk/schema.js';
import { soapEnvelope } from '../../src/channels/stuf/soap-envelope.js';
import { readEnvelope } from '../../src/channels/stuf/soap-envelope.js';
import { projectRoot } from '../../src/util/paths.js';
import { parseXml, type XmlElement } from '../../src/xml/parse.js';
import { serializeXml } from '../../src/xml/build.js';
import { startGateway, testEnv, writeConfig } from '../helpers/gateway.js';
import { CONFIG, DEMO, fixture, jsonFixture, setText } from '../helpers/istandaarden.js';
import { BodyReceiver, TestWebhook, waitFor } from '../helpers/webhook.js';

const schemas = GgkSchemas.load(join(projectRoot(), 'schemas', 'ggk'));
const AANBIEDER = { organisatie: '87654321', applicatie: 'Jeugdhulp Aanbieder B' };
const GEMEENTE = { organisatie: '0153', applicatie: 'GGk' };

/** The GGk side toward providers: answers every Di01 with a Bv03 and keeps what it got. */
class TestGgk extends BodyReceiver {
  readonly received: string[] = [];
  constructor() {
    super((_req, body, res) => {
      this.received.push(body.toString('utf8'));
      const bv03 = `<StUF:Bv03Bericht xmlns:StUF="${STUF_NS}"><StUF:stuurgegevens><StUF:berichtcode>Bv03</StUF:berichtcode><StUF:zender><StUF:applicatie>GGk</StUF:applicatie></StUF:zender><StUF:ontvanger><StUF:applicatie>knooppunt</StUF:applicatie></StUF:ontvanger><StUF:referentienummer>${randomUUID()}</StUF:referentienummer><StUF:tijdstipBericht>20261202000000</StUF:tijdstipBericht><StUF:crossRefnummer>${randomUUID()}</StUF:crossRefnummer></StUF:stuurgegevens></StUF:Bv03Bericht>`;
      res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' }).end(soapEnvelope(bv03));
    });
  }
}

function jw315(id: string): string {
  return setText(fixture('ijw', 'jw315.xml'), 'Identificatie', id);
}

async function postGgk(baseUrl: string, key: string, envelopeXml: string): Promise<{ status: number; text: string; payload?: XmlElement }> {
  const res = await fetch(`${baseUrl}/ggk/v1`, {
    method: 'POST',
    headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${GGK_NS}/ggk_Di01"`, authorization: `Bearer ${key}` },
    body: soapEnvelope(envelopeXml),
  });
  const text = await res.text();
  const env = readEnvelope(parseXml(text));
  return { status: res.status, text, ...('reason' in env ? {} : { payload: env.payload }) };
}

function fo01Code(payload: XmlElement | undefined): string | undefined {
  const detail = payload?.children.find((c) => c.name === 'detail');
  const fo01 = detail?.children.find((c) => c.name === 'Fo01Bericht');
  return fo01?.children.find((c) => c.name === 'body')?.children.find((c) => c.name === 'code')?.text;
}

describe('GGk envelope', () => {
  const webhook = new TestWebhook();
  const ggkOut = new TestGgk();
  let gateway: Gateway;
  let baseUrl: string;

  beforeAll(async () => {
    const hook = await webhook.start();
    const ggkUrl = await ggkOut.start('/ggk');
    const config = parse(readFileSync(CONFIG, 'utf8')) as GatewayConfig;
    // The example's contract register names files beside it; the envelope does not need it.
    delete config.contracten;
    config.destinations = [
      ...(config.destinations ?? []),
      { id: 'webhook-enschede', type: 'webhook', url: `${hook}/enschede`, party: 'gemeente-0153', timeoutMs: 5000 },
      { id: 'ggk-knooppunt', type: 'ggk', url: ggkUrl, timeoutMs: 5000 },
    ];
    for (const p of config.parties) {
      if (p.id === 'gemeente-0153') p.deliverTo = 'webhook-enschede';
      if (p.id === 'aanbieder-87654321') p.deliverTo = 'ggk-knooppunt';
    }
    const now = Date.now();
    config.ggk = { bevroren: [{ berichttype: 'JW317', van: new Date(now - 86_400_000).toISOString(), tot: new Date(now + 86_400_000).toISOString() }] };
    ({ gateway, baseUrl } = await startGateway(await testEnv('pglite', 'in-process', writeConfig(config))));
  });
  afterAll(async () => {
    await gateway?.close();
    await webhook.stop();
    await ggkOut.stop();
  });

  test('Di01 with a JW315 in, Du01 with the JW316 out; the JW315 reaches the gemeente as JSON; the 301 goes out in a Di01', async () => {
    const referentie = randomUUID();
    const di01 = buildEnvelop({ soort: 'Di01', zender: AANBIEDER, ontvanger: GEMEENTE, referentienummer: referentie, functie: 'JW315', bericht: Buffer.from(jw315(`GGK${Date.now().toString().slice(-8)}`)) });
    expect(schemas.validateEnvelop(di01)).toEqual([]);
    const answer = await postGgk(baseUrl, DEMO.aanbiederB, di01);
    expect(answer.status).toBe(200);
    expect(answer.payload?.ns).toBe(GGK_NS);
    expect(answer.payload?.name).toBe(DU01);
    const du01Xml = serializeXml(answer.payload!, { declaration: true });
    expect(schemas.validateEnvelop(du01Xml)).toEqual([]);
    const du01 = readEnvelop(answer.payload!);
    expect(du01).toMatchObject({ soort: 'Du01', crossRefnummer: referentie, functie: 'JW316', ontvanger: AANBIEDER, zender: { organisatie: '0153' } });
    expect(du01.referentienummer).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const jw316 = decodeXmlBestand(du01.xmlBestand)!.toString('utf8');
    expect(jw316).toContain('http://www.istandaarden.nl/ijw/3_2/jw316/schema');

    // The gemeente's back office gets the 315 as JSON.
    const delivered = await waitFor(() => webhook.requests.find((r) => r.headers['x-knooppunt-message-type'] === 'JW315'));
    expect(delivered.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(delivered.body)).toEqual(expect.any(Object));

    // The later toewijzing (301), sent by the gemeente as JSON, leaves toward the provider in a Di01.
    const sent = await fetch(`${baseUrl}/api/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${DEMO.enschede}` },
      body: JSON.stringify({ messageType: 'ijw-toewijzing', messageId: randomUUID(), receiver: 'aanbieder-87654321', payload: jsonFixture('ijw', 'toewijzing') }),
    });
    expect(sent.status).toBe(202);
    const outgoing = await waitFor(() => ggkOut.received.find((b) => b.includes('JW301')));
    const env = readEnvelope(parseXml(outgoing));
    if ('reason' in env) throw new Error('not SOAP');
    expect(env.payload.name).toBe(DI01);
    expect(schemas.validateEnvelop(serializeXml(env.payload, { declaration: true }))).toEqual([]);
    const di01Out = readEnvelop(env.payload);
    expect(di01Out).toMatchObject({ soort: 'Di01', functie: 'JW301', zender: { organisatie: '0153' }, ontvanger: { organisatie: '87654321' } });
    const jw301 = decodeXmlBestand(di01Out.xmlBestand)!.toString('utf8');
    expect(jw301).toContain('http://www.istandaarden.nl/ijw/3_2/jw301/schema');
  });

  const refusals: Array<{ name: string; code: string; reason: string; envelope: () => string }> = [
    { name: 'a referentienummer that is not UUID v4', code: 'IB009', reason: 'referentienummer-not-uuid-v4', envelope: () => buildEnvelop({ soort: 'Di01', zender: AANBIEDER, ontvanger: GEMEENTE, referentienummer: '12345', functie: 'JW315', bericht: Buffer.from(jw315('GGKREF01')) }) },
    { name: 'a UUID of another version', code: 'IB009', reason: 'referentienummer-not-uuid-v4', envelope: () => buildEnvelop({ soort: 'Di01', zender: AANBIEDER, ontvanger: GEMEENTE, referentienummer: '9c0f7b90-5c69-11e5-a837-0800200c9a66', functie: 'JW315', bericht: Buffer.from(jw315('GGKREF02')) }) },
    {
      name: 'a frozen berichttype', code: 'IB103', reason: 'berichttype-frozen',
      envelope: () => buildEnvelop({ soort: 'Di01', zender: AANBIEDER, ontvanger: GEMEENTE, functie: 'JW317', bericht: Buffer.from(setText(setText(fixture('ijw', 'jw317.xml'), 'Afzender', '87654321'), 'Ontvanger', '0153')) }),
    },
    // The XSD's base64Binary already refuses it; the channel's own strict decode is the second line.
    { name: 'a payload that is not base64', code: 'IB001', reason: 'envelope-invalid', envelope: () => buildEnvelop({ soort: 'Di01', zender: AANBIEDER, ontvanger: GEMEENTE, functie: 'JW315', bericht: Buffer.from('x') }).replace(/<GGK:xmlBestand>[^<]*</, '<GGK:xmlBestand>e===<') },
    { name: 'a payload that is not XML', code: 'IB001', reason: 'bericht-xml-not-well-formed', envelope: () => buildEnvelop({ soort: 'Di01', zender: AANBIEDER, ontvanger: GEMEENTE, functie: 'JW315', bericht: Buffer.from('<niet-af') }) },
    { name: 'functie that contradicts the bericht', code: 'IB001', reason: 'functie-contradicts-bericht', envelope: () => buildEnvelop({ soort: 'Di01', zender: AANBIEDER, ontvanger: GEMEENTE, functie: 'JW305', bericht: Buffer.from(jw315('GGKFUN01')) }) },
    { name: 'a zender that contradicts the Afzender', code: 'IB001', reason: 'zender-contradicts-afzender', envelope: () => buildEnvelop({ soort: 'Di01', zender: { ...AANBIEDER, organisatie: '12345678' }, ontvanger: GEMEENTE, functie: 'JW315', bericht: Buffer.from(jw315('GGKZEN01')) }) },
    {
      name: 'a gemeente not connected (no route)', code: 'IB102', reason: 'unknown-receiver',
      envelope: () => buildEnvelop({ soort: 'Di01', zender: AANBIEDER, ontvanger: { ...GEMEENTE, organisatie: '0999' }, functie: 'JW315', bericht: Buffer.from(setText(jw315('GGKNOR01'), 'Ontvanger', '0999')) }),
    },
    { name: 'an envelope that does not validate', code: 'IB001', reason: 'envelope-invalid', envelope: () => buildEnvelop({ soort: 'Di01', zender: AANBIEDER, ontvanger: GEMEENTE, functie: 'JW315', bericht: Buffer.from(jw315('GGKXSD01')) }).replace(/<GGK:functieVersie>0003</, '<GGK:functieVersie>3<') },
  ];

  for (const r of refusals) {
    test(`${r.name}: Fo01 ${r.code}, valid against the GGk XSD, logged`, async () => {
      const answer = await postGgk(baseUrl, DEMO.aanbiederB, r.envelope());
      expect(answer.status).toBe(500);
      expect(fo01Code(answer.payload)).toBe(r.code);
      const fo01 = answer.payload!.children.find((c) => c.name === 'detail')!.children.find((c) => c.name === 'Fo01Bericht')!;
      expect(schemas.validateStuf(serializeXml(fo01, { declaration: true }))).toEqual([]);
      const logged = await gateway.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM exchange_events WHERE channel = 'ggk' AND event_type = 'rejected' AND detail->>'reason' = $1 AND detail->>'code' = $2`, [r.reason, r.code]);
      expect(logged.rows[0]!.n).toBeGreaterThanOrEqual(1);
    });
  }

  test('sending as another party: Fo01 IB002', async () => {
    const di01 = buildEnvelop({ soort: 'Di01', zender: AANBIEDER, ontvanger: GEMEENTE, functie: 'JW315', bericht: Buffer.from(jw315('GGKAUT01')) });
    const answer = await postGgk(baseUrl, DEMO.aanbiederA, di01);
    expect(fo01Code(answer.payload)).toBe('IB002');
    const noKey = await fetch(`${baseUrl}/ggk/v1`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: soapEnvelope(di01) });
    expect(noKey.status).toBe(500);
    expect(await noKey.text()).toContain('IB002');
  });
});
