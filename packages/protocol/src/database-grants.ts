import { isPlainObject } from './packing.js';
import { apiAllows, type ApiScope } from './token.js';

/** One entry of the `dataset.tables` grant (PROTOCOL.md §6, MeshAgent's `TableGrant`). */
export interface DatasetTableGrant {
  name: string;
  /** Convene tables have no namespace: only entries without one (or with `[]`) match. */
  namespace?: string[];
  read?: boolean;
  write?: boolean;
  alter?: boolean;
}

/**
 * The `dataset` API grant (`database` and `datasets` are read as aliases). Without `tables`,
 * every table allows every operation (MeshAgent's `dataset: {}` = unrestricted).
 */
export interface DatasetScope {
  tables?: DatasetTableGrant[];
  list_tables?: boolean;
}

/** `read` = select, count, inspect; `write` = insert, update, delete; `alter` = create, drop. */
export type DatasetOperation = 'read' | 'write' | 'alter';

/** The defaults of a `tables` entry (MeshAgent: read = true, write = false, alter = false). */
const DEFAULTS: Readonly<Record<DatasetOperation, boolean>> = { read: true, write: false, alter: false };

function datasetScope(api: ApiScope | null): Record<string, unknown> | null {
  if (!apiAllows(api, 'dataset')) return null;
  const scope = api!['dataset'];
  return isPlainObject(scope) ? scope : {};
}

/** An entry applies to Convene's namespace-less tables when it names no namespace. */
function namespaceMatches(namespace: unknown): boolean {
  return namespace === undefined || namespace === null || (Array.isArray(namespace) && namespace.length === 0);
}

/**
 * A flag of a `tables` entry. MeshAgent tests the raw value for truthiness; we accept only
 * booleans and read anything else as `false`, so a grant we cannot read never widens access.
 */
function flag(entry: Record<string, unknown>, operation: DatasetOperation): boolean {
  const value = entry[operation];
  if (value === undefined || value === null) return DEFAULTS[operation];
  return value === true;
}

/**
 * `list_tables`: the `dataset` API is granted and `list_tables` (or `listTables`) is not `false`.
 *
 * @example
 * datasetListTablesAllowed({ dataset: { list_tables: false } }) // false
 */
export function datasetListTablesAllowed(api: ApiScope | null): boolean {
  const scope = datasetScope(api);
  if (scope === null) return false;
  return (scope['list_tables'] ?? scope['listTables']) !== false;
}

/**
 * An operation on one table (MeshAgent's `DatasetGrant.canRead/canWrite/canAlter`): allowed
 * when the grant lists no `tables`, or when an entry with that exact name allows it. A `tables`
 * value that is present but not an array denies everything.
 *
 * @example
 * const api = { dataset: { tables: [{ name: 'tasks', write: true }] } };
 * datasetTableAllowed(api, 'tasks', 'write') // true
 * datasetTableAllowed(api, 'tasks', 'alter') // false
 * datasetTableAllowed(api, 'notes', 'read') // false
 */
export function datasetTableAllowed(api: ApiScope | null, table: string, operation: DatasetOperation): boolean {
  const scope = datasetScope(api);
  if (scope === null) return false;
  const tables = scope['tables'];
  if (tables === undefined || tables === null) return true;
  if (!Array.isArray(tables)) return false;
  return tables.some(
    (entry) => isPlainObject(entry) && entry['name'] === table && namespaceMatches(entry['namespace']) && flag(entry, operation),
  );
}
