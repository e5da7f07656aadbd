import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRoomServer, type Logger, type RunningRoomServer } from '@convene/server';
import type { DemoConfig } from './config.js';
import { demoRequestHandler } from './request-handler.js';

export interface RunningDemo {
  /** `http://host:port` of the app. */
  readonly url: string;
  readonly port: number;
  readonly http: Server;
  readonly rooms: RunningRoomServer;
  /** Stops both servers. */
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

/**
 * Starts the room server and the app's HTTP server (static app + token route).
 *
 * @example
 * const demo = await startDemo({ ...configFromEnv(), port: 0, roomPort: 0 });
 * console.log(demo.url);
 * await demo.close();
 */
export async function startDemo(config: DemoConfig & { logger?: Logger; roomReleaseGraceMs?: number }): Promise<RunningDemo> {
  const rooms = await createRoomServer({
    port: config.roomPort,
    host: config.host,
    secret: config.secret,
    dataDir: config.dataDir,
    ...(config.logger ? { logger: config.logger } : {}),
    ...(config.roomReleaseGraceMs !== undefined ? { roomReleaseGraceMs: config.roomReleaseGraceMs } : {}),
  });
  const http = createServer(
    demoRequestHandler({ appDir: config.appDir, secret: config.secret, roomPort: rooms.port, fallbackHost: config.host }),
  );
  let port: number;
  try {
    port = await listen(http, config.port, config.host);
  } catch (error) {
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
    close: () =>
      (closing ??= Promise.all([
        new Promise<void>((resolve) => {
          http.close(() => resolve());
          http.closeAllConnections();
        }),
        rooms.close(),
      ]).then(() => undefined)),
  };
}
