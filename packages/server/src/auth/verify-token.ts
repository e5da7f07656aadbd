import { errors, jwtVerify } from 'jose';
import {
  ConnectionError,
  ProtocolError,
  isPlainObject,
  parseParticipantClaims,
  roomGrantAllows,
  type ApiScope,
  type ParticipantClaims,
} from '@convene/protocol';

/**
 * Verifies an HS256 participant token for a room. Every refusal is a terminal
 * {@link ConnectionError} whose code tells the client why (unauthorized, token_expired,
 * permission_denied).
 */
export async function verifyParticipantToken(
  jwt: string | undefined,
  key: Uint8Array,
  room: string,
): Promise<ParticipantClaims> {
  if (!jwt) throw refuse('unauthorized', 'no token: pass ?token=, an Authorization header or a meshagent-room subprotocol');
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(jwt, key, { algorithms: ['HS256'] }));
  } catch (cause) {
    if (cause instanceof errors.JWTExpired) throw refuse('token_expired', 'token expired');
    throw refuse('unauthorized', `token rejected: ${describe(cause)}`);
  }
  let claims: ParticipantClaims;
  try {
    claims = parseParticipantClaims(payload);
  } catch (cause) {
    // A validly signed token that names its holder but grants no room is how an app revokes
    // access: that is a permission refusal (403), not a bad token (401), so the client can say
    // "no access to this room" instead of "sign in again".
    if (grantsNoRoom(payload)) throw refuse('permission_denied', 'token grants no room');
    throw refuse('unauthorized', cause instanceof ProtocolError ? cause.message : 'malformed token');
  }
  if (!roomGrantAllows(claims, room)) {
    throw refuse('permission_denied', `token is for room "${claims.room}", not "${room}"`);
  }
  return claims.api === null ? claims : { ...claims, api: internApiScope(claims.api) };
}

/**
 * Most tokens carry one of a few `api` grants (the defaults); sharing one frozen copy per distinct
 * grant keeps them from costing every idle connection its own object tree. Bounded, oldest first out.
 */
const scopes = new Map<string, ApiScope>();
const MAX_INTERNED_SCOPES = 256;

function internApiScope(api: ApiScope): ApiScope {
  const key = JSON.stringify(api);
  const known = scopes.get(key);
  if (known) return known;
  if (scopes.size >= MAX_INTERNED_SCOPES) scopes.delete(scopes.keys().next().value!);
  const frozen = deepFreeze(api);
  scopes.set(key, frozen);
  return frozen;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

function refuse(code: 'unauthorized' | 'token_expired' | 'permission_denied', message: string): ConnectionError {
  return new ConnectionError(code, message, { terminal: true });
}

function grantsNoRoom(payload: unknown): boolean {
  if (!isPlainObject(payload) || typeof payload['name'] !== 'string' || payload['name'] === '') return false;
  const grants = payload['grants'];
  if (!Array.isArray(grants) || !grants.every((grant) => isPlainObject(grant) && typeof grant['name'] === 'string')) return false;
  return !grants.some((grant) => grant['name'] === 'room');
}

function describe(cause: unknown): string {
  if (cause instanceof errors.JOSEError) return cause.code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' ? 'bad signature' : cause.message;
  return 'malformed token';
}
