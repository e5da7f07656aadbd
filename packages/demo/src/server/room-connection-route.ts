import type { IncomingMessage } from 'node:http';
import { participantToken } from '@convene/client/tokens';

/** Room names the room server accepts (letters, digits and _ . @ : -). */
export const ROOM_NAME = /^[\w.@:-]{1,128}$/;
export const MAX_NAME_LENGTH = 64;
/** Tokens live an hour; the client asks for a fresh one before every connection attempt. */
const TOKEN_TTL_SECONDS = 3600;

export interface RoomConnectionOptions {
  secret: string;
  roomPort: number;
  /** Used when the request carries no usable Host header. */
  fallbackHost: string;
}

export type RoomConnectionResult =
  | { ok: true; body: { url: string; jwt: string } }
  | { ok: false; message: string };

/** The hostname the browser used (from Host), so the room URL works from another machine too. */
export function requestHostname(req: IncomingMessage, fallback: string): string {
  const header = req.headers.host;
  if (header) {
    try {
      const { hostname } = new URL(`http://${header}`);
      if (hostname) return hostname;
    } catch {
      // A malformed Host header: fall back to our own address.
    }
  }
  return fallback.includes(':') && !fallback.startsWith('[') ? `[${fallback}]` : fallback;
}

function validName(name: string | null): string | undefined {
  const trimmed = name?.trim() ?? '';
  const length = [...trimmed].length;
  // eslint-disable-next-line no-control-regex
  if (length < 1 || length > MAX_NAME_LENGTH || /[\u0000-\u001f\u007f]/.test(trimmed)) return undefined;
  return trimmed;
}

/**
 * `GET /api/room-connection?name=<n>&room=<r>` → `{ url, jwt }`: what a real backend does for its
 * signed-in users. This demo trusts the name it is given; yours would take it from the session.
 *
 * @example
 * const result = await roomConnection(req, new URL(req.url!, 'http://x'), { secret, roomPort: 8787, fallbackHost: '127.0.0.1' });
 */
export async function roomConnection(req: IncomingMessage, url: URL, options: RoomConnectionOptions): Promise<RoomConnectionResult> {
  const name = validName(url.searchParams.get('name'));
  if (name === undefined) return { ok: false, message: `name must be 1 to ${MAX_NAME_LENGTH} characters with no control characters` };
  const room = url.searchParams.get('room') ?? '';
  if (!ROOM_NAME.test(room)) return { ok: false, message: 'room must be 1 to 128 letters, digits or _ . @ : -' };
  const jwt = await participantToken({ name, room, secret: options.secret, expiresIn: TOKEN_TTL_SECONDS });
  const host = requestHostname(req, options.fallbackHost);
  return { ok: true, body: { url: `ws://${host}:${options.roomPort}/rooms/${encodeURIComponent(room)}`, jwt } };
}
