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

  it('appends in place without changing what an earlier read handed out', async () => {
    const storage = new MemoryStorageBackend().forRoom('r');
    await storage.writeFile('log.bin', bytes('ab'));
    const reads: Uint8Array[] = [];
    let expected = 'ab';
    for (let i = 0; i < 300; i++) {
      reads.push((await storage.readFile('log.bin'))!);
      const part = String(i % 10).repeat(1 + (i % 7));
      await storage.appendFile!('log.bin', bytes(part));
      expected += part;
    }
    expect(new TextDecoder().decode((await storage.readFile('log.bin'))!)).toBe(expected);
    expect((await storage.stat('log.bin'))!.size).toBe(expected.length);
    // Each earlier read still holds the file as it was then, no longer.
    let before = 'ab';
    for (let i = 0; i < reads.length; i++) {
      expect(new TextDecoder().decode(reads[i])).toBe(before);
      before += String(i % 10).repeat(1 + (i % 7));
    }
    // A write replaces the file; a later append starts from what was written.
    await storage.writeFile('log.bin', bytes('new'));
    await storage.appendFile!('log.bin', bytes('!'));
    expect(new TextDecoder().decode((await storage.readFile('log.bin'))!)).toBe('new!');
    expect(new TextDecoder().decode(reads[299])).toBe(expected.slice(0, expected.length - 1 - (299 % 7)));
  });
});
