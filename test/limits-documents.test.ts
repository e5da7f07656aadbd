import { afterEach, describe, expect, it } from 'vitest';
import { RoomError, type RoomClient } from '@convene/client';
import type { RunningRoomServer } from '@convene/server';
import { conveneClient } from './support/convene.js';
import { startServer } from './support/server.js';
import { labels, listSchema, until } from './support/sync-fixtures.js';

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
