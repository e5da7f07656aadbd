import { isPlainObject } from './packing.js';
import type { ApiScope } from './token.js';

/** Operations of the `agents` grant (PROTOCOL.md §6); each defaults to allowed. */
export type AgentsOperation =
  | 'register_agent'
  | 'register_public_toolkit'
  | 'register_private_toolkit'
  | 'call'
  | 'use_agents'
  | 'use_tools';

function agentsScope(api: ApiScope | null): Record<string, unknown> | null {
  if (api === null || !Object.hasOwn(api, 'agents')) return null;
  const scope = api['agents'];
  if (scope === null || scope === undefined || scope === false) return null;
  return isPlainObject(scope) ? scope : {};
}

/** The `agents` API must be granted and the operation not switched off. */
export function agentsAllows(api: ApiScope | null, operation: AgentsOperation): boolean {
  const scope = agentsScope(api);
  return scope !== null && scope[operation] !== false;
}

/**
 * May this token see a participant-hosted toolkit in `room.list_toolkits`? Needs `use_tools` and,
 * when the grant lists `allowed_toolkits`, the toolkit's name among them: like queue listings, a
 * listing shows only what the token may use (hosts always see their own).
 */
export function hostedToolkitListed(api: ApiScope | null, toolkit: string): boolean {
  const scope = agentsScope(api);
  if (scope === null || scope['use_tools'] === false) return false;
  const allowed = scope['allowed_toolkits'];
  return !Array.isArray(allowed) || allowed.includes(toolkit);
}

/**
 * May this token call tools of a participant-hosted toolkit? Needs `agents.use_tools` and, when
 * the grant lists `allowed_toolkits`, the toolkit's name among them.
 */
export function hostedToolkitAllowed(api: ApiScope | null, toolkit: string): boolean {
  const scope = agentsScope(api);
  if (scope === null || scope['use_tools'] === false || scope['call'] === false) return false;
  const allowed = scope['allowed_toolkits'];
  return !Array.isArray(allowed) || allowed.includes(toolkit);
}
