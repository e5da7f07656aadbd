// A client process for the idle-memory scenario: opens many connections that then do nothing.
// Convene: RoomClients that start and enable messaging (a present, idle participant). Relay: sockets.
import WebSocket from 'ws';
import { RoomClient, nodeTransport } from '@convene/client/node';
import { participantToken } from '@convene/client/tokens';
import { serve, sleep } from '../lib/child.mjs';

let open = [];

serve({
  async setup({ target, url, secret, clients }) {
    const list = [...clients];
    while (list.length) {
      const batch = list.splice(0, 50);
      open.push(
        ...(await Promise.all(
          batch.map(async ({ index, room }) => {
            if (target === 'relay') {
              const ws = new WebSocket(`${url}/r/${room}?i=${index}`, { perMessageDeflate: false });
              ws.on('error', () => {});
              await new Promise((resolve, reject) => {
                ws.once('open', resolve);
                ws.once('error', reject);
              });
              return () => ws.close();
            }
            const jwt = await participantToken({ name: `i${index}`, room, secret });
            const client = new RoomClient({ transport: nodeTransport(), authorization: async () => ({ url: `${url}/rooms/${room}`, jwt }) });
            await client.start();
            await client.messaging.enable();
            return () => client.dispose();
          }),
        )),
      );
    }
    return open.length;
  },
  async close() {
    for (const close of open) close();
    open = [];
    await sleep(50);
    return true;
  },
});
process.send({ event: 'ready' });
