import type { ConnectionError, WireMessage } from '@convene/protocol';
import type { ResolvedReconnectOptions } from './backoff.js';
import type { RoomSocket } from './room-socket.js';
import type { ConnectedInfo, RoomReadyInfo } from './startup-messages.js';
import type { TransportFactory } from './transport.js';

/** Public connection status. Many internal states map onto these six. */
export type RoomStatus = 'idle' | 'authorizing' | 'connecting' | 'connected' | 'reconnecting' | 'disconnected';

/** A connection that reached the room: both startup messages arrived. */
export interface SessionInfo extends RoomReadyInfo, ConnectedInfo {
  /** True when an earlier connection of this client had reached the room. */
  isReconnect: boolean;
}

export interface ConnectionOptions {
  authorization: () => Promise<unknown>;
  transport: TransportFactory;
  resumeKey: string;
  reconnect: ResolvedReconnectOptions;
  /** Give up on one attempt when the room is not ready after this many ms (it is then retried). */
  connectTimeoutMs: number;
  random?: () => number;
}

export interface ConnectionHooks {
  onStatus(status: RoomStatus): void;
  /** `error` changed while the status stayed the same (e.g. a new cause while reconnecting). */
  onErrorChanged(error: ConnectionError | null): void;
  /** A socket reached the room. Runs before the status becomes `connected` and before waiters run. */
  onSession(session: SessionInfo, socket: RoomSocket): void;
  /** A socket that had reached the room closed (before any retry is scheduled). */
  onSessionLost(error: ConnectionError): void;
  onMessage(message: WireMessage, socket: RoomSocket): void;
  /** The client stopped for good: a terminal error, retries exhausted, or dispose. */
  onStopped(error: ConnectionError): void;
}
