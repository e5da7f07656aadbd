import { describe, expect, it } from 'vitest';
import * as ws from 'ws';
import { encodePackedMessage, unpack, FrameDecoder, DEFAULT_PACKET_BYTES } from '@convene/protocol';
import { encodeWebSocketMessages, encodeWebSocketPackedMessage } from '../websocket-frames.js';

// `ws` exports its framing classes at run time; @types/ws does not declare them.
interface WsReceiver {
  on(event: 'message', listener: (data: Buffer) => void): void;
  end(chunk: Buffer, callback: (error?: Error | null) => void): void;
}
const { Receiver, Sender } = ws as unknown as {
  Receiver: new (options: { isServer: boolean }) => WsReceiver;
  Sender: { frame(data: Buffer, options: object): Buffer[] };
};

/** What `ws` itself would put on the wire for one unmasked binary message. */
function wsFrame(payload: Uint8Array): Buffer {
  const parts = Sender.frame(Buffer.from(payload), {
    fin: true,
    rsv1: false,
    opcode: 2,
    mask: false,
    readOnly: true,
  });
  return Buffer.concat(parts);
}

describe('encodeWebSocketMessages', () => {
  // Each boundary of the three length encodings (7-bit, 16-bit, 64-bit).
  const sizes = [0, 1, 125, 126, 127, 65_535, 65_536, 70_000];

  it.each(sizes)('frames a %i-byte payload byte for byte as ws does', (size) => {
    const payload = new Uint8Array(size).map((_, i) => i % 251);
    expect(encodeWebSocketMessages([payload]).equals(wsFrame(payload))).toBe(true);
  });

  it('puts several frames back to back, and a WebSocket receiver reads them as separate messages', async () => {
    const frames = sizes.map((size) => new Uint8Array(size).fill(size % 256));
    const receiver = new Receiver({ isServer: false });
    const received: Buffer[] = [];
    receiver.on('message', (data) => received.push(data));
    await new Promise<void>((resolve, reject) => receiver.end(encodeWebSocketMessages(frames), (error) => (error ? reject(error) : resolve())));
    expect(received.map((b) => b.length)).toEqual(sizes);
    expect(received.every((b, i) => b.every((byte) => byte === sizes[i]! % 256))).toBe(true);
  });
});

describe('encodeWebSocketPackedMessage', () => {
  const json = new TextEncoder().encode('{"tool_call_id":"c1","chunk":{"type":"binary"}}');
  // Data frames in each of the three length encodings (the largest one packet holds needs 64 bits).
  const payloadSizes = [0, 40, 90, 200, 60_000, DEFAULT_PACKET_BYTES - 8 - json.length];

  it.each(payloadSizes)('gives the bytes of the protocol frames framed one by one (%i-byte payload)', (size) => {
    const payload = new Uint8Array(size).map((_, i) => (i * 7) % 256);
    const id = 2 ** 40 + 3; // both halves of the u64 id in use
    const fused = encodeWebSocketPackedMessage(id, 'tool_call_response_chunk', json, payload);
    expect(fused).not.toBeNull();
    expect(fused!.equals(encodeWebSocketMessages(encodePackedMessage(id, 'tool_call_response_chunk', json, payload)))).toBe(true);
  });

  it('decodes, through a WebSocket receiver and the frame decoder, to the message that was packed', async () => {
    const payload = new Uint8Array(300).fill(5);
    const receiver = new Receiver({ isServer: false });
    const decoder = new FrameDecoder();
    const messages: ReturnType<FrameDecoder['push']>[] = [];
    receiver.on('message', (data) => messages.push(decoder.push(new Uint8Array(data))));
    await new Promise<void>((resolve, reject) => receiver.end(encodeWebSocketPackedMessage(9, 'response', json, payload)!, (error) => (error ? reject(error) : resolve())));
    const message = messages.find((m) => m !== null)!;
    expect(message).toMatchObject({ id: 9, type: 'response' });
    const { header, payload: tail } = unpack(message.data);
    expect(header).toEqual({ tool_call_id: 'c1', chunk: { type: 'binary' } });
    expect(tail).toEqual(payload);
  });

  it('declines a message that needs more than one packet', () => {
    expect(encodeWebSocketPackedMessage(1, 'response', json, new Uint8Array(DEFAULT_PACKET_BYTES))).toBeNull();
  });
});
