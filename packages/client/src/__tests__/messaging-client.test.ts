import { MessageType, MessagingEvent, RoomError, errorContent } from '@convene/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RoomClient } from '../room-client.js';
import type { RoomMessage } from '../messaging-types.js';
import { ROOM_URL, fakeTransport, flush, type FakeSocket, type FakeTransport } from './fake-room.js';

const bob = { id: 'p2', role: 'user', attributes: { name: 'bob' } };
const carol = { id: 'p3', role: 'agent', attributes: { name: 'carol' } };

async function connect(): Promise<{ client: RoomClient; transport: FakeTransport }> {
  const transport = fakeTransport();
  const client = new RoomClient({ authorization: async () => ({ url: ROOM_URL, jwt: 'j' }), transport: transport.factory });
  const started = client.start();
  await flush();
  transport.last.accept();
  await started;
  return { client, transport };
}

/** Enables messaging and answers like the server: response, then the `messaging.enabled` push. */
async function enable(client: RoomClient, socket: FakeSocket, participants: unknown[] = [bob, carol]): Promise<void> {
  const enabled = client.messaging.enable();
  await flush();
  const request = socket.invokes('enable').at(-1)!;
  socket.respond(request.id);
  socket.deliver(MessagingEvent.Enabled, { participants }, 'p1');
  await enabled;
}

function sendArgs(socket: FakeSocket): Record<string, unknown>[] {
  return socket.invokes().filter((m) => m.header['tool'] === 'send' || m.header['tool'] === 'broadcast')
    .map((m) => (m.header['arguments'] as { json: Record<string, unknown> }).json);
}

afterEach(() => {
  vi.useRealTimers();
});

describe('enable and the participant table', () => {
  it('resolves enable() on the messaging.enabled push, not on the response', async () => {
    const { client, transport } = await connect();
    const socket = transport.last;
    const enabled = client.messaging.enable();
    let done = false;
    void enabled.then(() => (done = true));
    await flush();
    const [request] = socket.invokes('enable');
    expect(request!.header).toEqual({ toolkit: 'messaging', tool: 'enable', arguments: { type: 'json', json: {} } });
    socket.respond(request!.id);
    await flush();
    expect(done).toBe(false);
    expect(client.messaging.online).toBe(false);
    socket.deliver(MessagingEvent.Enabled, { participants: [bob] }, 'p1');
    await enabled;
    expect(client.messaging.online).toBe(true);
    expect(client.messaging.isEnabled).toBe(true);
    expect(client.messaging.remoteParticipants).toEqual([{ id: 'p2', role: 'user', name: 'bob', attributes: { name: 'bob' } }]);
  });

  it('emits added, attribute and removed events and finds participants by id and name', async () => {
    const { client, transport } = await connect();
    const events: string[] = [];
    client.messaging.on('participant_added', (p) => events.push(`added ${p.name}`));
    client.messaging.on('participant_removed', (p) => events.push(`removed ${p.name}`));
    client.messaging.on('participant_attributes_updated', ({ participant, previous }) =>
      events.push(`updated ${previous.attributes['status']}->${participant.attributes['status']}`),
    );
    await enable(client, transport.last, [bob]);
    transport.last.deliver(MessagingEvent.ParticipantEnabled, carol);
    transport.last.deliver(MessagingEvent.ParticipantAttributes, { attributes: { status: 'away' } }, 'p2');
    transport.last.deliver(MessagingEvent.ParticipantDisabled, { id: 'p3' });
    expect(events).toEqual(['added bob', 'added carol', 'updated undefined->away', 'removed carol']);
    expect(client.messaging.getParticipant('p2')?.attributes).toEqual({ name: 'bob', status: 'away' });
    expect(client.messaging.getParticipantByName('bob')?.id).toBe('p2');
    expect(client.messaging.getParticipantByName('carol')).toBeUndefined();
  });

  it('keeps snapshot references until the data changes, and replaces only the changed participant', async () => {
    const { client, transport } = await connect();
    await enable(client, transport.last);
    const list = client.messaging.remoteParticipants;
    const [b, c] = list;
    let changes = 0;
    client.messaging.subscribe(() => changes++);
    expect(client.messaging.remoteParticipants).toBe(list);
    expect(Object.isFrozen(list)).toBe(true);
    expect(Object.isFrozen(b)).toBe(true);
    transport.last.deliver(MessagingEvent.ParticipantAttributes, { attributes: { name: 'bob' } }, 'p2'); // no change
    expect(client.messaging.remoteParticipants).toBe(list);
    expect(changes).toBe(0);
    transport.last.deliver(MessagingEvent.ParticipantAttributes, { attributes: { typing: true } }, 'p3');
    const next = client.messaging.remoteParticipants;
    expect(next).not.toBe(list);
    expect(next[0]).toBe(b);
    expect(next[1]).not.toBe(c);
    expect(next[1]!.attributes).toEqual({ name: 'carol', typing: true });
    expect(changes).toBe(1);
  });
});

describe('receiving messages', () => {
  it('emits app messages with sender, attachment and id, but not system pushes', async () => {
    const { client, transport } = await connect();
    const received: RoomMessage[] = [];
    client.messaging.on('message', (m) => received.push(m));
    await enable(client, transport.last);
    transport.last.deliver('chat', { text: 'hi' }, 'p2', { message_id: 'm-1' }, new Uint8Array([1, 2]));
    transport.last.deliver('chat', { text: 'plain' }, 'p9');
    expect(received).toHaveLength(2);
    expect(received[0]).toMatchObject({ messageId: 'm-1', fromParticipantId: 'p2', type: 'chat', message: { text: 'hi' } });
    expect(received[0]!.from?.name).toBe('bob');
    expect([...received[0]!.attachment!]).toEqual([1, 2]);
    expect(typeof received[0]!.receivedAt).toBe('number');
    expect(received[1]!.attachment).toBeUndefined();
    expect(received[1]!.from).toBeUndefined();
    expect(received[1]!.messageId).toBeUndefined();
  });

  it('drops a second delivery of the same message_id from the same sender', async () => {
    const { client, transport } = await connect();
    const texts: unknown[] = [];
    client.messaging.on('message', (m) => texts.push(m.message['text']));
    transport.last.deliver('chat', { text: 'once' }, 'p2', { message_id: 'dup' });
    transport.last.deliver('chat', { text: 'once' }, 'p2', { message_id: 'dup' });
    transport.last.deliver('chat', { text: 'other sender' }, 'p3', { message_id: 'dup' });
    expect(texts).toEqual(['once', 'other sender']);
  });
});

describe('sending', () => {
  it('writes sends with message_id and base64 attachment, and resolves each on its ack', async () => {
    const { client, transport } = await connect();
    await enable(client, transport.last);
    const sent = client.messaging.sendMessage({ to: client.messaging.getParticipant('p2')!, type: 'chat', message: { text: 'hi' }, attachment: new Uint8Array([1, 2]) });
    const broadcast = client.messaging.broadcastMessage({ type: 'cursor', message: { x: 1 } });
    const [direct, all] = sendArgs(transport.last);
    expect(direct).toMatchObject({ type: 'chat', message_json: '{"text":"hi"}', to_participant_id: 'p2', attachment_base64: 'AQI=' });
    expect(all).toMatchObject({ type: 'cursor', message_json: '{"x":1}' });
    expect(all).not.toHaveProperty('to_participant_id');
    expect(direct!['message_id']).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(direct!['message_id']).not.toBe(all!['message_id']);
    const [first, second] = transport.last.invokes().filter((m) => m.header['tool'] !== 'enable');
    transport.last.respond(first!.id);
    transport.last.respond(second!.id);
    await expect(sent).resolves.toBeUndefined();
    await expect(broadcast).resolves.toBeUndefined();
    expect(client.messaging.pendingSends).toBe(0);
  });

  it('pipelines: many sends are written, in call order, before any ack arrives', async () => {
    const { client, transport } = await connect();
    await enable(client, transport.last);
    const sends = Array.from({ length: 20 }, (_, i) => client.messaging.broadcastMessage({ type: 'n', message: { i } }));
    expect(sendArgs(transport.last).map((a) => JSON.parse(a['message_json'] as string).i)).toEqual([...Array(20).keys()]);
    for (const request of transport.last.invokes('broadcast')) transport.last.respond(request.id);
    await Promise.all(sends);
  });

  it('rejects only the send the server refused', async () => {
    const { client, transport } = await connect();
    await enable(client, transport.last);
    const ok = client.messaging.broadcastMessage({ type: 'a', message: {} });
    const refused = client.messaging.broadcastMessage({ type: 'b', message: {} });
    const [a, b] = transport.last.invokes('broadcast');
    transport.last.respond(b!.id, errorContent('rate_limited', 'slow down'));
    transport.last.respond(a!.id);
    await expect(ok).resolves.toBeUndefined();
    await expect(refused).rejects.toMatchObject({ name: 'RoomError', code: 'rate_limited', message: 'slow down' });
  });

  it('rejects a send to someone not in the table locally, without wire traffic', async () => {
    const { client, transport } = await connect();
    await enable(client, transport.last);
    const before = transport.last.sent.length;
    const error = await client.messaging.sendMessage({ to: 'ghost', type: 'chat', message: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RoomError);
    expect(error).toMatchObject({ code: 'participant_not_found', message: 'the participant was not found' });
    expect(transport.last.sent.length).toBe(before);
  });

  it('removes a recipient the server no longer knows', async () => {
    const { client, transport } = await connect();
    await enable(client, transport.last);
    const sent = client.messaging.sendMessage({ to: 'p2', type: 'chat', message: {} });
    transport.last.respond(transport.last.invokes('send')[0]!.id, errorContent('participant_not_found', 'the participant was not found'));
    await expect(sent).rejects.toMatchObject({ code: 'participant_not_found' });
    expect(client.messaging.getParticipant('p2')).toBeUndefined();
  });

  it('takes a timed-out send out of the outbox so it is never sent', async () => {
    vi.useFakeTimers();
    const transport = fakeTransport();
    const client = new RoomClient({ authorization: async () => ({ url: ROOM_URL, jwt: 'j' }), transport: transport.factory });
    const late = client.messaging.broadcastMessage({ type: 'late', message: {} }, { timeout: 100 }).catch((e: unknown) => e);
    const kept = client.messaging.broadcastMessage({ type: 'kept', message: {} });
    await vi.advanceTimersByTimeAsync(100);
    expect(await late).toMatchObject({ name: 'TimeoutError', code: 'timeout' });
    void client.start();
    await flush();
    transport.last.accept();
    await flush();
    expect(sendArgs(transport.last).map((a) => a['type'])).toEqual(['kept']);
    transport.last.respond(transport.last.invokes('broadcast')[0]!.id);
    await kept;
  });
});

describe('the outbox across reconnects', () => {
  it('restores attributes, re-enables messaging, then resends unacked sends with the same ids, in order, once', async () => {
    vi.useFakeTimers();
    const { client, transport } = await connect();
    const first = transport.last;
    client.localParticipant.setAttribute('color', 'teal');
    await enable(client, first);
    const a = client.messaging.sendMessage({ to: 'p2', type: 'chat', message: { n: 'a' } });
    const b = client.messaging.broadcastMessage({ type: 'chat', message: { n: 'b' } });
    const c = client.messaging.broadcastMessage({ type: 'chat', message: { n: 'c' } });
    const firstIds = sendArgs(first).map((x) => x['message_id']);
    first.respond(first.invokes('send')[0]!.id); // a acked; b and c in flight
    await expect(a).resolves.toBeUndefined();
    first.serverClose(1006, '');
    expect(client.messaging.online).toBe(false);
    expect(client.status).toBe('reconnecting');
    const d = client.messaging.broadcastMessage({ type: 'chat', message: { n: 'd' } }); // queued while offline
    const reconnected = vi.fn();
    client.on('reconnected', reconnected);

    await vi.advanceTimersByTimeAsync(500);
    const second = transport.last;
    expect(second).not.toBe(first);
    second.accept('p1', { name: 'alice' });
    await flush();
    // Before messaging is back, only the restore traffic is on the wire.
    expect(second.sent.map((m) => [m.type, m.header['tool'] ?? m.header])).toEqual([
      [MessageType.SetAttributes, { name: 'alice', color: 'teal' }],
      [MessageType.InvokeTool, 'enable'],
    ]);
    expect(reconnected).not.toHaveBeenCalled();
    second.respond(second.invokes('enable')[0]!.id);
    second.deliver(MessagingEvent.Enabled, { participants: [bob] }, 'p1');
    await flush();
    const resent = sendArgs(second);
    expect(resent.map((x) => JSON.parse(x['message_json'] as string).n)).toEqual(['b', 'c', 'd']);
    expect(resent.slice(0, 2).map((x) => x['message_id'])).toEqual(firstIds.slice(1));
    expect(firstIds).not.toContain(resent[2]!['message_id']);
    expect(reconnected).toHaveBeenCalledTimes(1);
    for (const request of second.invokes('broadcast')) second.respond(request.id);
    await Promise.all([b, c, d]);
    expect(client.messaging.pendingSends).toBe(0);
    expect(sendArgs(second)).toHaveLength(3);
    client.dispose();
  });

  it('keeps the participant table through a short drop and reports only real changes', async () => {
    vi.useFakeTimers();
    const { client, transport } = await connect();
    await enable(client, transport.last);
    const before = client.messaging.remoteParticipants;
    const events: string[] = [];
    client.messaging.on('participant_added', (p) => events.push(`+${p.id}`));
    client.messaging.on('participant_removed', (p) => events.push(`-${p.id}`));
    const online: boolean[] = [];
    client.messaging.on('online', (value) => online.push(value));
    transport.last.serverClose(1006, '');
    expect(client.messaging.remoteParticipants).toBe(before);
    await vi.advanceTimersByTimeAsync(500);
    transport.last.accept();
    await flush();
    transport.last.respond(transport.last.invokes('enable')[0]!.id);
    transport.last.deliver(MessagingEvent.Enabled, { participants: [bob] }, 'p1'); // carol left meanwhile
    expect(events).toEqual(['-p3']);
    expect(online).toEqual([false, true]);
    expect(client.messaging.remoteParticipants[0]).toBe(before[0]);
    client.dispose();
  });

  it('delivers sends made before start() after the first connection', async () => {
    const transport = fakeTransport();
    const client = new RoomClient({ authorization: async () => ({ url: ROOM_URL, jwt: 'j' }), transport: transport.factory });
    const enabled = client.messaging.enable();
    const sent = client.messaging.broadcastMessage({ type: 'hello', message: {} });
    void client.start();
    await flush();
    transport.last.accept();
    await flush();
    expect(sendArgs(transport.last)).toHaveLength(0);
    transport.last.respond(transport.last.invokes('enable')[0]!.id);
    transport.last.deliver(MessagingEvent.Enabled, { participants: [] }, 'p1');
    await enabled;
    expect(sendArgs(transport.last).map((x) => x['type'])).toEqual(['hello']);
    transport.last.respond(transport.last.invokes('broadcast')[0]!.id);
    await sent;
  });

  it('rejects enable() when the server refuses it, and lets queued sends go out', async () => {
    const { client, transport } = await connect();
    const enabled = client.messaging.enable();
    const sent = client.messaging.broadcastMessage({ type: 'x', message: {} });
    await flush();
    transport.last.respond(transport.last.invokes('enable')[0]!.id, errorContent('permission_denied', 'no messaging grant'));
    await expect(enabled).rejects.toMatchObject({ name: 'PermissionError', code: 'permission_denied' });
    expect(client.messaging.isEnabled).toBe(false);
    expect(sendArgs(transport.last)).toHaveLength(1);
    transport.last.respond(transport.last.invokes('broadcast')[0]!.id, errorContent('permission_denied', 'no messaging grant'));
    await expect(sent).rejects.toMatchObject({ code: 'permission_denied' });
  });

  it('rejects queued sends with disposed when the client is disposed', async () => {
    const transport = fakeTransport();
    const client = new RoomClient({ authorization: async () => ({ url: ROOM_URL, jwt: 'j' }), transport: transport.factory });
    const queued = client.messaging.broadcastMessage({ type: 'x', message: {} });
    client.dispose();
    await expect(queued).rejects.toMatchObject({ name: 'ConnectionError', code: 'disposed' });
    await expect(client.messaging.broadcastMessage({ type: 'y', message: {} })).rejects.toMatchObject({ code: 'disposed' });
  });

  it('disable() empties the table and tells the server', async () => {
    const { client, transport } = await connect();
    await enable(client, transport.last);
    const removed: string[] = [];
    client.messaging.on('participant_removed', (p) => removed.push(p.id));
    const disabled = client.messaging.disable();
    await flush();
    expect(client.messaging.remoteParticipants).toEqual([]);
    expect(client.messaging.online).toBe(false);
    expect(removed).toEqual(['p2', 'p3']);
    transport.last.respond(transport.last.invokes('disable')[0]!.id);
    await disabled;
  });
});
