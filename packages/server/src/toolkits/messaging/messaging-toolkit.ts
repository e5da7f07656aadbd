import {
  EMPTY_CONTENT,
  RoomError,
  decodeBase64,
  isPlainObject,
  isSystemMessageType,
  messagingAllows,
  type Content,
} from '@convene/protocol';
import type { ToolContext, Toolkit } from '../../toolkit.js';
import type { OutgoingMessage } from './room-messaging.js';

const MAX_TYPE_LENGTH = 256;
const MAX_MESSAGE_ID_LENGTH = 128;

/** The `messaging` toolkit (PROTOCOL.md §5.1): enable, disable, send, broadcast. */
export const messagingToolkit: Toolkit = {
  name: 'messaging',
  api: 'messaging',
  tools: {
    enable: {
      handle({ room, participant }) {
        room.messaging.enable(participant);
        return EMPTY_CONTENT;
      },
    },
    disable: {
      handle({ room, participant }) {
        room.messaging.disable(participant);
        return EMPTY_CONTENT;
      },
    },
    send: {
      allowed: (api) => messagingAllows(api, 'send'),
      handle({ room, participant }: ToolContext, input: Content) {
        const args = jsonArguments(input);
        const to = args['to_participant_id'];
        if (typeof to !== 'string') throw new RoomError('bad_request', 'send needs a string "to_participant_id"');
        room.messaging.send(participant, room.participant(to), outgoing(args));
        return EMPTY_CONTENT;
      },
    },
    broadcast: {
      allowed: (api) => messagingAllows(api, 'broadcast'),
      handle({ room, participant }: ToolContext, input: Content) {
        room.messaging.broadcast(participant, outgoing(jsonArguments(input)));
        return EMPTY_CONTENT;
      },
    },
  },
};

function jsonArguments(input: Content): Record<string, unknown> {
  if (input.type !== 'json' || !isPlainObject(input.json)) {
    throw new RoomError('bad_request', 'messaging arguments must be a json object');
  }
  return input.json;
}

/** Validates send/broadcast arguments; every problem is a `bad_request` naming the field. */
function outgoing(args: Record<string, unknown>): OutgoingMessage {
  const type = args['type'];
  if (typeof type !== 'string' || type.length === 0 || type.length > MAX_TYPE_LENGTH) {
    throw new RoomError('bad_request', `"type" must be a string of 1 to ${MAX_TYPE_LENGTH} characters`);
  }
  if (isSystemMessageType(type)) throw new RoomError('bad_request', `"${type}" is reserved for the server`);
  const messageJson = args['message_json'];
  if (typeof messageJson !== 'string') throw new RoomError('bad_request', '"message_json" must be a string of JSON');
  try {
    JSON.parse(messageJson);
  } catch {
    throw new RoomError('bad_request', '"message_json" is not valid JSON');
  }
  const attachmentText = args['attachment_base64'];
  let attachment: Uint8Array = new Uint8Array(0);
  if (attachmentText !== undefined && attachmentText !== null) {
    if (typeof attachmentText !== 'string') throw new RoomError('bad_request', '"attachment_base64" must be a string');
    try {
      attachment = decodeBase64(attachmentText);
    } catch {
      throw new RoomError('bad_request', '"attachment_base64" is not valid base64');
    }
  }
  const messageId = args['message_id'];
  if (messageId !== undefined && (typeof messageId !== 'string' || messageId.length === 0 || messageId.length > MAX_MESSAGE_ID_LENGTH)) {
    throw new RoomError('bad_request', `"message_id" must be a string of 1 to ${MAX_MESSAGE_ID_LENGTH} characters`);
  }
  return { type, messageJson: messageJson.trim(), attachment, messageId };
}
