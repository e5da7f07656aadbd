import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionError, RoomError, type RoomClient } from '@convene/client';
import { RoomError as ServerRoomError } from '@convene/protocol';
import type { RunningRoomServer, Toolkit } from '@convene/server';
import { conveneClient } from './support/convene.js';
import { startServer } from './support/server.js';

/** A streaming toolkit for exercising the stream plumbing on both sides. */
const textToolkit: Toolkit = {
  name: 'text',
  api: 'developer',
  tools: {
    // Answers every text chunk with its upper-case form until the caller ends its input.
    upper: {
      async stream(_context, stream) {
        for (let chunk = await stream.next(); chunk !== null; chunk = await stream.next()) {
          if (chunk.type !== 'text') throw new ServerRoomError('bad_request', 'upper takes text chunks');
          stream.send({ type: 'text', text: chunk.text.toUpperCase() });
        }
      },
    },
    // Streams a count, then fails with a typed error.
    countThenFail: {
      async stream(_context, stream) {
        for (let i = 0; i < 3; i++) stream.send({ type: 'json', json: { i } });
        throw new ServerRoomError('not_found', 'nothing more to count');
      },
    },
    // Never reads its input: for the unread-chunk bound.
    stuck: {
      async stream() {
        await new Promise((resolve) => setTimeout(resolve, 60_000).unref());
      },
    },
    // Never answers: for connection-loss tests.
    silent: {
      async stream(_context, stream) {
        while ((await stream.next()) !== null);
      },
    },
  },
};

let server: RunningRoomServer | undefined;
const clients: RoomClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.dispose();
  await server?.close();
  server = undefined;
});

async function connect() {
  server ??= await startServer({ toolkits: [textToolkit] });
  const client = conveneClient({ url: server.url, room: 'r', name: 'alice' });
  clients.push(client);
  await client.start();
  return client;
}

describe('streaming tool calls', () => {
  it('carries request chunks in and response chunks out, in order, until the caller ends', async () => {
    const client = await connect();
    const stream = await client.invokeStream({ toolkit: 'text', tool: 'upper' });
    for (const word of ['one', 'two', 'three']) await stream.send({ type: 'text', text: word });
    await stream.end();
    const out: string[] = [];
    for await (const chunk of stream) out.push(chunk.type === 'text' ? chunk.text : `?${chunk.type}`);
    expect(out).toEqual(['ONE', 'TWO', 'THREE']);
    expect(stream.closed).toBe(true);
  });

  it('turns an error chunk into a typed error, after the chunks before it', async () => {
    const client = await connect();
    const stream = await client.invokeStream({ toolkit: 'text', tool: 'countThenFail' });
    const seen: unknown[] = [];
    const error = await (async () => {
      for await (const chunk of stream) seen.push(chunk.type === 'json' ? chunk.json : chunk);
    })().catch((e: unknown) => e);
    expect(seen).toEqual([{ i: 0 }, { i: 1 }, { i: 2 }]);
    expect(error).toBeInstanceOf(RoomError);
    expect((error as RoomError).code).toBe('not_found');
  });

  it('refuses a streaming tool called without a stream, and an unknown tool_call_id chunk', async () => {
    const client = await connect();
    const unary = await client.invoke({ toolkit: 'text', tool: 'upper', arguments: { text: 'x' } }).catch((e: unknown) => e);
    expect(unary).toMatchObject({ code: 'bad_request' });
    const { pack } = await import('@convene/protocol');
    const orphan = await client
      .request('room.tool_call_request_chunk', pack({ tool_call_id: 'nope', chunk: { type: 'text', text: 'x' } }))
      .catch((e: unknown) => e);
    expect(orphan).toMatchObject({ code: 'not_found' });
  });

  it('fails an open stream with a typed error when the connection drops', async () => {
    const client = await connect();
    const stream = await client.invokeStream({ toolkit: 'text', tool: 'silent' });
    const pending = stream.next().catch((e: unknown) => e);
    await server!.close();
    const error = await pending;
    expect(error).toBeInstanceOf(ConnectionError);
    expect(await stream.send({ type: 'text', text: 'late' }).catch((e: unknown) => e)).toBeInstanceOf(ConnectionError);
  });

  it('refuses chunks pushed far ahead of a tool that does not read them, instead of buffering without bound', async () => {
    const client = await connect();
    const stream = await client.invokeStream({ toolkit: 'text', tool: 'stuck' });
    let refused: unknown;
    for (let i = 0; i < 100 && refused === undefined; i++) {
      refused = await stream.send({ type: 'text', text: `chunk ${i}` }).then(() => undefined, (e: unknown) => e);
    }
    expect(refused).toMatchObject({ code: 'rate_limited' });
    // The connection is fine.
    expect(client.status).toBe('connected');
    const other = await client.invokeStream({ toolkit: 'text', tool: 'upper' });
    await other.send({ type: 'text', text: 'ok' });
    await other.end();
    expect(await other.next()).toEqual({ type: 'text', text: 'OK' });
  });

  it('frees the server side of finished streams', async () => {
    const client = await connect();
    for (let i = 0; i < 5; i++) {
      const stream = await client.invokeStream({ toolkit: 'text', tool: 'upper' });
      await stream.send({ type: 'text', text: 'x' });
      await stream.end();
      while ((await stream.next()) !== null);
    }
    const participant = [...server!.core.room('r')!.participants()][0]!;
    expect(participant.streams.size).toBe(0);
  });
});
