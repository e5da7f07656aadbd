/**
 * The byte pipe under a RoomClient. A transport moves whole WebSocket frames; framing, requests
 * and reconnects live above it, so tests and `@convene/testing` can swap in an in-memory pair.
 */
export interface TransportConnectOptions {
  /** Absolute room URL, already carrying the client's query parameters (e.g. `resume`). */
  url: string;
  jwt: string;
}

export interface TransportCloseEvent {
  code: number;
  reason: string;
  /** HTTP status when the server refused the upgrade; browsers never expose it. */
  httpStatus?: number;
}

export interface TransportHandlers {
  onOpen(): void;
  /** One binary WebSocket message, in arrival order. */
  onMessage(frame: Uint8Array): void;
  /** Called exactly once, whether the socket failed to open, was closed by either side, or broke. */
  onClose(event: TransportCloseEvent): void;
}

export interface Transport {
  send(frame: Uint8Array): void;
  close(code?: number, reason?: string): void;
  /** Bytes queued but not yet written, when the platform reports it. */
  readonly bufferedAmount?: number;
}

export type TransportFactory = (options: TransportConnectOptions, handlers: TransportHandlers) => Transport;
