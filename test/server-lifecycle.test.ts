import { afterEach, describe, expect, it } from 'vitest';
import { encodeHeaderFrame, pack, parseCloseReason } from '@convene/protocol';
import type { CreateRoomServerOptions, RunningRoomServer } from '@convene/server';
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

async function start(options: Partial<CreateRoomServerOptions> = {}): Promise<RunningRoomServer> {
  server = await startServer(options);
  return server;
}

async function join(name: string, room = 'life'): Promise<RawClient> {
  const client = await RawClient.join(`${server!.url}/rooms/${room}`, await mintToken({ name, room }));
  clients.push(client);
  return client;
}

async function joinEnabled(name: string, room = 'life'): Promise<RawClient> {
  const client = await join(name, room);
  expect(await client.invoke('messaging', 'enable', {})).toEqual({ type: 'empty' });
  return client;
}

function sessionOf(client: RawClient): string {
  return (client.received.find((m) => m.type === 'room_ready')!.header as { session_id: string }).session_id;
}

async function leave(client: RawClient): Promise<void> {
  client.close();
  await client.closedWithin();
}

const isDelivery = (type: string) => (m: Received) =>
  m.type === 'messaging.send' && (m.header as { type?: string }).type === type;

describe('room provisioning and release', () => {
  it('provisions a room on first join and releases it after the grace once the last participant leaves', async () => {
    await start(); // 200 ms grace
    expect(server!.core.roomCount).toBe(0);
    expect(server!.core.room('life')).toBeUndefined();
    const alice = await join('alice');
    expect(server!.core.roomCount).toBe(1);
    expect(server!.core.room('life')?.sessionId).toBe(sessionOf(alice));
    const firstSession = sessionOf(alice);

    await leave(alice);
    await expect.poll(() => server!.core.room('life'), { timeout: 3_000 }).toBeUndefined();
    expect(server!.core.roomCount).toBe(0);
    expect(server!.core.connectionCount).toBe(0);

    // Coming back after the release starts a new room session.
    const again = await join('alice');
    expect(sessionOf(again)).not.toBe(firstSession);
    expect(server!.core.room('life')?.sessionId).toBe(sessionOf(again));
  });

  it('keeps the room while anyone is still in it', async () => {
    await start();
    const alice = await join('alice');
    const bob = await join('bob');
    await leave(alice);
    await expect.poll(() => server!.core.room('life')?.size).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 500)); // well past the 200 ms grace
    expect(server!.core.room('life')?.sessionId).toBe(sessionOf(bob));
    const carol = await join('carol');
    expect(sessionOf(carol)).toBe(sessionOf(bob));
  });

  it('keeps the same session for a rejoin within the grace', async () => {
    // A long grace so the rejoin is surely within it, however slow the machine.
    await start({ roomReleaseGraceMs: 10_000 });
    const alice = await join('alice');
    const session = sessionOf(alice);
    await leave(alice);
    await expect.poll(() => server!.core.connectionCount).toBe(0);
    expect(server!.core.room('life')?.size).toBe(0);
    const again = await join('alice');
    expect(sessionOf(again)).toBe(session);
  });

  it('counts the grace from the last leave, also after a resume-key replacement', async () => {
    await start({ roomReleaseGraceMs: 2_000 });
    const url = `${server!.url}/rooms/life`;
    const jwt = await mintToken({ name: 'alice', room: 'life' });
    const resume = 'resume-key-0123456789';
    const first = await RawClient.join(url, jwt, { resume });
    clients.push(first);
    const session = sessionOf(first);
    // The same participant reconnects: the old socket is replaced, the room never empties.
    const second = await RawClient.join(url, jwt, { resume });
    clients.push(second);
    expect((await first.closedWithin()).code).toBe(4000);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    await leave(second);
    // Rejoin 1.2 s after the last leave, well within the 2 s grace.
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const third = await RawClient.join(url, jwt, { resume });
    clients.push(third);
    expect(sessionOf(third)).toBe(session);
  });

  it('provisions rooms independently', async () => {
    await start();
    const a = await join('alice', 'room-a');
    const b = await join('bob', 'room-b');
    expect(server!.core.roomCount).toBe(2);
    expect(sessionOf(a)).not.toBe(sessionOf(b));
    await leave(a);
    await expect.poll(() => server!.core.room('room-a'), { timeout: 3_000 }).toBeUndefined();
    expect(server!.core.room('room-b')?.sessionId).toBe(sessionOf(b));
  });

  it('does not provision a room for a refused connection', async () => {
    await start();
    const client = await RawClient.connect(`${server!.url}/rooms/ghost`, 'garbage');
    clients.push(client);
    expect((await client.closedWithin()).code).toBe(1000);
    expect(server!.core.room('ghost')).toBeUndefined();
    expect(server!.core.roomCount).toBe(0);
  });
});

describe('server shutdown', () => {
  it('closes every client with 1001 server_shutdown and leaves no rooms behind', async () => {
    const running = await start({ roomReleaseGraceMs: 10_000 });
    const members = [await joinEnabled('alice', 'one'), await joinEnabled('bob', 'one'), await join('carol', 'two')];
    const empty = await join('dave', 'three');
    await leave(empty); // room "three" is empty and waiting out its grace
    expect(running.core.roomCount).toBe(3);

    await running.close();
    server = undefined;
    for (const client of members) {
      const closed = await client.closedWithin();
      expect(closed.code).toBe(1001);
      expect(parseCloseReason(closed.reason).code).toBe('server_shutdown');
    }
    expect(running.core.roomCount).toBe(0);
    expect(running.core.connectionCount).toBe(0);
    expect(running.http.listening).toBe(false);
    // Closing twice is harmless.
    await running.close();
  });
});

/** Frames that break the framing protocol of PROTOCOL.md §2. */
function dataFrame(id: number, packet: number, bytes: Uint8Array = new Uint8Array([1, 2, 3])): Uint8Array {
  const frame = new Uint8Array(12 + bytes.length);
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  view.setUint32(4, id);
  view.setUint32(8, packet);
  frame.set(bytes, 12);
  return frame;
}

function headerFrame(id: number, packets: number, typeBytes: Uint8Array): Uint8Array {
  const frame = new Uint8Array(16 + typeBytes.length);
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  view.setUint32(4, id);
  view.setUint32(12, packets);
  frame.set(typeBytes, 16);
  return frame;
}

const FRAMING_ERRORS: [string, Uint8Array[]][] = [
  ['a data frame without a header', [dataFrame(1, 1)]],
  ['a header inside a message', [encodeHeaderFrame(1, 'room.invoke_tool', 2), dataFrame(1, 1), encodeHeaderFrame(2, 'room.invoke_tool', 1)]],
  ['a wrong packet index', [encodeHeaderFrame(1, 'room.invoke_tool', 3), dataFrame(1, 2)]],
  ['a repeated packet index', [encodeHeaderFrame(1, 'room.invoke_tool', 3), dataFrame(1, 1), dataFrame(1, 1)]],
  ['packet index 0 after the header is a second header', [encodeHeaderFrame(1, 'room.invoke_tool', 2), dataFrame(1, 0)]],
  ['a data frame of another message id', [encodeHeaderFrame(1, 'room.invoke_tool', 2), dataFrame(2, 1)]],
  ['an empty data packet', [encodeHeaderFrame(1, 'room.invoke_tool', 1), dataFrame(1, 1, new Uint8Array(0))]],
  ['a frame shorter than 12 bytes', [new Uint8Array([0, 0, 0, 0, 0, 0, 0, 1])]],
  ['an empty frame', [new Uint8Array(0)]],
  ['a header frame shorter than 16 bytes', [new Uint8Array(14)]],
  ['an empty message type', [headerFrame(1, 1, new Uint8Array(0))]],
  ['a message type that is not UTF-8', [headerFrame(1, 0, new Uint8Array([0xff, 0xfe, 0x80]))]],
  ['a message type longer than 256 bytes', [headerFrame(1, 0, new TextEncoder().encode('t'.repeat(300)))]],
  ['an id beyond the safe integer range', [(() => { const f = encodeHeaderFrame(0, 'x', 0); new DataView(f.buffer, f.byteOffset, f.byteLength).setUint32(0, 0xffffffff); return f; })()]],
];

describe('framing errors', () => {
  it.each(FRAMING_ERRORS)('closes the socket after %s with 1002 protocol_error, others unaffected', async (_label, frames) => {
    await start();
    const alice = await joinEnabled('alice');
    const bob = await joinEnabled('bob');
    const carol = await joinEnabled('carol');
    for (const frame of frames) alice.sendFrame(frame);
    const closed = await alice.closedWithin();
    expect(closed.code).toBe(1002);
    expect(parseCloseReason(closed.reason).code).toBe('protocol_error');
    expect(parseCloseReason(closed.reason).message.length).toBeGreaterThan(0);

    const gone = await bob.waitFor(isDelivery('participant.disabled'));
    expect((gone.header as { message: unknown }).message).toEqual({ id: alice.participantId });
    expect(await bob.invoke('messaging', 'send', { type: 'after', message_json: '{}', to_participant_id: carol.participantId })).toEqual({ type: 'empty' });
    await carol.waitFor(isDelivery('after'));
    await expect.poll(() => server!.core.connectionCount).toBe(2);
  });

  it('accepts a framing edge case that is legal: an empty message (N = 0) and text frames', async () => {
    await start();
    const alice = await join('alice');
    alice.sendFrame(encodeHeaderFrame(7, 'set_attributes', 0)); // no data at all: ignored
    // MeshAgent's client tolerates text frames, and so does the server.
    const frames = [encodeHeaderFrame(8, 'convene.test.text', 1), dataFrame(8, 1, pack({}))];
    for (const frame of frames) alice.ws.send(frame, { binary: false });
    const response = await alice.waitFor((m) => m.type === '__response__' && m.id === 8);
    expect(response.header).toMatchObject({ type: 'error', code: 404 });
    expect(await alice.invoke('messaging', 'enable', {})).toEqual({ type: 'empty' });
  });
});
