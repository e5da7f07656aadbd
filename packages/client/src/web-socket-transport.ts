import { reportError } from './report-error.js';
import type { Transport, TransportCloseEvent, TransportFactory } from './transport.js';

/** The subset of the browser `WebSocket` constructor this transport needs. */
export interface WebSocketLikeConstructor {
  new (url: string, protocols?: string | string[]): WebSocket;
}

/** Subprotocol prefix that carries the JWT, so the token never appears in URLs or logs. */
export const TOKEN_SUBPROTOCOL_PREFIX = 'meshagent-room.';

const encoder = new TextEncoder();

/**
 * Transport over the standard WebSocket API (browsers, Deno, Bun, Node 22+). The JWT travels as the
 * subprotocol `meshagent-room.<jwt>` because browsers cannot set an `Authorization` header.
 *
 * @example
 * const client = new RoomClient({ authorization, transport: webSocketTransport() });
 */
export function webSocketTransport(
  WebSocketCtor: WebSocketLikeConstructor | undefined = globalThis.WebSocket,
): TransportFactory {
  return ({ url, jwt }, handlers) => {
    if (WebSocketCtor === undefined) {
      throw new TypeError('no global WebSocket; pass a WebSocket constructor to webSocketTransport()');
    }
    const socket = new WebSocketCtor(url, [TOKEN_SUBPROTOCOL_PREFIX + jwt]);
    socket.binaryType = 'arraybuffer';
    let closed = false;
    // Blob frames convert asynchronously; one delivery queue keeps frames (and the final close)
    // in arrival order even when a Blob is followed by an ArrayBuffer. Synchronous steps still
    // run synchronously while nothing is waiting.
    const queue: Array<() => void | Promise<void>> = [];
    let draining = false;
    const drain = async (): Promise<void> => {
      draining = true;
      while (queue.length > 0) {
        const step = queue.shift()!;
        try {
          const result = step();
          if (result instanceof Promise) await result;
        } catch (error) {
          reportError(error);
        }
      }
      draining = false;
    };
    const deliver = (step: () => void | Promise<void>): void => {
      queue.push(step);
      if (!draining) void drain();
    };
    const reportClose = (event: TransportCloseEvent): void => {
      if (closed) return;
      closed = true;
      deliver(() => handlers.onClose(event));
    };

    socket.onopen = () => {
      if (!closed) handlers.onOpen();
    };
    socket.onmessage = (event: MessageEvent) => {
      if (closed) return;
      const data: unknown = event.data;
      if (data instanceof ArrayBuffer) deliver(() => handlers.onMessage(new Uint8Array(data)));
      else if (ArrayBuffer.isView(data)) {
        deliver(() => handlers.onMessage(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)));
      } else if (typeof data === 'string') deliver(() => handlers.onMessage(encoder.encode(data)));
      else if (typeof Blob !== 'undefined' && data instanceof Blob) {
        deliver(async () => handlers.onMessage(new Uint8Array(await data.arrayBuffer())));
      }
    };
    // Browsers always follow `error` with `close`; only `close` carries the code.
    socket.onerror = () => {};
    socket.onclose = (event: CloseEvent) => reportClose({ code: event.code, reason: event.reason });

    const transport: Transport = {
      send(frame) {
        // Frames from encodeMessage are always backed by a plain ArrayBuffer.
        socket.send(frame as Uint8Array<ArrayBuffer>);
      },
      close(code = 1000, reason = '') {
        try {
          socket.close(code, reason);
        } catch {
          // Browsers only let scripts send 1000 or 3000–4999; anything else becomes a plain close.
          socket.close();
        }
      },
      get bufferedAmount() {
        return socket.bufferedAmount;
      },
    };
    return transport;
  };
}
