import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RemoteParticipant, RoomClient, RoomMessage } from '@convene/client';
import type { RunningRoomServer } from '@convene/server';
import { DemoAgent } from '../packages/demo/src/agent/demo-agent.js';
import { warmUpDatabase } from '../packages/demo/src/server/warm-up-database.js';
import { NOTES_INITIAL_JSON, NOTES_PATH, NOTES_SCHEMA, ensureNotesText } from '../packages/demo/src/shared/notes-document.js';
import type { TodoRow } from '../packages/demo/src/shared/todos-table.js';
import { conveneClient } from './support/convene.js';
import { SECRET, startServer } from './support/server.js';
import { until } from './support/sync-fixtures.js';

// The Helper agent against a real room server (PGlite in memory for its `todos` table).
let server: RunningRoomServer;
const cleanups: (() => void)[] = [];

beforeAll(async () => {
  server = await startServer({ database: { backend: 'pglite' } });
  // Start the embedded database now (seconds), not inside the first test's reply; the demo
  // server does the same before printing its URL.
  expect(await warmUpDatabase(server.url, SECRET)).toBe(true);
});
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});
afterAll(async () => {
  await server?.close();
});

/** A room of its own per test, with the Helper in it. */
async function roomWithHelper(): Promise<{ room: string; agent: DemoAgent }> {
  const room = `agent-${randomUUID().slice(0, 8)}`;
  const agent = new DemoAgent({ url: server.url, room, secret: SECRET });
  cleanups.push(() => agent.stop());
  await agent.start();
  return { room, agent };
}

async function join(room: string, name: string): Promise<RoomClient> {
  const client = conveneClient({ url: server.url, room, name });
  cleanups.push(() => client.dispose());
  await client.start();
  await client.messaging.enable();
  return client;
}

const helperOf = (client: RoomClient) => until(() => client.messaging.getParticipantByName('Helper'), (p) => p !== undefined) as Promise<RemoteParticipant>;

/** Chat messages from `from` as `client` receives them. */
function chatFrom(client: RoomClient, from: () => string | undefined): RoomMessage[] {
  const seen: RoomMessage[] = [];
  cleanups.push(client.messaging.on('message', (m) => m.type === 'chat' && m.fromParticipantId === from() && seen.push(m)));
  return seen;
}

const streamOf = (m: RoomMessage) => m.message['stream'] as { id: string; done: boolean };

describe('the Helper agent', () => {
  it('joins as an agent, and answers "@helper add todo …" with a streamed reply while thinking; the row lands in todos', async () => {
    const { room, agent } = await roomWithHelper();
    const alice = await join(room, 'Alice');
    const helper = await helperOf(alice);
    expect(helper.role).toBe('agent');
    expect(helper.attributes['thinking']).toBe(false);

    const thinking: unknown[] = [];
    cleanups.push(alice.messaging.on('participant_attributes_updated', ({ participant }) => {
      if (participant.id === helper.id && 'thinking' in participant.attributes) thinking.push(participant.attributes['thinking']);
    }));
    const replies = chatFrom(alice, () => helper.id);
    await alice.messaging.broadcastMessage({ type: 'chat', message: { text: '@Helper add todo buy milk' } });

    const last = await until(() => replies.at(-1), (m) => m !== undefined && streamOf(m).done, 10_000);
    // One stream: several growing updates with the same id, the last marked done.
    expect(new Set(replies.map((m) => streamOf(m).id)).size).toBe(1);
    expect(replies.length).toBeGreaterThan(1);
    expect(replies.slice(0, -1).every((m) => !streamOf(m).done)).toBe(true);
    const texts = replies.map((m) => String(m.message['text']));
    texts.slice(1).forEach((text, i) => expect(text.startsWith(texts[i]!)).toBe(true));
    expect(last!.message['text']).toBe('Done! I added “buy milk” to the to-do list.');

    const rows = await alice.database.select<TodoRow>('todos');
    expect(rows.map((r) => [r.title, r.added_by, r.done])).toEqual([['buy milk', 'Alice via Helper', false]]);
    await until(() => thinking, (t) => t.length >= 2);
    expect(thinking).toEqual([true, false]);
    expect(agent.client.localParticipant.getAttribute('thinking')).toBe(false);
  });

  it('hosts a public "helper" toolkit that other participants call', async () => {
    const { room } = await roomWithHelper();
    const bob = await join(room, 'Bob');
    const helper = await helperOf(bob);
    const [toolkit] = await bob.agents.listToolkits({ participantId: helper.id });
    expect(toolkit).toMatchObject({ name: 'helper', public: true });
    expect(toolkit!.tools.map((t) => t.name).sort()).toEqual(['add_todo', 'enqueue_job', 'summarize_notes']);

    const added = await bob.agents.invokeTool({ toolkit: 'helper', tool: 'add_todo', arguments: { title: '  water   plants ' } });
    expect(added).toEqual({ type: 'json', json: { title: 'water plants' } });
    expect((await bob.database.select<TodoRow>('todos')).map((r) => [r.title, r.added_by])).toEqual([['water plants', 'Bob via Helper']]);
    await expect(bob.agents.invokeTool({ toolkit: 'helper', tool: 'add_todo', arguments: {} })).rejects.toMatchObject({ code: 'bad_request' });

    const notes = await bob.sync.open(NOTES_PATH, { schema: NOTES_SCHEMA, initialJson: NOTES_INITIAL_JSON });
    ensureNotesText(notes).insert(0, 'Plan for Monday\nship the demo\n\nthen rest');
    await bob.sync.flush(NOTES_PATH);
    const summary = await bob.agents.invokeTool({ toolkit: 'helper', tool: 'summarize_notes', arguments: {} });
    expect(summary).toMatchObject({ type: 'json', json: { words: 8, lines: 3, firstLine: 'Plan for Monday' } });

    const queued = await bob.agents.invokeTool({ toolkit: 'helper', tool: 'enqueue_job', arguments: { kind: 'report' } });
    expect(queued).toEqual({ type: 'json', json: { queue: 'jobs', kind: 'report' } });
    expect(await bob.queues.receive('jobs', { wait: false })).toMatchObject({ kind: 'report', requested_by: 'Bob' });
  });

  it('ignores chat that is not for it, and answers a direct message to the sender only', async () => {
    const { room } = await roomWithHelper();
    const alice = await join(room, 'Alice');
    const bob = await join(room, 'Bob');
    const helper = await helperOf(alice);
    await helperOf(bob);
    const toAlice = chatFrom(alice, () => helper.id);
    const toBob = chatFrom(bob, () => helper.id);

    for (const text of ['hello everyone', 'mail helper@example.com', 'write to team@helper.org', '@helpers add todo nope', 'ask @helper-bot']) {
      await alice.messaging.broadcastMessage({ type: 'chat', message: { text } });
    }
    // A streamed reply quoting the mention (another agent's) and a non-chat type are ignored too.
    await alice.messaging.broadcastMessage({ type: 'chat', message: { text: '@helper help', stream: { id: 's', done: true } } });
    await alice.messaging.broadcastMessage({ type: 'note', message: { text: '@helper help' } });

    await alice.messaging.sendMessage({ to: helper.id, type: 'chat', message: { text: 'help', direct: true } });
    const reply = await until(() => toAlice.at(-1), (m) => m !== undefined && streamOf(m).done, 10_000);
    expect(String(reply!.message['text'])).toMatch(/^I can help with this room/);
    // Everything Alice got belongs to that one reply; Bob got nothing.
    expect(new Set(toAlice.map((m) => streamOf(m).id)).size).toBe(1);
    expect(toBob).toEqual([]);
    expect(await alice.database.listTables()).not.toContain('todos');
  });

  it('says so when a tool fails instead of going quiet, and ends with thinking false', async () => {
    const { room, agent } = await roomWithHelper();
    const alice = await join(room, 'Alice');
    const helper = await helperOf(alice);
    const replies = chatFrom(alice, () => helper.id);
    await alice.messaging.broadcastMessage({ type: 'chat', message: { text: '@helper queue job not/a/kind' } });
    const last = await until(() => replies.at(-1), (m) => m !== undefined && streamOf(m).done, 10_000);
    expect(String(last!.message['text'])).toMatch(/^Sorry, I could not queue that job: a job kind is/);
    await until(() => agent.client.localParticipant.getAttribute('thinking'), (t) => t === false);
  });
});
