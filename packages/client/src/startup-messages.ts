import { ProtocolError, isPlainObject, unpackObject } from '@convene/protocol';

/** The room facts from `room_ready` (PROTOCOL.md §1.3); non-strings become null, as in MeshAgent. */
export interface RoomReadyInfo {
  roomName: string | null;
  roomUrl: string | null;
  sessionId: string | null;
}

/** Who we are, from `connected`. */
export interface ConnectedInfo {
  participantId: string;
  attributes: Record<string, unknown>;
}

const stringOrNull = (value: unknown): string | null => (typeof value === 'string' ? value : null);

export function parseRoomReady(data: Uint8Array): RoomReadyInfo {
  const { header } = unpackObject(data);
  return {
    roomName: stringOrNull(header['room_name']),
    roomUrl: stringOrNull(header['room_url']),
    sessionId: stringOrNull(header['session_id']),
  };
}

/** Throws ProtocolError on a malformed `connected` (MeshAgent would hang forever instead). */
export function parseConnected(data: Uint8Array): ConnectedInfo {
  const { header } = unpackObject(data);
  const participantId = header['participantId'];
  const attributes = header['attributes'];
  if (header['type'] !== 'init' || typeof participantId !== 'string' || !isPlainObject(attributes)) {
    throw new ProtocolError('malformed "connected" message');
  }
  return { participantId, attributes };
}
