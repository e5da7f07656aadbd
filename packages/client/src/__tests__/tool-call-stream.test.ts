import { describe, expect, it } from 'vitest';
import { unpack, type Content } from '@convene/protocol';
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
