import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RoomClient } from '@convene/client';
import type { RunningRoomServer } from '@convene/server';
import type * as Mesh from '@meshagent/meshagent';
import { conveneClient } from './support/convene.js';
import { eventually, joinMeshAgent, mesh } from './support/meshagent.js';
import { SECRET, startServer } from './support/server.js';

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');
const FIVE_MIB = 5 * 1024 * 1024;

/** Bytes that are not all alike, so a misplaced chunk changes the hash. */
function pattern(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

/** The official 0.39.9 client's storage against our server (PROTOCOL.md §5.3), next to ours. */
describe('MeshAgent 0.39.9 storage conformance', () => {
  let server: RunningRoomServer;
  let dataDir: string;
  let official: Mesh.RoomClient;
  let convene: RoomClient;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'convene-mesh-storage-'));
    server = await startServer({ dataDir });
    official = await joinMeshAgent({ url: server.url, room: 'files', name: 'mesh', secret: SECRET });
    convene = conveneClient({ url: server.url, room: 'files', name: 'convene' });
    await convene.start();
  });

  afterEach(async () => {
    convene?.dispose();
    official?.dispose();
    await server?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('official upload of 5 MiB → Convene download, byte-identical', async () => {
    const data = pattern(FIVE_MIB, 1);
    await official.storage.upload('shared/from-mesh.bin', data);
    const file = await convene.storage.download('shared/from-mesh.bin');
    expect(file).toMatchObject({ name: 'from-mesh.bin', mimeType: 'application/octet-stream', size: FIVE_MIB });
    expect(sha256(file.data)).toBe(sha256(data));
  });

  it('Convene upload of 5 MiB → official download and downloadStream, byte-identical', async () => {
    const data = pattern(FIVE_MIB, 2);
    await convene.storage.upload('shared/from-convene.bin', data);
    const file = await official.storage.download('shared/from-convene.bin');
    expect(file.name).toBe('from-convene.bin');
    expect(file.mimeType).toBe('application/octet-stream');
    expect(sha256(file.data)).toBe(sha256(data));
    let total = 0;
    for await (const chunk of await official.storage.downloadStream('shared/from-convene.bin')) {
      if (chunk.headers['kind'] === 'data') total += chunk.data.length;
    }
    expect(total).toBe(FIVE_MIB);
  });

  it('official uploadStream and empty files work', async () => {
    async function* parts() {
      for (let i = 0; i < 5; i++) yield pattern(100_000, 10 + i);
    }
    await official.storage.uploadStream('streamed.bin', parts());
    expect((await convene.storage.stat('streamed.bin'))?.size).toBe(500_000);
    await official.storage.upload('empty.txt', new Uint8Array());
    const empty = await official.storage.download('empty.txt');
    expect(empty.data.length).toBe(0);
    expect(empty.mimeType).toBe('text/plain');
  });

  it('list, stat, exists, move and delete parse strictly and behave', async () => {
    await convene.storage.upload('docs/a.txt', new TextEncoder().encode('alpha'));
    await convene.storage.upload('docs/sub/b.md', new TextEncoder().encode('# b'));
    const entries = await official.storage.list('docs');
    expect(entries.map((e) => [e.name, e.isFolder, e.size])).toEqual([['a.txt', false, 5], ['sub', true, null]]);
    expect(entries[0]!.updatedAt).toBeInstanceOf(Date);
    const stat = await official.storage.stat('docs/a.txt');
    expect(stat).toMatchObject({ name: 'a.txt', isFolder: false, size: 5 });
    expect(stat!.createdAt).toBeInstanceOf(Date);
    expect(await official.storage.stat('docs/none')).toBeNull();
    expect(await official.storage.exists('docs/a.txt')).toBe(true);
    expect(await official.storage.exists('docs/none')).toBe(false);
    await official.storage.move('docs/a.txt', 'moved/a.txt');
    expect(await convene.storage.exists('moved/a.txt')).toBe(true);
    await expect(official.storage.move('docs/sub/b.md', 'moved/a.txt')).rejects.toThrow(/exists/);
    await official.storage.move('docs/sub/b.md', 'moved/a.txt', { overwrite: true });
    await official.storage.delete('moved/a.txt');
    // Folders exist while they hold files: moving the last one out removed docs/ too.
    expect(await official.storage.list('')).toEqual([]);
    await official.storage.upload('tree/x/y.txt', new TextEncoder().encode('y'));
    await official.storage.delete('tree', { recursive: true });
    expect(await official.storage.exists('tree')).toBe(false);
    await expect(official.storage.delete('nothing')).rejects.toBeInstanceOf(mesh.RoomServerException);
    await expect(official.storage.stat('../escape')).rejects.toBeInstanceOf(mesh.RoomServerException);
  });

  it('downloadUrl returns a URL that fetches the file', async () => {
    const data = pattern(200_000, 3);
    await official.storage.upload('pics/photo.png', data);
    const url = await official.storage.downloadUrl('pics/photo.png');
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(sha256(new Uint8Array(await response.arrayBuffer()))).toBe(sha256(data));
  });

  it('official client receives file.updated, file.moved and file.deleted events', async () => {
    const updated: Mesh.FileUpdatedEvent[] = [];
    const moved: Mesh.FileMovedEvent[] = [];
    const deleted: Mesh.FileDeletedEvent[] = [];
    official.storage.on('file.updated', (e) => updated.push(e as Mesh.FileUpdatedEvent));
    official.storage.on('file.moved', (e) => moved.push(e as Mesh.FileMovedEvent));
    official.storage.on('file.deleted', (e) => deleted.push(e as Mesh.FileDeletedEvent));
    await convene.storage.upload('e.txt', new TextEncoder().encode('e'));
    await convene.storage.move('e.txt', 'f.txt');
    await convene.storage.delete('f.txt');
    await eventually(() => deleted.length, (n) => n === 1);
    const conveneId = convene.localParticipant.id;
    expect(updated.map((e) => [e.path, e.participantId])).toEqual([['e.txt', conveneId]]);
    expect(moved.map((e) => [e.sourcePath, e.destinationPath, e.participantId])).toEqual([['e.txt', 'f.txt', conveneId]]);
    expect(deleted.map((e) => [e.path, e.participantId])).toEqual([['f.txt', conveneId]]);
    // Its own upload is announced to it too.
    await official.storage.upload('own.txt', new TextEncoder().encode('own'));
    await eventually(() => updated.length, (n) => n === 2);
    expect(updated[1]!.path).toBe('own.txt');
  });
});
