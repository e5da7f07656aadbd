import { afterEach, describe, expect, it } from 'vitest';
import { encodeHeaderFrame, pack, parseCloseReason, type Limits } from '@convene/protocol';
import type { RunningRoomServer } from '@convene/server';
import { RawClient, type Received } from './support/raw-client.js';
import { startServer } from './support/server.js';
import { mintToken } from './support/tokens.js';

let server: RunningRoomServer | undefined;
const clients: RawClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.ws.terminate();
  await server?.close();
  server = undefined;
});

async function start(limits: Partial<Limits>): Promise<RunningRoomServer> {
  server = await startServer({ limits });
  return server;
}

async function connect(name: string, room = 'limits'): Promise<RawClient> {
  const client = await RawClient.connect(`${server!.url}/rooms/${room}`, await mintToken({ name, room }));
  clients.push(client);
  return client;
}

async function join(name: string, room = 'limits'): Promise<RawClient> {
  const client = await RawClient.join(`${server!.url}/rooms/${room}`, await mintToken({ name, room }));
  clients.push(client);
  return client;
}

async function joinEnabled(name: string, room = 'limits'): Promise<RawClient> {
  const client = await join(name, room);
  expect(await client.invoke('messaging', 'enable', {})).toEqual({ type: 'empty' });
  return client;
}

const isDelivery = (type: string) => (m: Received) =>
  m.type === 'messaging.send' && (m.header as { type?: string }).type === type;

/** Two bystanders still exchange a message, and saw the victim leave. */
async function expectBystandersUnaffected(victim: RawClient, bob: RawClient, carol: RawClient): Promise<void> {
  const gone = await bob.waitFor(isDelivery('participant.disabled'));
  expect((gone.header as { message: unknown }).message).toEqual({ id: victim.participantId });
  const sent = await bob.invoke('messaging', 'send', {
    type: 'still-here',
    message_json: '{"ok":true}',
    to_participant_id: carol.participantId,
  });
  expect(sent).toEqual({ type: 'empty' });
  const delivered = await carol.waitFor(isDelivery('still-here'));
  expect(delivered.header).toMatchObject({ from_participant_id: bob.participantId, message: { ok: true } });
  expect(bob.ws.readyState).toBe(bob.ws.OPEN);
  expect(carol.ws.readyState).toBe(carol.ws.OPEN);
}

describe('size limits', () => {
  it('closes a socket that sends a frame above maxFrameBytes with 1009', async () => {
    await start({ maxFrameBytes: 4096 });
    const alice = await joinEnabled('alice');
    const bob = await joinEnabled('bob');
    const carol = await joinEnabled('carol');
    // A frame of exactly the limit is fine.
    const okId = alice.sendMessage('room.invoke_tool', pack({ toolkit: 'messaging', tool: 'enable', arguments: { type: 'json', json: {}, pad: 'x'.repeat(4096 - 12 - 100) } }), 4096 - 12);
    expect((await alice.waitFor((m) => m.type === '__response__' && m.id === okId)).header).toEqual({ type: 'empty' });
    alice.sendFrame(new Uint8Array(4097));
    const closed = await alice.closedWithin();
    expect(closed.code).toBe(1009);
    await expectBystandersUnaffected(alice, bob, carol);
  });

  it('answers a message (many packets) above maxMessageBytes with payload_too_large and goes on', async () => {
    await start({ maxFrameBytes: 4096, maxMessageBytes: 8192 });
    const alice = await joinEnabled('alice');
    const bob = await joinEnabled('bob');
    const carol = await joinEnabled('carol');
    const sendBig = (size: number) =>
      alice.sendMessage(
        'room.invoke_tool',
        pack({
          toolkit: 'messaging',
          tool: 'send',
          arguments: { type: 'json', json: { type: 'big', message_json: JSON.stringify({ s: 'y'.repeat(size) }), to_participant_id: bob.participantId } },
        }),
        1024, // every packet is far below the frame limit
      );
    // Just under the limit is delivered.
    const fitsId = sendBig(7000);
    expect((await alice.waitFor((m) => m.type === '__response__' && m.id === fitsId)).header).toEqual({ type: 'empty' });
    await bob.waitFor(isDelivery('big'));
    // Above it, only that request fails (413); the rest of its packets are skipped.
    const tooBigId = sendBig(20_000);
    const refused = await alice.waitFor((m) => m.type === '__response__' && m.id === tooBigId);
    expect(refused.header).toMatchObject({ type: 'error', code: 413 });
    // The connection goes on: the next request after the skipped packets succeeds.
    expect(await alice.invoke('messaging', 'send', { type: 'after', message_json: '{}', to_participant_id: carol.participantId })).toEqual({ type: 'empty' });
    await carol.waitFor(isDelivery('after'));
    expect(bob.messagesOfType('big')).toHaveLength(1);
    expect(alice.ws.readyState).toBe(alice.ws.OPEN);
    expect(bob.ws.readyState).toBe(bob.ws.OPEN);
    expect(carol.ws.readyState).toBe(carol.ws.OPEN);
  });

  it('refuses a header announcing more packets than maxMessageBytes allows at once, then skips them', async () => {
    await start({ maxFrameBytes: 4096, maxMessageBytes: 8192 });
    const alice = await joinEnabled('alice');
    const bob = await joinEnabled('bob');
    const packets = 8193;
    alice.sendFrame(encodeHeaderFrame(99_999, 'room.invoke_tool', packets));
    // Answered before any data arrives.
    const refused = await alice.waitFor((m) => m.type === '__response__' && m.id === 99_999);
    expect(refused.header).toMatchObject({ type: 'error', code: 413 });
    for (let k = 1; k <= packets; k++) {
      const frame = new Uint8Array(13);
      const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
      view.setUint32(4, 99_999);
      view.setUint32(8, k);
      alice.sendFrame(frame);
    }
    expect(await alice.invoke('messaging', 'send', { type: 'after', message_json: '{}', to_participant_id: bob.participantId })).toEqual({ type: 'empty' });
    await bob.waitFor(isDelivery('after'));
  });

  it('closes a socket that breaks framing while an oversized message is being skipped with 1002', async () => {
    await start({ maxFrameBytes: 4096, maxMessageBytes: 8192 });
    const alice = await joinEnabled('alice');
    const bob = await joinEnabled('bob');
    const carol = await joinEnabled('carol');
    alice.sendFrame(encodeHeaderFrame(5, 'room.invoke_tool', 100_000));
    await alice.waitFor((m) => m.type === '__response__' && m.id === 5);
    alice.sendFrame(encodeHeaderFrame(6, 'room.invoke_tool', 1)); // a header inside the skipped message
    const closed = await alice.closedWithin();
    expect(closed.code).toBe(1002);
    expect(parseCloseReason(closed.reason).code).toBe('protocol_error');
    await expectBystandersUnaffected(alice, bob, carol);
  });
});

describe('rate limits', () => {
  it('answers requests over the rate with 429 and recovers once the bucket refills', async () => {
    await start({ messagesPerSecond: 2, messageBurst: 5 });
    const alice = await join('alice');
    const header = { toolkit: 'messaging', tool: 'enable', arguments: { type: 'json', json: {} } };
    const ids = Array.from({ length: 8 }, () => alice.sendMessage('room.invoke_tool', pack(header)));
    const responses = await Promise.all(ids.map((id) => alice.waitFor((m) => m.type === '__response__' && m.id === id)));
    const codes = responses.map((r) => (r.header as { type: string; code?: number }).code ?? (r.header as { type: string }).type);
    // The burst passes; every refused request is still answered, with 429.
    expect(codes.slice(0, 5)).toEqual(['empty', 'empty', 'empty', 'empty', 'empty']);
    expect(codes.filter((c) => c === 429).length).toBeGreaterThanOrEqual(2);
    expect(codes.every((c) => c === 'empty' || c === 429)).toBe(true);
    expect(alice.ws.readyState).toBe(alice.ws.OPEN);
    // After a pause the bucket has refilled (2 per second) and requests pass again.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await alice.invoke('messaging', 'enable', {})).toEqual({ type: 'empty' });
  });

  it('closes a sustained flood with 1008 and leaves others alone', async () => {
    await start({ messagesPerSecond: 2, messageBurst: 5 });
    const alice = await joinEnabled('alice');
    await new Promise((resolve) => setTimeout(resolve, 600)); // let the enable's token refill
    const bob = await joinEnabled('bob');
    const carol = await joinEnabled('carol');
    for (let i = 0; i < 200; i++) {
      alice.sendMessage('room.invoke_tool', pack({ toolkit: 'messaging', tool: 'broadcast', arguments: { type: 'json', json: { type: 'spam', message_json: `${i}` } } }));
    }
    const closed = await alice.closedWithin();
    expect(closed.code).toBe(1008);
    expect(parseCloseReason(closed.reason).code).toBe('rate_limited');
    // Some requests were answered with 429 before the close; none went unanswered silently.
    expect(alice.received.some((m) => m.type === '__response__' && (m.header as { code?: number }).code === 429)).toBe(true);
    // Only the burst reached the others.
    await expectBystandersUnaffected(alice, bob, carol);
    expect(bob.messagesOfType('spam').length).toBeLessThanOrEqual(6);
    expect(bob.messagesOfType('spam').length).toBeGreaterThanOrEqual(1);
  });

  it('rate-limits each connection separately', async () => {
    await start({ messagesPerSecond: 2, messageBurst: 5 });
    const alice = await join('alice');
    const bob = await join('bob');
    for (let i = 0; i < 200; i++) alice.sendMessage('set_attributes', pack({ n: i }));
    expect((await alice.closedWithin()).code).toBe(1008);
    // Bob's budget is untouched: his whole burst passes.
    const results = await Promise.all([1, 2, 3, 4, 5].map(() => bob.invoke('messaging', 'enable', {})));
    expect(results).toEqual(Array(5).fill({ type: 'empty' }));
  });
});

describe('room capacity', () => {
  it('refuses a third participant with 1013 room_full while the first two keep working', async () => {
    await start({ participantsPerRoom: 2 });
    const alice = await joinEnabled('alice');
    const bob = await joinEnabled('bob');
    const carol = await connect('carol');
    const closed = await carol.closedWithin();
    expect(closed.code).toBe(1013);
    expect(parseCloseReason(closed.reason).code).toBe('room_full');
    expect(carol.received.map((m) => m.type)).not.toContain('connected');
    // The two inside never saw carol and still talk.
    expect(await alice.invoke('messaging', 'send', { type: 'hi', message_json: '{}', to_participant_id: bob.participantId })).toEqual({ type: 'empty' });
    await bob.waitFor(isDelivery('hi'));
    expect(bob.messagesOfType('participant.enabled')).toHaveLength(0);
    expect(server!.core.room('limits')?.size).toBe(2);
    // Another room is not affected by this room's count.
    await join('carol', 'elsewhere');
  });

  it('admits a newcomer once someone leaves', async () => {
    await start({ participantsPerRoom: 2 });
    const alice = await joinEnabled('alice');
    const bob = await join('bob');
    expect((await (await connect('carol')).closedWithin()).code).toBe(1013);
    bob.close();
    await bob.closedWithin();
    await expect.poll(() => server!.core.room('limits')?.size).toBe(1);
    const carol = await joinEnabled('carol');
    const joined = await alice.waitFor(isDelivery('participant.enabled'));
    expect((joined.header as { message: { id: string } }).message.id).toBe(carol.participantId);
  });
});
