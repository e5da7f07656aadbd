// The React observer for scenario 7: jsdom, React 19, the real @convene/react store and hooks on a
// real RoomClient connected to a real Convene server. Components count their own renders.
import { JSDOM } from 'jsdom';
import { serve, sleep } from '../lib/child.mjs';

const dom = new JSDOM('<!doctype html><html><body><div id="root"></div></body></html>', { pretendToBeVisual: true });
Object.assign(globalThis, { window: dom.window, document: dom.window.document });
if (!globalThis.navigator) Object.defineProperty(globalThis, 'navigator', { value: dom.window.navigator, configurable: true });
globalThis.IS_REACT_ACT_ENVIRONMENT = false;

const React = await import('react');
const { createRoot } = await import('react-dom/client');
const { RoomProvider, useParticipant, useParticipants, useMessages, useConnectionStatus, useLocalParticipant } = await import('@convene/react');
const { RoomClient, nodeTransport } = await import('@convene/client/node');
const { participantToken } = await import('@convene/client/tokens');
const h = React.createElement;

const renders = new Map();
const count = (key) => renders.set(key, (renders.get(key) ?? 0) + 1);

function Row({ id }) {
  count(`row:${id}`);
  const p = useParticipant(id);
  const cursor = p?.attributes?.cursor;
  return h('li', null, cursor ? `${cursor.x},${cursor.y}` : '');
}
function ParticipantCount() {
  count('participantList');
  return h('p', null, String(useParticipants().length));
}
function MessageCount() {
  count('messageList');
  return h('p', null, String(useMessages().messages.length));
}
function Status() {
  count('connectionStatus');
  return h('p', null, String(useConnectionStatus().status));
}
function Local() {
  count('localParticipant');
  return h('p', null, String(useLocalParticipant().name ?? ''));
}

let client = null;
let root = null;
let ids = [];
let changes = new Map();
let messages = 0;

serve({
  async connect({ url, room, secret }) {
    const jwt = await participantToken({ name: 'observer', room, secret });
    client = new RoomClient({ transport: nodeTransport(), authorization: async () => ({ url: `${url}/rooms/${room}`, jwt }) });
    client.messaging.on('participant_attributes_updated', (u) => changes.set(u.participant.id, (changes.get(u.participant.id) ?? 0) + 1));
    client.messaging.on('message', (m) => {
      if (m.type === 'chat') messages++;
    });
    await client.start();
    await client.messaging.enable();
    return true;
  },
  async mount({ expected, settleMs = 500, timeoutMs = 60_000 }) {
    const deadline = Date.now() + timeoutMs;
    while (client.messaging.remoteParticipants.length < expected) {
      if (Date.now() > deadline) throw new Error(`observer sees ${client.messaging.remoteParticipants.length}/${expected} participants`);
      await sleep(20);
    }
    // Peers in join order, so the first `active` rows belong to the peers that will change.
    ids = [...client.messaging.remoteParticipants]
      .sort((a, b) => Number(String(a.attributes.name).split('-')[1]) - Number(String(b.attributes.name).split('-')[1]))
      .map((p) => p.id);
    root = createRoot(document.getElementById('root'));
    root.render(
      h(RoomProvider, { client }, h(Status), h(Local), h(ParticipantCount), h(MessageCount), h('ul', null, ids.map((id) => h(Row, { id, key: id })))),
    );
    await sleep(settleMs);
    return ids.length;
  },
  reset() {
    renders.clear();
    changes = new Map();
    messages = 0;
    return true;
  },
  report() {
    const rows = ids.map((id) => ({ renders: renders.get(`row:${id}`) ?? 0, changes: changes.get(id) ?? 0 }));
    return {
      rows,
      participantList: renders.get('participantList') ?? 0,
      messageList: renders.get('messageList') ?? 0,
      connectionStatus: renders.get('connectionStatus') ?? 0,
      localParticipant: renders.get('localParticipant') ?? 0,
      attributeChanges: [...changes.values()].reduce((a, b) => a + b, 0),
      messages,
    };
  },
  exit() {
    root?.unmount();
    client?.dispose();
  },
});
process.send({ event: 'ready' });
