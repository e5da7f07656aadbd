import { createRequire } from 'node:module';
import type * as Mesh from '@meshagent/meshagent';

/**
 * The published MeshAgent 0.39.9 client. Its `import` entry is CommonJS text that Node's ESM
 * loader cannot run ("exports is not defined"), so it is loaded through `require`, which picks
 * its working `dist/node` build.
 */
export const mesh = createRequire(import.meta.url)('@meshagent/meshagent') as typeof Mesh;

/** Joins with the official client; the token is minted by the official `ParticipantToken`. */
export async function joinMeshAgent(options: { url: string; room: string; name: string; secret: string; role?: string }): Promise<Mesh.RoomClient> {
  const token = new mesh.ParticipantToken({ name: options.name });
  token.addRoomGrant(options.room);
  token.addRoleGrant(options.role ?? 'user');
  token.addApiGrant(mesh.ApiScope.agentDefault());
  const jwt = await token.toJwt({ token: options.secret });
  const room = new mesh.RoomClient({
    protocolFactory: mesh.WebSocketClientProtocol.createFactory({ url: `${options.url}/rooms/${options.room}`, token: jwt }),
  });
  // 0.39.9 leaves `ready` rejected without a handler on terminal failures (PROTOCOL.md §1.2).
  room.ready.catch(() => {});
  await room.start();
  return room;
}

/** Polls until `check` passes or the deadline ends; returns the last value for a useful failure. */
export async function eventually<T>(read: () => T, check: (value: T) => boolean, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = read();
  while (!check(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    value = read();
  }
  return value;
}
