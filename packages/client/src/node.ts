import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import WebSocket from 'ws';
import type { Transport, TransportCloseEvent, TransportFactory } from './transport.js';

// The Node entry point is every room API (agents and services use them all) plus a `ws`-based
// transport. Re-exporting the curated lists keeps one list of public names.
export * from './all.js';

/**
 * Transport for Node on the `ws` package. The JWT travels in an `Authorization: Bearer` header,
 * and a refused handshake reports its HTTP status (so 401/403/404 are terminal) instead of
 * crashing the process with an unhandled `error` event.
 *
 * @example
 * import { RoomClient, nodeTransport } from '@convene/client/node';
 * const room = new RoomClient({ authorization, transport: nodeTransport() });
 */
export function nodeTransport(): TransportFactory {
  return ({ url, jwt }, handlers) => {
    const socket = new WebSocket(url, { headers: { Authorization: `Bearer ${jwt}` } });
    let httpStatus: number | undefined;
    let closed = false;
    const reportClose = (event: TransportCloseEvent): void => {
      if (closed) return;
      closed = true;
      handlers.onClose(event);
    };

    socket.on('open', () => {
      if (!closed) handlers.onOpen();
    });
    socket.on('message', (data: WebSocket.RawData) => {
      if (closed) return;
      const bytes = Array.isArray(data) ? Buffer.concat(data) : data instanceof ArrayBuffer ? new Uint8Array(data) : data;
      handlers.onMessage(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    });
    // With this listener `ws` leaves aborting to us; terminate() then emits 'error' and 'close'.
    socket.on('unexpected-response', (_request, response) => {
      httpStatus = response.statusCode;
      socket.terminate();
    });
    // Always listen: an unhandled 'error' event would kill the process (PROTOCOL.md §1.2).
    socket.on('error', () => {});
    socket.on('close', (code: number, reason: Buffer) => {
      if (httpStatus !== undefined) {
        reportClose({ code: 1006, reason: `HTTP ${httpStatus}`, httpStatus });
      } else {
        reportClose({ code, reason: reason.toString('utf8') });
      }
    });

    // A protocol message is two WebSocket frames and a busy client sends several per tick: the
    // TCP socket is corked until the end of the tick so they leave in one write, not one each.
    let tcp: Duplex | undefined;
    socket.once('upgrade', (response: IncomingMessage) => {
      tcp = response.socket;
    });
    const uncork = (): void => void tcp?.uncork();
    const transport: Transport = {
      send(frame) {
        if (tcp && !tcp.writableCorked) {
          tcp.cork();
          process.nextTick(uncork);
        }
        socket.send(frame);
      },
      close(code = 1000, reason = '') {
        if (socket.readyState === WebSocket.CONNECTING) socket.terminate();
        else socket.close(code, reason);
      },
      get bufferedAmount() {
        return socket.bufferedAmount;
      },
    };
    return transport;
  };
}
