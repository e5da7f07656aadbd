import { describe, expect, it } from 'vitest';
import type { Content } from '@convene/protocol';
import type { Connection } from '../connection.js';
import { ToolCallStream } from '../tool-call-stream.js';

const chunk = (n: number): Content => ({ type: 'json', json: { n } });
// push, endInput and consume never write to the connection.
const stream = (): ToolCallStream => new ToolCallStream({} as Connection, 'call-1');

describe('ToolCallStream.consume (server)', () => {
  it('hands over queued chunks, then each new one inside push, then null at the end of input', () => {
    const s = stream();
    s.push(chunk(1));
    const seen: (Content | null)[] = [];
    s.consume((content) => seen.push(content));
    expect(seen).toEqual([chunk(1)]);
    s.push(chunk(2));
    expect(seen).toEqual([chunk(1), chunk(2)]); // handled before push returned
    s.push({ type: 'control', method: 'close' });
    expect(seen).toEqual([chunk(1), chunk(2), null]);
    s.push(chunk(3)); // after the caller's close: dropped
    expect(seen).toHaveLength(3);
  });

  it('reports an input that ended before consume, and refuses a second reader', async () => {
    const s = stream();
    s.push(chunk(1));
    s.endInput();
    const seen: (Content | null)[] = [];
    s.consume((content) => seen.push(content));
    expect(seen).toEqual([chunk(1), null]);
    expect(() => s.consume(() => {})).toThrow(TypeError);
    await expect(s.next()).rejects.toThrow(TypeError);
    const waiting = stream();
    void waiting.next();
    expect(() => waiting.consume(() => {})).toThrow(TypeError);
  });

  it('does not cap chunks handed to a consumer the way it caps unread ones', () => {
    const s = stream();
    let count = 0;
    s.consume(() => count++);
    for (let n = 0; n < 200; n++) s.push(chunk(n));
    expect(count).toBe(200);
  });
});
