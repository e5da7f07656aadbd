import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FuzzClient } from './support/fuzz-client.js';
import { INPUT_CLOSE_CODES, runCase, type CorpusEntry } from './support/fuzz-cases.js';
import { FUZZ_TABLE, FUZZ_TABLE_COLUMNS } from './support/fuzz-database-inputs.js';
import { startFuzzRoom, tick, type FuzzRoom } from './support/fuzz-harness.js';
import { mintToken } from './support/tokens.js';

/**
 * Replays every saved input in test/fuzz-corpus on every run: the inputs that found bugs (see
 * each file's `note`) and hand-written boundary cases. Runs on the filesystem backend, where
 * the storage bugs were found. Each entry gets a fresh connection; the checks are the fuzz's own:
 * typed answers, streams that end, closes with a code and a reason, no handler errors logged,
 * and the bystander keeps receiving messages.
 */
const CORPUS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'fuzz-corpus');
const ROOM = 'fuzz-corpus';
const files = (await readdir(CORPUS_DIR)).filter((name) => name.endsWith('.json')).sort();
const entries: CorpusEntry[] = await Promise.all(files.map(async (name) => JSON.parse(await readFile(join(CORPUS_DIR, name), 'utf8')) as CorpusEntry));

let room: FuzzRoom;
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'convene-fuzz-corpus-'));
  room = await startFuzzRoom(ROOM, { dataDir });
  if (entries.some((entry) => entry.setup === 'database')) {
    const created = await room.sender.invoke('database', 'create_table', { type: 'json', json: { name: FUZZ_TABLE, columns: FUZZ_TABLE_COLUMNS } }, {}, 60_000);
    expect(created).toEqual({ type: 'json', json: { created: true } });
  }
}, 90_000);

afterAll(async () => {
  room?.bystander.ws.terminate();
  room?.sender.ws.terminate();
  await room?.server.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('fuzz corpus', () => {
  it('holds the bugs found and the boundary cases', () => {
    expect(entries.length).toBeGreaterThanOrEqual(10);
    for (const [i, entry] of entries.entries()) {
      expect(`${entry.name}.json`, 'a file is named after its entry').toBe(files[i]);
      expect(entry.note.length).toBeGreaterThan(0);
    }
  });

  it.each(entries.map((entry) => [entry.name, entry] as const))('replays %s', async (_name, entry) => {
    const client = await FuzzClient.join(room.url, await mintToken({ name: 'corpus', room: ROOM }));
    try {
      const problems = await runCase(client, entry.case);
      expect(problems, entry.note).toEqual([]);
      if (client.isClosed) {
        const closed = await client.closed;
        expect(INPUT_CLOSE_CODES, `closed ${closed.code} "${closed.reason}"`).toContain(closed.code);
        if (closed.code !== 1009) expect(closed.reason).not.toBe('');
      }
    } finally {
      client.ws.terminate();
      await client.closed;
    }
    expect(room.errors, 'server error log').toEqual([]);
    await tick(room);
  }, 60_000);

  it('leaves the bystander served and nothing behind', async () => {
    await expect.poll(() => room.ticks.length, { timeout: 10_000 }).toBe(room.sent);
    expect(room.ticks).toEqual(Array.from({ length: room.sent }, (_, i) => i));
    room.bystander.close();
    room.sender.close();
    await expect.poll(() => room.server.core.connectionCount, { timeout: 10_000 }).toBe(0);
    await expect.poll(() => room.server.core.roomCount, { timeout: 10_000 }).toBe(0);
  });
});
