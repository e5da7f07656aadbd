import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoomClient } from '@convene/client';
import type { RunningRoomServer } from '@convene/server';
import type * as Mesh from '@meshagent/meshagent';
import { conveneClient } from './support/convene.js';
import { joinMeshAgent, mesh } from './support/meshagent.js';
import { SECRET, startServer } from './support/server.js';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The official 0.39.9 client's queues against our server (PROTOCOL.md §5.4), next to ours. */
describe('MeshAgent 0.39.9 queues conformance', () => {
  let server: RunningRoomServer;
  let official: Mesh.RoomClient;
  let convene: RoomClient;

  beforeAll(async () => {
    // One server for the file: PGlite starts in seconds.
    server = await startServer({ database: { backend: 'pglite' } });
    official = await joinMeshAgent({ url: server.url, room: 'queues', name: 'mesh', secret: SECRET });
    convene = conveneClient({ url: server.url, room: 'queues', name: 'convene' });
    await convene.start();
    await convene.queues.list();
  }, 120_000);

  afterAll(async () => {
    convene?.dispose();
    official?.dispose();
    await server?.close();
  });

  it('official send → Convene receive, in order', async () => {
    await official.queues.send('to-convene', { n: 1, text: 'héllo' }, { create: true });
    await official.queues.send('to-convene', { list: [1, 2, 3] }, { create: true });
    // The 0.39.9 types say objects; any JSON value goes over the wire.
    await official.queues.send('to-convene', 'plain' as unknown as Record<string, unknown>, { create: false });
    expect(await convene.queues.receive('to-convene', { wait: false })).toEqual({ n: 1, text: 'héllo' });
    expect(await convene.queues.receive('to-convene', { wait: false })).toEqual({ list: [1, 2, 3] });
    expect(await convene.queues.receive('to-convene', { timeout: 5_000 })).toBe('plain');
  });

  it('an official waiting receive is released by a Convene send', async () => {
    const waiting = official.queues.receive('to-mesh', { create: true, wait: true });
    await tick(150);
    await convene.queues.send('to-mesh', { from: 'convene' });
    expect(await waiting).toEqual({ from: 'convene' });
    // wait:false on an empty queue resolves null (`empty` reply).
    expect(await official.queues.receive('to-mesh', { create: true, wait: false })).toBeNull();
  });

  it('official list, open, drain and close accept our replies', async () => {
    await official.queues.open('ops');
    await official.queues.send('ops', { a: 1 }, { create: false });
    await official.queues.send('ops', { a: 2 }, { create: false });
    const listed = await official.queues.list();
    expect(listed.every((queue) => queue instanceof mesh.Queue)).toBe(true);
    expect(listed.map((queue) => ({ name: queue.name, size: queue.size }))).toContainEqual({ name: 'ops', size: 2 });
    await official.queues.drain('ops');
    expect((await official.queues.list()).find((queue) => queue.name === 'ops')?.size).toBe(0);
    await official.queues.close('ops');
    expect((await official.queues.list()).map((queue) => queue.name)).not.toContain('ops');
    expect((await convene.queues.list()).map((queue) => queue.name)).not.toContain('ops');
  });

  it('official errors: create:false on a missing queue is a RoomServerException with 404', async () => {
    const error = await official.queues.send('missing', { n: 1 }, { create: false }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(mesh.RoomServerException);
    expect(error).toMatchObject({ code: 404 });
    const refused = await official.queues.receive('missing', { create: false, wait: false }).catch((caught: unknown) => caught);
    expect(refused).toMatchObject({ code: 404 });
  });

  it('official and Convene receivers compete for one queue without duplicates', async () => {
    const got: unknown[] = [];
    const officialLoop = (async () => {
      for (let i = 0; i < 5; i++) got.push(await official.queues.receive('shared', { create: true, wait: true }));
    })();
    for (let n = 0; n < 10; n++) await convene.queues.send('shared', n);
    await officialLoop;
    for (let i = 0; i < 5; i++) got.push(await convene.queues.receive('shared', { timeout: 5_000 }));
    expect((got as number[]).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
