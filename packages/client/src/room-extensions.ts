import type { AgentsClient } from './agents-client.js';
import type { DatabaseClient } from './database-client.js';
import type { QueuesClient } from './queues-client.js';
import type { RoomClient } from './room-client.js';
import type { StorageClient } from './storage-client.js';
import type { SyncClient } from './sync/sync-client.js';

/**
 * The room APIs beyond messaging. Each lives in its own entry point (`@convene/client/storage`,
 * `/sync`, `/database`, `/queues`, `/agents`, or `/all`), which registers it when imported, so an
 * app that only chats does not download the rest. `@convene/client/node` registers all of them.
 */
export interface RoomExtensions {
  storage: StorageClient;
  sync: SyncClient;
  database: DatabaseClient;
  queues: QueuesClient;
  agents: AgentsClient;
}

type Factories = { [K in keyof RoomExtensions]?: (client: RoomClient) => RoomExtensions[K] };
const factories: Factories = {};

/** Called by an extension's entry point when it is imported. */
export function registerRoomExtension<K extends keyof RoomExtensions>(name: K, factory: (client: RoomClient) => RoomExtensions[K]): void {
  (factories as Record<K, (client: RoomClient) => RoomExtensions[K]>)[name] = factory;
}

/** Builds `client[name]`; a clear error names the import that is missing. */
export function createRoomExtension<K extends keyof RoomExtensions>(name: K, client: RoomClient): RoomExtensions[K] {
  const factory = factories[name];
  if (!factory) {
    throw new TypeError(`room.${name} needs \`import '@convene/client/${name}'\` (or '@convene/client/all') once in your app`);
  }
  return factory(client);
}
