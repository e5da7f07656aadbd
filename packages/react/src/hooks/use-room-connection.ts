import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import {
  RoomClient,
  type ConnectionError,
  type RoomAuthorization,
  type RoomClientOptions,
  type RoomStatus,
} from '@convene/client';

/** The connection as an app shows it. */
export type RoomConnectionState = 'authorizing' | 'connecting' | 'ready' | 'reconnecting' | 'done';

export interface UseRoomConnectionOptions {
  /** Returns `{ url, jwt }` from your backend; read from the latest render, called before every attempt. */
  authorization: () => Promise<RoomAuthorization>;
  /** Enable messaging (presence, chat) once connected (default true). */
  enableMessaging?: boolean;
  /** Change it to drop the current connection and open a new one (e.g. another room or user). */
  reconnectKey?: unknown;
  /** Called once per client when it is ready (connected, messaging enabled). */
  onReady?: (client: RoomClient) => void;
  /** Extra RoomClient options (transport, reconnect policy…), read when a client is created. */
  clientOptions?: Omit<RoomClientOptions, 'authorization'>;
}

export interface RoomConnectionResult {
  client: RoomClient;
  state: RoomConnectionState;
  ready: boolean;
  done: boolean;
  error: ConnectionError | null;
  /** Ends the connection for good (state `done`). */
  dispose(): void;
}

/** Live clients per hook instance, so StrictMode's unmount/remount keeps the same socket. */
const mounts = new WeakMap<RoomClient, number>();

function toState(status: RoomStatus, ready: boolean): RoomConnectionState {
  switch (status) {
    case 'idle':
    case 'authorizing':
      return 'authorizing';
    case 'connecting':
      return 'connecting';
    case 'connected':
      // Connected but messaging not yet enabled counts as connecting: the app cannot chat yet.
      return ready ? 'ready' : 'connecting';
    case 'reconnecting':
      return 'reconnecting';
    case 'disconnected':
      return 'done';
  }
}

/**
 * Owns a RoomClient for a component tree: creates it, starts it after mount (never during SSR),
 * enables messaging, and disposes it on unmount. Under StrictMode exactly one socket is live.
 *
 * @example
 * const { client, state } = useRoomConnection({
 *   authorization: () => fetch(`/api/room-connection?room=demo`).then((r) => r.json()),
 * });
 * return <RoomProvider client={client}>{state === 'ready' ? <RoomChat /> : <Spinner />}</RoomProvider>;
 */
export function useRoomConnection(options: UseRoomConnectionOptions): RoomConnectionResult {
  const latest = useRef(options);
  latest.current = options;
  const { reconnectKey, enableMessaging = true } = options;

  // Constructing a client opens nothing, so doing it during render is SSR- and StrictMode-safe.
  const client = useMemo(
    () => new RoomClient({ ...latest.current.clientOptions, authorization: () => latest.current.authorization() }),
    [reconnectKey], // eslint-disable-line react-hooks/exhaustive-deps
  );
  const [messagingReady, setMessagingReady] = useState<RoomClient | null>(null);

  useEffect(() => {
    mounts.set(client, (mounts.get(client) ?? 0) + 1);
    if (client.status === 'idle') {
      // Attempts start after authorization() resolves, so a StrictMode remount in between opens
      // no extra socket: the same client simply carries on.
      client
        .start()
        .then(async () => {
          // A refused enable (no messaging grant) still leaves a usable connection; sends will
          // report their own errors.
          if (enableMessaging) await client.messaging.enable().catch(() => {});
          setMessagingReady(client);
          latest.current.onReady?.(client);
        })
        // start() rejects with the terminal error, which `error` and state `done` already show.
        .catch(() => {});
    }
    return () => {
      mounts.set(client, mounts.get(client)! - 1);
      queueMicrotask(() => {
        if (mounts.get(client) === 0) client.dispose();
      });
    };
  }, [client, enableMessaging]);

  const status = useSyncExternalStore(
    (onChange) => client.on('status', onChange),
    () => client.status,
    () => client.status,
  );
  const error = useSyncExternalStore(
    (onChange) => client.on('change', onChange),
    () => client.error,
    () => client.error,
  );
  const state = toState(status, messagingReady === client);
  return useMemo(
    () => ({ client, state, ready: state === 'ready', done: state === 'done', error, dispose: () => client.dispose() }),
    [client, state, error],
  );
}
