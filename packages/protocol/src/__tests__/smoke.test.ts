import { describe, expect, it } from 'vitest';
import { encodeMessage, FrameDecoder } from '@convene/protocol';

describe('frame codec', () => {
  it('round-trips a message through its frames', () => {
    const data = new Uint8Array(3000).map((_, i) => i % 251);
    const decoder = new FrameDecoder();
    const frames = encodeMessage({ id: 7, type: 'x', data }, 1024);
    expect(frames).toHaveLength(4);
    const results = frames.map((f) => decoder.push(f));
    expect(results.slice(0, 3)).toEqual([null, null, null]);
    expect(results[3]).toEqual({ id: 7, type: 'x', data });
  });
});
