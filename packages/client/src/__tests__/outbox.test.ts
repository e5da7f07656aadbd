import { describe, expect, it } from 'vitest';
// The protocol's fuzz tests' seeded PRNG, so a failure replays from its seed.
import { mulberry32 } from '../../../protocol/src/__tests__/fuzz-helpers.js';
import { Outbox, type OutboxEntry } from '../outbox.js';

/**
 * The outbox keeps track of where its queued entries start, so that a send does not look at every
 * entry in flight. Whatever happens to entries, `queued()` must be exactly the entries not in
 * flight, in call order: checked against that definition after every step of random histories.
 */

function entry(n: number) {
  return {
    tool: 'broadcast' as const,
    arguments: { type: 't', message_json: String(n), message_id: `m${n}` },
    to: undefined,
    resolve: () => {},
    reject: () => {},
  };
}

describe('Outbox', () => {
  it('lists exactly the entries not in flight, in call order, through random histories', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const next = mulberry32(seed);
      const outbox = new Outbox();
      let all: OutboxEntry[] = [];
      let made = 0;
      const pick = (from: OutboxEntry[]) => from[Math.floor(next() * from.length)];
      for (let step = 0; step < 400; step++) {
        const roll = next();
        const inFlight = all.filter((e) => e.attempt !== null);
        if (roll < 0.35) {
          all.push(outbox.push(entry(made++)));
        } else if (roll < 0.6) {
          // A flush writes the first few queued entries, in order.
          for (const queued of outbox.queued().slice(0, 1 + Math.floor(next() * 3))) outbox.markSent(queued);
        } else if (roll < 0.75 && inFlight.length > 0) {
          // An ack, usually of the oldest write.
          const acked = next() < 0.8 ? inFlight[0]! : pick(inFlight)!;
          outbox.remove(acked);
          all = all.filter((e) => e !== acked);
        } else if (roll < 0.82 && inFlight.length > 0) {
          outbox.requeue(pick(inFlight)!);
        } else if (roll < 0.88 && all.length > 0) {
          // A timeout takes out an entry, queued or not.
          const gone = pick(all)!;
          outbox.remove(gone);
          all = all.filter((e) => e !== gone);
        } else if (roll < 0.9) {
          outbox.requeueInFlight();
        }
        // Compared by identity, one assertion per step: deep equality over every entry took 30 s under CI's load.
        const queued = outbox.queued();
        const expected = all.filter((e) => e.attempt === null);
        const same = queued.length === expected.length && queued.every((e, i) => e === expected[i]);
        if (!same || outbox.size !== all.length || !all.every((e) => outbox.has(e))) {
          expect.fail(`seed ${seed}, step ${step}: queued ${queued.map((e) => e.arguments.message_id)}, expected ${expected.map((e) => e.arguments.message_id)}, size ${outbox.size} of ${all.length}`);
        }
      }
    }
  });

  it('forgets removed entries and everything on rejectAll', () => {
    const outbox = new Outbox();
    const a = outbox.push(entry(1));
    const b = outbox.push(entry(2));
    outbox.markSent(a);
    outbox.remove(a);
    expect(outbox.has(a)).toBe(false);
    expect(a.attempt).toBeNull();
    outbox.remove(a); // twice is harmless
    expect(outbox.queued()).toEqual([b]);
    const reasons: unknown[] = [];
    const c = outbox.push({ ...entry(3), reject: (error) => reasons.push(error) });
    outbox.markSent(c);
    outbox.rejectAll('gone');
    expect(reasons).toEqual(['gone']);
    expect(outbox.size).toBe(0);
    expect(outbox.has(b)).toBe(false);
    expect(outbox.queued()).toEqual([]);
  });
});
