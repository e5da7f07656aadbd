import WebSocket from 'ws';
import {
  FrameDecoder,
  MessageType,
  encodeMessage,
  pack,
  unpack,
  unpackContent,
  type Content,
} from '@convene/protocol';

export interface Closed {
  code: number;
  reason: string;
}

/**
 * A protocol peer for fuzzing: unlike RawClient it keeps no history (tens of thousands of
 * answers would make every lookup slow), only the waiters for answers and stream output.
 */
export class FuzzClient {
  readonly ws: WebSocket;
  readonly closed: Promise<Closed>;
  participantId = '';
  /** Messages that were neither answers nor stream output (pushes, deliveries). */
  pushes = 0;
  #isClosed = false;
  #nextId = 1;
  #decoder = new FrameDecoder();
  #answers = new Map<number, (content: Content | null) => void>();
  #streams = new Map<string, Content[]>();
  #streamWaiters = new Map<string, () => void>();
  #onPush: ((type: string, header: unknown, id: number) => void) | undefined;

  private constructor(ws: WebSocket, onPush?: (type: string, header: unknown, id: number) => void) {
    this.ws = ws;
    this.#onPush = onPush;
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => {
        this.#isClosed = true;
        // Requests still waiting will never be answered now.
        for (const settle of this.#answers.values()) settle(null);
        this.#answers.clear();
        for (const wake of this.#streamWaiters.values()) wake();
        resolve({ code, reason: reason.toString() });
      }),
    );
    ws.on('error', () => {});
    ws.on('message', (data: Buffer) => this.#frame(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)));
  }

  /** Connects with the token in the query and waits for `connected`. */
  static async join(roomUrl: string, jwt: string, onPush?: (type: string, header: unknown, id: number) => void): Promise<FuzzClient> {
    const url = new URL(roomUrl);
    url.searchParams.set('token', jwt);
    const client = new FuzzClient(new WebSocket(url), onPush);
    const connected = new Promise<void>((resolve, reject) => {
      const previous = client.#onPush;
      client.#onPush = (type, header) => {
        if (type === MessageType.Connected) {
          client.participantId = String((header as Record<string, unknown>)['participantId']);
          client.#onPush = previous;
          resolve();
        }
      };
      void client.closed.then((c) => reject(new Error(`closed before connected: ${c.code} ${c.reason}`)));
    });
    await connected;
    return client;
  }

  get isClosed(): boolean {
    return this.#isClosed;
  }

  /** Sends one message; the answer (if the server sends one) resolves `answer(id)`. */
  send(type: string, data: Uint8Array, packetBytes?: number): number {
    const id = this.#nextId++;
    this.sendFrames(encodeMessage({ id, type, data }, packetBytes));
    return id;
  }

  sendFrames(frames: readonly Uint8Array[]): void {
    if (this.#isClosed) return;
    for (const frame of frames) this.ws.send(frame);
  }

  /** The `__response__` to request `id`, or null if the socket closes or `timeoutMs` passes first. */
  answer(id: number, timeoutMs = 15_000): Promise<Content | null> {
    if (this.#isClosed) return Promise.resolve(null);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#answers.delete(id);
        resolve(null);
      }, timeoutMs);
      this.#answers.set(id, (content) => {
        clearTimeout(timer);
        resolve(content);
      });
    });
  }

  invoke(toolkit: string, tool: string, args: unknown, extra: Record<string, unknown> = {}, timeoutMs?: number): Promise<Content | null> {
    return this.answer(this.send(MessageType.InvokeTool, pack({ toolkit, tool, arguments: args, ...extra })), timeoutMs);
  }

  /** Output chunks of a streaming call so far. */
  streamOutput(toolCallId: string): Content[] {
    return this.#streams.get(toolCallId) ?? [];
  }

  /** Resolves once the stream's output ended (`control close`), or false on timeout or socket close. */
  async streamEnded(toolCallId: string, timeoutMs = 15_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.#ended(toolCallId)) {
      if (this.#isClosed || Date.now() > deadline) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.#streamWaiters.set(toolCallId, () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return true;
  }

  forgetStream(toolCallId: string): void {
    this.#streams.delete(toolCallId);
    this.#streamWaiters.delete(toolCallId);
  }

  #ended(toolCallId: string): boolean {
    const output = this.#streams.get(toolCallId);
    const last = output?.[output.length - 1];
    return last?.type === 'control' && last.method === 'close';
  }

  #frame(bytes: Uint8Array): void {
    const message = this.#decoder.push(bytes);
    if (!message) return;
    if (message.type === MessageType.Response) {
      const resolve = this.#answers.get(message.id);
      if (!resolve) return;
      this.#answers.delete(message.id);
      resolve(unpackContent(message.data));
      return;
    }
    const { header, payload } = unpack(message.data);
    if (message.type === MessageType.ToolCallResponseChunk) {
      const { tool_call_id: id, chunk } = header as { tool_call_id: string; chunk: unknown };
      const content = unpackContent(pack(chunk, payload));
      const output = this.#streams.get(id) ?? [];
      output.push(content);
      this.#streams.set(id, output);
      this.#streamWaiters.get(id)?.();
      return;
    }
    this.pushes++;
    this.#onPush?.(message.type, header, message.id);
  }

  close(): void {
    this.ws.close(1000);
  }
}
