import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermissionError, type RoomClient } from '@convene/client';
import type { ApiScope } from '@convene/protocol';
import type { RunningRoomServer } from '@convene/server';
import { DATABASE_BACKENDS, freshRoom, joinRoom } from './support/database.js';
import { startServer } from './support/server.js';

/** The `queues` grant on a live server: every refusal is a 403 and changes nothing. */
for (const backend of DATABASE_BACKENDS) {
  describe.skipIf(!backend.enabled)(`queue grants on ${backend.name}`, () => {
    let server: RunningRoomServer;
    let room: string;
    let owner: RoomClient;
    const clients: RoomClient[] = [];

    beforeAll(async () => {
      server = await startServer({ database: backend.options });
      room = freshRoom('qg');
      owner = await joinRoom(server, room, 'owner', { queues: {} });
      clients.push(owner);
      await owner.queues.send('jobs', 'j1');
      await owner.queues.send('results', 'r1');
      await owner.queues.open('hidden');
    }, 120_000);

    afterAll(async () => {
      for (const client of clients) client.dispose();
      await server?.close();
    });

    async function as(api: ApiScope): Promise<RoomClient> {
      const client = await joinRoom(server, room, `p${clients.length}`, api);
      clients.push(client);
      return client;
    }

    async function unchanged(): Promise<void> {
      expect(await owner.queues.list()).toEqual([
        { name: 'hidden', size: 0 },
        { name: 'jobs', size: 1 },
        { name: 'results', size: 1 },
      ]);
    }

    const refused = (attempt: Promise<unknown>) => expect(attempt).rejects.toBeInstanceOf(PermissionError);

    it('refuses every tool without the queues API', async () => {
      const none = await as({ messaging: {} });
      await refused(none.queues.list());
      await refused(none.queues.send('jobs', 'x'));
      await refused(none.queues.receive('jobs', { wait: false }));
      await refused(none.queues.open('new'));
      await refused(none.queues.drain('jobs'));
      await refused(none.queues.close('jobs'));
      await unchanged();
    });

    it('checks send and receive per queue name', async () => {
      const producer = await as({ queues: { send: ['jobs'], receive: [] } });
      await producer.queues.send('jobs', 'j2');
      await refused(producer.queues.send('results', 'x'));
      await refused(producer.queues.send('brand-new', 'x'));
      await refused(producer.queues.receive('jobs', { wait: false }));
      await refused(producer.queues.drain('jobs'));
      await refused(producer.queues.close('jobs')); // close needs send and receive
      await producer.queues.open('jobs'); // open needs either

      const consumer = await as({ queues: { receive: ['jobs'], send: [] } });
      expect(await consumer.queues.receive('jobs', { wait: false })).toBe('j1');
      expect(await consumer.queues.receive('jobs', { wait: false })).toBe('j2');
      await refused(consumer.queues.receive('results', { wait: false }));
      await refused(consumer.queues.receive('brand-new', { wait: true })); // refused before creating anything
      await refused(consumer.queues.send('jobs', 'x'));
      await owner.queues.send('jobs', 'j1');
      await unchanged();
    });

    it('lists only with the list grant, and only the queues the token can use', async () => {
      await refused((await as({ queues: { list: false } })).queues.list());
      const narrow = await as({ queues: { send: ['jobs'], receive: ['results'] } });
      expect(await narrow.queues.list()).toEqual([{ name: 'jobs', size: 1 }, { name: 'results', size: 1 }]);
      const sendOnly = await as({ queues: { send: ['results'], receive: [] } });
      expect(await sendOnly.queues.list()).toEqual([{ name: 'results', size: 1 }]);
    });

    it('lets a receive-only consumer give back a message its aborted receive got, but not inject one', async () => {
      const consumer = await as({ queues: { receive: ['jobs'], send: [] } });
      const call = (args: Record<string, unknown>) => consumer.invoke({ toolkit: 'queues', tool: args['tool'] as string, arguments: { ...args, tool: undefined } });
      await refused(call({ tool: 'send', name: 'jobs', message: 'forged', front: true }));
      await refused(call({ tool: 'send', name: 'jobs', message: 'forged', front: true, receive_id: 'never-delivered' }));
      expect(await call({ tool: 'receive', name: 'jobs', receive_id: 'rid-1' })).toEqual({ type: 'json', json: 'j1' });
      await call({ tool: 'send', name: 'jobs', message: 'j1', front: true, receive_id: 'rid-1' });
      // One give-back per delivery.
      await refused(call({ tool: 'send', name: 'jobs', message: 'j1', front: true, receive_id: 'rid-1' }));
      await unchanged();
    });
  });
}
