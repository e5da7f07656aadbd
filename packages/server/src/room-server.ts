import {
  CloseCode,
  ConnectionError,
  ConveneError,
  resolveLimits,
  type Limits,
} from '@convene/protocol';
import { participantId } from './auth/participant-id.js';
import { extractToken } from './auth/extract-token.js';
import { verifyParticipantToken } from './auth/verify-token.js';
import { Connection } from './connection.js';
import { silentLogger, type Logger } from './logger.js';
import { Participant } from './participant.js';
import { Room } from './room.js';
import { RoomRegistry } from './room-registry.js';
import type { ConnectRequest, ServerSocket } from './server-socket.js';
import { ToolRouter, type ToolkitCatalogEntry } from './tool-router.js';
import type { Toolkit } from './toolkit.js';
import { MemoryStorageBackend } from './storage/memory-storage.js';
import type { StorageBackend } from './storage/storage-backend.js';
import { messagingToolkit } from './toolkits/messaging/messaging-toolkit.js';
import type { Database } from './database/database.js';
import { PgliteDatabase } from './database/pglite-database.js';
import { createDatabaseToolkit } from './toolkits/database/database-toolkit.js';
import { createQueuesToolkit } from './toolkits/queues/queues-toolkit.js';
import { createStorageToolkit } from './toolkits/storage/storage-toolkit.js';
import { DownloadTokens } from './storage/download-token.js';
import { createSyncToolkit, type SyncToolkitOptions } from './toolkits/sync/sync-toolkit.js';

export interface RoomServerOptions {
  /** HS256 secret participant tokens are signed with. */
  secret: string;
  /** Engine of the room database API (default: in-memory PGlite, started on first use); closed on shutdown. */
  database?: Database;
  limits?: Partial<Limits>;
  logger?: Logger;
  /** How long an empty room lives on before it is released. */
  roomReleaseGraceMs?: number;
  /** Extra built-in toolkits, next to the standard ones. */
  toolkits?: readonly Toolkit[];
  /** Where rooms keep files and documents (default: in memory). */
  storage?: StorageBackend;
  /** Largest file `storage.upload` accepts (default 1 GiB); more is refused with 413. */
  maxUploadBytes?: number;
  /** Shared documents: `persistWindowMs` bounds how long a change waits to reach storage (default 1 s). */
  sync?: Pick<SyncToolkitOptions, 'persistWindowMs'>;
}

export const DEFAULT_ROOM_RELEASE_GRACE_MS = 3_000;
/** How long a graceful shutdown waits for running requests (a slow hosted tool, a long poll). */
export const DEFAULT_SHUTDOWN_GRACE_MS = 2_000;
const ROOM_PATH = /^\/rooms\/([^/]+)\/?$/;
const ROOM_NAME = /^[\w.@:-]{1,128}$/;

/**
 * The transport-agnostic server core: give it an accepted socket and the upgrade request; it
 * authenticates, admits the participant to its room and speaks the protocol from there.
 *
 * @example
 * const core = new RoomServer({ secret: process.env.CONVENE_SECRET! });
 * wss.on('connection', (ws, req) => core.accept(wsSocket(ws), toConnectRequest(req)));
 */
export class RoomServer {
  readonly limits: Limits;
  readonly #key: Uint8Array;
  readonly #logger: Logger;
  readonly #router: ToolRouter;
  readonly #database: Database;
  readonly #rooms: RoomRegistry;
  /** Open connections, with the participant each one admitted (null until then). */
  readonly #connections = new Map<Connection, Participant | null>();
  /** One close handler for every connection (a closure per connection is memory for nothing). */
  readonly #connectionClosed = (connection: Connection): void => {
    const participant = this.#connections.get(connection);
    this.#connections.delete(connection);
    if (!participant) return;
    participant.room.leave(participant);
    this.#rooms.releaseIfEmpty(participant.room);
  };
  #closing = false;

  constructor(options: RoomServerOptions) {
    if (!options.secret) throw new TypeError('RoomServer needs a non-empty secret');
    this.limits = resolveLimits(options.limits);
    this.#key = new TextEncoder().encode(options.secret);
    this.#logger = options.logger ?? silentLogger;
    this.#router = new ToolRouter(this.#logger);
    this.#router.register(messagingToolkit);
    this.#database = options.database ?? new PgliteDatabase();
    this.#router.register(createDatabaseToolkit(this.#database));
    this.#router.register(createQueuesToolkit(this.#database, { maxMessageBytes: this.limits.maxMessageBytes, logger: this.#logger }));
    this.#router.register(createStorageToolkit({ tokens: new DownloadTokens(options.secret), maxUploadBytes: options.maxUploadBytes, maxMessageBytes: this.limits.maxMessageBytes }));
    this.#router.register(createSyncToolkit({ ...options.sync, maxOpenDocuments: this.limits.maxOpenDocuments, logger: this.#logger }));
    for (const toolkit of options.toolkits ?? []) this.#router.register(toolkit);
    const grace = options.roomReleaseGraceMs ?? DEFAULT_ROOM_RELEASE_GRACE_MS;
    const storage = options.storage ?? new MemoryStorageBackend();
    this.#rooms = new RoomRegistry(
      (name, url) =>
        new Room({ name, url, storage: storage.forRoom(name), router: this.#router, logger: this.#logger, participantsPerRoom: this.limits.participantsPerRoom }),
      grace,
      this.#logger,
    );
  }

  /** Live rooms (for health checks and tests). */
  get roomCount(): number {
    return this.#rooms.size;
  }

  get connectionCount(): number {
    return this.#connections.size;
  }

  /** The built-in toolkits and their tools (participant-hosted toolkits are per room, not here). */
  toolCatalog(): ToolkitCatalogEntry[] {
    return this.#router.catalog();
  }

  room(name: string): Room | undefined {
    return this.#rooms.get(name);
  }

  /** Handles one accepted socket until it closes. Never throws; refusals close the socket. */
  async accept(socket: ServerSocket, request: ConnectRequest): Promise<void> {
    const connection = new Connection(socket, this.limits, this.#logger, this.#connectionClosed);
    this.#connections.set(connection, null);
    try {
      await this.#admit(connection, request);
    } catch (error) {
      this.#refuse(connection, error);
    }
  }

  async #admit(connection: Connection, request: ConnectRequest): Promise<void> {
    if (this.#closing) throw new ConnectionError('server_shutdown', 'server is shutting down', { terminal: false });
    const roomName = parseRoomName(request.path);
    const claims = await verifyParticipantToken(extractToken(request), this.#key, roomName);
    if (connection.closed) return;
    const id = participantId(this.#key, roomName, claims.name, request.query.get('resume'));
    const room = this.#rooms.acquire(roomName, `${request.baseUrl}/rooms/${encodeURIComponent(roomName)}`);
    const participant = new Participant(id, claims, connection, room);
    try {
      room.join(participant);
    } catch (error) {
      this.#rooms.releaseIfEmpty(room);
      throw error;
    }
    this.#connections.set(connection, participant);
    this.#logger.debug('participant joined', { room: roomName, participant: id, name: claims.name });
  }

  /** Refusals follow PROTOCOL.md §1.2: 1000 for "do not retry", other codes for transient ones. */
  #refuse(connection: Connection, error: unknown): void {
    if (!(error instanceof ConveneError)) {
      this.#logger.error('unexpected error admitting a connection', { error: String(error) });
      connection.close(CloseCode.InternalError, 'internal', 'server error');
      return;
    }
    this.#logger.info('connection refused', { code: error.code, reason: error.message });
    const code =
      error.code === 'room_full' ? CloseCode.TryAgainLater
      : error.code === 'server_shutdown' ? CloseCode.GoingAway
      : CloseCode.Normal;
    connection.close(code, error.code, error.message);
  }

  /**
   * Graceful shutdown: stops taking requests, answers those already running (for at most
   * `graceMs`, default {@link DEFAULT_SHUTDOWN_GRACE_MS}), then closes every connection with 1001
   * (clients reconnect elsewhere or later), releases every room and resolves once their release
   * work (documents written to storage) is done. So a request is either answered or never run: a
   * client that saw no answer may send it again (the outbox does), and nothing is done twice.
   */
  async shutdown(graceMs = DEFAULT_SHUTDOWN_GRACE_MS): Promise<void> {
    this.#closing = true;
    for (const connection of this.#connections.keys()) connection.stopReading();
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      Promise.all(this.#rooms.all().map((room) => room.answered())),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs))),
    ]);
    clearTimeout(timer);
    for (const room of this.#rooms.all()) room.closeAll(CloseCode.GoingAway, 'server shutting down');
    for (const connection of [...this.#connections.keys()]) {
      connection.close(CloseCode.GoingAway, 'server_shutdown', 'server shutting down');
    }
    await this.#rooms.releaseAll();
    await this.#database.close();
  }
}

function parseRoomName(path: string): string {
  const match = ROOM_PATH.exec(path);
  let name: string | undefined;
  try {
    name = match ? decodeURIComponent(match[1]!) : undefined;
  } catch {
    name = undefined;
  }
  if (name === undefined || !ROOM_NAME.test(name)) {
    throw new ConnectionError('bad_request', 'the URL path must be /rooms/<room>, with a room name of letters, digits and _ . @ : -', { terminal: true });
  }
  return name;
}
