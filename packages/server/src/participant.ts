import type { ParticipantClaims, ParticipantInfo } from '@convene/protocol';
import type { Connection } from './connection.js';
import type { ToolCallStream } from './tool-call-stream.js';

/** A participant in a room: one authenticated connection. */
export class Participant {
  readonly id: string;
  readonly claims: ParticipantClaims;
  readonly connection: Connection;
  attributes: Record<string, unknown>;
  messagingEnabled = false;
  /** Open streaming tool calls by `tool_call_id`. */
  readonly streams = new Map<string, ToolCallStream>();

  constructor(id: string, claims: ParticipantClaims, connection: Connection) {
    this.id = id;
    this.claims = claims;
    this.connection = connection;
    this.attributes = { name: claims.name };
  }

  get role(): string {
    return this.claims.role;
  }

  /** Drops a stream once both directions are finished; late chunks until then are still acked. */
  forgetStreamIfDone(stream: ToolCallStream): void {
    if (stream.inputEnded && stream.outputClosed && this.streams.get(stream.toolCallId) === stream) {
      this.streams.delete(stream.toolCallId);
    }
  }

  /** The connection is gone: every open stream's input ends, so their tools can finish. */
  endStreams(): void {
    for (const stream of this.streams.values()) stream.endInput();
    this.streams.clear();
  }

  info(): ParticipantInfo {
    return { id: this.id, role: this.role, attributes: this.attributes };
  }
}
