import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './demo-browser.js';
import { buildDemoIfMissing, ROOT, startDemoProcess, type DemoProcess } from './demo-process.js';

const ARTIFACTS = join(ROOT, 'test/e2e/artifacts');
const ROOM = `e2e-${Date.now().toString(36)}`;

let dataDir: string;
let demo: DemoProcess | undefined;
let browser: Browser | undefined;
let context: BrowserContext;
const pageErrors: string[] = [];

beforeAll(async () => {
  buildDemoIfMissing();
  dataDir = await mkdtemp(join(tmpdir(), 'convene-e2e-'));
  await mkdir(ARTIFACTS, { recursive: true });
  demo = await startDemoProcess(dataDir);
  browser = await launchChromium();
  // A new context is a fresh profile (no cookies or storage); its pages are tabs of one window.
  context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
});

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** Opens the demo in a new tab with `?room=`, and joins as `name`. */
async function joinRoom(name: string): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(`${name}: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(`${name} console: ${message.text()}`);
  });
  await page.goto(`${demo!.url}/?room=${ROOM}`);
  const room = page.getByLabel('Room', { exact: true });
  expect(await room.inputValue()).toBe(ROOM);
  await page.getByLabel('Display name').fill(name);
  await page.getByRole('button', { name: 'Join' }).click();
  await page.getByRole('heading', { name: new RegExp(ROOM) }).waitFor();
  return page;
}

const participants = (page: Page) => page.getByRole('region', { name: /^Participants/ });
const chat = (page: Page) => page.getByRole('region', { name: `Chat in ${ROOM}` });

describe('the demo in Chromium', () => {
  let alice: Page;
  let bob: Page;

  it('serves the app and its token route', async () => {
    const response = await fetch(`${demo!.url}/api/room-connection?name=probe&room=${ROOM}`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { url: string };
    expect(body.url).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:\\d+/rooms/${ROOM}$`));
  });

  it('Alice and Bob join the same room and each sees the other (and the Helper agent)', async () => {
    alice = await joinRoom('Alice');
    bob = await joinRoom('Bob');
    await participants(alice).getByText('Bob', { exact: true }).waitFor();
    await participants(bob).getByText('Alice', { exact: true }).waitFor();
    await participants(alice).getByText('(you)').waitFor();
    // The demo server started the Helper agent in the room when the first token was handed out.
    await participants(alice).getByText('Helper', { exact: true }).waitFor();
    await participants(bob).getByText('Helper', { exact: true }).waitFor();
    expect(await participants(alice).getAttribute('aria-label')).toBe('Participants (3)');
    expect(await participants(bob).getAttribute('aria-label')).toBe('Participants (3)');
  });

  it('Bob sees "Alice is typing…" while Alice types, then her message', async () => {
    const box = chat(alice).getByRole('textbox', { name: 'Message' });
    await box.click();
    await box.pressSequentially('Hello Bob, this is Alice', { delay: 20 });
    const typing = chat(bob).getByText('Alice is typing…');
    await typing.waitFor();
    await Promise.all([
      alice.screenshot({ path: join(ARTIFACTS, 'alice-typing.png') }),
      bob.screenshot({ path: join(ARTIFACTS, 'bob-sees-typing.png') }),
    ]);
    await box.press('Enter');
    await chat(bob).getByText('Hello Bob, this is Alice').waitFor();
    // Sending ends the typing indicator at once.
    await typing.waitFor({ state: 'hidden' });
    expect(await box.inputValue()).toBe('');
  });

  it('a reply from Bob reaches Alice', async () => {
    const box = chat(bob).getByRole('textbox', { name: 'Message' });
    await box.fill('Hi Alice!');
    await chat(bob).getByRole('button', { name: 'Send' }).click();
    await chat(alice).getByText('Hi Alice!').waitFor();
    await Promise.all([
      alice.screenshot({ path: join(ARTIFACTS, 'alice.png') }),
      bob.screenshot({ path: join(ARTIFACTS, 'bob.png') }),
    ]);
  });

  it('Leave returns Bob to the form (name remembered) and Alice sees him go', async () => {
    await bob.getByRole('button', { name: 'Leave' }).click();
    expect(await bob.getByLabel('Display name').inputValue()).toBe('Bob');
    expect(await bob.getByLabel('Room', { exact: true }).inputValue()).toBe(ROOM);
    await participants(alice).getByText('Bob', { exact: true }).waitFor({ state: 'detached' });
    expect(await participants(alice).getAttribute('aria-label')).toBe('Participants (2)');
  });

  it('no page threw or logged an error', () => {
    expect(pageErrors).toEqual([]);
  });

  it('the server stops on SIGTERM with exit code 0', async () => {
    await browser?.close();
    browser = undefined;
    expect(await demo!.stop()).toBe(0);
  });
});
