import {
  ConveneError,
  MessageType,
  contentToWire,
  encodeHeader,
  errorContent,
  pack,
  type Content,
  type ErrorCode,
} from '@convene/protocol';
import type { Connection } from './connection.js';
import { describeValue } from './describe-value.js';

/** Request chunks a stream holds before its tool reads them. */
const MAX_UNREAD_CHUNKS = 64;

/**
 * One streaming tool call (PROTOCOL.md §4.3): request chunks flow in (`next()`), response chunks
 * flow out (`send()`), and `close()` ends the output with a `control close` chunk. The input ends
 * at the caller's `control close`, or when the connection drops.
 */
export class ToolCallStream {
  readonly toolCallId: string;
  readonly #connection: Connection;
  readonly #queue: Content[] = [];
  #waiter: ((content: Content | null) => void) | null = null;
  #consumer: ((content: Content | null) => void) | null = null;
  #inputEnded = false;
  #outputClosed = false;

  constructor(connection: Connection, toolCallId: string) {
    this.#connection = connection;
    this.toolCallId = toolCallId;
  }

  get outputClosed(): boolean {
    return this.#outputClosed;
  }

  get inputEnded(): boolean {
    return this.#inputEnded;
  }

  /** The next request chunk, or null once the input ended. */
  next(): Promise<Content | null> {
    if (this.#consumer) return Promise.reject(new TypeError('this stream is read by a consumer'));
    const queued = this.#queue.shift();
    if (queued) return Promise.resolve(queued);
    if (this.#inputEnded) return Promise.resolve(null);
    return new Promise((resolve) => (this.#waiter = resolve));
  }

  /** Waits for the next request chunk and requires it to be `binary` with `headers.kind === kind`. */
  async expect(kind: string): Promise<Extract<Content, { type: 'binary' }>> {
    const chunk = await this.next();
    if (chunk === null) throw new ConveneError('bad_request', `the stream ended before a "${kind}" chunk`);
    if (chunk.type !== 'binary' || chunk.headers['kind'] !== kind) {
      throw new ConveneError('bad_request', `expected a "${kind}" chunk, got ${describe(chunk)}`);
    }
    return chunk;
  }

  /**
   * Hands every request chunk to `consumer` as it arrives, in the router's call (queued chunks
   * first), then `null` once the input ended; `next()` is not used after. A tool that handles each
   * chunk at once (a document's edits) skips a promise and an async step per chunk, and its
   * effects go out before the chunk's acknowledgement. `consumer` must not throw.
   */
  consume(consumer: (content: Content | null) => void): void {
    if (this.#consumer || this.#waiter) throw new TypeError('this stream already has a reader');
    this.#consumer = consumer;
    for (let queued = this.#queue.shift(); queued; queued = this.#queue.shift()) consumer(queued);
    if (this.#inputEnded) consumer(null);
  }

  /** Router side: a request chunk arrived. */
  push(content: Content): void {
    if (this.#inputEnded) return;
    if (content.type === 'control' && content.method === 'close') return this.endInput();
    // The tool has finished: nobody will read this chunk, so it is acknowledged and dropped.
    if (this.#outputClosed) return;
    if (this.#consumer) return this.#consumer(content);
    if (this.#waiter) {
      const waiter = this.#waiter;
      this.#waiter = null;
      waiter(content);
      return;
    }
    // Flow control is pull-based; a peer that pushes far ahead of the tool is refused rather
    // than buffered without bound.
    if (this.#queue.length >= MAX_UNREAD_CHUNKS) {
      throw new ConveneError('rate_limited', `more than ${MAX_UNREAD_CHUNKS} unread chunks on tool call "${this.toolCallId}"`);
    }
    this.#queue.push(content);
  }

  endInput(): void {
    if (this.#inputEnded) return;
    this.#inputEnded = true;
    if (this.#consumer) return this.#consumer(null);
    const waiter = this.#waiter;
    this.#waiter = null;
    waiter?.(null);
  }

  /** Sends a response chunk; ignored after close or once the connection is gone. */
  send(content: Content): void {
    if (this.#outputClosed) return;
    const { header, payload } = contentToWire(content);
    this.#connection.send(MessageType.ToolCallResponseChunk, pack({ tool_call_id: this.toolCallId, chunk: header }, payload));
  }

  /**
   * The packed-header JSON of a chunk like `content` on this stream, for {@link sendEncoded}: a
   * stream that sends many chunks with the same header (a document's updates) encodes it once.
   * `content`'s data is ignored.
   */
  encodeChunkHeader(content: Content): Uint8Array {
    return encodeHeader({ tool_call_id: this.toolCallId, chunk: contentToWire(content).header });
  }

  /**
   * Sends a chunk whose header came from {@link encodeChunkHeader}, with `payload` as its data;
   * `pushId`, when given, is the message id (one id for all recipients of a fan-out).
   */
  sendEncoded(header: Uint8Array, payload: Uint8Array, pushId?: number): void {
    if (this.#outputClosed) return;
    this.#connection.sendPacked(MessageType.ToolCallResponseChunk, header, payload, pushId);
  }

  /** Ends the output. MeshAgent clients treat any close as success, so failures go first as an error chunk. */
  close(): void {
    if (this.#outputClosed) return;
    this.send({ type: 'control', method: 'close', statusCode: 1000 });
    this.#outputClosed = true;
  }

  fail(code: ErrorCode, message: string): void {
    this.send(errorContent(code, message));
    this.close();
  }
}

function describe(content: Content): string {
  return content.type === 'binary' ? `a "${describeValue(content.headers['kind'])}" chunk` : `a ${content.type} chunk`;
}
