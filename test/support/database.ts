import { randomUUID } from 'node:crypto';
import { RoomClient, nodeTransport } from '@convene/client/node';
import { participantToken } from '@convene/client/tokens';
import type { ApiScope } from '@convene/protocol';
import type { DatabaseOptions, RunningRoomServer } from '@convene/server';
import { SECRET } from './server.js';

/** The engines the database suites run against: PGlite always, PostgreSQL when CI provides one. */
export const DATABASE_BACKENDS: { name: string; options: DatabaseOptions; enabled: boolean }[] = [
  { name: 'pglite', options: { backend: 'pglite' }, enabled: true },
  { name: 'postgres', options: { backend: 'postgres', url: process.env['DATABASE_URL'] ?? '' }, enabled: Boolean(process.env['DATABASE_URL']) },
];

if (!process.env['DATABASE_URL']) {
  console.info('database tests: DATABASE_URL is not set, so the PostgreSQL (pg) variants are skipped; .ci/run starts a PostgreSQL and sets it');
}

/** A room name no earlier run used: a PostgreSQL database outlives the test run. */
export function freshRoom(prefix = 'db'): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** A started client whose token carries exactly `api` (default: every API, unrestricted). */
export async function joinRoom(server: RunningRoomServer, room: string, name: string, api?: ApiScope): Promise<RoomClient> {
  const client = new RoomClient({
    transport: nodeTransport(),
    authorization: async () => ({
      url: `${server.url}/rooms/${room}`,
      jwt: await participantToken({ name, room, secret: SECRET, ...(api ? { api } : {}) }),
    }),
  });
  await client.start();
  return client;
}
