import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pack, type ApiScope, type Content } from '@convene/protocol';
import type { RunningRoomServer } from '@convene/server';
import { RawClient, type Received } from './support/raw-client.js';
import { startServer } from './support/server.js';
import { mintToken } from './support/tokens.js';

let server: RunningRoomServer;
const clients: RawClient[] = [];

beforeEach(async () => {
  server = await startServer();
});
afterEach(async () => {
  for (const client of clients.splice(0)) client.ws.terminate();
  await server.close();
});

async function join(name: string, options: { room?: string; api?: ApiScope; role?: string } = {}): Promise<RawClient> {
  const room = options.room ?? 'chat';
  const jwt = await mintToken({ name, room, ...(options.api ? { api: options.api } : {}), ...(options.role ? { role: options.role } : {}) });
  const client = await RawClient.join(`${server.url}/rooms/${room}`, jwt);
  clients.push(client);
  return client;
}

async function joinEnabled(name: string, options: { room?: string; api?: ApiScope; role?: string } = {}): Promise<RawClient> {
  const client = await join(name, options);
  expect(await client.invoke('messaging', 'enable', {})).toEqual({ type: 'empty' });
  return client;
}

const isDelivery = (type: string) => (m: Received) =>
  m.type === 'messaging.send' && (m.header as { type?: string }).type === type;

function send(from: RawClient, to: RawClient | string, type: string, message: unknown, extra: Record<string, unknown> = {}): Promise<Content> {
  return from.invoke('messaging', 'send', {
    type,
    message_json: JSON.stringify(message),
    to_participant_id: typeof to === 'string' ? to : to.participantId,
    ...extra,
  });
}

function broadcast(from: RawClient, type: string, message: unknown, extra: Record<string, unknown> = {}): Promise<Content> {
  return from.invoke('messaging', 'broadcast', { type, message_json: JSON.stringify(message), ...extra });
}

function expectError(content: Content, code: number): void {
  expect(content.type).toBe('error');
  expect((content as { code?: number }).code).toBe(code);
  expect((content as { text: string }).text.length).toBeGreaterThan(0);
}

describe('presence', () => {
  it('tells an enabling participant who else is enabled, and tells the others about it', async () => {
    const alice = await joinEnabled('alice');
    const [aliceEnabled] = alice.messagesOfType('messaging.enabled');
    expect(aliceEnabled!.header).toMatchObject({ type: 'messaging.enabled', message: { participants: [] } });

    const bob = await joinEnabled('bob', { role: 'agent' });
    const [bobEnabled] = bob.messagesOfType('messaging.enabled');
    expect(bobEnabled!.header).toMatchObject({
      type: 'messaging.enabled',
      message: { participants: [{ id: alice.participantId, role: 'user', attributes: { name: 'alice' } }] },
    });

    const joined = await alice.waitFor(isDelivery('participant.enabled'));
    expect(joined.header).toEqual({
      from_participant_id: bob.participantId,
      type: 'participant.enabled',
      message: { id: bob.participantId, role: 'agent', attributes: { name: 'bob' } },
    });
  });

  it('lists only other enabled participants, never the enabling one', async () => {
    const alice = await joinEnabled('alice');
    const bob = await joinEnabled('bob');
    await join('carol'); // connected, messaging not enabled
    const dave = await joinEnabled('dave');
    const [enabled] = dave.messagesOfType('messaging.enabled');
    const participants = (enabled!.header as { message: { participants: { id: string }[] } }).message.participants;
    expect(Array.isArray(participants)).toBe(true);
    expect(participants.map((p) => p.id).sort()).toEqual([alice.participantId, bob.participantId].sort());
  });

  it('pushes changed attributes to the others, and a late joiner sees them', async () => {
    const alice = await joinEnabled('alice');
    const bob = await joinEnabled('bob');
    bob.sendMessage('set_attributes', pack({ color: 'red' }));
    const changed = await alice.waitFor(isDelivery('participant.attributes'));
    expect(changed.header).toEqual({
      from_participant_id: bob.participantId,
      type: 'participant.attributes',
      message: { attributes: { color: 'red' } },
    });
    await bob.barrier();
    expect(bob.messagesOfType('participant.attributes')).toHaveLength(0);

    const carol = await joinEnabled('carol');
    const [enabled] = carol.messagesOfType('messaging.enabled');
    const participants = (enabled!.header as { message: { participants: { id: string; attributes: unknown }[] } }).message.participants;
    expect(participants.find((p) => p.id === bob.participantId)?.attributes).toEqual({ name: 'bob', color: 'red' });
  });

  it('ignores malformed set_attributes without closing the connection', async () => {
    const alice = await joinEnabled('alice');
    const bob = await joinEnabled('bob');
    bob.sendMessage('set_attributes', pack([1, 2]));
    bob.sendMessage('set_attributes', new Uint8Array([1, 2, 3]));
    bob.sendMessage('set_attributes', pack({}));
    bob.sendMessage('set_attributes', pack({ mood: 'ok' }));
    const changed = await alice.waitFor(isDelivery('participant.attributes'));
    expect((changed.header as { message: unknown }).message).toEqual({ attributes: { mood: 'ok' } });
    expect(alice.messagesOfType('participant.attributes')).toHaveLength(1);
    expect(await send(bob, alice, 'chat', { ok: true })).toEqual({ type: 'empty' });
  });

  it('survives attributes nested too deeply to serialize, and keeps presence working', async () => {
    const alice = await joinEnabled('alice');
    const bob = await joinEnabled('bob');
    const depth = 100_000;
    const deep = new TextEncoder().encode(`{"deep":${'['.repeat(depth)}${']'.repeat(depth)}}`);
    const framed = new Uint8Array(8 + deep.length);
    new DataView(framed.buffer, framed.byteOffset, framed.byteLength).setUint32(4, deep.length);
    framed.set(deep, 8);
    bob.sendMessage('set_attributes', framed);
    bob.sendMessage('set_attributes', pack({ mood: 'fine' }));
    const changed = await alice.waitFor(isDelivery('participant.attributes'));
    expect((changed.header as { message: unknown }).message).toEqual({ attributes: { mood: 'fine' } });
    // A later participant still gets a well-formed participant list.
    const carol = await joinEnabled('carol');
    const [enabled] = carol.messagesOfType('messaging.enabled');
    const participants = (enabled!.header as { message: { participants: { id: string; attributes: unknown }[] } }).message.participants;
    expect(participants.find((p) => p.id === bob.participantId)?.attributes).toEqual({ name: 'bob', mood: 'fine' });
    expect(await send(bob, alice, 'chat', {})).toEqual({ type: 'empty' });
  });

  it('announces disable and disconnect as participant.disabled', async () => {
    const alice = await joinEnabled('alice');
    const bob = await joinEnabled('bob');
    const carol = await joinEnabled('carol');

    expect(await bob.invoke('messaging', 'disable', {})).toEqual({ type: 'empty' });
    const bobGone = await alice.waitFor(isDelivery('participant.disabled'));
    expect(bobGone.header).toMatchObject({ type: 'participant.disabled', message: { id: bob.participantId } });

    carol.close();
    const [, carolGone] = await alice.waitForCount(isDelivery('participant.disabled'), 2);
    expect(carolGone!.header).toMatchObject({ type: 'participant.disabled', message: { id: carol.participantId } });

    // A disabled participant is no longer a recipient.
    expect(await send(alice, bob, 'chat', {})).toMatchObject({ type: 'error', text: 'the participant was not found' });
  });
});

describe('delivery', () => {
  it('delivers a direct message with a 1 MiB attachment byte for byte', async () => {
    const alice = await joinEnabled('alice');
    const bob = await joinEnabled('bob');
    const attachment = randomBytes(1024 * 1024);
    const id = alice.sendMessage(
      'room.invoke_tool',
      pack({
        toolkit: 'messaging',
        tool: 'send',
        arguments: {
          type: 'json',
          json: {
            type: 'file',
            message_json: '{"name":"blob.bin"}',
            to_participant_id: bob.participantId,
            attachment_base64: attachment.toString('base64'),
          },
        },
      }),
      1024, // MeshAgent's client slices into 1024-byte packets
    );
    const response = await alice.waitFor((m) => m.type === '__response__' && m.id === id);
    expect(response.header).toEqual({ type: 'empty' });
    const delivered = await bob.waitFor(isDelivery('file'));
    expect(delivered.header).toEqual({ from_participant_id: alice.participantId, type: 'file', message: { name: 'blob.bin' }, to_participant_id: bob.participantId });
    expect(delivered.payload.length).toBe(attachment.length);
    expect(Buffer.from(delivered.payload).equals(attachment)).toBe(true);
  });

  it('delivers a direct message without attachment with an empty tail', async () => {
    const alice = await joinEnabled('alice');
    const bob = await joinEnabled('bob');
    expect(await send(alice, bob, 'chat', { text: 'hi', n: [1, 2] })).toEqual({ type: 'empty' });
    const delivered = await bob.waitFor(isDelivery('chat'));
    expect(delivered.header).toEqual({ from_participant_id: alice.participantId, type: 'chat', message: { text: 'hi', n: [1, 2] }, to_participant_id: bob.participantId });
    expect(delivered.payload.length).toBe(0);
  });

  it('broadcasts to every other enabled participant but not the sender', async () => {
    const alice = await joinEnabled('alice');
    const bob = await joinEnabled('bob');
    const carol = await joinEnabled('carol');
    const dave = await join('dave'); // not messaging-enabled
    expect(await broadcast(alice, 'news', { headline: 'x' }, { attachment_base64: 'AQI=' })).toEqual({ type: 'empty' });
    for (const recipient of [bob, carol]) {
      const delivered = await recipient.waitFor(isDelivery('news'));
      expect(delivered.header).toEqual({ from_participant_id: alice.participantId, type: 'news', message: { headline: 'x' } });
      expect([...delivered.payload]).toEqual([1, 2]);
    }
    // The server writes deliveries before the sender's ack, and answers barriers in order.
    await dave.barrier();
    expect(alice.messagesOfType('news')).toHaveLength(0);
    expect(dave.messagesOfType('news')).toHaveLength(0);
  });

  it('answers an unknown or absent recipient with exactly "the participant was not found"', async () => {
    const alice = await joinEnabled('alice');
    const bob = await join('bob'); // connected but not enabled
    for (const to of ['p-does-not-exist', bob.participantId, '']) {
      const result = await send(alice, to, 'chat', {});
      expect(result).toMatchObject({ type: 'error', text: 'the participant was not found' });
    }
    // Still usable.
    expect(await broadcast(alice, 'chat', {})).toEqual({ type: 'empty' });
  });

  it('delivers a message_id once, acknowledges both sends, and passes the id on', async () => {
    const alice = await joinEnabled('alice');
    const bob = await joinEnabled('bob');
    expect(await send(alice, bob, 'chat', { n: 1 }, { message_id: 'm-1' })).toEqual({ type: 'empty' });
    expect(await send(alice, bob, 'chat', { n: 1 }, { message_id: 'm-1' })).toEqual({ type: 'empty' });
    expect(await broadcast(alice, 'chat', { n: 2 }, { message_id: 'm-2' })).toEqual({ type: 'empty' });
    expect(await broadcast(alice, 'chat', { n: 2 }, { message_id: 'm-2' })).toEqual({ type: 'empty' });
    expect(await send(alice, bob, 'marker', {})).toEqual({ type: 'empty' });
    await bob.waitFor(isDelivery('marker'));
    const chats = bob.messagesOfType('chat');
    expect(chats.map((m) => m.header)).toEqual([
      // Direct: names its recipient. Broadcast: does not.
      { from_participant_id: alice.participantId, type: 'chat', message: { n: 1 }, message_id: 'm-1', to_participant_id: bob.participantId },
      { from_participant_id: alice.participantId, type: 'chat', message: { n: 2 }, message_id: 'm-2' },
    ]);
  });

  it('does not treat the same message_id from different senders as a duplicate', async () => {
    const alice = await joinEnabled('alice');
    const bob = await joinEnabled('bob');
    const carol = await joinEnabled('carol');
    await send(alice, carol, 'chat', { from: 'alice' }, { message_id: 'same' });
    await send(bob, carol, 'chat', { from: 'bob' }, { message_id: 'same' });
    const chats = await carol.waitForCount(isDelivery('chat'), 2);
    expect(chats.map((m) => (m.header as { message: unknown }).message)).toEqual([{ from: 'alice' }, { from: 'bob' }]);
  });
});

describe('refused requests', () => {
  it.each(['participant.enabled', 'participant.disabled', 'participant.attributes', 'messaging.enabled'])(
    'refuses the reserved type %s with 400',
    async (type) => {
      const alice = await joinEnabled('alice');
      const bob = await joinEnabled('bob');
      expectError(await send(alice, bob, type, { id: 'forged' }), 400);
      expectError(await broadcast(alice, type, { id: 'forged' }), 400);
      await bob.barrier();
      expect(bob.messagesOfType(type).filter((m) => (m.header as { from_participant_id: string }).from_participant_id === alice.participantId)).toHaveLength(0);
    },
  );

  it('enforces messaging.send:false but still allows broadcast', async () => {
    const alice = await joinEnabled('alice', { api: { messaging: { send: false } } });
    const bob = await joinEnabled('bob');
    expectError(await send(alice, bob, 'chat', {}), 403);
    expect(await broadcast(alice, 'chat', { ok: 1 })).toEqual({ type: 'empty' });
    const delivered = await bob.waitFor(isDelivery('chat'));
    expect(delivered.header).toMatchObject({ from_participant_id: alice.participantId, message: { ok: 1 } });
    expect(bob.messagesOfType('chat')).toHaveLength(1);
  });

  it('enforces messaging.broadcast:false but still allows send', async () => {
    const alice = await joinEnabled('alice', { api: { messaging: { broadcast: false } } });
    const bob = await joinEnabled('bob');
    expectError(await broadcast(alice, 'chat', {}), 403);
    expect(await send(alice, bob, 'chat', {})).toEqual({ type: 'empty' });
  });

  it('refuses every messaging tool to a token without the messaging api', async () => {
    const bob = await joinEnabled('bob');
    const alice = await join('alice', { api: {} });
    expectError(await alice.invoke('messaging', 'enable', {}), 403);
    expectError(await send(alice, bob, 'chat', {}), 403);
    expectError(await broadcast(alice, 'chat', {}), 403);
    // Bob never heard of alice.
    await bob.barrier();
    expect(bob.messagesOfType('participant.enabled')).toHaveLength(0);
  });

  it.each([
    ['unknown toolkit', 'nope', 'send'],
    ['unknown tool', 'messaging', 'nope'],
    ['inherited property as tool', 'messaging', 'constructor'],
    ['inherited property as toolkit', '__proto__', 'send'],
    ['inherited property as toolkit', 'toString', 'send'],
  ])('answers %s (%s.%s) with 404', async (_label, toolkit, tool) => {
    const alice = await joinEnabled('alice');
    expectError(await alice.invoke(toolkit, tool, {}), 404);
    expect(await broadcast(alice, 'chat', {})).toEqual({ type: 'empty' });
  });

  it('answers malformed invokes with 400 and keeps the connection working', async () => {
    const alice = await joinEnabled('alice');
    const bob = await joinEnabled('bob');
    const to = bob.participantId;
    const invokes: unknown[] = [
      { toolkit: 'messaging', tool: 'send', arguments: 5 },
      { toolkit: 'messaging', tool: 'send', arguments: 'json' },
      { toolkit: 'messaging', tool: 'send', arguments: null },
      { toolkit: 'messaging', tool: 'send', arguments: [] },
      { toolkit: 'messaging', tool: 'send' },
      { toolkit: 'messaging', tool: 'send', arguments: { type: 'mystery' } },
      { toolkit: 'messaging', tool: 'send', arguments: { type: 'text' } },
      { toolkit: 'messaging', tool: 'send', arguments: { type: 'text', text: '{}' } },
      { toolkit: 'messaging', tool: 'send', arguments: { type: 'json', json: 'not an object' } },
      { toolkit: 'messaging', tool: 'send', arguments: { type: 'json', json: [1] } },
      { toolkit: 'messaging', tool: 'send', arguments: { type: 'json', json: { type: 'chat', message_json: '{bad json', to_participant_id: to } } },
      { toolkit: 'messaging', tool: 'send', arguments: { type: 'json', json: { type: 'chat', message_json: { a: 1 }, to_participant_id: to } } },
      { toolkit: 'messaging', tool: 'send', arguments: { type: 'json', json: { type: 'chat', message_json: '{}', to_participant_id: to, attachment_base64: '!!!!' } } },
      { toolkit: 'messaging', tool: 'send', arguments: { type: 'json', json: { type: 'chat', message_json: '{}', to_participant_id: to, attachment_base64: 'AQI=\u00e9' } } },
      { toolkit: 'messaging', tool: 'send', arguments: { type: 'json', json: { type: 'chat', message_json: '{}', to_participant_id: to, attachment_base64: 12 } } },
      { toolkit: 'messaging', tool: 'send', arguments: { type: 'json', json: { message_json: '{}', to_participant_id: to } } },
      { toolkit: 'messaging', tool: 'send', arguments: { type: 'json', json: { type: '', message_json: '{}', to_participant_id: to } } },
      { toolkit: 'messaging', tool: 'send', arguments: { type: 'json', json: { type: 7, message_json: '{}', to_participant_id: to } } },
      { toolkit: 'messaging', tool: 'send', arguments: { type: 'json', json: { type: 'x'.repeat(300), message_json: '{}', to_participant_id: to } } },
      { toolkit: 'messaging', tool: 'send', arguments: { type: 'json', json: { type: 'chat', to_participant_id: to } } },
      { toolkit: 'messaging', tool: 'send', arguments: { type: 'json', json: { type: 'chat', message_json: '{}' } } },
      { toolkit: 'messaging', tool: 'send', arguments: { type: 'json', json: { type: 'chat', message_json: '{}', to_participant_id: 42 } } },
      { toolkit: 'messaging', tool: 'send', arguments: { type: 'json', json: { type: 'chat', message_json: '{}', to_participant_id: to, message_id: 5 } } },
      { toolkit: 'messaging', tool: 'send', arguments: { type: 'json', json: { type: 'chat', message_json: '{}', to_participant_id: to, message_id: '' } } },
      { toolkit: 'messaging', tool: 'send', arguments: { type: 'json', json: { type: 'chat', message_json: '{}', to_participant_id: to, message_id: 'm'.repeat(129) } } },
      { toolkit: 'messaging', tool: 'broadcast', arguments: { type: 'json', json: { type: 'chat', message_json: '' } } },
      { toolkit: 'messaging', tool: 'broadcast', arguments: { type: 'json', json: { type: 'chat', message_json: '{}', attachment_base64: 'A' } } },
      { toolkit: 5, tool: 'send', arguments: { type: 'json', json: {} } },
      { tool: 'send', arguments: { type: 'json', json: {} } },
      { toolkit: 'messaging', arguments: { type: 'json', json: {} } },
      [1, 2, 3],
      'a string',
      null,
    ];
    for (const header of invokes) {
      const result = await alice.request('room.invoke_tool', header);
      expect(result, JSON.stringify(header).slice(0, 200)).toMatchObject({ type: 'error', code: 400 });
      // The connection keeps working after each refusal.
      expect(await send(alice, bob, 'ok', {})).toEqual({ type: 'empty' });
    }
    // Data too short to carry a packed header, and a header whose length overruns the data.
    for (const data of [new Uint8Array([0, 0, 0]), new Uint8Array([0, 0, 0, 0, 0, 0, 0, 50, 123])]) {
      const id = alice.sendMessage('room.invoke_tool', data);
      const response = await alice.waitFor((m) => m.type === '__response__' && m.id === id);
      expect(response.header).toMatchObject({ type: 'error', code: 400 });
    }
    expect(await send(alice, bob, 'ok', {})).toEqual({ type: 'empty' });
    const oks = await bob.waitForCount(isDelivery('ok'), invokes.length + 1);
    expect(oks).toHaveLength(invokes.length + 1);
    // None of the malformed sends reached bob.
    expect(bob.received.filter((m) => m.type === 'messaging.send' && !['ok', 'participant.enabled', 'messaging.enabled'].includes((m.header as { type: string }).type))).toEqual([]);
  });

  it('answers an unknown message type with an error __response__ carrying the same id', async () => {
    const alice = await join('alice');
    for (const type of ['room.nonexistent', '__response__', 'x']) {
      const id = alice.sendMessage(type, pack({ anything: true }));
      const response = await alice.waitFor((m) => m.type === '__response__' && m.id === id);
      expect(response.header).toMatchObject({ type: 'error', code: 404 });
    }
    // An empty message (N = 0) of an unknown type is answered too.
    const id = alice.sendMessage('room.nothing', new Uint8Array(0));
    const response = await alice.waitFor((m) => m.type === '__response__' && m.id === id);
    expect(response.header).toMatchObject({ type: 'error' });
    expect(await alice.invoke('messaging', 'enable', {})).toEqual({ type: 'empty' });
  });

  it('never answers a stray room.tool_call_response: its id is the server\'s, and an answer could settle an unrelated request', async () => {
    const alice = await join('alice');
    const before = alice.received.length;
    alice.sendMessage('room.tool_call_response', pack({ type: 'json', json: {} }));
    expect(await alice.invoke('messaging', 'enable', {})).toEqual({ type: 'empty' });
    const answers = alice.received.slice(before).filter((m) => m.type === '__response__' && (m.header as { type?: string }).type === 'error');
    expect(answers).toEqual([]);
  });
});
