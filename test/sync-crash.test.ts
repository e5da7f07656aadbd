import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join as joinPath, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoomClient } from '@convene/client';
import { conveneClient } from './support/convene.js';
import { SECRET } from './support/server.js';
import { labelSet, listSchema } from './support/sync-fixtures.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SCRIPT = joinPath(ROOT, 'test/support/sync-server-process.mjs');
const WINDOW_MS = 300;
/** Slack for one write to land and for timer jitter on a loaded machine. */
const WRITE_SLACK_MS = 400;

let dataDir = '';
const children: ChildProcess[] = [];

beforeAll(() => {
  // The child runs plain Node on the built server; build it (incremental, fast when up to date).
  // A type error elsewhere in the server still emits JavaScript (tsc -b without noEmitOnError), so
  // only a missing build stops this test.
  const build = spawnSync('npx', ['tsc', '-b', 'packages/protocol', 'packages/server'], { cwd: ROOT, encoding: 'utf8' });
  if (!existsSync(joinPath(ROOT, 'packages/server/dist/index.js'))) throw new Error(`building the server failed:\n${build.stdout}${build.stderr}`);
  if (build.status !== 0) console.warn(`tsc -b reported problems; running the emitted server anyway:\n${build.stdout}`);
}, 180_000);

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

function startChild(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [SCRIPT], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DATA_DIR: dataDir, SECRET, PERSIST_WINDOW_MS: String(WINDOW_MS) },
  });
  children.push(child);
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolvePort, reject) => {
    let stdout = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const match = /listening (\d+)/.exec(stdout);
      if (match) resolvePort({ child, url: `ws://127.0.0.1:${match[1]}` });
    });
    child.once('exit', (code) => reject(new Error(`server process exited (${code}): ${stderr}`)));
  });
}

async function connect(url: string, name: string): Promise<RoomClient> {
  const client = conveneClient({ url, room: 'crash', name });
  await client.start();
  return client;
}

describe('documents after a crash (kill -9)', () => {
  it('keep every edit acknowledged longer than the write window before the crash', async () => {
    dataDir = await mkdtemp(joinPath(tmpdir(), 'convene-crash-'));
    const first = await startChild();
    const alice = await connect(first.url, 'alice');
    const doc = await alice.sync.open('crash.doc', { schema: listSchema() });
    // Steady edits for a while, each timed when the server acknowledged it.
    const acknowledgedAt = new Map<string, number>();
    const until = Date.now() + 4 * WINDOW_MS;
    for (let i = 0; Date.now() < until; i++) {
      doc.root.createChildElement('item', { label: `t${i}` });
      await alice.sync.flush('crash.doc');
      acknowledgedAt.set(`t${i}`, Date.now());
      await new Promise((r) => setTimeout(r, 25));
    }
    const killedAt = Date.now();
    first.child.kill('SIGKILL');
    // Gone for good: a reconnect would hand the lost edits back and hide any loss.
    alice.dispose();
    await new Promise((r) => first.child.once('exit', r));

    const second = await startChild();
    const bob = await connect(second.url, 'bob');
    const restored = new Set(labelSet(await bob.sync.open('crash.doc', { create: false })));
    bob.dispose();
    second.child.kill('SIGTERM');

    const mustSurvive = [...acknowledgedAt].filter(([, at]) => at < killedAt - WINDOW_MS - WRITE_SLACK_MS).map(([label]) => label);
    expect(mustSurvive.length).toBeGreaterThan(5);
    expect(mustSurvive.filter((label) => !restored.has(label))).toEqual([]);
    // Nothing appears that was never written, and at most the last window is missing.
    for (const label of restored) expect(acknowledgedAt.has(label)).toBe(true);
  }, 60_000);
});
