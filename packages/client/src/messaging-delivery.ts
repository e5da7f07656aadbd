import { MessagingEvent, ProtocolError, isPlainObject } from '@convene/protocol';
import { parseParticipantInfo, type RemoteParticipant } from './remote-participant.js';
import type { ServerMessage } from './room-host.js';

/** A `messaging.send` push, decoded (PROTOCOL.md §5.1). */
export type MessagingDelivery =
  | { kind: 'enabled'; participants: RemoteParticipant[] }
  | { kind: 'participant_enabled'; participant: RemoteParticipant }
  | { kind: 'participant_disabled'; id: string }
  | { kind: 'participant_attributes'; id: string; attributes: Record<string, unknown> }
  | {
      kind: 'message';
      fromParticipantId: string;
      type: string;
      message: Record<string, unknown>;
      messageId: string | undefined;
      attachment: Uint8Array | undefined;
      direct: boolean;
    }
  | { kind: 'ignored' };

const IGNORED: MessagingDelivery = { kind: 'ignored' };

/**
 * Decodes a delivery. A header without sender or type breaks the protocol (ProtocolError); a
 * system push with a malformed body, or an app message whose body is not an object, is ignored.
 */
export function decodeMessagingDelivery(message: ServerMessage): MessagingDelivery {
  const header = message.header;
  if (!isPlainObject(header) || typeof header['from_participant_id'] !== 'string' || typeof header['type'] !== 'string') {
    throw new ProtocolError('malformed messaging.send header');
  }
  const from = header['from_participant_id'];
  const type = header['type'];
  const body = header['message'];
  switch (type) {
    case MessagingEvent.Enabled: {
      const list = isPlainObject(body) ? body['participants'] : undefined;
      if (!Array.isArray(list)) return IGNORED;
      const participants = list.map(parseParticipantInfo).filter((p): p is RemoteParticipant => p !== null);
      return { kind: 'enabled', participants };
    }
    case MessagingEvent.ParticipantEnabled: {
      const participant = parseParticipantInfo(body);
      return participant === null ? IGNORED : { kind: 'participant_enabled', participant };
    }
    case MessagingEvent.ParticipantDisabled:
      return isPlainObject(body) && typeof body['id'] === 'string' ? { kind: 'participant_disabled', id: body['id'] } : IGNORED;
    case MessagingEvent.ParticipantAttributes:
      return isPlainObject(body) && isPlainObject(body['attributes'])
        ? { kind: 'participant_attributes', id: from, attributes: body['attributes'] }
        : IGNORED;
    default: {
      if (!isPlainObject(body)) return IGNORED;
      const messageId = typeof header['message_id'] === 'string' ? header['message_id'] : undefined;
      // Copy the tail so a kept attachment does not pin the whole received message in memory.
      const attachment = message.payload.length > 0 ? message.payload.slice() : undefined;
      // Convene servers name the recipient of a direct message; broadcasts carry none.
      const direct = typeof header['to_participant_id'] === 'string';
      return { kind: 'message', fromParticipantId: from, type, message: body, messageId, attachment, direct };
    }
  }
}
