import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerCounts } from './support/fuzz-cases.js';
import { FuzzClient } from './support/fuzz-client.js';
import { databaseArguments, FUZZ_TABLE, FUZZ_TABLE_COLUMNS } from './support/fuzz-database-inputs.js';
import { expectHealthyAfter, fuzz, startFuzzRoom, type FuzzRoom } from './support/fuzz-harness.js';
import { FUZZ_SEED, scaled } from './support/fuzz-random.js';
import { mintToken } from './support/tokens.js';

/**
 * Database filters and identifiers: nested and/or/not past the limits, unknown operators and
 * columns, values of every type, SQL-looking strings as names and values. Every request gets a
 * result or a typed error, and another room's table with the same name never changes.
 */
const CASES = scaled(1_500);
const ROOM = 'fuzz-db';
const CANARY_ROOM = 'fuzz-db-canary';
/** Filters are where SQL is built, so they get most of the cases. */
const TOOLS = ['select', 'select', 'count', 'count', 'update', 'delete', 'insert', 'inspect', 'create_table', 'drop_table', 'list_tables'];
const json = (value: unknown) => ({ type: 'json', json: value });
const CANARY_ROWS = Array.from({ length: 5 }, (_, id) => ({ id, name: `canary ${id}`, n: id, ok: true, doc: { id }, at: null, u: null, order: "'; DROP TABLE fz; --" }));

let room: FuzzRoom;
let canary: FuzzClient;

beforeAll(async () => {
  room = await startFuzzRoom(ROOM);
  canary = await FuzzClient.join(`${room.server.url}/rooms/${CANARY_ROOM}`, await mintToken({ name: 'canary', room: CANARY_ROOM }));
  for (const client of [room.sender, canary]) {
    expect(await client.invoke('database', 'create_table', json({ name: FUZZ_TABLE, columns: FUZZ_TABLE_COLUMNS }), {}, 60_000)).toEqual(json({ created: true }));
  }
  expect(await canary.invoke('database', 'insert', json({ table: FUZZ_TABLE, rows: CANARY_ROWS }))).toEqual(json({ count: 5 }));
  const rows = Array.from({ length: 50 }, (_, id) => ({ id, name: id % 3 ? `n${id}` : null, n: id * 1.5, ok: id % 2 === 0, doc: id % 4 ? { id } : [id] }));
  expect(await room.sender.invoke('database', 'insert', json({ table: FUZZ_TABLE, rows }))).toEqual(json({ count: 50 }));
}, 90_000);

afterAll(async () => {
  canary?.ws.terminate();
  room?.bystander.ws.terminate();
  room?.sender.ws.terminate();
  await room?.server.close();
});

describe('fuzzing database filters and identifiers', () => {
  it(`answers ${CASES} generated requests with rows or typed errors, and never touches another room (seed ${FUZZ_SEED})`, async () => {
    answerCounts.clear();
    const report = await fuzz(room, {
      target: 'database',
      cases: CASES,
      connections: 2,
      window: 8,
      makeCase: (g) => {
        const tool = g.pick(TOOLS);
        return { kind: 'invoke', calls: [{ toolkit: 'database', tool, arguments: { type: 'json', json: databaseArguments(g, tool) } }] };
      },
    });
    console.log(`fuzz-database: ${report.cases} cases; answers ${JSON.stringify(Object.fromEntries(answerCounts))}`);
    expect(report.cases).toBe(CASES);
    expect(answerCounts.get('json') ?? 0, 'some requests reach the database and succeed').toBeGreaterThan(CASES / 20);

    // The other room's table of the same name is exactly as it was: no filter or name leaked out of its schema.
    const canaryRows = await canary.invoke('database', 'select', json({ table: FUZZ_TABLE, order_by: [{ column: 'id' }] }));
    expect(canaryRows).toMatchObject(json({ rows: CANARY_ROWS.map(({ id, name, order }) => ({ id, name, order })) }));
    expect(await canary.invoke('database', 'list_tables', json({}))).toEqual(json({ tables: [FUZZ_TABLE] }));
    // The queues, stored in the same database, still work.
    expect(await canary.invoke('queues', 'send', json({ name: 'after-fuzz', message: { ok: true } }))).toEqual({ type: 'empty' });
    expect(await canary.invoke('queues', 'receive', json({ name: 'after-fuzz' }))).toEqual(json({ ok: true }));
    canary.close();
    await expectHealthyAfter(room, report);
  }, 240_000);
});
