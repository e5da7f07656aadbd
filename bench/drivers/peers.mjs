// Protocol-level peers for the React scenario: many light participants that join a Convene room,
// enable messaging, then change an attribute or broadcast a chat line when told. They never read
// what the server pushes to them (no listener: `ws` only parses frames), so 200 of them cost little.
import WebSocket from 'ws';
import { participantToken } from '@convene/client/tokens';
import { encodeMessage, pack } from '@convene/protocol';
import { serve, sleep } from '../lib/child.mjs';

let peers = [];
let running = null;

function send(peer, type, data) {
  for (const frame of encodeMessage({ id: peer.nextId++, type, data })) peer.ws.send(frame);
}

const invoke = (peer, tool, json) =>
  send(peer, 'room.invoke_tool', pack({ toolkit: 'messaging', tool, arguments: { type: 'json', json } }));

serve({
  async setup({ url, room, secret, count }) {
    for (let start = 0; start < count; start += 20) {
      const batch = [];
      for (let i = start; i < Math.min(count, start + 20); i++) {
        batch.push(
          (async () => {
            const jwt = await participantToken({ name: `peer-${i}`, room, secret });
            const ws = new WebSocket(`${url}/rooms/${room}?token=${encodeURIComponent(jwt)}`, { perMessageDeflate: false });
            ws.on('error', () => {});
            await new Promise((resolve, reject) => {
              ws.once('open', resolve);
              ws.once('error', reject);
            });
            const peer = { i, ws, nextId: 0 };
            invoke(peer, 'enable', {});
            return peer;
          })(),
        );
      }
      peers.push(...(await Promise.all(batch)));
    }
    return peers.length;
  },
  /**
   * For `durationMs`: at `tickHz`, `perTick` peers drawn from the first `active` change their
   * `cursor` attribute; a chat broadcast goes out `messagesPerSec` times a second.
   */
  async run({ durationMs, tickHz, perTick, active, messagesPerSec }) {
    const start = Date.now();
    let ticks = 0;
    let messages = 0;
    let updates = 0;
    let seed = 1;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    while (Date.now() - start < durationMs) {
      const elapsed = Date.now() - start;
      while (ticks < Math.floor((elapsed / 1000) * tickHz) + 1) {
        ticks++;
        const chosen = new Set();
        while (chosen.size < Math.min(perTick, active)) chosen.add(Math.floor(random() * active));
        for (const k of chosen) {
          send(peers[k], 'set_attributes', pack({ cursor: { x: ticks, y: k } }));
          updates++;
        }
      }
      while (messages < Math.floor((elapsed / 1000) * messagesPerSec) + 1) {
        const peer = peers[peers.length - 1 - (messages % Math.max(1, peers.length - active))];
        invoke(peer, 'broadcast', { type: 'chat', message_json: JSON.stringify({ text: `line ${messages}` }) });
        messages++;
      }
      await sleep(Math.min(1000 / tickHz, 1000 / Math.max(1, messagesPerSec)) / 2);
    }
    return { ticks, updates, messages };
  },
  close() {
    for (const peer of peers) peer.ws.close();
    peers = [];
    return true;
  },
});
process.send({ event: 'ready' });
