import { nodeTransport } from '@convene/client/node';
import { participantToken } from '@convene/client/tokens';
import { RoomProvider, useRoomConnection, type RoomConnectionResult, type RoomStoreOptions } from '@convene/react';
import type { ReactNode } from 'react';
import { SECRET } from '../support/server.js';

export interface ConnectedRoomProps {
  url: string;
  room: string;
  name: string;
  storeOptions?: RoomStoreOptions;
  onConnection?: (connection: RoomConnectionResult) => void;
  onAuthorize?: () => void;
  children?: ReactNode;
}

/** What an app writes: useRoomConnection with an authorization callback, and a RoomProvider. */
export function ConnectedRoom({ url, room, name, storeOptions, onConnection, onAuthorize, children }: ConnectedRoomProps) {
  const connection = useRoomConnection({
    authorization: async () => {
      onAuthorize?.();
      return { url: `${url}/rooms/${room}`, jwt: await participantToken({ name, room, secret: SECRET }) };
    },
    clientOptions: { transport: nodeTransport() },
  });
  onConnection?.(connection);
  return (
    <RoomProvider client={connection.client} {...(storeOptions ? { storeOptions } : {})}>
      {children}
    </RoomProvider>
  );
}
