import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionError, RoomClient, RoomError, nodeTransport } from '@convene/client/node';
import { participantToken } from '@convene/client/tokens';
import type { RunningRoomServer } from '@convene/server';
import { conveneClient } from './support/convene.js';
import { eventually } from './support/meshagent.js';
import { SECRET, startServer } from './support/server.js';
import { mintToken } from './support/tokens.js';

let server: RunningRoomServer | undefined;
const clients: RoomClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.dispose();
  await server?.close();
  server = undefined;
});

/** A client whose every connection attempt uses the token `mint` returns; counts the calls. */
function clientWithToken(mint: () => Promise<string>, room = 'r') {
  const calls = { count: 0 };
  const client = new RoomClient({
    transport: nodeTransport(),
    authorization: async () => {
      calls.count++;
      return { url: `${server!.url}/rooms/${room}`, jwt: await mint() };
    },
  });
  clients.push(client);
  return { client, calls };
}

describe('refused tokens end with typed terminal errors', () => {
  const cases = [
    { name: 'bad signature', mint: () => participantToken({ name: 'eve', room: 'r', secret: 'not-the-secret' }), code: 'unauthorized' },
    { name: 'wrong room', mint: () => participantToken({ name: 'eve', room: 'other', secret: SECRET }), code: 'permission_denied' },
    { name: 'expired', mint: () => mintToken({ name: 'eve', room: 'r', exp: Math.floor(Date.now() / 1000) - 60 }), code: 'token_expired' },
    { name: 'garbage', mint: async () => 'not.a.jwt', code: 'unauthorized' },
  ] as const;
  for (const testCase of cases) {
    it(testCase.name, async () => {
      server = await startServer();
      const { client, calls } = clientWithToken(testCase.mint);
      const error = await client.start().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectionError);
      expect(error).toMatchObject({ code: testCase.code, terminal: true });
      expect((error as Error).message.length).toBeGreaterThan(0);
      expect(client.status).toBe('disconnected');
      // Terminal means no retry loop hammering the backend for tokens.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(calls.count).toBeLessThanOrEqual(testCase.code === 'token_expired' ? 2 : 1);
      expect(server.core.roomCount).toBe(0);
    });
  }
});

describe('room lifecycle', () => {
  it('releases the room after the last participant leaves and provisions a fresh session on the next join', async () => {
    server = await startServer({ roomReleaseGraceMs: 100 });
    const first = conveneClient({ url: server.url, room: 'life', name: 'alice' });
    clients.push(first);
    await first.start();
    const firstSession = first.sessionId;
    expect(server.core.room('life')?.sessionId).toBe(firstSession);
    first.dispose();
    await eventually(() => server!.core.roomCount, (n) => n === 0);

    const second = conveneClient({ url: server.url, room: 'life', name: 'alice' });
    clients.push(second);
    await second.start();
    expect(second.sessionId).toEqual(expect.any(String));
    expect(second.sessionId).not.toBe(firstSession);
    expect(server.core.roomCount).toBe(1);
  });
});

describe('limits', () => {
  it('refuses an oversized message with a typed error and the connection keeps working', async () => {
    server = await startServer({ limits: { maxMessageBytes: 256 * 1024 } });
    const alice = conveneClient({ url: server.url, room: 'r', name: 'alice' });
    const bob = conveneClient({ url: server.url, room: 'r', name: 'bob' });
    clients.push(alice, bob);
    await Promise.all([alice.start(), bob.start()]);
    await Promise.all([alice.messaging.enable(), bob.messaging.enable()]);
    const got: unknown[] = [];
    bob.messaging.on('message', (m) => got.push(m.message));

    const error = await alice.messaging
      .broadcastMessage({ type: 'big', message: {}, attachment: new Uint8Array(300 * 1024) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RoomError);
    expect((error as RoomError).code).toBe('payload_too_large');

    await alice.messaging.broadcastMessage({ type: 'small', message: { ok: true } });
    await eventually(() => got.length, (n) => n === 1);
    expect(got).toEqual([{ ok: true }]);
    expect(alice.status).toBe('connected');
  });

  it('keeps a participant out of a full room with room_full while the others go on', async () => {
    server = await startServer({ limits: { participantsPerRoom: 2 } });
    const alice = conveneClient({ url: server.url, room: 'r', name: 'alice' });
    const bob = conveneClient({ url: server.url, room: 'r', name: 'bob' });
    const carol = conveneClient({ url: server.url, room: 'r', name: 'carol' });
    clients.push(alice, bob, carol);
    await Promise.all([alice.start(), bob.start()]);
    void carol.start().catch(() => {});
    const status = await eventually(() => carol.error?.code, (code) => code === 'room_full');
    expect(status).toBe('room_full');
    // Room full is transient: Carol keeps trying (with backoff) instead of giving up.
    expect(['reconnecting', 'connecting', 'authorizing']).toContain(carol.status);

    await Promise.all([alice.messaging.enable(), bob.messaging.enable()]);
    const got: unknown[] = [];
    bob.messaging.on('message', (m) => got.push(m.message));
    await alice.messaging.broadcastMessage({ type: 'hello', message: { n: 1 } });
    await eventually(() => got.length, (n) => n === 1);

    // A seat frees up and Carol gets in.
    alice.dispose();
    await eventually(() => carol.status, (s) => s === 'connected', 15_000);
    expect(carol.status).toBe('connected');
  }, 30_000);
});
