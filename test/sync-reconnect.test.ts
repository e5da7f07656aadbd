import { afterEach, describe, expect, it } from 'vitest';
import { CloseCode } from '@convene/protocol';
import type { RoomClient } from '@convene/client';
import { participantToken } from '@convene/client/tokens';
import type { RunningRoomServer } from '@convene/server';
import { MemoryStorageBackend } from '../packages/server/src/storage/memory-storage.js';
import { conveneClient } from './support/convene.js';
import { SECRET, startServer } from './support/server.js';
import { labelSet, listSchema, until } from './support/sync-fixtures.js';

let servers: RunningRoomServer[] = [];
const clients: RoomClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.dispose();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** A client that retries quickly; with a `gate`, every connection attempt waits for it ("offline until we say so"). */
function client(url: string, name: string, options: { gate?: () => Promise<void> } = {}): RoomClient {
  const room = conveneClient({
    url,
    room: 'docs',
    name,
    reconnect: { initialDelayMs: 50, maxDelayMs: 200 },
    ...(options.gate
      ? {
          authorization: async () => {
            await options.gate!();
            return { url: `${url}/rooms/docs`, jwt: await participantToken({ name, room: 'docs', secret: SECRET }) };
          },
        }
      : {}),
  });
  clients.push(room);
  return room;
}

describe('documents across reconnects', () => {
  it('merges edits a client made while its socket was down, and gives it what it missed', async () => {
    const server = await startServer();
    servers.push(server);
    let offline: Promise<void> = Promise.resolve();
    let goOnline = (): void => {};
    const alice = client(server.url, 'alice', { gate: () => offline });
    const bob = client(server.url, 'bob');
    await Promise.all([alice.start(), bob.start()]);
    const schema = listSchema();
    const a = await alice.sync.open('shared.doc', { schema });
    const b = await bob.sync.open('shared.doc', { schema });
    a.root.createChildElement('item', { label: 'before' });
    await until(() => labelSet(b), (l) => l.includes('before'));

    // Cut alice off and keep her off until the gate opens.
    offline = new Promise<void>((resolve) => (goOnline = resolve));
    server.core.room('docs')!.participant(alice.localParticipant.id!)!.connection.close(CloseCode.TryAgainLater, 'server_shutdown', 'test');
    await until(() => alice.status, (s) => s === 'reconnecting' || s === 'authorizing');
    for (let i = 0; i < 5; i++) a.root.createChildElement('item', { label: `offline-a${i}` });
    a.root.getChildren()[0]!.setAttribute('done', true);
    b.root.createChildElement('item', { label: 'while-away-b' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(labelSet(b)).not.toContain('offline-a0');

    const reconnected = new Promise<void>((resolve) => alice.on('reconnected', () => resolve()));
    goOnline();
    await reconnected;
    const all = ['before', 'offline-a0', 'offline-a1', 'offline-a2', 'offline-a3', 'offline-a4', 'while-away-b'];
    // `reconnected` waits for the document to re-open, so the server's edits are already here.
    expect(labelSet(a)).toContain('while-away-b');
    await until(() => labelSet(b), (l) => l.join() === all.join());
    await until(() => b.root.getChildren()[0]!.getAttribute('done'), (v) => v === true);
    expect(b.snapshot).toEqual(a.snapshot);
  });

  it('keeps both sides\' edits when the server restarts in between (same storage)', async () => {
    const storage = new MemoryStorageBackend();
    const first = await startServer({ storage });
    servers.push(first);
    const port = first.port;
    const alice = client(first.url, 'alice');
    const bob = client(first.url, 'bob');
    await Promise.all([alice.start(), bob.start()]);
    const schema = listSchema();
    const a = await alice.sync.open('restart.doc', { schema });
    const b = await bob.sync.open('restart.doc', { schema });
    a.root.createChildElement('item', { label: 'saved' });
    await until(() => labelSet(b), (l) => l.includes('saved'));

    await first.close();
    servers = servers.filter((s) => s !== first);
    await until(() => [alice.status, bob.status], (s) => s.every((x) => x !== 'connected'));
    a.root.createChildElement('item', { label: 'offline-a' });
    b.root.createChildElement('item', { label: 'offline-b' });

    const both = Promise.all([alice, bob].map((c) => new Promise<void>((resolve) => c.on('reconnected', () => resolve()))));
    servers.push(await startServer({ storage, port }));
    await both;
    const all = ['offline-a', 'offline-b', 'saved'];
    await until(() => [labelSet(a), labelSet(b)], ([x, y]) => x!.join() === all.join() && y!.join() === all.join());

    // A newcomer sees the merged document from the server, not from either client.
    const carol = client(first.url, 'carol');
    await carol.start();
    const c = await carol.sync.open('restart.doc', { schema });
    await until(() => labelSet(c), (l) => l.join() === all.join());
  });

  it('fails a pending open when the connection drops, and the client recovers', async () => {
    const server = await startServer();
    servers.push(server);
    const alice = client(server.url, 'alice');
    await alice.start();
    const opening = alice.sync.open('late.doc', { schema: listSchema() });
    server.core.room('docs')!.participant(alice.localParticipant.id!)!.connection.close(CloseCode.TryAgainLater, 'server_shutdown', 'test');
    const outcome = await opening.then(() => 'opened', (e: unknown) => e);
    // Either the open won the race or it failed with a typed error; both leave the client usable.
    if (outcome !== 'opened') expect(outcome).toMatchObject({ code: expect.any(String) });
    await until(() => alice.status, (s) => s === 'connected');
    const doc = await alice.sync.open('late.doc', { schema: listSchema() });
    doc.root.createChildElement('item', { label: 'after' });
    await alice.sync.flush('late.doc');
    expect(labelSet(doc)).toContain('after');
  });
});
