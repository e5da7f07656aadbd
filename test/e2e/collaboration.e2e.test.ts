import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinRoom, launchChromium } from './demo-browser.js';
import { buildDemoIfMissing, ROOT, startDemoProcess, type DemoProcess } from './demo-process.js';

// Alice and Bob in one room of the built demo: shared notes, files, the to-do table, and the
// Helper agent answering in chat. Screenshots go to test/e2e/artifacts/.
const ARTIFACTS = join(ROOT, 'test/e2e/artifacts');
const ROOM = `collab-${Date.now().toString(36)}`;

let dataDir: string;
let demo: DemoProcess | undefined;
let browser: Browser | undefined;
let context: BrowserContext;
const pageErrors: string[] = [];
let alice: Page;
let bob: Page;

beforeAll(async () => {
  buildDemoIfMissing();
  dataDir = await mkdtemp(join(tmpdir(), 'convene-e2e-collab-'));
  await mkdir(ARTIFACTS, { recursive: true });
  demo = await startDemoProcess(dataDir);
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
});

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const notes = (page: Page) => page.getByRole('textbox', { name: 'Shared notes' });
const files = (page: Page) => page.getByRole('region', { name: 'Files' });
const todos = (page: Page) => page.getByRole('region', { name: 'To-dos' });
const chat = (page: Page) => page.getByRole('region', { name: `Chat in ${ROOM}` });

/** Waits until `read` gives a value `ok` accepts (Playwright locators cannot wait on input values). */
async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Records, from now on, whether `selector` ever matched or `text` ever showed in the page. */
async function watchFor(page: Page, selector: string, text: string): Promise<() => Promise<{ selector: boolean; text: boolean }>> {
  await page.evaluate(
    ([sel, txt]) => {
      const seen = { selector: false, text: false };
      (window as unknown as { __seen: typeof seen }).__seen = seen;
      const check = () => {
        seen.selector ||= document.querySelector(sel!) !== null;
        seen.text ||= document.body.innerText.includes(txt!);
      };
      new MutationObserver(check).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    },
    [selector, text],
  );
  return () => page.evaluate(() => (window as unknown as { __seen: { selector: boolean; text: boolean } }).__seen);
}

describe('collaboration in the demo', () => {
  it('Alice and Bob join; the Helper agent is in the room with them', async () => {
    alice = await joinRoom(context, demo!.url, ROOM, 'Alice', pageErrors);
    bob = await joinRoom(context, demo!.url, ROOM, 'Bob', pageErrors);
    for (const page of [alice, bob]) {
      const participants = page.getByRole('region', { name: /^Participants/ });
      await participants.getByText('Helper', { exact: true }).waitFor();
      await until(() => participants.getAttribute('aria-label'), (label) => label === 'Participants (3)');
    }
  });

  it('co-edit the notes: each sees the other\'s text, also when both type at once', async () => {
    await until(() => notes(alice).isEnabled(), Boolean);
    await until(() => notes(bob).isEnabled(), Boolean);
    await notes(alice).click();
    await notes(alice).pressSequentially('Plan: ship the demo.', { delay: 10 });
    await until(() => notes(bob).inputValue(), (value) => value === 'Plan: ship the demo.');

    // Bob types at the start while Alice types at the end, at the same time.
    await notes(bob).click();
    await bob.keyboard.press('Control+Home');
    await alice.keyboard.press('Control+End');
    await Promise.all([
      notes(alice).pressSequentially(' Alice adds this.', { delay: 25 }),
      notes(bob).pressSequentially('Bob first. ', { delay: 25 }),
    ]);
    const expected = 'Bob first. Plan: ship the demo. Alice adds this.';
    await until(() => notes(alice).inputValue(), (value) => value === expected);
    await until(() => notes(bob).inputValue(), (value) => value === expected);
  });

  it('a file uploaded by Alice, with a progress bar, shows up in Bob\'s list as a download link', async () => {
    const seen = await watchFor(alice, 'progress', 'Uploading');
    const content = Buffer.alloc(3 * 1024 * 1024, 'convene ');
    await files(alice).getByLabel('Upload a file').setInputFiles({ name: 'plan.txt', mimeType: 'text/plain', buffer: content });
    const link = files(bob).getByRole('link', { name: 'plan.txt' });
    await link.waitFor();
    await files(bob).getByText('3 MB').waitFor();
    await files(alice).getByRole('link', { name: 'plan.txt' }).waitFor();
    expect((await seen()).selector).toBe(true);
    // The link is a signed URL on the room server that anyone holding it can fetch for a while.
    const href = (await link.getAttribute('href'))!;
    expect(href).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/rooms/${ROOM}/files/files/plan\\.txt\\?token=`));
    const download = await fetch(href);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(content)).toBe(true);
  });

  it('"@helper add todo buy milk" gets a streamed reply from Helper in both pages, and the to-do appears', async () => {
    const watchers = await Promise.all([alice, bob].map((page) => watchFor(page, '[data-streaming]', 'Helper is thinking…')));
    const box = chat(alice).getByRole('textbox', { name: 'Message' });
    await box.fill('@helper add todo buy milk');
    await box.press('Enter');
    const reply = 'Done! I added “buy milk” to the to-do list.';
    for (const page of [alice, bob]) {
      await chat(page).getByText(reply).waitFor();
      await todos(page).getByText('buy milk', { exact: true }).waitFor();
    }
    for (const seen of watchers) {
      // The reply grew in place (a streaming message) while "Helper is thinking…" showed.
      expect(await seen()).toEqual({ selector: true, text: true });
    }
    for (const page of [alice, bob]) {
      const message = chat(page).locator('.cv-message', { hasText: reply });
      expect(await message.locator('.cv-message-sender').innerText()).toBe('Helper');
      await chat(page).getByText('Helper is thinking…').waitFor({ state: 'hidden' });
      expect(await chat(page).locator('[data-streaming]').count()).toBe(0);
    }
  });

  it('to-dos added and ticked in one page show in the other', async () => {
    await todos(bob).getByLabel('New to-do').fill('call Alice');
    await todos(bob).getByRole('button', { name: 'Add' }).click();
    await todos(alice).getByText('call Alice', { exact: true }).waitFor();
    await todos(alice).getByRole('checkbox', { name: 'buy milk' }).check();
    await until(() => todos(bob).getByRole('checkbox', { name: 'buy milk' }).isChecked(), Boolean);
    await Promise.all([
      alice.screenshot({ path: join(ARTIFACTS, 'alice-collaboration.png') }),
      bob.screenshot({ path: join(ARTIFACTS, 'bob-collaboration.png') }),
    ]);
  });

  it('the room page has no accessibility violations (axe-core, with real layout and colours)', async () => {
    await alice.addScriptTag({ path: createRequire(import.meta.url).resolve('axe-core/axe.min.js') });
    const violations = await alice.evaluate(async () => {
      const axe = (window as unknown as { axe: { run: (context: Document) => Promise<{ violations: { id: string; nodes: { target: unknown }[] }[] }> } }).axe;
      const result = await axe.run(document);
      return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
    });
    expect(violations).toEqual([]);
  });

  it('no page threw or logged an error', () => {
    expect(pageErrors).toEqual([]);
  });
});
