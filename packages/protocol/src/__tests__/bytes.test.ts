import { describe, expect, it } from 'vitest';
import { allocBytes, readU32, writeU32 } from '../bytes.js';

describe('allocBytes (pooled views)', () => {
  it('gives zero-filled arrays that never overlap, across pool refills', () => {
    const arrays: Uint8Array[] = [];
    for (let i = 0; i < 2_000; i++) {
      const bytes = allocBytes(1 + (i % 300));
      expect(bytes.every((b) => b === 0)).toBe(true);
      bytes.fill(i % 255 || 1);
      arrays.push(bytes);
    }
    // Every array still holds only what was written into it.
    arrays.forEach((bytes, i) => expect(bytes.every((b) => b === (i % 255 || 1))).toBe(true));
  });

  it('large arrays get a buffer of their own', () => {
    const big = allocBytes(100_000);
    expect(big.byteOffset).toBe(0);
    expect(big.buffer.byteLength).toBe(100_000);
  });

  it('u32 helpers agree with DataView, big-endian, at any offset of a view', () => {
    const bytes = allocBytes(12);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (const value of [0, 1, 0x7f, 0x80, 0xff, 0x1234_5678, 0x8000_0000, 0xffff_ffff]) {
      writeU32(bytes, 5, value);
      expect(view.getUint32(5)).toBe(value);
      expect(readU32(bytes, 5)).toBe(value);
    }
  });
});
