import { SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { RoomClient, nodeTransport, type RoomMessage } from '@convene/client/node';
import { CloseCode, ConnectionError, PermissionError, defaultApiScope } from '@convene/protocol';
import type { RunningRoomServer } from '@convene/server';
import { conveneClient } from './support/convene.js';
import { SECRET, startServer } from './support/server.js';
import { labelSet, listSchema, until } from './support/sync-fixtures.js';
import { mintToken } from './support/tokens.js';

// A participant token over a client's life (issue 7): refused when expired, replaced on every
// reconnect through authorization(), and a grant the app revoked takes effect on the next
// connection. Every refusal reaches the app as a typed, terminal error and stops the retries.

const ROOM = 'tokens';
/** Longer than the longest first backoff wait (500 ms), so a retry would have happened by then. */
const RETRY_WOULD_HAVE_HAPPENED_MS = 800;

let server: RunningRoomServer;
const clients: RoomClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.dispose();
  await server?.close();
});

const nowSeconds = (): number => Math.floor(Date.now() / 1000);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A client whose authorization() hands out whatever `nextToken` returns, counting the calls. */
function clientWith(nextToken: (call: number) => Promise<string>, options: { gate?: () => Promise<void> } = {}) {
  const calls: string[] = [];
  const client = new RoomClient({
    transport: nodeTransport(),
    authorization: async () => {
      await options.gate?.();
      const jwt = await nextToken(calls.length + 1);
      calls.push(jwt);
      return { url: `${server.url}/rooms/${ROOM}`, jwt };
    },
  });
  clients.push(client);
  return { client, calls };
}

function bobClient(): RoomClient {
  const bob = conveneClient({ url: server.url, room: ROOM, name: 'bob' });
  clients.push(bob);
  return bob;
}

/** Drops the participant's socket from the server side, as a network blip would (1013: retried). */
function dropSocket(client: RoomClient): void {
  server.core.room(ROOM)!.participant(client.localParticipant.id!)!.connection.close(CloseCode.TryAgainLater, 'server_shutdown', 'test drop');
}

function sign(payload: Record<string, unknown>, options: { alg?: string; secret?: string } = {}): Promise<string> {
  return new SignJWT(payload)
    .setProtectedHeader({ alg: options.alg ?? 'HS256', typ: 'JWT' })
    .sign(new TextEncoder().encode(options.secret ?? SECRET));
}

/** Resolves with the error the client stops with (or null if it connects); never an unhandled rejection. */
function outcome(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => null,
    (reason: unknown) => reason,
  );
}

/** The error the client reports when its status becomes `disconnected`. */
function stoppedWith(client: RoomClient): Promise<unknown> {
  return new Promise((resolve) => client.on('status', (status) => status === 'disconnected' && resolve(client.error)));
}

/** Expects the client to have stopped for good with a typed error, and to have asked for a token `calls` times. */
async function expectStopped(client: RoomClient, stopped: Promise<unknown>, code: string, calls: () => number, expectedCalls: number) {
  const error = await stopped;
  expect(error).toBeInstanceOf(ConnectionError);
  expect(error).toMatchObject({ code, terminal: true });
  expect(client.status).toBe('disconnected');
  expect(client.error).toMatchObject({ code, terminal: true });
  await sleep(RETRY_WOULD_HAVE_HAPPENED_MS);
  expect(calls()).toBe(expectedCalls);
}

describe('expired tokens', () => {
  it('refuses an expired token with a terminal token_expired error and asks for no other token', async () => {
    server = await startServer();
    const { client, calls } = clientWith(() => mintToken({ name: 'alice', room: ROOM, exp: nowSeconds() - 60 }));
    await expectStopped(client, outcome(client.start()), 'token_expired', () => calls.length, 1);
    expect(client.error?.message).toMatch(/expired/);
  });

  it('keeps a client connected past its expiry; the next connection gets a fresh token and keeps id, outbox and document', async () => {
    server = await startServer();
    let offline: Promise<void> = Promise.resolve();
    let goOnline = (): void => {};
    // Every token lives 2 s, as a short-lived token from an app's backend would.
    const expiries: number[] = [];
    const { client: alice, calls } = clientWith(
      () => {
        expiries.push(nowSeconds() + 2);
        return mintToken({ name: 'alice', room: ROOM, exp: expiries.at(-1)! });
      },
      { gate: () => offline },
    );
    const bob = bobClient();
    await Promise.all([alice.start(), bob.start()]);
    await Promise.all([alice.messaging.enable(), bob.messaging.enable()]);
    const received: RoomMessage[] = [];
    bob.messaging.on('message', (message) => received.push(message));
    const schema = listSchema();
    const a = await alice.sync.open('notes.doc', { schema });
    const b = await bob.sync.open('notes.doc', { schema });
    const aliceId = alice.localParticipant.id;

    // The server checks the token at the handshake only: past its expiry alice is still in the room.
    await until(() => nowSeconds(), (now) => now > expiries[0]! + 1, 6_000);
    expect(alice.status).toBe('connected');
    await alice.messaging.broadcastMessage({ type: 'chat', message: { text: 'after expiry' } });
    a.root.createChildElement('item', { label: 'after-expiry' });
    await until(() => labelSet(b), (labels) => labels.includes('after-expiry'));
    await until(() => received.map((m) => m.message['text']), (texts) => texts.includes('after expiry'));

    // Now the socket drops; alice works offline until her token endpoint answers again.
    offline = new Promise<void>((resolve) => (goOnline = resolve));
    dropSocket(alice);
    await until(() => alice.status, (status) => status === 'reconnecting');
    const queued = alice.messaging.broadcastMessage({ type: 'chat', message: { text: 'queued while offline' } });
    a.root.createChildElement('item', { label: 'offline-alice' });
    b.root.createChildElement('item', { label: 'while-away-bob' });
    const reconnected = new Promise<void>((resolve) => alice.on('reconnected', () => resolve()));
    goOnline();
    await reconnected;

    expect(calls).toHaveLength(2);
    expect(calls[1]).not.toBe(calls[0]);
    expect(expiries[1]).toBeGreaterThan(expiries[0]!);
    expect(alice.localParticipant.id).toBe(aliceId);
    await expect(queued).resolves.toBeUndefined();
    await until(() => received.filter((m) => m.message['text'] === 'queued while offline').length, (n) => n === 1);
    expect(received.every((m) => m.fromParticipantId === aliceId)).toBe(true);
    const all = ['after-expiry', 'offline-alice', 'while-away-bob'];
    expect(labelSet(a)).toEqual(all);
    await until(() => labelSet(b), (labels) => labels.join() === all.join());
    // Still syncing on the new connection, both ways.
    b.root.createChildElement('item', { label: 'after-reconnect' });
    await until(() => labelSet(a), (labels) => labels.includes('after-reconnect'));
    expect(received.filter((m) => m.message['text'] === 'queued while offline')).toHaveLength(1);
  });

  it('asks authorization() again at once when the token it got on a reconnect had already expired', async () => {
    server = await startServer();
    let first = '';
    // An app that caches its token: the second call hands back the first, expired by then.
    const { client: alice, calls } = clientWith(async (call) => {
      if (call === 1) return (first = await mintToken({ name: 'alice', room: ROOM, exp: nowSeconds() + 1 }));
      if (call === 2) return first;
      return mintToken({ name: 'alice', room: ROOM, exp: nowSeconds() + 3600 });
    });
    await alice.start();
    const aliceId = alice.localParticipant.id;
    const errors: (string | undefined)[] = [];
    alice.on('change', () => errors.push(alice.error?.code));
    await until(() => nowSeconds(), (now) => now > 1 + JSON.parse(atob(first.split('.')[1]!)).exp, 5_000);
    dropSocket(alice);
    await until(() => calls.length, (n) => n === 3);
    await until(() => alice.status, (status) => status === 'connected');
    expect(errors).toContain('token_expired');
    expect(alice.localParticipant.id).toBe(aliceId);
  });
});

describe('a revoked grant takes effect on the next reconnect', () => {
  /** Alice connects with a full token; every later authorization() answers `revoked()`. */
  async function revokeAfterFirstConnection(revoked: () => Promise<string>) {
    server = await startServer();
    const { client: alice, calls } = clientWith((call) => (call === 1 ? mintToken({ name: 'alice', room: ROOM }) : revoked()));
    await alice.start();
    await alice.messaging.enable();
    return { alice, calls };
  }

  /** Broadcasts the moment the connection is lost, so the send surely waits in the outbox. */
  function sendWhenLost(client: RoomClient, text: string): Promise<unknown> {
    return new Promise((resolve) => {
      const off = client.on('connection_lost', () => {
        off();
        resolve(outcome(client.messaging.broadcastMessage({ type: 'chat', message: { text } })));
      });
    });
  }

  it('refuses a token for another room with a terminal permission_denied and rejects the queued sends', async () => {
    const { alice, calls } = await revokeAfterFirstConnection(() => mintToken({ name: 'alice', room: 'another-room' }));
    const stopped = stoppedWith(alice);
    const queued = sendWhenLost(alice, 'never sent');
    dropSocket(alice);
    await expectStopped(alice, stopped, 'permission_denied', () => calls.length, 2);
    expect(await queued).toMatchObject({ code: 'permission_denied' });
  });

  it('refuses a token without a room grant with a terminal permission_denied', async () => {
    const { alice, calls } = await revokeAfterFirstConnection(() => sign({ name: 'alice', grants: [{ name: 'api', scope: defaultApiScope() }] }));
    const stopped = stoppedWith(alice);
    dropSocket(alice);
    await expectStopped(alice, stopped, 'permission_denied', () => calls.length, 2);
  });

  it('admits a token without the api grant, but every room API answers PermissionError and nothing is retried', async () => {
    const { alice, calls } = await revokeAfterFirstConnection(() => sign({ name: 'alice', grants: [{ name: 'room', scope: ROOM }] }));
    const aliceId = alice.localParticipant.id;
    const queued = sendWhenLost(alice, 'refused');
    const back = new Promise<void>((resolve) => alice.on('reconnected', () => resolve()));
    dropSocket(alice);
    await back;
    // The outbox learns the grant is gone: the queued send and messaging itself are refused.
    expect(await queued).toBeInstanceOf(PermissionError);
    await until(() => alice.messaging.isEnabled, (enabled) => !enabled);
    await expect(alice.messaging.enable()).rejects.toBeInstanceOf(PermissionError);
    expect(alice.localParticipant.id).toBe(aliceId);
    await sleep(RETRY_WOULD_HAVE_HAPPENED_MS);
    expect(calls).toHaveLength(2);
    expect(alice.status).toBe('connected');
  });
});

describe('garbage tokens reach the app as a typed, terminal error', () => {
  const header = (fields: object): string => Buffer.from(JSON.stringify(fields)).toString('base64url');
  const claims = { name: 'alice', grants: [{ name: 'room', scope: ROOM }, { name: 'api', scope: defaultApiScope() }] };
  const cases: Record<string, () => Promise<string>> = {
    'not a JWT': async () => 'definitely-not-a-jwt',
    'a wrong signature': () => sign(claims, { secret: 'another-secret' }),
    'alg none (unsigned)': async () => `${header({ alg: 'none', typ: 'JWT' })}.${header(claims)}.`,
    'alg HS512 with the right secret': () => sign(claims, { alg: 'HS512' }),
    'no name claim': () => sign({ grants: claims.grants }),
    'no grants claim': () => sign({ name: 'alice' }),
    'grants that are not a list': () => sign({ name: 'alice', grants: { room: ROOM } }),
    'an exp that is not a number': () => sign({ ...claims, exp: 'tomorrow' }),
  };

  it.each(Object.keys(cases))('refuses %s with unauthorized', async (name) => {
    server = await startServer();
    const { client, calls } = clientWith(cases[name]!);
    await expectStopped(client, outcome(client.start()), 'unauthorized', () => calls.length, 1);
  });
});
