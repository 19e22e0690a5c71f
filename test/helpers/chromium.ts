/**
 * Debian's Chromium for the browser suites, driven by playwright-core (which downloads no browser).
 * The flags keep it off the closed network: without them it keeps trying to reach Google's hosts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

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
