import { isPlainObject } from './packing.js';
import { apiAllows, type ApiScope } from './token.js';

/**
 * The `queues` API grant (PROTOCOL.md §6, MeshAgent's `QueuesGrant`): without `send` or `receive`
 * every queue name is allowed for that operation; a list allows only the names in it.
 */
export interface QueuesScope {
  send?: string[];
  receive?: string[];
  list?: boolean;
}

/** What a token may do with one queue. */
export type QueueOperation = 'send' | 'receive';

function queuesScope(api: ApiScope | null): Record<string, unknown> | null {
  if (!apiAllows(api, 'queues')) return null;
  const scope = api!['queues'];
  return isPlainObject(scope) ? scope : {};
}

/**
 * `send` or `receive` on one queue (MeshAgent's `canSend`/`canReceive`). A list that is present
 * but not an array denies everything: a grant we cannot read must never widen access.
 *
 * @example
 * queueAllowed({ queues: { send: ['jobs'] } }, 'send', 'jobs') // true
 * queueAllowed({ queues: { send: ['jobs'] } }, 'send', 'other') // false
 * queueAllowed({ queues: { send: ['jobs'] } }, 'receive', 'other') // true: no receive list
 */
export function queueAllowed(api: ApiScope | null, operation: QueueOperation, name: string): boolean {
  const scope = queuesScope(api);
  if (scope === null) return false;
  const names = scope[operation];
  if (names === undefined || names === null) return true;
  return Array.isArray(names) && names.includes(name);
}

/**
 * `list`: the `queues` API is granted and `list` is absent or `true` (MeshAgent defaults it to
 * true; anything that is not a boolean counts as `false`, failing closed).
 */
export function queueListAllowed(api: ApiScope | null): boolean {
  const scope = queuesScope(api);
  if (scope === null) return false;
  const list = scope['list'];
  return list === undefined || list === null || list === true;
}
