/**
 * The administrator console end to end: the real gateway (PGlite, in-process queue), a local
 * webhook, and Debian's Chromium driven by playwright-core (no browser download). Proves sign-in,
 * search, detail, payload view (and its admin_action in the exchange log), redelivery of a dead
 * letter from the dead-letters page, the auditor's view without payloads (and the API's 403),
 * and that markup inside a message never runs in the console.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { Gateway } from '../../src/gateway.js';
import { hashPassword } from '../../src/console/auth/passwords.js';
import { KEYS, post, startGateway, testConfig, testEnv, toewijzing, writeConfig } from '../helpers/gateway.js';
import { TestWebhook, waitFor } from '../helpers/webhook.js';
import { CHROMIUM, launchChromium, openPage, signInConsole } from '../helpers/chromium.js';

const PASSWORDS = { beheer: 'beheer-wachtwoord-1', audit: 'audit-wachtwoord-1', privacy: 'privacy-wachtwoord-1' };
const XSS_CORRELATION = '<img/src=x/onerror=window.__xss=1>';
const XSS_NAME = '<script>window.__xss=2</script><img src=x onerror="window.__xss=3">';

const LONG = 180_000;

let webhook: TestWebhook;
let gateway: Gateway;
let baseUrl: string;
let browser: Browser;
let chromiumSession: Awaited<ReturnType<typeof launchChromium>> | undefined;
const ids: { ok: string; xss: string; dead: string } = { ok: '', xss: '', dead: '' };
let failDead = true;

/** A node-side console session (for waiting on state; the browser does its own sign-in). */
async function consoleApi(user: keyof typeof PASSWORDS) {
  const res = await fetch(`${baseUrl}/console/api/session`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user, password: PASSWORDS[user] }),
  });
  if (res.status !== 200) throw new Error(`sign-in as ${user}: ${res.status}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  return {
    get: async (path: string) => {
      const r = await fetch(`${baseUrl}/console/api${path}`, { headers: { cookie } });
      return { status: r.status, json: (await r.json()) as any };
    },
  };
}

beforeAll(async () => {
  webhook = new TestWebhook();
  webhook.respond = (_n, req) => ({ status: failDead && req.body.includes('UI-DEAD-1') ? 503 : 200 });
  const webhookUrl = await webhook.start();
  const config = testConfig(webhookUrl, { maxAttempts: 2, backoffMs: 20 });
  config.console = {
    users: [
      { id: 'beheer', name: 'Beheer Twente', role: 'beheerder', passwordHash: await hashPassword(PASSWORDS.beheer) },
      { id: 'privacy', name: 'Privacy officer', role: 'privacy', passwordHash: await hashPassword(PASSWORDS.privacy) },
      { id: 'audit', name: 'Auditor', role: 'auditor', passwordHash: await hashPassword(PASSWORDS.audit) },
    ],
  };
  ({ gateway, baseUrl } = await startGateway(await testEnv('pglite', 'in-process', writeConfig(config))));

  const ok = await post(baseUrl, KEYS.enschede, { ...toewijzing('UI-OK-1'), correlationId: 'corr-ui-ok' });
  const xssBody = toewijzing('UI-XSS-1') as { payload: { client: { achternaam: string } } } & Record<string, unknown>;
  xssBody.payload.client.achternaam = XSS_NAME;
  const xss = await post(baseUrl, KEYS.enschede, { ...xssBody, correlationId: XSS_CORRELATION });
  const dead = await post(baseUrl, KEYS.hengelo, toewijzing('UI-DEAD-1', { gemeente: '0164' }));
  for (const r of [ok, xss, dead]) expect(r.status).toBe(202);
  ids.ok = String(ok.json.id);
  ids.xss = String(xss.json.id);
  ids.dead = String(dead.json.id);

  const beheer = await consoleApi('beheer');
  await waitFor(async () => (await beheer.get('/dead-letters')).json.total >= 1, 60_000);
  await waitFor(async () => (await beheer.get(`/exchanges/${ids.ok}`)).json.message?.status === 'delivered', 60_000);

  chromiumSession = await launchChromium();
  browser = chromiumSession.browser;
}, LONG);

afterAll(async () => {
  await chromiumSession?.close();
  await gateway?.close();
  await webhook?.stop();
}, LONG);

async function signIn(context: BrowserContext, user: keyof typeof PASSWORDS): Promise<Page> {
  const { page } = await openPage(context);
  if (process.env.CONSOLE_DEBUG) {
    page.on('response', (r) => console.log('RESP', r.request().method(), r.url(), r.status()));
    page.on('console', (m) => console.log('CONSOLE', m.text()));
    page.on('pageerror', (e) => console.log('PAGEERROR', e.message));
  }
  await signInConsole(page, baseUrl, user, PASSWORDS[user]);
  return page;
}

test('Chromium is installed where the tests expect it', () => {
  expect(existsSync(CHROMIUM)).toBe(true);
});

test('the console page is served with strict security headers and no caching', async () => {
  for (const path of ['/console', '/console/']) {
    const res = await fetch(`${baseUrl}${path}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    );
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('cache-control')).toMatch(/no-store/);
    expect(await res.text()).toMatch(/<script type="module" src="\/console\/app.js">/);
  }
  const js = await fetch(`${baseUrl}/console/app.js`);
  expect(js.status).toBe(200);
  expect(js.headers.get('content-type')).toMatch(/javascript/);
});

test('a wrong password is refused with a plain message', async () => {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(`${baseUrl}/console`);
    await page.getByLabel('Gebruikersnaam').fill('beheer');
    await page.getByLabel('Wachtwoord').fill('niet-het-wachtwoord');
    await page.getByRole('button', { name: 'Aanmelden' }).click();
    await page.getByRole('alert').filter({ hasText: 'Gebruikersnaam of wachtwoord klopt niet.' }).waitFor();
  } finally {
    await context.close();
  }
}, LONG);

test('beheerder: sign in, search, open a detail, view payloads (logged), redeliver a dead letter, sign out', async () => {
  const context = await browser.newContext();
  try {
    const page = await signIn(context, 'beheer');
    // The BSN filter is there for a beheerder.
    expect(await page.locator('#f-bsn').count()).toBe(1);

    // Search by correlation id: exactly the one message, with the total count.
    await page.getByLabel('Correlatie-id').fill('corr-ui-ok');
    await page.getByRole('button', { name: 'Zoeken', exact: true }).click();
    await page.locator('#totaal', { hasText: '1 bericht gevonden' }).waitFor();
    await page.getByRole('link', { name: `Details van bericht ${ids.ok}` }).click();

    // The detail: summary, event trail, validation, delivery attempts, payload list.
    await page.getByRole('heading', { level: 1, name: 'Bericht toewijzing' }).waitFor();
    await page.getByRole('heading', { level: 2, name: 'Verloop' }).waitFor();
    expect(await page.locator('dl.pairs').innerText()).toContain('corr-ui-ok');
    expect(await page.getByRole('table', { name: 'Gebeurtenissen in volgorde' }).locator('tbody tr').count()).toBeGreaterThanOrEqual(3);
    await page.getByRole('heading', { level: 3, name: /Naar webhook-aanbieder-a/ }).waitFor();
    expect(await page.getByRole('table', { name: /Pogingen voor/ }).locator('tbody tr').first().innerText()).toMatch(/200/);

    // Raw and mapped side by side.
    const toon = page.locator('button.toon');
    expect(await toon.count()).toBeGreaterThanOrEqual(2);
    for (let i = 0; i < (await toon.count()); i++) await toon.nth(i).click();
    await page.locator('#pane-origineel pre', { hasText: 'Jansen' }).waitFor();
    await page.locator('#pane-gemapt pre', { hasText: 'berichtId' }).waitFor();
    // CONSOLE_SCREENSHOTS=<dir> keeps a picture of the detail page for a person to look at.
    if (process.env.CONSOLE_SCREENSHOTS) await page.screenshot({ path: join(process.env.CONSOLE_SCREENSHOTS, 'detail.png'), fullPage: true });

    const viewed = await waitFor(async () => {
      const events = await gateway.log.events({ eventType: 'admin_action', limit: 1000 });
      const hits = events.filter((e) => {
        const d = e.detail as Record<string, unknown>;
        return d.action === 'payload_viewed' && d.user === 'beheer' && String(d.target ?? '').includes(ids.ok);
      });
      return hits.length >= 2 ? hits : undefined;
    });
    expect(JSON.stringify(viewed)).not.toContain('999993653');

    // Dead letters: the failing message is listed; the destination recovers; redeliver that one.
    await page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: 'Niet bezorgd' }).click();
    await page.getByRole('heading', { level: 1, name: 'Niet bezorgde berichten' }).waitFor();
    const row = page.locator('tbody tr', { has: page.locator(`a[href="#/bericht/${ids.dead}"]`) });
    await row.waitFor();
    expect(await row.innerText()).toMatch(/webhook-aanbieder-a/);
    expect(await row.innerText()).toMatch(/503/);
    failDead = false;
    await row.getByRole('button', { name: /Opnieuw bezorgen/ }).click();
    await page.getByText('De bezorging is opnieuw aangeboden.').waitFor();
    await waitFor(() => webhook.accepted().some((r) => r.body.includes('UI-DEAD-1')), 60_000);
    const after = await waitFor(async () => {
      const r = await page.evaluate(async (id) => (await fetch(`/console/api/exchanges/${id}`)).json(), ids.dead);
      return r.message.status === 'delivered' ? r : undefined;
    }, 60_000);
    expect(after.deliveries[0].status).toBe('delivered');
    const redelivered = await gateway.log.events({ eventType: 'admin_action', limit: 1000 });
    expect(redelivered.some((e) => (e.detail as Record<string, unknown>).action === 'redelivered')).toBe(true);

    // Operations page renders the queue figures.
    await page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: 'Werking' }).click();
    await page.getByRole('heading', { level: 2, name: 'Wachtrij' }).waitFor();

    // Sign out: back to the sign-in form, and the session is gone.
    await page.getByRole('button', { name: 'Afmelden' }).click();
    await page.getByRole('heading', { level: 1, name: 'Aanmelden' }).waitFor();
    const status = await page.evaluate(async () => (await fetch('/console/api/session')).status);
    expect(status).toBe(401);
  } finally {
    await context.close();
  }
}, LONG);

test('auditor: detail without payload buttons, no BSN search, and the API refuses a payload with 403', async () => {
  const context = await browser.newContext();
  try {
    const page = await signIn(context, 'audit');
    expect(await page.locator('#f-bsn').count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Niet bezorgd' }).isVisible()).toBe(false);

    await page.goto(`${baseUrl}/console/#/bericht/${ids.ok}`);
    await page.getByRole('heading', { level: 1, name: 'Bericht toewijzing' }).waitFor();
    await page.getByText('Met uw rol ziet u geen inhoud van berichten.').waitFor();
    expect(await page.getByRole('table', { name: 'Opgeslagen inhoud' }).locator('tbody tr').count()).toBeGreaterThanOrEqual(2);
    expect(await page.locator('button.toon').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'toon' }).count()).toBe(0);

    const answer = await page.evaluate(async (id) => {
      const detail = await (await fetch(`/console/api/exchanges/${id}`)).json();
      const res = await fetch(`/console/api/exchanges/${id}/payloads/${detail.payloads[0].id}`);
      return { status: res.status, payloads: detail.payloads.length };
    }, ids.ok);
    expect(answer.payloads).toBeGreaterThanOrEqual(1);
    expect(answer.status).toBe(403);
  } finally {
    await context.close();
  }
}, LONG);

test('markup inside a message is shown as text and never runs', async () => {
  const context = await browser.newContext();
  try {
    const page = await signIn(context, 'beheer');
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });

    // Search by the hostile correlation id and open it from the results.
    await page.getByLabel('Correlatie-id').fill(XSS_CORRELATION);
    await page.getByRole('button', { name: 'Zoeken', exact: true }).click();
    await page.locator('#totaal', { hasText: '1 bericht gevonden' }).waitFor();
    await page.getByRole('link', { name: `Details van bericht ${ids.xss}` }).click();
    await page.getByRole('heading', { level: 2, name: 'Verloop' }).waitFor();

    // Shown literally, as text.
    expect(await page.locator('dl.pairs').innerText()).toContain(XSS_CORRELATION);
    const toon = page.locator('button.toon');
    for (let i = 0; i < (await toon.count()); i++) await toon.nth(i).click();
    await page.locator('#pane-origineel pre', { hasText: '<script>window.__xss=2</script>' }).waitFor();
    await page.locator('#pane-gemapt pre', { hasText: 'window.__xss' }).waitFor();

    // No element came from the message, and nothing ran.
    expect(await page.locator('main img, main script').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBeUndefined();
    // Even a hash pointing at the message (reload through routing) leaves it inert.
    await page.reload();
    await page.getByRole('heading', { level: 2, name: 'Verloop' }).waitFor();
    expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBeUndefined();
    expect(violations).toEqual([]);
  } finally {
    await context.close();
  }
}, LONG);
