import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoomClient } from '@convene/client';
import { conveneClient } from './support/convene.js';
import { ensureServerBuilt, startServerProcess, type ServerProcess } from './support/server-process.js';
import { labelSet, listSchema } from './support/sync-fixtures.js';

const WINDOW_MS = 300;
/** Slack for one write to land and for timer jitter on a loaded machine. */
const WRITE_SLACK_MS = 400;

let dataDir = '';
const servers: ServerProcess[] = [];

beforeAll(() => ensureServerBuilt(), 180_000);

afterAll(async () => {
  for (const server of servers) await server.stop('SIGKILL');
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function startChild(): Promise<ServerProcess> {
  const server = await startServerProcess({ dataDir, persistWindowMs: WINDOW_MS });
  servers.push(server);
  return server;
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
    await first.stop('SIGKILL');
    // Gone for good: a reconnect would hand the lost edits back and hide any loss.
    alice.dispose();

    const second = await startChild();
    const bob = await connect(second.url, 'bob');
    const restored = new Set(labelSet(await bob.sync.open('crash.doc', { create: false })));
    bob.dispose();
    await second.stop();

    const mustSurvive = [...acknowledgedAt].filter(([, at]) => at < killedAt - WINDOW_MS - WRITE_SLACK_MS).map(([label]) => label);
    expect(mustSurvive.length).toBeGreaterThan(5);
    expect(mustSurvive.filter((label) => !restored.has(label))).toEqual([]);
    // Nothing appears that was never written, and at most the last window is missing.
    for (const label of restored) expect(acknowledgedAt.has(label)).toBe(true);
  }, 60_000);
});
