import type { ConnectRequest } from '../server-socket.js';

/** Subprotocol prefix newer MeshAgent browser clients use to carry the JWT. */
export const TOKEN_SUBPROTOCOL_PREFIX = 'meshagent-room.';

/**
 * Finds the JWT in the three places clients put it: `?token=` (MeshAgent 0.39.9), an
 * `Authorization: Bearer` header (our Node client, MeshAgent ≥ 0.43 in Node), or the
 * `meshagent-room.<jwt>` subprotocol (browsers, which cannot set headers).
 */
export function extractToken(request: ConnectRequest): string | undefined {
  const query = request.query.get('token');
  if (query) return query;
  const authorization = request.headers['authorization'];
  if (authorization) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (match) return match[1];
  }
  return tokenSubprotocol(request.protocols)?.slice(TOKEN_SUBPROTOCOL_PREFIX.length) || undefined;
}

/** The offered subprotocol that carries a token, which the server must echo back. */
export function tokenSubprotocol(protocols: readonly string[]): string | undefined {
  return protocols.find((p) => p.startsWith(TOKEN_SUBPROTOCOL_PREFIX));
}
