import { MessageType, encodeMessage, pack } from '@convene/protocol';
import { describe, expect, it, vi } from 'vitest';
import { RoomClient } from '../room-client.js';
import type { TransportCloseEvent } from '../transport.js';
import { webSocketTransport, type WebSocketLikeConstructor } from '../web-socket-transport.js';
import { flush } from './fake-room.js';

/** Just enough of the browser WebSocket to drive the transport. */
class FakeBrowserSocket {
  static last: FakeBrowserSocket;
  binaryType = 'blob';
  bufferedAmount = 0;
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: (() => void) | null = null;
  sent: Uint8Array[] = [];
  closes: unknown[][] = [];
  constructor(
    readonly url: string,
    readonly protocols: string[],
  ) {
    FakeBrowserSocket.last = this;
  }
  send(data: Uint8Array): void {
    this.sent.push(data);
  }
  close(...args: unknown[]): void {
    const code = args[0] as number | undefined;
    // Browsers throw InvalidAccessError for codes scripts may not send.
    if (code !== undefined && code !== 1000 && (code < 3000 || code > 4999)) throw new Error('InvalidAccessError');
    this.closes.push(args);
  }
}
const Ctor = FakeBrowserSocket as unknown as WebSocketLikeConstructor;

function open() {
  const frames: number[][] = [];
  const closes: TransportCloseEvent[] = [];
  const transport = webSocketTransport(Ctor)(
    { url: 'wss://host/rooms/demo?resume=k', jwt: 'header.payload.sig' },
    { onOpen: vi.fn(), onMessage: (frame) => frames.push([...frame]), onClose: (event) => closes.push(event) },
  );
  return { transport, socket: FakeBrowserSocket.last, frames, closes };
}

describe('webSocketTransport', () => {
  it('carries the token as the meshagent-room subprotocol, not in the URL, and reads binary as ArrayBuffer', () => {
    const { socket } = open();
    expect(socket.url).toBe('wss://host/rooms/demo?resume=k');
    expect(socket.protocols).toEqual(['meshagent-room.header.payload.sig']);
    expect(socket.binaryType).toBe('arraybuffer');
  });

  it('delivers ArrayBuffer, Blob and text frames in arrival order', async () => {
    const { socket, frames } = open();
    socket.onmessage!({ data: new Uint8Array([1]).buffer });
    socket.onmessage!({ data: new Blob([new Uint8Array([2, 2])]) });
    socket.onmessage!({ data: new Uint8Array([3]).buffer });
    socket.onmessage!({ data: 'A' });
    await vi.waitFor(() => expect(frames).toHaveLength(4));
    expect(frames).toEqual([[1], [2, 2], [3], [65]]);
  });

  it('reports close exactly once, after frames still being converted', async () => {
    const { socket, frames, closes } = open();
    socket.onmessage!({ data: new Blob([new Uint8Array([9])]) });
    socket.onclose!({ code: 1006, reason: '' });
    socket.onclose!({ code: 1006, reason: '' });
    await vi.waitFor(() => expect(closes).toHaveLength(1));
    expect(frames).toEqual([[9]]);
    expect(closes[0]).toEqual({ code: 1006, reason: '' });
  });

  it('falls back to a plain close for codes browsers refuse', () => {
    const { transport, socket } = open();
    transport.close(1002, 'protocol_error: bad frame');
    expect(socket.closes).toEqual([[]]);
    transport.close(4008, 'timeout');
    expect(socket.closes[1]).toEqual([4008, 'timeout']);
  });

  it('connects a RoomClient end to end', async () => {
    const client = new RoomClient({
      authorization: async () => ({ url: 'wss://host/rooms/demo', jwt: 'j' }),
      transport: webSocketTransport(Ctor),
    });
    const started = client.start();
    await flush();
    const socket = FakeBrowserSocket.last;
    socket.onopen!();
    const send = (type: string, header: unknown) => {
      for (const frame of encodeMessage({ id: 1, type, data: pack(header) })) socket.onmessage!({ data: frame.slice().buffer });
    };
    send(MessageType.RoomReady, { room_name: 'demo', room_url: 'wss://host/rooms/demo', session_id: 's' });
    send(MessageType.Connected, { type: 'init', participantId: 'p1', attributes: {} });
    await started;
    expect(client.status).toBe('connected');
    client.dispose();
    expect(socket.closes).toEqual([[1000, 'disposed']]);
  });
});
