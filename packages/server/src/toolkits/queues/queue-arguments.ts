import { RoomError, isPlainObject, jsonWithinDepth, type Content } from '@convene/protocol';

type Args = Record<string, unknown>;

/** Queue names: 1–128 characters that are safe in logs, URLs and grants. */
const QUEUE_NAME = /^[A-Za-z0-9_.:@/-]{1,128}$/;
/** Our client's receive ids are 22 characters; this leaves room for other clients. */
const RECEIVE_ID = /^[A-Za-z0-9_-]{1,128}$/;

/** Nesting allowed in a message: far above real use, far below the recursion limits of JSON.stringify and PostgreSQL. */
const MAX_MESSAGE_DEPTH = 256;

const bad = (message: string): RoomError => new RoomError('bad_request', message);


export interface SendRequest {
  name: string;
  create: boolean;
  /** The message as JSON text (what is stored). */
  messageJson: string;
  /** Convene extension: put the message at the front (a cancelled receive giving it back). */
  front: boolean;
  receiveId: string | undefined;
}

export interface ReceiveRequest {
  name: string;
  create: boolean;
  wait: boolean;
  receiveId: string | undefined;
}

/** The json object every queues tool takes. */
export function queueArguments(input: Content, tool: string): Args {
  if (input.type !== 'json' || !isPlainObject(input.json)) throw bad(`queues.${tool} takes a json object`);
  return input.json;
}

export function queueName(args: Args): string {
  const name = args['name'];
  if (typeof name !== 'string' || !QUEUE_NAME.test(name)) {
    throw bad('"name" must be 1 to 128 characters of letters, digits and _ . : @ / -');
  }
  return name;
}

/** Absent and `null` both mean "not given" (MeshAgent always sends these, but other clients may not). */
function flag(args: Args, key: string, fallback: boolean): boolean {
  const value = args[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'boolean') throw bad(`"${key}" must be true or false`);
  return value;
}

export function receiveId(args: Args, required = false): string | undefined {
  const value = args['receive_id'];
  if ((value === undefined || value === null) && !required) return undefined;
  if (typeof value !== 'string' || !RECEIVE_ID.test(value)) throw bad('"receive_id" must be 1 to 128 characters of [A-Za-z0-9_-]');
  return value;
}

/**
 * `send {name, create, message}` (+ `front`, `receive_id`). The message is any JSON value but
 * `null`, which a receiver could not tell from "no message"; its text must stay below the
 * message limit so that the receive answering it fits too.
 */
export function sendRequest(args: Args, maxMessageBytes: number): SendRequest {
  const name = queueName(args);
  const message = args['message'];
  if (message === undefined || message === null) throw bad('"message" is required (any JSON value but null)');
  if (!jsonWithinDepth(message, MAX_MESSAGE_DEPTH)) throw bad(`"message" is nested more than ${MAX_MESSAGE_DEPTH} levels deep`);
  const messageJson = JSON.stringify(message);
  if (Buffer.byteLength(messageJson, 'utf8') > maxMessageBytes) {
    throw new RoomError('payload_too_large', `the message exceeds ${maxMessageBytes} bytes of JSON`);
  }
  return { name, create: flag(args, 'create', true), messageJson, front: flag(args, 'front', false), receiveId: receiveId(args) };
}

/** `receive {name, create, wait}` (+ `receive_id`). Without `wait`, it does not wait. */
export function receiveRequest(args: Args): ReceiveRequest {
  return { name: queueName(args), create: flag(args, 'create', true), wait: flag(args, 'wait', false), receiveId: receiveId(args) };
}
