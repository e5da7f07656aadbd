import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoomClient, StorageEntry } from '@convene/client';
import type { ApiScope } from '@convene/protocol';
import type { RunningRoomServer } from '@convene/server';
import { catalogTools, coveredTools, describeRows, joinWith, type MatrixRow } from './support/authorization-matrix.js';
import { startServer } from './support/server.js';

/**
 * Authorization matrix: storage (`storage` API, `storage.paths` with `read_only`). Path-traversal
 * safety and the `.sync` folder are test/storage-security.test.ts.
 */
const ROOM = 'matrix-storage';
const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array) => new TextDecoder().decode(data);

let server: RunningRoomServer;
let admin: RoomClient;

beforeAll(async () => {
  server = await startServer();
  admin = await joinWith(server, ROOM, 'admin', { storage: {} });
  await admin.storage.upload('secret/plans.txt', bytes('the secret plans'));
  await admin.storage.upload('shared/notes.txt', bytes('shared notes'));
  await admin.storage.upload('public/readme.txt', bytes('readme'));
});
afterAll(async () => {
  console.info(`authorization matrix (storage): ${ROWS.length} rows, ${ROWS.reduce((n, row) => n + Object.keys(row.refused).length, 0)} refusals`);
  admin.dispose();
  await server.close();
});

/** Every file of the room with its content, as the admin sees it. */
async function files(): Promise<string[]> {
  const out: string[] = [];
  async function walk(path: string): Promise<void> {
    for (const entry of await admin.storage.list(path)) {
      if (entry.isFolder) await walk(entry.path);
      else out.push(`${entry.path}=${text((await admin.storage.download(entry.path)).data)}`);
    }
  }
  await walk('');
  return out.sort();
}

async function put(path: string, content: string): Promise<void> {
  await admin.storage.upload(path, bytes(content), { overwrite: true });
}

async function remove(path: string): Promise<void> {
  if (await admin.storage.exists(path)) await admin.storage.delete(path, { recursive: true });
}

const paths = (...entries: { path: string; read_only?: boolean }[]): ApiScope => ({ storage: { paths: entries } });
/** The refusals every storage row has: no `storage` key, and `storage: false`. */
const NO_API = { 'no storage api': { messaging: {} }, 'storage: false': { storage: false } } as const;
const state = () => files();

/** Reads of `secret/…`: allowed by a `secret/` entry (read-only is enough), refused elsewhere. */
const readRefusals = { ...NO_API, 'path outside the grant': paths({ path: 'shared/' }), 'a sibling prefix': paths({ path: 'secret/plans.txt.bak' }) };
const SECRET_READER = paths({ path: 'secret/', read_only: true });

const ROWS: MatrixRow<string[]>[] = [
  {
    tool: 'storage.list',
    granted: SECRET_READER,
    refused: readRefusals,
    attempt: (c) => c.storage.list('secret'),
    state,
    succeeded: (result) => expect((result as StorageEntry[]).map((e) => e.name)).toEqual(['plans.txt']),
    hidden: ['plans.txt'],
  },
  {
    tool: 'storage.stat',
    granted: SECRET_READER,
    refused: readRefusals,
    attempt: (c) => c.storage.stat('secret/plans.txt'),
    state,
    succeeded: (result) => expect(result).toMatchObject({ name: 'plans.txt', size: 16 }),
    hidden: ['16'],
  },
  {
    tool: 'storage.exists',
    granted: SECRET_READER,
    refused: readRefusals,
    attempt: (c) => c.storage.exists('secret/plans.txt'),
    state,
    succeeded: (result) => expect(result).toBe(true),
  },
  {
    tool: 'storage.download_url',
    granted: SECRET_READER,
    refused: readRefusals,
    attempt: (c) => c.storage.downloadUrl('secret/plans.txt'),
    state,
    succeeded: (result) => expect(result).toMatch(/\/files\/secret\/plans\.txt\?token=/),
    hidden: ['token='],
  },
  {
    tool: 'storage.download',
    granted: SECRET_READER,
    refused: readRefusals,
    attempt: (c) => c.storage.download('secret/plans.txt'),
    state,
    succeeded: (result) => expect(text((result as { data: Uint8Array }).data)).toBe('the secret plans'),
    hidden: ['the secret plans'],
  },
  {
    tool: 'storage.upload',
    label: 'a new file',
    granted: paths({ path: 'shared/' }),
    refused: { ...NO_API, 'read-only entry': paths({ path: 'shared/', read_only: true }), 'path outside the grant': paths({ path: 'public/' }), 'first matching entry is read-only': paths({ path: 'shared/', read_only: true }, { path: 'shared/new.txt' }) },
    prepare: () => remove('shared/new.txt'),
    attempt: (c) => c.storage.upload('shared/new.txt', bytes('new')),
    state,
    succeeded: (_result, before, after) => expect(after).toEqual([...before, 'shared/new.txt=new'].sort()),
  },
  {
    tool: 'storage.upload',
    label: 'overwriting a file',
    granted: paths({ path: 'shared/' }),
    refused: { ...NO_API, 'read-only entry': paths({ path: 'shared/', read_only: true }), 'path outside the grant': paths({ path: 'public/' }) },
    prepare: () => put('shared/notes.txt', 'shared notes'),
    attempt: (c) => c.storage.upload('shared/notes.txt', bytes('overwritten'), { overwrite: true }),
    state,
    succeeded: (_result, _before, after) => expect(after).toContain('shared/notes.txt=overwritten'),
  },
  {
    tool: 'storage.delete',
    label: 'a file',
    granted: paths({ path: 'shared/' }),
    refused: { ...NO_API, 'read-only entry': paths({ path: 'shared/', read_only: true }), 'path outside the grant': paths({ path: 'public/' }) },
    prepare: () => put('shared/victim.txt', 'victim'),
    attempt: (c) => c.storage.delete('shared/victim.txt'),
    state,
    succeeded: (_result, before, after) => expect(after).toEqual(before.filter((f) => f !== 'shared/victim.txt=victim')),
  },
  {
    tool: 'storage.delete',
    label: 'a folder holding a read-only entry',
    granted: paths({ path: 'box' }),
    refused: { ...NO_API, 'read-only entry inside': paths({ path: 'box/keep/', read_only: true }, { path: 'box' }) },
    prepare: async () => {
      await put('box/a.txt', 'a');
      await put('box/keep/b.txt', 'b');
    },
    attempt: (c) => c.storage.delete('box', { recursive: true }),
    state,
    succeeded: (_result, _before, after) => expect(after.filter((f) => f.startsWith('box/'))).toEqual([]),
  },
  {
    tool: 'storage.move',
    granted: paths({ path: 'shared/' }),
    refused: {
      ...NO_API,
      'read-only source and destination': paths({ path: 'shared/', read_only: true }),
      'source outside the grant': paths({ path: 'shared/moved/' }),
      'destination outside the grant': paths({ path: 'shared/m.txt' }),
      'destination read-only': paths({ path: 'shared/moved/', read_only: true }, { path: 'shared/' }),
    },
    prepare: async () => {
      await remove('shared/moved');
      await put('shared/m.txt', 'm');
    },
    attempt: (c) => c.storage.move('shared/m.txt', 'shared/moved/m.txt'),
    state,
    succeeded: (_result, _before, after) => {
      expect(after).toContain('shared/moved/m.txt=m');
      expect(after).not.toContain('shared/m.txt=m');
    },
  },
];

describe('authorization matrix: storage', () => {
  it('has a row for every storage tool the running server offers', () => {
    expect(coveredTools(ROWS)).toEqual(catalogTools(server, 'storage'));
  });

  describeRows(ROWS, () => server, ROOM);

  it('gives the same refusal for a missing path as for an existing one', async () => {
    const outsider = await joinWith(server, ROOM, 'outsider', paths({ path: 'shared/' }));
    try {
      const message = (path: string) => outsider.storage.stat(path).then(() => 'allowed', (e: Error) => e.message.replace(path, '<path>'));
      expect(await message('secret/plans.txt')).toBe(await message('secret/missing.txt'));
      expect(await message('secret/plans.txt')).not.toBe('allowed');
    } finally {
      outsider.dispose();
    }
  });

  it('never names a path outside the grant in a move event: one side sees a delete or an update', async () => {
    const events: string[] = [];
    const record = (c: RoomClient, who: string) => {
      c.storage.on('file_updated', (e) => events.push(`${who} updated ${e.path}`));
      c.storage.on('file_deleted', (e) => events.push(`${who} deleted ${e.path}`));
      c.storage.on('file_moved', (e) => events.push(`${who} moved ${e.sourcePath} -> ${e.destinationPath}`));
    };
    await put('secret/leaving.txt', 'x');
    const publicOnly = await joinWith(server, ROOM, 'public-only', paths({ path: 'public/' }));
    const secretOnly = await joinWith(server, ROOM, 'secret-only', paths({ path: 'secret/' }));
    const both = await joinWith(server, ROOM, 'both', paths({ path: 'secret/' }, { path: 'public/' }));
    record(publicOnly, 'public-only');
    record(secretOnly, 'secret-only');
    record(both, 'both');
    try {
      await admin.storage.move('secret/leaving.txt', 'public/arrived.txt');
      await expect.poll(() => events.length).toBe(3);
      expect(events.sort()).toEqual([
        'both moved secret/leaving.txt -> public/arrived.txt',
        'public-only updated public/arrived.txt',
        'secret-only deleted secret/leaving.txt',
      ]);
    } finally {
      for (const c of [publicOnly, secretOnly, both]) c.dispose();
      await remove('public/arrived.txt');
    }
  });

  it('does not send storage events for paths the token cannot read', async () => {
    const outsider = await joinWith(server, ROOM, 'outsider', paths({ path: 'shared/' }));
    const seen: string[] = [];
    outsider.storage.on('file_updated', (event) => seen.push(event.path));
    try {
      await put('secret/new-plans.txt', 'more secrets');
      await put('shared/visible.txt', 'visible');
      await expect.poll(() => seen).toContain('shared/visible.txt');
      expect(seen).not.toContain('secret/new-plans.txt');
    } finally {
      outsider.dispose();
      await remove('secret/new-plans.txt');
      await remove('shared/visible.txt');
    }
  });
});
