import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoomClient } from '@convene/client';
import { MessageType, type ApiScope } from '@convene/protocol';
import type { RunningRoomServer } from '@convene/server';
import { coveredTools, describeRows, joinWith, type MatrixRow } from './support/authorization-matrix.js';
import { RawClient } from './support/raw-client.js';
import { startServer } from './support/server.js';
import { mintToken } from './support/tokens.js';

/**
 * Authorization matrix: agents (`agents` API: registering public and private toolkits, listing,
 * calling hosted toolkits unary and streamed, `allowed_toolkits`). Hosted toolkits are not in the
 * server's catalog, so this file's rows are the room messages that reach them.
 */
const ROOM = 'matrix-agents';

let server: RunningRoomServer;
let admin: RoomClient;
let host: RoomClient;
/** Calls the permanent host's `calc` toolkit has run: a refused call must not add one. */
const calls: string[] = [];
/** The server's id of the `calc` registration. */
let calcId: string | null = null;

beforeAll(async () => {
  server = await startServer();
  admin = await joinWith(server, ROOM, 'admin', { agents: {} });
  host = await joinWith(server, ROOM, 'host', { agents: {} });
  const calc = await host.agents.startHostedToolkit({
    name: 'calc',
    public: true,
    tools: {
      add: {
        handler: (input: { a: number; b: number }) => {
          calls.push('add');
          return { sum: input.a + input.b };
        },
      },
      count: {
        async *stream() {
          calls.push('count');
          for (let i = 1; i <= 2; i++) yield { i };
        },
      },
    },
  });
  calcId = calc.id;
});
afterAll(async () => {
  console.info(`authorization matrix (agents): ${ROWS.length} rows, ${ROWS.reduce((n, row) => n + Object.keys(row.refused).length, 0)} refusals`);
  admin.dispose();
  host.dispose();
  await server.close();
});

/** The public toolkits the admin can list, by name. */
const listed = async () => (await admin.agents.listToolkits()).map((t) => t.name).sort();

/** Toolkits visible to `client` itself (its private ones included), read from the room. */
function visibleTo(client: RoomClient): string[] {
  const room = server.core.room(ROOM)!;
  const participant = room.participant(client.localParticipant.id!)!;
  return Object.keys(room.agents.toolkits.describe(participant, {})['tools'] as object).sort();
}

/** A previous case's host may still be leaving: wait until its `math` toolkit is gone. */
async function noMath(): Promise<void> {
  await expect.poll(listed).not.toContain('math');
}

const math = (isPublic: boolean) => ({ name: 'math', public: isPublic, tools: { noop: { handler: () => ({}) } } });
const agents = (scope: Record<string, unknown>): ApiScope => ({ agents: scope });
const NO_API: Record<string, ApiScope> = { 'no agents api': { messaging: {} }, 'agents: false': { agents: false } };
/** Tokens that may not call `calc`. */
const NO_CALL = {
  ...NO_API,
  'use_tools: false': agents({ use_tools: false }),
  'call: false': agents({ call: false }),
  'allowed_toolkits without it': agents({ allowed_toolkits: ['other'] }),
  'allowed_toolkits empty': agents({ allowed_toolkits: [] }),
};
const CALLER = agents({ allowed_toolkits: ['calc'], register_public_toolkit: false, register_private_toolkit: false });

const ROWS: MatrixRow[] = [
  {
    tool: MessageType.RegisterToolkit,
    label: 'public',
    granted: agents({ register_private_toolkit: false }),
    refused: { ...NO_API, 'register_public_toolkit: false': agents({ register_public_toolkit: false }) },
    prepare: noMath,
    attempt: (c) => c.agents.startHostedToolkit(math(true)),
    state: async (c) => ({ listed: await listed(), own: visibleTo(c) }),
    succeeded: (_result, _before, after) => expect(after).toMatchObject({ listed: ['calc', 'math'], own: ['calc', 'math'] }),
  },
  {
    tool: MessageType.RegisterToolkit,
    label: 'private',
    granted: agents({ register_public_toolkit: false }),
    refused: { ...NO_API, 'register_private_toolkit: false': agents({ register_private_toolkit: false }) },
    prepare: noMath,
    attempt: (c) => c.agents.startHostedToolkit(math(false)),
    state: async (c) => ({ listed: await listed(), own: visibleTo(c) }),
    succeeded: (_result, _before, after) => expect(after).toEqual({ listed: ['calc'], own: ['calc', 'math'] }),
  },
  {
    tool: MessageType.ListToolkits,
    granted: agents({ call: false, register_public_toolkit: false, register_private_toolkit: false }),
    refused: { ...NO_API, 'use_tools: false': agents({ use_tools: false }) },
    prepare: noMath,
    attempt: (c) => c.agents.listToolkits(),
    state: listed,
    succeeded: (result) => expect((result as { name: string }[]).map((t) => t.name)).toEqual(['calc']),
    hidden: ['calc'],
  },
  {
    tool: MessageType.InvokeTool,
    label: 'a hosted toolkit, unary',
    granted: CALLER,
    refused: NO_CALL,
    attempt: (c) => c.agents.invokeTool({ toolkit: 'calc', tool: 'add', arguments: { a: 2, b: 3 } }),
    state: async () => [...calls],
    succeeded: (result, before, after) => {
      expect(result).toEqual({ type: 'json', json: { sum: 5 } });
      expect(after).toEqual([...(before as string[]), 'add']);
    },
  },
  {
    tool: MessageType.InvokeTool,
    label: 'a hosted toolkit, streamed',
    granted: CALLER,
    refused: NO_CALL,
    attempt: async (c) => {
      const chunks: unknown[] = [];
      for await (const chunk of await c.invokeStream({ toolkit: 'calc', tool: 'count' })) chunks.push(chunk);
      return chunks;
    },
    state: async () => [...calls],
    succeeded: (result, before, after) => {
      expect(result).toEqual([{ type: 'json', json: { i: 1 } }, { type: 'json', json: { i: 2 } }]);
      expect(after).toEqual([...(before as string[]), 'count']);
    },
  },
];

describe('authorization matrix: agents', () => {
  it('has rows for every room message that reaches hosted toolkits under a grant', () => {
    expect(coveredTools(ROWS)).toEqual([MessageType.InvokeTool, MessageType.ListToolkits, MessageType.RegisterToolkit].sort());
  });

  describeRows(ROWS, () => server, ROOM, 'registering, revealing and calling nothing');

  it('lists only the toolkits allowed_toolkits names, and the token\'s own', async () => {
    const limited = await joinWith(server, ROOM, 'limited', agents({ allowed_toolkits: ['other'] }));
    const allowed = await joinWith(server, ROOM, 'allowed', agents({ allowed_toolkits: ['calc'] }));
    try {
      await limited.agents.startHostedToolkit({ name: 'mine', public: false, tools: { noop: { handler: () => ({}) } } });
      expect((await limited.agents.listToolkits()).map((t) => t.name)).toEqual(['mine']);
      expect((await allowed.agents.listToolkits()).map((t) => t.name)).toEqual(['calc']);
    } finally {
      limited.dispose();
      allowed.dispose();
    }
  });

  it('lets nobody unregister a toolkit another participant hosts, even knowing its id', async () => {
    const raw = await RawClient.join(`${server.url}/rooms/${ROOM}`, await mintToken({ name: 'thief', room: ROOM, api: { agents: {} } }));
    try {
      expect(calcId).toEqual(expect.any(String));
      expect(await raw.request(MessageType.UnregisterToolkit, { id: calcId })).toMatchObject({ type: 'error', code: 404 });
      expect(await listed()).toEqual(['calc']);
      expect(await raw.invoke('calc', 'add', { a: 1, b: 1 })).toEqual({ type: 'json', json: { sum: 2 } });
    } finally {
      raw.close();
    }
  });
});
