import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoomClient } from '@convene/client';
import type { ApiScope } from '@convene/protocol';
import type { RunningRoomServer } from '@convene/server';
import { catalogTools, coveredTools, describeRows, joinWith, type MatrixRow } from './support/authorization-matrix.js';
import { startServer } from './support/server.js';

/**
 * Authorization matrix: queues (`queues` API; `send` and `receive` name lists; `list`). The
 * give-back of an aborted receive is test/queues-grants.test.ts.
 */
const ROOM = 'matrix-queues';

let server: RunningRoomServer;
let admin: RoomClient;

beforeAll(async () => {
  server = await startServer({ database: { backend: 'pglite' } });
  admin = await joinWith(server, ROOM, 'admin', { queues: {} });
  await admin.queues.send('results', 'r1');
}, 120_000);
afterAll(async () => {
  console.info(`authorization matrix (queues): ${ROWS.length} rows, ${ROWS.reduce((n, row) => n + Object.keys(row.refused).length, 0)} refusals`);
  admin.dispose();
  await server.close();
});

/** Every queue of the room with its size: a consumed message or a created queue shows here. */
const state = () => admin.queues.list();
const size = (queues: unknown, name: string) => (queues as { name: string; size: number }[]).find((q) => q.name === name)?.size;

/** `jobs` holds exactly one message, "j1". */
async function oneJob(): Promise<void> {
  await admin.queues.drain('jobs').catch(() => {});
  await admin.queues.send('jobs', 'j1');
}

async function noQueue(name: string): Promise<void> {
  await admin.queues.close(name);
}

const queues = (scope: Record<string, unknown>): ApiScope => ({ queues: scope });
const NO_API = { 'no queues api': { messaging: {} }, 'queues: false': { queues: false } } as const;
const RECEIVER = queues({ receive: ['jobs'], send: [] });
const SENDER = queues({ send: ['jobs'], receive: [] });
/** Tokens that may not receive from `jobs`. */
const NO_RECEIVE = {
  ...NO_API,
  'send but not receive': SENDER,
  'receive on another queue': queues({ receive: ['results'], send: ['jobs'] }),
  'receive is not a list': queues({ receive: 'jobs' }),
};
/** Tokens that may not send to `jobs`. */
const NO_SEND = {
  ...NO_API,
  'receive but not send': RECEIVER,
  'send to another queue': queues({ send: ['results'] }),
  'send is not a list': queues({ send: 'jobs' }),
};
const invoke = (c: RoomClient, tool: string, json: Record<string, unknown>) => c.invoke({ toolkit: 'queues', tool, arguments: json });

const ROWS: MatrixRow[] = [
  {
    tool: 'queues.list',
    granted: queues({ list: true }),
    refused: { ...NO_API, 'list: false': queues({ list: false }), 'list: "yes" (not a boolean)': queues({ list: 'yes' }) },
    prepare: oneJob,
    attempt: (c) => c.queues.list(),
    state,
    succeeded: (result) => expect(size(result, 'jobs')).toBe(1),
    hidden: ['jobs', 'results'],
  },
  {
    tool: 'queues.open',
    granted: queues({ send: ['fresh'], receive: [] }),
    refused: { ...NO_API, 'neither send nor receive': queues({ send: [], receive: [] }), 'another queue': queues({ send: ['other'], receive: ['other'] }) },
    prepare: () => noQueue('fresh'),
    attempt: (c) => c.queues.open('fresh'),
    state,
    succeeded: (_result, before, after) => {
      expect(size(before, 'fresh')).toBeUndefined();
      expect(size(after, 'fresh')).toBe(0);
    },
  },
  {
    tool: 'queues.drain',
    granted: RECEIVER,
    refused: NO_RECEIVE,
    prepare: oneJob,
    attempt: (c) => c.queues.drain('jobs'),
    state,
    succeeded: (_result, _before, after) => expect(size(after, 'jobs')).toBe(0),
  },
  {
    tool: 'queues.close',
    granted: queues({ send: ['jobs'], receive: ['jobs'] }),
    refused: { ...NO_API, 'send only': SENDER, 'receive only': RECEIVER },
    prepare: oneJob,
    attempt: (c) => c.queues.close('jobs'),
    state,
    succeeded: (_result, _before, after) => expect(size(after, 'jobs')).toBeUndefined(),
  },
  {
    tool: 'queues.send',
    granted: SENDER,
    refused: NO_SEND,
    prepare: oneJob,
    attempt: (c) => c.queues.send('jobs', 'j2'),
    state,
    succeeded: (_result, _before, after) => expect(size(after, 'jobs')).toBe(2),
  },
  {
    tool: 'queues.send',
    label: 'creating the queue',
    granted: queues({ send: ['ghost'] }),
    refused: { ...NO_API, 'send to another queue': SENDER },
    prepare: () => noQueue('ghost'),
    attempt: (c) => c.queues.send('ghost', 'boo'),
    state,
    succeeded: (_result, _before, after) => expect(size(after, 'ghost')).toBe(1),
  },
  {
    tool: 'queues.send',
    label: 'to the front, with no delivery of its own to give back',
    granted: SENDER,
    refused: { ...NO_API, 'receive but not send': RECEIVER },
    prepare: oneJob,
    attempt: (c) => invoke(c, 'send', { name: 'jobs', message: 'cut-in', front: true, receive_id: 'never-delivered' }),
    state,
    succeeded: (_result, _before, after) => expect(size(after, 'jobs')).toBe(2),
  },
  {
    tool: 'queues.receive',
    granted: RECEIVER,
    refused: NO_RECEIVE,
    prepare: oneJob,
    attempt: (c) => c.queues.receive('jobs', { wait: false }),
    state,
    succeeded: (result, _before, after) => {
      expect(result).toBe('j1');
      expect(size(after, 'jobs')).toBe(0);
    },
    hidden: ['j1'],
  },
  {
    tool: 'queues.receive',
    label: 'waiting, creating the queue',
    granted: queues({ receive: ['ghost'] }),
    refused: { ...NO_API, 'receive on another queue': RECEIVER },
    prepare: () => noQueue('ghost'),
    // The granted call waits on the empty queue; a short timeout ends it once the queue exists.
    attempt: (c) => c.queues.receive('ghost', { wait: true, timeout: 300 }).catch((error: { name?: string; code?: string }) => {
      if (error.code === 'permission_denied') throw error;
      return `ended: ${error.code}`;
    }),
    state,
    succeeded: (result, _before, after) => {
      expect(result).toMatch(/^ended: /);
      expect(size(after, 'ghost')).toBe(0);
    },
  },
  {
    tool: 'queues.cancel_receive',
    granted: queues({ send: [], receive: [] }),
    refused: NO_API,
    prepare: oneJob,
    attempt: (c) => invoke(c, 'cancel_receive', { receive_id: 'nothing-waiting' }),
    state,
    succeeded: (result) => expect(result).toEqual({ type: 'json', json: { cancelled: false } }),
  },
];

describe('authorization matrix: queues', () => {
  it('has a row for every queues tool the running server offers', () => {
    expect(coveredTools(ROWS)).toEqual(catalogTools(server, 'queues'));
  });

  describeRows(ROWS, () => server, ROOM);

  it('lists only the queues a token may use', async () => {
    await oneJob();
    const narrow = await joinWith(server, ROOM, 'narrow', queues({ send: ['jobs'], receive: [] }));
    try {
      expect((await narrow.queues.list()).map((q) => q.name)).toEqual(['jobs']);
    } finally {
      narrow.dispose();
    }
  });
});
