import { isPlainObject } from '@convene/protocol';
import type { TransportConnectOptions } from './transport.js';

/** What `authorization()` returns: the room URL (`url` or `roomUrl`) and a participant JWT. */
export type RoomAuthorization = { url: string; jwt: string } | { roomUrl: string; jwt: string };

/**
 * Builds the transport target from an authorization result: `http(s)` becomes `ws(s)` and the
 * client's resume key is added, so the server gives this client the same participant id on every
 * connection (WIRE-EXTENSIONS.md). Throws a TypeError describing what is wrong.
 */
export function resolveRoomTarget(authorization: unknown, resumeKey: string): TransportConnectOptions {
  if (!isPlainObject(authorization)) throw new TypeError('authorization() must resolve to { url, jwt }');
  const raw = authorization['url'] ?? authorization['roomUrl'];
  const jwt = authorization['jwt'];
  if (typeof raw !== 'string' || raw === '') throw new TypeError('authorization() returned no room url');
  if (typeof jwt !== 'string' || jwt === '') throw new TypeError('authorization() returned no jwt');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new TypeError(`authorization() returned an invalid room url: ${raw}`);
  }
  if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol === 'https:') url.protocol = 'wss:';
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    throw new TypeError(`the room url must use ws:, wss:, http: or https:, got ${url.protocol}`);
  }
  url.searchParams.set('resume', resumeKey);
  return { url: url.toString(), jwt };
}
