// The physical-limit baseline: a raw `ws` relay. Each socket joins the room named by its path;
// every frame is forwarded as is to the other sockets of the room, with no parsing. In rooms under
// `/d/` (the messaging scenarios, `/d/<room>?i=<index>`) the relay reads one u32: a non-zero first
// word (the high word of a protocol message id) addresses socket `word - 1` only, for direct
// messages. Rooms under `/r/` only broadcast (y-websocket clients talk through those).
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';
import { serve } from '../lib/child.mjs';

const rooms = new Map();
const http = createServer((req, res) => res.writeHead(404).end());
const wss = new WebSocketServer({ server: http, maxPayload: 2 * 1024 * 1024 });
let connections = 0;

wss.on('connection', (ws, req) => {
  const url = new URL(req.url ?? '/', 'http://relay');
  const name = url.pathname;
  const index = Number(url.searchParams.get('i') ?? -1);
  const routed = name.startsWith('/d/');
  let room = rooms.get(name);
  if (!room) rooms.set(name, (room = { sockets: new Set(), byIndex: new Map() }));
  room.sockets.add(ws);
  if (index >= 0) room.byIndex.set(index, ws);
  connections++;
  ws.on('message', (data) => {
    const target = routed && data.length >= 4 ? data.readUInt32BE(0) : 0;
    if (target === 0) {
      for (const other of room.sockets) if (other !== ws) other.send(data);
    } else {
      room.byIndex.get(target - 1)?.send(data);
    }
  });
  ws.on('error', () => {});
  ws.on('close', () => {
    connections--;
    room.sockets.delete(ws);
    if (room.byIndex.get(index) === ws) room.byIndex.delete(index);
    if (room.sockets.size === 0) rooms.delete(name);
  });
});

http.listen(0, '127.0.0.1', () => {
  serve({ info: () => ({ port: http.address().port, connections, rooms: rooms.size }) });
  process.send({ event: 'ready', url: `ws://127.0.0.1:${http.address().port}` });
});
