import {
  PermissionError,
  datasetListTablesAllowed,
  datasetTableAllowed,
  type Content,
  type DatasetOperation,
  type DatabaseOperation,
} from '@convene/protocol';
import type { Database } from '../../database/database.js';
import { RoomDatabase } from '../../database/room-database.js';
import type { ToolContext, Toolkit, UnaryTool } from '../../toolkit.js';
import {
  countRequest,
  createTableRequest,
  deleteRequest,
  dropTableRequest,
  insertRequest,
  jsonArguments,
  selectRequest,
  tableName,
  updateRequest,
} from './database-arguments.js';
import { DatabaseChanges } from './database-changes.js';

type Args = Record<string, unknown>;

const json = (value: unknown): Content => ({ type: 'json', json: value });

/**
 * The `database` toolkit (docs/WIRE-EXTENSIONS.md, "Database"), gated by the `dataset` grant.
 * The router checks that the API is granted; each tool then checks its table against the
 * grant's `tables` (which needs the arguments, so it happens here) before touching the database.
 *
 * @example
 * new RoomServer({ secret, toolkits: [createDatabaseToolkit(new PgliteDatabase())] });
 */
export function createDatabaseToolkit(database: Database): Toolkit {
  const changes = new DatabaseChanges();

  /** A tool on one table: parse, check the grant for `operation`, run, maybe announce. */
  function tableTool<R extends { table: string }>(
    tool: string,
    operation: DatasetOperation,
    parse: (args: Args) => R,
    run: (tables: RoomDatabase, request: R, context: ToolContext) => Promise<Content>,
  ): UnaryTool {
    return {
      async handle(context, input) {
        const request = parse(jsonArguments(input, tool));
        if (!datasetTableAllowed(context.participant.claims.api, request.table, operation)) {
          throw new PermissionError(`the token does not grant ${operation} on table "${request.table}"`);
        }
        return run(new RoomDatabase(database, context.room.name), request, context);
      },
    };
  }

  function announce(context: ToolContext, table: string, operation: DatabaseOperation, count: number): void {
    changes.publish(context.room, { table, operation, count, participant_id: context.participant.id });
  }

  /** insert/update/delete: answer `{count}` and announce when a row changed. */
  function rowsChanged(context: ToolContext, table: string, operation: DatabaseOperation, count: number): Content {
    if (count > 0) announce(context, table, operation, count);
    return json({ count });
  }

  return {
    name: 'database',
    api: 'dataset',
    tools: {
      list_tables: {
        allowed: datasetListTablesAllowed,
        async handle({ room }, input) {
          jsonArguments(input, 'list_tables');
          return json({ tables: await new RoomDatabase(database, room.name).listTables() });
        },
      },
      inspect: tableTool('inspect', 'read', (args) => ({ table: tableName(args) }), async (tables, { table }) =>
        json({ table, columns: await tables.inspect(table) }),
      ),
      create_table: tableTool('create_table', 'alter', createTableRequest, async (tables, request, context) => {
        const created = await tables.createTable(request);
        if (created) announce(context, request.table, 'create', 0);
        return json({ created });
      }),
      drop_table: tableTool('drop_table', 'alter', dropTableRequest, async (tables, { table, ifExists }, context) => {
        const dropped = await tables.dropTable(table, ifExists);
        if (dropped) announce(context, table, 'drop', 0);
        return json({ dropped });
      }),
      insert: tableTool('insert', 'write', insertRequest, async (tables, request, context) =>
        rowsChanged(context, request.table, 'insert', await tables.insert(request)),
      ),
      update: tableTool('update', 'write', updateRequest, async (tables, request, context) =>
        rowsChanged(context, request.table, 'update', await tables.update(request)),
      ),
      delete: tableTool('delete', 'write', deleteRequest, async (tables, request, context) =>
        rowsChanged(context, request.table, 'delete', await tables.delete(request)),
      ),
      select: tableTool('select', 'read', selectRequest, async (tables, request) => json({ rows: await tables.select(request) })),
      count: tableTool('count', 'read', countRequest, async (tables, request) => json({ count: await tables.count(request) })),
    },
  };
}
