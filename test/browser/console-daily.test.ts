/**
 * The console a beheerder uses every day, in Chromium (playwright-core, Debian's browser, as
 * console.test.ts), on the demo configuration with Enschede's zaaksysteem down: nothing of a
 * session shows before sign-in; search by the sender's own reference; parties by name with code;
 * a message delivered to one of two destinations reads "deels bezorgd (1 van 2)"; the operations
 * charts drawn from the store's figures; the overview refreshing by itself; bulk redelivery of
 * the dead letters by filter with progress; a rejected message reprocessed from its detail page.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import type { Gateway } from '../../src/gateway.js';
import { post, startGateway, testEnv, toewijzing, writeConfig } from '../helpers/gateway.js';
import { ConsoleClient, DEMO_USERS, demoConfig } from '../helpers/console.js';
import { DEMO } from '../helpers/istandaarden.js';
import { BV03, FakeZaaksysteem, soapEnvelopeOf, stufFixture, stuurgegevens } from '../helpers/stuf.js';
import { waitFor } from '../helpers/webhook.js';
import { CHROMIUM, launchChromium, openPage, signInConsole } from '../helpers/chromium.js';

const LONG = 180_000;
const JEUGD_BO = 'demo-jeugd-bo-enschede';
const RUN = Date.now().toString(36);
const REF = `BO-UI-${RUN}`;

let zaaksysteem: FakeZaaksysteem;
let gateway: Gateway;
let baseUrl: string;
let browser: Browser;
let chromiumSession: Awaited<ReturnType<typeof launchChromium>> | undefined;
const ids = { rest: '', stuf: [] as string[], rejected: '' };

async function kennisgeving(i: number): Promise<void> {
  const xml = stuurgegevens(stufFixture('creeerZaak_ZakLk01.xml'), { zender: ['0153', 'JeugdBO'], ontvanger: ['0153', 'knooppunt'], referentie: `JeugdBO-UI-${RUN}-${i}` })
    .replace(/0153-2026-0000123/g, `0153-2026-6${String(i).padStart(6, '0')}`);
  const r = await fetch(`${baseUrl}/stuf/zds/OntvangAsynchroon`, {
    method: 'POST',
    headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '"http://www.egem.nl/StUF/sector/zkn/0310/creeerZaak_Lk01"', authorization: `Bearer ${JEUGD_BO}` },
    body: soapEnvelopeOf(xml),
  });
  expect(r.status).toBe(200);
}

const deadAtZds = async () =>
  (await gateway.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM deliveries WHERE destination_id = 'zds-enschede' AND status = 'dead_letter'`)).rows[0]!.n;

beforeAll(async () => {
  zaaksysteem = new FakeZaaksysteem();
  zaaksysteem.respond = () => ({ status: 503, body: 'onderhoud' });
  const zdsUrl = await zaaksysteem.start();
  ({ gateway, baseUrl } = await startGateway(await testEnv('pglite', 'in-process', writeConfig(demoConfig(zdsUrl)))));
  const rest = await post(baseUrl, DEMO.enschede, toewijzing(REF));
  expect(rest.status).toBe(202);
  ids.rest = String(rest.json.id);
  // Almelo has no toewijzing route in the demo configuration: refused with no-route, kept as rejected.
  const refused = await post(baseUrl, DEMO.almelo, toewijzing(`${REF}-almelo`, { gemeente: '0141' }));
  expect(refused.status).toBe(422);
  ids.rejected = (await gateway.db.query<{ id: string }>(`SELECT id FROM messages WHERE status = 'rejected' AND sender = 'gemeente-0141'`)).rows[0]!.id;
  for (let i = 0; i < 3; i++) await kennisgeving(i);
  await waitFor(async () => (await deadAtZds()) === 3, 60_000);
  const r = await gateway.db.query<{ id: string }>(`SELECT id FROM messages WHERE channel = 'stuf' ORDER BY received_at`);
  ids.stuf = r.rows.map((x) => x.id);
  chromiumSession = await launchChromium();
  browser = chromiumSession.browser;
}, LONG);

afterAll(async () => {
  await chromiumSession?.close();
  await gateway?.close();
  await zaaksysteem?.stop();
}, LONG);

const signIn = (page: Page, user: string): Promise<void> => signInConsole(page, baseUrl, user, user);

test('Chromium is installed where the tests expect it', () => {
  expect(existsSync(CHROMIUM)).toBe(true);
});

test('before sign-in neither "Afmelden" nor the menu shows; after sign-out neither does', async () => {
  const context = await browser.newContext();
  try {
    const { page, problems } = await openPage(context);
    await page.goto(`${baseUrl}/console/`);
    await page.getByRole('heading', { level: 1, name: 'Aanmelden' }).waitFor();
    expect(await page.getByRole('button', { name: 'Afmelden' }).isVisible()).toBe(false);
    expect(await page.locator('#who').isVisible()).toBe(false);
    expect(await page.getByRole('navigation', { name: 'Hoofdmenu' }).isVisible()).toBe(false);
    await page.getByLabel('Gebruikersnaam').fill(DEMO_USERS.audit);
    await page.getByLabel('Wachtwoord').fill(DEMO_USERS.audit);
    await page.getByRole('button', { name: 'Aanmelden' }).click();
    await page.getByRole('button', { name: 'Afmelden' }).waitFor();
    // The menu is made from the one list of pages, per role: no dead letters for the auditor.
    const menu = await page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link').allInnerTexts();
    expect(menu).toEqual(expect.arrayContaining(['Berichten zoeken', 'Werking', 'Privacy']));
    expect(menu).not.toContain('Niet bezorgd');
    await page.getByRole('button', { name: 'Afmelden' }).click();
    await page.getByRole('heading', { level: 1, name: 'Aanmelden' }).waitFor();
    expect(await page.getByRole('button', { name: 'Afmelden' }).isVisible()).toBe(false);
    expect(problems).toEqual([]);
  } finally {
    await context.close();
  }
}, LONG);

test('search by the sender\'s own reference; parties by name with their code; "deels bezorgd (1 van 2)"', async () => {
  const context = await browser.newContext();
  try {
    const { page, problems } = await openPage(context);
    await signIn(page, DEMO_USERS.beheer);
    await page.getByLabel('Kenmerk').fill(REF);
    await page.getByRole('button', { name: 'Zoeken', exact: true }).click();
    await page.locator('#totaal', { hasText: '1 bericht gevonden' }).waitFor();
    const row = page.getByRole('table', { name: 'Gevonden berichten' }).locator('tbody tr');
    expect(await row.count()).toBe(1);
    const text = await row.innerText();
    expect(text).toContain('Gemeente Enschede');
    expect(text).toContain('0153');
    expect(text).toContain('Zorgaanbieder A (fictitious)');
    expect(text).toContain('12345678');
    expect(text).not.toContain('gemeente-0153');
    await row.getByRole('link', { name: `Details van bericht ${ids.rest}` }).waitFor();

    // The short id the table shows finds the same message.
    await page.getByLabel('Kenmerk').fill(ids.rest.slice(0, 8));
    await page.getByRole('button', { name: 'Zoeken', exact: true }).click();
    await page.getByRole('link', { name: `Details van bericht ${ids.rest}` }).waitFor();

    // The StUF kennisgeving went to the JSON back office but not to the zaaksysteem.
    await page.getByLabel('Kenmerk').fill(`JeugdBO-UI-${RUN}-0`);
    await page.getByRole('button', { name: 'Zoeken', exact: true }).click();
    await page.locator('#totaal', { hasText: '1 bericht gevonden' }).waitFor();
    const stufRow = page.getByRole('table', { name: 'Gevonden berichten' }).locator('tbody tr');
    expect(await stufRow.locator('.badge').innerText()).toBe('deels bezorgd (1 van 2)');
    expect(await stufRow.innerText()).not.toMatch(/niet bezorgd/);
    await stufRow.getByRole('link').click();
    await page.getByRole('heading', { level: 2, name: 'Verloop' }).waitFor();
    expect(await page.locator('dl.pairs').innerText()).toMatch(/deels bezorgd \(1 van 2\)/);
    expect(await page.locator('dl.pairs').innerText()).toContain(`JeugdBO-UI-${RUN}-0`);
    expect(problems).toEqual([]);
  } finally {
    await context.close();
  }
}, LONG);

test('operations: the charts are drawn from the store\'s figures, and the overview refreshes by itself', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const { page, problems } = await openPage(context);
    await page.addInitScript(() => sessionStorage.setItem('kp-refresh-ms', '1500'));
    await signIn(page, DEMO_USERS.audit);
    await page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: 'Werking' }).click();
    await page.getByRole('heading', { level: 2, name: 'Wachtrij' }).waitFor();
    await page.locator('#ops-hours').selectOption('1');
    await page.getByRole('button', { name: 'Toon' }).click();
    for (const id of ['grafiek-doorvoer', 'grafiek-fouten', 'grafiek-wachtrij']) await page.locator(`#${id} canvas`).first().waitFor();

    // What the charts draw is what the store says.
    const api = await new ConsoleClient(baseUrl).signIn(DEMO_USERS.audit);
    const series = (await api.call('GET', '/operations/series?hours=1')).json;
    const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
    expect(Number(await page.locator('#grafiek-doorvoer').getAttribute('data-total'))).toBe(sum(series.received) + sum(series.delivered));
    expect(Number(await page.locator('#grafiek-fouten').getAttribute('data-total'))).toBe(sum(series.rejected) + sum(series.failed));
    expect(sum(series.received)).toBe(5);
    expect(sum(series.rejected)).toBe(1);
    expect(sum(series.failed)).toBeGreaterThanOrEqual(6);
    expect(Number(await page.locator('#grafiek-doorvoer').getAttribute('data-points'))).toBe(60);
    // The canvas has ink on it: uPlot drew lines, not an empty frame.
    const inked = await page.locator('#grafiek-doorvoer canvas').first().evaluate((c: HTMLCanvasElement) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i]! > 0) n++;
      return n;
    });
    expect(inked).toBeGreaterThan(500);
    // The legend names the series.
    expect(await page.locator('#grafiek-doorvoer .u-legend').innerText()).toMatch(/ontvangen[\s\S]*bezorgd/);

    // A new message arrives: the figures and the charts follow without a click.
    const drawnTotal = Number(await page.locator('#grafiek-doorvoer').getAttribute('data-total'));
    await post(baseUrl, DEMO.enschede, toewijzing(`${REF}-later`));
    await page.waitForFunction((n) => Number(document.querySelector('#grafiek-doorvoer')?.getAttribute('data-total')) > n, drawnTotal);
    if (process.env.CONSOLE_SCREENSHOTS) await page.screenshot({ path: join(process.env.CONSOLE_SCREENSHOTS, 'werking.png'), fullPage: true });
    expect(problems).toEqual([]);
  } finally {
    await context.close();
  }
}, LONG);

test('bulk redeliver: every dead letter of the filter at once, with progress, and they arrive', async () => {
  const context = await browser.newContext();
  try {
    const { page, problems } = await openPage(context);
    await signIn(page, DEMO_USERS.beheer);
    await page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: 'Niet bezorgd' }).click();
    await page.getByRole('heading', { level: 1, name: 'Niet bezorgde berichten' }).waitFor();
    await page.getByLabel('Bestemming').fill('zds-enschede');
    await page.getByLabel('Fout bevat').fill('503');
    await page.getByRole('button', { name: 'Filter toepassen' }).click();
    await page.locator('#totaal', { hasText: '3 niet bezorgd' }).waitFor();
    zaaksysteem.respond = () => ({ status: 200, body: BV03 });
    await page.getByRole('button', { name: 'Alle 3 opnieuw bezorgen' }).click();
    // The job's progress, then its outcome.
    await page.locator('.job progress').first().waitFor({ state: 'attached' });
    await page.getByText('Klaar: 3 van 3 bezorgingen opnieuw bezorgen.').waitFor();
    await page.locator('#totaal', { hasText: '0 niet bezorgd' }).waitFor();
    await waitFor(async () => (await gateway.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM deliveries WHERE destination_id = 'zds-enschede' AND status = 'delivered'`)).rows[0]!.n === 3, 60_000);
    const statuses = await gateway.db.query<{ status: string }>(`SELECT status FROM messages WHERE id = ANY($1::uuid[])`, [ids.stuf]);
    expect(statuses.rows.map((r) => r.status)).toEqual(['delivered', 'delivered', 'delivered']);
    const actions = (await gateway.log.events({ eventType: 'admin_action', limit: 10_000 })).map((e) => e.detail);
    expect(actions).toEqual(expect.arrayContaining([expect.objectContaining({ action: 'bulk_redeliver', user: DEMO_USERS.beheer, total: 3 })]));
    expect(problems).toEqual([]);
  } finally {
    await context.close();
  }
}, LONG);

test('reprocess a rejected message from its detail page: its trail gets "reprocessed" and the new outcome', async () => {
  const context = await browser.newContext();
  try {
    const { page, problems } = await openPage(context);
    await signIn(page, DEMO_USERS.beheer);
    await page.goto(`${baseUrl}/console/#/bericht/${ids.rejected}`);
    await page.getByRole('heading', { level: 2, name: 'Opnieuw verwerken' }).waitFor();
    await page.getByRole('button', { name: 'Opnieuw verwerken' }).click();
    // Still no route for Almelo in the current configuration: rejected again, with the reason.
    await page.getByText('Het bericht is opnieuw verwerkt en weer afgewezen (no-route).').waitFor();
    const events = await page.getByRole('table', { name: 'Gebeurtenissen in volgorde' }).locator('tbody tr td:nth-child(2)').allInnerTexts();
    expect(events).toEqual(['received', 'rejected', 'reprocessed', 'rejected']);
    // The auditor sees the message but not the action.
    const other = await browser.newContext();
    try {
      const a = await openPage(other);
      await signIn(a.page, DEMO_USERS.audit);
      await a.page.goto(`${baseUrl}/console/#/bericht/${ids.rejected}`);
      await a.page.getByRole('heading', { level: 2, name: 'Verloop' }).waitFor();
      expect(await a.page.getByRole('button', { name: 'Opnieuw verwerken' }).count()).toBe(0);
    } finally {
      await other.close();
    }
    expect(problems).toEqual([]);
  } finally {
    await context.close();
  }
}, LONG);
