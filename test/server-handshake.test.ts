import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseCloseReason, type ErrorCode } from '@convene/protocol';
import type { RunningRoomServer } from '@convene/server';
import { RawClient, type TokenPlacement } from './support/raw-client.js';
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

function roomUrl(room: string): string {
  return `${server.url}/rooms/${room}`;
}

async function connect(url: string, jwt: string | undefined, options: { placement?: TokenPlacement; resume?: string } = {}) {
  const client = await RawClient.connect(url, jwt, options);
  clients.push(client);
  return client;
}

async function join(room: string, name: string, options: { placement?: TokenPlacement; resume?: string } = {}) {
  const client = await RawClient.join(roomUrl(room), await mintToken({ name, room }), options);
  clients.push(client);
  return client;
}

/** The upgrade succeeds (101, never an HTTP error), then the server closes with 1000 and a typed reason. */
async function expectRefused(client: RawClient, code: ErrorCode): Promise<void> {
  const closed = await client.closedWithin();
  expect(closed.code).toBe(1000);
  expect(parseCloseReason(closed.reason).code).toBe(code);
  expect(parseCloseReason(closed.reason).message.length).toBeGreaterThan(0);
  expect(client.received.map((m) => m.type)).not.toContain('room_ready');
  expect(client.received.map((m) => m.type)).not.toContain('connected');
}

describe('token transport', () => {
  it.each(['query', 'header', 'subprotocol'] as const)('accepts the JWT via %s', async (placement) => {
    const jwt = await mintToken({ name: 'alice', room: 'r1' });
    const client = await connect(roomUrl('r1'), jwt, { placement });
    const { connected } = await client.startup();
    expect(connected).toMatchObject({ type: 'init', attributes: { name: 'alice' } });
    // Browsers drop the connection unless the token subprotocol is echoed.
    expect(client.ws.protocol).toBe(placement === 'subprotocol' ? `meshagent-room.${jwt}` : '');
    // The connection is usable, not just opened.
    expect(await client.invoke('messaging', 'enable', {})).toEqual({ type: 'empty' });
  });
});

describe('refusals', () => {
  it('refuses a connection without a token', async () => {
    await expectRefused(await connect(roomUrl('r1'), undefined), 'unauthorized');
  });

  it('refuses a token signed with another secret', async () => {
    const jwt = await mintToken({ name: 'mallory', room: 'r1', secret: 'another-secret' });
    await expectRefused(await connect(roomUrl('r1'), jwt), 'unauthorized');
  });

  it.each(['garbage', 'a.b.c', 'eyJhbGciOiJIUzI1NiJ9..'])('refuses the garbage token %j', async (jwt) => {
    await expectRefused(await connect(roomUrl('r1'), jwt), 'unauthorized');
  });

  it.each(['header', 'subprotocol'] as const)('refuses a bad signature sent via %s', async (placement) => {
    const jwt = await mintToken({ name: 'mallory', room: 'r1', secret: 'another-secret' });
    await expectRefused(await connect(roomUrl('r1'), jwt, { placement }), 'unauthorized');
  });

  it('refuses a token for another room', async () => {
    const jwt = await mintToken({ name: 'alice', room: 'other-room' });
    await expectRefused(await connect(roomUrl('r1'), jwt), 'permission_denied');
  });

  it('refuses an expired token', async () => {
    const jwt = await mintToken({ name: 'alice', room: 'r1', exp: Math.floor(Date.now() / 1000) - 3600 });
    await expectRefused(await connect(roomUrl('r1'), jwt), 'token_expired');
  });

  it('accepts a token that expires in the future', async () => {
    const jwt = await mintToken({ name: 'alice', room: 'r1', exp: Math.floor(Date.now() / 1000) + 3600 });
    const client = await connect(roomUrl('r1'), jwt);
    await client.startup();
  });

  it.each(['/nope', '/rooms/', '/rooms', '/rooms/a/b', '/rooms/a%20b', '/rooms/a%2Fb', '/rooms/%E0%A4%A', '/rooms/bad$name'])(
    'refuses the path %s with bad_request',
    async (path) => {
      // A valid token for the would-be room, so the path alone is the problem.
      const jwt = await mintToken({ name: 'alice', room: 'a' });
      await expectRefused(await connect(`${server.url}${path}`, jwt), 'bad_request');
    },
  );

  it('keeps working for others after refusals', async () => {
    const alice = await join('r1', 'alice');
    await expectRefused(await connect(roomUrl('r1'), 'garbage'), 'unauthorized');
    await expectRefused(await connect(`${server.url}/nope`, 'garbage'), 'bad_request');
    expect(await alice.invoke('messaging', 'enable', {})).toEqual({ type: 'empty' });
    expect(server.core.room('r1')?.size).toBe(1);
  });
});

describe('health and startup messages', () => {
  it('answers GET /healthz with JSON status ok', async () => {
    const response = await fetch(`http://127.0.0.1:${server.port}/healthz`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    expect(await response.json()).toMatchObject({ status: 'ok' });
  });

  it('sends room_ready and connected with the documented fields', async () => {
    const jwt = await mintToken({ name: 'alice', room: 'my-room' });
    const client = await connect(roomUrl('my-room'), jwt);
    const { roomReady, connected } = await client.startup();
    expect(roomReady['room_name']).toBe('my-room');
    expect(roomReady['room_url']).toMatch(/\/rooms\/my-room$/);
    expect(roomReady['room_url']).toBe(`${server.url}/rooms/my-room`);
    expect(typeof roomReady['session_id']).toBe('string');
    expect((roomReady['session_id'] as string).length).toBeGreaterThan(0);
    expect(connected).toEqual({ type: 'init', participantId: expect.any(String), attributes: { name: 'alice' } });
    expect((connected['participantId'] as string).length).toBeGreaterThan(0);
    // room_ready comes first, and nothing else is sent before the client speaks.
    expect(client.received.map((m) => m.type)).toEqual(['room_ready', 'connected']);
  });

  it('gives participants of one room the same session and distinct ids', async () => {
    const alice = await join('r1', 'alice');
    const bob = await join('r1', 'bob');
    const aliceReady = alice.received.find((m) => m.type === 'room_ready')!.header as Record<string, unknown>;
    const bobReady = bob.received.find((m) => m.type === 'room_ready')!.header as Record<string, unknown>;
    expect(bobReady['session_id']).toBe(aliceReady['session_id']);
    expect(bob.participantId).not.toBe(alice.participantId);
  });
});

describe('resume key', () => {
  const KEY_A = 'resume-key-aaaaaaaaaaaa';
  const KEY_B = 'resume-key-bbbbbbbbbbbb';

  it('gives the same participant id to sequential connections with the same key', async () => {
    const first = await join('r1', 'alice', { resume: KEY_A });
    first.close();
    await first.closedWithin();
    const second = await join('r1', 'alice', { resume: KEY_A });
    expect(second.participantId).toBe(first.participantId);
  });

  it('gives different ids to different keys', async () => {
    const a = await join('r1', 'alice', { resume: KEY_A });
    const b = await join('r1', 'alice', { resume: KEY_B });
    expect(b.participantId).not.toBe(a.participantId);
  });

  it('gives a fresh id to every connection without a key', async () => {
    const first = await join('r1', 'alice');
    first.close();
    await first.closedWithin();
    const second = await join('r1', 'alice');
    const third = await join('r1', 'alice');
    expect(new Set([first.participantId, second.participantId, third.participantId]).size).toBe(3);
  });

  it('closes the older live connection with 4000 when the same key connects again', async () => {
    const bob = await join('r1', 'bob');
    expect(await bob.invoke('messaging', 'enable', {})).toEqual({ type: 'empty' });
    const first = await join('r1', 'alice', { resume: KEY_A });
    const second = await join('r1', 'alice', { resume: KEY_A });
    expect(second.participantId).toBe(first.participantId);
    const closed = await first.closedWithin();
    expect(closed.code).toBe(4000);
    expect(parseCloseReason(closed.reason).code).toBe('replaced');
    // The new connection works and is the only one of that participant in the room.
    expect(await second.invoke('messaging', 'enable', {})).toEqual({ type: 'empty' });
    expect(server.core.room('r1')?.size).toBe(2);
    // Bob can reach alice through the new connection.
    const sent = await bob.invoke('messaging', 'send', {
      type: 'chat',
      message_json: '{"text":"hi"}',
      to_participant_id: second.participantId,
    });
    expect(sent).toEqual({ type: 'empty' });
    const delivered = await second.waitFor((m) => m.type === 'messaging.send' && (m.header as { type: string }).type === 'chat');
    expect(delivered.header).toMatchObject({ from_participant_id: bob.participantId, message: { text: 'hi' } });
  });

  it('keeps the id stable for the same key but separate per name and room', async () => {
    const alice = await join('r1', 'alice', { resume: KEY_A });
    const bob = await join('r1', 'bob', { resume: KEY_A });
    const aliceElsewhere = await join('r2', 'alice', { resume: KEY_A });
    expect(new Set([alice.participantId, bob.participantId, aliceElsewhere.participantId]).size).toBe(3);
  });
});
