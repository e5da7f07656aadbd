import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerCounts } from './support/fuzz-cases.js';
import { framesCase } from './support/fuzz-frames-inputs.js';
import { expectHealthyAfter, fuzz, startFuzzRoom, type FuzzRoom } from './support/fuzz-harness.js';
import { FUZZ_SEED, scaled } from './support/fuzz-random.js';

/**
 * Frames and payloads at the wire: every message type with packed payloads (valid, lying length
 * prefixes, bad UTF-8 and JSON), Content envelopes of every type, odd packet sizes, and broken
 * framing (flips, truncation, packet counts, ids, lost/repeated/swapped/interleaved frames).
 * A framed message gets a typed answer; broken framing closes only that connection, with a code
 * and a reason; the bystander is unaffected and nothing leaks. Extends test/server-fuzz.test.ts
 * (messaging only) to every message type.
 */
const CASES = scaled(5_000);
const ROOM = 'fuzz-frames';

let room: FuzzRoom;

beforeAll(async () => {
  room = await startFuzzRoom(ROOM);
});

afterAll(async () => {
  room?.bystander.ws.terminate();
  room?.sender.ws.terminate();
  await room?.server.close();
});

describe('fuzzing frames and payloads', () => {
  it(`survives ${CASES} generated frame sequences (seed ${FUZZ_SEED})`, async () => {
    answerCounts.clear();
    const report = await fuzz(room, {
      target: 'frames',
      cases: CASES,
      connections: 3,
      window: 4,
      perConnection: 200,
      makeCase: (g, index) => framesCase(g, 1_000_000 + index),
    });
    const byCode = new Map<number, number>();
    for (const { code } of report.closes) byCode.set(code, (byCode.get(code) ?? 0) + 1);
    console.log(`fuzz-frames: ${report.cases} cases on ${report.connections} connections; closes ${JSON.stringify(Object.fromEntries(byCode))}; answers ${JSON.stringify(Object.fromEntries(answerCounts))}`);
    expect(report.cases).toBe(CASES);
    // Both paths are exercised: handlers answered framed messages, and broken framing closed sockets.
    expect(report.closes.length).toBeGreaterThan(CASES / 100);
    expect(answerCounts.get('error 400') ?? 0).toBeGreaterThan(CASES / 20);
    await expectHealthyAfter(room, report);
  }, 240_000);
});
