import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoomClient } from '@convene/client';
import type { ApiScope } from '@convene/protocol';
import type { RunningRoomServer } from '@convene/server';
import { catalogTools, coveredTools, describeRows, type MatrixRow } from './support/authorization-matrix.js';
import { RawClient } from './support/raw-client.js';
import { startServer } from './support/server.js';
import { mintToken } from './support/tokens.js';

/**
 * Authorization matrix: messaging (`messaging` API; its `send` and `broadcast` switches). The
 * observer is a raw peer with messaging on: what it receives is what a refusal must not change.
 */
const ROOM = 'matrix-messaging';
const NOTE = 'matrix-note';

let server: RunningRoomServer;
let observer: RawClient;

beforeAll(async () => {
  server = await startServer();
  observer = await RawClient.join(`${server.url}/rooms/${ROOM}`, await mintToken({ name: 'observer', room: ROOM, api: { messaging: {} } }));
  expect(await observer.invoke('messaging', 'enable', {})).toEqual({ type: 'empty' });
});
afterAll(async () => {
  console.info(`authorization matrix (messaging): ${ROWS.length} rows, ${ROWS.reduce((n, row) => n + Object.keys(row.refused).length, 0)} refusals`);
  observer.close();
  await server.close();
});

/**
 * What the observer has received. The server pushes to it before it answers the attempt, and the
 * barrier is a round trip on the observer's own socket, so everything pushed has arrived.
 */
interface Seen {
  enabled: number;
  disabled: number;
  notes: unknown[];
}

async function seen(): Promise<Seen> {
  await observer.barrier();
  return {
    enabled: observer.messagesOfType('participant.enabled').length,
    disabled: observer.messagesOfType('participant.disabled').length,
    notes: observer.messagesOfType(NOTE).map((m) => (m.header as { message: unknown }).message),
  };
}

const call = (c: RoomClient, tool: string, json: Record<string, unknown> = {}) => c.invoke({ toolkit: 'messaging', tool, arguments: json });
/** Turns messaging on if the token allows it; a refusal here is not what the row is about. */
const enableIfAllowed = (c: RoomClient) => call(c, 'enable').catch(() => undefined);

// `messaging: false` is not a MessagingScope, but a token can carry anything: the server must refuse it.
const NO_API: Record<string, ApiScope> = { 'no messaging api': { storage: {} }, 'messaging: false': { messaging: false } as unknown as ApiScope };

const ROWS: MatrixRow[] = [
  {
    tool: 'messaging.enable',
    granted: { messaging: { send: false, broadcast: false } },
    refused: NO_API,
    attempt: (c) => call(c, 'enable'),
    state: seen,
    succeeded: (_result, before, after) => expect((after as Seen).enabled).toBe((before as Seen).enabled + 1),
  },
  {
    tool: 'messaging.disable',
    granted: { messaging: { send: false, broadcast: false } },
    refused: NO_API,
    attempt: async (c) => {
      await enableIfAllowed(c);
      return call(c, 'disable');
    },
    state: seen,
    succeeded: (_result, before, after) => expect((after as Seen).disabled).toBe((before as Seen).disabled + 1),
  },
  {
    tool: 'messaging.send',
    granted: { messaging: { broadcast: false } },
    refused: { ...NO_API, 'send: false': { messaging: { send: false } } },
    attempt: async (c) => {
      await enableIfAllowed(c);
      return call(c, 'send', { to_participant_id: observer.participantId, type: NOTE, message_json: '{"via":"send"}' });
    },
    // Only the deliveries: the enable before the send is not what this row is about.
    state: async () => (await seen()).notes,
    succeeded: (_result, before, after) => expect(after).toEqual([...(before as unknown[]), { via: 'send' }]),
  },
  {
    tool: 'messaging.broadcast',
    granted: { messaging: { send: false } },
    refused: { ...NO_API, 'broadcast: false': { messaging: { broadcast: false } } },
    attempt: async (c) => {
      await enableIfAllowed(c);
      return call(c, 'broadcast', { type: NOTE, message_json: '{"via":"broadcast"}' });
    },
    state: async () => (await seen()).notes,
    succeeded: (_result, before, after) => expect(after).toEqual([...(before as unknown[]), { via: 'broadcast' }]),
  },
];

describe('authorization matrix: messaging', () => {
  it('has a row for every messaging tool the running server offers', () => {
    expect(coveredTools(ROWS)).toEqual(catalogTools(server, 'messaging'));
  });

  describeRows(ROWS, () => server, ROOM, 'delivering and changing nothing');

  it('never shows a participant without the messaging api to the others', async () => {
    const before = (await seen()).enabled;
    const raw = await RawClient.join(`${server.url}/rooms/${ROOM}`, await mintToken({ name: 'silent', room: ROOM, api: { storage: {} } }));
    try {
      expect(await raw.invoke('messaging', 'enable', {})).toMatchObject({ type: 'error', code: 403 });
      expect(raw.messagesOfType('messaging.enabled')).toEqual([]);
      expect((await seen()).enabled).toBe(before);
    } finally {
      raw.close();
    }
  });
});
