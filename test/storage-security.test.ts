import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoomClient, nodeTransport } from '@convene/client/node';
import { pack, type ApiScope, type Content } from '@convene/protocol';
import type { RunningRoomServer } from '@convene/server';
import { RawClient } from './support/raw-client.js';
import { startServer } from './support/server.js';
import { mintToken } from './support/tokens.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const ROOM = 'vault';

let server: RunningRoomServer;
let dataDir: string;
const clients: RoomClient[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'convene-storage-sec-'));
  await writeFile(join(dataDir, 'canary.txt'), 'do not touch');
  server = await startServer({ dataDir });
  const admin = await client('admin', { storage: {} });
  for (const path of ['secret/plans.txt', 'public/readme.txt', 'shared/notes.txt', 'public/sub/deep.txt']) {
    await admin.storage.upload(path, bytes(`content of ${path}`));
  }
  const other = await client('other-admin', { storage: {} }, 'elsewhere');
  await other.storage.upload('theirs.txt', bytes('other room'));
});
afterAll(async () => {
  for (const c of clients.splice(0)) c.dispose();
  await server.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function client(name: string, api: ApiScope, room = ROOM): Promise<RoomClient> {
  const c = new RoomClient({
    transport: nodeTransport(),
    authorization: async () => ({ url: `${server.url}/rooms/${room}`, jwt: await mintToken({ name, room, api }) }),
  });
  clients.push(c);
  await c.start();
  return c;
}

/** Every file under the data dir with its size, except the vault room's own files. */
async function outsideSnapshot(): Promise<string[]> {
  const out: string[] = [];
  async function walk(dir: string): Promise<void> {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (full === join(dataDir, 'rooms', ROOM, 'files')) continue;
      if (entry.isDirectory()) await walk(full);
      else out.push(`${relative(dataDir, full)}:${(await stat(full)).size}`);
    }
  }
  await walk(dataDir);
  return out.sort();
}

async function roomSnapshot(c: RoomClient): Promise<string[]> {
  const out: string[] = [];
  async function walk(path: string): Promise<void> {
    for (const entry of await c.storage.list(path)) {
      if (entry.isFolder) await walk(entry.path);
      else out.push(`${entry.path}:${entry.size}`);
    }
  }
  await walk('');
  return out.sort();
}

/** Runs every storage operation on `path`, returning each one's error code (or 'ok'). */
async function everyOperation(c: RoomClient, path: string, other = 'shared/notes.txt'): Promise<Record<string, string>> {
  const code = (promise: Promise<unknown>) => promise.then(() => 'ok', (error: { code?: string }) => error.code ?? String(error));
  return {
    list: await code(c.storage.list(path)),
    stat: await code(c.storage.stat(path)),
    exists: await code(c.storage.exists(path)),
    download_url: await code(c.storage.downloadUrl(path)),
    download: await code(c.storage.download(path)),
    upload: await code(c.storage.upload(path, bytes('evil'), { overwrite: true })),
    delete: await code(c.storage.delete(path, { recursive: true })),
    move_from: await code(c.storage.move(path, 'shared/moved-here.txt', { overwrite: true })),
    move_to: await code(c.storage.move(other, path, { overwrite: true })),
  };
}

const TRAVERSALS = [
  '../canary.txt', '../../canary.txt', '..', 'a/../../canary.txt', 'shared/../../canary.txt', '..%2fcanary.txt',
  '%2e%2e/canary.txt', '%2E%2E%2Fcanary.txt', 'shared%2f..%2f..%2fcanary.txt', '..\\canary.txt', 'shared\\..\\..\\x',
  'C:/Windows/win.ini', 'c:\\boot.ini', 'a\u0000b', 'shared/x\u0000.txt', 'x'.repeat(2000), `${'a/'.repeat(600)}b`,
  'name.', ' lead', 'tab\there',
];

describe('storage path safety', () => {
  it.each(TRAVERSALS)('refuses %j on every operation with 400 and touches nothing outside the room', async (path) => {
    const alice = await client('alice', { storage: {} });
    const before = await outsideSnapshot();
    const roomBefore = await roomSnapshot(alice);
    const codes = await everyOperation(alice, path);
    expect(codes).toEqual(Object.fromEntries(Object.keys(codes).map((op) => [op, 'bad_request'])));
    expect(await outsideSnapshot()).toEqual(before);
    expect(await roomSnapshot(alice)).toEqual(roomBefore);
    expect(await readFile(join(dataDir, 'canary.txt'), 'utf8')).toBe('do not touch');
  });

  it('treats a leading slash as the room root, never the server filesystem', async () => {
    const alice = await client('alice', { storage: {} });
    expect(await alice.storage.stat('/etc/passwd')).toBeNull();
    await expect(alice.storage.download('/etc/passwd')).rejects.toMatchObject({ code: 'not_found' });
    expect((await alice.storage.download('/shared/notes.txt')).size).toBeGreaterThan(0);
  });
});

describe('storage grants', () => {
  const grant: ApiScope = { storage: { paths: [{ path: 'public/', read_only: true }, { path: 'shared/' }] } };

  it('refuses every operation outside the grant with 403 and changes nothing', async () => {
    const limited = await client('limited', grant);
    const admin = await client('admin2', { storage: {} });
    const before = await roomSnapshot(admin);
    const codes = await everyOperation(limited, 'secret/plans.txt');
    expect(codes).toEqual(Object.fromEntries(Object.keys(codes).map((op) => [op, 'permission_denied'])));
    for (const path of ['', 'secret', 'secrets-are-not-public/x']) {
      await expect(limited.storage.list(path)).rejects.toMatchObject({ code: 'permission_denied' });
    }
    expect(await roomSnapshot(admin)).toEqual(before);
  });

  it('lets read-only entries be read but not written', async () => {
    const limited = await client('limited', grant);
    const admin = await client('admin2', { storage: {} });
    const before = await roomSnapshot(admin);
    expect((await limited.storage.list('public')).map((e) => e.name)).toEqual(['readme.txt', 'sub']);
    expect(await limited.storage.exists('public/readme.txt')).toBe(true);
    expect((await limited.storage.download('public/readme.txt')).size).toBeGreaterThan(0);
    expect(await fetch(await limited.storage.downloadUrl('public/sub/deep.txt')).then((r) => r.status)).toBe(200);
    for (const attempt of [
      () => limited.storage.upload('public/new.txt', bytes('x')),
      () => limited.storage.upload('public/readme.txt', bytes('x'), { overwrite: true }),
      () => limited.storage.delete('public/readme.txt'),
      () => limited.storage.delete('public', { recursive: true }),
      () => limited.storage.move('public/readme.txt', 'shared/stolen.txt'),
      () => limited.storage.move('shared/notes.txt', 'public/notes.txt'),
    ]) {
      await expect(attempt()).rejects.toMatchObject({ code: 'permission_denied' });
    }
    expect(await roomSnapshot(admin)).toEqual(before);
  });

  it('allows reads and writes inside a writable entry', async () => {
    const limited = await client('limited', grant);
    await limited.storage.upload('shared/mine.txt', bytes('mine'));
    await limited.storage.move('shared/mine.txt', 'shared/sub/mine.txt');
    expect(await limited.storage.exists('shared/sub/mine.txt')).toBe(true);
    await limited.storage.delete('shared/sub/mine.txt');
  });

  it('keeps the server-owned .sync folder (document state) out of participants\' writes', async () => {
    const admin = await client('admin-2', { storage: {} });
    for (const attempt of [
      () => admin.storage.upload('.sync/notes.yjs', bytes('corrupt')),
      () => admin.storage.upload('./.sync//x', bytes('corrupt')),
      () => admin.storage.delete('.sync', { recursive: true }),
      () => admin.storage.move('public/readme.txt', '.sync/readme.txt'),
      () => admin.storage.move('.sync', 'elsewhere'),
    ]) {
      expect(await attempt().catch((e: unknown) => e)).toMatchObject({ code: 'permission_denied' });
    }
    expect(await admin.storage.exists('public/readme.txt')).toBe(true);
  });

  it('refuses a token without the storage API, and hides other rooms', async () => {
    const none = await client('none', { messaging: {} });
    const codes = await everyOperation(none, 'shared/notes.txt', 'public/readme.txt');
    expect(codes).toEqual(Object.fromEntries(Object.keys(codes).map((op) => [op, 'permission_denied'])));
    const outsider = await client('outsider', { storage: {} }, 'elsewhere');
    expect((await outsider.storage.list('')).map((e) => e.name)).toEqual(['theirs.txt']);
    expect(await outsider.storage.stat('shared/notes.txt')).toBeNull();
    await expect(outsider.storage.download('secret/plans.txt')).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('garbage inputs to the storage tools', () => {
  const unary = ['list', 'stat', 'exists', 'delete', 'move', 'download_url'];
  const badArguments: unknown[] = [
    { type: 'text', text: 'hi' },
    { type: 'json', json: [1, 2] },
    { type: 'json', json: null },
    { type: 'json', json: 'path' },
    { type: 'json', json: {} },
    { type: 'json', json: { path: 42, source_path: 42, destination_path: {} } },
    { type: 'json', json: { path: ['a'], source_path: null } },
    { type: 'control', method: 'open' },
  ];

  it('answers every malformed unary call with a typed 400, and the server keeps working', async () => {
    const raw = await RawClient.join(`${server.url}/rooms/${ROOM}`, await mintToken({ name: 'fuzzer', room: ROOM, api: { storage: {} } }));
    for (const tool of unary) {
      for (const args of badArguments) {
        const reply = await raw.request('room.invoke_tool', { toolkit: 'storage', tool, arguments: args });
        expect(reply, `${tool} ${JSON.stringify(args)}`).toMatchObject({ type: 'error', code: 400 });
      }
    }
    const flags = { path: 'shared/notes.txt', source_path: 'shared/notes.txt', destination_path: 'shared/b.txt' };
    expect(await raw.invoke('storage', 'delete', { ...flags, recursive: 'yes' })).toMatchObject({ type: 'error', code: 400 });
    expect(await raw.invoke('storage', 'move', { ...flags, overwrite: 1 })).toMatchObject({ type: 'error', code: 400 });
    for (const tool of ['upload', 'download']) {
      const reply = await raw.invoke('storage', tool, { path: 'x' });
      expect(reply).toMatchObject({ type: 'error', code: 400 });
    }
    expect(await raw.invoke('storage', 'exists', { path: 'shared/notes.txt' })).toEqual({ type: 'json', json: { exists: true } });
    raw.close();
  });

  it('ends malformed upload and download streams with a typed error, leaving nothing behind', async () => {
    const raw = await RawClient.join(`${server.url}/rooms/${ROOM}`, await mintToken({ name: 'fuzzer', room: ROOM, api: { storage: {} } }));
    const cases: { tool: string; chunks: Content[] }[] = [
      { tool: 'upload', chunks: [{ type: 'text', text: 'start' }] },
      { tool: 'upload', chunks: [binary({ kind: 'data' })] },
      { tool: 'upload', chunks: [binary({ kind: 'start' })] },
      { tool: 'upload', chunks: [binary({ kind: 'start', path: 'g1.txt', size: -1 })] },
      { tool: 'upload', chunks: [binary({ kind: 'start', path: 'g2.txt', size: 'big' })] },
      { tool: 'upload', chunks: [binary({ kind: 'start', path: 'g3.txt', overwrite: 'yes' })] },
      { tool: 'upload', chunks: [binary({ kind: 'start', path: 'g4.txt' }), { type: 'json', json: { kind: 'data' } }] },
      { tool: 'upload', chunks: [binary({ kind: 'start', path: 'g5.txt', size: 3 }), binary({ kind: 'data' }, bytes('toolong'))] },
      { tool: 'download', chunks: [binary({ kind: 'start', path: 'shared/notes.txt', chunk_size: -5 })] },
      { tool: 'download', chunks: [binary({ kind: 'start', path: 'shared/notes.txt', chunk_size: 1.5 })] },
      { tool: 'download', chunks: [binary({ kind: 'start' })] },
      { tool: 'download', chunks: [binary({ kind: 'start', path: 'shared/notes.txt' }), binary({ kind: 'data' })] },
    ];
    let n = 0;
    for (const { tool, chunks } of cases) {
      const id = `garbage-${n++}`;
      expect(await raw.request('room.invoke_tool', { toolkit: 'storage', tool, tool_call_id: id, arguments: { type: 'control', method: 'open' } })).toEqual({ type: 'control', method: 'open' });
      for (const chunk of chunks) await sendChunk(raw, id, chunk);
      const error = await raw.waitFor((m) => m.type === 'room.tool_call_response_chunk' && chunkOf(m, id)?.['type'] === 'error');
      expect(chunkOf(error, id), `${tool} ${JSON.stringify(chunks)}`).toMatchObject({ type: 'error', code: 400 });
      await raw.waitFor((m) => m.type === 'room.tool_call_response_chunk' && chunkOf(m, id)?.['type'] === 'control');
      await sendChunk(raw, id, { type: 'control', method: 'close', statusCode: 1000 });
    }
    const admin = await client('admin3', { storage: {} });
    expect((await admin.storage.list('')).map((e) => e.name)).toEqual(['public', 'secret', 'shared']);
    expect(await readdir(join(dataDir, 'rooms', ROOM, 'tmp'))).toEqual([]);
    raw.close();
  });
});

function binary(headers: Record<string, unknown>, data = new Uint8Array()): Content {
  return { type: 'binary', headers, data };
}

async function sendChunk(raw: RawClient, toolCallId: string, chunk: Content): Promise<void> {
  const header: Record<string, unknown> = { type: chunk.type };
  let payload: Uint8Array = new Uint8Array();
  if (chunk.type === 'binary') {
    header['headers'] = chunk.headers;
    payload = chunk.data;
  } else if (chunk.type === 'text') header['text'] = chunk.text;
  else if (chunk.type === 'json') header['json'] = chunk.json;
  else if (chunk.type === 'control') Object.assign(header, { method: chunk.method, status_code: chunk.statusCode });
  const id = raw.sendMessage('room.tool_call_request_chunk', pack({ tool_call_id: toolCallId, chunk: header }, payload));
  await raw.waitFor((m) => m.type === '__response__' && m.id === id);
}

function chunkOf(message: { header: unknown }, toolCallId: string): Record<string, unknown> | undefined {
  const header = message.header as { tool_call_id?: string; chunk?: Record<string, unknown> };
  return header.tool_call_id === toolCallId ? header.chunk : undefined;
}
