import { afterEach, describe, expect, it } from 'vitest';
import { RoomError, type RoomClient } from '@convene/client';
import type { RunningRoomServer } from '@convene/server';
import { conveneClient, tappedTransport } from './support/convene.js';
import { startServer } from './support/server.js';
import { labels, listSchema, until } from './support/sync-fixtures.js';

const decoder = new TextDecoder();
let server: RunningRoomServer | undefined;
const clients: RoomClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.dispose();
  await server?.close();
  server = undefined;
});

async function join(name: string): Promise<RoomClient> {
  server ??= await startServer({ limits: { maxOpenDocuments: 3 } });
  const client = conveneClient({ url: server.url, room: 'open-docs', name });
  clients.push(client);
  await client.start();
  return client;
}

describe('maxOpenDocuments', () => {
  it('refuses one document too many with rate_limited, keeps the open ones live, and admits it after a close', async () => {
    const alice = await join('alice');
    const bob = await join('bob');
    const schema = listSchema();
    const open = await Promise.all(['a.doc', 'b.doc', 'c.doc'].map((path) => alice.sync.open(path, { schema })));

    const refused = await alice.sync.open('d.doc', { schema }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RoomError);
    expect((refused as RoomError).code).toBe('rate_limited');
    expect((refused as RoomError).message).toMatch(/at most 3 documents may be open on one connection/);

    // The limit is per connection: bob opens his own three, and edits still flow both ways.
    const bobs = await Promise.all(['a.doc', 'x.doc', 'y.doc'].map((path) => bob.sync.open(path, { schema })));
    open[0]!.root.createChildElement('item', { label: 'still live' });
    await until(() => labels(bobs[0]!), (seen) => seen.includes('still live'));

    // Closing one frees its place at once.
    await alice.sync.close('b.doc');
    const fourth = await alice.sync.open('d.doc', { schema });
    fourth.root.createChildElement('item', { label: 'fourth' });
    await alice.sync.flush('d.doc');
    expect(alice.status).toBe('connected');
  });

  it('gives the place of a failed open back', async () => {
    const alice = await join('alice');
    // No schema anywhere: each open fails on the server after it was counted.
    for (let i = 0; i < 5; i++) {
      const failed = await alice.sync.open(`no-schema-${i}.doc`).catch((error: unknown) => error);
      expect((failed as RoomError).code).toBe('bad_request');
    }
    const schema = listSchema();
    const open = await Promise.all(['a.doc', 'b.doc', 'c.doc'].map((path) => alice.sync.open(path, { schema })));
    expect(open).toHaveLength(3);
    expect((await alice.sync.open('d.doc', { schema }).catch((error: unknown) => error) as RoomError).code).toBe('rate_limited');
  });
});

describe('messagesPerSecond and document edits', () => {
  it('sends again the edits refused for the rate, so sync.flush means the room has every one', async () => {
    // 2 messages/s with a burst of 40: a sync chunk costs 1/16, so about 640 pass at once, 32/s after.
    server = await startServer({ limits: { messagesPerSecond: 2, messageBurst: 40 } });
    let refusals = 0;
    const counting = tappedTransport((frame) => {
      if (decoder.decode(frame).includes('messages/s exceeded')) refusals++;
    });
    const alice = conveneClient({ url: server.url, room: 'rate', name: 'alice', transport: counting });
    clients.push(alice);
    await alice.start();
    const schema = listSchema();
    const a = await alice.sync.open('rate.doc', { schema });
    // One chunk per edit until the room refuses some, then a few more (under the 40 refusals that would close the connection).
    let edits = 0;
    for (let after = 0; after < 3 && edits < 5_000; edits++) {
      a.root.createChildElement('item', { label: `a${edits}` });
      await new Promise((resolve) => setImmediate(resolve));
      if (refusals > 0) after++;
    }
    await alice.sync.flush('rate.doc');
    expect(refusals).toBeGreaterThan(0);
    expect(alice.status).toBe('connected');
    // A newcomer reads the server's copy: nothing refused is missing from it.
    const bob = conveneClient({ url: server.url, room: 'rate', name: 'bob' });
    clients.push(bob);
    await bob.start();
    const b = await bob.sync.open('rate.doc', { schema });
    expect(labels(b)).toHaveLength(edits);
    expect(labels(b)).toEqual(labels(a));
  });
});
