import { mkdir } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Duplex } from 'node:stream';
import type { Limits } from '@convene/protocol';
import { tokenSubprotocol } from './auth/extract-token.js';
import { silentLogger, type Logger } from './logger.js';
import { RoomServer } from './room-server.js';
import { createDatabase, type DatabaseOptions } from './database/create-database.js';
import type { ConnectRequest } from './server-socket.js';
import type { Toolkit } from './toolkit.js';
import type { StorageBackend } from './storage/storage-backend.js';
import type { SyncToolkitOptions } from './toolkits/sync/sync-toolkit.js';
import { createDownloadRoute } from './storage/download-route.js';
import { DownloadTokens } from './storage/download-token.js';
import { FilesystemStorageBackend } from './storage/filesystem-storage.js';
import { MemoryStorageBackend } from './storage/memory-storage.js';
import { AdaptableWebSocket, wsServerSocket } from './ws-socket.js';

export interface CreateRoomServerOptions {
  /** 0 picks any free port. */
  port?: number;
  host?: string;
  secret: string;
  /** Where rooms keep their data (storage, database); created if missing. */
  dataDir?: string;
  /**
   * Room database engine: PostgreSQL when `url` (or env `DATABASE_URL`) is set, else embedded PGlite
   * in `<dataDir>/database` (in memory without a dataDir). `backend: 'pglite'` ignores DATABASE_URL.
   */
  database?: DatabaseOptions;
  limits?: Partial<Limits>;
  logger?: Logger;
  roomReleaseGraceMs?: number;
  /** Extra built-in toolkits, next to the standard ones. */
  toolkits?: readonly Toolkit[];
  /** Largest file `storage.upload` accepts (default 1 GiB). */
  maxUploadBytes?: number;
  /** Where rooms keep files and documents; overrides the default. */
  storage?: StorageBackend;
  /** Shared documents: `persistWindowMs` bounds how long a change waits to reach storage (default 1 s). */
  sync?: Pick<SyncToolkitOptions, 'persistWindowMs'>;
}

export interface RunningRoomServer {
  /** `ws://host:port`, the base of room URLs (`${url}/rooms/<room>`). */
  readonly url: string;
  readonly port: number;
  readonly host: string;
  readonly core: RoomServer;
  readonly http: Server;
  /** Closes every connection (1001), releases rooms and stops listening. */
  close(): Promise<void>;
}

/**
 * Starts the room server: `GET /healthz`, and WebSocket upgrades at `/rooms/<room>`.
 *
 * @example
 * const server = await createRoomServer({ port: 0, secret: 'dev-secret' });
 * console.log(`${server.url}/rooms/demo`);
 * await server.close();
 */
export async function createRoomServer(options: CreateRoomServerOptions): Promise<RunningRoomServer> {
  const logger = options.logger ?? silentLogger;
  const host = options.host ?? '127.0.0.1';
  if (options.dataDir) await mkdir(options.dataDir, { recursive: true });
  // Files live under dataDir when there is one; without it the server is ephemeral.
  const storage = options.storage ?? (options.dataDir ? new FilesystemStorageBackend(options.dataDir) : new MemoryStorageBackend());
  const core = new RoomServer({
    secret: options.secret,
    database: createDatabase({ database: options.database, dataDir: options.dataDir }),
    logger,
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.roomReleaseGraceMs !== undefined ? { roomReleaseGraceMs: options.roomReleaseGraceMs } : {}),
    ...(options.toolkits ? { toolkits: options.toolkits } : {}),
    ...(options.maxUploadBytes !== undefined ? { maxUploadBytes: options.maxUploadBytes } : {}),
    storage,
    ...(options.sync ? { sync: options.sync } : {}),
  });
  const downloads = createDownloadRoute({ storage, tokens: new DownloadTokens(options.secret), logger });
  const http = createServer((req, res) => {
    if (downloads(req, res)) return;
    if (req.method === 'GET' && req.url?.split('?')[0] === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'ok', rooms: core.roomCount, connections: core.connectionCount }));
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found\n');
  });
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: core.limits.maxFrameBytes,
    // wsServerSocket writes pre-framed messages to the TCP socket, which compression would break.
    perMessageDeflate: false,
    // Sockets with a slot for their adapter (see wsServerSocket).
    WebSocket: AdaptableWebSocket,
    // Open sockets are tracked by wsServerSocket (`open`), for the cut at close().
    clientTracking: false,
    // The token subprotocol must be echoed or browsers drop the connection.
    handleProtocols: (protocols) => tokenSubprotocol([...protocols]) ?? false,
  });
  // Listeners that live as long as a connection are made once, outside the upgrade handler: a
  // closure created there would keep the whole upgrade request (with its JWT) alive per socket.
  const logSocketError = (error: Error) => logger.debug('socket error', { error: error.message });
  const open = new Set<WebSocket>();
  http.on('upgrade', (req, socket, head) => {
    // Every path is upgraded: a wrong path or token is refused with a close frame and a reason,
    // never an HTTP error (PROTOCOL.md §1.2: MeshAgent's Node client crashes on those).
    socket.on('error', destroyOnError);
    const request = connectRequest(req, baseUrl);
    wss.handleUpgrade(req, socket, head, (ws) => {
      // From here `ws` handles socket errors; a second listener would be one more per connection.
      socket.off('error', destroyOnError);
      acceptSocket(ws, request, socket);
    });
  });
  const acceptSocket = (ws: WebSocket, request: ConnectRequest, socket: Duplex) => {
    ws.on('error', logSocketError);
    void core.accept(wsServerSocket(ws, socket, open), request);
  };
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  const port = (http.address() as AddressInfo).port;
  const baseUrl = `ws://${host.includes(':') ? `[${host}]` : host}:${port}`;
  let closing: Promise<void> | undefined;
  return {
    url: baseUrl,
    port,
    host,
    core,
    http,
    close: () =>
      (closing ??= (async () => {
        const released = core.shutdown();
        wss.close();
        // Sockets that ignore the close handshake are cut after a short grace.
        const cut = setTimeout(() => {
          for (const client of open) client.terminate();
        }, 500);
        cut.unref();
        await Promise.all([released, new Promise<void>((resolve) => {
          http.close(() => resolve());
          http.closeAllConnections();
        })]);
        clearTimeout(cut);
      })()),
  };
}

function destroyOnError(this: Duplex): void {
  this.destroy();
}

function connectRequest(req: IncomingMessage, baseUrl: string): ConnectRequest {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const protocols = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim()).filter(Boolean);
  // room_url should be the address the client used, which differs from ours behind a proxy.
  const scheme = req.headers['x-forwarded-proto'] === 'https' ? 'wss' : 'ws';
  const base = req.headers.host ? `${scheme}://${req.headers.host}` : baseUrl;
  return { path: url.pathname, query: url.searchParams, headers: req.headers as Record<string, string | undefined>, protocols, baseUrl: base };
}
