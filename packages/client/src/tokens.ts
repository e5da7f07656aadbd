import { buildParticipantClaims, type ApiScope } from '@convene/protocol';
import { SignJWT, type JWTPayload } from 'jose';

export type { ApiScope };

export interface ParticipantTokenOptions {
  /** The participant's display name (the `name` claim). */
  name: string;
  room: string;
  /** `user` (default), `agent`, `tool`… */
  role?: string;
  /** Shared HS256 secret; the key is its UTF-8 bytes. */
  secret: string;
  /** API grant; defaults to the role's default scope. */
  api?: ApiScope;
  /** Seconds from now, or a jose duration such as `'2h'`. Omit for a token without `exp`. */
  expiresIn?: number | string;
}

/**
 * Signs a participant token that Convene and MeshAgent servers accept. Run it on a server: the
 * secret must never reach a browser.
 *
 * @example
 * const jwt = await participantToken({ name: 'alice', room: 'demo', secret: process.env.CONVENE_SECRET! });
 */
export async function participantToken(options: ParticipantTokenOptions): Promise<string> {
  const { name, room, role, secret, api, expiresIn } = options;
  if (typeof name !== 'string' || name === '') throw new TypeError('participantToken needs a name');
  if (typeof room !== 'string' || room === '') throw new TypeError('participantToken needs a room');
  if (typeof secret !== 'string' || secret === '') throw new TypeError('participantToken needs a secret');
  let exp: number | undefined;
  if (typeof expiresIn === 'number') {
    if (!Number.isFinite(expiresIn) || expiresIn <= 0) throw new TypeError('expiresIn must be a positive number of seconds');
    exp = Math.floor(Date.now() / 1000) + Math.floor(expiresIn);
  }
  const claims = buildParticipantClaims({
    name,
    room,
    ...(role !== undefined && { role }),
    ...(api !== undefined && { api }),
    ...(exp !== undefined && { exp }),
  });
  const jwt = new SignJWT(claims as JWTPayload).setProtectedHeader({ alg: 'HS256', typ: 'JWT' });
  if (typeof expiresIn === 'string') jwt.setExpirationTime(expiresIn);
  return jwt.sign(new TextEncoder().encode(secret));
}
