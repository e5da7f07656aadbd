// y-websocket's reference server (@y/websocket-server), run as its bin/server.js does — its own
// `ws` and `setupWSConnection`, no persistence — but on port 0 with the port reported over IPC.
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { setupWSConnection } from '@y/websocket-server/utils';
import { serve } from '../lib/child.mjs';

// The `ws` that @y/websocket-server itself depends on (its optional dependency), not the root one.
const requireFromServer = createRequire(createRequire(import.meta.url).resolve('@y/websocket-server/package.json'));
const WebSocket = requireFromServer('ws');
const wss = new WebSocket.Server({ noServer: true });
const http = createServer((req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('okay'));
wss.on('connection', setupWSConnection);
http.on('upgrade', (request, socket, head) => {
  wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
});
http.listen(0, '127.0.0.1', () => {
  serve({ info: () => ({ port: http.address().port, connections: wss.clients.size }) });
  process.send({ event: 'ready', url: `ws://127.0.0.1:${http.address().port}` });
});
