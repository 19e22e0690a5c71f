/**
 * Debian's Chromium for the browser suites, driven by playwright-core (which downloads no browser).
 * The flags keep it off the closed network: without them it keeps trying to reach Google's hosts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** A headless Chromium with its own profile folder; `close` ends it and removes the folder. */
export async function launchChromium(): Promise<{ browser: Browser; close(): Promise<void> }> {
  const profileDir = mkdtempSync(join(tmpdir(), 'knooppunt-chromium-'));
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS, downloadsPath: profileDir });
  return {
    browser,
    async close() {
      await browser.close();
      rmSync(profileDir, { recursive: true, force: true });
    },
  };
}

/** A page with a 30 s default timeout that records CSP violations and script errors, so a test can assert there were none. */
export async function openPage(context: BrowserContext): Promise<{ page: Page; problems: string[] }> {
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  const problems: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('dialog', (d) => void d.accept());
  return { page, problems };
}

/** Signs in through the console's own form and waits for the search page; a failure says what the page shows instead. */
export async function signInConsole(page: Page, baseUrl: string, user: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/console/`);
  await page.getByRole('heading', { level: 1, name: 'Aanmelden' }).waitFor();
  await page.getByLabel('Gebruikersnaam').fill(user);
  await page.getByLabel('Wachtwoord').fill(password);
  await page.getByRole('button', { name: 'Aanmelden' }).click();
  try {
    await page.getByRole('heading', { level: 1, name: 'Berichten zoeken' }).waitFor();
  } catch (err) {
    throw new Error(`sign-in as ${user} did not reach the search page; the page says: ${await page.locator('main').innerText()}`, { cause: err });
  }
}
