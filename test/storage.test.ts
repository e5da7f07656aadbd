import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RoomError, type RoomClient, type StorageFileEvent, type StorageMoveEvent } from '@convene/client';
import type { RunningRoomServer } from '@convene/server';
import { participantToken } from '@convene/client/tokens';
import { conveneClient } from './support/convene.js';
import { SECRET, startServer } from './support/server.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array) => new TextDecoder().decode(data);

let server: RunningRoomServer;
let dataDir: string;
const clients: RoomClient[] = [];

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'convene-storage-it-'));
  server = await startServer({ dataDir, maxUploadBytes: 1024 * 1024 });
});
afterEach(async () => {
  for (const client of clients.splice(0)) client.dispose();
  await server.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function enter(name: string, room = 'files'): Promise<RoomClient> {
  const client = conveneClient({ url: server.url, room, name });
  clients.push(client);
  await client.start();
  return client;
}

describe('room.storage against a real server (filesystem backend)', () => {
  it('uploads, lists, stats, downloads, moves and deletes', async () => {
    const alice = await enter('alice');
    await alice.storage.upload('docs/hello.txt', bytes('hello world'));
    await alice.storage.upload('docs/sub/blob.bin', new Blob([bytes('blob!')]));
    const listed = await alice.storage.list('docs');
    expect(listed.map((e) => [e.name, e.path, e.isFolder, e.size])).toEqual([
      ['hello.txt', 'docs/hello.txt', false, 11],
      ['sub', 'docs/sub', true, null],
    ]);
    expect(listed[0]!.updatedAt).toBeInstanceOf(Date);
    expect(await alice.storage.stat('docs/hello.txt')).toMatchObject({ name: 'hello.txt', isFolder: false, size: 11 });
    expect(await alice.storage.stat('docs/missing')).toBeNull();
    expect(await alice.storage.exists('docs/sub/blob.bin')).toBe(true);
    const file = await alice.storage.download('docs/hello.txt');
    expect(file).toMatchObject({ name: 'hello.txt', mimeType: 'text/plain', size: 11 });
    expect(text(file.data)).toBe('hello world');
    await alice.storage.move('docs/hello.txt', 'archive/hello.txt');
    expect(await alice.storage.exists('docs/hello.txt')).toBe(false);
    await alice.storage.delete('docs', { recursive: true });
    expect((await alice.storage.list('')).map((e) => e.name)).toEqual(['archive']);
    expect(await readdir(join(dataDir, 'rooms', 'files', 'files', 'archive'))).toEqual(['hello.txt']);
  });

  it('refuses to overwrite unless asked, and reports typed errors', async () => {
    const alice = await enter('alice');
    await alice.storage.upload('a.txt', bytes('one'));
    await expect(alice.storage.upload('a.txt', bytes('two'))).rejects.toMatchObject({ code: 'bad_request' });
    await alice.storage.upload('a.txt', bytes('two'), { overwrite: true });
    expect(text((await alice.storage.download('a.txt')).data)).toBe('two');
    await expect(alice.storage.download('nope.txt')).rejects.toMatchObject({ code: 'not_found' });
    await expect(alice.storage.list('nope')).rejects.toBeInstanceOf(RoomError);
    await expect(alice.storage.move('nope', 'x')).rejects.toMatchObject({ code: 'not_found' });
    await expect(alice.storage.delete('nope')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('uploads and downloads empty files', async () => {
    const alice = await enter('alice');
    await alice.storage.upload('empty.txt', new Uint8Array());
    expect(await alice.storage.stat('empty.txt')).toMatchObject({ size: 0 });
    const file = await alice.storage.download('empty.txt');
    expect(file.size).toBe(0);
    expect(file.data.length).toBe(0);
    const stream = await alice.storage.downloadStream('empty.txt');
    const chunks: Uint8Array[] = [];
    for await (const chunk of stream.chunks) chunks.push(chunk);
    expect(chunks).toEqual([]);
  });

  it('streams uploads from an async iterable, reading only as the server pulls', async () => {
    const alice = await enter('alice');
    let produced = 0;
    async function* source() {
      for (let i = 0; i < 8; i++) {
        produced++;
        yield new Uint8Array(100_000).fill(i);
      }
    }
    const progress: number[] = [];
    await alice.storage.uploadStream('gen.bin', source(), { onProgress: ({ sent }) => progress.push(sent) });
    expect(produced).toBe(8);
    expect(progress.at(-1)).toBe(800_000);
    const download = await alice.storage.downloadStream('gen.bin', { chunkSize: 300_000 });
    const sizes: number[] = [];
    for await (const chunk of download.chunks) sizes.push(chunk.length);
    expect(sizes).toEqual([300_000, 300_000, 200_000]);
  });

  it('stops a download when the consumer breaks out of the loop, and the connection stays usable', async () => {
    const alice = await enter('alice');
    await alice.storage.upload('big.bin', new Uint8Array(600_000));
    const download = await alice.storage.downloadStream('big.bin', { chunkSize: 100_000 });
    let seen = 0;
    for await (const chunk of download.chunks) {
      seen += chunk.length;
      if (seen >= 200_000) break;
    }
    expect(seen).toBe(200_000);
    expect(await alice.storage.exists('big.bin')).toBe(true);
    const unread = await alice.storage.downloadStream('big.bin');
    await unread.cancel();
    expect((await alice.storage.download('big.bin')).size).toBe(600_000);
  });

  it('refuses uploads above the size limit with 413 and keeps nothing', async () => {
    const alice = await enter('alice');
    await expect(alice.storage.upload('huge.bin', new Uint8Array(1024 * 1024 + 1))).rejects.toMatchObject({ code: 'payload_too_large' });
    async function* unsized() {
      for (let i = 0; i < 3; i++) yield new Uint8Array(512 * 1024);
    }
    await expect(alice.storage.uploadStream('huge2.bin', unsized())).rejects.toMatchObject({ code: 'payload_too_large' });
    expect(await alice.storage.list('')).toEqual([]);
    expect(await readdir(join(dataDir, 'rooms', 'files', 'tmp'))).toEqual([]);
  });

  it('aborting an upload leaves no file, even with no declared size', async () => {
    const alice = await enter('alice');
    const controller = new AbortController();
    async function* slow() {
      yield bytes('first part ');
      controller.abort();
      await new Promise((resolve) => setTimeout(resolve, 50));
      yield bytes('second part');
    }
    await expect(alice.storage.uploadStream('partial.txt', slow(), {}, { signal: controller.signal })).rejects.toMatchObject({ code: 'aborted' });
    await expect.poll(() => readdir(join(dataDir, 'rooms', 'files', 'tmp'))).toEqual([]);
    expect(await alice.storage.exists('partial.txt')).toBe(false);
    // A failing source aborts too.
    async function* broken() {
      yield bytes('some bytes');
      throw new Error('disk on fire');
    }
    await expect(alice.storage.uploadStream('broken.txt', broken())).rejects.toThrow('disk on fire');
    expect(await alice.storage.exists('broken.txt')).toBe(false);
    expect(await alice.storage.list('')).toEqual([]);
  });

  it('an upload cut off by a disconnect leaves nothing behind', async () => {
    const alice = await enter('alice');
    const bob = await enter('bob');
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    async function* stalls() {
      yield new Uint8Array(1024);
      release();
      await new Promise(() => {});
    }
    const upload = alice.storage.uploadStream('cut.bin', stalls()).catch((error: unknown) => error);
    await gate;
    alice.dispose();
    expect(await upload).toBeInstanceOf(Error);
    const tmp = join(dataDir, 'rooms', 'files', 'tmp');
    await expect.poll(() => readdir(tmp)).toEqual([]);
    expect(await bob.storage.exists('cut.bin')).toBe(false);
  });

  it('pushes file events to everyone in the room, with who did it', async () => {
    const alice = await enter('alice');
    const bob = await enter('bob');
    const updated: StorageFileEvent[] = [];
    const deleted: StorageFileEvent[] = [];
    const moved: StorageMoveEvent[] = [];
    bob.storage.on('file_updated', (e) => updated.push(e));
    bob.storage.on('file_deleted', (e) => deleted.push(e));
    bob.storage.on('file_moved', (e) => moved.push(e));
    const aliceSaw: StorageFileEvent[] = [];
    alice.storage.on('file_updated', (e) => aliceSaw.push(e));
    await alice.storage.upload('x.txt', bytes('x'));
    await alice.storage.move('x.txt', 'y.txt');
    await alice.storage.delete('y.txt');
    await expect.poll(() => deleted.length).toBe(1);
    const aliceId = alice.localParticipant.id;
    expect(updated).toEqual([{ path: 'x.txt', participantId: aliceId }]);
    expect(moved).toEqual([{ sourcePath: 'x.txt', destinationPath: 'y.txt', participantId: aliceId }]);
    expect(deleted).toEqual([{ path: 'y.txt', participantId: aliceId }]);
    expect(aliceSaw).toEqual([{ path: 'x.txt', participantId: aliceId }]);
  });

  it('gives a download URL that serves the file with its type and length, and nothing else', async () => {
    const alice = await enter('alice');
    await alice.storage.upload('pics/café.png', bytes('not really a png'));
    const url = await alice.storage.downloadUrl('pics/café.png');
    expect(url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/rooms/files/files/pics/caf%C3%A9\\.png\\?token=`));
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(response.headers.get('content-length')).toBe('16');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toBe('not really a png');

    const token = new URL(url).searchParams.get('token')!;
    const base = url.split('?')[0]!;
    expect((await fetch(base)).status).toBe(401);
    expect((await fetch(`${base}?token=garbage`)).status).toBe(401);
    expect((await fetch(`${base}?token=${token.slice(0, -2)}xx`)).status).toBe(401);
    expect((await fetch(url.replace('caf%C3%A9.png', 'other.png'))).status).toBe(403);
    expect((await fetch(url.replace('/rooms/files/', '/rooms/other/'))).status).toBe(403);
    expect((await fetch(url, { method: 'POST' })).status).toBe(405);
    // A participant token is not a download token.
    const participantJwt = await participantToken({ name: 'alice', room: 'files', secret: SECRET });
    expect((await fetch(`${base}?token=${participantJwt}`)).status).toBe(401);
    await alice.storage.delete('pics/café.png');
    expect((await fetch(url)).status).toBe(404);
    await expect(alice.storage.downloadUrl('pics/café.png')).rejects.toMatchObject({ code: 'not_found' });
  });
});
