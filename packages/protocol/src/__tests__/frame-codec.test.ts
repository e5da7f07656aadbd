import { describe, expect, it } from 'vitest';
import {
  encodePackedMessage,
  packEncodedHeader,
  DEFAULT_PACKET_BYTES,
  encodeHeaderFrame,
  encodeMessage,
  FrameDecoder,
  pack,
  MessageTooLargeError,
  ProtocolError,
  unpack,
  type WireMessage,
} from '@convene/protocol';
import { expectProtocolError, fromHex, hex, Rng } from './fuzz-helpers.js';

const utf8 = new TextEncoder();

/** A raw header frame: id high/low words, packet index, N, then the type bytes. */
function rawHeader(id: number, type: string | Uint8Array, packets: number, packet = 0): Uint8Array {
  const typeBytes = typeof type === 'string' ? utf8.encode(type) : type;
  const frame = new Uint8Array(16 + typeBytes.length);
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  view.setUint32(0, Math.floor(id / 2 ** 32));
  view.setUint32(4, id >>> 0);
  view.setUint32(8, packet);
  view.setUint32(12, packets);
  frame.set(typeBytes, 16);
  return frame;
}

/** A raw data frame: id, packet index k, bytes. */
function rawData(id: number, packet: number, bytes: Uint8Array | number[]): Uint8Array {
  const frame = new Uint8Array(12 + bytes.length);
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  view.setUint32(0, Math.floor(id / 2 ** 32));
  view.setUint32(4, id >>> 0);
  view.setUint32(8, packet);
  frame.set(bytes, 12);
  return frame;
}

function patterned(length: number, seed = 0): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + seed) % 251);
}

/** Pushes every frame; returns the messages produced (a frame may complete at most one). */
function feed(decoder: FrameDecoder, frames: Uint8Array[]): WireMessage[] {
  const out: WireMessage[] = [];
  for (const frame of frames) {
    const message = decoder.push(frame);
    if (message !== null) out.push(message);
  }
  return out;
}

/** After an error, a fresh message must come out exactly, with no leftover bytes in front. */
function expectRecovers(decoder: FrameDecoder, size = 2500): void {
  expect(decoder.inMessage).toBe(false);
  const fresh: WireMessage = { id: 4242, type: 'fresh.message', data: patterned(size, 7) };
  const frames = encodeMessage(fresh, 1024);
  const results = frames.map((f) => decoder.push(f));
  expect(results.slice(0, -1).every((r) => r === null)).toBe(true);
  expect(results.at(-1)).toEqual(fresh);
}

describe('encodeMessage / FrameDecoder round trips at 1024-byte chunk boundaries', () => {
  for (const length of [0, 1, 1023, 1024, 1025, 2048, 2049]) {
    it(`${length} bytes → ${Math.ceil(length / 1024)} data frames`, () => {
      const message: WireMessage = { id: 9, type: 'room.invoke_tool', data: patterned(length) };
      const frames = encodeMessage(message, 1024);
      const n = Math.ceil(length / 1024);
      expect(frames).toHaveLength(1 + n);

      const header = new DataView(frames[0]!.buffer, frames[0]!.byteOffset, frames[0]!.byteLength);
      expect(header.getUint32(0)).toBe(0);
      expect(header.getUint32(4)).toBe(9);
      expect(header.getUint32(8)).toBe(0);
      expect(header.getUint32(12)).toBe(n);
      expect(new TextDecoder().decode(frames[0]!.subarray(16))).toBe('room.invoke_tool');

      for (let k = 1; k <= n; k++) {
        const frame = frames[k]!;
        const view = new DataView(frame.buffer, frame.byteOffset);
        expect(view.getUint32(4)).toBe(9);
        expect(view.getUint32(8)).toBe(k);
        const expectedSlice = k < n ? 1024 : length - (n - 1) * 1024;
        expect(frame.length - 12).toBe(expectedSlice);
        expect(Array.from(frame.subarray(12))).toEqual(Array.from(message.data.subarray((k - 1) * 1024, (k - 1) * 1024 + expectedSlice)));
      }

      const decoder = new FrameDecoder();
      const results = frames.map((f) => decoder.push(f));
      expect(results.slice(0, -1).every((r) => r === null)).toBe(true);
      expect(results.at(-1)).toEqual(message);
      expect(decoder.inMessage).toBe(false);
    });
  }

  it('sends 2049 bytes as 3 data frames, the last carrying 1 byte', () => {
    const frames = encodeMessage({ id: 1, type: 't', data: patterned(2049) }, 1024);
    expect(frames.map((f) => f.length - 12).slice(1)).toEqual([1024, 1024, 1]);
  });

  it('uses DEFAULT_PACKET_BYTES (64 KiB) slices when no packet size is given', () => {
    const frames = encodeMessage({ id: 1, type: 't', data: patterned(DEFAULT_PACKET_BYTES + 1) });
    expect(DEFAULT_PACKET_BYTES).toBe(65536);
    expect(frames.map((f) => f.length - 12).slice(1)).toEqual([65536, 1]);
  });

  it('accepts any slice size from the peer (N=1 with the whole payload, or uneven slices)', () => {
    const data = patterned(5000);
    const decoder = new FrameDecoder();
    expect(feed(decoder, [rawHeader(3, 'x', 1), rawData(3, 1, data)])).toEqual([{ id: 3, type: 'x', data }]);
    const uneven = [rawHeader(4, 'x', 3), rawData(4, 1, data.subarray(0, 7)), rawData(4, 2, data.subarray(7, 4000)), rawData(4, 3, data.subarray(4000))];
    expect(feed(decoder, uneven)).toEqual([{ id: 4, type: 'x', data }]);
  });

  it('decodes frames that are views into a larger buffer (as ws hands out pooled Buffers)', () => {
    const message: WireMessage = { id: 77, type: 'messaging.send', data: patterned(3000) };
    const frames = encodeMessage(message, 1024).map((frame) => {
      const pool = new Uint8Array(frame.length + 13).fill(0xee);
      pool.set(frame, 5);
      return pool.subarray(5, 5 + frame.length);
    });
    expect(feed(new FrameDecoder(), frames)).toEqual([message]);
  });

  it('decodes consecutive messages in sequence and reports inMessage in between', () => {
    const decoder = new FrameDecoder();
    const a = encodeMessage({ id: 1, type: 'a', data: patterned(1500) }, 1024);
    expect(decoder.inMessage).toBe(false);
    expect(decoder.push(a[0]!)).toBeNull();
    expect(decoder.inMessage).toBe(true);
    expect(decoder.push(a[1]!)).toBeNull();
    expect(decoder.inMessage).toBe(true);
    expect(decoder.push(a[2]!)).toEqual({ id: 1, type: 'a', data: patterned(1500) });
    expect(decoder.inMessage).toBe(false);
    const b = encodeMessage({ id: 2, type: 'b', data: patterned(10, 3) }, 1024);
    expect(feed(decoder, b)).toEqual([{ id: 2, type: 'b', data: patterned(10, 3) }]);
  });
});

describe('the exact bytes of PROTOCOL.md §7(a)', () => {
  const roomReady = { room_name: 'my-room', room_url: 'ws://localhost/rooms/my-room', session_id: 'sess-1' };

  it('step 2: H(0,"room_ready",1) and D(0,1) with the 87-byte JSON', () => {
    const frames = encodeMessage({ id: 0, type: 'room_ready', data: pack(roomReady) }, 1024);
    expect(frames).toHaveLength(2);
    expect(hex(frames[0]!)).toBe('00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01 72 6f 6f 6d 5f 72 65 61 64 79');
    expect(hex(encodeHeaderFrame(0, 'room_ready', 1))).toBe(hex(frames[0]!));
    const json = '{"room_name":"my-room","room_url":"ws://localhost/rooms/my-room","session_id":"sess-1"}';
    const expected = new Uint8Array([...fromHex('00 00 00 00 00 00 00 00 00 00 00 01 00 00 00 00 00 00 00 57'), ...utf8.encode(json)]);
    expect(hex(frames[1]!)).toBe(hex(expected));
  });

  it('step 2 and 3 frames decode into room_ready and connected', () => {
    const decoder = new FrameDecoder();
    const connected = { type: 'init', participantId: 'p1', attributes: { name: 'alice' } };
    const step2 = [fromHex('00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01 72 6f 6f 6d 5f 72 65 61 64 79'), rawData(0, 1, pack(roomReady))];
    const step3 = [rawHeader(1, 'connected', 1), rawData(1, 1, pack(connected))];
    const [first, second] = feed(decoder, [...step2, ...step3]);
    expect(first?.id).toBe(0);
    expect(first?.type).toBe('room_ready');
    expect(unpack(first!.data).header).toEqual(roomReady);
    expect(second?.type).toBe('connected');
    expect(hex(second!.data.subarray(0, 8))).toBe('00 00 00 00 00 00 00 42');
    expect(unpack(second!.data).header).toEqual(connected);
  });
});

describe('empty payload and ids', () => {
  it('N = 0: the header alone yields a message with empty data', () => {
    const frames = encodeMessage({ id: 5, type: 'ping', data: new Uint8Array(0) });
    expect(frames).toHaveLength(1);
    const decoder = new FrameDecoder();
    const message = decoder.push(frames[0]!);
    expect(message).toEqual({ id: 5, type: 'ping', data: new Uint8Array(0) });
    expect(decoder.inMessage).toBe(false);
  });

  it('round-trips id 2^32+5 with the high word on the wire', () => {
    const id = 2 ** 32 + 5;
    const frames = encodeMessage({ id, type: 't', data: patterned(1100) }, 1024);
    expect(hex(frames[0]!.subarray(0, 8))).toBe('00 00 00 01 00 00 00 05');
    expect(hex(frames[2]!.subarray(0, 8))).toBe('00 00 00 01 00 00 00 05');
    expect(feed(new FrameDecoder(), frames)).toEqual([{ id, type: 't', data: patterned(1100) }]);
  });

  it('round-trips Number.MAX_SAFE_INTEGER', () => {
    const id = Number.MAX_SAFE_INTEGER;
    const frames = encodeMessage({ id, type: 't', data: patterned(3) });
    expect(hex(frames[0]!.subarray(0, 8))).toBe('00 1f ff ff ff ff ff ff');
    expect(feed(new FrameDecoder(), frames)).toEqual([{ id, type: 't', data: patterned(3) }]);
  });

  it('the encoder refuses ids that are negative, fractional or above MAX_SAFE_INTEGER', () => {
    for (const id of [-1, 1.5, Number.MAX_SAFE_INTEGER + 1, 2 ** 60, Number.NaN, Infinity]) {
      expectProtocolError(() => encodeMessage({ id, type: 't', data: new Uint8Array(1) }), /id/);
    }
  });

  it('the decoder refuses a header whose id is above MAX_SAFE_INTEGER, then recovers', () => {
    const decoder = new FrameDecoder();
    const frame = rawHeader(0, 't', 1);
    new DataView(frame.buffer, frame.byteOffset, frame.byteLength).setUint32(0, 0x00200000); // id = 2^53
    expectProtocolError(() => decoder.push(frame), /safe integer/);
    const huge = rawHeader(0, 't', 0);
    new DataView(huge.buffer, huge.byteOffset, huge.byteLength).setUint32(0, 0xffffffff);
    expectProtocolError(() => decoder.push(huge));
    expectRecovers(decoder);
  });

  it('the encoder refuses packet sizes that would lose or mangle data', () => {
    for (const size of [0, -1, 1.5, Infinity, Number.NaN]) {
      expectProtocolError(() => encodeMessage({ id: 1, type: 't', data: patterned(10) }, size), /packetBytes/);
    }
  });
});

describe('framing errors throw ProtocolError and the decoder recovers', () => {
  const cases: { name: string; frames: () => Uint8Array[]; message?: RegExp; decoder?: () => FrameDecoder }[] = [
    {
      name: 'wrong packet order (2 after header)',
      frames: () => [rawHeader(1, 't', 3), rawData(1, 2, [1])],
      message: /expected 1/,
    },
    {
      name: 'wrong packet order (3 after 1)',
      frames: () => [rawHeader(1, 't', 3), rawData(1, 1, [1]), rawData(1, 3, [3])],
      message: /expected 2/,
    },
    {
      name: 'a repeated packet',
      frames: () => [rawHeader(1, 't', 3), rawData(1, 1, [1]), rawData(1, 1, [1])],
    },
    {
      name: 'a header inside a message',
      frames: () => [rawHeader(1, 't', 2), rawData(1, 1, [1, 2, 3]), rawHeader(2, 'u', 1)],
      message: /inside message 1/,
    },
    {
      name: 'a data frame with another id',
      frames: () => [rawHeader(1, 't', 2), rawData(1, 1, [1]), rawData(2, 2, [2])],
      message: /inside message 1/,
    },
    {
      name: 'data without a header',
      frames: () => [rawData(1, 1, [1, 2])],
      message: /without a header/,
    },
    {
      name: 'an empty data packet',
      frames: () => [rawHeader(1, 't', 2), rawData(1, 1, [])],
      message: /empty/,
    },
    {
      name: 'a frame shorter than 12 bytes',
      frames: () => [new Uint8Array(11)],
      message: /shorter/,
    },
    {
      name: 'a frame shorter than 12 bytes inside a message',
      frames: () => [rawHeader(1, 't', 2), rawData(1, 1, [9, 9]), new Uint8Array(5)],
    },
    {
      name: 'an empty frame',
      frames: () => [new Uint8Array(0)],
    },
    {
      name: 'a header of 12 bytes',
      frames: () => [new Uint8Array(12)],
      message: /shorter than 16/,
    },
    {
      name: 'a header of 15 bytes',
      frames: () => [new Uint8Array(15)],
      message: /shorter than 16/,
    },
    {
      name: 'an empty type',
      frames: () => [rawHeader(1, '', 1)],
      message: /empty/,
    },
    {
      name: 'a type that is not UTF-8 (0xff)',
      frames: () => [rawHeader(1, new Uint8Array([0x61, 0xff]), 0)],
      message: /UTF-8/,
    },
    {
      name: 'a type with a truncated UTF-8 sequence',
      frames: () => [rawHeader(1, new Uint8Array([0x61, 0xc3]), 1)],
      message: /UTF-8/,
    },
    {
      name: 'a type with an overlong UTF-8 encoding',
      frames: () => [rawHeader(1, new Uint8Array([0xc0, 0xaf]), 1)],
      message: /UTF-8/,
    },
    {
      name: 'a type of 257 bytes',
      frames: () => [rawHeader(1, 'x'.repeat(257), 1)],
      message: /too long/,
    },
    {
      name: 'maxMessageBytes exceeded in one packet',
      decoder: () => new FrameDecoder({ maxMessageBytes: 100 }),
      frames: () => [rawHeader(1, 't', 1), rawData(1, 1, patterned(101))],
      message: /exceeds 100 bytes/,
    },
    {
      name: 'maxMessageBytes exceeded across packets, on the last one',
      decoder: () => new FrameDecoder({ maxMessageBytes: 100 }),
      frames: () => encodeMessage({ id: 1, type: 't', data: patterned(120) }, 40), // 40+40+40 > 100
      message: /exceeds 100 bytes/,
    },
  ];

  for (const testCase of cases) {
    it(testCase.name, () => {
      const decoder = testCase.decoder?.() ?? new FrameDecoder();
      const frames = testCase.frames();
      for (const frame of frames.slice(0, -1)) expect(decoder.push(frame)).toBeNull();
      expectProtocolError(() => decoder.push(frames.at(-1)!), testCase.message);
      expectRecovers(decoder, 100);
    });
  }

  it('a packet beyond N', () => {
    const decoder = new FrameDecoder();
    expect(decoder.push(rawHeader(1, 't', 1))).toBeNull();
    expect(decoder.push(rawData(1, 1, [1]))).toEqual({ id: 1, type: 't', data: new Uint8Array([1]) });
    expectProtocolError(() => decoder.push(rawData(1, 2, [2])), /without a header/);
    expectRecovers(decoder);
  });

  it('an oversized message is reported once with its id, its remaining packets are skipped, and the next message decodes', () => {
    const decoder = new FrameDecoder({ maxMessageBytes: 100 });
    const frames = encodeMessage({ id: 9, type: 'room.invoke_tool', data: patterned(200) }, 40); // header + 5 packets
    expect(decoder.push(frames[0]!)).toBeNull();
    expect(decoder.push(frames[1]!)).toBeNull();
    expect(decoder.push(frames[2]!)).toBeNull();
    let error: unknown;
    try {
      decoder.push(frames[3]!);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(MessageTooLargeError);
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toMatchObject({ messageId: 9, messageType: 'room.invoke_tool', code: 'protocol_error' });
    expect(decoder.push(frames[4]!)).toBeNull();
    expect(decoder.push(frames[5]!)).toBeNull();
    expect(decoder.inMessage).toBe(false);
    const next = patterned(50);
    expect(feed(decoder, encodeMessage({ id: 10, type: 'n', data: next }, 40))).toEqual([{ id: 10, type: 'n', data: next }]);
  });

  it('a header announcing more packets than maxMessageBytes allows is refused at once, and its packets are skipped', () => {
    const decoder = new FrameDecoder({ maxMessageBytes: 100 });
    const error = expectProtocolError(() => decoder.push(rawHeader(4, 't', 101)), /exceeds 100 bytes/);
    expect(error).toMatchObject({ messageId: 4, messageType: 't' });
    for (let k = 1; k <= 101; k++) expect(decoder.push(rawData(4, k, [k & 0xff]))).toBeNull();
    expectRecovers(decoder, 100);
  });

  it('a message of exactly maxMessageBytes is accepted', () => {
    const data = patterned(100);
    const decoder = new FrameDecoder({ maxMessageBytes: 100 });
    expect(feed(decoder, encodeMessage({ id: 1, type: 't', data }, 30))).toEqual([{ id: 1, type: 't', data }]);
  });

  it('a type of 256 bytes is accepted', () => {
    const type = 'é'.repeat(128);
    expect(feed(new FrameDecoder(), encodeMessage({ id: 1, type, data: patterned(2) }))).toEqual([{ id: 1, type, data: patterned(2) }]);
  });

  it('a frame that is not a Uint8Array throws ProtocolError', () => {
    const decoder = new FrameDecoder();
    expect(decoder.push(rawHeader(1, 't', 2))).toBeNull();
    expectProtocolError(() => decoder.push(new ArrayBuffer(20) as unknown as Uint8Array), /binary/);
    expectProtocolError(() => decoder.push('hello' as unknown as Uint8Array), /binary/);
    expectRecovers(decoder);
  });

  it('no stale parts leak: an aborted message’s bytes never prefix the next message (MeshAgent hazard)', () => {
    const decoder = new FrameDecoder();
    decoder.push(rawHeader(1, 'aborted', 3));
    decoder.push(rawData(1, 1, [0xaa, 0xaa, 0xaa]));
    expectProtocolError(() => decoder.push(rawData(1, 3, [0xbb])));
    // The same id and type again, as a retried request would look.
    const next = feed(decoder, [rawHeader(1, 'aborted', 1), rawData(1, 1, [1, 2, 3])]);
    expect(next).toEqual([{ id: 1, type: 'aborted', data: new Uint8Array([1, 2, 3]) }]);
  });

  it('a header inside a message loses only the interrupted message, not the one after (MeshAgent hazard)', () => {
    const decoder = new FrameDecoder();
    decoder.push(rawHeader(1, 'first', 2));
    decoder.push(rawData(1, 1, [1]));
    expectProtocolError(() => decoder.push(rawHeader(2, 'second', 1)));
    // The second message's data now has no header and is refused…
    expectProtocolError(() => decoder.push(rawData(2, 1, [2])));
    // …but the third message arrives intact.
    expect(feed(decoder, [rawHeader(3, 'third', 1), rawData(3, 1, [3])])).toEqual([
      { id: 3, type: 'third', data: new Uint8Array([3]) },
    ]);
  });

  it('errors are ProtocolError instances with code protocol_error', () => {
    const error = expectProtocolError(() => new FrameDecoder().push(new Uint8Array(3)));
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(ProtocolError);
  });
});

describe('fuzz: FrameDecoder only returns messages or throws ProtocolError, and always recovers', () => {
  const ITERATIONS = 12_000;

  function isWireMessage(value: unknown): value is WireMessage {
    if (typeof value !== 'object' || value === null) return false;
    const m = value as WireMessage;
    return Number.isSafeInteger(m.id) && m.id >= 0 && typeof m.type === 'string' && m.type.length > 0 && m.data instanceof Uint8Array;
  }

  function sameMessage(a: WireMessage, b: WireMessage): boolean {
    if (a.id !== b.id || a.type !== b.type || a.data.length !== b.data.length) return false;
    for (let i = 0; i < a.data.length; i++) if (a.data[i] !== b.data[i]) return false;
    return true;
  }

  function randomMessage(rng: Rng, id: number): { message: WireMessage; frames: Uint8Array[] } {
    const type = rng.pick(['room_ready', 'connected', '__response__', 'messaging.send', 'x', 'é😀', rng.text(20) || 't']);
    // At most ~12 data frames per message keeps 10,000+ cases fast.
    const packetBytes = rng.pick([1, 7, 64, 1023, 1024, rng.int(1, 1100)]);
    const length = rng.pick([0, 1, rng.int(0, 64), rng.int(0, Math.min(3000, packetBytes * 12))]);
    const message: WireMessage = { id, type, data: rng.bytes(length) };
    return { message, frames: encodeMessage(message, packetBytes) };
  }

  /** Builds a sequence of frames (bad or good), and says whether its bytes are untouched. */
  function randomSequence(rng: Rng, iteration: number): { frames: Uint8Array[]; originals: WireMessage[]; bytesIntact: boolean } {
    const a = randomMessage(rng, rng.int(0, 3) === 0 ? 2 ** 32 + iteration : iteration);
    const b = randomMessage(rng, iteration + 1_000_000);
    const frames = a.frames.slice();
    const strategy = rng.int(0, 9);
    switch (strategy) {
      case 0: {
        const count = rng.int(1, 5);
        const random = Array.from({ length: count }, () => rng.bytes(rng.int(0, 40)));
        // Give some random frames a plausible packet index so they reach deeper checks.
        for (const frame of random) if (frame.length >= 12 && rng.bool()) frame[8] = frame[9] = frame[10] = 0, (frame[11] = rng.int(0, 3));
        return { frames: random, originals: [], bytesIntact: false };
      }
      case 1: {
        const i = rng.int(0, frames.length - 1);
        frames[i] = rng.mutate(frames[i]!);
        return { frames, originals: [a.message], bytesIntact: false };
      }
      case 2: {
        const i = rng.int(0, frames.length - 1);
        frames[i] = frames[i]!.slice(0, rng.int(0, frames[i]!.length - 1));
        return { frames, originals: [a.message], bytesIntact: false };
      }
      case 3: {
        const i = rng.int(0, frames.length - 1);
        frames.splice(rng.int(0, frames.length), 0, frames[i]!);
        return { frames, originals: [a.message], bytesIntact: true };
      }
      case 4: {
        if (frames.length > 1) {
          const i = rng.int(0, frames.length - 1);
          const j = rng.int(0, frames.length - 1);
          [frames[i], frames[j]] = [frames[j]!, frames[i]!];
        }
        return { frames, originals: [a.message], bytesIntact: true };
      }
      case 5: {
        frames.splice(rng.int(0, frames.length - 1), 1);
        return { frames, originals: [a.message], bytesIntact: true };
      }
      case 6: {
        // Interleave two messages, each keeping its own order.
        const merged: Uint8Array[] = [];
        let i = 0;
        let j = 0;
        while (i < frames.length || j < b.frames.length) {
          if (j >= b.frames.length || (i < frames.length && rng.bool())) merged.push(frames[i++]!);
          else merged.push(b.frames[j++]!);
        }
        return { frames: merged, originals: [a.message, b.message], bytesIntact: true };
      }
      case 7: {
        // Cut the message short and start another one.
        return { frames: [...frames.slice(0, rng.int(0, frames.length)), ...b.frames], originals: [a.message, b.message], bytesIntact: true };
      }
      case 8: {
        // A header that announces a different N.
        const header = frames[0]!.slice();
        new DataView(header.buffer, header.byteOffset, header.byteLength).setUint32(12, rng.pick([0, 1, frames.length, frames.length + 1, 0xffffffff, rng.int(0, 10)]));
        frames[0] = header;
        return { frames, originals: [a.message], bytesIntact: false };
      }
      default:
        // A valid message, possibly split differently: it must decode exactly.
        return { frames, originals: [a.message], bytesIntact: true };
    }
  }

  it(`survives ${ITERATIONS} random and mutated frame sequences`, () => {
    const rng = new Rng(0x5eed);
    const fresh: WireMessage = { id: 31337, type: 'fresh', data: rng.bytes(2100) };
    const freshFrames = encodeMessage(fresh, 1024);
    let errors = 0;
    let messages = 0;

    for (let iteration = 0; iteration < ITERATIONS; iteration++) {
      const limited = rng.int(0, 9) === 0;
      // Limited decoders refuse some random messages but always fit the fresh one.
      const decoder = limited ? new FrameDecoder({ maxMessageBytes: rng.int(fresh.data.length, 3000) }) : new FrameDecoder();
      const { frames, originals, bytesIntact } = randomSequence(rng, iteration);
      const produced: WireMessage[] = [];
      for (const frame of frames) {
        let result: unknown;
        try {
          result = decoder.push(frame);
        } catch (error) {
          if (!(error instanceof ProtocolError) || error.code !== 'protocol_error') {
            expect.fail(`iteration ${iteration}: push threw ${String(error)}`);
          }
          errors++;
          continue;
        }
        if (result === null) continue;
        if (!isWireMessage(result)) expect.fail(`iteration ${iteration}: push returned ${String(result)}`);
        produced.push(result);
        messages++;
      }
      if (bytesIntact) {
        // Dropping, duplicating, reordering or interleaving whole frames may lose messages, but
        // must never produce one that was not sent (no stale or foreign parts).
        for (const m of produced) {
          if (!originals.some((o) => sameMessage(o, m))) expect.fail(`iteration ${iteration}: produced a message that was never sent`);
        }
      }

      // Recovery: a fresh message decodes exactly. If the sequence ended inside a message the
      // fresh header is refused first (header inside a message), then the retry must succeed.
      const wasInMessage = decoder.inMessage;
      let decoded: WireMessage | null = null;
      try {
        for (const frame of freshFrames) decoded = decoder.push(frame) ?? decoded;
      } catch (error) {
        if (!wasInMessage || !(error instanceof ProtocolError)) expect.fail(`iteration ${iteration}: fresh message refused: ${String(error)}`);
        for (const frame of freshFrames) decoded = decoder.push(frame) ?? decoded;
      }
      if (decoded === null || !sameMessage(decoded, fresh)) expect.fail(`iteration ${iteration}: fresh message not decoded exactly`);
    }
    // The fuzzer must actually exercise both paths.
    expect(errors).toBeGreaterThan(ITERATIONS / 2);
    expect(messages).toBeGreaterThan(ITERATIONS / 10);
  });

  it('valid messages with random sizes and packet sizes always decode exactly', () => {
    const rng = new Rng(42);
    const decoder = new FrameDecoder();
    for (let i = 0; i < 2000; i++) {
      const { message, frames } = randomMessage(rng, rng.int(0, Number.MAX_SAFE_INTEGER));
      const out = feed(decoder, frames);
      if (out.length !== 1 || !sameMessage(out[0]!, message)) expect.fail(`message ${i} did not round-trip`);
    }
    expect(decoder.inMessage).toBe(false);
  });
});

describe('encodePackedMessage', () => {
  it('gives exactly the frames of encodeMessage over packEncodedHeader, below and above one packet', () => {
    const rng = new Rng(77);
    const json = new TextEncoder().encode(JSON.stringify({ tool_call_id: 'abc', chunk: { type: 'binary', headers: { kind: 'sync' } } }));
    for (const size of [0, 1, 100, 65_536 - 8 - json.length, 65_536 - 7 - json.length, 200_000]) {
      const payload = rng.bytes(size);
      const id = rng.int(0, 2 ** 40);
      const expected = encodeMessage({ id, type: 'room.tool_call_response_chunk', data: packEncodedHeader(json, payload) });
      const frames = encodePackedMessage(id, 'room.tool_call_response_chunk', json, payload);
      expect(frames.map(hex)).toEqual(expected.map(hex));
    }
  });

  it('refuses an id that is not a non-negative safe integer', () => {
    for (const id of [-1, 1.5, 2 ** 53]) expectProtocolError(() => encodePackedMessage(id, 't', new Uint8Array(2), new Uint8Array(0)));
  });
});
