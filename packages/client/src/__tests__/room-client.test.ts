import '../all.js'; // registers room.storage and the other opt-in APIs
import {
  ConnectionError,
  MessageType,
  PermissionError,
  RoomError,
  TimeoutError,
  errorContent,
  pack,
} from '@convene/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RoomClient } from '../room-client.js';
import type { RoomStatus } from '../connection-types.js';
import { ROOM_URL, fakeTransport, flush, type FakeTransport } from './fake-room.js';

function setup(jwt = 'jwt-1'): { client: RoomClient; transport: FakeTransport; authorization: ReturnType<typeof vi.fn> } {
  const transport = fakeTransport();
  const authorization = vi.fn(async () => ({ url: ROOM_URL, jwt }));
  const client = new RoomClient({ authorization, transport: transport.factory });
  return { client, transport, authorization };
}

async function connect(): Promise<{ client: RoomClient; transport: FakeTransport }> {
  const { client, transport } = setup();
  const started = client.start();
  await flush();
  transport.last.accept();
  await started;
  return { client, transport };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('RoomClient startup', () => {
  it('resolves start() after room_ready then connected, and exposes the room facts', async () => {
    const { client, transport } = setup();
    const statuses: RoomStatus[] = [];
    client.on('status', (status) => statuses.push(status));
    const started = client.start();
    await flush();
    transport.last.open();
    transport.last.roomReady('demo');
    await flush();
    expect(client.status).toBe('connecting');
    transport.last.connected('p7', { name: 'alice' });
    await expect(started).resolves.toBeUndefined();
    expect(client.status).toBe('connected');
    expect(statuses).toEqual(['authorizing', 'connecting', 'connected']);
    expect(client.roomName).toBe('demo');
    expect(client.roomUrl).toBe('ws://test/rooms/demo');
    expect(client.sessionId).toBe('sess-1');
    expect(client.localParticipant.id).toBe('p7');
    expect(client.localParticipant.name).toBe('alice');
  });

  it('resolves start() when connected arrives before room_ready', async () => {
    const { client, transport } = setup();
    const started = client.start();
    await flush();
    transport.last.open();
    transport.last.connected('p2');
    let resolved = false;
    void started.then(() => (resolved = true));
    await flush();
    expect(resolved).toBe(false);
    transport.last.roomReady();
    await started;
    expect(client.ready).toBe(client.ready);
    await expect(client.ready).resolves.toBeUndefined();
  });

  it('sends the token to the transport and a stable resume key in the URL', async () => {
    const { transport } = await connect();
    expect(transport.last.jwt).toBe('jwt-1');
    expect(transport.last.url.startsWith('ws://test/rooms/demo?resume=')).toBe(true);
    expect(transport.last.query.get('resume')).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(transport.last.query.get('token')).toBeNull();
  });

  it('accepts roomUrl and rewrites http to ws', async () => {
    const transport = fakeTransport();
    const client = new RoomClient({
      authorization: async () => ({ roomUrl: 'http://host:9/rooms/x', jwt: 'j' }),
      transport: transport.factory,
      resumeKey: 'my-resume-key-0123456789',
    });
    void client.start();
    await flush();
    expect(transport.last.url).toBe('ws://host:9/rooms/x?resume=my-resume-key-0123456789');
    client.dispose();
  });

  it('rejects start() with a clear TypeError when there is no WebSocket and no transport', async () => {
    vi.stubGlobal('WebSocket', undefined);
    try {
      const client = new RoomClient({ authorization: async () => ({ url: ROOM_URL, jwt: 'j' }) });
      await expect(client.start()).rejects.toThrow(/nodeTransport\(\)/);
      expect(client.status).toBe('idle');
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('refuses a malformed resume key', () => {
    expect(() => new RoomClient({ authorization: async () => ({ url: ROOM_URL, jwt: 'j' }), resumeKey: 'short' })).toThrow(
      TypeError,
    );
  });
});

describe('RoomClient requests', () => {
  it('invokes a tool and resolves with the response Content', async () => {
    const { client, transport } = await connect();
    const result = client.invoke({ toolkit: 'storage', tool: 'list', arguments: { path: '/' } });
    await flush();
    const [sent] = transport.last.invokes('list');
    expect(sent!.id).toBe(0);
    expect(sent!.header).toEqual({ toolkit: 'storage', tool: 'list', arguments: { type: 'json', json: { path: '/' } } });
    transport.last.respond(sent!.id, { type: 'json', json: { files: [] } });
    await expect(result).resolves.toEqual({ type: 'json', json: { files: [] } });
  });

  it('sends a binary Content argument as the message tail', async () => {
    const { client, transport } = await connect();
    void client.invoke({ toolkit: 't', tool: 'x', arguments: { type: 'binary', headers: { a: 1 }, data: new Uint8Array([1, 2]) } });
    await flush();
    const [sent] = transport.last.invokes('x');
    expect(sent!.header['arguments']).toEqual({ type: 'binary', headers: { a: 1 } });
    expect([...sent!.payload]).toEqual([1, 2]);
  });

  it('rejects with a typed error carrying the code from an error Content', async () => {
    const { client, transport } = await connect();
    const notFound = client.invoke({ toolkit: 'storage', tool: 'stat' });
    const denied = client.invoke({ toolkit: 'storage', tool: 'delete' });
    await flush();
    transport.last.respond(transport.last.invokes('stat')[0]!.id, errorContent('not_found', 'no such file'));
    transport.last.respond(transport.last.invokes('delete')[0]!.id, errorContent('permission_denied', 'read only'));
    const error = await notFound.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RoomError);
    expect(error).toMatchObject({ code: 'not_found', message: 'no such file' });
    const permission = await denied.catch((e: unknown) => e);
    expect(permission).toBeInstanceOf(PermissionError);
    expect(permission).toMatchObject({ code: 'permission_denied' });
  });

  it('times out a request with TimeoutError and ignores the late response', async () => {
    vi.useFakeTimers();
    const { client, transport } = await connect();
    const pending = client.invoke({ toolkit: 'queues', tool: 'receive' }, { timeout: 500 });
    const outcome = pending.catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(499);
    transport.last.respond(99, { type: 'empty' }); // someone else's id: no effect
    await vi.advanceTimersByTimeAsync(1);
    const error = await outcome;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ code: 'timeout' });
    transport.last.respond(transport.last.invokes('receive')[0]!.id, { type: 'empty' });
    expect(client.status).toBe('connected');
  });

  it('rejects with RoomError("aborted") when the signal aborts, before or after sending', async () => {
    const { client, transport } = await connect();
    const controller = new AbortController();
    const pending = client.invoke({ toolkit: 'x', tool: 'slow' }, { signal: controller.signal });
    await flush();
    expect(transport.last.invokes('slow')).toHaveLength(1);
    controller.abort(new Error('user left'));
    await expect(pending).rejects.toMatchObject({ name: 'RoomError', code: 'aborted' });
    const early = client.invoke({ toolkit: 'x', tool: 'never' }, { signal: AbortSignal.abort() });
    await expect(early).rejects.toMatchObject({ code: 'aborted' });
    await flush();
    expect(transport.last.invokes('never')).toHaveLength(0);
  });

  it('waits for the connection before sending a request made while connecting', async () => {
    const { client, transport } = setup();
    const pending = client.invoke({ toolkit: 'x', tool: 'early' });
    void client.start();
    await flush();
    expect(transport.last.sent).toHaveLength(0);
    transport.last.accept();
    await flush();
    const [sent] = transport.last.invokes('early');
    transport.last.respond(sent!.id, { type: 'text', text: 'ok' });
    await expect(pending).resolves.toEqual({ type: 'text', text: 'ok' });
  });

  it('rejects pending requests with a non-terminal ConnectionError when the connection drops', async () => {
    const { client, transport } = await connect();
    const pending = client.invoke({ toolkit: 'x', tool: 'y' });
    await flush();
    transport.last.serverClose(1006, '');
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ code: 'disconnected', terminal: false });
    expect(client.status).toBe('reconnecting');
    client.dispose();
  });

  it('numbers requests from 0 on every new socket', async () => {
    vi.useFakeTimers();
    const { client, transport } = await connect();
    void client.invoke({ toolkit: 'x', tool: 'a' }).catch(() => {});
    void client.invoke({ toolkit: 'x', tool: 'b' }).catch(() => {});
    await flush();
    expect(transport.last.sent.map((m) => m.id)).toEqual([0, 1]);
    transport.last.serverClose(1011, '');
    await vi.advanceTimersByTimeAsync(500);
    transport.last.accept();
    await flush();
    void client.invoke({ toolkit: 'x', tool: 'c' }).catch(() => {});
    await flush();
    expect(transport.sockets).toHaveLength(2);
    // The restore (set_attributes) goes first on the new socket, and ids start again at 0.
    expect(transport.last.sent.map((m) => [m.id, m.type])).toEqual([
      [0, MessageType.SetAttributes],
      [1, MessageType.InvokeTool],
    ]);
    client.dispose();
  });
});

describe('RoomClient events and lifecycle', () => {
  it('emits room_status and passes unknown messages to server_message or a registered handler', async () => {
    const { client, transport } = await connect();
    const statuses: unknown[] = [];
    const unknown: string[] = [];
    const files: unknown[] = [];
    client.on('room_status', (event) => statuses.push(event));
    client.on('server_message', (message) => unknown.push(message.type));
    const off = client.registerHandler('storage.file.updated', (message) => files.push(message.header));
    transport.last.push(MessageType.RoomStatus, { status: 'busy', message: 'reindexing' });
    transport.last.push('storage.file.updated', { path: 'a.txt', participant_id: 'p2' });
    transport.last.push('developer.log', { type: 'info', data: {} });
    off();
    transport.last.push('storage.file.updated', { path: 'b.txt' });
    expect(statuses).toEqual([{ status: 'busy', message: 'reindexing' }]);
    expect(files).toEqual([{ path: 'a.txt', participant_id: 'p2' }]);
    expect(unknown).toEqual(['developer.log', 'storage.file.updated']);
  });

  it('runs each handler of a type once per message, even when handlers come and go during a dispatch', async () => {
    const { client, transport } = await connect();
    const calls: string[] = [];
    const unknown: string[] = [];
    client.on('server_message', (message) => unknown.push(String((message.header as { n: number }).n)));
    const b = (message: { header: unknown }) => calls.push(`b${(message.header as { n: number }).n}`);
    let offB = (): void => {};
    const late = (message: { header: unknown }) => calls.push(`late${(message.header as { n: number }).n}`);
    const a = (message: { header: unknown }) => {
      calls.push(`a${(message.header as { n: number }).n}`);
      // Changes made during a dispatch apply from the next message on.
      offB();
      client.registerHandler('x.event', late);
    };
    const offA = client.registerHandler('x.event', a);
    client.registerHandler('x.event', a); // the same handler twice runs once
    offB = client.registerHandler('x.event', b);
    transport.last.push('x.event', { n: 1 });
    transport.last.push('x.event', { n: 2 });
    offB(); // already gone: nothing else changes
    offA();
    transport.last.push('x.event', { n: 3 });
    expect(calls).toEqual(['a1', 'b1', 'a2', 'late2', 'late3']);
    expect(unknown).toEqual([]);
    client.dispose();
  });

  it('closes with 1002 and reconnects after a framing error from the server', async () => {
    vi.useFakeTimers();
    const { client, transport } = await connect();
    const first = transport.last;
    first.handlers.onMessage(new Uint8Array([0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 3, 1])); // data frame without header
    expect(first.closedByClient?.code).toBe(1002);
    expect(client.status).toBe('reconnecting');
    expect(client.error).toMatchObject({ code: 'protocol_error', terminal: false });
    await vi.advanceTimersByTimeAsync(500);
    expect(transport.sockets).toHaveLength(2);
    client.dispose();
  });

  it('dispose() closes with 1000, rejects pending requests with disposed and ends disconnected', async () => {
    const { client, transport } = await connect();
    const pending = client.invoke({ toolkit: 'x', tool: 'y' });
    await flush();
    client.dispose();
    await expect(pending).rejects.toMatchObject({ name: 'ConnectionError', code: 'disposed' });
    expect(transport.last.closedByClient).toEqual({ code: 1000, reason: 'disposed' });
    expect(client.status).toBe('disconnected');
    await expect(client.invoke({ toolkit: 'x', tool: 'z' })).rejects.toMatchObject({ code: 'disposed' });
  });

  it('rejects start() with disposed when disposed while connecting', async () => {
    const { client } = setup();
    const started = client.start();
    client.dispose();
    await expect(started).rejects.toMatchObject({ code: 'disposed' });
  });

  it('keeps status and local attributes as the same references until they change', async () => {
    const { client, transport } = await connect();
    const attributes = client.localParticipant.attributes;
    let changes = 0;
    client.subscribe(() => changes++);
    expect(client.localParticipant.attributes).toBe(attributes);
    expect(client.status).toBe(client.status);
    client.localParticipant.setAttribute('color', 'teal');
    expect(changes).toBe(1);
    expect(client.localParticipant.attributes).not.toBe(attributes);
    expect(client.localParticipant.attributes).toEqual({ name: 'alice', color: 'teal' });
    expect(Object.isFrozen(client.localParticipant.attributes)).toBe(true);
    const set = transport.last.sent.filter((m) => m.type === MessageType.SetAttributes);
    expect(set.map((m) => m.header)).toEqual([{ color: 'teal' }]);
  });

  it('still updates attributes locally while disconnected and sends nothing', async () => {
    const { client, transport } = setup();
    client.localParticipant.setAttribute('typing', true);
    expect(client.localParticipant.attributes).toEqual({ typing: true });
    void client.start();
    await flush();
    transport.last.accept();
    await flush();
    // The first connection carries the attribute set before connecting.
    expect(transport.last.sent.map((m) => [m.type, m.header])).toEqual([[MessageType.SetAttributes, { name: 'alice', typing: true }]]);
    client.dispose();
  });

  it('treats a payload that does not unpack as a protocol error', async () => {
    const { client, transport } = await connect();
    transport.last.push('x', { ok: true });
    expect(client.status).toBe('connected');
    transport.last.handlers.onMessage(new Uint8Array([0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 120]));
    transport.last.handlers.onMessage(new Uint8Array([0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 9]));
    expect(transport.last.closedByClient?.code).toBe(1002);
    client.dispose();
  });

  it('writes requests in call order whether or not they carry a timeout or signal', async () => {
    const { client, transport } = await connect();
    const signal = new AbortController().signal;
    const calls = [
      client.invoke({ toolkit: 'x', tool: 'first' }, { timeout: 10_000 }),
      client.invoke({ toolkit: 'x', tool: 'second' }),
      client.invoke({ toolkit: 'x', tool: 'third' }, { signal }),
      client.invoke({ toolkit: 'x', tool: 'fourth' }),
    ];
    // Written before any await: nothing can overtake a request already made.
    expect(transport.last.sent.map((m) => m.header['tool'])).toEqual(['first', 'second', 'third', 'fourth']);
    for (const m of transport.last.sent) transport.last.respond(m.id, { type: 'text', text: String(m.header['tool']) });
    await expect(Promise.all(calls)).resolves.toEqual(['first', 'second', 'third', 'fourth'].map((text) => ({ type: 'text', text })));
  });

  it('exposes a generic request() for sub-clients', async () => {
    const { client, transport } = await connect();
    const result = client.request('room.list_toolkits', pack({}));
    await flush();
    transport.last.respond(0, { type: 'json', json: { tools: {} } });
    await expect(result).resolves.toEqual({ type: 'json', json: { tools: {} } });
  });
});
