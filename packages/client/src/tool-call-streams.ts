import {
  MessageType,
  RoomError,
  contentFromWire,
  isPlainObject,
  type Content,
} from '@convene/protocol';
import type { InvokeRequest } from './invoke-tool.js';
import { randomId } from './random-id.js';
import type { RequestOptions } from './request-options.js';
import type { RoomHost } from './room-host.js';
import { ToolCallStream } from './tool-call-stream.js';

export type StreamInvokeRequest = Omit<InvokeRequest, 'arguments' | 'toolCallId'>;

interface Invoker {
  invoke(request: InvokeRequest, options?: RequestOptions): Promise<Content>;
  request(type: string, data: Uint8Array, options?: RequestOptions, silent?: boolean): Promise<Content>;
}

/**
 * The open streaming tool calls of one RoomClient: routes `room.tool_call_response_chunk` by
 * `tool_call_id`, and fails every open call when the connection drops (the server forgets them).
 */
export class ToolCallStreams {
  readonly #open = new Map<string, ToolCallStream>();
  readonly #invoker: Invoker;

  constructor(host: RoomHost, invoker: Invoker) {
    this.#invoker = invoker;
    host.registerHandler(MessageType.ToolCallResponseChunk, ({ header, payload }) => {
      if (!isPlainObject(header) || typeof header['tool_call_id'] !== 'string') return;
      const stream = this.#open.get(header['tool_call_id']);
      if (!stream) return;
      const chunk = header['chunk'];
      // MeshAgent: a chunk without a string `type` is plain JSON.
      const content: Content = isPlainObject(chunk) && typeof chunk['type'] === 'string' ? contentFromWire(chunk, payload) : { type: 'json', json: chunk };
      stream.receive(content);
    });
    const failAll = (error: unknown): void => {
      for (const stream of [...this.#open.values()]) stream.fail(error);
    };
    host.registerHooks({ sessionLost: failAll, stopped: failAll });
  }

  /** Calls a streaming tool with `control open`; resolves once the server answered `control open`. */
  async open(request: StreamInvokeRequest, options?: RequestOptions): Promise<ToolCallStream> {
    const toolCallId = `${Date.now()}-${randomId(16)}`;
    const stream = new ToolCallStream(
      toolCallId,
      (data, chunkOptions, silent) => this.#invoker.request(MessageType.ToolCallRequestChunk, data, chunkOptions, silent),
      () => this.#open.delete(toolCallId),
    );
    // Registered before the call goes out: the first chunks may arrive right behind the answer.
    this.#open.set(toolCallId, stream);
    let answer: Content;
    try {
      answer = await this.#invoker.invoke({ ...request, toolCallId, arguments: { type: 'control', method: 'open' } }, options);
    } catch (error) {
      stream.fail(error);
      throw error;
    }
    if (answer.type !== 'control' || answer.method !== 'open') {
      const error = new RoomError('protocol_error', `${request.toolkit}.${request.tool} did not open a stream (got ${answer.type})`);
      stream.fail(error);
      throw error;
    }
    return stream;
  }
}
