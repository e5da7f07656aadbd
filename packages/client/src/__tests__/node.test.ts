import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MessageType, encodeMessage, pack } from '@convene/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { RoomClient, nodeTransport } from '../node.js';

// Real sockets on port 0: the only place the `ws` transport can be checked honestly.

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}/rooms/demo`;
}

describe('nodeTransport', () => {
  it('sends the token as a Bearer header and connects a RoomClient', async () => {
    const server = createServer();
    const wss = new WebSocketServer({ server });
    const seen: { authorization?: string; url?: string } = {};
    wss.on('connection', (socket, request) => {
      seen.authorization = request.headers.authorization;
      seen.url = request.url;
      const send = (id: number, type: string, header: unknown) => {
        for (const frame of encodeMessage({ id, type, data: pack(header) })) socket.send(frame);
      };
      send(0, MessageType.RoomReady, { room_name: 'demo', room_url: 'x', session_id: 's' });
      send(1, MessageType.Connected, { type: 'init', participantId: 'p1', attributes: { name: 'alice' } });
    });
    const url = await listen(server);
    const client = new RoomClient({ authorization: async () => ({ url, jwt: 'the.jwt.value' }), transport: nodeTransport() });
    await client.start();
    expect(seen.authorization).toBe('Bearer the.jwt.value');
    expect(seen.url).toMatch(/^\/rooms\/demo\?resume=[A-Za-z0-9_-]{22}$/);
    expect(client.localParticipant.name).toBe('alice');
    client.dispose();
    wss.close();
  });

  it.each([
    [401, 'unauthorized'],
    [403, 'permission_denied'],
  ])('turns HTTP %i at the handshake into a terminal error without crashing', async (status, code) => {
    const server = createServer((_request, response) => response.writeHead(status).end());
    server.on('upgrade', (_request, socket) => {
      socket.end(`HTTP/1.1 ${status} Refused\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    });
    const url = await listen(server);
    const client = new RoomClient({ authorization: async () => ({ url, jwt: 'bad' }), transport: nodeTransport() });
    await expect(client.start()).rejects.toMatchObject({ name: 'ConnectionError', code, terminal: true });
    expect(client.status).toBe('disconnected');
  });

  it('retries when nothing listens, and can be disposed while retrying', async () => {
    const server = createServer();
    const url = await listen(server);
    await new Promise((resolve) => server.close(resolve));
    servers.length = 0;
    const client = new RoomClient({ authorization: async () => ({ url, jwt: 'j' }), transport: nodeTransport() });
    const started = client.start();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(['connecting', 'authorizing']).toContain(client.status);
    expect(client.error).toMatchObject({ code: 'connection_failed', terminal: false });
    client.dispose();
    await expect(started).rejects.toMatchObject({ code: 'disposed' });
  });
});
