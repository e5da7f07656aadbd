import { describe, expect, it } from 'vitest';
import * as ws from 'ws';
import { encodeWebSocketMessages } from '../websocket-frames.js';

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
