import { describe, expect, it } from 'vitest';
import { ConnectionError, RoomError, errorContent, packContent, type Content } from '@convene/protocol';
import { RequestTracker } from '../request-tracker.js';

const EMPTY = packContent({ type: 'empty' });
const JSON_ANSWER = packContent({ type: 'json', json: { ok: true } });

/** Records how each promise ended, without unhandled rejections. */
function watch(promise: Promise<Content>) {
  const outcome: { value?: Content; error?: unknown; done: boolean } = { done: false };
  promise.then(
    (value) => Object.assign(outcome, { value, done: true }),
    (error: unknown) => Object.assign(outcome, { error, done: true }),
  );
  return outcome;
}
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('RequestTracker', () => {
  it('settles a request with its own answer, and an error answer as a typed error', async () => {
    const tracker = new RequestTracker();
    const ok = watch(tracker.track(0));
    const refused = watch(tracker.track(1));
    expect(tracker.settle(0, JSON_ANSWER)).toBe(true);
    expect(tracker.settle(1, packContent(errorContent('not_found', 'gone')))).toBe(true);
    await tick();
    expect(ok.value).toEqual({ type: 'json', json: { ok: true } });
    expect(refused.error).toBeInstanceOf(RoomError);
    expect((refused.error as RoomError).code).toBe('not_found');
    expect(tracker.size).toBe(0);
  });

  it('settles silent requests when a later request is answered, and not before', async () => {
    const tracker = new RequestTracker();
    const a = watch(tracker.track(0, true));
    const b = watch(tracker.track(1, true));
    const asked = watch(tracker.track(2));
    const c = watch(tracker.track(3, true));
    await tick();
    expect([a.done, b.done, c.done, asked.done]).toEqual([false, false, false, false]);
    tracker.settle(2, EMPTY);
    await tick();
    expect(a.value).toEqual({ type: 'empty' });
    expect(b.value).toEqual({ type: 'empty' });
    expect(asked.value).toEqual({ type: 'empty' });
    // Written after the answered request: still waiting.
    expect(c.done).toBe(false);
    expect(tracker.size).toBe(1);
  });

  it('rejects a silent request the server answered (it failed), and settles the ones before it as handled', async () => {
    const tracker = new RequestTracker();
    const before = watch(tracker.track(4, true));
    const failed = watch(tracker.track(5, true));
    const after = watch(tracker.track(6, true));
    tracker.settle(5, packContent(errorContent('rate_limited', 'slow down')));
    await tick();
    expect(before.value).toEqual({ type: 'empty' });
    expect((failed.error as RoomError).code).toBe('rate_limited');
    expect(after.done).toBe(false);
    // An answer to an id nobody tracks (a cancelled request, a barrier) still shows what came before it arrived.
    expect(tracker.settle(9, EMPTY)).toBe(false);
    await tick();
    expect(after.value).toEqual({ type: 'empty' });
    expect(tracker.size).toBe(0);
  });

  it('leaves a cancelled silent request alone, and rejects the rest when the socket goes', async () => {
    const tracker = new RequestTracker();
    const cancelled = watch(tracker.track(0, true));
    const pending = watch(tracker.track(1, true));
    const asked = watch(tracker.track(2));
    tracker.cancel(0);
    tracker.rejectAll(() => new ConnectionError('disconnected', 'gone', { terminal: false }));
    await tick();
    expect(cancelled.done).toBe(false);
    expect(pending.error).toBeInstanceOf(ConnectionError);
    expect(asked.error).toBeInstanceOf(ConnectionError);
    expect(tracker.size).toBe(0);
  });

  it('rejects on an answer that does not decode, without touching other requests', async () => {
    const tracker = new RequestTracker();
    const garbage = watch(tracker.track(0));
    const other = watch(tracker.track(1));
    expect(tracker.settle(0, new Uint8Array([1, 2, 3]))).toBe(true);
    await tick();
    expect(garbage.error).toBeInstanceOf(Error);
    expect(other.done).toBe(false);
  });

  it('settles every request of a long run where one in eight is answered', async () => {
    const tracker = new RequestTracker();
    const outcomes = [];
    for (let id = 0; id < 5_000; id++) {
      outcomes.push(watch(tracker.track(id, id % 8 !== 7)));
      if (id % 8 === 7) tracker.settle(id, EMPTY);
    }
    await tick();
    expect(outcomes.every((o) => o.value?.type === 'empty')).toBe(true);
    expect(tracker.size).toBe(0);
  });
});
