import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRoomServer, silentLogger, type Logger, type RunningRoomServer } from '@convene/server';
import type { DemoConfig } from './config.js';
import { demoRequestHandler } from './request-handler.js';
import { RoomAgents, type RoomAgentsOptions } from './room-agents.js';
import { warmUpDatabase } from './warm-up-database.js';

export interface RunningDemo {
  /** `http://host:port` of the app. */
  readonly url: string;
  readonly port: number;
  readonly http: Server;
  readonly rooms: RunningRoomServer;
  /** The Helper agents, one per room joined through the token route; null when turned off. */
  readonly agents: RoomAgents | null;
  /** Stops the agents and both servers. */
  close(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export interface StartDemoOptions extends Omit<DemoConfig, 'agent'> {
  /** Start the Helper agent per room (default true). */
  agent?: boolean;
  /** Agent settings for tests (idle timeout, a faster model). */
  agentOptions?: Pick<RoomAgentsOptions, 'idleTimeoutMs' | 'agentOptions'>;
  /** Start the database engine before answering (default true; see warmUpDatabase). */
  warmUpDatabase?: boolean;
  logger?: Logger;
  roomReleaseGraceMs?: number;
}

/** Where the agents reach the room server: loopback when it listens on every interface. */
function agentUrl(host: string, port: number): string {
  const local = host === '' || host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `ws://${local.includes(':') ? `[${local}]` : local}:${port}`;
}

/**
 * Starts the room server and the app's HTTP server (static app + token route), and
 * the Helper agent in each room a browser joins.
 *
 * @example
 * const demo = await startDemo({ ...configFromEnv(), port: 0, roomPort: 0 });
 * console.log(demo.url);
 * await demo.close();
 */
export async function startDemo(config: StartDemoOptions): Promise<RunningDemo> {
  const rooms = await createRoomServer({
    port: config.roomPort,
    host: config.host,
    secret: config.secret,
    dataDir: config.dataDir,
    ...(config.logger ? { logger: config.logger } : {}),
    ...(config.roomReleaseGraceMs !== undefined ? { roomReleaseGraceMs: config.roomReleaseGraceMs } : {}),
  });
  const logger = config.logger ?? silentLogger;
  if (config.warmUpDatabase !== false && !(await warmUpDatabase(agentUrl(config.host, rooms.port), config.secret))) {
    logger.warn('the room database did not start within 30 s; the first to-do list may be slow');
  }
  const agents =
    config.agent === false
      ? null
      : new RoomAgents({ url: agentUrl(config.host, rooms.port), secret: config.secret, logger, ...config.agentOptions });
  const http = createServer(
    demoRequestHandler({
      appDir: config.appDir,
      secret: config.secret,
      roomPort: rooms.port,
      fallbackHost: config.host,
      ...(agents ? { onRoomConnection: (room: string) => agents.ensure(room) } : {}),
    }),
  );
  let port: number;
  try {
    port = await listen(http, config.port, config.host);
  } catch (error) {
    agents?.close();
    await rooms.close();
    throw error;
  }
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    http,
    rooms,
    agents,
    close: () =>
      // The agents leave first, so the room server's shutdown does not send them reconnecting.
      (closing ??= Promise.resolve(agents?.close()).then(() => Promise.all([
        new Promise<void>((resolve) => {
          http.close(() => resolve());
          http.closeAllConnections();
        }),
        rooms.close(),
      ])).then(() => undefined)),
  };
}
