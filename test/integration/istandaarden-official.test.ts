/**
 * Every official example message of iJw 3.2 and iWmo 3.2 (../shared/istandaarden-official/
 * *\/voorbeeldberichten) posted to the running gateway by the party that sends it in the real
 * chain: a provider its 305/307/315/317/323 and its retourberichten 302/320 (which carry the
 * gemeente as Afzender), a gemeente its own XML 301/319/325 and its retourberichten 306 … 318.
 * Each is accepted (no transport foutbericht), every answer validates against the official retour
 * XSD, and the two examples with known data errors are refused with IB001 naming the element.
 * Both drivers.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GatewayConfig } from '../../src/config/types.js';
import type { Gateway } from '../../src/gateway.js';
import { hashApiKey } from '../../src/parties/api-keys.js';
import { BERICHTSOORTEN, berichtType, RETOURBERICHTEN } from '../../src/standards/istandaarden/catalog.js';
import { readHeader } from '../../src/standards/istandaarden/header.js';
import { XsdValidators } from '../../src/standards/istandaarden/schema/validator.js';
import { parseXml } from '../../src/xml/parse.js';
import { DRIVER_CASES, startGateway, testEnv, writeConfig } from '../helpers/gateway.js';
import { getText, getWith, postXml } from '../helpers/istandaarden.js';
import { describeOfficial, officialDir, officialPresent, voorbeeldberichten, type Voorbeeldbericht } from '../helpers/istandaarden-official.js';
import { waitFor } from '../helpers/webhook.js';

const GEMEENTEN = ['0384', '0363'];
const AANBIEDERS = ['42420001', '65656055'];
const keyOf = (code: string) => `test-key-official-${code}`;

/** The two examples with data errors the publication itself has (README of istandaarden-official). */
const BEKEND_FOUT: Readonly<Record<string, string>> = {
  'ijw-3.2/voorbeeldberichten/JW315.xml': 'ToewijzingIngangsdatum|Einddatum|datum|Datum',
  'ijw-3.2/voorbeeldberichten/JW318.xml': 'RetourCode',
};

function config(): GatewayConfig {
  const alle = [...BERICHTSOORTEN.keys()].flatMap((n) => [berichtType('ijw', n), berichtType('iwmo', n)]);
  const key = (code: string) => ({ id: `k-${code}`, sha256: hashApiKey(keyOf(code)) });
  return {
    parties: [
      ...GEMEENTEN.map((code) => ({ id: `gemeente-${code}`, kind: 'gemeente' as const, name: `Gemeente ${code}`, code, credentials: { apiKeys: [key(code)] }, standards: ['json', 'ijw', 'iwmo'], maySend: alle })),
      ...AANBIEDERS.map((code) => ({ id: `aanbieder-${code}`, kind: 'aanbieder' as const, name: `Aanbieder ${code}`, code, credentials: { apiKeys: [key(code)] }, standards: ['json', 'ijw', 'iwmo'], maySend: alle, deliverTo: 'mailbox' as const })),
    ],
    destinations: [],
    routes: (['ijw', 'iwmo'] as const).flatMap((standard) => [
      { id: `${standard}-naar-gemeente`, match: { standard, messageType: standard === 'ijw' ? 'JW*' : 'WMO*', receiver: 'gemeente-*' }, mapping: 'istandaarden-naar-json', destinations: ['$receiver'] },
      { id: `${standard}-naar-aanbieder`, match: { standard, messageType: standard === 'ijw' ? 'JW*' : 'WMO*', sender: 'gemeente-*', receiver: 'aanbieder-*' }, mapping: 'istandaarden-xml', destinations: ['$receiver'] },
    ]),
  } as unknown as GatewayConfig;
}

/** The party that posts an example: a retourbericht is sent by its heenbericht's Ontvanger. */
function zender(v: Voorbeeldbericht): string {
  const h = readHeader(parseXml(v.xml));
  return RETOURBERICHTEN.includes(v.nummer) ? h.ontvanger : h.afzender;
}

let official: XsdValidators | undefined;
beforeAll(async () => {
  if (officialPresent) official = await XsdValidators.loadOfficial(officialDir());
});
afterAll(() => official?.dispose());

describeOfficial('official voorbeeldberichten through the iStandaarden channel', () => {
  describe.each([DRIVER_CASES[0]!, DRIVER_CASES[3]!])('on $store + $queue', ({ store, queue }) => {
    let gateway: Gateway;
    let baseUrl: string;
    beforeAll(async () => {
      ({ gateway, baseUrl } = await startGateway(await testEnv(store, queue, writeConfig(config()))));
    });
    afterAll(async () => {
      await gateway.close();
    });

    it('has all 21 examples', () => {
      expect(voorbeeldberichten().map((v) => v.file)).toHaveLength(21);
    });

    it.each(voorbeeldberichten().map((v) => [v.file, v] as const))('%s', async (file, v) => {
      const res = await postXml(baseUrl, keyOf(zender(v)), v.xml);
      const fout = BEKEND_FOUT[file];
      if (fout) {
        expect(res.status).toBe(400);
        expect(getText(res.text, 'Foutcode')).toBe('IB001');
        expect(res.text).toMatch(new RegExp(`<Plek>[^<]*(${fout})[^<]*</Plek>`));
        return;
      }
      expect(getText(res.text, 'Foutcode')).toBeUndefined();
      expect([200, 202]).toContain(res.status);
      const retour = BERICHTSOORTEN.get(v.nummer)!.retour;
      if (res.status === 200) {
        // The answer (a retourbericht, or the 325 on a rejected 323) validates against the official XSD.
        const antwoord = v.nummer === '323' ? '325' : retour!;
        expect(official!.validate(res.text, v.standaard, antwoord)).toEqual([]);
        const h = parseXml(res.text).children.find((c) => c.name === 'Header')!;
        if (antwoord !== '325') {
          // Matchable to the heenbericht: its Afzender, Ontvanger and BerichtIdentificatie.
          const heen = readHeader(parseXml(v.xml));
          expect(readHeader(parseXml(res.text))).toMatchObject({ afzender: heen.afzender, ontvanger: heen.ontvanger, identificatie: heen.identificatie, dagtekening: heen.dagtekening });
          expect(h.children.map((c) => c.name)).toContain('IdentificatieRetour');
        }
      }
      // It reaches the party it is addressed to.
      const h = readHeader(parseXml(v.xml));
      const ontvanger = RETOURBERICHTEN.includes(v.nummer) ? h.afzender : h.ontvanger;
      const type = berichtType(v.standaard, v.nummer);
      if (res.headers.get('x-knooppunt-status') === 'accepted' || res.status === 202) {
        if (/^\d{4}$/.test(ontvanger)) {
          const item = await waitFor(async () => {
            const box = JSON.parse((await getWith(baseUrl, keyOf(ontvanger), '/api/v1/mailbox')).text) as { items: Array<{ messageType: string; payload: Record<string, unknown> }> };
            return box.items.find((i) => i.messageType === type);
          });
          expect(item.payload).toMatchObject({ bericht: type });
        } else {
          const item = await waitFor(async () => {
            const box = JSON.parse((await getWith(baseUrl, keyOf(ontvanger), '/istandaarden/v1/mailbox')).text) as { items: Array<{ id: string; bericht: string }> };
            return box.items.find((i) => i.bericht === type);
          });
          const body = await getWith(baseUrl, keyOf(ontvanger), `/istandaarden/v1/mailbox/${item.id}`);
          expect(official!.validate(body.text, v.standaard, v.nummer)).toEqual([]);
        }
      }
    });

    it('refuses a provider posting a 302 on a gemeente\'s behalf when it is not the Ontvanger (IB002)', async () => {
      const jw302 = voorbeeldberichten().find((v) => v.file.endsWith('JW302.xml'))!;
      const res = await postXml(baseUrl, keyOf('65656055'), jw302.xml);
      expect(res.status).toBe(403);
      expect(getText(res.text, 'Foutcode')).toBe('IB002');
    });
  });
});

describeOfficial('KNOOPPUNT_ISTANDAARDEN_XSD_DIR: the official XSDs at run time', () => {
  it('validates against the folder it names, and refuses to start when a file is missing or does not compile', async () => {
    const { gateway, baseUrl } = await startGateway(await testEnv('pglite', 'in-process', writeConfig(config()), { KNOOPPUNT_ISTANDAARDEN_XSD_DIR: officialDir() }));
    try {
      const wmo305 = voorbeeldberichten().find((v) => v.file.endsWith('WMO305.xml'))!;
      expect(getText((await postXml(baseUrl, keyOf(zender(wmo305)), wmo305.xml)).text, 'Foutcode')).toBeUndefined();
      const fout = await postXml(baseUrl, keyOf(zender(wmo305)), wmo305.xml.replace(/<(\w+:)?Geslacht>\d<\/(\w+:)?Geslacht>/, ''));
      expect(getText(fout.text, 'Foutcode')).toBe('IB001');
      expect(fout.text).toContain('Geslacht');
    } finally {
      await gateway.close();
    }

    const kapot = mkdtempSync(join(tmpdir(), 'istandaarden-xsd-'));
    cpSync(officialDir(), kapot, { recursive: true });
    rmSync(join(kapot, 'iwmo-3.2', 'WMO320.xsd'));
    await expect(testEnv('pglite', 'in-process', writeConfig(config()), { KNOOPPUNT_ISTANDAARDEN_XSD_DIR: kapot }).then(startGateway)).rejects.toThrow(/WMO320\.xsd is missing/);
    writeFileSync(join(kapot, 'iwmo-3.2', 'WMO320.xsd'), '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="Bericht" type="nergens"/></xs:schema>');
    await expect(testEnv('pglite', 'in-process', writeConfig(config()), { KNOOPPUNT_ISTANDAARDEN_XSD_DIR: kapot }).then(startGateway)).rejects.toThrow(/WMO320\.xsd does not compile/);
   }, 240_000);
});
