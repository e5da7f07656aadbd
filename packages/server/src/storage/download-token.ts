import { createHmac } from 'node:crypto';
import { SignJWT, errors, jwtVerify } from 'jose';
import { RoomError, isPlainObject } from '@convene/protocol';

/** Download URLs are short-lived: long enough to hand to a browser or a fetch, not to share. */
export const DOWNLOAD_TOKEN_TTL_SECONDS = 5 * 60;
const AUDIENCE = 'convene:storage-download';

/** What a download token lets its holder fetch. */
export interface DownloadGrant {
  room: string;
  path: string;
}

/**
 * Signs and verifies the tokens in download URLs (HS256, claims `room`, `path`, `exp`). The key
 * is derived from the server secret for this one purpose, so a download token can never pass as
 * a participant token, nor a participant token as a download token.
 *
 * @example
 * const tokens = new DownloadTokens(secret);
 * const token = await tokens.sign({ room: 'demo', path: 'docs/a.pdf' });
 * await tokens.verify(token); // { room: 'demo', path: 'docs/a.pdf' }
 */
export class DownloadTokens {
  readonly #key: Uint8Array;
  readonly #ttlSeconds: number;

  constructor(secret: string, ttlSeconds = DOWNLOAD_TOKEN_TTL_SECONDS) {
    this.#key = new Uint8Array(createHmac('sha256', secret).update('convene storage download token v1').digest());
    this.#ttlSeconds = ttlSeconds;
  }

  sign(grant: DownloadGrant): Promise<string> {
    return new SignJWT({ room: grant.room, path: grant.path })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setAudience(AUDIENCE)
      .setExpirationTime(Math.floor(Date.now() / 1000) + this.#ttlSeconds)
      .sign(this.#key);
  }

  /** The grant of a valid token; `unauthorized` or `token_expired` otherwise. */
  async verify(token: string): Promise<DownloadGrant> {
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(token, this.#key, { algorithms: ['HS256'], audience: AUDIENCE, requiredClaims: ['exp'] }));
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw new RoomError('token_expired', 'the download link expired');
      throw new RoomError('unauthorized', 'the download link is not valid');
    }
    if (!isPlainObject(payload) || typeof payload['room'] !== 'string' || typeof payload['path'] !== 'string') {
      throw new RoomError('unauthorized', 'the download link is not valid');
    }
    return { room: payload['room'], path: payload['path'] };
  }
}
