import { afterEach, describe, expect, it } from 'vitest';
import type { RoomClient } from '@convene/client';
import type { RunningRoomServer } from '@convene/server';
import type * as Mesh from '@meshagent/meshagent';
import { conveneClient } from './support/convene.js';
import { joinMeshAgent, mesh } from './support/meshagent.js';
import { SECRET, startServer } from './support/server.js';

/** Hosted toolkits across SDKs: the official 0.39.9 client hosts and calls, and so do we. */
let server: RunningRoomServer | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  await server?.close();
  server = undefined;
});

class Greet extends mesh.Tool {
  constructor() {
    super({ name: 'greet', title: 'Greet', description: 'says hello', inputSchema: { type: 'object', properties: { who: { type: 'string' } }, required: ['who'] } });
  }
  async execute(args: Record<string, unknown>): Promise<Mesh.Content> {
    return new mesh.JsonContent({ json: { greeting: `hello ${String(args['who'])}` } });
  }
}

async function setup(): Promise<{ official: Mesh.RoomClient; convene: RoomClient }> {
  server = await startServer();
  const official = await joinMeshAgent({ url: server.url, room: 'r', name: 'official', secret: SECRET, role: 'agent' });
  cleanups.push(() => official.dispose());
  const convene = conveneClient({ url: server.url, room: 'r', name: 'convene' });
  cleanups.push(() => convene.dispose());
  await convene.start();
  return { official, convene };
}

describe('MeshAgent 0.39.9 hosted toolkits', () => {
  it('a Convene client lists and calls a toolkit hosted by the official client', async () => {
    const { official, convene } = await setup();
    const hosted = await mesh.startHostedToolkit({ room: official, toolkit: new mesh.Toolkit({ name: 'greeter', tools: [new Greet()] }), public_: true });
    cleanups.push(() => void hosted.stop().catch(() => {}));
    const [toolkit] = await convene.agents.listToolkits();
    expect(toolkit).toMatchObject({ name: 'greeter', participantId: official.localParticipant!.id });
    expect(toolkit!.tools[0]).toMatchObject({ name: 'greet', description: 'says hello', inputSchema: { required: ['who'] } });
    const result = await convene.agents.invokeTool({ toolkit: 'greeter', tool: 'greet', arguments: { who: 'convene' } });
    expect(result).toEqual({ type: 'json', json: { greeting: 'hello convene' } });
  });

  it('the official client lists and calls a toolkit hosted by a Convene client', async () => {
    const { official, convene } = await setup();
    await convene.agents.startHostedToolkit({
      name: 'calc',
      public: true,
      tools: {
        double: {
          description: 'doubles n',
          inputSchema: { type: 'object', properties: { n: { type: 'number' } }, required: ['n'] },
          handler: ({ n }: { n: number }) => ({ result: n * 2 }),
        },
      },
    });
    const toolkits = await official.agents.listToolkits();
    expect(toolkits.map((t) => t.name)).toEqual(['calc']);
    expect(toolkits[0]!.getTool('double')?.description).toBe('doubles n');
    const result = await official.agents.invokeTool({ toolkit: 'calc', tool: 'double', arguments: { n: 21 } });
    expect(result).toBeInstanceOf(mesh.JsonContent);
    expect((result as Mesh.JsonContent).json).toEqual({ result: 42 });
    const refused = await official.agents.invokeTool({ toolkit: 'calc', tool: 'double', arguments: { n: 'x' } }).catch((e: unknown) => e);
    expect(String((refused as Error).message)).toMatch(/invalid input/);
  });
});
