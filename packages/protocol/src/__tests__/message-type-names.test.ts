import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../errors.js';
import { typeBytesOf, typeNameOf } from '../message-type-names.js';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('message type names', () => {
  it('decodes names as they are, repeated or not, and never confuses names of one length', () => {
    const names = ['room.tool_call_response_chunk', '__response__', 'aaaa', 'aaab', 'baaa', 'ünï', 'aaaa', '__response__', 'aaab'];
    for (const name of names) expect(typeNameOf(utf8(name))).toBe(name);
  });

  it('keeps a copy: a frame reused after decoding does not change the name decoded later', () => {
    const frame = utf8('reused.type');
    expect(typeNameOf(frame)).toBe('reused.type');
    frame.set(utf8('mutated.typ'));
    expect(typeNameOf(frame)).toBe('mutated.typ');
    expect(typeNameOf(utf8('reused.type'))).toBe('reused.type');
  });

  it('stays right past its capacity: many distinct names, then the first ones again', () => {
    const names = Array.from({ length: 100 }, (_, k) => `type.${k}`);
    for (const name of names) expect(typeNameOf(utf8(name))).toBe(name);
    for (const name of names) expect(typeNameOf(utf8(name))).toBe(name);
  });

  it('refuses bytes that are not UTF-8 every time, and caches nothing for them', () => {
    const bad = new Uint8Array([0x61, 0xff, 0x62]);
    for (let k = 0; k < 3; k++) expect(() => typeNameOf(bad)).toThrow(ProtocolError);
    expect(() => typeNameOf(new Uint8Array([0xc3]))).toThrow(/not valid UTF-8/);
    expect(typeNameOf(utf8('after.bad'))).toBe('after.bad');
  });

  it('encodes names to their UTF-8, the same bytes each time', () => {
    expect([...typeBytesOf('ünï')]).toEqual([...utf8('ünï')]);
    expect(typeBytesOf('room.sync')).toBe(typeBytesOf('room.sync'));
    for (let k = 0; k < 200; k++) expect([...typeBytesOf(`many.${k}`)]).toEqual([...utf8(`many.${k}`)]);
  });
});
