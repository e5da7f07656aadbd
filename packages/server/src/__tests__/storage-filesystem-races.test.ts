import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RoomError } from '@convene/protocol';
import { FilesystemStorageBackend } from '../storage/filesystem-storage.js';

// A concurrent delete can remove a folder while `mkdir -p` walks down to a new file's parent; the
// fuzz campaign hit it once in a thousand runs. Here `mkdir` of `deep/` parents fails with ENOENT
// on demand, so the race happens every time.
const race = vi.hoisted(() => ({ mkdirFailures: 0, rmFailures: 0 }));
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
    // A file written into a folder while `rm -r` empties it: the final rmdir finds it (ENOTEMPTY).
    rm: (async (path: string, options?: { recursive?: boolean; force?: boolean }) => {
      if (race.rmFailures > 0 && options?.recursive) {
        race.rmFailures--;
        await actual.writeFile(join(String(path), `late-${race.rmFailures}.txt`), 'late');
        throw Object.assign(new Error(`ENOTEMPTY: directory not empty, rmdir '${path}'`), { code: 'ENOTEMPTY' });
      }
      return actual.rm(path, options);
    }) as typeof actual.rm,
  };
});

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'convene-fs-race-'));
  race.mkdirFailures = 0;
  race.rmFailures = 0;
});
afterEach(async () => {
  race.rmFailures = 0; // this cleanup goes through the mocked rm too
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

  it('deletes a folder whose content grew while it was being removed, the new file included', async () => {
    const storage = new FilesystemStorageBackend(dataDir).forRoom('r');
    await storage.writeFile('docs/a.txt', new TextEncoder().encode('a'));
    race.rmFailures = 1;
    await storage.delete('docs', { recursive: true });
    expect(await storage.stat('docs')).toBeNull();
  });

  it('answers a typed "try again" (400) when a folder keeps filling while it is deleted or replaced', async () => {
    const storage = new FilesystemStorageBackend(dataDir).forRoom('r');
    await storage.writeFile('docs/a.txt', new TextEncoder().encode('a'));
    await storage.writeFile('other/b.txt', new TextEncoder().encode('b'));
    race.rmFailures = 1_000;
    // Both start at once, and each gets its handler at once: awaiting the first before the second
    // had one let the second's rejection land unhandled when it failed first.
    const attempts = [storage.delete('docs', { recursive: true }), storage.move('other', 'docs', { overwrite: true })];
    for (const failure of await Promise.all(attempts.map((attempt) => attempt.catch((error: unknown) => error)))) {
      expect(failure).toBeInstanceOf(RoomError);
      expect((failure as RoomError).code).toBe('bad_request');
      expect((failure as RoomError).message).toMatch(/try again/);
    }
  });
});
