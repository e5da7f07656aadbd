import { registerRoomExtension } from './room-extensions.js';
import { DatabaseClient } from './database-client.js';

/**
 * The room database: tables with structured filters.
 * Importing this module (once, anywhere in the app) makes `room.database` available.
 *
 * @example
 * import '@convene/client/database';
 */
registerRoomExtension('database', (client) => new DatabaseClient(client));

export { DatabaseClient } from './database-client.js';
export type { DatabaseHost } from './database-client.js';
export type {
  CreateTableOptions,
  DropTableOptions,
  SelectOptions,
  DatabaseChange,
  DatabaseColumnInfo,
  DatabaseEvents,
} from './database/database-types.js';
export type {
  DatabaseColumn,
  DatabaseColumnType,
  DatabaseColumnCondition,
  DatabaseComparison,
  DatabaseCreateMode,
  DatabaseFilter,
  DatabaseOperation,
  DatabaseOrderBy,
  DatabaseRow,
  DatabaseValue,
} from '@convene/protocol';
