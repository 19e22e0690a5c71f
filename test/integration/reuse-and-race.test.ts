/**
 * A sender id used again: the same message (the same bytes, or the same JSON after canonicalisation)
 * is a duplicate; other content is a logged 409 problem+json naming the first message, or, where the
 * standard has its own rule (iStandaarden TR056), that standard's answer (retourcode 9056). Submissions
 * at the same moment get exactly the answer they would get one after the other, on both stores.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash, randomUUID } from 'node:crypto';
import type { Gateway } from '../../src/gateway.js';
import type { GatewayConfig } from '../../src/config/types.js';
import { KEYS, startGateway, testConfig, testEnv, writeConfig, type StoreKind } from '../helpers/gateway.js';
import { CONFIG, DEMO, fixture, getText, jsonFixture, postXml, setText } from '../helpers/istandaarden.js';

async function postRaw(baseUrl: string, key: string, body: string) {
  const res = await fetch(`${baseUrl}/api/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body,
  });
  return { status: res.status, type: res.headers.get('content-type') ?? '', json: (await res.json()) as Record<string, unknown> };
}

async function postEnvelope(baseUrl: string, key: string, reference: string, bytes: Buffer) {
  const res = await fetch(`${baseUrl}/api/v1/envelopes`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${key}`,
      'content-type': 'application/octet-stream',
      'x-knooppunt-receiver': 'aanbieder-87654321',
      'x-knooppunt-envelope-type': 'dossier',
      'x-knooppunt-sender-reference': reference,
      'x-knooppunt-content-sha256': createHash('sha256').update(bytes).digest('hex'),
    },
    body: new Uint8Array(bytes),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

/** The test region with a sealed route to provider B's mailbox (no webhook involved). */
function sealedConfig(): GatewayConfig {
  const config = testConfig('http://127.0.0.1:9');
  config.parties[0]!.maySend = ['toewijzing', 'verzegeld'];
  config.routes.push({
    id: 'verzegeld-naar-ontvanger',
    sealed: true,
    match: { standard: 'sealed', messageType: 'verzegeld', sender: 'gemeente-*', receiver: 'aanbieder-*' },
    destinations: ['$receiver'],
    purpose: 'Verzegeld dossier',
  } as unknown as GatewayConfig['routes'][number]);
  return config;
}

/** The same object with its keys in reverse order, at every level: the same JSON after canonicalisation. */
function reversedKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reversedKeys);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(Object.entries(v as Record<string, unknown>).reverse().map(([k, x]) => [k, reversedKeys(x)]));
}

const retourcodes = (xml: string) => [...xml.matchAll(/RetourCode>([^<]*)</g)].map((m) => m[1]).sort();

let serial = 0;
function verzoek(identificatie: string, referentie: string): string {
  let xml = fixture('iwmo', 'wmo315.xml');
  xml = setText(xml, 'Identificatie', identificatie);
  // Both aangevraagde producten get references of their own: a reused ReferentieAanbieder is another rule (TR347).
  return xml.replace('VT20260112', `${referentie}A`).replace('VT20260113', `${referentie}B`);
}
// At most 12 characters, as the 3.2 basisschema allows an Identificatie.
const nieuweIdentificatie = () => `R${process.pid % 100}${Date.now().toString().slice(-6)}${serial++}`.slice(0, 12);

describe.each(['pglite', 'postgres'] as StoreKind[])('reused ids and races on %s', (store) => {
  let gateway: Gateway;
  let baseUrl: string;
  let sealed: { gateway: Gateway; baseUrl: string };

  beforeAll(async () => {
    ({ gateway, baseUrl } = await startGateway(await testEnv(store, 'in-process', CONFIG)));
    sealed = await startGateway(await testEnv(store, 'in-process', writeConfig(sealedConfig())));
  });
  afterAll(async () => {
    await gateway.close();
    await sealed.gateway.close();
  });

  it('a sealed envelope: other bytes under a used sender reference is a logged 409 naming the first; the same bytes a duplicate', async () => {
    const ref = `env-${randomUUID()}`;
    const first = await postEnvelope(sealed.baseUrl, KEYS.enschede, ref, Buffer.from('ciphertext one'));
    expect(first.status).toBe(202);
    const again = await postEnvelope(sealed.baseUrl, KEYS.enschede, ref, Buffer.from('ciphertext one'));
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ id: first.json.id, duplicate: true });
    const other = await postEnvelope(sealed.baseUrl, KEYS.enschede, ref, Buffer.from('ciphertext two'));
    expect(other.status).toBe(409);
    expect(other.json).toMatchObject({ code: 'reused-id', firstMessageId: first.json.id });
    const events = await sealed.gateway.log.eventsForMessage(other.json.messageId as string);
    expect(events.map((e) => e.eventType)).toEqual(['received', 'rejected']);
  });

  /** A toewijzing; `commentaar` changes the content and nothing else. */
  const toewijzing = (messageId: string, commentaar?: string) => {
    const payload = jsonFixture('iwmo', 'toewijzing') as { client: Record<string, unknown> };
    if (commentaar !== undefined) payload.client.commentaar = commentaar;
    return { messageType: 'iwmo-toewijzing', messageId, receiver: 'aanbieder-12345678', payload };
  };

  it('the same JSON re-serialised (key order, whitespace) is a duplicate, not a new message', async () => {
    const doc = toewijzing(randomUUID());
    const first = await postRaw(baseUrl, DEMO.enschede, JSON.stringify(doc));
    expect(first.status).toBe(202);
    const again = await postRaw(baseUrl, DEMO.enschede, JSON.stringify(reversedKeys(doc), null, 2));
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ id: first.json.id, duplicate: true });
  });

  it('other content under a used messageId is a logged 409 problem+json naming the first message', async () => {
    const id = randomUUID();
    const first = await postRaw(baseUrl, DEMO.enschede, JSON.stringify(toewijzing(id)));
    expect(first.status).toBe(202);
    const other = await postRaw(baseUrl, DEMO.enschede, JSON.stringify(toewijzing(id, 'andere inhoud')));
    expect(other.status).toBe(409);
    expect(other.type).toMatch(/application\/problem\+json/);
    expect(other.json).toMatchObject({ status: 409, code: 'reused-id', firstMessageId: first.json.id });
    const rejectedId = other.json.messageId as string;
    expect(rejectedId).not.toBe(first.json.id);
    const events = await gateway.log.eventsForMessage(rejectedId);
    expect(events.map((e) => e.eventType)).toEqual(['received', 'rejected']);
    expect(events[1]!.detail).toMatchObject({ code: 'reused-id', firstMessageId: first.json.id });
  });

  it('20 concurrent submissions of one messageId with other content: one 202, nineteen 409s naming it, no 500', async () => {
    const id = randomUUID();
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => postRaw(baseUrl, DEMO.enschede, JSON.stringify(toewijzing(id, `versie ${i}`)))),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([202, ...Array<number>(19).fill(409)]);
    const winner = answers.find((a) => a.status === 202)!.json.id;
    for (const a of answers.filter((x) => x.status === 409)) expect(a.json.firstMessageId).toBe(winner);
  });

  it('20 concurrent identical submissions: one 202 and nineteen duplicates of it', async () => {
    const body = JSON.stringify(toewijzing(randomUUID()));
    const answers = await Promise.all(Array.from({ length: 20 }, () => postRaw(baseUrl, DEMO.enschede, body)));
    expect(answers.map((a) => a.status).sort()).toEqual([...Array<number>(19).fill(200), 202]);
    const ids = new Set(answers.map((a) => a.json.id));
    expect(ids.size).toBe(1);
  });

  it('iStandaarden: 10 berichten under one Identificatie at once answer as one after the other would: one 0200, nine 9056', async () => {
    // Sequentially first: the second bericht under a used Identificatie gets retourcode 9056.
    const seqId = nieuweIdentificatie();
    const s1 = await postXml(baseUrl, DEMO.aanbiederB, verzoek(seqId, `VT${serial}1`));
    expect(s1.status).toBe(200);
    expect(s1.headers.get('x-knooppunt-status')).toBe('accepted');
    expect(getText(s1.text, 'RetourCode')).toBe('0200');
    const s2 = await postXml(baseUrl, DEMO.aanbiederB, verzoek(seqId, `VT${serial}2`));
    const sequential = { status: s2.status, state: s2.headers.get('x-knooppunt-status'), text: s2.text };
    expect(sequential.status).toBe(200);
    expect(sequential.state).toBe('rejected');
    expect(sequential.text).toContain('9056');

    const raceId = nieuweIdentificatie();
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => postXml(baseUrl, DEMO.aanbiederB, verzoek(raceId, `VT${serial}R${i}`))));
    expect(answers.map((a) => a.status)).toEqual(Array<number>(10).fill(200));
    const accepted = answers.filter((a) => a.headers.get('x-knooppunt-status') === 'accepted');
    const refused = answers.filter((a) => a.headers.get('x-knooppunt-status') === 'rejected');
    expect(accepted).toHaveLength(1);
    expect(getText(accepted[0]!.text, 'RetourCode')).toBe('0200');
    expect(refused).toHaveLength(9);
    // The same retourcodes as the sequential refusal, bericht for bericht.
    for (const r of refused) expect(retourcodes(r.text)).toEqual(retourcodes(sequential.text));
  });
});
