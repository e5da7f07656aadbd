import { createRoomServer, type CreateRoomServerOptions, type RunningRoomServer } from '@convene/server';

export const SECRET = 'test-secret-for-convene';

/** A real room server on a free loopback port; close it in afterEach/afterAll. */
export function startServer(options: Partial<CreateRoomServerOptions> = {}): Promise<RunningRoomServer> {
  return createRoomServer({ port: 0, host: '127.0.0.1', secret: SECRET, roomReleaseGraceMs: 200, ...options });
}
