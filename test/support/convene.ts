import { RoomClient, nodeTransport, type RoomClientOptions, type TransportFactory } from '@convene/client/node';
import { participantToken } from '@convene/client/tokens';
import { SECRET } from './server.js';

/** A Convene client that mints a fresh token before every connection attempt. */
export function conveneClient(
  options: { url: string; room: string; name: string; secret?: string } & Partial<RoomClientOptions>,
): RoomClient {
  const { url, room, name, secret, ...rest } = options;
  return new RoomClient({
    transport: nodeTransport(),
    authorization: async () => ({
      url: `${url}/rooms/${room}`,
      jwt: await participantToken({ name, room, secret: secret ?? SECRET }),
    }),
    ...rest,
  });
}

/** `nodeTransport()` that shows every frame the client receives to `onFrame` first (for counting answers). */
export function tappedTransport(onFrame: (frame: Uint8Array) => void): TransportFactory {
  const inner = nodeTransport();
  return (options, handlers) =>
    inner(options, {
      ...handlers,
      onMessage: (frame) => {
        onFrame(frame);
        handlers.onMessage(frame);
      },
    });
}
