import type { ParticipantClaims, ParticipantInfo } from '@convene/protocol';
import type { Connection } from './connection.js';
import type { Room } from './room.js';
import type { ToolCallStream } from './tool-call-stream.js';

/** A participant in a room: one authenticated connection. */
export class Participant {
  readonly id: string;
  readonly claims: ParticipantClaims;
  readonly connection: Connection;
  /** The room the participant joins (or joined). */
  readonly room: Room;
  /** Null until the participant sets attributes: most keep the default, made when read. */
  #attributes: Record<string, unknown> | null = null;
  messagingEnabled = false;
  #streams: Map<string, ToolCallStream> | null = null;

  constructor(id: string, claims: ParticipantClaims, connection: Connection, room: Room) {
    this.id = id;
    this.claims = claims;
    this.connection = connection;
    this.room = room;
  }

  /** The participant's attributes; `{ name }` from the token until it sets its own. */
  get attributes(): Record<string, unknown> {
    return this.#attributes ?? { name: this.claims.name };
  }

  set attributes(value: Record<string, unknown>) {
    this.#attributes = value;
  }

  /** Open streaming tool calls by `tool_call_id`; made on first use (most participants never stream). */
  get streams(): Map<string, ToolCallStream> {
    return (this.#streams ??= new Map());
  }

  get role(): string {
    return this.claims.role;
  }

  /** Drops a stream once both directions are finished; late chunks until then are still acked. */
  forgetStreamIfDone(stream: ToolCallStream): void {
    if (stream.inputEnded && stream.outputClosed && this.#streams?.get(stream.toolCallId) === stream) {
      this.#streams.delete(stream.toolCallId);
    }
  }

  /** The connection is gone: every open stream's input ends, so their tools can finish. */
  endStreams(): void {
    const streams = this.#streams;
    if (!streams) return;
    this.#streams = null;
    for (const stream of streams.values()) stream.endInput();
  }

  info(): ParticipantInfo {
    return { id: this.id, role: this.role, attributes: this.attributes };
  }
}
