import { describe, expect, it } from 'vitest';
import { RoomError, unpack, type Content, type ConveneError } from '@convene/protocol';
import { SEND_WINDOW, ToolCallStream } from '../tool-call-stream.js';

/** A stream whose chunk requests are answered only when the test says so. */
function pendingStream() {
  const sent: { n: unknown; answer: (content: Content) => void; fail: (error: unknown) => void }[] = [];
  const stream = new ToolCallStream(
    'call-1',
    (data) =>
      new Promise<Content>((resolve, reject) => {
        const header = unpack(data).header as { chunk: { json: { n: unknown } } };
        sent.push({ n: header.chunk.json.n, answer: resolve, fail: reject });
      }),
    () => {},
  );
  return { stream, sent };
}

const chunk = (n: number): Content => ({ type: 'json', json: { n } });

describe('ToolCallStream.send', () => {
  it('pipelines chunks in call order without waiting for each acknowledgement, up to the window', async () => {
    const { stream, sent } = pendingStream();
    const results = Array.from({ length: SEND_WINDOW + 4 }, (_, n) => stream.send(chunk(n)));
    // Sent at once, before any acknowledgement: a document edit never waits a round trip.
    expect(sent.map((s) => s.n)).toEqual(Array.from({ length: SEND_WINDOW }, (_, n) => n));
    sent[0]!.answer({ type: 'empty' });
    await results[0];
    await new Promise((resolve) => setTimeout(resolve, 0));
    // One acknowledgement frees one slot: the next waiting chunk goes out, still in order.
    expect(sent.map((s) => s.n)).toEqual(Array.from({ length: SEND_WINDOW + 1 }, (_, n) => n));
    const answered = new Set([sent[0]]);
    while (answered.size < results.length) {
      for (const s of sent.filter((s) => !answered.has(s))) {
        answered.add(s);
        s.answer({ type: 'empty' });
      }
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    await Promise.all(results);
    expect(sent.map((s) => s.n)).toEqual(Array.from({ length: SEND_WINDOW + 4 }, (_, n) => n));
  });

  it('rejects only the refused chunk; the ones after it still go out', async () => {
    const { stream, sent } = pendingStream();
    const first = stream.send(chunk(1));
    const second = stream.send(chunk(2));
    sent[0]!.fail(new Error('refused'));
    sent[1]!.answer({ type: 'empty' });
    await expect(first).rejects.toThrow('refused');
    await expect(second).resolves.toBeUndefined();
  });

  it('writes the same bytes for binary chunks whether their frozen headers are reused or not, and never a stale header', async () => {
    const packed: Uint8Array[] = [];
    const stream = new ToolCallStream('call-1', async (data) => (packed.push(data), { type: 'empty' }), () => {});
    const frozen = Object.freeze({ kind: 'sync' });
    const data = (byte: number) => new Uint8Array([byte, byte]);
    await stream.send({ type: 'binary', headers: frozen, data: data(1) });
    await stream.send({ type: 'binary', headers: frozen, data: data(2) }, { ack: false });
    await stream.send({ type: 'binary', headers: frozen, data: data(3) });
    await stream.send({ type: 'binary', headers: frozen, data: data(4) }, { ack: false });
    // A headers object that is not frozen may change between chunks: it is encoded every time.
    const open: Record<string, unknown> = { kind: 'start', path: 'a' };
    await stream.send({ type: 'binary', headers: open, data: data(5) });
    open['path'] = 'b';
    await stream.send({ type: 'binary', headers: open, data: data(6) });
    // Another frozen object replaces the reused one.
    await stream.send({ type: 'binary', headers: Object.freeze({ kind: 'sync', n: 2 }), data: data(7) });
    expect(packed.map((bytes) => unpack(bytes))).toEqual([
      { header: { tool_call_id: 'call-1', chunk: { type: 'binary', headers: { kind: 'sync' } } }, payload: data(1) },
      { header: { tool_call_id: 'call-1', chunk: { type: 'binary', headers: { kind: 'sync' } }, ack: false }, payload: data(2) },
      { header: { tool_call_id: 'call-1', chunk: { type: 'binary', headers: { kind: 'sync' } } }, payload: data(3) },
      { header: { tool_call_id: 'call-1', chunk: { type: 'binary', headers: { kind: 'sync' } }, ack: false }, payload: data(4) },
      { header: { tool_call_id: 'call-1', chunk: { type: 'binary', headers: { kind: 'start', path: 'a' } } }, payload: data(5) },
      { header: { tool_call_id: 'call-1', chunk: { type: 'binary', headers: { kind: 'start', path: 'b' } } }, payload: data(6) },
      { header: { tool_call_id: 'call-1', chunk: { type: 'binary', headers: { kind: 'sync', n: 2 } } }, payload: data(7) },
    ]);
  });

  it('refuses chunks waiting for a slot once the call failed', async () => {
    const { stream, sent } = pendingStream();
    const results = Array.from({ length: SEND_WINDOW + 1 }, (_, n) => stream.send(chunk(n)));
    for (const result of results) result.catch(() => {});
    const lost = new Error('connection lost');
    stream.fail(lost);
    sent[0]!.fail(lost);
    await expect(results[SEND_WINDOW]).rejects.toBe(lost);
    expect(sent).toHaveLength(SEND_WINDOW);
  });
});

describe('ToolCallStream.consume', () => {
  /** What a consumer saw, in order. */
  function recorder() {
    const seen: unknown[] = [];
    return {
      seen,
      consumer: {
        chunk: (content: Content) => seen.push(content),
        error: (error: ConveneError) => seen.push(`error: ${error.message}`),
        end: (failure: unknown) => seen.push(failure === null ? 'end' : `failed: ${(failure as Error).message}`),
      },
    };
  }

  it('hands over queued chunks first, then each new one in the same tick, then the end', () => {
    const { stream } = pendingStream();
    stream.receive(chunk(1));
    stream.receive({ type: 'error', text: 'not allowed', code: 403 });
    const { seen, consumer } = recorder();
    stream.consume(consumer);
    expect(seen).toEqual([chunk(1), 'error: not allowed']);
    stream.receive(chunk(2));
    expect(seen).toEqual([chunk(1), 'error: not allowed', chunk(2)]); // no await needed
    stream.receive({ type: 'control', method: 'close' });
    expect(seen.at(-1)).toBe('end');
    stream.receive(chunk(3)); // after the close: dropped
    expect(seen).toHaveLength(4);
    expect(stream.closed).toBe(true);
  });

  it('reports a failed call once, whether it failed before or after consume', () => {
    const early = pendingStream().stream;
    early.fail(new RoomError('disconnected', 'gone'));
    const before = recorder();
    early.consume(before.consumer);
    expect(before.seen).toEqual(['failed: gone']);

    const late = pendingStream().stream;
    const after = recorder();
    late.consume(after.consumer);
    late.fail(new RoomError('disconnected', 'lost'));
    late.fail(new RoomError('disconnected', 'again'));
    expect(after.seen).toEqual(['failed: lost']);
  });

  it('allows one reader: next() after consume, and a second consume, are refused', async () => {
    const { stream } = pendingStream();
    stream.consume(recorder().consumer);
    expect(() => stream.consume(recorder().consumer)).toThrow(TypeError);
    await expect(stream.next()).rejects.toThrow(TypeError);
    const waiting = pendingStream().stream;
    void waiting.next();
    expect(() => waiting.consume(recorder().consumer)).toThrow(TypeError);
  });
});
