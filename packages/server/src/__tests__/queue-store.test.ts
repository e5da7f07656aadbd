import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoomError } from '@convene/protocol';
import { PgliteDatabase } from '../database/pglite-database.js';
import { QueueStore } from '../toolkits/queues/queue-store.js';

/** The SQL of durable queues on embedded PostgreSQL (one engine for the file: it starts in seconds). */
describe('QueueStore on PGlite', () => {
  const database = new PgliteDatabase();
  const store = new QueueStore(database);
  const back = { at: 'back' } as const;

  beforeAll(() => store.open('r', 'warmup'), 60_000);
  afterAll(() => database.close());

  const drainAll = async (room: string, name: string): Promise<unknown[]> => {
    const out: unknown[] = [];
    for (let taken = await store.take(room, name); taken !== null; taken = await store.take(room, name)) out.push(taken.message);
    return out;
  };

  it('keeps its tables in a schema no room can name', async () => {
    const { rows } = await database.query(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'convene_internal' ORDER BY table_name",
    );
    expect(rows.map((row) => row['table_name'])).toEqual(['queue_messages', 'queues']);
  });

  it('is FIFO per queue and separate per room and queue', async () => {
    for (const n of [1, 2, 3]) await store.send('r', 'a', JSON.stringify({ n }), true, back);
    await store.send('r', 'b', '"other queue"', true, back);
    await store.send('r2', 'a', '"other room"', true, back);
    expect(await drainAll('r', 'a')).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(await drainAll('r', 'b')).toEqual(['other queue']);
    expect(await drainAll('r2', 'a')).toEqual(['other room']);
  });

  it('keeps JSON text as sent (key order, escapes, unicode)', async () => {
    const message = { z: 1, a: 'x\u0000y', '\u00e9': ['\ud83d\ude00', null, 1.5e300] };
    await store.send('r', 'json', JSON.stringify(message), true, back);
    const taken = await store.take('r', 'json');
    expect(taken?.message).toEqual(message);
    expect(Object.keys(taken?.message as object)).toEqual(['z', 'a', '\u00e9']);
  });

  it('hands each message to exactly one of many concurrent takers', async () => {
    for (let n = 0; n < 50; n++) await store.send('r', 'busy', String(n), true, back);
    const results = await Promise.all(Array.from({ length: 60 }, () => store.take('r', 'busy')));
    const got = results.filter((result) => result !== null).map((result) => result!.message as number);
    expect(got.sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, n) => n));
  });

  it('puts messages at the front, or back exactly where they were taken', async () => {
    for (const m of ['m1', 'm2', 'm3', 'm4']) await store.send('r', 'front', JSON.stringify(m), true, back);
    const first = (await store.take('r', 'front'))!;
    const second = (await store.take('r', 'front'))!;
    // Given back out of order, they still come out in their original order.
    await store.send('r', 'front', JSON.stringify(second.message), false, { at: 'seq', seq: second.seq });
    await store.send('r', 'front', JSON.stringify(first.message), false, { at: 'seq', seq: first.seq });
    await store.send('r', 'front', '"urgent"', false, { at: 'front' });
    expect(await drainAll('r', 'front')).toEqual(['urgent', 'm1', 'm2', 'm3', 'm4']);
    await store.send('r', 'front', '"alone"', false, { at: 'front' });
    await store.send('r', 'front', '"next"', false, back);
    expect(await drainAll('r', 'front')).toEqual(['alone', 'next']);
  });

  it('refuses a send to a missing queue without create, and close cascades', async () => {
    await expect(store.send('r', 'missing', '1', false, back)).rejects.toMatchObject({ code: 'not_found' });
    await expect(store.send('r', 'missing', '1', false, back)).rejects.toBeInstanceOf(RoomError);
    expect(await store.exists('r', 'missing')).toBe(false);
    await store.send('r', 'gone', '1', true, back);
    expect(await store.list('r')).toContainEqual({ name: 'gone', size: 1 });
    expect(await store.close('r', 'gone')).toBe(true);
    expect(await store.close('r', 'gone')).toBe(false);
    expect((await store.list('r')).map((q) => q.name)).not.toContain('gone');
    const { rows } = await database.query("SELECT count(*)::int AS n FROM convene_internal.queue_messages WHERE room = 'r' AND queue = 'gone'");
    expect(rows[0]!['n']).toBe(0);
    expect(await store.drain('r', 'gone')).toBe(false);
  });

  it('maps data the database refuses to bad_request', async () => {
    await expect(store.send('r', 'bad', '{"a": \\u', true, back)).rejects.toMatchObject({ code: 'bad_request' });
  });
});
