import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { RoomServer, wsServerSocket } from '@convene/server';
import { RawClient } from './support/raw-client.js';
import { SECRET } from './support/server.js';
import { mintToken } from './support/tokens.js';

/**
 * The embedding path of RoomServer's documentation: the app's own `ws` server (plain `WebSocket`
 * sockets, not the ones `createRoomServer` makes) handing each socket to the core through
 * `wsServerSocket`, with and without the raw TCP socket.
 */
let http: Server | undefined;
let core: RoomServer | undefined;
afterEach(async () => {
  await core?.shutdown();
  const closing = new Promise<void>((resolve) => (http ? http.close(() => resolve()) : resolve()));
  http?.closeAllConnections();
  await closing;
  http = undefined;
  core = undefined;
});

async function embed(raw: boolean): Promise<string> {
  const server = new RoomServer({ secret: SECRET });
  core = server;
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, handleProtocols: () => false });
  http = createServer();
  http.on('upgrade', (req, socket, head) => {
    wss.handleUpgrade(req, socket, head, (ws) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const headers = req.headers as Record<string, string | undefined>;
      void server.accept(wsServerSocket(ws, raw ? socket : undefined), { path: url.pathname, query: url.searchParams, headers, protocols: [], baseUrl: 'ws://localhost' });
    });
  });
  await new Promise<void>((resolve) => http!.listen(0, '127.0.0.1', resolve));
  return `ws://127.0.0.1:${(http.address() as AddressInfo).port}`;
}

describe.each([false, true])('a RoomServer behind the app\'s own ws server (raw socket: %s)', (raw) => {
  it('admits participants, relays a broadcast and counts them out when they leave', async () => {
    const url = await embed(raw);
    const alice = await RawClient.connect(`${url}/rooms/embedded`, await mintToken({ name: 'alice', room: 'embedded' }));
    const bob = await RawClient.connect(`${url}/rooms/embedded`, await mintToken({ name: 'bob', room: 'embedded' }));
    const [a, b] = await Promise.all([alice.startup(), bob.startup()]);
    expect(a.connected).toMatchObject({ type: 'init', attributes: { name: 'alice' } });
    expect(b.roomReady['room_name']).toBe('embedded');
    expect(core!.connectionCount).toBe(2);

    expect(await alice.invoke('messaging', 'enable', {})).toEqual({ type: 'empty' });
    expect(await bob.invoke('messaging', 'enable', {})).toEqual({ type: 'empty' });
    expect(await alice.invoke('messaging', 'broadcast', { type: 'hello', message_json: JSON.stringify({ text: 'from alice' }) })).toEqual({ type: 'empty' });
    const received = await bob.waitFor((m) => m.type === 'messaging.send' && (m.header as { type?: string }).type === 'hello');
    expect(received.header).toMatchObject({ message: { text: 'from alice' } });

    alice.close();
    await expect.poll(() => core!.connectionCount).toBe(1);
    bob.close();
    await expect.poll(() => core!.connectionCount).toBe(0);
  });
});
