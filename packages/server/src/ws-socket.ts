import type { WebSocket } from 'ws';
import type { ServerSocket } from './server-socket.js';

/** Adapts a `ws` socket to the core's {@link ServerSocket}. */
export function wsServerSocket(ws: WebSocket): ServerSocket {
  return {
    send: (frame) => ws.send(frame, { binary: true }),
    close: (code, reason) => {
      if (ws.readyState === ws.CLOSING || ws.readyState === ws.CLOSED) return;
      ws.close(code, reason);
      // A peer that never answers the close handshake must not keep the socket alive.
      setTimeout(() => ws.terminate(), 2_000).unref();
    },
    get bufferedAmount() {
      return ws.bufferedAmount;
    },
    onMessage: (listener) => {
      ws.on('message', (data) => {
        // Text frames are tolerated as UTF-8 bytes, as MeshAgent's client tolerates them.
        const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
        listener(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      });
    },
    onClose: (listener) => {
      ws.on('close', listener);
    },
  };
}
