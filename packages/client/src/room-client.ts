import { ConnectionError, MessageType, UnpackCache, isBinaryChunkHeader, isPlainObject, unpack, type Content, type WireMessage } from '@convene/protocol';
import { resolveReconnectOptions, type ReconnectOptions } from './backoff.js';
import { Connection } from './connection.js';
import type { RoomStatus, SessionInfo } from './connection-types.js';
import { withDeadline } from './deadline.js';
import { Emitter, type Listener } from './event-emitter.js';
import { encodeInvokeTool, type InvokeRequest } from './invoke-tool.js';
import { LocalParticipant } from './local-participant.js';
import { MessagingClient } from './messaging-client.js';
import { randomId } from './random-id.js';
import { reportError } from './report-error.js';
import type { RequestOptions } from './request-options.js';
import type { RoomHost, ServerMessage, Session, SessionHooks } from './room-host.js';
import type { RoomSocket } from './room-socket.js';
import type { RoomAuthorization } from './room-target.js';
import type { TransportFactory } from './transport.js';
import { webSocketTransport } from './web-socket-transport.js';
import type { AgentsClient } from './agents-client.js';
import type { StorageClient } from './storage-client.js';
import type { DatabaseClient } from './database-client.js';
import type { QueuesClient } from './queues-client.js';
import type { SyncClient } from './sync/sync-client.js';
import { createRoomExtension, type RoomExtensions } from './room-extensions.js';
import type { ToolCallStream } from './tool-call-stream.js';
import { ToolCallStreams, type StreamInvokeRequest } from './tool-call-streams.js';

export interface RoomClientOptions {
  /**
   * Called before every connection attempt, so an expired token is replaced on reconnect. If it
   * throws, the attempt is retried with backoff; throw a `ConnectionError` with `terminal: true`
   * to stop the client instead (e.g. the user signed out).
   */
  authorization: () => Promise<RoomAuthorization>;
  /** Defaults to the global WebSocket; in Node 20 pass `nodeTransport()` from `@convene/client/node`. */
  transport?: TransportFactory;
  reconnect?: ReconnectOptions;
  /**
   * Key the server derives this client's participant id from, so the id survives reconnects and
   * server restarts (16–128 chars of `[A-Za-z0-9_-]`). Random per RoomClient by default.
   */
  resumeKey?: string;
  /** An attempt that has not reached the room after this many ms is dropped and retried (default 20 000). */
  connectTimeoutMs?: number;
}

/** A `room.status` push from the server. */
export interface RoomStatusEvent {
  status: string;
  message: string;
}

export type RoomClientEvents = {
  status: RoomStatus;
  /** A reconnect finished restoring attributes, messaging and the outbox. */
  reconnected: undefined;
  /** A live connection closed; `status` says whether the client reconnects. */
  connection_lost: ConnectionError;
  room_status: RoomStatusEvent;
  /** A server message no registered handler took. */
  server_message: ServerMessage;
  local_participant: LocalParticipant;
  /** Any snapshot getter (status, error, room info, local participant) changed. */
  change: undefined;
};

const RESUME_KEY = /^[A-Za-z0-9_-]{16,128}$/;
const MISSING_WEBSOCKET =
  'this runtime has no global WebSocket; in Node pass `transport: nodeTransport()` from "@convene/client/node"';

/**
 * A connection to one room: the connection state machine, requests, events and sub-clients.
 * Works in browsers and Node; the transport is pluggable.
 *
 * @example
 * const room = new RoomClient({ authorization: () => fetch('/api/room-token').then((r) => r.json()) });
 * room.on('status', (status) => console.log(status));
 * await room.start();
 * await room.messaging.enable();
 * await room.messaging.broadcastMessage({ type: 'chat', message: { text: 'hello' } });
 * room.dispose();
 */
export class RoomClient implements RoomHost {
  readonly messaging: MessagingClient;
  readonly localParticipant: LocalParticipant;
  /** The key behind this client's stable participant id. */
  readonly resumeKey: string;
  /** Resolves when the first connection reached the room; rejects with the terminal error. Never unhandled. */
  readonly ready: Promise<void>;
  readonly #events = new Emitter<RoomClientEvents>();
  /** Replaced, never changed, on (un)registering: a dispatch runs the list as it was when the message came, without copying it. */
  readonly #handlers = new Map<string, readonly ((message: ServerMessage) => void)[]>();
  readonly #hooks = new Set<SessionHooks>();
  readonly #extensions: Partial<RoomExtensions> = {};
  /** The live session, for sub-clients built after it started (they are built on first use). */
  #session: Session | null = null;
  readonly #connection: Connection;
  readonly #hasTransport: boolean;
  readonly #streams: ToolCallStreams;
  readonly #chunkHeaders = new UnpackCache({ share: isBinaryChunkHeader });
  #room: Pick<SessionInfo, 'roomName' | 'roomUrl' | 'sessionId'> = { roomName: null, roomUrl: null, sessionId: null };

  constructor(options: RoomClientOptions) {
    if (typeof options?.authorization !== 'function') throw new TypeError('RoomClient needs an authorization() function');
    if (options.resumeKey !== undefined && !RESUME_KEY.test(options.resumeKey)) {
      throw new TypeError('resumeKey must be 16–128 characters of [A-Za-z0-9_-]');
    }
    this.resumeKey = options.resumeKey ?? randomId(22);
    // Resolved lazily so constructing a client never throws during server-side rendering.
    const transport = options.transport ?? (typeof globalThis.WebSocket === 'function' ? webSocketTransport() : undefined);
    this.#hasTransport = transport !== undefined;
    this.#connection = new Connection(
      {
        authorization: options.authorization,
        transport: transport ?? (() => { throw new TypeError(MISSING_WEBSOCKET); }),
        resumeKey: this.resumeKey,
        reconnect: resolveReconnectOptions(options.reconnect),
        connectTimeoutMs: options.connectTimeoutMs ?? 20_000,
      },
      {
        onStatus: (status) => {
          this.#events.emit('status', status);
          this.#events.emit('change', undefined);
        },
        onErrorChanged: () => this.#events.emit('change', undefined),
        onSession: (session, socket) => this.#onSession(session, socket),
        onSessionLost: (error) => {
          this.#session = null;
          for (const hooks of [...this.#hooks]) this.#call(() => hooks.sessionLost?.(error));
          this.#events.emit('connection_lost', error);
        },
        onStopped: (error) => {
          for (const hooks of [...this.#hooks]) this.#call(() => hooks.stopped?.(error));
        },
        onMessage: (message) => this.#onMessage(message),
      },
    );
    this.ready = this.#connection.ready;
    this.localParticipant = new LocalParticipant(this, () => {
      this.#events.emit('local_participant', this.localParticipant);
      this.#events.emit('change', undefined);
    });
    this.messaging = new MessagingClient(this);
    this.#streams = new ToolCallStreams(this, this);
  }

  /** Toolkits hosted by participants: list, call, host your own. Needs `@convene/client/agents`. */
  get agents(): AgentsClient {
    return this.#extension('agents');
  }

  /** The room's files: list, upload, download, move, delete, and change events. Needs `@convene/client/storage`. */
  get storage(): StorageClient {
    return this.#extension('storage');
  }

  /** Shared documents (Yjs), merged across reconnects. Needs `@convene/client/sync`. */
  get sync(): SyncClient {
    return this.#extension('sync');
  }

  /** The room's tables: create, insert, select with structured filters, change events. Needs `@convene/client/database`. */
  get database(): DatabaseClient {
    return this.#extension('database');
  }

  /** Durable FIFO queues: send, receive (waiting, abortable without losing a message), list. Needs `@convene/client/queues`. */
  get queues(): QueuesClient {
    return this.#extension('queues');
  }

  /** Built on first use, so an API's code is only needed by apps that use it. */
  #extension<K extends keyof RoomExtensions>(name: K): RoomExtensions[K] {
    return (this.#extensions[name] ??= createRoomExtension(name, this));
  }

  get status(): RoomStatus {
    return this.#connection.status;
  }

  /** The terminal error once `disconnected`; while reconnecting, the error that caused it. */
  get error(): ConnectionError | null {
    return this.#connection.error;
  }

  get roomName(): string | null {
    return this.#room.roomName;
  }

  get roomUrl(): string | null {
    return this.#room.roomUrl;
  }

  get sessionId(): string | null {
    return this.#room.sessionId;
  }

  /** Connects (once); resolves like {@link ready}. */
  start(): Promise<void> {
    if (!this.#hasTransport) return Promise.reject(new TypeError(MISSING_WEBSOCKET));
    return this.#connection.start();
  }

  /** Closes the connection for good; pending requests and queued messages reject with `disposed`. */
  dispose(): void {
    this.#connection.dispose();
  }

  on<K extends keyof RoomClientEvents>(event: K, listener: Listener<RoomClientEvents[K]>): () => void {
    return this.#events.on(event, listener);
  }

  off<K extends keyof RoomClientEvents>(event: K, listener: Listener<RoomClientEvents[K]>): void {
    this.#events.off(event, listener);
  }

  /** For `useSyncExternalStore`: calls `onChange` whenever a snapshot getter would return something new. */
  subscribe(onChange: () => void): () => void {
    return this.#events.on('change', onChange);
  }

  /** Calls a tool (`room.invoke_tool`). Waits for the connection if needed; rejects with a typed error. */
  invoke(request: InvokeRequest, options?: RequestOptions): Promise<Content> {
    let data: Uint8Array;
    try {
      data = encodeInvokeTool(request);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.request(MessageType.InvokeTool, data, options);
  }

  /**
   * Calls a streaming tool: resolves with the open stream once the server accepted the call.
   * The stream fails with a typed error if the connection drops.
   */
  invokeStream(request: StreamInvokeRequest, options?: RequestOptions): Promise<ToolCallStream> {
    return this.#streams.open(request, options);
  }

  /**
   * Sends any message that expects a `__response__`; for sub-clients and protocol extensions.
   * `silent`: the server answers it only if it fails (a request chunk with `ack: false`), and it
   * resolves once a later request on the same socket is answered.
   */
  request(type: string, data: Uint8Array, options?: RequestOptions, silent = false): Promise<Content> {
    // Connected, with no timeout or signal to watch: write now. The deadline machinery (an
    // AbortController and its listeners) cost more than the rest of a document edit's send.
    const live = this.#connection.socket;
    if (live !== null && options?.timeout === undefined && options?.signal === undefined) return live.request(type, data, silent).response;
    return withDeadline(options, (signal) => {
      const write = (socket: RoomSocket): Promise<Content> => {
        const sent = socket.request(type, data, silent);
        signal.addEventListener('abort', () => socket.cancel(sent.id), { once: true });
        return sent.response;
      };
      // A live socket is written synchronously on both paths, so requests keep their call order.
      return live !== null ? write(live) : this.#connection.waitForSocket(signal).then(write);
    });
  }

  send(type: string, data: Uint8Array): boolean {
    return this.#connection.socket?.send(type, data) ?? false;
  }

  reply(id: number, type: string, data: Uint8Array): boolean {
    return this.#connection.socket?.reply(id, type, data) ?? false;
  }

  registerHandler(type: string, handler: (message: ServerMessage) => void): () => void {
    const current = this.#handlers.get(type) ?? [];
    if (!current.includes(handler)) this.#handlers.set(type, [...current, handler]);
    return () => {
      const now = this.#handlers.get(type);
      if (now === undefined || !now.includes(handler)) return;
      if (now.length === 1) this.#handlers.delete(type);
      else this.#handlers.set(type, now.filter((h) => h !== handler));
    };
  }

  /** The session of the live connection, or null while not connected. */
  currentSession(): Session | null {
    return this.#session !== null && this.#connection.socket === this.#session.socket ? this.#session : null;
  }

  registerHooks(hooks: SessionHooks): () => void {
    this.#hooks.add(hooks);
    return () => void this.#hooks.delete(hooks);
  }

  #onSession(info: SessionInfo, socket: RoomSocket): void {
    const { roomName, roomUrl, sessionId } = info;
    if (roomName !== this.#room.roomName || roomUrl !== this.#room.roomUrl || sessionId !== this.#room.sessionId) {
      this.#room = { roomName, roomUrl, sessionId };
      this.#events.emit('change', undefined);
    }
    const session: Session = { ...info, socket };
    this.#session = session;
    // Hooks run in registration order (local participant, then messaging), which is the
    // restore order: attributes, then messaging.enable, then the outbox.
    const pending: Promise<void>[] = [];
    for (const hooks of [...this.#hooks]) {
      this.#call(() => {
        const result = hooks.sessionStarted?.(session);
        if (result instanceof Promise) pending.push(result);
      });
    }
    if (!info.isReconnect) return;
    void Promise.allSettled(pending).then(() => {
      if (this.#connection.socket === socket) this.#events.emit('reconnected', undefined);
    });
  }

  #onMessage(message: WireMessage): void {
    // A payload that does not unpack is a ProtocolError: the socket closes with 1002 and reconnects.
    // A stream repeats its chunk header (a document's every edit): parsed once, shared frozen.
    const { header, payload } = message.type === MessageType.ToolCallResponseChunk ? this.#chunkHeaders.unpack(message.data) : unpack(message.data);
    const server: ServerMessage = { id: message.id, type: message.type, header, payload };
    if (message.type === MessageType.RoomStatus) {
      const fields = isPlainObject(header) ? header : {};
      this.#events.emit('room_status', { status: String(fields['status'] ?? ''), message: String(fields['message'] ?? '') });
      return;
    }
    const handlers = this.#handlers.get(message.type);
    if (handlers === undefined) return this.#events.emit('server_message', server);
    for (const handler of handlers) handler(server);
  }

  #call(run: () => void): void {
    try {
      run();
    } catch (error) {
      reportError(error);
    }
  }
}
