import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionError, RoomError, type RoomClient, type RoomMessage, type RemoteParticipant } from '@convene/client';
import type { RunningRoomServer } from '@convene/server';
import { conveneClient } from './support/convene.js';
import { eventually } from './support/meshagent.js';
import { participantToken } from '@convene/client/tokens';
import { SECRET, startServer } from './support/server.js';

/** Real server on port 0, real Convene clients over loopback. */
let server: RunningRoomServer | undefined;
const clients: RoomClient[] = [];

function join(name: string, room = 'r') {
  const client = conveneClient({ url: server!.url, room, name });
  clients.push(client);
  return client;
}

async function joinEnabled(name: string, room = 'r') {
  const client = join(name, room);
  await client.start();
  await client.messaging.enable();
  return client;
}

function inbox(client: RoomClient): RoomMessage[] {
  const messages: RoomMessage[] = [];
  client.messaging.on('message', (m) => messages.push(m));
  return messages;
}

afterEach(async () => {
  for (const client of clients.splice(0)) client.dispose();
  await server?.close();
  server = undefined;
});

describe('presence', () => {
  it('shows joins, attribute changes and leaves to the others', async () => {
    server = await startServer();
    const alice = await joinEnabled('alice');
    const added: RemoteParticipant[] = [];
    const removed: RemoteParticipant[] = [];
    alice.messaging.on('participant_added', (p) => added.push(p));
    alice.messaging.on('participant_removed', (p) => removed.push(p));

    const bob = await joinEnabled('bob');
    await eventually(() => added.length, (n) => n === 1);
    expect(added[0]).toMatchObject({ id: bob.localParticipant.id!, name: 'bob', role: 'user' });
    expect(bob.messaging.getParticipantByName('alice')?.id).toBe(alice.localParticipant.id!);

    const before = alice.messaging.remoteParticipants;
    bob.localParticipant.setAttribute('status', 'away');
    const bobAtAlice = await eventually(() => alice.messaging.getParticipant(bob.localParticipant.id!), (p) => p?.attributes['status'] === 'away');
    expect(bobAtAlice?.attributes).toEqual({ name: 'bob', status: 'away' });
    // Snapshots change reference only when the data changed.
    expect(alice.messaging.remoteParticipants).not.toBe(before);
    const after = alice.messaging.remoteParticipants;
    expect(alice.messaging.remoteParticipants).toBe(after);

    bob.dispose();
    await eventually(() => removed.length, (n) => n === 1);
    expect(removed[0]?.id).toBe(bob.localParticipant.id!);
    expect(alice.messaging.remoteParticipants).toEqual([]);
  });
});

describe('messages', () => {
  it('delivers direct and broadcast messages with a 1 MiB attachment intact', async () => {
    server = await startServer();
    const alice = await joinEnabled('alice');
    const bob = await joinEnabled('bob');
    const carol = await joinEnabled('carol');
    const [atAlice, atBob, atCarol] = [inbox(alice), inbox(bob), inbox(carol)];
    await eventually(() => alice.messaging.remoteParticipants.length, (n) => n === 2);
    const attachment = new Uint8Array(randomBytes(1024 * 1024));

    await alice.messaging.sendMessage({ to: bob.localParticipant.id!, type: 'file', message: { name: 'a.bin' }, attachment });
    const direct = await eventually(() => atBob[0], (m) => m !== undefined);
    expect(direct).toMatchObject({ type: 'file', message: { name: 'a.bin' }, fromParticipantId: alice.localParticipant.id!, direct: true });
    expect(Buffer.from(direct!.attachment!).equals(Buffer.from(attachment))).toBe(true);

    await bob.messaging.broadcastMessage({ type: 'file', message: { name: 'b.bin' }, attachment });
    for (const box of [atAlice, atCarol]) {
      const got = await eventually(() => box[0], (m) => m !== undefined);
      expect(got?.message).toEqual({ name: 'b.bin' });
      expect(got?.direct).toBe(false);
      expect(Buffer.from(got!.attachment!).equals(Buffer.from(attachment))).toBe(true);
    }
    // Carol got the broadcast only; the direct message went to Bob alone.
    expect(atCarol.map((m) => m.message['name'])).toEqual(['b.bin']);
    expect(atBob.map((m) => m.message['name'])).toEqual(['a.bin']);
  });

  it('keeps the order of 1,000 pipelined sends', async () => {
    server = await startServer();
    const alice = await joinEnabled('alice');
    const bob = await joinEnabled('bob');
    const atBob = inbox(bob);
    await eventually(() => alice.messaging.getParticipant(bob.localParticipant.id!), (p) => p !== undefined);
    const sends = Array.from({ length: 1000 }, (_, i) =>
      i % 2 === 0
        ? alice.messaging.sendMessage({ to: bob.localParticipant.id!, type: 'seq', message: { i } })
        : alice.messaging.broadcastMessage({ type: 'seq', message: { i } }),
    );
    // Pipelined: all of them are on their way before the first acknowledgement comes back.
    expect(alice.messaging.pendingSends).toBe(1000);
    await Promise.all(sends);
    await eventually(() => atBob.length, (n) => n === 1000);
    expect(atBob.map((m) => m.message['i'])).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });

  it('rejects a send to an unknown participant with a typed error and keeps working', async () => {
    server = await startServer();
    const alice = await joinEnabled('alice');
    const error = await alice.messaging.sendMessage({ to: 'p-nobody', type: 'x', message: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RoomError);
    expect((error as RoomError).code).toBe('participant_not_found');
    expect(alice.status).toBe('connected');
  });
});

describe('server restart', () => {
  it('reconnects every client and delivers the outbox exactly once, in order', async () => {
    server = await startServer();
    const port = server.port;
    const url = server.url;
    // After the restart Alice's authorization waits for Bob to be back, so her flushed outbox
    // finds him enabled (messages reach participants present at delivery time).
    let bobBack: Promise<void> = Promise.resolve();
    const alice = conveneClient({
      url,
      room: 'r',
      name: 'alice',
      authorization: async () => {
        await bobBack;
        return { url: `${url}/rooms/r`, jwt: await participantToken({ name: 'alice', room: 'r', secret: SECRET }) };
      },
    });
    clients.push(alice);
    await alice.start();
    await alice.messaging.enable();
    const bob = await joinEnabled('bob');
    const atBob = inbox(bob);
    await eventually(() => alice.messaging.getParticipant(bob.localParticipant.id!), (p) => p !== undefined);
    const ids = { alice: alice.localParticipant.id!, bob: bob.localParticipant.id!, session: alice.sessionId };

    await alice.messaging.broadcastMessage({ type: 'before', message: {} });
    await eventually(() => atBob.length, (n) => n === 1);

    let reconnects = 0;
    bob.on('reconnected', () => reconnects++);
    bobBack = new Promise((resolve) => bob.on('reconnected', () => resolve()));
    await server.close();
    await eventually(() => alice.status, (s) => s === 'reconnecting' || s === 'connecting');
    const queued = Array.from({ length: 30 }, (_, i) =>
      i % 3 === 0
        ? alice.messaging.sendMessage({ to: ids.bob, type: 'queued', message: { i } })
        : alice.messaging.broadcastMessage({ type: 'queued', message: { i } }),
    );
    server = await startServer({ port });
    await Promise.all(queued);
    await eventually(() => atBob.filter((m) => m.type === 'queued').length, (n) => n >= 30, 15_000);
    // Give any duplicate a chance to arrive before counting.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(atBob.filter((m) => m.type === 'queued').map((m) => m.message['i'])).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(reconnects).toBe(1);
    // Participant ids survive the restart (resume key); the room session is new.
    expect(alice.localParticipant.id!).toBe(ids.alice);
    expect(bob.localParticipant.id!).toBe(ids.bob);
    expect(alice.sessionId).not.toBe(ids.session);
    expect(alice.status).toBe('connected');
  }, 30_000);
});
