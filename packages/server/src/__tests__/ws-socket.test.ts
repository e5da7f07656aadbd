import { EventEmitter } from 'node:events';
import { Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { wsServerSocket } from '../ws-socket.js';
import { DEFAULT_PACKET_BYTES, encodePackedMessage } from '@convene/protocol';
import { encodeWebSocketMessages, encodeWebSocketPackedMessage } from '../websocket-frames.js';

/**
 * The `ws` adapter's raw path: what reaches each TCP socket must be exactly the message it was
 * asked to send, also when a fan-out's recipients share one laid-out message.
 */

const TYPE = 'room.tool_call_response_chunk';
const encoder = new TextEncoder();
const header = (toolCallId: string) => encoder.encode(JSON.stringify({ tool_call_id: toolCallId, chunk: { type: 'binary', headers: { kind: 'sync' } } }));

/** A `ws`-like socket over an in-memory TCP socket that keeps every byte written to it. */
function socketPair() {
  const written: Buffer[] = [];
  const raw = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, callback) {
      written.push(Buffer.from(chunk));
      callback();
    },
    writev(chunks, callback) {
      for (const { chunk } of chunks) written.push(Buffer.from(chunk as Buffer));
      callback();
    },
  });
  const ws = Object.assign(new EventEmitter(), { readyState: 1, bufferedAmount: 0 }) as unknown as WebSocket;
  const socket = wsServerSocket(ws, raw);
  return { socket, bytes: () => Buffer.concat(written) };
}

const endOfTick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('wsServerSocket sendPacked (raw TCP path)', () => {
  it("gives each recipient of a fan-out its own header around the shared payload, byte for byte", async () => {
    const payload = encoder.encode('AQHK1Z2LBwCEyNWdiwcGBWFiY2RlZmdoAA==');
    const ids = ['4f1c2a9e-0b7d-4c55-9e61-2f8a3b6d7c01', '9a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d', 'short', '4f1c2a9e-0b7d-4c55-9e61-2f8a3b6d7c02'];
    const pairs = ids.map(() => socketPair());
    pairs.forEach(({ socket }, i) => socket.sendPacked!(41, TYPE, header(ids[i]!), payload));
    await endOfTick();
    pairs.forEach(({ bytes }, i) => {
      expect(bytes().equals(encodeWebSocketPackedMessage(41, TYPE, header(ids[i]!), payload)!)).toBe(true);
    });
  });

  it('gives hundreds of recipients each its own copy, also across the buffers copies are cut from', async () => {
    const payload = encoder.encode('AQHK1Z2LBwCEyNWdiwcGBWFiY2RlZmdoAA==');
    const ids = Array.from({ length: 600 }, (_, i) => `call-${String(i).padStart(4, '0')}`);
    const pairs = ids.map(() => socketPair());
    pairs.forEach(({ socket }, i) => socket.sendPacked!(7, TYPE, header(ids[i]!), payload));
    await endOfTick();
    pairs.forEach(({ bytes }, i) => {
      expect(bytes().equals(encodeWebSocketPackedMessage(7, TYPE, header(ids[i]!), payload)!), ids[i]).toBe(true);
    });
  });

  it('does not reuse a message for another id, type or payload in the same tick', async () => {
    const payload = encoder.encode('AAAA');
    const same = encoder.encode('AAAA'); // equal bytes, another array
    const sends: [number, string, Uint8Array][] = [
      [1, TYPE, payload],
      [2, TYPE, payload],
      [2, '__response__', payload],
      [2, '__response__', same],
    ];
    const pairs = sends.map(() => socketPair());
    pairs.forEach(({ socket }, i) => {
      const [id, type, data] = sends[i]!;
      socket.sendPacked!(id, type, header('c1'), data);
    });
    await endOfTick();
    pairs.forEach(({ bytes }, i) => {
      const [id, type, data] = sends[i]!;
      expect(bytes().equals(encodeWebSocketPackedMessage(id, type, header('c1'), data)!)).toBe(true);
    });
  });

  it('sends a payload too large for one packet as several frames, to each recipient', async () => {
    const payload = new Uint8Array(DEFAULT_PACKET_BYTES + 10).map((_, i) => i % 251);
    const pairs = [socketPair(), socketPair()];
    pairs.forEach(({ socket }, i) => socket.sendPacked!(9, TYPE, header(`c${i}`), payload));
    await endOfTick();
    pairs.forEach(({ bytes }, i) => {
      expect(bytes().equals(encodeWebSocketMessages(encodePackedMessage(9, TYPE, header(`c${i}`), payload)))).toBe(true);
    });
  });

  it('forgets the shared message at the end of the tick: a payload changed afterwards goes out as it is then', async () => {
    const payload = encoder.encode('AAAA');
    const first = socketPair();
    first.socket.sendPacked!(5, TYPE, header('c1'), payload);
    await endOfTick();
    payload.set(encoder.encode('BBBB'));
    const second = socketPair();
    second.socket.sendPacked!(5, TYPE, header('c2'), payload);
    await endOfTick();
    expect(first.bytes().equals(encodeWebSocketPackedMessage(5, TYPE, header('c1'), encoder.encode('AAAA'))!)).toBe(true);
    expect(second.bytes().equals(encodeWebSocketPackedMessage(5, TYPE, header('c2'), encoder.encode('BBBB'))!)).toBe(true);
  });
});
