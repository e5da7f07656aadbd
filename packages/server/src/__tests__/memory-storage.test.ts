import { describe, expect, it } from 'vitest';
import { RoomError } from '@convene/protocol';
import { MemoryStorageBackend } from '../storage/memory-storage.js';
import { normalizeStoragePath } from '../storage/storage-path.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('normalizeStoragePath', () => {
  it('normalizes harmless variants', () => {
    expect(normalizeStoragePath('./notes//a.txt')).toBe('notes/a.txt');
    expect(normalizeStoragePath('/notes/a.txt/')).toBe('notes/a.txt');
    expect(normalizeStoragePath('.')).toBe('');
    expect(normalizeStoragePath('')).toBe('');
  });
  it.each([
    '../etc/passwd', 'a/../../b', 'a/..', '..', 'a\\..\\b', 'C:/windows', '%2e%2e/x', 'a%2fb', 'a\u0000b', 'a\nb',
    'trailing-dot.', ' spaced', 'x'.repeat(2000), 42, null, { path: 'a' },
  ])('refuses %j with a typed bad_request error', (path) => {
    let error: unknown;
    try {
      normalizeStoragePath(path);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(RoomError);
    expect((error as RoomError).code).toBe('bad_request');
  });
});

describe('MemoryStorageBackend', () => {
  it('keeps rooms apart and lists files and implicit folders', async () => {
    const backend = new MemoryStorageBackend();
    const a = backend.forRoom('a');
    await a.writeFile('docs/x.txt', bytes('x'));
    await a.writeFile('top.txt', bytes('top'));
    expect((await a.list('')).map((e) => [e.name, e.isFolder])).toEqual([['docs', true], ['top.txt', false]]);
    expect(await backend.forRoom('b').list('')).toEqual([]);
    expect(await backend.forRoom('b').readFile('top.txt')).toBeNull();
  });

  it('commits uploads atomically and honours overwrite', async () => {
    const storage = new MemoryStorageBackend().forRoom('r');
    const writer = await storage.openWriter('f.bin', { overwrite: false });
    await writer.write(bytes('ab'));
    expect(await storage.stat('f.bin')).toBeNull();
    await writer.write(bytes('c'));
    expect((await writer.commit()).size).toBe(3);
    await expect(storage.openWriter('f.bin', { overwrite: false })).rejects.toMatchObject({ code: 'bad_request' });
    const chunks: number[] = [];
    const { chunks: stream } = await storage.read('f.bin', { chunkSize: 2 });
    for await (const chunk of stream) chunks.push(chunk.length);
    expect(chunks).toEqual([2, 1]);
  });

  it('deletes folders only recursively and moves folders with their files', async () => {
    const storage = new MemoryStorageBackend().forRoom('r');
    await storage.writeFile('a/b/c.txt', bytes('c'));
    await expect(storage.delete('a', { recursive: false })).rejects.toMatchObject({ code: 'bad_request' });
    await storage.move('a', 'z', { overwrite: false });
    expect(new TextDecoder().decode((await storage.readFile('z/b/c.txt'))!)).toBe('c');
    await storage.delete('z', { recursive: true });
    expect(await storage.list('')).toEqual([]);
    await expect(storage.delete('z', { recursive: true })).rejects.toMatchObject({ code: 'not_found' });
  });
});
