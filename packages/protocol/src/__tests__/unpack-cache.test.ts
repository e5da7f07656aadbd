import { describe, expect, it } from 'vitest';
import { ProtocolError, UnpackCache, isBinaryChunkHeader, pack, packEncodedHeader, unpack } from '../index.js';

const chunkHeader = (id: string, kind = 'sync') => ({ tool_call_id: id, chunk: { type: 'binary', headers: { kind } } });

describe('UnpackCache', () => {
  it('unpacks exactly like unpack, and returns the same frozen header for repeated bytes', () => {
    const cache = new UnpackCache({ share: isBinaryChunkHeader });
    const first = cache.unpack(pack(chunkHeader('a'), new Uint8Array([1, 2])));
    const second = cache.unpack(pack(chunkHeader('a'), new Uint8Array([3])));
    expect(first).toEqual(unpack(pack(chunkHeader('a'), new Uint8Array([1, 2]))));
    expect(second.header).toBe(first.header);
    expect([...second.payload]).toEqual([3]);
    expect(Object.isFrozen(first.header)).toBe(true);
    expect(Object.isFrozen((first.header as { chunk: { headers: object } }).chunk.headers)).toBe(true);
  });

  it('never confuses headers that differ in one byte, or share a length', () => {
    const cache = new UnpackCache({ share: isBinaryChunkHeader, entries: 2 });
    const ids = ['aaaa', 'aaab', 'baaa', 'aaaa', 'abcd', 'aaab'];
    for (const id of ids) expect(cache.unpack(pack(chunkHeader(id))).header).toEqual(chunkHeader(id));
  });

  it('keeps headers it may not share as plain, unfrozen, fresh objects', () => {
    const cache = new UnpackCache({ share: isBinaryChunkHeader });
    const json = { tool_call_id: 'a', chunk: { type: 'json', json: { n: 1 } } };
    const one = cache.unpack(pack(json)).header;
    const two = cache.unpack(pack(json)).header;
    expect(two).not.toBe(one);
    expect(Object.isFrozen(one)).toBe(false);
    expect(isBinaryChunkHeader(null)).toBe(false);
    expect(isBinaryChunkHeader({ chunk: 'binary' })).toBe(false);
  });

  it('parses headers longer than its limit every time', () => {
    const cache = new UnpackCache({ maxHeaderBytes: 16 });
    const long = { tool_call_id: 'x'.repeat(40), chunk: { type: 'binary' } };
    expect(cache.unpack(pack(long)).header).not.toBe(cache.unpack(pack(long)).header);
  });

  it('refuses garbage with the ProtocolError unpack gives, and is not poisoned by it', () => {
    const cache = new UnpackCache();
    const bad = [
      new Uint8Array(0),
      new Uint8Array(7),
      packEncodedHeader(new TextEncoder().encode('{"a":'), new Uint8Array(0)),
      packEncodedHeader(new Uint8Array([0xff, 0xfe]), new Uint8Array(0)),
      Uint8Array.from([0, 0, 0, 1, 0, 0, 0, 0]), // a high length half
      Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 9, 123]), // longer than the data
    ];
    for (const data of bad) {
      expect(() => cache.unpack(data)).toThrow(ProtocolError);
      expect(() => unpack(data)).toThrow(ProtocolError);
    }
    expect(cache.unpack(pack({ ok: true })).header).toEqual({ ok: true });
  });
});
