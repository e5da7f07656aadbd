// The Convene server's own JavaScript per document update, without a network or a kernel: one
// process, the server core (`RoomServer`) behind its real `ws` adapter over in-memory sockets, and
// ten real `RoomClient`s, all writing 8-character inserts to one shared text as scenario 4's CPU
// window does (10 writers, 100 updates/s in all by default). Deliveries go through the adapter as
// on TCP (laid out, corked, flushed at the end of the tick) and are then dropped (readers apply
// nothing); acknowledgements reach their writer. The server's entry points (a frame arriving, the
// end-of-tick flush, the batched apply of relayed updates, the persistence timer) are timed with
// `performance.now()`, so a change to the server's path shows without the scheduling and TCP noise
// of the bench's CPU windows; rounds still vary by about 10 %, so compare medians of alternating
// runs. Information only: the targets are read on real sockets.
//   node bench/doc-server-micro.mjs [updates/s] [seconds per round] [rounds]   (WARM=<updates/s>,<s>)
import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { RoomServer, wsServerSocket } from '@convene/server';
import { RoomClient } from '@convene/client';
import { participantToken } from '@convene/client/tokens';
import { SyncDocument } from '../packages/server/dist/toolkits/sync/sync-document.js';
import { docSchema, initialDoc } from './lib/doc-schema.mjs';

const rate = Number(process.argv[2] ?? 100);
const seconds = Number(process.argv[3] ?? 8);
const rounds = Number(process.argv[4] ?? 5);
const N = 10;
const SECRET = 'micro-secret';
const ROOM = 'micro';

/** Server time, in ms, spent in its entry points; `depth` keeps nested entries from counting twice. */
let serverMs = 0;
/** Time spent inside those entry points by the loopback's client side (splitting what was written), subtracted. */
let clientMs = 0;
const parts = { frame: 0, settle: 0, persist: 0, flush: 0 };
let depth = 0;
function timed(fn, part) {
  return function (...args) {
    if (depth > 0) return fn.apply(this, args);
    depth++;
    const t0 = performance.now();
    try {
      return fn.apply(this, args);
    } finally {
      const ms = performance.now() - t0;
      serverMs += ms;
      parts[part] += ms;
      depth--;
    }
  };
}
SyncDocument.prototype.settle = timed(SyncDocument.prototype.settle, 'settle');
SyncDocument.prototype.flush = timed(SyncDocument.prototype.flush, 'persist');

let muted = false;
let dropped = 0;

/**
 * A transport that hands frames to the server core through its real `ws` adapter (`wsServerSocket`)
 * over an in-memory socket: a `ws`-like emitter for incoming frames, a Node `Writable` for the
 * adapter's raw writes (corked, as on TCP). What the adapter writes is split back into protocol
 * frames for the client, a microtask later; while `muted`, only answers (`__response__`) go on.
 */
function loopback(core) {
  return (options, handlers) => {
    const url = new URL(options.url);
    let closed = false;
    let skip = 0;
    const ws = new EventEmitter();
    const raw = new Writable({
      writev(chunks, callback) {
        for (const { chunk } of chunks) receive(chunk);
        callback();
      },
      write(chunk, _encoding, callback) {
        receive(chunk);
        callback();
      },
    });
    // What the client side does with the bytes is not the server's time.
    const receive = (bytes) => {
      const t0 = performance.now();
      for (const frame of webSocketFrames(bytes)) {
        const header = readU32(frame, 8) === 0;
        if (header) skip = muted && textOf(frame.subarray(16)) !== '__response__' ? readU32(frame, 12) + 1 : 0;
        if (skip > 0) {
          skip--;
          if (header) dropped++;
          continue;
        }
        const copy = frame.slice();
        queueMicrotask(() => !closed && handlers.onMessage(copy));
      }
      if (depth > 0) clientMs += performance.now() - t0;
    };
    // The adapter writes corked and uncorks at the end of the tick: that flush is the server's too.
    raw.uncork = timed(Writable.prototype.uncork.bind(raw), 'flush');
    Object.assign(ws, {
      readyState: 1,
      CLOSING: 2,
      CLOSED: 3,
      get bufferedAmount() {
        return raw.writableLength;
      },
      close(code = 1000, reason = '') {
        if (closed) return;
        closed = true;
        ws.readyState = 3;
        queueMicrotask(() => {
          ws.emit('close', code, reason);
          handlers.onClose({ code, reason });
        });
      },
      terminate() {
        ws.close(1006, '');
      },
    });
    const socket = wsServerSocket(ws, raw);
    const frame = timed((bytes) => ws.emit('message', bytes), 'frame');
    queueMicrotask(() => {
      handlers.onOpen();
      void core.accept(socket, { path: url.pathname, query: url.searchParams, headers: { authorization: `Bearer ${options.jwt}` }, protocols: [], baseUrl: 'ws://loopback' });
    });
    return {
      bufferedAmount: 0,
      send(bytes) {
        const copy = Buffer.from(bytes);
        queueMicrotask(() => !closed && frame(copy));
      },
      close(code = 1000, reason = '') {
        ws.close(code, reason);
      },
    };
  };
}

const decoder = new TextDecoder();
const textOf = (bytes) => decoder.decode(bytes);
const readU32 = (bytes, offset) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(offset);

/** The payloads of the unmasked binary WebSocket messages in `bytes` (what the server writes). */
function* webSocketFrames(bytes) {
  let offset = 0;
  while (offset < bytes.length) {
    let length = bytes[offset + 1] & 0x7f;
    offset += 2;
    if (length === 126) {
      length = bytes.readUInt16BE(offset);
      offset += 2;
    } else if (length === 127) {
      length = Number(bytes.readBigUInt64BE(offset));
      offset += 8;
    }
    yield bytes.subarray(offset, offset + length);
    offset += length;
  }
}

const core = new RoomServer({ secret: SECRET, roomReleaseGraceMs: 200 });
const transport = loopback(core);
const clients = [];
for (let i = 0; i < N; i++) {
  const jwt = await participantToken({ name: `m${i}`, room: ROOM, secret: SECRET });
  const client = new RoomClient({ transport, authorization: async () => ({ url: `ws://loopback/rooms/${ROOM}`, jwt }) });
  await client.start();
  const doc = await client.sync.open('bench/doc.yjs', { schema: docSchema(), initialJson: initialDoc() });
  const text = doc.root.getChildren().find((e) => e.tagName === 'text').text;
  clients.push({ client, text });
}
muted = true;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
let seq = 0;
async function run(ms, rate) {
  const start = performance.now();
  let sent = 0;
  while (performance.now() - start < ms) {
    const due = Math.floor(((performance.now() - start) / 1000) * rate);
    while (sent < due) {
      const { text } = clients[sent % N];
      text.insert(text.length, (sent % N).toString(36) + (seq++).toString(36).padStart(7, '0'));
      sent++;
    }
    await sleep(Math.max(1, 1000 / rate / 2));
  }
  await sleep(50);
  return sent;
}

// V8 compiles the server's path by use: at 100 updates/s that takes tens of seconds.
const [warmRate, warmSeconds] = (process.env.WARM ?? '1000,6').split(',').map(Number);
await run(warmSeconds * 1000, warmRate);
const results = [];
for (let round = 0; round < rounds; round++) {
  serverMs = 0;
  clientMs = 0;
  for (const k in parts) parts[k] = 0;
  dropped = 0;
  const updates = await run(seconds * 1000, rate);
  parts.flush -= clientMs;
  const perUpdate = ((serverMs - clientMs) * 1000) / updates;
  results.push(perUpdate);
  console.log(`round ${round + 1}: ${updates} updates, ${dropped} deliveries; server ${perUpdate.toFixed(1)} µs per update, ${(perUpdate / (N - 1)).toFixed(2)} µs per delivery (${Object.entries(parts).map(([k, v]) => `${k} ${((v * 1000) / updates).toFixed(1)}`).join(', ')})`);
}
const sorted = [...results].sort((a, b) => a - b);
console.log(`median: ${sorted[Math.floor(sorted.length / 2)].toFixed(1)} µs per update (${rate} updates/s, ${N} writers)`);
for (const { client } of clients) await client.dispose?.();
await core.shutdown(100);
process.exit(0);
