import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { unpack } from '@convene/protocol';
import type { RoomClient } from '@convene/client';
import type { RunningRoomServer } from '@convene/server';
import { MemoryStorageBackend } from '../packages/server/src/storage/memory-storage.js';
import { conveneClient } from './support/convene.js';
import { startServer } from './support/server.js';
import { labelSet, listSchema, until } from './support/sync-fixtures.js';

const servers: RunningRoomServer[] = [];
const clients: RoomClient[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.dispose();
  await Promise.all(servers.splice(0).map((server) => server.close()));
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function serve(options: Parameters<typeof startServer>[0] = {}): Promise<RunningRoomServer> {
  const server = await startServer(options);
  servers.push(server);
  return server;
}

async function join(server: RunningRoomServer, name: string): Promise<RoomClient> {
  const client = conveneClient({ url: server.url, room: 'docs', name });
  clients.push(client);
  await client.start();
  return client;
}

/** The labels stored in a document's sidecar, read the way a backup tool would. */
async function storedLabels(storage: MemoryStorageBackend, path: string): Promise<string[] | null> {
  const data = await storage.forRoom('docs').readFile(`.sync/${path}.yjs`);
  if (!data) return null;
  const { header, payload } = unpack(data);
  expect(header).toMatchObject({ format: 'convene.sync', version: 2, schema: { $root_tag_ref: '#/$defs/doc' } });
  // Records: u32be length, then one Yjs update (docs/WIRE-EXTENSIONS.md "Persistence").
  const doc = new Y.Doc();
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  for (let offset = 0; offset < payload.length; offset += 4 + view.getUint32(offset)) {
    Y.applyUpdate(doc, payload.subarray(offset + 4, offset + 4 + view.getUint32(offset)));
  }
  return doc.get('xml', Y.XmlElement).toArray().flatMap((node) => (node instanceof Y.XmlElement ? [String(node.getAttribute('label'))] : [])).sort();
}

describe('document persistence', () => {
  it('writes changes within the window while the document stays open, next to (not at) its path', async () => {
    const storage = new MemoryStorageBackend();
    const server = await serve({ storage, sync: { persistWindowMs: 150 } });
    const alice = await join(server, 'alice');
    const doc = await alice.sync.open('notes/today.doc', { schema: listSchema() });
    doc.root.createChildElement('item', { label: 'one' });
    await alice.sync.flush('notes/today.doc');
    const changedAt = Date.now();
    const stored = await (async () => {
      for (;;) {
        const labels = await storedLabels(storage, 'notes/today.doc');
        if (labels?.includes('one')) return labels;
        if (Date.now() - changedAt > 2_000) return labels;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    expect(stored).toEqual(['one']);
    expect(Date.now() - changedAt).toBeLessThan(1_000);
    // The document's own path stays free for a file of that name.
    expect(await storage.forRoom('docs').stat('notes/today.doc')).toBeNull();
  });

  it('survives the room being released, and a server restart with the same storage', async () => {
    const storage = new MemoryStorageBackend();
    const first = await serve({ storage });
    const alice = await join(first, 'alice');
    const doc = await alice.sync.open('kept.doc', { schema: listSchema() });
    doc.root.createChildElement('item', { label: 'kept' });
    doc.root.setAttribute('title', 'Kept');
    await alice.sync.flush('kept.doc');
    alice.dispose();
    await until(() => first.core.roomCount, (n) => n === 0);
    expect(await storedLabels(storage, 'kept.doc')).toEqual(['kept']);

    const bob = await join(first, 'bob');
    // No schema passed: the document remembers the one it was created with.
    const again = await bob.sync.open('kept.doc');
    expect(labelSet(again)).toEqual(['kept']);
    expect(again.root.getAttribute('title')).toBe('Kept');
    bob.dispose();

    await first.close();
    const second = await serve({ storage });
    const carol = await join(second, 'carol');
    const restored = await carol.sync.open('kept.doc', { schema: listSchema(), create: false });
    expect(labelSet(restored)).toEqual(['kept']);
  });

  it('loses nothing on a clean shutdown right after an edit (filesystem storage)', async () => {
    const dataDir = await mkdtemp(joinPath(tmpdir(), 'convene-sync-'));
    dirs.push(dataDir);
    const first = await serve({ dataDir, sync: { persistWindowMs: 60_000 } });
    const alice = await join(first, 'alice');
    const doc = await alice.sync.open('fs/a.doc', { schema: listSchema() });
    for (let i = 0; i < 10; i++) doc.root.createChildElement('item', { label: `n${i}` });
    await alice.sync.flush('fs/a.doc');
    // The window is a minute: only the shutdown writes it.
    await first.close();
    alice.dispose();
    const second = await serve({ dataDir });
    const bob = await join(second, 'bob');
    const restored = await bob.sync.open('fs/a.doc', { create: false });
    expect(labelSet(restored)).toHaveLength(10);
  });

  it('refuses to open a document whose stored state is corrupt, and never overwrites it', async () => {
    const storage = new MemoryStorageBackend();
    const garbage = new TextEncoder().encode('definitely not a document');
    await storage.forRoom('docs').writeFile('.sync/broken.doc.yjs', garbage);
    const server = await serve({ storage });
    const alice = await join(server, 'alice');
    const error = await alice.sync.open('broken.doc', { schema: listSchema() }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'internal', message: expect.stringContaining('broken.doc') });
    alice.dispose();
    await until(() => server.core.roomCount, (n) => n === 0);
    expect(await storage.forRoom('docs').readFile('.sync/broken.doc.yjs')).toEqual(garbage);
  });

  it('uses the room schema in storage .schemas/<ext>.json when the opener passes none', async () => {
    const storage = new MemoryStorageBackend();
    await storage.forRoom('docs').writeFile('.schemas/list.json', new TextEncoder().encode(JSON.stringify(listSchema().toJson())));
    const server = await serve({ storage });
    const alice = await join(server, 'alice');
    const doc = await alice.sync.open('groceries.list');
    expect(doc.schema.toJson()).toEqual(listSchema().toJson());
    doc.root.createChildElement('item', { label: 'tea' });
    await alice.sync.create('created.list', { doc: { title: 'From create' } });
    const created = await alice.sync.open('created.list', { create: false });
    expect(created.root.getAttribute('title')).toBe('From create');
  });
});
