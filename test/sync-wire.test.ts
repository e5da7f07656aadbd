import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { decodeBase64, encodeBase64, pack, type ApiScope } from '@convene/protocol';
import type { RunningRoomServer } from '@convene/server';
import { RawClient, type Received } from './support/raw-client.js';
import { startServer } from './support/server.js';
import { listSchema } from './support/sync-fixtures.js';
import { mintToken } from './support/tokens.js';

let server: RunningRoomServer | undefined;
const raws: RawClient[] = [];
afterEach(async () => {
  for (const raw of raws.splice(0)) raw.close();
  await server?.close();
  server = undefined;
});

const SCHEMA = listSchema().toJson();
const encoder = new TextEncoder();
const decoder = new TextDecoder();

async function peer(name: string, api?: ApiScope): Promise<RawClient> {
  server ??= await startServer();
  const raw = await RawClient.join(`${server.url}/rooms/wire`, await mintToken({ name, room: 'wire', ...(api ? { api } : {}) }));
  raws.push(raw);
  return raw;
}

/** One `sync.open` call at the byte level, as MeshAgent 0.39.9 makes it (PROTOCOL.md §7(d)). */
async function open(raw: RawClient, id: string, start: Record<string, unknown>) {
  const opened = await raw.request('room.invoke_tool', { toolkit: 'sync', tool: 'open', tool_call_id: id, arguments: { type: 'control', method: 'open' } });
  expect(opened).toEqual({ type: 'control', method: 'open' });
  const chunk = (headers: Record<string, unknown> | null, payload?: Uint8Array, control?: 'close') =>
    raw.request(
      'room.tool_call_request_chunk',
      { tool_call_id: id, chunk: control ? { type: 'control', method: 'close', status_code: 1000 } : { type: 'binary', headers } },
      payload,
    );
  const ack = await chunk({ kind: 'start', create: true, vector: null, schema: SCHEMA, schema_path: null, initial_json: null, ...start });
  expect(ack).toEqual({ type: 'empty' });
  const outputs = (): Received[] => raw.received.filter((m) => m.type === 'room.tool_call_response_chunk' && (m.header as { tool_call_id: string }).tool_call_id === id);
  return {
    outputs,
    next: async (index: number) => {
      await raw.waitForCount((m) => outputs().includes(m), index + 1);
      return outputs()[index]!;
    },
    sync: (update: Uint8Array) => chunk({ kind: 'sync' }, encoder.encode(encodeBase64(update))),
    raw: (headers: Record<string, unknown>, payload: Uint8Array) => chunk(headers, payload),
    close: () => chunk(null, undefined, 'close'),
  };
}

function itemUpdate(label: string, base?: Y.Doc): Uint8Array {
  const doc = base ?? new Y.Doc();
  const before = Y.encodeStateVector(doc);
  const item = new Y.XmlElement('item');
  item.setAttribute('$id', `id-${label}`);
  item.setAttribute('label', label);
  doc.get('xml', Y.XmlElement).insert(0, [item]);
  return Y.encodeStateAsUpdate(doc, before);
}

function applyPayload(doc: Y.Doc, message: Received): void {
  Y.applyUpdate(doc, decodeBase64(decoder.decode(message.payload)));
}

describe('sync.open on the wire', () => {
  it('answers start with a state chunk (path, schema, server vector) carrying base64 text of the update', async () => {
    const alice = await peer('alice');
    const stream = await open(alice, 'T1', { path: './notes/a.doc' });
    const state = await stream.next(0);
    const header = state.header as { chunk: { type: string; headers: Record<string, unknown> } };
    expect(header.chunk.type).toBe('binary');
    expect(header.chunk.headers).toEqual({ kind: 'state', path: 'notes/a.doc', schema: SCHEMA, vector: expect.any(String), chunk_acks: 'optional' });
    // A new document: the empty update "AAA=" (PROTOCOL.md §7(d)).
    expect(decoder.decode(state.payload)).toBe('AAA=');
    await stream.close();
    const closed = await stream.next(1);
    expect((closed.header as { chunk: unknown }).chunk).toEqual({ type: 'control', method: 'close', status_code: 1000 });
  });

  it('fans a state-changing update out to the other streams only, once', async () => {
    const alice = await peer('alice');
    const bob = await peer('bob');
    const a = await open(alice, 'A', { path: 'f.doc' });
    const b = await open(bob, 'B', { path: 'f.doc' });
    await a.next(0);
    await b.next(0);
    const update = itemUpdate('x');
    expect(await a.sync(update)).toEqual({ type: 'empty' });
    const fanned = await b.next(1);
    expect((fanned.header as { chunk: { headers: unknown } }).chunk.headers).toEqual({ kind: 'sync', path: 'f.doc' });
    const mirror = new Y.Doc();
    applyPayload(mirror, fanned);
    expect(mirror.get('xml', Y.XmlElement).toString()).toContain('label="x"');
    // MeshAgent echoes what it applies: the echo changes nothing and goes nowhere.
    await b.sync(update);
    await a.sync(update);
    await alice.barrier();
    await bob.barrier();
    expect(a.outputs()).toHaveLength(1);
    expect(b.outputs()).toHaveLength(2);
  });

  it('answers a reconnecting opener with only the diff against its vector', async () => {
    const alice = await peer('alice');
    const a = await open(alice, 'A', { path: 'v.doc' });
    await a.next(0);
    const local = new Y.Doc();
    await a.sync(itemUpdate('one', local));
    const atVector = Y.encodeStateAsUpdate(local);
    const vector = encodeBase64(Y.encodeStateVector(local));
    await a.sync(itemUpdate('two', local));
    const bob = await peer('bob');
    const b = await open(bob, 'B', { path: 'v.doc', vector });
    const diff = decodeBase64(decoder.decode((await b.next(0)).payload));
    // Only what the vector lacks travels...
    expect(decoder.decode(diff)).toContain('id-two');
    expect(decoder.decode(diff)).not.toContain('id-one');
    // ...and it completes a document that had the vector's state.
    const behind = new Y.Doc();
    Y.applyUpdate(behind, atVector);
    Y.applyUpdate(behind, diff);
    expect(behind.get('xml', Y.XmlElement).toString()).toBe(local.get('xml', Y.XmlElement).toString());
  });

  it('answers a chunk that says ack: false only when it fails, and still applies and forwards it', async () => {
    const alice = await peer('alice');
    const bob = await peer('bob');
    const a = await open(alice, 'A', { path: 'quiet.doc' });
    const b = await open(bob, 'B', { path: 'quiet.doc' });
    await a.next(0);
    await b.next(0);
    const quiet = (toolCallId: unknown, payload: Uint8Array) =>
      alice.sendMessage('room.tool_call_request_chunk', pack({ tool_call_id: toolCallId, chunk: { type: 'binary', headers: { kind: 'sync' } }, ack: false }, payload));
    const author = new Y.Doc();
    const ids = ['1', '2', '3'].map((label) => quiet('A', encoder.encode(encodeBase64(itemUpdate(label, author)))));
    // A failing one is still answered, with its own id: an unknown stream, and a header that is not a stream's.
    const lost = quiet('nobody', encoder.encode(encodeBase64(itemUpdate('4', new Y.Doc()))));
    const bad = alice.sendMessage('room.tool_call_request_chunk', pack({ tool_call_id: 7, chunk: 'not content', ack: false }));
    await alice.barrier();
    const answered = alice.received.filter((m) => m.type === '__response__').map((m) => m.id);
    for (const id of ids) expect(answered).not.toContain(id);
    const answerTo = (id: number) => alice.received.find((m) => m.type === '__response__' && m.id === id)!;
    expect(answerTo(lost).header).toMatchObject({ type: 'error', code: 404 });
    expect(answerTo(bad).header).toMatchObject({ type: 'error', code: 400 });
    // Each quiet edit reached bob, in order, and the document has them all.
    const fanned = await Promise.all([1, 2, 3].map((i) => b.next(i)));
    const mirror = new Y.Doc();
    for (const message of fanned) applyPayload(mirror, message);
    expect(mirror.get('xml', Y.XmlElement).toString()).toBe(author.get('xml', Y.XmlElement).toString());
    // A chunk without the field is acknowledged as before.
    expect(await a.sync(itemUpdate('5', author))).toEqual({ type: 'empty' });
  });

  it('refuses an undecodable update with an error chunk and keeps the stream and the room working', async () => {
    const alice = await peer('alice');
    const a = await open(alice, 'A', { path: 'bad.doc' });
    await a.next(0);
    await a.raw({ kind: 'sync' }, encoder.encode('!!! not base64'));
    const refused = await a.next(1);
    expect((refused.header as { chunk: { type: string; code: number } }).chunk).toMatchObject({ type: 'error', code: 400 });
    await a.raw({ kind: 'sync' }, encoder.encode(encodeBase64(new Uint8Array([200, 1, 2, 3, 4, 5]))));
    await a.next(2);
    // Still open: a good update applies and reaches a new opener.
    await a.sync(itemUpdate('good'));
    const bob = await peer('bob');
    const b = await open(bob, 'B', { path: 'bad.doc' });
    const state = await b.next(0);
    const doc = new Y.Doc();
    applyPayload(doc, state);
    expect(doc.get('xml', Y.XmlElement).toString()).toContain('label="good"');
  });

  it('applies the sync.paths grant: read-only openers get updates but their edits are refused', async () => {
    const writer = await peer('writer');
    const reader = await peer('reader', { sync: { paths: [{ path: 'shared/*', read_only: true }] } });
    const outsider = await peer('outsider', { sync: { paths: [{ path: 'other.doc' }] } });
    const w = await open(writer, 'W', { path: 'shared/g.doc' });
    await w.next(0);
    const r = await open(reader, 'R', { path: 'shared/g.doc' });
    await r.next(0);
    await w.sync(itemUpdate('from-writer'));
    await r.next(1);
    await r.sync(itemUpdate('from-reader'));
    const refused = await r.next(2);
    expect((refused.header as { chunk: { type: string; code: number } }).chunk).toMatchObject({ type: 'error', code: 403 });
    await writer.barrier();
    expect(w.outputs()).toHaveLength(1); // nothing from the reader reached the writer
    const o = await open(outsider, 'O', { path: 'shared/g.doc' });
    const denied = await o.next(0);
    expect((denied.header as { chunk: { type: string; code: number } }).chunk).toMatchObject({ type: 'error', code: 403 });
    // A read-only opener cannot create a missing document either.
    const r2 = await open(reader, 'R2', { path: 'shared/missing.doc' });
    expect(((await r2.next(0)).header as { chunk: { code: number } }).chunk.code).toBe(403);
    expect(await reader.invoke('sync', 'create', { path: 'shared/new.doc', json: null, schema: SCHEMA, schema_path: null })).toMatchObject({ type: 'error', code: 403 });
  });

  it('answers an open without a resolvable schema with an error chunk, never a hang', async () => {
    const alice = await peer('alice');
    const a = await open(alice, 'A', { path: 'x.unknown', schema: null });
    const answer = await a.next(0);
    const chunk = (answer.header as { chunk: { type: string; text: string } }).chunk;
    expect(chunk.type).toBe('error');
    expect(chunk.text).toContain('no schema for document "x.unknown"');
    const closed = await a.next(1);
    expect((closed.header as { chunk: { method: string } }).chunk.method).toBe('close');
  });
});
