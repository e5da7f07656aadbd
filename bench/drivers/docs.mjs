// A client process for the document scenarios. It holds some of the clients editing one shared
// text — Convene RoomClients through `room.sync`, or y-websocket's WebsocketProvider against the
// reference server or through the raw relay — inserts 8-character chunks from the senders at a
// fixed rate, and records when each chunk shows up at each receiver.
//
// Chunk: 1 base-36 character for the sender, 7 for its sequence number. The text starts with one
// 8-character chunk and every insert goes at the end, so the strings in updates stay 8-aligned.
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { RoomClient, nodeTransport } from '@convene/client/node';
import { participantToken } from '@convene/client/tokens';
import { now, serve, sleep } from '../lib/child.mjs';
import { INITIAL_TEXT as INITIAL, docSchema, initialDoc } from '../lib/doc-schema.mjs';

const cpuNow = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};
let cpuMark = cpuNow();

const CHUNK = 8;

let config = null;
/** @type {{ index: number, sender: boolean, insert: (s: string) => void, close: () => void }[]} */
let clients = [];
let received = new Map(); // key -> [recv times...] (one per local receiver)
let receivedCount = 0;
let senders = [];

const keyOf = (f, s) => f * 1e8 + s;

function onInsert(text) {
  const t = now();
  for (let i = 0; i + CHUNK <= text.length; i += CHUNK) {
    const chunk = text.slice(i, i + CHUNK);
    if (chunk === INITIAL) continue;
    const f = parseInt(chunk[0], 36);
    const s = parseInt(chunk.slice(1), 36);
    if (!Number.isFinite(f) || !Number.isFinite(s)) continue;
    const key = keyOf(f, s);
    const list = received.get(key);
    if (list) list.push(t);
    else received.set(key, [t]);
    receivedCount++;
  }
}

/**
 * Records the chunks of every transaction that came from elsewhere, read from the structs it
 * added (O(update size)), when the transaction ends. Not from an `update` listener: with one, Yjs
 * encodes every transaction into an update, work a client that needs no update for a remote edit
 * (Convene's) would not do; nor from a text observer, whose `event.delta` walks the whole text.
 */
function watch(ydoc) {
  ydoc.on('afterTransaction', (transaction) => {
    if (transaction.local) return; // our own inserts
    transaction.afterState.forEach((after, client) => {
      const before = transaction.beforeState.get(client) ?? 0;
      if (after > before) onInsert(addedText(ydoc.store.clients.get(client), before, after));
    });
  });
}

/** The text of the string structs of one client between two clocks (structs are sorted by clock). */
function addedText(structs, before, after) {
  let low = 0;
  let high = structs.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (structs[mid].id.clock <= before) low = mid;
    else high = mid - 1;
  }
  let text = '';
  for (let i = low; i < structs.length && structs[i].id.clock < after; i++) {
    const { id, content } = structs[i];
    if (typeof content?.str === 'string') text += content.str.slice(Math.max(0, before - id.clock), after - id.clock);
  }
  return text;
}

async function connectConvene(index, sender) {
  const { url, room, secret, path } = config;
  const jwt = await participantToken({ name: `d${index}`, room, secret });
  const client = new RoomClient({ transport: nodeTransport(), authorization: async () => ({ url: `${url}/rooms/${room}`, jwt }) });
  await client.start();
  const doc = await client.sync.open(path, { schema: docSchema(), initialJson: initialDoc() });
  const element = doc.root.getChildren().find((e) => e.tagName === 'text');
  if (!element?.text) throw new Error('the document has no text element');
  const text = element.text;
  watch(doc.ydoc);
  return { index, sender, insert: (s) => text.insert(text.length, s), close: () => client.dispose() };
}

async function connectYws(index, sender) {
  const ydoc = new Y.Doc();
  const provider = new WebsocketProvider(config.url, `${config.room}-${config.path}`, ydoc, { WebSocketPolyfill: WebSocket, disableBc: true });
  // Through the relay the first client has no peer to answer its sync step: connected is enough.
  const alone = config.target === 'relay' && index === 0;
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('y-websocket did not sync')), 30_000);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    if (alone) provider.on('status', ({ status }) => status === 'connected' && done());
    else provider.once('sync', done);
  });
  // No presence: a provider renews its awareness state every 15 s, and 50 renewals fanned out to 49
  // peers at once put y-websocket's p99 at 28-40 ms when they fell in a window. Convene's clients
  // send no periodic presence either, so this measures document updates alone on both.
  provider.awareness.setLocalState(null);
  const ytext = ydoc.getText('t');
  if (index === 0 && ytext.length === 0) ytext.insert(0, INITIAL);
  watch(ydoc);
  return {
    index,
    sender,
    insert: (s) => ytext.insert(ytext.length, s),
    close: () => {
      provider.destroy();
      ydoc.destroy();
    },
  };
}

function startSender(client, { rate, durationMs, warmupMs }) {
  const state = { sends: [], warm: 0, done: null };
  const start = now();
  let seq = 0;
  state.done = new Promise((resolve) => {
    const tick = () => {
      const elapsed = now() - start;
      if (elapsed >= durationMs) return resolve();
      const due = Math.min(Math.floor((elapsed / 1000) * rate) + 1, Math.ceil((durationMs / 1000) * rate));
      let burst = 0;
      while (seq < due && burst++ < 1000) {
        if (now() - start < warmupMs) state.warm++;
        const chunk = client.index.toString(36) + seq.toString(36).padStart(CHUNK - 1, '0');
        state.sends.push(now());
        client.insert(chunk);
        seq++;
      }
      const next = (seq / rate) * 1000 - (now() - start);
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
    const connect = args.target === 'convene' ? connectConvene : connectYws;
    // y-websocket clients also run over the raw relay (peers answer each other's sync steps).
    if (args.target === 'relay') config = { ...args, url: `${args.url}/r` };
    const list = [...args.clients];
    while (list.length) {
      const batch = list.splice(0, 10);
      clients.push(...(await Promise.all(batch.map((c) => connect(c.index, c.sender)))));
    }
    return clients.length;
  },
  async run({ rate, durationMs, warmupMs }) {
    senders = clients.filter((c) => c.sender).map((c) => ({ f: c.index, state: startSender(c, { rate, durationMs, warmupMs }) }));
    await Promise.all(senders.map((s) => s.state.done));
    return true;
  },
  received: () => receivedCount,
  collect() {
    const cpu = cpuNow();
    const out = {
      sends: senders.map((s) => ({ f: s.f, warm: s.state.warm, times: s.state.sends })),
      received: [...received],
      cpuMicros: cpu - cpuMark,
    };
    cpuMark = cpu;
    received = new Map();
    receivedCount = 0;
    senders = [];
    return out;
  },
  async close() {
    for (const c of clients) c.close();
    clients = [];
    await sleep(50);
    return true;
  },
});
process.send({ event: 'ready' });
