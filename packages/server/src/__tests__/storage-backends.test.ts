import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FilesystemStorageBackend } from '../storage/filesystem-storage.js';
import { MemoryStorageBackend } from '../storage/memory-storage.js';
import type { RoomStorage, StorageBackend } from '../storage/storage-backend.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array | null) => (data === null ? null : new TextDecoder().decode(data));

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function filesystemBackend(): Promise<StorageBackend> {
  const dir = await mkdtemp(join(tmpdir(), 'convene-storage-'));
  dirs.push(dir);
  return new FilesystemStorageBackend(dir);
}

async function readAll(storage: RoomStorage, path: string, chunkSize = 4): Promise<{ text: string; sizes: number[] }> {
  const { chunks } = await storage.read(path, { chunkSize });
  const parts: Uint8Array[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return { text: parts.map((p) => new TextDecoder().decode(p)).join(''), sizes: parts.map((p) => p.length) };
}

// One behaviour, two backends: everything here must hold for memory and filesystem alike.
describe.each([
  ['memory', async () => new MemoryStorageBackend() as StorageBackend],
  ['filesystem', filesystemBackend],
])('%s storage backend', (_name, makeBackend) => {
  async function room(name = 'r'): Promise<RoomStorage> {
    return (await makeBackend()).forRoom(name);
  }

  it('starts empty, with the root as a folder', async () => {
    const storage = await room();
    expect(await storage.list('')).toEqual([]);
    expect(await storage.stat('')).toMatchObject({ isFolder: true, name: '' });
    expect(await storage.stat('nothing.txt')).toBeNull();
    expect(await storage.readFile('nothing.txt')).toBeNull();
    await expect(storage.list('missing')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('keeps rooms apart', async () => {
    const backend = await makeBackend();
    await backend.forRoom('a').writeFile('x.txt', bytes('a'));
    expect(await backend.forRoom('b').list('')).toEqual([]);
    expect(await backend.forRoom('b').readFile('x.txt')).toBeNull();
    expect(text(await backend.forRoom('a').readFile('x.txt'))).toBe('a');
  });

  it('lists files and folders sorted by name, with sizes and dates', async () => {
    const storage = await room();
    await storage.writeFile('docs/b.txt', bytes('bb'));
    await storage.writeFile('docs/deep/c.txt', bytes('c'));
    await storage.writeFile('a.txt', bytes('a'));
    const root = await storage.list('');
    expect(root.map((e) => [e.name, e.isFolder])).toEqual([['a.txt', false], ['docs', true]]);
    const docs = await storage.list('docs');
    expect(docs.map((e) => [e.name, e.path, e.isFolder, e.size])).toEqual([
      ['b.txt', 'docs/b.txt', false, 2],
      ['deep', 'docs/deep', true, null],
    ]);
    expect(docs[0]!.createdAt).toBeInstanceOf(Date);
    expect(docs[0]!.updatedAt).toBeInstanceOf(Date);
    await expect(storage.list('a.txt')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('stats files and folders', async () => {
    const storage = await room();
    await storage.writeFile('f/g.bin', new Uint8Array(5));
    expect(await storage.stat('f/g.bin')).toMatchObject({ name: 'g.bin', path: 'f/g.bin', isFolder: false, size: 5 });
    expect(await storage.stat('f')).toMatchObject({ name: 'f', isFolder: true, size: null });
  });

  it('commits uploads atomically and honours overwrite', async () => {
    const storage = await room();
    const writer = await storage.openWriter('f.bin', { overwrite: false });
    await writer.write(bytes('ab'));
    expect(await storage.stat('f.bin')).toBeNull();
    await writer.write(bytes('c'));
    expect(await storage.list('')).toEqual([]);
    expect(await writer.commit()).toMatchObject({ path: 'f.bin', size: 3, isFolder: false });
    expect(text(await storage.readFile('f.bin'))).toBe('abc');
    await expect(storage.openWriter('f.bin', { overwrite: false })).rejects.toMatchObject({ code: 'bad_request' });
    const replace = await storage.openWriter('f.bin', { overwrite: true });
    await replace.write(bytes('new'));
    expect(text(await storage.readFile('f.bin'))).toBe('abc');
    await replace.commit();
    expect(text(await storage.readFile('f.bin'))).toBe('new');
    await expect(replace.write(bytes('late'))).rejects.toMatchObject({ code: 'bad_request' });
  });

  it('re-checks overwrite at commit: a file that appeared meanwhile is not replaced', async () => {
    const storage = await room();
    const writer = await storage.openWriter('race.txt', { overwrite: false });
    await writer.write(bytes('mine'));
    await storage.writeFile('race.txt', bytes('theirs'));
    await expect(writer.commit()).rejects.toMatchObject({ code: 'bad_request' });
    expect(text(await storage.readFile('race.txt'))).toBe('theirs');
  });

  it('aborted uploads leave nothing behind and keep the previous file', async () => {
    const storage = await room();
    await storage.writeFile('keep.txt', bytes('old'));
    const writer = await storage.openWriter('keep.txt', { overwrite: true });
    await writer.write(bytes('half'));
    await writer.abort();
    await writer.abort();
    expect(text(await storage.readFile('keep.txt'))).toBe('old');
    const fresh = await storage.openWriter('new/file.txt', { overwrite: false });
    await fresh.write(bytes('x'));
    await fresh.abort();
    expect(await storage.stat('new/file.txt')).toBeNull();
    expect((await storage.list('')).map((e) => e.name)).toEqual(['keep.txt']);
  });

  it('refuses writes onto folders, under files, and at the root', async () => {
    const storage = await room();
    await storage.writeFile('dir/x', bytes('x'));
    await expect(storage.writeFile('dir', bytes('no'))).rejects.toMatchObject({ code: 'bad_request' });
    await expect(storage.writeFile('dir/x/y', bytes('no'))).rejects.toMatchObject({ code: 'bad_request' });
    await expect(storage.openWriter('', { overwrite: true })).rejects.toMatchObject({ code: 'bad_request' });
  });

  it('reads in chunks of at most chunkSize, and stops early on return()', async () => {
    const storage = await room();
    await storage.writeFile('ten.txt', bytes('0123456789'));
    expect(await readAll(storage, 'ten.txt', 4)).toEqual({ text: '0123456789', sizes: [4, 4, 2] });
    const { entry, chunks } = await storage.read('ten.txt', { chunkSize: 3 });
    expect(entry).toMatchObject({ size: 10, name: 'ten.txt' });
    const iterator = chunks[Symbol.asyncIterator]();
    expect(text((await iterator.next()).value as Uint8Array)).toBe('012');
    await iterator.return?.();
    await storage.writeFile('empty', new Uint8Array());
    expect(await readAll(storage, 'empty')).toEqual({ text: '', sizes: [] });
    await expect(storage.read('missing', { chunkSize: 4 })).rejects.toMatchObject({ code: 'not_found' });
    await storage.writeFile('d/f', bytes('f'));
    await expect(storage.read('d', { chunkSize: 4 })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('a reader started before an overwrite keeps reading the old bytes', async () => {
    const storage = await room();
    await storage.writeFile('v.txt', bytes('version-one'));
    const { chunks } = await storage.read('v.txt', { chunkSize: 4 });
    await storage.writeFile('v.txt', bytes('version-two-longer'));
    const parts: string[] = [];
    for await (const chunk of chunks) parts.push(new TextDecoder().decode(chunk));
    expect(parts.join('')).toBe('version-one');
  });

  it('deletes files, and folders only when recursive', async () => {
    const storage = await room();
    await storage.writeFile('a/b/c.txt', bytes('c'));
    await storage.writeFile('a/d.txt', bytes('d'));
    await expect(storage.delete('a', { recursive: false })).rejects.toMatchObject({ code: 'bad_request' });
    await storage.delete('a/d.txt', { recursive: false });
    expect((await storage.list('a')).map((e) => e.name)).toEqual(['b']);
    await storage.delete('a', { recursive: true });
    expect(await storage.list('')).toEqual([]);
    await expect(storage.delete('a', { recursive: true })).rejects.toMatchObject({ code: 'not_found' });
    await expect(storage.delete('', { recursive: true })).rejects.toMatchObject({ code: 'bad_request' });
  });

  it('drops folders that become empty', async () => {
    const storage = await room();
    await storage.writeFile('x/y/z.txt', bytes('z'));
    await storage.delete('x/y/z.txt', { recursive: false });
    expect(await storage.list('')).toEqual([]);
    expect(await storage.stat('x')).toBeNull();
    await storage.writeFile('m/n/o.txt', bytes('o'));
    await storage.move('m/n/o.txt', 'o.txt', { overwrite: false });
    expect((await storage.list('')).map((e) => e.name)).toEqual(['o.txt']);
  });

  it('moves files and folders, with overwrite', async () => {
    const storage = await room();
    await storage.writeFile('src/one.txt', bytes('1'));
    await storage.writeFile('src/sub/two.txt', bytes('2'));
    await storage.writeFile('other.txt', bytes('o'));
    await storage.move('src', 'dst/inner', { overwrite: false });
    expect(await storage.stat('src')).toBeNull();
    expect(text(await storage.readFile('dst/inner/sub/two.txt'))).toBe('2');
    await expect(storage.move('other.txt', 'dst/inner/one.txt', { overwrite: false })).rejects.toMatchObject({ code: 'bad_request' });
    await storage.move('other.txt', 'dst/inner/one.txt', { overwrite: true });
    expect(text(await storage.readFile('dst/inner/one.txt'))).toBe('o');
    expect(await storage.stat('other.txt')).toBeNull();
    await expect(storage.move('dst/inner/one.txt', 'dst/inner', { overwrite: true })).rejects.toMatchObject({ code: 'bad_request' });
    await expect(storage.move('dst', 'dst/inner/deeper', { overwrite: true })).rejects.toMatchObject({ code: 'bad_request' });
    await expect(storage.move('missing', 'anywhere', { overwrite: false })).rejects.toMatchObject({ code: 'not_found' });
    await expect(storage.move('dst/inner/one.txt', 'dst/inner/one.txt/under', { overwrite: false })).rejects.toMatchObject({ code: 'bad_request' });
    await storage.move('dst/inner/one.txt', 'dst/inner/one.txt', { overwrite: false });
    expect(text(await storage.readFile('dst/inner/one.txt'))).toBe('o');
  });

  it('replaces a folder with a folder on overwrite', async () => {
    const storage = await room();
    await storage.writeFile('a/new.txt', bytes('new'));
    await storage.writeFile('b/old.txt', bytes('old'));
    await expect(storage.move('a', 'b', { overwrite: false })).rejects.toMatchObject({ code: 'bad_request' });
    await storage.move('a', 'b', { overwrite: true });
    expect((await storage.list('b')).map((e) => e.name)).toEqual(['new.txt']);
    expect(await storage.stat('a')).toBeNull();
  });

  it('writeFile replaces whole files and returns the entry', async () => {
    const storage = await room();
    expect(await storage.writeFile('doc.json', bytes('{"a":1}'))).toMatchObject({ size: 7, path: 'doc.json' });
    expect(await storage.writeFile('doc.json', bytes('{}'))).toMatchObject({ size: 2 });
    expect(text(await storage.readFile('doc.json'))).toBe('{}');
  });
});
