import '../all.js'; // registers room.storage and the other opt-in APIs
import { MessageType, errorContent, type Content } from '@convene/protocol';
import { describe, expect, it } from 'vitest';
import { RoomClient } from '../room-client.js';
import type { StorageFileEvent } from '../storage-types.js';
import { ROOM_URL, fakeTransport, flush, type FakeSocket, type SentMessage } from './fake-room.js';

const bytes = (text: string) => new TextEncoder().encode(text);

async function connect(): Promise<{ client: RoomClient; socket: FakeSocket }> {
  const transport = fakeTransport();
  const client = new RoomClient({ authorization: async () => ({ url: ROOM_URL, jwt: 'jwt' }), transport: transport.factory });
  const started = client.start();
  await flush();
  transport.last.accept();
  await started;
  return { client, socket: transport.last };
}

/** Waits until the client wrote a message matching `test` (after `from`), playing a patient server. */
async function sent(socket: FakeSocket, test: (m: SentMessage) => boolean, from = 0): Promise<SentMessage> {
  for (let i = 0; i < 200; i++) {
    const found = socket.sent.slice(from).find(test);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  throw new Error(`not sent; got ${socket.sent.map((m) => m.type).join(', ')}`);
}

const invokeOf = (tool: string) => (m: SentMessage) => m.type === MessageType.InvokeTool && m.header['tool'] === tool;
const chunkOf = (m: SentMessage) => m.header['chunk'] as Record<string, unknown>;
const isChunk = (m: SentMessage) => m.type === MessageType.ToolCallRequestChunk;

/** Sends a response chunk for a streaming call. */
function chunk(socket: FakeSocket, toolCallId: string, content: Record<string, unknown>, payload?: Uint8Array): void {
  socket.push(MessageType.ToolCallResponseChunk, { tool_call_id: toolCallId, chunk: content }, payload);
}

describe('StorageClient unary tools', () => {
  it('sends MeshAgent argument shapes and parses entries into typed objects', async () => {
    const { client, socket } = await connect();
    const listing = client.storage.list('/docs/');
    const list = await sent(socket, invokeOf('list'));
    expect(list.header).toEqual({ toolkit: 'storage', tool: 'list', arguments: { type: 'json', json: { path: '/docs/' } } });
    socket.respond(list.id, {
      type: 'json',
      json: { files: [
        { name: 'b.txt', is_folder: false, size: 3, created_at: '2024-01-02T03:04:05.000Z', updated_at: null },
        { name: 'a', is_folder: true, size: null },
      ] },
    });
    const entries = await listing;
    expect(entries.map((e) => [e.name, e.path, e.isFolder, e.size])).toEqual([['a', 'docs/a', true, null], ['b.txt', 'docs/b.txt', false, 3]]);
    expect(entries[1]!.createdAt).toEqual(new Date('2024-01-02T03:04:05.000Z'));
    expect(entries[1]!.updatedAt).toBeNull();

    const stat = client.storage.stat('x');
    socket.respond((await sent(socket, invokeOf('stat'))).id, { type: 'json', json: { exists: false } });
    expect(await stat).toBeNull();

    const del = client.storage.delete('f', { recursive: true });
    const delMessage = await sent(socket, invokeOf('delete'));
    expect(delMessage.header['arguments']).toEqual({ type: 'json', json: { path: 'f', recursive: true } });
    socket.respond(delMessage.id);
    await del;

    const move = client.storage.move('a', 'b');
    const moveMessage = await sent(socket, invokeOf('move'));
    expect(moveMessage.header['arguments']).toEqual({ type: 'json', json: { source_path: 'a', destination_path: 'b', overwrite: false } });
    socket.respond(moveMessage.id, errorContent('permission_denied', 'no'));
    await expect(move).rejects.toMatchObject({ code: 'permission_denied' });
  });

  it('rejects replies that do not have the documented shape with protocol_error', async () => {
    const { client, socket } = await connect();
    const replies: [Promise<unknown>, string, Content][] = [
      [client.storage.list(''), 'list', { type: 'json', json: { files: [{ name: 1, is_folder: false }] } }],
      [client.storage.stat('a'), 'stat', { type: 'json', json: { exists: true, name: 'a', is_folder: false, created_at: 'not a date' } }],
      [client.storage.exists('a'), 'exists', { type: 'empty' }],
      [client.storage.downloadUrl('a'), 'download_url', { type: 'json', json: { url: 7 } }],
    ];
    for (const [promise, tool, reply] of replies) {
      socket.respond((await sent(socket, invokeOf(tool))).id, reply);
      await expect(promise).rejects.toMatchObject({ code: 'protocol_error' });
    }
  });

  it('honours timeouts with a typed error', async () => {
    const { client } = await connect();
    await expect(client.storage.list('', { timeout: 5 })).rejects.toMatchObject({ code: 'timeout' });
  });
});

describe('StorageClient transfers', () => {
  it('uploads pull by pull, in the sizes the server asks for, then closes', async () => {
    const { client, socket } = await connect();
    const progress: number[] = [];
    const upload = client.storage.upload('docs/report.pdf', bytes('abcdefghij'), { onProgress: ({ sent: n }) => progress.push(n) });
    const invoke = await sent(socket, invokeOf('upload'));
    const id = invoke.header['tool_call_id'] as string;
    expect(invoke.header['arguments']).toEqual({ type: 'control', method: 'open' });
    socket.respond(invoke.id, { type: 'control', method: 'open' });
    const start = await sent(socket, isChunk);
    expect(chunkOf(start)).toEqual({
      type: 'binary',
      headers: { kind: 'start', path: 'docs/report.pdf', overwrite: false, name: 'report.pdf', mime_type: 'application/pdf', size: 10 },
    });
    socket.respond(start.id);
    const pieces: string[] = [];
    for (const size of [4, 4, 4]) {
      const from = socket.sent.length;
      chunk(socket, id, { type: 'binary', headers: { kind: 'pull', chunk_size: size } });
      const data = await sent(socket, isChunk, from);
      expect(chunkOf(data)).toEqual({ type: 'binary', headers: { kind: 'data' } });
      pieces.push(new TextDecoder().decode(data.payload));
      socket.respond(data.id);
    }
    const from = socket.sent.length;
    chunk(socket, id, { type: 'binary', headers: { kind: 'pull', chunk_size: 4 } });
    const close = await sent(socket, isChunk, from);
    expect(chunkOf(close)).toEqual({ type: 'control', method: 'close', status_code: 1000 });
    socket.respond(close.id);
    chunk(socket, id, { type: 'control', method: 'close', status_code: 1000 });
    await upload;
    expect(pieces).toEqual(['abcd', 'efgh', 'ij']);
    expect(progress).toEqual([4, 8, 10]);
  });

  it('cancels an aborted upload with an abort chunk instead of a close', async () => {
    const { client, socket } = await connect();
    const controller = new AbortController();
    const upload = client.storage.uploadStream('u.bin', (async function* () {
      yield bytes('x');
    })(), {}, { signal: controller.signal });
    const invoke = await sent(socket, invokeOf('upload'));
    socket.respond(invoke.id, { type: 'control', method: 'open' });
    socket.respond((await sent(socket, isChunk)).id);
    const from = socket.sent.length;
    controller.abort();
    await expect(upload).rejects.toMatchObject({ code: 'aborted' });
    const abort = await sent(socket, isChunk, from);
    expect(chunkOf(abort)).toEqual({ type: 'binary', headers: { kind: 'abort' } });
  });

  it('downloads with one pull per chunk and acknowledges nothing it did not ask for', async () => {
    const { client, socket } = await connect();
    const opening = client.storage.downloadStream('f.txt', { chunkSize: 3 });
    const invoke = await sent(socket, invokeOf('download'));
    const id = invoke.header['tool_call_id'] as string;
    socket.respond(invoke.id, { type: 'control', method: 'open' });
    const start = await sent(socket, isChunk);
    expect(chunkOf(start)).toEqual({ type: 'binary', headers: { kind: 'start', path: 'f.txt', chunk_size: 3 } });
    socket.respond(start.id);
    chunk(socket, id, { type: 'binary', headers: { kind: 'start', name: 'f.txt', mime_type: 'text/plain', size: 5 } });
    const file = await opening;
    expect(file).toMatchObject({ name: 'f.txt', mimeType: 'text/plain', size: 5 });
    const pullsBefore = socket.sent.filter(isChunk).length;
    await flush();
    expect(socket.sent.filter(isChunk).length).toBe(pullsBefore); // nothing pulled before iteration
    const iterator = file.chunks[Symbol.asyncIterator]();
    const received: string[] = [];
    for (const [text, last] of [['abc', false], ['de', true]] as const) {
      const from = socket.sent.length;
      const next = iterator.next();
      const pull = await sent(socket, (m) => isChunk(m) && (chunkOf(m)['headers'] as { kind?: string })?.kind === 'pull', from);
      socket.respond(pull.id);
      chunk(socket, id, { type: 'binary', headers: { kind: 'data' } }, bytes(text));
      if (last) chunk(socket, id, { type: 'control', method: 'close' });
      received.push(new TextDecoder().decode((await next).value as Uint8Array));
    }
    const end = iterator.next();
    const close = await sent(socket, (m) => isChunk(m) && chunkOf(m)['type'] === 'control');
    socket.respond(close.id);
    expect((await end).done).toBe(true);
    expect(received).toEqual(['abc', 'de']);
  });
});

describe('StorageClient events', () => {
  it('emits typed file events while listened to, and leaves the pushes to server_message otherwise', async () => {
    const { client, socket } = await connect();
    const unhandled: string[] = [];
    client.on('server_message', (m) => unhandled.push(m.type));
    const updated: StorageFileEvent[] = [];
    const off = client.storage.on('file_updated', (e) => updated.push(e));
    socket.push('storage.file.updated', { path: 'a.txt', participant_id: 'p2' });
    socket.push('storage.file.updated', { path: 42 });
    socket.push('storage.file.moved', { source_path: 'a', destination_path: 'b', participant_id: 'p2' });
    off();
    socket.push('storage.file.updated', { path: 'b.txt', participant_id: 'p2' });
    expect(updated).toEqual([{ path: 'a.txt', participantId: 'p2' }]);
    expect(unhandled).toEqual(['storage.file.updated']);
  });
});
