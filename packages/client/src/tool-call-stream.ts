import {
  ConveneError,
  contentToWire,
  encodeHeader,
  pack,
  packEncodedHeader,
  type Content,
} from '@convene/protocol';
import type { RequestOptions } from './request-options.js';
import { errorFromContent } from './request-tracker.js';

/** Sends one `room.tool_call_request_chunk` and resolves with its acknowledgement (`silent`: see {@link ChunkOptions}). */
export type ChunkRequest = (data: Uint8Array, options?: RequestOptions, silent?: boolean) => Promise<Content>;

export interface ChunkOptions extends RequestOptions {
  /**
   * `false`: the chunk asks for no acknowledgement of its own (`ack: false` in its header, a Convene
   * extension, docs/WIRE-EXTENSIONS.md); the server answers it only if it fails. It settles once
   * the room answers a later request of this client, so it keeps its place in the send window
   * until then. Only for a server that announced it (a document's `chunk_acks: "optional"`).
   */
  ack?: boolean;
}

/** A synchronous reader of a stream's response chunks (see {@link ToolCallStream.consume}). */
export interface StreamConsumer {
  /** A response chunk. */
  chunk(content: Content): void;
  /** The room answered one chunk with an `error` chunk; the stream goes on. */
  error(error: ConveneError): void;
  /** The stream ended: `null` after the server's `control close`, else why it failed. */
  end(failure: unknown): void;
}

type Waiter = { resolve(content: Content | null): void; reject(error: unknown): void };

/** Request chunks of one call that may await their acknowledgement at the same time. */
export const SEND_WINDOW = 16;

/**
 * One streaming tool call from the caller's side (PROTOCOL.md §4.3). Response chunks are read with
 * `next()` (or `for await`), which returns null after the server's `control close` and throws the
 * typed error an `error` chunk carries. Request chunks go out with `send()`, in order and pipelined:
 * up to {@link SEND_WINDOW} await their acknowledgement at once, later ones wait for a slot (the
 * server holds at most 64 unread chunks per call). `end()` sends the final `control close`.
 * A binary chunk's `headers` are read-only: a stream repeats the same header, so its parsed value
 * is shared between chunks and frozen.
 *
 * @example
 * const stream = await room.invokeStream({ toolkit: 'storage', tool: 'download' });
 * await stream.send({ type: 'binary', headers: { kind: 'start', path }, data: new Uint8Array() });
 * for await (const chunk of stream) console.log(chunk);
 */
export class ToolCallStream implements AsyncIterable<Content> {
  readonly toolCallId: string;
  readonly #request: ChunkRequest;
  readonly #onFinished: () => void;
  readonly #queue: (Content | ConveneError)[] = [];
  #waiter: Waiter | null = null;
  #closed = false;
  #failure: unknown = null;
  /** Request chunks sent and not yet acknowledged. */
  #inFlight = 0;
  /** Sends waiting for a slot in the window, in call order. */
  readonly #blocked: (() => void)[] = [];
  #consumer: StreamConsumer | null = null;
  /** The frozen `headers` of the binary chunks whose encoded header is cached, by whether they ask for an ack. */
  #cachedHeaders: Readonly<Record<string, unknown>> | null = null;
  #cachedJson: [Uint8Array | null, Uint8Array | null] = [null, null];

  constructor(toolCallId: string, request: ChunkRequest, onFinished: () => void) {
    this.toolCallId = toolCallId;
    this.#request = request;
    this.#onFinished = onFinished;
  }

  /** True once the server closed its output (or the call failed). */
  get closed(): boolean {
    return this.#closed || this.#failure !== null;
  }

  /** Sends a request chunk; resolves when the server acknowledged it. */
  send(content: Content, options?: ChunkOptions): Promise<void> {
    const silent = options?.ack === false;
    const data = this.#pack(content, silent);
    // Sending synchronously keeps the wire order equal to the call order.
    if (this.#inFlight < SEND_WINDOW && this.#blocked.length === 0) return this.#go(data, options);
    return new Promise<void>((resolve, reject) => this.#blocked.push(() => this.#go(data, options).then(resolve, reject)));
  }

  /**
   * The chunk's message data. A binary chunk whose `headers` object is frozen and the same as the
   * previous one's (a document's every edit) reuses that chunk's encoded header: its JSON text
   * and UTF-8 bytes were the largest part of building an edit's chunk, paid again for every edit.
   * A frozen `headers` object is taken as never changing, the values inside it included.
   */
  #pack(content: Content, silent: boolean): Uint8Array {
    const envelope = (chunk: Record<string, unknown>) => (silent ? { tool_call_id: this.toolCallId, chunk, ack: false } : { tool_call_id: this.toolCallId, chunk });
    if (content.type !== 'binary' || !Object.isFrozen(content.headers)) {
      const { header, payload } = contentToWire(content);
      return pack(envelope(header), payload);
    }
    if (content.headers !== this.#cachedHeaders) {
      this.#cachedHeaders = content.headers;
      this.#cachedJson = [null, null];
    }
    const slot = silent ? 1 : 0;
    const json = (this.#cachedJson[slot] ??= encodeHeader(envelope(contentToWire(content).header)));
    return packEncodedHeader(json, content.data);
  }

  #go(data: Uint8Array, options: ChunkOptions | undefined): Promise<void> {
    if (this.#failure !== null) return Promise.reject(this.#failure);
    this.#inFlight++;
    return this.#request(data, options, options?.ack === false).then(this.#acknowledged, this.#refused);
  }

  readonly #acknowledged = (): void => {
    this.#inFlight--;
    this.#release();
  };

  readonly #refused = (error: unknown): never => {
    this.#acknowledged();
    throw error;
  };

  #release(): void {
    while (this.#inFlight < SEND_WINDOW && this.#blocked.length > 0) this.#blocked.shift()!();
  }

  /** Ends our input (`control close`, status 1000). */
  end(options?: RequestOptions): Promise<void> {
    return this.send({ type: 'control', method: 'close', statusCode: 1000 }, options);
  }

  /** The next response chunk; null once the server closed the stream. */
  next(): Promise<Content | null> {
    if (this.#consumer !== null) return Promise.reject(new TypeError('this stream is read by a consumer'));
    const item = this.#queue.shift();
    if (item instanceof ConveneError) return Promise.reject(item);
    if (item !== undefined) return Promise.resolve(item);
    if (this.#failure !== null) return Promise.reject(this.#failure);
    if (this.#closed) return Promise.resolve(null);
    return new Promise((resolve, reject) => (this.#waiter = { resolve, reject }));
  }

  /**
   * Hands every response chunk to `consumer` as it arrives, in the same tick, instead of through
   * `next()`: chunks already queued first, then each new one. For readers on a hot path (a
   * document applies every remote edit), where a promise and an async step per chunk were a
   * measurable part of the delivery. Once consumed, the stream cannot be read with `next()`.
   */
  consume(consumer: StreamConsumer): void {
    if (this.#consumer !== null || this.#waiter !== null) throw new TypeError('this stream already has a reader');
    this.#consumer = consumer;
    for (let item = this.#queue.shift(); item !== undefined; item = this.#queue.shift()) {
      if (item instanceof ConveneError) consumer.error(item);
      else consumer.chunk(item);
    }
    if (this.#failure !== null) consumer.end(this.#failure);
    else if (this.#closed) consumer.end(null);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Content> {
    for (let chunk = await this.next(); chunk !== null; chunk = await this.next()) yield chunk;
  }

  /** RoomClient side: a response chunk for this call arrived. */
  receive(content: Content): void {
    if (this.closed) return;
    if (content.type === 'control' && content.method === 'close') {
      this.#closed = true;
      this.#onFinished();
      return this.#deliver(null);
    }
    this.#deliver(content.type === 'error' ? errorFromContent(content) : content);
  }

  /** RoomClient side: the connection dropped or the client stopped. */
  fail(error: unknown): void {
    if (this.closed) return;
    this.#failure = error;
    this.#onFinished();
    if (this.#consumer !== null) return this.#consumer.end(error);
    const waiter = this.#waiter;
    this.#waiter = null;
    waiter?.reject(error);
  }

  #deliver(item: Content | ConveneError | null): void {
    const consumer = this.#consumer;
    if (consumer !== null) {
      if (item === null) consumer.end(null);
      else if (item instanceof ConveneError) consumer.error(item);
      else consumer.chunk(item);
      return;
    }
    const waiter = this.#waiter;
    if (!waiter) {
      if (item !== null) this.#queue.push(item);
      return;
    }
    this.#waiter = null;
    if (item instanceof ConveneError) waiter.reject(item);
    else waiter.resolve(item);
  }
}
