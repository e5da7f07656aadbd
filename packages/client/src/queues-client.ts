import { ProtocolError, RoomError, isPlainObject, type Content } from '@convene/protocol';
import type { InvokeRequest } from './invoke-tool.js';
import { LiveSocket } from './queues/live-socket.js';
import { receiveCall } from './queues/receive-call.js';
import { reportError } from './report-error.js';
import type { RequestOptions } from './request-options.js';
import type { Session, SessionHooks } from './room-host.js';

/** What the queues client needs from the RoomClient. */
export interface QueuesHost {
  invoke(request: InvokeRequest, options?: RequestOptions): Promise<Content>;
  registerHooks(hooks: SessionHooks): () => void;
  currentSession(): Session | null;
}

/** A queue of the room and how many messages wait in it. */
export interface QueueInfo {
  name: string;
  size: number;
}

export interface QueueSendOptions extends RequestOptions {
  /** Create the queue when missing (default true); false → `not_found` (404) for a missing queue. */
  create?: boolean;
}

export interface QueueReceiveOptions extends RequestOptions {
  /** Create the queue when missing (default true); false → `not_found` (404) for a missing queue. */
  create?: boolean;
  /** Wait until a message arrives (default true); false answers `null` at once when the queue is empty. */
  wait?: boolean;
}

/**
 * `room.queues`: durable FIFO queues of the room (PROTOCOL.md §5.4, docs/WIRE-EXTENSIONS.md
 * "Queues"). Each message goes to exactly one receiver. Messages are any JSON value but `null`.
 * A waiting `receive` may be aborted or time out without losing a message: one the server had
 * already handed out is given back to the front of the queue first. Errors are typed:
 * `PermissionError` (403) when the token's `queues` grant refuses, `not_found` (404) with
 * `create: false`, `bad_request` (400) for a bad name or message.
 *
 * @example
 * await room.queues.send('jobs', { id: 1, task: 'resize' });
 * const job = await other.queues.receive<{ id: number }>('jobs', { timeout: 30_000 });
 */
export class QueuesClient {
  readonly #host: QueuesHost;
  readonly #live: LiveSocket;

  constructor(host: QueuesHost) {
    this.#host = host;
    this.#live = new LiveSocket((hooks) => host.registerHooks(hooks), host.currentSession()?.socket ?? null);
  }

  /** The room's queues the token may use, by name. */
  async list(options?: RequestOptions): Promise<QueueInfo[]> {
    const content = await this.#invoke('list', {}, options);
    const queues = content.type === 'json' && isPlainObject(content.json) ? content.json['queues'] : undefined;
    if (!Array.isArray(queues)) throw unexpected('list');
    return queues.map((queue: unknown) => {
      if (!isPlainObject(queue) || typeof queue['name'] !== 'string' || typeof queue['size'] !== 'number') throw unexpected('list');
      return { name: queue['name'], size: queue['size'] };
    });
  }

  /** Creates the queue if it does not exist. */
  async open(name: string, options?: RequestOptions): Promise<void> {
    expectEmpty(await this.#invoke('open', { name }, options), 'open');
  }

  /** Deletes every message of the queue (404 when it does not exist). */
  async drain(name: string, options?: RequestOptions): Promise<void> {
    expectEmpty(await this.#invoke('drain', { name }, options), 'drain');
  }

  /** Deletes the queue and its messages; waiting receives get `null`. */
  async close(name: string, options?: RequestOptions): Promise<void> {
    expectEmpty(await this.#invoke('close', { name }, options), 'close');
  }

  /** Resolves once the message is stored durably. */
  async send(name: string, message: unknown, options: QueueSendOptions = {}): Promise<void> {
    const { create = true, ...request } = options;
    if (message === undefined || message === null) throw new TypeError('a queue message is any JSON value but null');
    expectEmpty(await this.#invoke('send', { name, create, message }, request), 'send');
  }

  /**
   * The next message, or `null` when `wait: false` found the queue empty (or the queue was
   * closed while waiting). Rejects with `TimeoutError` / `RoomError('aborted')` on `timeout` /
   * `signal`, after making sure no message was taken for this call.
   */
  async receive<T = unknown>(name: string, options: QueueReceiveOptions = {}): Promise<T | null> {
    const { create = true, wait = true, ...request } = options;
    const content = await receiveCall(this.#live, { name, create, wait }, request, (message, receiveId) => this.#giveBack(name, message, receiveId));
    if (content.type === 'empty') return null;
    if (content.type === 'json') return content.json as T;
    throw unexpected('receive');
  }

  /** Back to the front of its queue; a closed queue (404) means the message went with it. */
  async #giveBack(name: string, message: unknown, receiveId: string): Promise<void> {
    try {
      await this.#invoke('send', { name, create: false, message, front: true, receive_id: receiveId });
    } catch (error) {
      if (!(error instanceof RoomError && error.code === 'not_found')) reportError(error);
    }
  }

  #invoke(tool: string, json: Record<string, unknown>, options?: RequestOptions): Promise<Content> {
    return this.#host.invoke({ toolkit: 'queues', tool, arguments: { type: 'json', json } }, options);
  }
}

function expectEmpty(content: Content, tool: string): void {
  if (content.type !== 'empty') throw unexpected(tool);
}

function unexpected(tool: string): ProtocolError {
  return new ProtocolError(`unexpected answer to queues.${tool}`);
}
