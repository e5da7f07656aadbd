import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessageType, pack, type ApiScope } from '@convene/protocol';
import { caseFor } from './support/fuzz-arguments.js';
import { answerCounts } from './support/fuzz-cases.js';
import { FUZZ_TABLE, FUZZ_TABLE_COLUMNS } from './support/fuzz-database-inputs.js';
import { expectHealthyAfter, fuzz, startFuzzRoom, type FuzzRoom } from './support/fuzz-harness.js';
import { FUZZ_SEED, scaled } from './support/fuzz-random.js';
import { builtInOperations, MESSAGE_TYPE_FOLDERS, toolkitFolders } from './support/fuzz-toolkits.js';

/**
 * Tool arguments for every built-in operation (messaging, storage, sync, database, queues): each
 * input gets an answer, an error is typed (never `internal`), streams always end, the bystander
 * keeps receiving messages, and the room is released once everyone left. Reproduce a failure with
 * FUZZ_SEED=<seed>; scale with FUZZ_SCALE (default counts fit the `npm test` budget).
 */
const CASES = scaled(3_000);
const ROOM = 'fuzz-tools';
const operations = builtInOperations();

/** Some connections hold narrow grants, so the permission paths are fuzzed too. */
const NARROW: ApiScope = {
  messaging: { broadcast: false, list: true, send: false },
  storage: { paths: [{ path: 'docs/', read_only: true }] },
  sync: { paths: [{ path: 'a.doc', read_only: true }] },
  dataset: { tables: [{ name: FUZZ_TABLE, read: true, write: false, alter: false }], list_tables: false },
  queues: { send: ['jobs'], receive: [], list: false },
};

let room: FuzzRoom;

beforeAll(async () => {
  room = await startFuzzRoom(ROOM);
  // A table and a queue to aim at, so inputs reach SQL instead of stopping at "not found".
  const created = await room.sender.invoke('database', 'create_table', { type: 'json', json: { name: FUZZ_TABLE, columns: FUZZ_TABLE_COLUMNS } }, {}, 60_000);
  expect(created).toEqual({ type: 'json', json: { created: true } });
  const rows = Array.from({ length: 20 }, (_, id) => ({ id, name: `row ${id}`, n: id / 2, ok: id % 2 === 0, doc: { id }, order: 'x' }));
  expect(await room.sender.invoke('database', 'insert', { type: 'json', json: { table: FUZZ_TABLE, rows } })).toEqual({ type: 'json', json: { count: 20 } });
  expect(await room.sender.invoke('queues', 'send', { type: 'json', json: { name: 'jobs', message: { n: 1 } } })).toEqual({ type: 'empty' });
}, 60_000);

afterAll(async () => {
  room?.bystander.ws.terminate();
  room?.sender.ws.terminate();
  await room?.server.close();
});

describe('fuzzing every built-in tool', () => {
  it('covers every toolkit of the server', async () => {
    const toolkits = [...new Set(operations.map((op) => op.toolkit))];
    // A new folder under packages/server/src/toolkits fails here until the fuzz knows it.
    expect(toolkitFolders()).toEqual([...toolkits, ...MESSAGE_TYPE_FOLDERS].sort());
    // The server itself confirms each one is built in: nobody may host a toolkit of that name.
    for (const name of toolkits) {
      const answer = await room.sender.answer(room.sender.send(MessageType.RegisterToolkit, pack({ name, tools: {} })));
      expect(answer, name).toMatchObject({ type: 'error', code: 400, text: `"${name}" is a built-in toolkit of the room` });
    }
    expect(operations.length).toBeGreaterThanOrEqual(27);
  });

  it(`answers ${CASES} generated tool calls with results or typed errors (seed ${FUZZ_SEED})`, async () => {
    answerCounts.clear();
    const perOperation = new Map<string, number>();
    const report = await fuzz(room, {
      target: 'tools',
      cases: CASES,
      connections: 3,
      grants: (n) => (n % 5 === 4 ? NARROW : n % 11 === 10 ? {} : undefined),
      makeCase: (g, index, self) => {
        const op = operations[index % operations.length]!;
        const name = `${op.toolkit}.${op.tool}`;
        perOperation.set(name, (perOperation.get(name) ?? 0) + 1);
        return caseFor(g, op, { self, bystander: room.bystander.participantId });
      },
    });
    console.log(`fuzz-tools: ${report.cases} cases on ${report.connections} connections; per operation: ${[...perOperation].map(([k, v]) => `${k}=${v}`).join(' ')}`);
    console.log(`fuzz-tools: answers ${JSON.stringify(Object.fromEntries(answerCounts))}; closes ${report.closes.length}`);
    expect(report.cases).toBe(CASES);
    for (const op of operations) expect(perOperation.get(`${op.toolkit}.${op.tool}`), `${op.toolkit}.${op.tool}`).toBeGreaterThan(0);
    // The inputs reach past validation: some succeed.
    expect((answerCounts.get('json') ?? 0) + (answerCounts.get('empty') ?? 0)).toBeGreaterThan(CASES / 20);
    await expectHealthyAfter(room, report);
  }, 240_000);
});
