import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RoomClient } from '@convene/client';
import type { RunningRoomServer } from '@convene/server';
import type * as Mesh from '@meshagent/meshagent';
import { conveneClient } from './support/convene.js';
import { eventually, joinMeshAgent } from './support/meshagent.js';
import { SECRET, startServer } from './support/server.js';

/**
 * Two official MeshAgent 0.39.9 clients and one Convene client in one room on our server,
 * tokens minted by the official ParticipantToken with the server's secret.
 */
describe('MeshAgent 0.39.9 conformance', () => {
  let server: RunningRoomServer;
  let alice: Mesh.RoomClient;
  let bob: Mesh.RoomClient;
  let carol: RoomClient;
  const meshMessages = { alice: [] as Mesh.RoomMessageEvent[], bob: [] as Mesh.RoomMessageEvent[] };

  beforeEach(async () => {
    server = await startServer();
    alice = await joinMeshAgent({ url: server.url, room: 'conf', name: 'alice', secret: SECRET });
    bob = await joinMeshAgent({ url: server.url, room: 'conf', name: 'bob', secret: SECRET, role: 'agent' });
    meshMessages.alice = [];
    meshMessages.bob = [];
    alice.messaging.on('message', (e: Mesh.RoomMessageEvent) => meshMessages.alice.push(e));
    bob.messaging.on('message', (e: Mesh.RoomMessageEvent) => meshMessages.bob.push(e));
    alice.messaging.enable();
    bob.messaging.enable();
    carol = conveneClient({ url: server.url, room: 'conf', name: 'carol' });
    await carol.start();
    await carol.messaging.enable();
  });

  afterEach(async () => {
    carol?.dispose();
    alice?.dispose();
    bob?.dispose();
    await server?.close();
  });

  const names = (participants: readonly { getAttribute(name: string): unknown }[]) =>
    participants.map((p) => p.getAttribute('name')).sort();

  it('official clients see each other and the Convene client, and it sees them', async () => {
    expect(await eventually(() => names(alice.messaging.getParticipants()), (n) => n.length === 2)).toEqual(['bob', 'carol']);
    expect(await eventually(() => names(bob.messaging.getParticipants()), (n) => n.length === 2)).toEqual(['alice', 'carol']);
    const seen = await eventually(() => carol.messaging.remoteParticipants.map((p) => p.name).sort(), (n) => n.length === 2);
    expect(seen).toEqual(['alice', 'bob']);
    expect(carol.messaging.getParticipantByName('bob')?.role).toBe('agent');
    expect(alice.localParticipant?.getAttribute('name')).toBe('alice');
  });

  it('carries direct messages with attachments both ways', async () => {
    await eventually(() => alice.messaging.getParticipantByName('carol'), (p) => p !== null);
    const fromCarol = new Uint8Array(70_000).map((_, i) => (i * 7) % 256);
    const aliceId = (await eventually(() => carol.messaging.getParticipantByName('alice'), (p) => p !== undefined))!.id;
    await carol.messaging.sendMessage({ to: aliceId, type: 'chat', message: { text: 'hi alice' }, attachment: fromCarol });
    const atAlice = await eventually(() => meshMessages.alice.find((e) => e.message.type === 'chat'), (e) => e !== undefined);
    expect(atAlice!.message.message).toEqual({ text: 'hi alice' });
    expect(atAlice!.message.fromParticipantId).toBe(carol.localParticipant!.id);
    expect(Buffer.from(atAlice!.message.attachment!).equals(Buffer.from(fromCarol))).toBe(true);

    const received: { type: string; message: unknown; attachment?: Uint8Array; fromParticipantId: string }[] = [];
    carol.messaging.on('message', (m) => received.push(m));
    const carolForAlice = alice.messaging.getParticipantByName('carol')!;
    await alice.messaging.sendMessage({ to: carolForAlice, type: 'chat', message: { text: 'hi carol' }, attachment: new Uint8Array([9, 8, 7]) });
    const atCarol = await eventually(() => received.find((m) => m.type === 'chat'), (m) => m !== undefined);
    expect(atCarol).toMatchObject({ message: { text: 'hi carol' }, fromParticipantId: alice.localParticipant!.id });
    expect([...atCarol!.attachment!]).toEqual([9, 8, 7]);
  });

  it('carries broadcasts with attachments both ways, without echo to the sender', async () => {
    await eventually(() => alice.messaging.getParticipants().length, (n) => n === 2);
    await eventually(() => carol.messaging.remoteParticipants.length, (n) => n === 2);
    const received: { type: string; message: unknown; attachment?: Uint8Array }[] = [];
    carol.messaging.on('message', (m) => received.push(m));

    await carol.messaging.broadcastMessage({ type: 'news', message: { n: 1 }, attachment: new Uint8Array([1, 2, 3]) });
    for (const inbox of [meshMessages.alice, meshMessages.bob]) {
      const got = await eventually(() => inbox.find((e) => e.message.type === 'news'), (e) => e !== undefined);
      expect(got!.message.message).toEqual({ n: 1 });
      expect([...got!.message.attachment!]).toEqual([1, 2, 3]);
    }

    await bob.messaging.broadcastMessage({ type: 'news', message: { n: 2 }, attachment: new Uint8Array([4]) });
    const atCarol = await eventually(() => received.find((m) => m.type === 'news'), (m) => m !== undefined);
    expect(atCarol).toMatchObject({ message: { n: 2 } });
    expect([...atCarol!.attachment!]).toEqual([4]);
    await eventually(() => meshMessages.alice.filter((e) => e.message.type === 'news').length, (n) => n === 2);
    // Neither sender got its own broadcast back.
    expect(meshMessages.bob.filter((e) => e.message.type === 'news').map((e) => e.message.message)).toEqual([{ n: 1 }]);
    expect(received.filter((m) => m.type === 'news').map((m) => m.message)).toEqual([{ n: 2 }]);
  });

  it('propagates attributes both ways', async () => {
    await eventually(() => carol.messaging.remoteParticipants.length, (n) => n === 2);
    await eventually(() => alice.messaging.getParticipants().length, (n) => n === 2);
    alice.localParticipant!.setAttribute('color', 'red');
    const aliceAtCarol = await eventually(() => carol.messaging.getParticipantByName('alice'), (p) => p?.attributes['color'] === 'red');
    expect(aliceAtCarol?.attributes).toMatchObject({ name: 'alice', color: 'red' });

    carol.localParticipant!.setAttribute('status', 'typing');
    const carolAtBob = await eventually(() => bob.messaging.getParticipantByName('carol'), (p) => p?.getAttribute('status') === 'typing');
    expect(carolAtBob?.getAttribute('status')).toBe('typing');
  });

  it('sees a participant leave', async () => {
    await eventually(() => alice.messaging.getParticipants().length, (n) => n === 2);
    carol.dispose();
    expect(await eventually(() => names(alice.messaging.getParticipants()), (n) => n.length === 1)).toEqual(['bob']);
  });
});
