import {
  CloseCode,
  EMPTY_CONTENT,
  FrameDecoder,
  MessageTooLargeError,
  ProtocolError,
  encodeCloseReason,
  encodeMessage,
  encodePackedMessage,
  errorContent,
  packContent,
  MessageType,
  type Content,
  type ErrorCode,
  type Limits,
  type WireMessage,
} from '@convene/protocol';
import type { Logger } from './logger.js';
import { RateLimiter } from './rate-limiter.js';
import type { ServerSocket, SocketHandler } from './server-socket.js';

/** The JSON header of the most common answer (every acknowledged chunk and message), encoded once. */
const EMPTY_HEADER_JSON = unpackedHeaderJson(packContent(EMPTY_CONTENT));
const NO_BYTES = new Uint8Array(0);

/** The header JSON bytes of packed data (PROTOCOL.md §3), as `packContent` wrote them. */
function unpackedHeaderJson(packed: Uint8Array): Uint8Array {
  const length = new DataView(packed.buffer, packed.byteOffset, packed.byteLength).getUint32(4);
  return packed.slice(8, 8 + length);
}

/** Rate cost of a streaming request chunk relative to any other message. */
const STREAM_CHUNK_COST = 1 / 16;

/**
 * One socket's protocol state: the frame decoder, the single writer (a message's frames always go
 * out back to back), the server's own id counter and the per-connection rate limit.
 *
 * Thousands of these sit idle, so per-instance allocations are kept to what is used: the pending
 * queue and the close listeners exist only once something needs them.
 */
export class Connection implements SocketHandler {
  readonly #socket: ServerSocket;
  readonly #decoder: FrameDecoder;
  readonly #limits: Limits;
  readonly #logger: Logger;
  readonly #rate: RateLimiter;
  #nextId = 0;
  #closed = false;
  /** Set by {@link stopReading}: incoming frames are dropped, unanswered. */
  #stoppedReading = false;
  #onMessage: ((context: never, message: WireMessage) => void) | null = null;
  #context: unknown = undefined;
  #pending: WireMessage[] | null = null;
  #closeListeners: (() => void)[] | null = null;
  #stopListeners: (() => void)[] | null = null;
  readonly #onClosed: ((connection: Connection) => void) | undefined;

  /** `onClosed` is called first when the connection closes (one function can serve all connections). */
  constructor(socket: ServerSocket, limits: Limits, logger: Logger, onClosed?: (connection: Connection) => void) {
    this.#socket = socket;
    this.#limits = limits;
    this.#logger = logger;
    this.#onClosed = onClosed;
    this.#decoder = new FrameDecoder({ maxMessageBytes: limits.maxMessageBytes });
    this.#rate = new RateLimiter(limits.messagesPerSecond, limits.messageBurst);
    socket.listen(this);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Starts delivering messages as `handler(context, message)`: one function serves every
   * connection of a room, instead of a closure per connection. Messages that arrived before
   * (while the token was being verified) are delivered first, in order.
   */
  setHandler<T>(handler: (context: T, message: WireMessage) => void, context: T): void {
    this.#onMessage = handler as (context: never, message: WireMessage) => void;
    this.#context = context;
    const pending = this.#pending ?? [];
    this.#pending = null;
    for (const message of pending) {
      if (this.#closed) return;
      this.#deliver(message);
    }
  }

  onClose(listener: () => void): void {
    if (this.#closed) listener();
    else (this.#closeListeners ??= []).push(listener);
  }

  /** Sends one message with a fresh server id. */
  send(type: string, data: Uint8Array): void {
    this.sendWithId(type, data);
  }

  /** Sends one message and returns the server id it used (a host answers tool calls under it). */
  sendWithId(type: string, data: Uint8Array): number {
    const id = this.#nextId++;
    this.sendFrames(encodeMessage({ id, type, data }));
    return id;
  }

  /**
   * Sends one message whose data is the packing of an encoded JSON header and `payload`, under
   * `id` (a push's, shared by a fan-out) or a fresh server id.
   */
  sendPacked(type: string, headerJson: Uint8Array, payload: Uint8Array, id: number = this.#nextId++): void {
    this.#sendPacked(id, type, headerJson, payload);
  }

  /** Answers a request: `__response__` reuses the request's id. */
  respond(requestId: number, content: Content): void {
    // The most common answer (every acknowledged chunk) takes the same path as a document edit.
    if (content === EMPTY_CONTENT) return this.#sendPacked(requestId, MessageType.Response, EMPTY_HEADER_JSON, NO_BYTES);
    this.sendFrames(encodeMessage({ id: requestId, type: MessageType.Response, data: packContent(content) }));
  }

  /** Writes already-encoded frames, so a fan-out encodes once for all recipients. */
  sendFrames(frames: readonly Uint8Array[]): void {
    if (this.#mayWrite()) this.#socket.send(frames);
  }

  #sendPacked(id: number, type: string, headerJson: Uint8Array, payload: Uint8Array): void {
    if (!this.#mayWrite()) return;
    // A socket that lays the message out itself saves making the frames (a document edit's every delivery).
    if (this.#socket.sendPacked) this.#socket.sendPacked(id, type, headerJson, payload);
    else this.#socket.send(encodePackedMessage(id, type, headerJson, payload));
  }

  #mayWrite(): boolean {
    if (this.#closed) return false;
    if (this.#socket.bufferedAmount > this.#limits.maxBufferedBytes) {
      // A peer that stops reading would otherwise grow our memory without bound.
      this.close(CloseCode.TryAgainLater, 'rate_limited', 'too much unread data; reconnect');
      return false;
    }
    return true;
  }

  close(code: number, reason: ErrorCode, message: string): void {
    if (this.#closed) return;
    this.#socket.close(code, encodeCloseReason(reason, message));
    this.#handleClosed();
  }

  /**
   * Stops taking requests (graceful shutdown): what arrives from now on is neither run nor answered,
   * so the client, seeing the close that follows, knows to send it again. Answers still go out.
   */
  stopReading(): void {
    if (this.#stoppedReading) return;
    this.#stoppedReading = true;
    this.#pending = null;
    const listeners = this.#stopListeners ?? [];
    this.#stopListeners = null;
    for (const listener of listeners) listener();
  }

  /** True once {@link stopReading} was called (the server is shutting down). */
  get stoppedReading(): boolean {
    return this.#stoppedReading;
  }

  /** Runs `listener` when the connection stops taking requests: a long poll answers early. */
  onStopReading(listener: () => void): void {
    if (this.#stoppedReading) listener();
    else (this.#stopListeners ??= []).push(listener);
  }

  /** Called by the socket with each incoming frame. */
  socketFrame(frame: Uint8Array): void {
    if (this.#closed || this.#stoppedReading) return;
    let message: WireMessage | null;
    try {
      message = this.#decoder.push(frame);
    } catch (error) {
      if (error instanceof MessageTooLargeError) {
        // The framing survives (the decoder skips the rest of the message), so only this
        // request fails and the connection goes on; a resend loop cannot start.
        this.respond(error.messageId, errorContent('payload_too_large', `message exceeds the limit of ${this.#limits.maxMessageBytes} bytes`));
        return;
      }
      if (!(error instanceof ProtocolError)) throw error;
      this.#logger.warn('closing connection after a framing error', { error: error.message });
      this.close(CloseCode.ProtocolError, 'protocol_error', error.message);
      return;
    }
    if (message === null) return;
    // Stream chunks are pull-driven (the receiving tool asks for each), so they cost a fraction:
    // a large transfer moves thousands of them without tripping the limit meant for requests.
    if (!this.#rate.take(message.type === MessageType.ToolCallRequestChunk ? STREAM_CHUNK_COST : 1)) {
      this.#refuseOverRate(message);
      return;
    }
    if (this.#onMessage) this.#deliver(message);
    else (this.#pending ??= []).push(message);
  }

  /**
   * A bug in one handler must cost one connection, not the process: it is logged and the peer is
   * closed with 1011 (transient, so it reconnects).
   */
  #deliver(message: WireMessage): void {
    try {
      this.#onMessage!(this.#context as never, message);
    } catch (error) {
      this.#logger.error('message handler failed', { type: message.type, error: String(error) });
      this.close(CloseCode.InternalError, 'internal', 'server error while handling a message');
    }
  }

  /** Called by the socket when it has closed. */
  socketClosed(): void {
    this.#handleClosed();
  }

  #refuseOverRate(message: WireMessage): void {
    if (this.#rate.overdrawn) {
      this.close(CloseCode.PolicyViolation, 'rate_limited', 'message flood; slow down');
      return;
    }
    // Requests still get an answer, so no caller waits forever on a dropped message.
    if (message.type === MessageType.InvokeTool || message.type === MessageType.ToolCallRequestChunk) {
      this.respond(message.id, errorContent('rate_limited', `rate limit of ${this.#limits.messagesPerSecond} messages/s exceeded`));
    }
  }

  #handleClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#pending = null;
    this.#stopListeners = null;
    this.#onClosed?.(this);
    const listeners = this.#closeListeners ?? [];
    this.#closeListeners = null;
    for (const listener of listeners) listener();
  }
}
