import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Headless system Chromium with the flags TOOLCHAIN.md lists; nothing is downloaded. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * Opens the demo in a new tab of `context` at `?room=`, joins as `name`, and records uncaught
 * errors and console errors of the page into `errors`.
 */
export async function joinRoom(context: BrowserContext, baseUrl: string, room: string, name: string, errors: string[]): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (error) => errors.push(`${name}: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`${name} console: ${message.text()}`);
  });
  await page.goto(`${baseUrl}/?room=${room}`);
  await page.getByLabel('Display name').fill(name);
  await page.getByRole('button', { name: 'Join' }).click();
  await page.getByRole('heading', { name: new RegExp(room) }).waitFor();
  return page;
}
