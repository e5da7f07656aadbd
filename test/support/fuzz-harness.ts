import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { pack, type ApiScope } from '@convene/protocol';
import type { CreateRoomServerOptions, Logger, RunningRoomServer } from '@convene/server';
import { FuzzClient, type Closed } from './fuzz-client.js';
import { describeFailure, INPUT_CLOSE_CODES, runCase, type CorpusEntry, type FuzzCase } from './fuzz-cases.js';
import { FuzzRandom, FUZZ_SEED } from './fuzz-random.js';
import { startServer } from './server.js';
import { mintToken } from './tokens.js';

/** A logger that keeps the server's error lines: a handler that threw on input is a bug. */
export function errorCollector(): { logger: Logger; errors: string[] } {
  const errors: string[] = [];
  const noop = (): void => {};
  return { errors, logger: { debug: noop, info: noop, warn: noop, error: (message, fields) => void errors.push(`${message} ${JSON.stringify(fields ?? {})}`) } };
}

/**
 * Limits for fuzzing: the rate limit is raised so that inputs reach the handlers (the rate limiter
 * has its own tests); everything else stays at its default.
 */
export const FUZZ_LIMITS = { messagesPerSecond: 1_000_000, messageBurst: 1_000_000 };

export interface FuzzRoom {
  server: RunningRoomServer;
  room: string;
  url: string;
  /** Receives a direct message after every fuzzed connection; must get every one, in order. */
  bystander: FuzzClient;
  /** Sends those messages. */
  sender: FuzzClient;
  ticks: number[];
  errors: string[];
  sent: number;
}

/** A server (collecting error logs) and a room with a bystander who keeps receiving messages. */
export async function startFuzzRoom(room: string, options: Partial<CreateRoomServerOptions> = {}): Promise<FuzzRoom> {
  const { logger, errors } = errorCollector();
  const server = await startServer({ logger, limits: FUZZ_LIMITS, ...options });
  const url = `${server.url}/rooms/${room}`;
  const ticks: number[] = [];
  const bystander = await FuzzClient.join(url, await mintToken({ name: 'bystander', room }), (type, header) => {
    const h = header as { type?: string; message?: { tick?: number } };
    if (type === 'messaging.send' && h.type === 'tick') ticks.push(h.message?.tick ?? -1);
  });
  const sender = await FuzzClient.join(url, await mintToken({ name: 'sender', room }));
  expect(await bystander.invoke('messaging', 'enable', { type: 'json', json: {} })).toEqual({ type: 'empty' });
  expect(await sender.invoke('messaging', 'enable', { type: 'json', json: {} })).toEqual({ type: 'empty' });
  return { server, room, url, bystander, sender, ticks, errors, sent: 0 };
}

/** One direct message from the sender to the bystander, acknowledged. */
export async function tick(room: FuzzRoom): Promise<void> {
  const n = room.sent++;
  const answer = await room.sender.invoke('messaging', 'send', {
    type: 'json',
    json: { type: 'tick', message_json: JSON.stringify({ tick: n }), to_participant_id: room.bystander.participantId },
  });
  expect(answer, `tick ${n} was not acknowledged`).toEqual({ type: 'empty' });
}

const CORPUS_DIR = join(dirname(fileURLToPath(import.meta.url)), '../fuzz-corpus');

/**
 * With FUZZ_SAVE=1 a failing case is written to test/fuzz-corpus (replayed by fuzz-corpus.test.ts
 * from then on); edit its `note` to say what the bug was once it is fixed.
 */
function saveToCorpus(target: string, index: number, fuzzCase: FuzzCase, problems: readonly string[]): void {
  if (!process.env['FUZZ_SAVE']) return;
  const name = `found-${target}-${FUZZ_SEED}-${index}`;
  const entry: CorpusEntry = { name, note: `Found by the fuzz: ${problems.join('; ').slice(0, 300)}`, target, seed: FUZZ_SEED, index, case: fuzzCase };
  writeFileSync(join(CORPUS_DIR, `${name}.json`), `${JSON.stringify(entry, null, 2)}\n`);
}

export interface FuzzRun {
  target: string;
  cases: number;
  /** Cases per connection; a fresh connection (and token) after that many. */
  perConnection?: number;
  /** Cases in flight at once on one connection. */
  window?: number;
  /** Connections fuzzing at once. */
  connections?: number;
  /** The token's `api` grant for connection `n` (default: everything). */
  grants?: (n: number) => ApiScope | undefined;
  makeCase(g: FuzzRandom, index: number, self: string): FuzzCase;
}

export interface FuzzReport {
  cases: number;
  failures: string[];
  closes: Closed[];
  connections: number;
}

/** Runs `run.cases` generated cases against the room and returns what went wrong. */
export async function fuzz(room: FuzzRoom, run: FuzzRun): Promise<FuzzReport> {
  const perConnection = run.perConnection ?? 250;
  const window = run.window ?? 16;
  const report: FuzzReport = { cases: 0, failures: [], closes: [], connections: 0 };
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < run.cases) {
      const n = report.connections++;
      const api = run.grants?.(n);
      const client = await FuzzClient.join(room.url, await mintToken({ name: `fuzz-${n % 23}`, room: room.room, ...(api ? { api } : {}) }));
      let used = 0;
      // The first case that saw the socket closed (with a window, the culprit is one of those in flight).
      let closedBy: { index: number; fuzzCase: FuzzCase } | undefined;
      const lanes = Array.from({ length: window }, async () => {
        while (used < perConnection && next < run.cases && !client.isClosed) {
          used++;
          const index = next++;
          const fuzzCase = run.makeCase(FuzzRandom.forCase(FUZZ_SEED, index), index, client.participantId);
          const problems = await runCase(client, fuzzCase);
          report.cases++;
          if (problems.length > 0) {
            report.failures.push(describeFailure(run.target, FUZZ_SEED, index, fuzzCase, problems));
            saveToCorpus(run.target, index, fuzzCase, problems);
          }
          if (client.isClosed) closedBy ??= { index, fuzzCase };
        }
      });
      await Promise.all(lanes);
      if (closedBy) {
        const closed = await client.closed;
        report.closes.push(closed);
        if (!INPUT_CLOSE_CODES.includes(closed.code) || (closed.code !== 1009 && closed.reason === '')) {
          const problem = [`connection closed ${closed.code} "${closed.reason}"`];
          report.failures.push(describeFailure(run.target, FUZZ_SEED, closedBy.index, closedBy.fuzzCase, problem));
          saveToCorpus(run.target, closedBy.index, closedBy.fuzzCase, problem);
        }
      }
      client.ws.terminate();
      await client.closed;
      await tick(room);
    }
  };
  await Promise.all(Array.from({ length: run.connections ?? 2 }, worker));
  return report;
}

/**
 * The end-of-run checks every fuzz test makes: no failures, no handler errors in the log, the
 * bystander got every message in order, and once everyone left, no room or connection remains.
 */
export async function expectHealthyAfter(room: FuzzRoom, report: FuzzReport): Promise<void> {
  // The server's own error lines first: they name the exception behind a failing case.
  expect(room.errors.slice(0, 10), 'server error log').toEqual([]);
  expect(report.failures.slice(0, 10), `${report.failures.length} failing cases (replay with FUZZ_SEED=${FUZZ_SEED})`).toEqual([]);
  await tick(room);
  await expect.poll(() => room.ticks.length, { timeout: 10_000 }).toBe(room.sent);
  expect(room.ticks).toEqual(Array.from({ length: room.sent }, (_, i) => i));
  // The barrier is still answered: the bystander's own connection is alive.
  expect((await room.bystander.answer(room.bystander.send('convene.fuzz.barrier', pack({}))))?.type).toBe('error');
  room.bystander.close();
  room.sender.close();
  await expect.poll(() => room.server.core.connectionCount, { timeout: 10_000 }).toBe(0);
  await expect.poll(() => room.server.core.roomCount, { timeout: 10_000 }).toBe(0);
}
