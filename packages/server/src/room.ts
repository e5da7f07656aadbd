import { randomUUID } from 'node:crypto';
import {
  CloseCode,
  ConveneError,
  MessageType,
  ProtocolError,
  RoomError,
  EMPTY_CONTENT,
  contentFromWire,
  errorContent,
  isPlainObject,
  pack,
  unpackObject,
  UnpackCache,
  isBinaryChunkHeader,
  type Content,
  type WireMessage,
  jsonWithinDepth,
} from '@convene/protocol';
import type { Logger } from './logger.js';
import { describeValue } from './describe-value.js';
import type { Participant } from './participant.js';
import type { RoomStorage } from './storage/storage-backend.js';
import type { ToolRouter } from './tool-router.js';
import { RoomAgents } from './toolkits/agents/room-agents.js';
import { RoomMessaging } from './toolkits/messaging/room-messaging.js';

/** Nesting allowed in attribute values, far above real use and far below JSON.stringify's recursion limit. */
const MAX_ATTRIBUTE_DEPTH = 64;

/**
 * Request-chunk headers by participant, each parsed once: a stream repeats its chunk header (a
 * document's every edit). Beside the participant rather than on it, so idle ones pay nothing.
 */
const chunkHeaders = new WeakMap<Participant, UnpackCache>();

function chunkHeadersOf(participant: Participant): UnpackCache {
  let cache = chunkHeaders.get(participant);
  if (cache === undefined) chunkHeaders.set(participant, (cache = new UnpackCache({ share: isBinaryChunkHeader })));
  return cache;
}

export interface RoomOptions {
  name: string;
  /** This room's files (documents persist here too). */
  storage: RoomStorage;
  /** `ws://host:port/rooms/<name>` as clients reach it. */
  url: string;
  router: ToolRouter;
  logger: Logger;
  participantsPerRoom: number;
}

/**
 * A live room: its participants, its session id (new each time the room is provisioned) and the
 * per-room state of the built-in toolkits. Dispatches each participant's messages.
 */
export class Room {
  readonly name: string;
  readonly url: string;
  readonly sessionId = randomUUID();
  readonly messaging: RoomMessaging;
  readonly agents: RoomAgents;
  readonly storage: RoomStorage;
  readonly #releaseHooks: (() => Promise<void> | void)[] = [];
  readonly #participants = new Map<string, Participant>();
  readonly #router: ToolRouter;
  readonly #logger: Logger;
  readonly #capacity: number;
  /** Answers still being worked on (awaited by a graceful shutdown). */
  readonly #inFlight = new Set<Promise<void>>();
  /** Every participant's messages, as `(participant, message)`: one function for the room. */
  readonly #onMessage = (participant: Participant, message: WireMessage): void => this.#dispatch(participant, message);

  constructor(options: RoomOptions) {
    this.name = options.name;
    this.url = options.url;
    this.#router = options.router;
    this.#logger = options.logger;
    this.#capacity = options.participantsPerRoom;
    this.storage = options.storage;
    this.messaging = new RoomMessaging(() => this.#participants.values());
    this.agents = new RoomAgents((name) => options.router.has(name));
  }

  get size(): number {
    return this.#participants.size;
  }

  participant(id: string): Participant | undefined {
    return this.#participants.get(id);
  }

  participants(): IterableIterator<Participant> {
    return this.#participants.values();
  }

  /**
   * Admits a participant and sends the startup messages (PROTOCOL.md §1.3). A participant with the
   * id of one still connected (the same resume key) replaces it.
   */
  join(participant: Participant): void {
    const previous = this.#participants.get(participant.id);
    if (previous) {
      previous.connection.close(CloseCode.Replaced, 'replaced', 'replaced by a newer connection of this participant');
      this.leave(previous);
    }
    if (this.#participants.size >= this.#capacity) {
      throw new RoomError('room_full', `room "${this.name}" has ${this.#capacity} participants, its limit`);
    }
    this.#participants.set(participant.id, participant);
    const connection = participant.connection;
    connection.send(MessageType.RoomReady, pack({ room_name: this.name, room_url: this.url, session_id: this.sessionId }));
    connection.send(MessageType.Connected, pack({ type: 'init', participantId: participant.id, attributes: participant.attributes }));
    connection.setHandler(this.#onMessage, participant);
  }

  /** Removes a participant (idempotent) and tells the others. */
  leave(participant: Participant): void {
    participant.endStreams();
    if (this.#participants.get(participant.id) !== participant) return;
    this.#participants.delete(participant.id);
    this.agents.leave(participant);
    this.messaging.disable(participant);
  }

  /**
   * Registers work to do when the room is released (e.g. write open documents to storage).
   * Hooks run in registration order; one that fails is logged and the others still run.
   */
  onRelease(hook: () => Promise<void> | void): void {
    this.#releaseHooks.push(hook);
  }

  /** Runs the release hooks; the registry calls it once, after the last participant left. */
  async release(): Promise<void> {
    for (const hook of this.#releaseHooks.splice(0)) {
      try {
        await hook();
      } catch (error) {
        this.#logger.error('room release hook failed', { room: this.name, error: String(error) });
      }
    }
  }

  /** Resolves once every request that was being worked on has been answered (new ones included). */
  async answered(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  /** Closes every connection (server shutdown); participants leave as their sockets close. */
  closeAll(code: number, message: string): void {
    for (const participant of [...this.#participants.values()]) {
      participant.connection.close(code, 'server_shutdown', message);
      this.leave(participant);
    }
  }

  #dispatch(participant: Participant, message: WireMessage): void {
    switch (message.type) {
      case MessageType.InvokeTool:
        this.#invokeTool(participant, message);
        return;
      case MessageType.SetAttributes:
        this.#setAttributes(participant, message);
        return;
      case MessageType.ToolCallRequestChunk:
        this.#requestChunk(participant, message);
        return;
      default:
        if (this.agents.dispatch(participant, message)) return;
        // Anything else that expects an answer still gets one, so no caller waits forever.
        participant.connection.respond(message.id, errorContent('not_found', `unsupported message type "${message.type}"`));
    }
  }

  #invokeTool(participant: Participant, message: WireMessage): void {
    let header: Record<string, unknown>;
    let payload: Uint8Array;
    try {
      ({ header, payload } = unpackObject(message.data));
    } catch (error) {
      participant.connection.respond(message.id, errorContent('bad_request', (error as ProtocolError).message));
      return;
    }
    const answer = (content: Content): void => participant.connection.respond(message.id, content);
    const result = this.#router.invoke(this, participant, header, payload);
    if (!(result instanceof Promise)) return answer(result);
    const answered = result
      .then(answer, (error: unknown) => {
        this.#logger.error('tool router failed', { error: String(error) });
        answer(errorContent('internal', 'request failed'));
      })
      // An answer that cannot be sent (a result that does not encode) must not become an
      // unhandled rejection, which would stop the process.
      .catch((error: unknown) => this.#logger.error('answering a request failed', { error: String(error) }));
    this.#inFlight.add(answered);
    void answered.finally(() => this.#inFlight.delete(answered));
  }

  /** A request chunk of a streaming tool call: handed to its stream and acknowledged (§4.3) unless it says `ack: false`. */
  #requestChunk(participant: Participant, message: WireMessage): void {
    const connection = participant.connection;
    let content: Content;
    let toolCallId: unknown;
    let acknowledge: boolean;
    try {
      const { header, payload } = chunkHeadersOf(participant).unpack(message.data);
      if (!isPlainObject(header)) throw new ProtocolError('packed header must be a JSON object');
      toolCallId = header['tool_call_id'];
      acknowledge = header['ack'] !== false;
      content = contentFromWire(header['chunk'], payload);
    } catch (error) {
      connection.respond(message.id, errorContent('bad_request', (error as ProtocolError).message));
      return;
    }
    const stream = typeof toolCallId === 'string' ? participant.streams.get(toolCallId) : undefined;
    if (!stream) {
      connection.respond(message.id, errorContent('not_found', `no open tool call "${describeValue(toolCallId)}"`));
      return;
    }
    try {
      stream.push(content);
    } catch (error) {
      connection.respond(message.id, errorContent((error as ConveneError).code, (error as Error).message));
      return;
    }
    // `ack: false` (a Convene extension): the client learns of success from the answer to a later
    // request, so only failures are answered. An acknowledgement is a socket write of its own.
    if (acknowledge) connection.respond(message.id, EMPTY_CONTENT);
    participant.forgetStreamIfDone(stream);
  }

  /** `set_attributes` is one-way: bad input is logged and dropped, never answered. */
  #setAttributes(participant: Participant, message: WireMessage): void {
    let changed: Record<string, unknown>;
    try {
      changed = unpackObject(message.data).header;
    } catch (error) {
      this.#logger.warn('ignoring malformed set_attributes', { participant: participant.id, error: String(error) });
      return;
    }
    if (!isPlainObject(changed) || Object.keys(changed).length === 0) return;
    if (!jsonWithinDepth(changed, MAX_ATTRIBUTE_DEPTH)) {
      // Attributes are re-serialized in every presence push; JSON.stringify recurses and would overflow the stack.
      this.#logger.warn('ignoring set_attributes nested too deeply', { participant: participant.id });
      return;
    }
    participant.attributes = { ...participant.attributes, ...changed };
    this.messaging.attributesChanged(participant, changed);
  }
}
