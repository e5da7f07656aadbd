// Where the time of one broadcast goes: a sender and a receiver in this process (one clock), the
// server in its own process, one 64-byte message at a time. Prints medians and p99s of:
//   sender   broadcast call → the sender's first `ws.send` (our send path)
//   wire     that send → the first WebSocket message at the receiver (kernel, server, kernel)
//   receiver that message → the app's `message` event (our receive path)
//   node bench/messaging-timeline.mjs [convene|relay] [messages]   (GAP=<ms> between messages, default 10)
// Against the relay, the sender writes the frames a Convene server delivers and the receiver
// decodes them as the messaging scenarios' relay clients do. It patches `ws`'s WebSocket prototype
// to see sends and messages: a diagnostic, not a scenario.
import WebSocket from 'ws';
import { RoomClient, nodeTransport } from '@convene/client/node';
import { participantToken } from '@convene/client/tokens';
import { FrameDecoder, encodeMessage, pack, unpack } from '@convene/protocol';
import { SECRET, startServer, stopAll } from './lib/harness.mjs';
import { markWebSocket } from './lib/ws-marks.mjs';

const target = process.argv[2] ?? 'convene';
const count = Number(process.argv[3] ?? 2000);
// No rate limit: at GAP=0 the sender goes past the default 200 messages/s, and a refused message would never arrive.
const server = await startServer(target, { limits: { messagesPerSecond: 1_000_000, messageBurst: 1_000_000 } });
const ROOM = `timeline-${Math.random().toString(36).slice(2, 8)}`;

const t = { measuring: false, send: 0, arrive: 0 };
const marked = markWebSocket(t);

let delivered = null;
async function convene(index) {
  const jwt = await participantToken({ name: `m${index}`, room: ROOM, secret: SECRET });
  const client = new RoomClient({ transport: nodeTransport(), authorization: async () => ({ url: `${server.url}/rooms/${ROOM}`, jwt }) });
  client.messaging.on('message', (m) => delivered?.(performance.now()));
  await client.start();
  await client.messaging.enable();
  return { send: (message) => void client.messaging.broadcastMessage({ type: 'bench', message }).catch(() => {}), close: () => client.dispose() };
}

async function relay(index) {
  const ws = new WebSocket(`${server.url}/d/${ROOM}?i=${index}`, { perMessageDeflate: false });
  const decoder = new FrameDecoder();
  ws.on('message', (data) => {
    const message = decoder.push(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    if (message?.type === 'messaging.send' && unpack(message.data).header.message) delivered?.(performance.now());
  });
  await new Promise((resolve) => ws.once('open', resolve));
  let id = 0;
  return {
    send: (message) => {
      for (const frame of encodeMessage({ id: id++, type: 'messaging.send', data: pack({ from_participant_id: 'p0', type: 'bench', message }) })) ws.send(frame);
    },
    close: () => ws.close(),
  };
}

const connect = target === 'convene' ? convene : relay;
const sender = await connect(0);
const before = marked.sockets.length;
const receiver = await connect(1);
marked.watched = marked.sockets[before];
if (target === 'convene') await new Promise((resolve) => setTimeout(resolve, 300)); // presence settles

const rows = [];
for (let k = 0; k < count; k++) {
  await new Promise((resolve) => setTimeout(resolve, Number(process.env.GAP ?? 10)));
  Object.assign(t, { measuring: true, send: 0, arrive: 0 });
  const done = new Promise((resolve) => (delivered = resolve));
  const start = performance.now();
  sender.send({ s: k, p: 'x'.repeat(40) });
  const end = await done;
  t.measuring = false;
  rows.push({ at: start, sender: t.send - start, wire: t.arrive - t.send, receiver: end - t.arrive, total: end - start });
}
const at = (key, q) => {
  const values = rows.slice(Math.floor(count / 4)).map((r) => r[key]).sort((a, b) => a - b);
  return values[Math.min(values.length - 1, Math.floor(values.length * q))].toFixed(3);
};
const phases = ['sender', 'wire', 'receiver', 'total'];
console.log(`${target}: ${phases.map((k) => `${k} ${at(k, 0.5)} ms (p99 ${at(k, 0.99)})`).join(', ')} — of the last ${count - Math.floor(count / 4)}`);
if (process.env.SLOW) {
  // SLOW=<ms>: when each message slower than that, in total, was sent (ms since the first).
  const first = rows[0].at;
  console.log(rows.filter((r) => r.total > Number(process.env.SLOW)).map((r) => `${(r.at - first).toFixed(0)}: ${r.sender.toFixed(2)}+${r.wire.toFixed(2)}+${r.receiver.toFixed(2)}`).join('\n'));
}
sender.close();
receiver.close();
await stopAll([server]);
process.exit(0);
