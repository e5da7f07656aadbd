import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FilesystemStorageBackend } from '../storage/filesystem-storage.js';
import { roomDirectoryName } from '../storage/room-directory-name.js';

const bytes = (text: string) => new TextEncoder().encode(text);

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'convene-fs-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('roomDirectoryName', () => {
  it('gives every room one safe, distinct directory name', () => {
    const names = ['demo', 'Demo', '..', '.', 'a.b', 'a:b', 'a@b', 'x'.repeat(128), 'X'.repeat(128), '', 'a~2eb', 'ünï'];
    const encoded = names.map(roomDirectoryName);
    expect(new Set(encoded).size).toBe(names.length);
    for (const name of encoded) {
      expect(name).toMatch(/^[a-z0-9_~-]{1,200}$/);
      expect(['.', '..']).not.toContain(name);
    }
    expect(roomDirectoryName('demo')).toBe('demo');
    expect(roomDirectoryName('..')).toBe('~2e~2e');
  });
});

describe('FilesystemStorageBackend', () => {
  it('keeps each room under <dataDir>/rooms/<name>/files', async () => {
    const backend = new FilesystemStorageBackend(dataDir);
    await backend.forRoom('Team.Room').writeFile('notes/a.txt', bytes('hello'));
    await backend.forRoom('..').writeFile('b.txt', bytes('dots'));
    expect(await readFile(join(dataDir, 'rooms', '~54eam~2e~52oom', 'files', 'notes', 'a.txt'), 'utf8')).toBe('hello');
    expect(await readFile(join(dataDir, 'rooms', '~2e~2e', 'files', 'b.txt'), 'utf8')).toBe('dots');
    expect((await readdir(dataDir)).sort()).toEqual(['rooms']);
  });

  it('writes uploads to a temp file and renames it into place', async () => {
    const storage = new FilesystemStorageBackend(dataDir).forRoom('r');
    const tmp = join(dataDir, 'rooms', 'r', 'tmp');
    const files = join(dataDir, 'rooms', 'r', 'files');
    const writer = await storage.openWriter('big.bin', { overwrite: false });
    await writer.write(new Uint8Array(1000));
    expect(await readdir(tmp)).toHaveLength(1);
    expect(await readdir(files)).toEqual([]);
    await writer.commit();
    expect(await readdir(tmp)).toEqual([]);
    expect((await stat(join(files, 'big.bin'))).size).toBe(1000);
    const aborted = await storage.openWriter('gone.bin', { overwrite: false });
    await aborted.write(new Uint8Array(10));
    await aborted.abort();
    expect(await readdir(tmp)).toEqual([]);
    expect(await readdir(files)).toEqual(['big.bin']);
  });

  it('removes upload temp files a crash left behind, once they are old', async () => {
    const tmp = join(dataDir, 'rooms', 'r', 'tmp');
    await mkdir(tmp, { recursive: true });
    await writeFile(join(tmp, 'old.part'), 'x');
    await writeFile(join(tmp, 'recent.part'), 'y');
    const old = new Date(Date.now() - 2 * 3600_000);
    await utimes(join(tmp, 'old.part'), old, old);
    await new FilesystemStorageBackend(dataDir).forRoom('r').list('');
    expect(await readdir(tmp)).toEqual(['recent.part']);
  });

  it('never follows a symlink out of the room', async () => {
    const outside = join(dataDir, 'outside');
    await mkdir(outside);
    await writeFile(join(outside, 'secret.txt'), 'secret');
    const storage = new FilesystemStorageBackend(dataDir).forRoom('r');
    await storage.list('');
    const files = join(dataDir, 'rooms', 'r', 'files');
    await symlink(outside, join(files, 'escape'));
    await symlink(join(outside, 'secret.txt'), join(files, 'secret-link.txt'));

    await expect(storage.list('escape')).rejects.toMatchObject({ code: 'not_found' });
    await expect(storage.read('escape/secret.txt', { chunkSize: 16 })).rejects.toMatchObject({ code: 'bad_request' });
    await expect(storage.writeFile('escape/planted.txt', bytes('x'))).rejects.toMatchObject({ code: 'bad_request' });
    await expect(storage.delete('escape/secret.txt', { recursive: false })).rejects.toMatchObject({ code: 'bad_request' });
    await expect(storage.move('escape/secret.txt', 'mine.txt', { overwrite: false })).rejects.toMatchObject({ code: 'bad_request' });
    expect(await storage.stat('secret-link.txt')).toBeNull();
    expect(await storage.readFile('secret-link.txt')).toBeNull();
    await expect(storage.read('secret-link.txt', { chunkSize: 16 })).rejects.toMatchObject({ code: 'not_found' });
    expect((await storage.list('')).map((e) => e.name)).toEqual([]);
    // Deleting the link removes the link, not what it points to.
    await storage.delete('secret-link.txt', { recursive: false });
    expect(await readdir(outside)).toEqual(['secret.txt']);
    expect(await readFile(join(outside, 'secret.txt'), 'utf8')).toBe('secret');
  });

  it('works when the data directory itself is reached through a symlink', async () => {
    const real = join(dataDir, 'real');
    await mkdir(real);
    await symlink(real, join(dataDir, 'alias'));
    const storage = new FilesystemStorageBackend(join(dataDir, 'alias')).forRoom('r');
    await storage.writeFile('a/b.txt', bytes('ok'));
    expect((await storage.list('a')).map((e) => e.name)).toEqual(['b.txt']);
    expect(await readFile(join(real, 'rooms', 'r', 'files', 'a', 'b.txt'), 'utf8')).toBe('ok');
  });
});
