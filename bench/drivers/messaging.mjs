// A client process for the messaging scenarios. It holds some of the room's clients — real
// RoomClients against Convene, or raw `ws` sockets against the relay — sends from the ones marked
// as senders at a fixed rate, and records the latency of every delivery it sees.
//
// Message body: a 64-byte JSON object {"f":sender,"s":seq,"t":sent-at,"w":warm-up?,"p":padding}.
// Against the relay the sender writes exactly the frames a Convene server would deliver
// (`messaging.send`, header + data frame), so receivers decode the same protocol.
import WebSocket from 'ws';
import { RoomClient, nodeTransport } from '@convene/client/node';
import { participantToken } from '@convene/client/tokens';
import { encodeMessage, pack, unpack } from '@convene/protocol';
import { now, serve, sleep } from '../lib/child.mjs';

const cpuNow = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};
let cpuMark = cpuNow();

const BODY_BYTES = 64;
const HIGH = 2 ** 32;

/** @type {{ index: number, sender: boolean, room?: RoomClient, ws?: WebSocket, id?: string }[]} */
let clients = [];
let config = null;
let recording = newRecording();
let senders = [];

function newRecording() {
  return { latencies: [], perMessage: new Map(), received: 0, warmReceived: 0 };
}

function body(f, s, w) {
  const head = { f, s, t: Number(now().toFixed(3)), w: w ? 1 : 0, p: '' };
  const base = JSON.stringify(head).length;
  head.p = 'x'.repeat(Math.max(0, BODY_BYTES - base));
  return head;
}

function record(message) {
  if (!message || typeof message.t !== 'number') return;
  const latency = now() - message.t;
  if (message.w) {
    recording.warmReceived++;
    return;
  }
  recording.received++;
  recording.latencies.push(latency);
  const key = message.f * 1e7 + message.s;
  const entry = recording.perMessage.get(key);
  if (entry) {
    entry[0]++;
    if (latency > entry[1]) entry[1] = latency;
  } else {
    recording.perMessage.set(key, [1, latency]);
  }
}

async function connectConvene(index, sender) {
  const { url, room, secret } = config;
  const jwt = await participantToken({ name: `c${index}`, room, secret });
  const client = new RoomClient({ transport: nodeTransport(), authorization: async () => ({ url: `${url}/rooms/${room}`, jwt }) });
  client.messaging.on('message', (m) => {
    if (m.type === 'bench') record(m.message);
  });
  await client.start();
  await client.messaging.enable();
  return { index, sender, room: client, id: client.localParticipant.id };
}

async function connectRelay(index, sender) {
  const ws = new WebSocket(`${config.url}/d/${encodeURIComponent(config.room)}?i=${index}`, { perMessageDeflate: false });
  // Several senders' frames can interleave through a relay that forwards frame by frame, so frames
  // are matched to their header by message id (unique per sender) instead of FrameDecoder's strict
  // one-message-at-a-time order.
  const pending = new Map();
  const textDecoder = new TextDecoder();
  ws.on('message', (data) => {
    const id = data.readUInt32BE(4);
    const packet = data.readUInt32BE(8);
    if (packet === 0) {
      pending.set(id, { type: textDecoder.decode(data.subarray(16)), parts: [], count: data.readUInt32BE(12) });
      return;
    }
    const message = pending.get(id);
    if (!message) return;
    message.parts.push(data.subarray(12));
    if (message.parts.length < message.count) return;
    pending.delete(id);
    const body = message.parts.length === 1 ? message.parts[0] : Buffer.concat(message.parts);
    if (message.type === 'messaging.send') record(unpack(new Uint8Array(body.buffer, body.byteOffset, body.byteLength)).header.message);
  });
  ws.on('error', () => {});
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return { index, sender, ws, id: String(index) };
}

/** One sender's loop: `rate` msg/s for `durationMs` (the first `warmupMs` flagged as warm-up). */
function startSender(client, { rate, durationMs, warmupMs, mode, targets }) {
  const state = { sent: 0, warm: 0, acked: 0, errors: 0, done: null };
  let seq = 0;
  let target = 0;
  const start = now();
  const sendOne = () => {
    const elapsed = now() - start;
    const warm = elapsed < warmupMs;
    const message = body(client.index, seq, warm);
    const s = seq++;
    state.sent++;
    if (warm) state.warm++;
    if (client.room) {
      const promise =
        mode === 'direct'
          ? client.room.messaging.sendMessage({ to: targets[target++ % targets.length], type: 'bench', message })
          : client.room.messaging.broadcastMessage({ type: 'bench', message });
      promise.then(
        () => state.acked++,
        () => state.errors++,
      );
    } else {
      const data = pack({ from_participant_id: `p${client.index}`, type: 'bench', message });
      const low = client.index * 1_000_000 + (s % 1_000_000);
      const id = mode === 'direct' ? (Number(targets[target++ % targets.length]) + 1) * HIGH + low : low;
      for (const frame of encodeMessage({ id, type: 'messaging.send', data })) client.ws.send(frame);
      state.acked++;
    }
  };
  state.done = new Promise((resolve) => {
    const tick = () => {
      const elapsed = now() - start;
      if (elapsed >= durationMs) return resolve();
      const due = Math.min(Math.floor((elapsed / 1000) * rate) + 1, Math.ceil((durationMs / 1000) * rate));
      // Catch up in bounded batches so one late timer does not flood the socket at once.
      let burst = 0;
      while (seq < due && burst++ < 1000) sendOne();
      const next = ((seq / rate) * 1000) - (now() - start);
      setTimeout(tick, Math.max(0, Math.min(next, 50)));
    };
    tick();
  });
  return state;
}

serve({
  /** Starts a client-CPU measurement window (ended by collect). */
  mark() {
    cpuMark = cpuNow();
    return true;
  },
  async setup(args) {
    config = args;
    const connect = config.target === 'convene' ? connectConvene : connectRelay;
    // A few at a time: a burst of hundreds of handshakes is not what is measured.
    const list = [...args.clients];
    const out = [];
    while (list.length) {
      const batch = list.splice(0, 20);
      out.push(...(await Promise.all(batch.map((c) => connect(c.index, c.sender)))));
    }
    clients = out;
    return clients.map((c) => ({ index: c.index, id: c.id }));
  },
  /** Resolves once every Convene client sees `expected` others (presence complete). */
  async waitPresence({ expected, timeoutMs = 60_000 }) {
    const deadline = Date.now() + timeoutMs;
    for (const c of clients) {
      if (!c.room) continue;
      while (c.room.messaging.remoteParticipants.length < expected) {
        if (Date.now() > deadline) throw new Error(`client ${c.index} sees ${c.room.messaging.remoteParticipants.length}/${expected} participants`);
        await sleep(20);
      }
    }
    return true;
  },
  /** Starts every local sender; resolves when all have sent (does not wait for deliveries). */
  async run({ rate, durationMs, warmupMs, mode = 'broadcast', targets = [] }) {
    senders = clients.filter((c) => c.sender).map((c) => startSender(c, { rate, durationMs, warmupMs, mode, targets: targets.filter((t) => t !== c.id) }));
    await Promise.all(senders.map((s) => s.done));
    return senders.map(({ sent, warm, acked, errors }) => ({ sent, warm, acked, errors }));
  },
  /** Returns and clears what was recorded since the last collect. */
  collect() {
    const r = recording;
    recording = newRecording();
    const perMessage = [];
    for (const [key, [count, max]] of r.perMessage) perMessage.push([key, count, max]);
    const sent = senders.reduce((n, s) => n + s.sent, 0);
    const warm = senders.reduce((n, s) => n + s.warm, 0);
    const acked = senders.reduce((n, s) => n + s.acked, 0);
    const errors = senders.reduce((n, s) => n + s.errors, 0);
    const cpu = cpuNow();
    const cpuMicros = cpu - cpuMark;
    cpuMark = cpu;
    return { latencies: r.latencies, perMessage, received: r.received, warmReceived: r.warmReceived, sent, warm, acked, errors, cpuMicros };
  },
  received: () => recording.received,
  async close() {
    for (const c of clients) {
      c.room?.dispose();
      c.ws?.close();
    }
    clients = [];
    await sleep(50);
    return true;
  },
});
process.send({ event: 'ready' });
