import { afterEach, describe, expect, it } from 'vitest';
import { RoomError, type RoomClient } from '@convene/client';
import type { RunningRoomServer } from '@convene/server';
import { conveneClient } from './support/convene.js';
import { startServer } from './support/server.js';
import { mintToken } from './support/tokens.js';
import { RoomClient as Client, nodeTransport } from '@convene/client/node';

let server: RunningRoomServer | undefined;
const clients: RoomClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.dispose();
  await server?.close();
  server = undefined;
});

async function join(name: string) {
  server ??= await startServer();
  const client = conveneClient({ url: server.url, room: 'r', name });
  clients.push(client);
  await client.start();
  return client;
}

const mathToolkit = (calls: unknown[] = []) => ({
  name: 'math',
  description: 'arithmetic',
  public: true,
  tools: {
    add: {
      description: 'adds two numbers',
      inputSchema: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] },
      handler: (input: { a: number; b: number }, context: { callerId: string | null }) => {
        calls.push({ input, caller: context.callerId });
        return { sum: input.a + input.b };
      },
    },
    never: { description: 'never answers', handler: () => new Promise(() => {}) },
    boom: { handler: () => { throw new Error('the tool broke'); } },
  },
});

describe('hosted toolkits', () => {
  it('lists a public toolkit and relays calls to its host, with the caller id', async () => {
    const host = await join('agent');
    const caller = await join('alice');
    const calls: unknown[] = [];
    await host.agents.startHostedToolkit(mathToolkit(calls));
    const listed = await caller.agents.listToolkits();
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ name: 'math', description: 'arithmetic', participantId: host.localParticipant.id, public: true });
    expect(listed[0]!.tools.map((t) => t.name).sort()).toEqual(['add', 'boom', 'never']);
    expect(listed[0]!.tools.find((t) => t.name === 'add')?.inputSchema).toMatchObject({ required: ['a', 'b'] });

    const result = await caller.agents.invokeTool({ toolkit: 'math', tool: 'add', arguments: { a: 2, b: 3 } });
    expect(result).toEqual({ type: 'json', json: { sum: 5 } });
    expect(calls).toEqual([{ input: { a: 2, b: 3 }, caller: caller.localParticipant.id }]);
  });

  it('refuses invalid input before the handler runs, and reports handler errors as typed errors', async () => {
    const host = await join('agent');
    const caller = await join('alice');
    const calls: unknown[] = [];
    await host.agents.startHostedToolkit(mathToolkit(calls));
    const invalid = await caller.agents.invokeTool({ toolkit: 'math', tool: 'add', arguments: { a: 'two' } }).catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(RoomError);
    expect((invalid as RoomError).code).toBe('bad_request');
    expect((invalid as Error).message).toMatch(/invalid input/);
    expect(calls).toEqual([]);
    const broken = await caller.agents.invokeTool({ toolkit: 'math', tool: 'boom', arguments: {} }).catch((e: unknown) => e);
    expect(broken).toMatchObject({ code: 'internal', message: 'the tool broke' });
    const unknown = await caller.agents.invokeTool({ toolkit: 'math', tool: 'nope', arguments: {} }).catch((e: unknown) => e);
    expect(unknown).toMatchObject({ code: 'not_found' });
  });

  it('fails a pending call with a typed error when the host disconnects mid-call', async () => {
    const host = await join('agent');
    const caller = await join('alice');
    await host.agents.startHostedToolkit(mathToolkit());
    const pending = caller.agents.invokeTool({ toolkit: 'math', tool: 'never', arguments: {} }).catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 50));
    host.dispose();
    const error = await pending;
    expect(error).toBeInstanceOf(RoomError);
    expect((error as RoomError).code).toBe('disconnected');
    expect(await caller.agents.listToolkits()).toEqual([]);
  });

  it('registers again after the host reconnects', async () => {
    const host = await join('agent');
    await host.agents.startHostedToolkit(mathToolkit());
    const port = server!.port;
    // `reconnected` fires once every restore step, the re-registration included, has finished.
    const reconnected = new Promise<void>((resolve) => host.on('reconnected', () => resolve()));
    await server!.close();
    server = await startServer({ port });
    await reconnected;
    const caller = await join('alice');
    expect((await caller.agents.listToolkits()).map((t) => t.name)).toEqual(['math']);
    expect(await caller.agents.invokeTool({ toolkit: 'math', tool: 'add', arguments: { a: 1, b: 1 } })).toEqual({ type: 'json', json: { sum: 2 } });
  });

  it('keeps private toolkits to their host, and stop() unregisters', async () => {
    const host = await join('agent');
    const caller = await join('alice');
    const hosted = await host.agents.startHostedToolkit({ ...mathToolkit(), public: false });
    expect(await caller.agents.listToolkits()).toEqual([]);
    expect(await caller.agents.invokeTool({ toolkit: 'math', tool: 'add', arguments: { a: 1, b: 1 } }).catch((e: unknown) => e)).toMatchObject({ code: 'not_found' });
    expect((await host.agents.listToolkits()).map((t) => t.name)).toEqual(['math']);
    expect(await host.agents.invokeTool({ toolkit: 'math', tool: 'add', arguments: { a: 1, b: 2 } })).toEqual({ type: 'json', json: { sum: 3 } });
    await hosted.stop();
    expect(await host.agents.listToolkits()).toEqual([]);
  });

  it('streams results from a hosted tool to a Convene caller (open, chunks, close), and as one array to a unary caller', async () => {
    const host = await join('agent');
    const caller = await join('alice');
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    await host.agents.startHostedToolkit({
      name: 'counter',
      public: true,
      tools: {
        count: {
          async *stream(_input: Record<string, unknown>) {
            for (let i = 1; i <= 3; i++) yield { i };
          },
        },
        hang: {
          async *stream() {
            yield { started: true };
            await gate;
          },
        },
      },
    });
    const stream = await caller.invokeStream({ toolkit: 'counter', tool: 'count' });
    const chunks: unknown[] = [];
    for await (const chunk of stream) chunks.push(chunk.type === 'json' ? chunk.json : chunk);
    expect(chunks).toEqual([{ i: 1 }, { i: 2 }, { i: 3 }]);
    expect(await caller.agents.invokeTool({ toolkit: 'counter', tool: 'count', arguments: {} })).toEqual({ type: 'json', json: [{ i: 1 }, { i: 2 }, { i: 3 }] });

    // The host leaves in the middle of a stream: the caller's stream ends with a typed error.
    const hanging = await caller.invokeStream({ toolkit: 'counter', tool: 'hang' });
    expect(await hanging.next()).toEqual({ type: 'json', json: { started: true } });
    const ended = hanging.next().catch((e: unknown) => e);
    host.dispose();
    expect(await ended).toMatchObject({ code: 'disconnected' });
    release();
  });

  it('enforces the agents grant for registering and calling', async () => {
    server = await startServer();
    const withToken = async (name: string, api: Record<string, unknown>) => {
      const jwt = await mintToken({ name, room: 'r', api });
      const client = new Client({ transport: nodeTransport(), authorization: async () => ({ url: `${server!.url}/rooms/r`, jwt }) });
      clients.push(client);
      await client.start();
      return client;
    };
    const noAgents = await withToken('eve', { messaging: {} });
    expect(await noAgents.agents.startHostedToolkit(mathToolkit()).catch((e: unknown) => e)).toMatchObject({ code: 'permission_denied' });
    const host = await join('agent');
    await host.agents.startHostedToolkit(mathToolkit());
    expect(await noAgents.agents.invokeTool({ toolkit: 'math', tool: 'add', arguments: { a: 1, b: 1 } }).catch((e: unknown) => e)).toMatchObject({ code: 'permission_denied' });
    const limited = await withToken('mallory', { agents: { allowed_toolkits: ['other'] } });
    expect(await limited.agents.invokeTool({ toolkit: 'math', tool: 'add', arguments: { a: 1, b: 1 } }).catch((e: unknown) => e)).toMatchObject({ code: 'permission_denied' });
    const noPublic = await withToken('trudy', { agents: { register_public_toolkit: false } });
    expect(await noPublic.agents.startHostedToolkit(mathToolkit()).catch((e: unknown) => e)).toMatchObject({ code: 'permission_denied' });
  });
});
