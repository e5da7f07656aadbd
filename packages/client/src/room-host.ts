import type { ConnectionError } from '@convene/protocol';
import type { SessionInfo } from './connection-types.js';
import type { RoomSocket } from './room-socket.js';

/** A live connection that reached the room, as sub-clients see it. */
export interface Session extends SessionInfo {
  readonly socket: RoomSocket;
}

/** A server message other than `__response__`, unpacked. */
export interface ServerMessage {
  id: number;
  type: string;
  header: unknown;
  payload: Uint8Array;
}

/** Lifecycle hooks a sub-client registers; they run in registration order. */
export interface SessionHooks {
  /**
   * A connection reached the room. Write restore traffic synchronously (it then precedes anything
   * the app sends); return a promise if restoring finishes later. `reconnected` fires once every
   * hook's promise has settled.
   */
  sessionStarted?(session: Session): void | Promise<void>;
  /** The live connection closed; the client may reconnect. */
  sessionLost?(error: ConnectionError): void;
  /** The client stopped for good (terminal error or dispose). */
  stopped?(error: ConnectionError): void;
}

/** What a sub-client (messaging, sync, storage…) needs from the RoomClient. */
export interface RoomHost {
  /** Writes a one-way message on the live connection; false when not connected. */
  send(type: string, data: Uint8Array): boolean;
  /** Writes a message under the id of a server message it answers (`room.tool_call_response`). */
  reply(id: number, type: string, data: Uint8Array): boolean;
  /** Handles server messages of one `type`; returns an unregister function. */
  registerHandler(type: string, handler: (message: ServerMessage) => void): () => void;
  registerHooks(hooks: SessionHooks): () => void;
  /** The live session, or null; for sub-clients created after the connection started. */
  currentSession(): Session | null;
}
