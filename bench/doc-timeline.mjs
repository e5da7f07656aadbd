// Where the time of one document update goes: a writer and a reader in this process (one clock),
// the server in its own process, one 8-character insert at a time. Prints medians of:
//   writer   insert → the writer's first `ws.send` (the edit's transaction and our send path)
//   wire     that send → the first WebSocket message at the reader (kernel, server, kernel)
//   reader   that message → the end of the reader's Yjs transaction (our receive path and Yjs)
// plus the parts of the reader's share: until Yjs' transaction starts, and the transaction.
//   node bench/doc-timeline.mjs [convene|yws] [updates]   (GAP=<ms> between updates, default 10)
// It patches `ws`'s WebSocket prototype to see sends and messages: a diagnostic, not a scenario.
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { RoomClient, nodeTransport } from '@convene/client/node';
import { participantToken } from '@convene/client/tokens';
import { INITIAL_TEXT as INITIAL, docSchema, initialDoc } from './lib/doc-schema.mjs';
import { SECRET, startServer, stopAll } from './lib/harness.mjs';
import { markWebSocket } from './lib/ws-marks.mjs';

const target = process.argv[2] ?? 'convene';
const count = Number(process.argv[3] ?? 600);
const server = await startServer(target);
const ROOM = 'timeline';
const PATH = 'bench/timeline.doc';

/** Times of the update in flight; `measuring` is off between updates. */
const t = { measuring: false, send: 0, arrive: 0, transaction: 0 };
const marked = markWebSocket(t);

async function convene(index) {
  const jwt = await participantToken({ name: `t${index}`, room: ROOM, secret: SECRET });
  const client = new RoomClient({ transport: nodeTransport(), authorization: async () => ({ url: `${server.url}/rooms/${ROOM}`, jwt }) });
  await client.start();
  const doc = await client.sync.open(PATH, { schema: docSchema(), initialJson: initialDoc() });
  const text = doc.root.getChildren().find((e) => e.tagName === 'text').text;
  return { ydoc: doc.ydoc, insert: (s) => text.insert(text.length, s), close: () => client.dispose() };
}

async function yws(index) {
  const ydoc = new Y.Doc();
  const provider = new WebsocketProvider(server.url, `${ROOM}-${PATH}`, ydoc, { WebSocketPolyfill: WebSocket, disableBc: true });
  await new Promise((resolve) => provider.once('sync', resolve));
  const text = ydoc.getText('t');
  if (index === 0 && text.length === 0) text.insert(0, INITIAL);
  return { ydoc, insert: (s) => text.insert(text.length, s), close: () => provider.destroy() };
}

const connect = target === 'convene' ? convene : yws;
const writer = await connect(0);
const before = marked.sockets.length;
const reader = await connect(1);
marked.watched = marked.sockets[before];
let applied = null;
reader.ydoc.on('beforeTransaction', () => {
  if (t.measuring && t.transaction === 0) t.transaction = performance.now();
});
// At the transaction's end, not on `update`: listening for `update` makes Yjs encode every transaction.
reader.ydoc.on('afterTransaction', (transaction) => {
  if (!transaction.local && applied) applied(performance.now());
});

const rows = [];
for (let k = 0; k < count; k++) {
  await new Promise((resolve) => setTimeout(resolve, Number(process.env.GAP ?? 10)));
  Object.assign(t, { measuring: true, send: 0, arrive: 0, transaction: 0 });
  const done = new Promise((resolve) => (applied = resolve));
  const start = performance.now();
  writer.insert(`x${String(k).padStart(7, '0')}`);
  const end = await done;
  t.measuring = false;
  rows.push({ writer: t.send - start, wire: t.arrive - t.send, reader: end - t.arrive, untilYjs: t.transaction - t.arrive, yjs: end - t.transaction, total: end - start });
}
const median = (key) => {
  const values = rows.slice(Math.floor(count / 4)).map((r) => r[key]).sort((a, b) => a - b);
  return values[Math.floor(values.length / 2)].toFixed(3);
};
console.log(`${target}: writer ${median('writer')} ms, wire ${median('wire')} ms, reader ${median('reader')} ms (until Yjs ${median('untilYjs')}, Yjs ${median('yjs')}), total ${median('total')} ms — medians of the last ${count - Math.floor(count / 4)}`);
writer.close();
reader.close();
await stopAll([server]);
process.exit(0);
