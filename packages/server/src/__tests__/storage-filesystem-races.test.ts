import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RoomError } from '@convene/protocol';
import { FilesystemStorageBackend } from '../storage/filesystem-storage.js';

// A concurrent delete can remove a folder while `mkdir -p` walks down to a new file's parent; the
// fuzz campaign hit it once in a thousand runs. Here `mkdir` of `deep/` parents fails with ENOENT
// on demand, so the race happens every time.
const race = vi.hoisted(() => ({ mkdirFailures: 0 }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...actual,
    mkdir: (async (path: string, options?: { recursive?: boolean }) => {
      if (race.mkdirFailures > 0 && options?.recursive && String(path).includes(`${join('files', 'deep')}`)) {
        race.mkdirFailures--;
        throw Object.assign(new Error(`ENOENT: no such file or directory, mkdir '${path}'`), { code: 'ENOENT' });
      }
      return actual.mkdir(path, options);
    }) as typeof actual.mkdir,
  };
});

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'convene-fs-race-'));
  race.mkdirFailures = 0;
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('FilesystemStorageBackend under a concurrent delete of the parent folders', () => {
  it('retries a write whose folders vanished while they were being made', async () => {
    const storage = new FilesystemStorageBackend(dataDir).forRoom('r');
    race.mkdirFailures = 1;
    await storage.writeFile('deep/a/b.txt', new TextEncoder().encode('kept'));
    expect(await readFile(join(dataDir, 'rooms', 'r', 'files', 'deep', 'a', 'b.txt'), 'utf8')).toBe('kept');
  });

  it('answers a typed "try again" (400), not a server error, when the race is lost every time', async () => {
    const storage = new FilesystemStorageBackend(dataDir).forRoom('r');
    race.mkdirFailures = 1_000;
    const failure = await storage.writeFile('deep/a/b.txt', new TextEncoder().encode('x')).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RoomError);
    expect((failure as RoomError).code).toBe('bad_request');
    expect((failure as RoomError).message).toMatch(/try again/);
  });
});
