import { RoomClient, nodeTransport } from '@convene/client/node';
import { participantToken } from '@convene/client/tokens';

const WARM_UP_ROOM = 'demo-warmup';

/**
 * Makes the room server start its database engine now, with one `list_tables` call. Embedded
 * PGlite starts on the first database request and blocks the server's event loop while it does
 * (seconds on a new data directory), which would freeze every room the first time someone opens
 * the to-do list; doing it before the demo prints its URL moves that pause to startup.
 * Never throws: a failure only means the pause happens later.
 */
export async function warmUpDatabase(roomServerUrl: string, secret: string, timeoutMs = 30_000): Promise<boolean> {
  const client = new RoomClient({
    transport: nodeTransport(),
    authorization: async () => ({
      url: `${roomServerUrl}/rooms/${WARM_UP_ROOM}`,
      jwt: await participantToken({ name: 'demo-server', room: WARM_UP_ROOM, role: 'agent', secret, expiresIn: 300 }),
    }),
  });
  const timeout = new Promise<false>((resolve) => setTimeout(resolve, timeoutMs, false).unref());
  try {
    const warm = client.start().then(() => client.database.listTables()).then(() => true);
    return await Promise.race([warm.catch(() => false), timeout]);
  } finally {
    client.dispose();
  }
}
