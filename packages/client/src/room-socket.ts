import {
  ConnectionError,
  FrameDecoder,
  MessageType,
  ProtocolError,
  encodeCloseReason,
  encodeMessage,
  type Content,
  type WireMessage,
} from '@convene/protocol';
import { reportError } from './report-error.js';
import { RequestTracker } from './request-tracker.js';
import type { Transport, TransportCloseEvent, TransportConnectOptions, TransportFactory } from './transport.js';

export interface RoomSocketHandlers {
  onOpen(): void;
  /** Every message except `__response__`, which the socket settles itself. */
  onMessage(message: WireMessage): void;
  /** Called once, after pending requests were rejected. */
  onClose(event: TransportCloseEvent): void;
}

/** A request written to a socket: its id and the response to come. */
export interface SentRequest {
  id: number;
  response: Promise<Content>;
}

/**
 * One WebSocket's worth of protocol: the single writer (each message's frames back to back), the
 * frame decoder, the message id counter and the requests awaiting a response. A new socket is
 * made for every connection attempt, so no state leaks from one connection into the next.
 *
 * @example
 * const socket = new RoomSocket(transport, { url, jwt }, { onOpen, onMessage, onClose });
 * socket.open();
 * const { response } = socket.request('room.invoke_tool', data);
 */
export class RoomSocket {
  readonly #factory: TransportFactory;
  readonly #options: TransportConnectOptions;
  readonly #handlers: RoomSocketHandlers;
  readonly #decoder = new FrameDecoder();
  readonly #requests = new RequestTracker();
  #transport: Transport | null = null;
  #nextId = 0;
  #closed = false;

  constructor(factory: TransportFactory, options: TransportConnectOptions, handlers: RoomSocketHandlers) {
    this.#factory = factory;
    this.#options = options;
    this.#handlers = handlers;
  }

  /** Creates the transport. Separate from the constructor so the owner can store the socket first. */
  open(): void {
    this.#transport = this.#factory(this.#options, {
      onOpen: () => {
        if (!this.#closed) this.#handlers.onOpen();
      },
      onMessage: (frame) => this.#receive(frame),
      onClose: (event) => this.#finish(event, () => this.#disconnectedError(event)),
    });
  }

  get isOpen(): boolean {
    return !this.#closed;
  }

  /** Requests written on this socket and not yet answered. */
  get pendingRequests(): number {
    return this.#requests.size;
  }

  /** Writes a one-way message; returns false when the socket is already closed. */
  send(type: string, data: Uint8Array): boolean {
    if (this.#closed || this.#transport === null) return false;
    this.#write(this.#nextId++, type, data);
    return true;
  }

  /** Writes a message under a given id: answers that reuse the id of a server message (hosted tool calls). */
  reply(id: number, type: string, data: Uint8Array): boolean {
    if (this.#closed || this.#transport === null) return false;
    this.#write(id, type, data);
    return true;
  }

  /**
   * Writes a message that expects a `__response__`; a `silent` one is answered only if it fails,
   * and settles once a later request is answered (see {@link RequestTracker}).
   */
  request(type: string, data: Uint8Array, silent = false): SentRequest {
    if (this.#closed || this.#transport === null) {
      const error = new ConnectionError('disconnected', 'the room connection is closed', { terminal: false });
      return { id: -1, response: Promise.reject(error) };
    }
    const id = this.#nextId++;
    // Track before writing: a failing write closes the socket and must find this request.
    const response = this.#requests.track(id, silent);
    this.#write(id, type, data);
    return { id, response };
  }

  /** Forgets request `id`; its late response is ignored. */
  cancel(id: number): void {
    this.#requests.cancel(id);
  }

  /**
   * Closes from our side. Pending requests reject with `rejectWith` (default: a non-terminal
   * `disconnected` error) and `onClose` reports this code and reason.
   */
  close(code: number, reason: string, rejectWith?: () => unknown): void {
    if (this.#closed) return;
    const transport = this.#transport;
    this.#finish({ code, reason }, rejectWith ?? (() => this.#disconnectedError({ code, reason })));
    try {
      transport?.close(code, reason);
    } catch (error) {
      reportError(error);
    }
  }

  #write(id: number, type: string, data: Uint8Array): void {
    try {
      for (const frame of encodeMessage({ id, type, data })) this.#transport!.send(frame);
    } catch (cause) {
      // Report the failure after the caller's current step: callers write in loops (the outbox
      // flush) and must not see the connection torn down in the middle of one.
      const reason = `send failed: ${cause instanceof Error ? cause.message : String(cause)}`;
      const transport = this.#transport;
      this.#closed = true;
      this.#requests.rejectAll(() => new ConnectionError('disconnected', reason, { terminal: false, cause }));
      queueMicrotask(() => {
        this.#handlers.onClose({ code: 1006, reason });
        try {
          transport?.close(1000, 'send failed');
        } catch {
          // The transport is already broken; nothing more to do.
        }
      });
    }
  }

  #receive(frame: Uint8Array): void {
    if (this.#closed) return;
    let message: WireMessage | null;
    try {
      message = this.#decoder.push(frame);
    } catch (error) {
      this.#protocolFailure(error);
      return;
    }
    if (message === null) return;
    if (message.type === MessageType.Response) {
      this.#requests.settle(message.id, message.data);
      return;
    }
    try {
      this.#handlers.onMessage(message);
    } catch (error) {
      if (error instanceof ProtocolError) this.#protocolFailure(error);
      else reportError(error);
    }
  }

  #protocolFailure(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.close(1002, encodeCloseReason('protocol_error', message));
  }

  #finish(event: TransportCloseEvent, rejectWith: () => unknown): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#requests.rejectAll(rejectWith);
    this.#handlers.onClose(event);
  }

  #disconnectedError(event: TransportCloseEvent): ConnectionError {
    const detail = event.reason ? `: ${event.reason}` : ` (code ${event.code})`;
    return new ConnectionError('disconnected', `the connection closed before the request completed${detail}`, {
      terminal: false,
    });
  }
}
