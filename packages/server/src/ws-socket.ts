import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';
import { encodePackedMessage } from '@convene/protocol';
import type { ServerSocket, SocketHandler } from './server-socket.js';
import { encodeWebSocketMessages, encodeWebSocketPackedMessage } from './websocket-frames.js';

/**
 * Adapts a `ws` socket to the core's {@link ServerSocket}.
 *
 * With `raw`, the upgraded TCP socket (the `socket` of the `upgrade` event), messages bypass
 * `ws.send`: a fan-out's frames are encoded as WebSocket bytes once and that one buffer is written
 * to every recipient, corked until the end of the tick so that a burst becomes one `writev`. Socket
 * writes were half of the server's CPU in the bench profiles (two `ws.send` per delivery). This is
 * sound because the server never enables permessage-deflate, so `ws` keeps no send queue of its
 * own and its control frames (close, pong) are written straight to the same socket, in order.
 * Without `raw` every frame goes through `ws.send`.
 *
 * `open`, when given, holds the socket until it closes (the server's own client tracking, cheaper
 * than `ws`'s, which adds a closure per socket).
 */
export function wsServerSocket(ws: WebSocket, raw?: Duplex, open?: Set<WebSocket>): ServerSocket {
  open?.add(ws);
  return new WsServerSocket(ws, raw, open);
}

/** Where a socket keeps its adapter: the listeners below are shared by all sockets (`this` is the socket). */
const kAdapter = Symbol('convene.adapter');

type AdaptedSocket = WebSocket & { [kAdapter]?: WsServerSocket };

/**
 * The `WebSocket` class of `createRoomServer`'s `WebSocketServer` (its `WebSocket` option): the
 * adapter's slot is part of the object from the start. On a plain `ws` socket (an app embedding
 * RoomServer with its own server) the slot is added when the adapter is made, which works the same
 * and costs a little more memory. A WeakMap from socket to adapter cost about 65 bytes per idle
 * connection.
 */
export class AdaptableWebSocket extends WebSocket {
  [kAdapter]: WsServerSocket | undefined = undefined;
}

function onWsMessage(this: AdaptedSocket, data: Buffer | ArrayBuffer | Buffer[]): void {
  // Text frames are tolerated as UTF-8 bytes, as MeshAgent's client tolerates them.
  const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
  this[kAdapter]?.handler?.socketFrame(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

function onWsClose(this: AdaptedSocket): void {
  const adapter = this[kAdapter];
  adapter?.open?.delete(this);
  adapter?.handler?.socketClosed();
}

/**
 * The wire bytes of the last message sent, by its frames array: a fan-out sends one array to every
 * recipient within one tick. Forgotten at the end of the tick.
 */
let lastFrames: readonly Uint8Array[] | null = null;
let lastBytes: Buffer | null = null;
/**
 * The last packed message written, as WebSocket bytes, and what it was made of. A document edit's
 * fan-out sends the same id, type and payload to every recipient, with the chunk header of each
 * recipient's own stream: the next recipient's bytes are a copy of these with its header written
 * over, when the header has the same length (tool call ids usually do). Laying out each
 * recipient's message from scratch, allocation included, was about a third of the time spent on
 * an edit's frames in a profile of bench/doc-server-micro.mjs; with the copy, the server's own
 * JavaScript per edit fell by about 15 % there (1,000 edits/s). Callers never change a payload
 * once handed over. Forgotten at the end of the tick.
 */
let packedBytes: Buffer | null = null;
let packedId = -1;
let packedType = '';
let packedPayload: Uint8Array | null = null;
let packedHeaderLength = -1;
/**
 * Where the copies of a fan-out's message are cut from. Buffer.allocUnsafe's shared 8 KiB pool ran
 * out every few edits (nine copies of ~150 bytes each), and making its next one (`createPool`) was
 * 2 % of the server's CPU in a profile of the bench's document scenario. A copy keeps its slab
 * alive until written, as a pool's buffers do.
 */
const SLAB_BYTES = 64 * 1024;
let slab: Buffer | null = null;
let slabUsed = 0;

function copyOf(template: Buffer): Buffer {
  const length = template.length;
  if (length > SLAB_BYTES >> 3) return Buffer.from(template);
  if (slab === null || slabUsed + length > SLAB_BYTES) {
    slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
    slabUsed = 0;
  }
  const bytes = slab.subarray(slabUsed, slabUsed + length);
  slabUsed += length;
  bytes.set(template);
  return bytes;
}

/** Sockets corked in this tick, uncorked together in one `process.nextTick`. */
const corked: Duplex[] = [];
let flushScheduled = false;

function uncorkAll(): void {
  flushScheduled = false;
  lastFrames = null;
  lastBytes = null;
  packedBytes = null;
  packedPayload = null;
  for (const raw of corked) raw.uncork();
  corked.length = 0;
}

/** Writes to a TCP socket corked until the end of the tick, so a burst leaves in one `writev`. */
function writeCorked(raw: Duplex, bytes: Buffer): void {
  if (!flushScheduled) {
    flushScheduled = true;
    process.nextTick(uncorkAll);
  }
  if (!raw.writableCorked) {
    raw.cork();
    corked.push(raw);
  }
  raw.write(bytes);
}

// A class rather than an object of closures: one of these exists per idle connection.
class WsServerSocket implements ServerSocket {
  readonly #ws: WebSocket;
  readonly #raw: Duplex | undefined;
  readonly open: Set<WebSocket> | undefined;
  handler: SocketHandler | null = null;

  constructor(ws: WebSocket, raw: Duplex | undefined, open: Set<WebSocket> | undefined) {
    this.#ws = ws;
    this.#raw = raw;
    this.open = open;
    (ws as AdaptedSocket)[kAdapter] = this;
    // Registered now, not in listen(): a close before listen() must still leave `open`.
    ws.on('close', onWsClose);
  }

  send(frames: readonly Uint8Array[]): void {
    // `ws` answers a send after close with an Error (and its stack trace): in a mass disconnect
    // that is thousands of them for frames nobody can receive.
    if (this.#ws.readyState !== 1) return;
    const raw = this.#raw;
    if (!raw) {
      for (const frame of frames) this.#ws.send(frame, { binary: true });
      return;
    }
    let bytes = frames === lastFrames ? lastBytes! : null;
    if (bytes === null) {
      bytes = encodeWebSocketMessages(frames);
      lastFrames = frames;
      lastBytes = bytes;
    }
    writeCorked(raw, bytes);
  }

  sendPacked(id: number, type: string, headerJson: Uint8Array, payload: Uint8Array): void {
    if (this.#ws.readyState !== 1) return;
    const raw = this.#raw;
    if (!raw) return this.send(encodePackedMessage(id, type, headerJson, payload));
    let bytes: Buffer | null;
    if (payload === packedPayload && id === packedId && type === packedType && headerJson.length === packedHeaderLength) {
      const template = packedBytes!;
      bytes = copyOf(template);
      // The header sits right before the payload, at the end of the message.
      bytes.set(headerJson, template.length - payload.length - headerJson.length);
    } else {
      bytes = encodeWebSocketPackedMessage(id, type, headerJson, payload);
      if (bytes === null) return this.send(encodePackedMessage(id, type, headerJson, payload));
      packedBytes = bytes;
      packedId = id;
      packedType = type;
      packedPayload = payload;
      packedHeaderLength = headerJson.length;
    }
    writeCorked(raw, bytes);
  }

  close(code: number, reason: string): void {
    const ws = this.#ws;
    if (ws.readyState === ws.CLOSING || ws.readyState === ws.CLOSED) return;
    ws.close(code, reason);
    // A peer that never answers the close handshake must not keep the socket alive.
    setTimeout(() => ws.terminate(), 2_000).unref();
  }

  get bufferedAmount(): number {
    return this.#ws.bufferedAmount;
  }

  listen(handler: SocketHandler): void {
    this.handler = handler;
    this.#ws.on('message', onWsMessage);
  }
}
