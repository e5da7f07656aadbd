/**
 * What the server core needs from a socket. The `ws` adapter implements it for real sockets; tests
 * implement it in memory. Frames are binary WebSocket messages.
 */
export interface ServerSocket {
  /**
   * Sends one protocol message: its frames, back to back, each a binary WebSocket message. A
   * fan-out passes the same array to every recipient, so an adapter may encode it once per array.
   */
  send(frames: readonly Uint8Array[]): void;
  /**
   * Optional: sends the one-packet message `id`/`type` whose data is the packing of `headerJson`
   * and `payload` (PROTOCOL.md §3) as `send(encodePackedMessage(...))` would, laid out straight
   * into the adapter's own buffer. Messages longer than one packet still go through `send`.
   */
  sendPacked?(id: number, type: string, headerJson: Uint8Array, payload: Uint8Array): void;
  close(code: number, reason: string): void;
  /** Bytes accepted by `send` but not yet written to the network. */
  readonly bufferedAmount: number;
  /** Starts reporting incoming frames and the close to `handler` (called once per socket). */
  listen(handler: SocketHandler): void;
}

/**
 * Receives a socket's events. An object rather than two callbacks: a server holds thousands of
 * idle sockets, and a closure (with its context) per event per socket is memory for nothing.
 */
export interface SocketHandler {
  /** One binary WebSocket message. */
  socketFrame(frame: Uint8Array): void;
  /** The socket is closed (either side). */
  socketClosed(): void;
}

/** The parts of the HTTP upgrade request the core looks at. */
export interface ConnectRequest {
  /** Path of the request, e.g. `/rooms/demo`. */
  path: string;
  query: URLSearchParams;
  /** Lower-cased header names. */
  headers: Readonly<Record<string, string | undefined>>;
  /** Subprotocols the client offered. */
  protocols: readonly string[];
  /** The base URL clients use to reach this server, e.g. `ws://127.0.0.1:8787`. */
  baseUrl: string;
}
