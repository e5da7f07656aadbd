import { ConnectionError } from '@convene/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ReconnectOptions } from '../backoff.js';
import { RoomClient } from '../room-client.js';
import { ROOM_URL, fakeTransport, flush, type FakeTransport } from './fake-room.js';

// The connection state machine, driven through RoomClient the way an app sees it.

function setup(reconnect?: ReconnectOptions, connectTimeoutMs?: number) {
  const transport = fakeTransport();
  let n = 0;
  const authorization = vi.fn(async () => ({ url: ROOM_URL, jwt: `jwt-${++n}` }));
  const client = new RoomClient({
    authorization,
    transport: transport.factory,
    ...(reconnect && { reconnect }),
    ...(connectTimeoutMs !== undefined && { connectTimeoutMs }),
  });
  return { client, transport, authorization };
}

async function connected(transport: FakeTransport, client: RoomClient): Promise<void> {
  const started = client.start();
  await flush();
  transport.last.accept();
  await started;
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe('reconnect with backoff', () => {
  it('waits exponentially longer, jittered, and authorizes again before every attempt', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0); // lowest jitter: a fifth of the nominal delay
    const { client, transport, authorization } = setup();
    await connected(transport, client);
    const waits: number[] = [];
    for (let attempt = 0; attempt < 4; attempt++) {
      transport.last.serverClose(1006, '');
      const before = transport.sockets.length;
      let waited = 0;
      while (transport.sockets.length === before) {
        await vi.advanceTimersByTimeAsync(1);
        waited++;
      }
      waits.push(waited);
      expect(client.status).toBe('reconnecting');
    }
    expect(waits).toEqual([100, 200, 400, 800]);
    expect(authorization).toHaveBeenCalledTimes(5);
    expect(transport.sockets.map((s) => s.jwt)).toEqual(['jwt-1', 'jwt-2', 'jwt-3', 'jwt-4', 'jwt-5']);
    client.dispose();
  });

  it('spreads delays across [0.2, 1] of the nominal value and caps them', async () => {
    const random = vi.spyOn(Math, 'random').mockReturnValue(0.999);
    const { client, transport } = setup({ initialDelayMs: 1000, maxDelayMs: 3000 });
    await connected(transport, client);
    transport.last.serverClose(1001, 'server_shutdown: restarting');
    await vi.advanceTimersByTimeAsync(998);
    expect(transport.sockets).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(2);
    expect(transport.sockets).toHaveLength(2);
    random.mockReturnValue(0.5);
    transport.last.serverClose(1006, ''); // retry 1: nominal 2000 → 1200
    await vi.advanceTimersByTimeAsync(1199);
    expect(transport.sockets).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(transport.sockets).toHaveLength(3);
    transport.last.serverClose(1006, ''); // retry 2: nominal 4000, capped at 3000 → 1800
    await vi.advanceTimersByTimeAsync(1799);
    expect(transport.sockets).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(1);
    expect(transport.sockets).toHaveLength(4);
    client.dispose();
  });

  it('retries transient failures before the first connection with status connecting', async () => {
    const { client, transport } = setup();
    const started = client.start();
    await flush();
    transport.last.serverClose(1013, 'room_full: 500 participants');
    expect(client.status).toBe('connecting');
    expect(client.error).toMatchObject({ code: 'room_full', terminal: false });
    await vi.advanceTimersByTimeAsync(500);
    transport.last.accept();
    await expect(started).resolves.toBeUndefined();
    expect(client.error).toBeNull();
  });

  it('gives up after maxAttempts retries', async () => {
    const { client, transport } = setup({ maxAttempts: 2 });
    const started = client.start();
    started.catch(() => {});
    await flush();
    transport.last.serverClose(1006, '');
    await vi.advanceTimersByTimeAsync(500);
    transport.last.serverClose(1006, '');
    await vi.advanceTimersByTimeAsync(1000);
    transport.last.serverClose(1006, '');
    await expect(started).rejects.toBeInstanceOf(ConnectionError);
    expect(client.status).toBe('disconnected');
    expect(client.error?.message).toMatch(/gave up after 2 reconnect attempts/);
    expect(transport.sockets).toHaveLength(3);
  });

  it('does not retry when reconnect is disabled', async () => {
    const { client, transport } = setup({ enabled: false });
    await connected(transport, client);
    transport.last.serverClose(1006, '');
    expect(client.status).toBe('disconnected');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(transport.sockets).toHaveLength(1);
  });

  it('drops an attempt that never becomes ready and retries it', async () => {
    const { client, transport } = setup(undefined, 1000);
    void client.start();
    await flush();
    transport.last.open();
    await vi.advanceTimersByTimeAsync(1000);
    expect(transport.sockets[0]!.closedByClient?.code).toBe(4008);
    expect(client.error).toMatchObject({ code: 'timeout' });
    await vi.advanceTimersByTimeAsync(500);
    expect(transport.sockets).toHaveLength(2);
    client.dispose();
  });
});

describe('terminal outcomes', () => {
  it('stops on close 1000 and turns the reason into a typed ConnectionError', async () => {
    const { client, transport } = setup();
    const started = client.start();
    await flush();
    transport.last.open();
    transport.last.refuse('permission_denied', 'token is for room "other"');
    const error = await started.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ code: 'permission_denied', message: 'token is for room "other"', terminal: true });
    expect(client.status).toBe('disconnected');
    expect(client.error).toBe(error);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(transport.sockets).toHaveLength(1);
  });

  it('stops when the server closes a live session with 1000', async () => {
    const { client, transport } = setup();
    await connected(transport, client);
    const lost: ConnectionError[] = [];
    client.on('connection_lost', (error) => lost.push(error));
    transport.last.serverClose(1000, 'session ended');
    expect(lost).toHaveLength(1);
    expect(client.status).toBe('disconnected');
    expect(client.error).toMatchObject({ code: 'disconnected', message: 'session ended', terminal: true });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(transport.sockets).toHaveLength(1);
  });

  it.each([
    [401, 'unauthorized'],
    [403, 'permission_denied'],
    [404, 'not_found'],
  ])('stops on HTTP %i at the handshake', async (httpStatus, code) => {
    const { client, transport } = setup();
    const started = client.start();
    await flush();
    transport.last.serverClose(1006, '', httpStatus);
    await expect(started).rejects.toMatchObject({ name: 'ConnectionError', code, terminal: true });
    expect(client.status).toBe('disconnected');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(transport.sockets).toHaveLength(1);
  });

  it('retries other HTTP statuses', async () => {
    const { client, transport } = setup();
    void client.start();
    await flush();
    transport.last.serverClose(1006, '', 502);
    expect(client.status).toBe('connecting');
    expect(client.error).toMatchObject({ code: 'connection_failed' });
    await vi.advanceTimersByTimeAsync(500);
    expect(transport.sockets).toHaveLength(2);
    client.dispose();
  });

  it('stops when replaced by another connection of the same participant (4000)', async () => {
    const { client, transport } = setup();
    await connected(transport, client);
    transport.last.serverClose(4000, 'replaced by a newer connection');
    expect(client.status).toBe('disconnected');
    expect(client.error).toMatchObject({ code: 'replaced', terminal: true, message: 'replaced by a newer connection' });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(transport.sockets).toHaveLength(1);
  });

  it('retries with backoff when authorization() throws, and connects once it succeeds', async () => {
    const transport = fakeTransport();
    let calls = 0;
    const client = new RoomClient({
      authorization: async () => {
        calls++;
        if (calls < 3) throw new Error('backend unavailable');
        return { url: ROOM_URL, jwt: 'j' };
      },
      transport: transport.factory,
    });
    void client.start();
    await flush();
    expect(client.error).toMatchObject({ code: 'unauthorized', terminal: false });
    expect(client.status).toBe('connecting');
    expect(transport.sockets).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(calls).toBe(3);
    expect(transport.sockets).toHaveLength(1);
    await connected(transport, client);
    expect(client.status).toBe('connected');
    expect(client.error).toBeNull();
  });

  it('stops when authorization() throws a terminal ConnectionError', async () => {
    const transport = fakeTransport();
    const cause = new ConnectionError('unauthorized', 'signed out', { terminal: true });
    const client = new RoomClient({ authorization: () => Promise.reject(cause), transport: transport.factory });
    const error = await client.start().catch((e: unknown) => e);
    expect(error).toBe(cause);
    expect(transport.sockets).toHaveLength(0);
    expect(client.status).toBe('disconnected');
  });

  it('never leaves ready as an unhandled rejection', async () => {
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    try {
      vi.useRealTimers();
      const { client, transport } = setup();
      void client.start(); // no catch, as MeshAgent users often write it
      await flush();
      transport.last.refuse('unauthorized', 'bad token');
      expect(client.status).toBe('disconnected');
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });
});

describe('expired tokens', () => {
  it('on a reconnect, asks authorization() again at once and connects with the new token', async () => {
    const { client, transport, authorization } = setup();
    await connected(transport, client);
    transport.last.serverClose(1006, '');
    await vi.advanceTimersByTimeAsync(500);
    expect(transport.last.jwt).toBe('jwt-2');
    transport.last.open();
    transport.last.refuse('token_expired', 'token expired');
    await flush();
    expect(transport.sockets).toHaveLength(3); // no backoff wait
    expect(transport.last.jwt).toBe('jwt-3');
    expect(authorization).toHaveBeenCalledTimes(3);
    transport.last.accept();
    await flush();
    expect(client.status).toBe('connected');
  });

  it('stops when the freshly authorized attempt is refused as expired too', async () => {
    const { client, transport } = setup();
    await connected(transport, client);
    transport.last.serverClose(1006, '');
    await vi.advanceTimersByTimeAsync(500);
    transport.last.refuse('token_expired', 'token expired');
    await flush();
    transport.last.refuse('token_expired', 'token expired');
    await flush();
    expect(client.status).toBe('disconnected');
    expect(client.error).toMatchObject({ code: 'token_expired', terminal: true });
    expect(transport.sockets).toHaveLength(3);
  });

  it('is terminal on the very first connection', async () => {
    const { client, transport } = setup();
    const started = client.start();
    await flush();
    transport.last.refuse('token_expired', 'token expired');
    await expect(started).rejects.toMatchObject({ code: 'token_expired', terminal: true });
    expect(transport.sockets).toHaveLength(1);
  });
});
