import { ConnectionError, type RoomAuthorization } from '@convene/client';

/**
 * The `authorization` callback: asks our backend for `{ url, jwt }`. A 4xx answer (bad name or
 * room) stops the client for good; network and 5xx failures are retried with backoff.
 *
 * @example
 * useRoomConnection({ authorization: () => fetchRoomConnection('Alice', 'lobby') });
 */
export async function fetchRoomConnection(name: string, room: string): Promise<RoomAuthorization> {
  const query = new URLSearchParams({ name, room });
  const response = await fetch(`/api/room-connection?${query}`);
  if (response.ok) return (await response.json()) as RoomAuthorization;
  const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
  const message = body?.error?.message ?? `the token route answered ${response.status}`;
  if (response.status >= 400 && response.status < 500) throw new ConnectionError('bad_request', message, { terminal: true });
  throw new Error(message);
}
