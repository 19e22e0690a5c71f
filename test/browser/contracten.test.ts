/**
 * The contract pages of the console in Chromium (playwright-core, Debian's browser, as
 * console.test.ts): the ceiling banner after a threshold was crossed, the standings with their
 * meters, the monthly spend chart (uPlot draws a canvas), spend per gemeente, and no BSN anywhere
 * on the page. The privacy role does not get the page.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { parse, stringify } from 'yaml';
import { hashPassword } from '../../src/console/auth/passwords.js';
import type { Gateway } from '../../src/gateway.js';
import { declaratie323, twenteRegister, TWENTE_REGISTER } from '../helpers/contracten.js';
import { seedToewijzingen, syntheticBsn } from '../helpers/declaratie.js';
import { startGateway, testEnv } from '../helpers/gateway.js';
import { CONFIG, DEMO, postXml } from '../helpers/istandaarden.js';
import { CHROMIUM, launchChromium, openPage, signInConsole } from '../helpers/chromium.js';

const PASSWORDS = { beheer: 'beheer-wachtwoord-1', privacy: 'privacy-wachtwoord-1' };
const LONG = 180_000;

let gateway: Gateway;
let baseUrl: string;
let browser: Browser;
let chromiumSession: Awaited<ReturnType<typeof launchChromium>> | undefined;
const bsns: string[] = [];

beforeAll(async () => {
  const config = parse(readFileSync(CONFIG, 'utf8')) as { contracten: Record<string, unknown>; console: unknown };
  config.contracten.register = TWENTE_REGISTER;
  config.console = {
    users: [
      { id: 'beheer', name: 'Beheer Twente', role: 'beheerder', passwordHash: await hashPassword(PASSWORDS.beheer) },
      { id: 'privacy', name: 'Privacy officer', role: 'privacy', passwordHash: await hashPassword(PASSWORDS.privacy) },
    ],
  };
  const file = join(mkdtempSync(join(tmpdir(), 'knooppunt-contracten-ui-')), 'knooppunt.yaml');
  writeFileSync(file, stringify(config));
  ({ gateway, baseUrl } = await startGateway(await testEnv('pglite', 'in-process', file)));

  // Provider B's 2026 maximum becomes € 1.000,00; declaraties in September and October over two gemeenten pass 75 % and 90 %.
  const contract = twenteRegister().contracten.find((c) => c.id === 'TW-JH-2025-02')!;
  contract.maximum.perJaar['2026'] = 100_000;
  const put = await fetch(`${baseUrl}/contracten/v1/register/contracten/TW-JH-2025-02`, { method: 'PUT', headers: { authorization: `Bearer ${DEMO.regio}`, 'content-type': 'application/json' }, body: JSON.stringify(contract) });
  expect(put.status).toBe(200);
  let n = 0;
  for (const [gemeente, maand, uren] of [['0153', '09', 5], ['0164', '10', 5]] as const) {
    n++;
    const bsn = syntheticBsn(7000 + n);
    bsns.push(bsn);
    const p = { bsn, toewijzingNummer: String(70000000 + n), categorie: '45', code: '45A48', begindatum: `2026-${maand}-01`, einddatum: `2026-${maand}-28`, volume: uren, eenheid: '04', tarief: 7850, referentie: `UI${n}` };
    await seedToewijzingen(gateway.db, 'ijw', gemeente, '87654321', [{ toewijzingNummer: p.toewijzingNummer, categorie: '45', code: '45A48', ingangsdatum: '2026-01-01', einddatum: '2026-12-31', eenheid: '04' }]);
    const xml = declaratie323({ afzender: '87654321', ontvanger: gemeente, identificatie: `UI${n}`, dagtekening: '2026-11-05', periode: { van: `2026-${maand}-01`, tot: `2026-${maand}-${maand === '09' ? '30' : '31'}` }, prestaties: [p] });
    const r = await postXml(baseUrl, DEMO.aanbiederB, xml);
    expect(r.headers.get('x-knooppunt-status')).toBe('accepted');
  }
  chromiumSession = await launchChromium();
  browser = chromiumSession.browser;
}, LONG);

afterAll(async () => {
  await chromiumSession?.close();
  await gateway?.close();
}, LONG);

async function signIn(user: keyof typeof PASSWORDS): Promise<Page> {
  const { page } = await openPage(await browser.newContext());
  await signInConsole(page, baseUrl, user, PASSWORDS[user]);
  return page;
}

test('Chromium is installed where the tests expect it', () => {
  expect(existsSync(CHROMIUM)).toBe(true);
});

test('the contract page shows the ceiling banner, the standings, the chart and spend per gemeente, and no BSN', async () => {
  const page = await signIn('beheer');
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.getByRole('link', { name: 'Contracten' }).click();
  await page.getByRole('heading', { level: 1, name: 'Contracten' }).waitFor();
  const banner = page.getByRole('alert', { name: 'Contractalarmen' });
  await banner.waitFor();
  const alarm = (await banner.locator('[data-alarm="TW-JH-2025-02/2026/75"]').innerText()).replace(/\u00a0/g, ' ');
  expect(alarm).toBe('Plafond 75 % bereikt: contract TW-JH-2025-02 (2026) — € 785,00 van € 1.000,00');
  await expect(banner.locator('[data-alarm="TW-JH-2025-02/2026/90"]').count()).resolves.toBe(0); // 78,5 % only
  const rij = page.locator('tr[data-contract="TW-JH-2025-02"][data-periode="2026"]');
  await expect(rij.innerText()).resolves.toContain('78,50 %');
  await expect(rij.locator('meter').getAttribute('aria-label')).resolves.toBe('78,50 %');
  // uPlot draws the monthly series on a canvas: two months, two series.
  await page.locator('#contract-grafiek .uplot canvas').waitFor();
  const legend = await page.locator('#contract-grafiek .u-legend').innerText();
  expect(legend).toContain('Gedeclareerd');
  expect(legend).toContain('Toegekend');
  const perGemeente = await page.getByRole('table', { name: 'Besteding per gemeente' }).innerText();
  expect(perGemeente).toContain('0153');
  expect(perGemeente).toContain('0164');
  expect(perGemeente).toMatch(/392,50/);
  const tekst = await page.locator('main').innerText();
  for (const bsn of bsns) expect(tekst).not.toContain(bsn);
  // The scope narrows the page to a grouping without Hengelo.
  await page.getByLabel('Bereik').selectOption('twente-13');
  await page.getByRole('table', { name: 'Besteding per gemeente' }).waitFor();
  await expect(page.getByRole('table', { name: 'Besteding per gemeente' }).innerText()).resolves.not.toContain('0164');
  expect(errors).toEqual([]);
  await page.context().close();
}, LONG);

test('the privacy role has no contract page, and its API answers 403', async () => {
  const page = await signIn('privacy');
  await expect(page.getByRole('link', { name: 'Contracten' }).count()).resolves.toBe(0);
  const status = await page.evaluate(async () => (await fetch('/console/api/contracten/inzicht/totalen')).status);
  expect(status).toBe(403);
  await page.context().close();
}, LONG);
