import { afterEach, describe, expect, it } from 'vitest';
import { CloseCode, pack, parseCloseReason, type Content } from '@convene/protocol';
import type { RunningRoomServer, Toolkit } from '@convene/server';
import { RawClient } from './support/raw-client.js';
import { startServer } from './support/server.js';
import { mintToken } from './support/tokens.js';

// Graceful shutdown (SIGTERM, server.close()): requests already running are answered, requests
// that arrive afterwards are neither run nor answered (so a client may safely send them again),
// and long polls are answered at once instead of holding the shutdown.

let server: RunningRoomServer | undefined;
const clients: RawClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.ws.terminate();
  await server?.close();
  server = undefined;
});

/** A tool that takes `ms` to answer and counts the calls it started. */
function slowToolkit(ms: number): { toolkit: Toolkit; started: () => number } {
  let started = 0;
  const toolkit: Toolkit = {
    name: 'slow',
    api: 'messaging',
    tools: {
      work: {
        handle: async (_context, input) => {
          started++;
          await new Promise((resolve) => setTimeout(resolve, ms));
          return { type: 'json', json: { done: input.type === 'json' ? input.json : null } };
        },
      },
    },
  };
  return { toolkit, started: () => started };
}

async function join(name: string): Promise<RawClient> {
  const client = await RawClient.join(`${server!.url}/rooms/drain`, await mintToken({ name, room: 'drain' }));
  clients.push(client);
  return client;
}

describe('graceful shutdown', () => {
  it('answers the requests already running before it closes the connection', async () => {
    const slow = slowToolkit(300);
    server = await startServer({ toolkits: [slow.toolkit] });
    const client = await join('alice');
    const answer = client.invoke('slow', 'work', { n: 1 });
    await expect.poll(slow.started).toBe(1);
    const closing = server.close();
    await expect(answer).resolves.toEqual({ type: 'json', json: { done: { n: 1 } } } satisfies Content);
    const closed = await client.closedWithin();
    expect(closed.code).toBe(CloseCode.GoingAway);
    expect(parseCloseReason(closed.reason).code).toBe('server_shutdown');
    await closing;
  });

  it('neither runs nor answers a request that arrives once the shutdown began', async () => {
    const slow = slowToolkit(300);
    server = await startServer({ toolkits: [slow.toolkit] });
    const client = await join('alice');
    const first = client.invoke('slow', 'work', { n: 1 });
    await expect.poll(slow.started).toBe(1);
    const closing = server.close();
    // Sent while the first one is still running: the server must not start it.
    let lateAnswered = false;
    void client.invoke('slow', 'work', { n: 2 }).then(() => (lateAnswered = true), () => {});
    await first;
    await client.closedWithin();
    await closing;
    expect(slow.started()).toBe(1);
    expect(lateAnswered).toBe(false);
  });

  it('answers a waiting queue receive (empty) instead of leaving it unanswered', async () => {
    server = await startServer();
    const consumer = await join('consumer');
    // The embedded database starts on first use (6–30 s on a loaded machine): start it first.
    const warm = consumer.sendMessage('room.invoke_tool', pack({ toolkit: 'queues', tool: 'list', arguments: { type: 'json', json: {} } }));
    await consumer.waitFor((m) => m.type === '__response__' && m.id === warm, 60_000);
    const waiting = consumer.invoke('queues', 'receive', { name: 'jobs', create: true, wait: true });
    // The receive is parked on the server once the queue exists and reports no message.
    await consumer.barrier();
    await server.close();
    // Without the early answer the poll would be cut by the close and never answered.
    await expect(waiting).resolves.toEqual({ type: 'empty' });
  }, 90_000);
});
