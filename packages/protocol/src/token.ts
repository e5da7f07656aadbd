import { ProtocolError } from './errors.js';
import { isPlainObject } from './packing.js';

/**
 * Participant-token claims and grant checks (PROTOCOL.md §6), as pure functions. Signing and
 * verifying the JWT happen elsewhere (jose); this module only shapes and reads the payload.
 */
export interface Grant {
  name: string;
  scope: unknown;
}

/** The JSON payload of a participant token, as MeshAgent's `ParticipantToken.toJson` writes it. */
export interface ParticipantTokenPayload {
  name: string;
  grants: Grant[];
  sub?: string;
  kid?: string;
  version?: string;
  exp?: number;
  [extra: string]: unknown;
}

/** Messaging grant; missing fields mean allowed. */
export interface MessagingScope {
  broadcast?: boolean;
  list?: boolean;
  send?: boolean;
}

/**
 * The `api` grant. Each key present enables that room API (`{}` = unrestricted defaults); a
 * missing key denies it. Only the keys Convene checks today are typed; the rest pass through.
 */
export interface ApiScope {
  messaging?: MessagingScope;
  [api: string]: unknown;
}

/** What the server knows about a verified participant. */
export interface ParticipantClaims {
  name: string;
  room: string;
  role: string;
  /** `null` when the token has no `api` grant: every room API is denied. */
  api: ApiScope | null;
  exp?: number;
}

/** The APIs a default token gets (MeshAgent's `userDefault()`, plus `llm` for agents). */
const DEFAULT_APIS = [
  'livekit', 'queues', 'messaging', 'dataset', 'memory', 'sync', 'storage',
  'containers', 'developer', 'agents', 'secrets', 'services',
] as const;

export function defaultApiScope(role: string = 'user'): ApiScope {
  const scope: ApiScope = {};
  for (const api of DEFAULT_APIS) scope[api] = {};
  if (role !== 'user') scope['llm'] = {};
  return scope;
}

export interface BuildClaimsOptions {
  name: string;
  room: string;
  role?: string;
  api?: ApiScope;
  /** Expiry as seconds since the epoch. */
  exp?: number;
}

/** Builds a token payload in MeshAgent's key order, so both SDKs read it the same way. */
export function buildParticipantClaims(options: BuildClaimsOptions): ParticipantTokenPayload {
  const role = options.role ?? 'user';
  const payload: ParticipantTokenPayload = {
    name: options.name,
    grants: [
      { name: 'room', scope: options.room },
      { name: 'role', scope: role },
      { name: 'api', scope: options.api ?? defaultApiScope(role) },
    ],
    version: '0.39.9',
  };
  if (options.exp !== undefined) payload.exp = options.exp;
  return payload;
}

/**
 * Reads verified JWT claims into {@link ParticipantClaims}; throws {@link ProtocolError} when the
 * payload does not have the participant-token shape.
 */
export function parseParticipantClaims(payload: unknown): ParticipantClaims {
  if (!isPlainObject(payload)) throw new ProtocolError('token payload must be an object');
  const name = payload['name'];
  if (typeof name !== 'string' || name.length === 0) throw new ProtocolError('token has no "name"');
  const grants = payload['grants'];
  if (!Array.isArray(grants)) throw new ProtocolError('token has no "grants" list');
  let room: string | undefined;
  let role: string | undefined;
  let api: ApiScope | null = null;
  for (const grant of grants) {
    if (!isPlainObject(grant) || typeof grant['name'] !== 'string') throw new ProtocolError('malformed grant');
    const scope = grant['scope'];
    switch (grant['name']) {
      case 'room':
        if (typeof scope !== 'string') throw new ProtocolError('"room" grant scope must be a string');
        room ??= scope;
        break;
      case 'role':
        // MeshAgent: the first role that is not "user" wins, else "user".
        if (typeof scope === 'string' && (role === undefined || role === 'user')) role = scope;
        break;
      case 'api':
        if (!isPlainObject(scope)) throw new ProtocolError('"api" grant scope must be an object');
        if (api !== null) throw new ProtocolError('token has more than one "api" grant');
        api = normalizeApiScope(scope);
        break;
    }
  }
  if (room === undefined) throw new ProtocolError('token has no "room" grant');
  const claims: ParticipantClaims = { name, room, role: role ?? 'user', api };
  if (typeof payload['exp'] === 'number') claims.exp = payload['exp'];
  return claims;
}

/** MeshAgent accepts `database`/`datasets` as aliases of `dataset`. */
function normalizeApiScope(scope: Record<string, unknown>): ApiScope {
  const out: ApiScope = { ...scope };
  for (const alias of ['database', 'datasets']) {
    if (alias in out && !('dataset' in out)) out['dataset'] = out[alias];
  }
  return out;
}

/** True when the token's `room` grant admits this room. */
export function roomGrantAllows(claims: ParticipantClaims, room: string): boolean {
  return claims.room === room;
}

/** True when the `api` grant enables the room API that backs this toolkit. */
export function apiAllows(api: ApiScope | null, apiName: string): boolean {
  if (api === null || !Object.hasOwn(api, apiName)) return false; // not inherited keys such as "constructor"
  const scope = api[apiName];
  return scope !== undefined && scope !== null && scope !== false;
}

export type MessagingOperation = 'send' | 'broadcast' | 'list';

/** Messaging grant check: the API must be present and the operation not switched off. */
export function messagingAllows(api: ApiScope | null, operation: MessagingOperation): boolean {
  if (!apiAllows(api, 'messaging')) return false;
  const scope = api!['messaging'];
  if (!isPlainObject(scope)) return true;
  return scope[operation] !== false;
}
