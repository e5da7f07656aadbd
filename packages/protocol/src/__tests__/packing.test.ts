import { describe, expect, it } from 'vitest';
import { isPlainObject, pack, packEncodedHeader, unpack, unpackObject } from '@convene/protocol';
import { expectProtocolError, hex, onlyProtocolErrors, Rng } from './fuzz-helpers.js';

const utf8 = new TextEncoder();

/** Builds packed data by hand: hi and lo length words, then the given bytes. */
function raw(hi: number, lo: number, rest: Uint8Array | number[]): Uint8Array {
  const out = new Uint8Array(8 + rest.length);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  view.setUint32(0, hi);
  view.setUint32(4, lo);
  out.set(rest, 8);
  return out;
}

describe('pack', () => {
  it('writes u32be 0, u32be JSON byte length, the JSON, then the tail', () => {
    const data = pack({ a: 1 }, new Uint8Array([1, 2]));
    expect(hex(data)).toBe(`00 00 00 00 00 00 00 07 ${hex(utf8.encode('{"a":1}'))} 01 02`);
  });

  it('counts the JSON length in UTF-8 bytes, not characters', () => {
    const header = { text: 'é😀' };
    const json = utf8.encode(JSON.stringify(header));
    const data = pack(header);
    expect(new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(4)).toBe(json.length);
    expect(json.length).toBeGreaterThan(JSON.stringify(header).length);
    expect(unpack(data).header).toEqual(header);
  });

  it('packs undefined as JSON null', () => {
    expect(unpack(pack(undefined)).header).toBeNull();
  });
});

describe('unpack', () => {
  it('round-trips a header without a tail', () => {
    const header = { type: 'json', json: { nested: [1, 'two', null, true] } };
    const { header: out, payload } = unpack(pack(header));
    expect(out).toEqual(header);
    expect(payload).toHaveLength(0);
  });

  it('round-trips a header with a binary tail', () => {
    const tail = Uint8Array.from({ length: 3000 }, (_, i) => i & 0xff);
    const { header, payload } = unpack(pack({ kind: 'data' }, tail));
    expect(header).toEqual({ kind: 'data' });
    expect(payload).toEqual(tail);
  });

  it('round-trips scalar headers', () => {
    for (const value of [null, 0, -3.5, 'text', true, [], [1, [2]]]) expect(unpack(pack(value)).header).toEqual(value);
  });

  it('reads data that is a view into a larger buffer', () => {
    const packed = pack({ ok: true }, new Uint8Array([9, 8, 7]));
    const pool = new Uint8Array(packed.length + 20).fill(0xff);
    pool.set(packed, 10);
    const { header, payload } = unpack(pool.subarray(10, 10 + packed.length));
    expect(header).toEqual({ ok: true });
    expect(Array.from(payload)).toEqual([9, 8, 7]);
  });

  it('takes the length as hi·2^32 + lo (a non-zero high word is not ignored)', () => {
    const json = utf8.encode('{"a":1}');
    // With the high word set the claimed length is 2^32 + 7, far beyond the data.
    expectProtocolError(() => unpack(raw(1, json.length, json)), /claims 4294967303 bytes/);
    expect(unpack(raw(0, json.length, json)).header).toEqual({ a: 1 });
  });

  it('everything after the JSON is the tail, even if it looks like JSON', () => {
    const json = utf8.encode('{"a":1}');
    const { header, payload } = unpack(raw(0, json.length, [...json, ...utf8.encode('{"b":2}')]));
    expect(header).toEqual({ a: 1 });
    expect(new TextDecoder().decode(payload)).toBe('{"b":2}');
  });

  it('data shorter than the 8-byte prefix → ProtocolError', () => {
    for (let length = 0; length < 8; length++) expectProtocolError(() => unpack(new Uint8Array(length)), /length prefix/);
  });

  it('a length beyond the data → ProtocolError', () => {
    const packed = pack({ a: 'bcdef' });
    expectProtocolError(() => unpack(packed.subarray(0, packed.length - 1)), /only/);
    expectProtocolError(() => unpack(raw(0, 0xffffffff, [])));
  });

  it('truncated data → ProtocolError', () => {
    const packed = pack({ hello: 'world' }, new Uint8Array([1]));
    // Cutting into the tail only shortens the tail; cutting into the JSON must fail.
    for (let cut = 0; cut < packed.length - 1; cut++) expectProtocolError(() => unpack(packed.subarray(0, cut)));
  });

  it('invalid JSON → ProtocolError', () => {
    for (const text of ['', '{', '{"a":}', 'undefined', "{'a':1}", '[1,]', 'NaN']) {
      const json = utf8.encode(text);
      expectProtocolError(() => unpack(raw(0, json.length, json)), /JSON/);
    }
  });

  it('invalid UTF-8 inside the JSON → ProtocolError (not a silent U+FFFD)', () => {
    const bytes = [...utf8.encode('{"a":"'), 0xff, 0xfe, ...utf8.encode('"}')];
    expectProtocolError(() => unpack(raw(0, bytes.length, bytes)), /UTF-8/);
    const lone = [...utf8.encode('"'), 0xed, 0xa0, 0x80, ...utf8.encode('"')]; // encoded surrogate
    expectProtocolError(() => unpack(raw(0, lone.length, lone)));
  });

  it('unpackObject requires a JSON object header', () => {
    expect(unpackObject(pack({ a: 1 }, new Uint8Array([5]))).header).toEqual({ a: 1 });
    for (const value of [null, [], [{}], 'x', 3, false]) expectProtocolError(() => unpackObject(pack(value)), /object/);
  });

  it('isPlainObject accepts objects only', () => {
    expect(isPlainObject({})).toBe(true);
    expect(isPlainObject([])).toBe(false);
    expect(isPlainObject(null)).toBe(false);
    expect(isPlainObject('x')).toBe(false);
  });
});

describe('packEncodedHeader', () => {
  it('equals pack for the same header, with and without a tail', () => {
    const headers = [{ a: 1 }, { from_participant_id: 'p1', type: 'chat', message: { text: 'hi é😀' } }, [], null, 'x'];
    for (const header of headers) {
      const json = utf8.encode(JSON.stringify(header));
      expect(packEncodedHeader(json)).toEqual(pack(header));
      expect(packEncodedHeader(json, new Uint8Array([1, 2, 3]))).toEqual(pack(header, new Uint8Array([1, 2, 3])));
    }
  });
});

describe('fuzz: unpack and unpackObject throw only ProtocolError', () => {
  it('10,000 random and mutated inputs', () => {
    const rng = new Rng(0xbeef);
    let ok = 0;
    for (let i = 0; i < 10_000; i++) {
      let data: Uint8Array;
      const kind = rng.int(0, 2);
      if (kind === 0) data = rng.bytes(rng.int(0, 40));
      else {
        const valid = pack(rng.json(), rng.bytes(rng.int(0, 8)));
        data = kind === 1 ? rng.mutate(valid) : valid;
      }
      const result = onlyProtocolErrors(() => unpack(data), () => hex(data));
      onlyProtocolErrors(() => unpackObject(data), () => hex(data));
      if (result !== undefined) {
        ok++;
        // A successful unpack re-packs to the same bytes modulo JSON formatting: the tail is exact.
        const length = new DataView(data.buffer, data.byteOffset).getUint32(4);
        expect(hex(result.payload)).toBe(hex(data.subarray(8 + length)));
      }
    }
    expect(ok).toBeGreaterThan(3000);
  });
});

describe('jsonWithinDepth', () => {
  it('measures nesting without recursion, even thousands of levels deep', async () => {
    const { jsonWithinDepth } = await import('@convene/protocol');
    expect(jsonWithinDepth({ a: [1, { b: 2 }] }, 3)).toBe(true);
    expect(jsonWithinDepth({ a: [1, { b: 2 }] }, 2)).toBe(false);
    expect(jsonWithinDepth('text', 0)).toBe(true);
    let deep: unknown = 0;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(jsonWithinDepth(deep, 64)).toBe(false);
  });
});
