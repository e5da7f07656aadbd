import { contentToWire, isPlainObject, pack, type Content } from '@convene/protocol';

/** A `room.invoke_tool` request. */
export interface InvokeRequest {
  toolkit: string;
  tool: string;
  /**
   * A Content, or a JSON object sent as `{ type: 'json', json }`. An object whose `type` names a
   * Content kind and that has that kind's fields is taken as Content; wrap ambiguous JSON yourself.
   */
  arguments?: Content | Record<string, unknown>;
  /** Route to the toolkit hosted by this participant. */
  participantId?: string;
  onBehalfOfId?: string;
  toolCallId?: string;
  callerContext?: Record<string, unknown>;
}

const CONTENT_FIELDS: Readonly<Record<string, readonly string[]>> = {
  json: ['json'],
  text: ['text'],
  binary: ['headers', 'data'],
  file: ['name', 'mimeType', 'data'],
  link: ['name', 'url'],
  empty: [],
  error: ['text'],
  control: ['method'],
};

function isContent(value: Record<string, unknown>): value is Content {
  const fields = typeof value['type'] === 'string' ? CONTENT_FIELDS[value['type']] : undefined;
  return fields !== undefined && fields.every((field) => field in value);
}

/** The Content an `arguments` value stands for. */
export function toContent(value: Content | Record<string, unknown> | undefined): Content {
  if (value === undefined) return { type: 'json', json: {} };
  if (!isPlainObject(value)) throw new TypeError('invoke arguments must be a Content or a JSON object');
  return isContent(value) ? value : { type: 'json', json: value };
}

/** Encodes the data of a `room.invoke_tool` message: the Content header inline, its payload as the tail. */
export function encodeInvokeTool(request: InvokeRequest): Uint8Array {
  const { header, payload } = contentToWire(toContent(request.arguments));
  const message: Record<string, unknown> = { toolkit: request.toolkit, tool: request.tool, arguments: header };
  if (request.toolCallId !== undefined) message['tool_call_id'] = request.toolCallId;
  if (request.participantId !== undefined) message['participant_id'] = request.participantId;
  if (request.onBehalfOfId !== undefined) message['on_behalf_of_id'] = request.onBehalfOfId;
  if (request.callerContext !== undefined) message['caller_context'] = request.callerContext;
  return pack(message, payload);
}
