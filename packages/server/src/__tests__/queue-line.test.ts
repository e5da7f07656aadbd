import { describe, expect, it } from 'vitest';
import type { Content } from '@convene/protocol';
import type { Participant } from '../participant.js';
import { QueueLine, type Waiter } from '../toolkits/queues/queue-line.js';
import type { TakenMessage } from '../toolkits/queues/queue-store.js';

/** A queue in memory whose takes finish only when the test lets them. */
function fakeStore() {
  const messages: TakenMessage[] = [];
  const putBack: TakenMessage[] = [];
  const gates: (() => void)[] = [];
  let seq = 0;
  let gated = false;
  return {
    messages,
    putBack,
    push: (message: unknown) => messages.push({ seq: String(seq++), message }),
    gate: () => void (gated = true),
    /** Lets the oldest gated take run. */
    open: () => gates.shift()?.(),
    store: {
      take: async () => {
        if (gated) await new Promise<void>((resolve) => gates.push(resolve));
        return messages.shift() ?? null;
      },
      putBack: async (message: TakenMessage) => {
        putBack.push(message);
        messages.unshift(message);
      },
    },
  };
}

function waiter(answers: Content[], closed = false): Waiter {
  const participant = { connection: { closed } } as unknown as Participant;
  return { participant, receiveId: undefined, cancelled: false, taking: false, settle: (content) => answers.push(content) };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

function line(fake: ReturnType<typeof fakeStore>) {
  const delivered: unknown[] = [];
  const events = { idle: 0 };
  const queue = new QueueLine(fake.store, {
    delivered: (w, message) => {
      delivered.push(message.message);
      w.settle({ type: 'json', json: message.message });
    },
    failed: (w) => w.settle({ type: 'error', text: 'failed' }),
    idle: () => void events.idle++,
  });
  return { queue, delivered, events };
}

describe('QueueLine', () => {
  it('serves waiters in arrival order, one message each', async () => {
    const fake = fakeStore();
    const { queue, events } = line(fake);
    const answers: Content[][] = [[], [], []];
    for (const a of answers) queue.add(waiter(a));
    await settle();
    expect(answers.flat()).toEqual([]);
    fake.push('m1');
    fake.push('m2');
    queue.kick();
    await settle();
    expect(answers).toEqual([[{ type: 'json', json: 'm1' }], [{ type: 'json', json: 'm2' }], []]);
    fake.push('m3');
    queue.kick();
    await settle();
    expect(answers[2]).toEqual([{ type: 'json', json: 'm3' }]);
    expect(queue.idle).toBe(true);
    expect(events.idle).toBeGreaterThan(0);
  });

  it('never misses a message sent while a take is running', async () => {
    const fake = fakeStore();
    const { queue } = line(fake);
    const answers: Content[] = [];
    fake.gate();
    queue.add(waiter(answers)); // its take is now waiting at the gate, about to find nothing
    fake.push('late'); // committed while that take runs…
    queue.kick(); // …and its notification arrives mid-take
    fake.messages.length = 0; // the gated take sees the queue as it was: empty
    fake.open();
    await settle();
    fake.push('late');
    fake.open();
    await settle();
    fake.open();
    await settle();
    expect(answers).toEqual([{ type: 'json', json: 'late' }]);
  });

  it('a waiter removed before its take is answered empty and takes nothing', async () => {
    const fake = fakeStore();
    const { queue } = line(fake);
    const first: Content[] = [];
    const second: Content[] = [];
    const w1 = waiter(first);
    queue.add(w1);
    queue.add(waiter(second));
    await settle();
    queue.remove(w1);
    expect(first).toEqual([{ type: 'empty' }]);
    fake.push('m');
    queue.kick();
    await settle();
    expect(second).toEqual([{ type: 'json', json: 'm' }]);
    expect(fake.putBack).toEqual([]);
  });

  it('a waiter cancelled during its take gives the message back before it is answered', async () => {
    const fake = fakeStore();
    const { queue, delivered } = line(fake);
    const answers: Content[] = [];
    fake.push('precious');
    fake.gate();
    const w = waiter(answers);
    queue.add(w);
    await settle();
    expect(w.taking).toBe(true);
    queue.remove(w);
    expect(answers).toEqual([]); // not yet: the take is in flight
    fake.open();
    await settle();
    expect(delivered).toEqual([]);
    expect(fake.putBack.map((m) => m.message)).toEqual(['precious']);
    expect(fake.messages.map((m) => m.message)).toEqual(['precious']);
    expect(answers).toEqual([{ type: 'empty' }]);
  });

  it('never takes for a waiter whose connection already closed', async () => {
    const fake = fakeStore();
    const { queue } = line(fake);
    const dead: Content[] = [];
    const alive: Content[] = [];
    fake.push('m');
    queue.add(waiter(dead, true));
    queue.add(waiter(alive));
    await settle();
    expect(dead).toEqual([{ type: 'empty' }]);
    expect(alive).toEqual([{ type: 'json', json: 'm' }]);
    expect(fake.putBack).toEqual([]);
  });

  it('a failing take answers that waiter with an error and serves the next', async () => {
    const fake = fakeStore();
    let fail = true;
    const take = fake.store.take;
    fake.store.take = async () => {
      if (fail) {
        fail = false;
        throw new Error('database down');
      }
      return take();
    };
    const { queue } = line(fake);
    const first: Content[] = [];
    const second: Content[] = [];
    fake.push('m');
    queue.add(waiter(first));
    queue.add(waiter(second));
    await settle();
    expect(first).toEqual([{ type: 'error', text: 'failed' }]);
    expect(second).toEqual([{ type: 'json', json: 'm' }]);
  });
});
