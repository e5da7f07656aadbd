/** Message `type` names on the wire (PROTOCOL.md §4). */
export const MessageType = {
  RoomReady: 'room_ready',
  Connected: 'connected',
  Response: '__response__',
  RoomStatus: 'room.status',
  InvokeTool: 'room.invoke_tool',
  ToolCallRequestChunk: 'room.tool_call_request_chunk',
  ToolCallResponseChunk: 'room.tool_call_response_chunk',
  ToolCallResponse: 'room.tool_call_response',
  ListToolkits: 'room.list_toolkits',
  RegisterToolkit: 'room.register_toolkit',
  UnregisterToolkit: 'room.unregister_toolkit',
  SetAttributes: 'set_attributes',
  MessagingSend: 'messaging.send',
} as const;

/** The message a toolkit's host receives for each call (`room.tool_call.<toolkit>`, §5.5). */
export function toolCallMessageType(toolkit: string): string {
  return `room.tool_call.${toolkit}`;
}

/** The `type` of system messages carried inside `messaging.send` (PROTOCOL.md §5.1). */
export const MessagingEvent = {
  Enabled: 'messaging.enabled',
  ParticipantEnabled: 'participant.enabled',
  ParticipantDisabled: 'participant.disabled',
  ParticipantAttributes: 'participant.attributes',
} as const;

const SYSTEM_MESSAGE_TYPES: ReadonlySet<string> = new Set(Object.values(MessagingEvent));

/** True for the messaging types the server itself sends; participants may not send them. */
export function isSystemMessageType(type: string): boolean {
  return SYSTEM_MESSAGE_TYPES.has(type);
}

/** A participant as the messaging pushes describe it. */
export interface ParticipantInfo {
  id: string;
  role: string;
  attributes: Record<string, unknown>;
}

/** `room_ready` header (§1.3). */
export interface RoomReadyHeader {
  room_name: string;
  room_url: string;
  session_id: string;
}

/** `connected` header (§1.3). `participantId` is camelCase on the wire. */
export interface ConnectedHeader {
  type: 'init';
  participantId: string;
  attributes: Record<string, unknown>;
}

/** Arguments of `messaging.send` / `messaging.broadcast` (json Content). */
export interface MessagingSendArguments {
  type: string;
  message_json: string;
  to_participant_id?: string;
  attachment_base64?: string;
  /**
   * Convene extension: a sender-chosen unique id. The server delivers a given id once per room
   * session and passes it on, so a resend after a lost acknowledgement is not a duplicate.
   */
  message_id?: string;
}

/** Header of a delivered `messaging.send` push. */
export interface MessagingDeliveryHeader {
  from_participant_id: string;
  type: string;
  message: unknown;
  /** Convene extension, see {@link MessagingSendArguments.message_id}. */
  message_id?: string;
}

/** Header of `room.invoke_tool`. */
export interface InvokeToolHeader {
  toolkit: string;
  tool: string;
  arguments: unknown;
  tool_call_id?: string;
  participant_id?: string;
  on_behalf_of_id?: string;
  caller_context?: unknown;
}
