import { SignJWT } from 'jose';
import { buildParticipantClaims, type ApiScope } from '@convene/protocol';
import { SECRET } from './server.js';

export interface MintOptions {
  name: string;
  room: string;
  role?: string;
  api?: ApiScope;
  /** Seconds since the epoch. */
  exp?: number;
  secret?: string;
}

/** Signs a participant token the way MeshAgent's ParticipantToken does (HS256, same payload). */
export function mintToken(options: MintOptions): Promise<string> {
  const payload = buildParticipantClaims(options);
  return new SignJWT(payload as never)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(new TextEncoder().encode(options.secret ?? SECRET));
}
