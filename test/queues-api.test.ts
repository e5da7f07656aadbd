import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Content, RoomClient } from '@convene/client';
import type { RunningRoomServer } from '@convene/server';
import { DATABASE_BACKENDS, freshRoom, joinRoom } from './support/database.js';
import { startServer } from './support/server.js';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Room queues end to end, once per engine: one server per engine (PGlite starts in seconds). */
for (const backend of DATABASE_BACKENDS) {
  describe.skipIf(!backend.enabled)(`queues on ${backend.name}`, () => {
    let server: RunningRoomServer;
    let room: string;
    let alice: RoomClient;
    let bob: RoomClient;
    const clients: RoomClient[] = [];

    beforeAll(async () => {
      server = await startServer({ database: backend.options });
      room = freshRoom('q');
      alice = await joinRoom(server, room, 'alice');
      bob = await joinRoom(server, room, 'bob');
      clients.push(alice, bob);
      // The engine starts on first use (PGlite: seconds); pay for it here.
      await alice.queues.list();
    }, 120_000);

    afterAll(async () => {
      for (const client of clients) client.dispose();
      await server?.close();
    });

    async function join(name: string): Promise<RoomClient> {
      const client = await joinRoom(server, room, name);
      clients.push(client);
      return client;
    }

    const call = (tool: string, args: Content | Record<string, unknown>) => alice.invoke({ toolkit: 'queues', tool, arguments: args });

    it('hands a message from one client to another, FIFO, and lists sizes', async () => {
      await alice.queues.send('handoff', { n: 1, text: 'first' });
      await alice.queues.send('handoff', [2, 'second']);
      await alice.queues.send('handoff', 'third');
      expect(await bob.queues.list()).toContainEqual({ name: 'handoff', size: 3 });
      expect(await bob.queues.receive('handoff')).toEqual({ n: 1, text: 'first' });
      expect(await bob.queues.receive('handoff')).toEqual([2, 'second']);
      expect(await bob.queues.receive('handoff', { wait: false })).toBe('third');
      expect(await bob.queues.receive('handoff', { wait: false })).toBeNull();
      expect(await bob.queues.list()).toContainEqual({ name: 'handoff', size: 0 });
    });

    it('releases a waiting receive when a message is sent', async () => {
      const waiting = bob.queues.receive('wake', { timeout: 10_000 });
      await tick(100);
      await alice.queues.send('wake', { hello: 'bob' });
      expect(await waiting).toEqual({ hello: 'bob' });
    });

    it('open, drain and close; create:false on a missing queue is 404', async () => {
      await expect(alice.queues.send('nowhere', 1, { create: false })).rejects.toMatchObject({ code: 'not_found' });
      await expect(alice.queues.receive('nowhere', { create: false, wait: false })).rejects.toMatchObject({ code: 'not_found' });
      await expect(alice.queues.drain('nowhere')).rejects.toMatchObject({ code: 'not_found' });
      expect((await alice.queues.list()).map((q) => q.name)).not.toContain('nowhere');

      await alice.queues.open('ops');
      await alice.queues.open('ops');
      await alice.queues.send('ops', 1, { create: false });
      await alice.queues.send('ops', 2, { create: false });
      expect(await alice.queues.list()).toContainEqual({ name: 'ops', size: 2 });
      await alice.queues.drain('ops');
      expect(await alice.queues.list()).toContainEqual({ name: 'ops', size: 0 });
      expect(await bob.queues.receive('ops', { wait: false, create: false })).toBeNull();

      await alice.queues.send('ops', 3);
      const waiting = bob.queues.receive('closing', { timeout: 10_000 });
      await tick(100);
      await alice.queues.close('ops');
      await alice.queues.close('closing');
      await alice.queues.close('closing'); // idempotent
      expect(await waiting).toBeNull(); // a closed queue answers its waiters with no message
      expect((await alice.queues.list()).map((q) => q.name)).not.toContain('ops');
      await expect(alice.queues.send('ops', 4, { create: false })).rejects.toMatchObject({ code: 'not_found' });
    });

    it('delivers each message to exactly one of several waiting receivers, in order', async () => {
      const consumers = [bob, await join('carol'), await join('dave')];
      const got: unknown[][] = consumers.map(() => []);
      const stop = new AbortController();
      const loops = consumers.map(async (consumer, index) => {
        while (!stop.signal.aborted) {
          const message = await consumer.queues.receive<{ n: number }>('work', { signal: stop.signal }).catch(() => null);
          if (message !== null) got[index]!.push(message.n);
        }
      });
      await tick(150);
      for (let n = 0; n < 30; n++) await alice.queues.send('work', { n });
      const deadline = Date.now() + 15_000;
      while (got.flat().length < 30 && Date.now() < deadline) await tick(20);
      stop.abort();
      await Promise.all(loops);
      const all = got.flat() as number[];
      expect([...all].sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, n) => n));
      // FIFO per queue: each consumer saw its share in send order.
      for (const share of got as number[][]) expect(share).toEqual([...share].sort((a, b) => a - b));
      expect(got.filter((share) => share.length > 0).length).toBeGreaterThan(1);
      expect(await alice.queues.list()).toContainEqual({ name: 'work', size: 0 });
    }, 60_000);

    it('an aborted or timed-out wait never swallows a later message', async () => {
      const controller = new AbortController();
      const aborted = bob.queues.receive('abort', { signal: controller.signal });
      await tick(100);
      controller.abort();
      await expect(aborted).rejects.toMatchObject({ code: 'aborted' });
      await alice.queues.send('abort', 'after abort');
      expect(await bob.queues.receive('abort', { timeout: 5_000 })).toBe('after abort');

      await expect(bob.queues.receive('timeout', { timeout: 150 })).rejects.toMatchObject({ code: 'timeout' });
      await alice.queues.send('timeout', 'after timeout');
      expect(await bob.queues.receive('timeout', { wait: false })).toBe('after timeout');

      // Already aborted: nothing is sent at all.
      await expect(bob.queues.receive('abort', { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'aborted' });
    });

    it('an abort racing a send loses nothing, and order is kept', async () => {
      const outcomes: string[] = [];
      for (let round = 0; round < 30; round++) {
        const controller = new AbortController();
        const receiving = bob.queues.receive<number>('race', { signal: controller.signal }).catch(() => 'aborted' as const);
        await tick(5);
        const sending = alice.queues.send('race', round);
        // Abort at varying moments around the delivery: before the send commits, right after,
        // or while the receive's answer is on its way (then the client gives the message back).
        if (round % 3 === 0) controller.abort();
        await sending;
        if (round % 3 === 1) controller.abort();
        else await tick(round % 2);
        controller.abort();
        const first = await receiving;
        outcomes.push(first === 'aborted' ? 'aborted' : 'delivered');
        if (first !== 'aborted') expect(first).toBe(round);
        else expect(await bob.queues.receive('race', { wait: false })).toBe(round);
      }
      // A message answered after the abort (wait:false, aborted in flight) goes back ahead of 'b'.
      await alice.queues.send('race', 'a');
      await alice.queues.send('race', 'b');
      const controller = new AbortController();
      const inFlight = bob.queues.receive('race', { wait: false, signal: controller.signal }).catch(() => 'aborted');
      setTimeout(() => controller.abort(), 0);
      const result = await inFlight;
      const rest = [await bob.queues.receive('race', { wait: false }), await bob.queues.receive('race', { wait: false })];
      expect(result === 'aborted' ? rest : [result, rest[0]]).toEqual(['a', 'b']);
      expect(await bob.queues.receive('race', { wait: false })).toBeNull();
    }, 30_000);

    it('a waiter whose connection closes takes nothing', async () => {
      const erin = await join('erin');
      const pending = erin.queues.receive('orphan').catch((error: { code?: string }) => error.code);
      await tick(100);
      erin.dispose();
      expect(await pending).toBe('disposed');
      await tick(100);
      await alice.queues.send('orphan', 'kept');
      expect(await bob.queues.receive('orphan', { wait: false })).toBe('kept');
    });

    it('answers garbage arguments with 400 and keeps working', async () => {
      const garbage: (Content | Record<string, unknown>)[] = [
        { type: 'text', text: 'jobs' },
        { type: 'json', json: null },
        { type: 'json', json: [1] },
        {},
        { name: '' },
        { name: 'a'.repeat(129) },
        { name: 'has space' },
        { name: 'nul\u0000' },
        { name: 42, message: 1 },
        { name: ['jobs'], message: 1 },
      ];
      for (const tool of ['open', 'drain', 'close', 'send', 'receive']) {
        for (const args of garbage) {
          const result = await call(tool, args).then(() => 'ok', (error: { code?: string }) => error.code);
          expect(result, `${tool} ${JSON.stringify(args).slice(0, 60)}`).toBe('bad_request');
        }
      }
      const badSends = [{ create: 'yes' }, { message: null }, { receive_id: 'bad id!' }, { front: 'true' }, { create: 1 }];
      for (const extra of badSends) {
        await expect(call('send', { name: 'jobs', message: 1, ...extra }), JSON.stringify(extra)).rejects.toMatchObject({ code: 'bad_request' });
      }
      for (const extra of [{ create: 'yes' }, { wait: 1 }, { receive_id: '' }, { receive_id: 7 }]) {
        await expect(call('receive', { name: 'jobs', ...extra }), JSON.stringify(extra)).rejects.toMatchObject({ code: 'bad_request' });
      }
      expect((await alice.queues.list()).map((q) => q.name)).not.toContain('jobs');
      await expect(call('list', { type: 'text', text: 'x' })).rejects.toMatchObject({ code: 'bad_request' });
      await expect(call('cancel_receive', {})).rejects.toMatchObject({ code: 'bad_request' });
      expect(await call('cancel_receive', { receive_id: 'unknown' })).toEqual({ type: 'json', json: { cancelled: false } });
      await expect(call('no_such_tool', {})).rejects.toMatchObject({ code: 'not_found' });
      let deep: unknown = 1;
      for (let i = 0; i < 1000; i++) deep = [deep];
      await expect(alice.queues.send('deep', deep)).rejects.toMatchObject({ code: 'bad_request' });
      await alice.queues.send('still-works', { ok: true });
      expect(await bob.queues.receive('still-works', { wait: false })).toEqual({ ok: true });
    });

    it('keeps each room to its own queues', async () => {
      const other = await joinRoom(server, freshRoom('q'), 'mallory');
      clients.push(other);
      await alice.queues.send('private', 'secret');
      expect((await other.queues.list()).map((q) => q.name)).not.toContain('private');
      expect(await other.queues.receive('private', { wait: false })).toBeNull();
      expect(await bob.queues.receive('private', { wait: false })).toBe('secret');
    });
  });
}
