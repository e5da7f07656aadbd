import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoomClient } from '@convene/client';
import type { MeshDocument } from '@convene/client/sync';
import { pack, type ApiScope } from '@convene/protocol';
import type { RunningRoomServer } from '@convene/server';
import { catalogTools, coveredTools, describeRows, joinWith, type MatrixRow } from './support/authorization-matrix.js';
import { startServer } from './support/server.js';
import { labels, listSchema } from './support/sync-fixtures.js';

/**
 * Authorization matrix: documents (`sync` API; `sync.paths` patterns with `read_only`). The wire
 * form of a refused edit chunk is test/sync-wire.test.ts.
 */
const ROOM = 'matrix-sync';
const DOC = 'notes/a.doc';

let server: RunningRoomServer;
let admin: RoomClient;
/** Documents a row creates get a new name per case, since the server never deletes one. */
let fresh = 0;
const freshPath = () => `notes/new-${fresh}.doc`;
let edits = 0;

beforeAll(async () => {
  server = await startServer();
  admin = await joinWith(server, ROOM, 'admin', { sync: {} });
  await admin.sync.create(DOC, { doc: { children: [{ item: { label: 'seed' } }] } }, { schema: listSchema() });
});
afterAll(async () => {
  console.info(`authorization matrix (sync): ${ROWS.length} rows, ${ROWS.reduce((n, row) => n + Object.keys(row.refused).length, 0)} refusals`);
  admin.dispose();
  await server.close();
});

/** The item labels of a document as a fresh open by the admin reads them, or "missing". */
async function read(path: string): Promise<string[] | 'missing'> {
  try {
    const document = await admin.sync.open(path, { create: false });
    const seen = labels(document);
    await admin.sync.close(path);
    return seen;
  } catch (error) {
    if ((error as { code?: string }).code === 'not_found') return 'missing';
    throw error;
  }
}

const state = async () => ({ [DOC]: await read(DOC), [freshPath()]: await read(freshPath()) });

/** Opens `path`, adds an item, and resolves once the admin sees it, or rejects with the room's refusal. */
async function edit(client: RoomClient, path: string, label: string): Promise<string> {
  const document: MeshDocument = await client.sync.open(path);
  let refusal: unknown;
  document.on('error', (error) => void (refusal ??= error));
  document.root.createChildElement('item', { label });
  await client.sync.flush(path);
  const deadline = Date.now() + 5_000;
  for (;;) {
    if (refusal !== undefined) throw refusal;
    const seen = await read(path);
    if (seen !== 'missing' && seen.includes(label)) return label;
    if (Date.now() > deadline) throw new Error(`neither a refusal nor the edit "${label}" within 5 s`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const paths = (...entries: { path: string; read_only?: boolean }[]): ApiScope => ({ sync: { paths: entries } });
const NO_API = { 'no sync api': { messaging: {} }, 'sync: false': { sync: false } } as const;
/** Tokens that may not create `notes/new-<n>.doc`. */
const NO_CREATE = {
  ...NO_API,
  'a read-only pattern': paths({ path: 'notes/*', read_only: true }),
  'another document': paths({ path: DOC }),
  'paths is not a list': { sync: { paths: 'notes/*' } },
};

const ROWS: MatrixRow[] = [
  {
    tool: 'sync.open',
    label: 'reading',
    granted: paths({ path: DOC, read_only: true }),
    refused: {
      ...NO_API,
      'another document': paths({ path: 'notes/b.doc' }),
      'another folder': paths({ path: 'other/*' }),
      'a folder without "*" (exact match only)': paths({ path: 'notes/' }),
    },
    attempt: (c) => c.sync.open(DOC, { create: false }),
    state,
    succeeded: (result) => expect(labels(result as MeshDocument)).toContain('seed'),
    hidden: ['seed'],
  },
  {
    tool: 'sync.open',
    label: 'creating a missing document',
    granted: paths({ path: 'notes/*' }),
    refused: NO_CREATE,
    prepare: async () => void fresh++,
    attempt: (c) => c.sync.open(freshPath(), { schema: listSchema() }),
    state,
    succeeded: (_result, before, after) => {
      expect(before).toHaveProperty([freshPath()], 'missing');
      expect(after).toHaveProperty([freshPath()], []);
    },
  },
  {
    tool: 'sync.open',
    label: 'editing',
    granted: paths({ path: DOC }),
    refused: {
      'a read-only entry': paths({ path: DOC, read_only: true }),
      'the first matching entry is read-only': paths({ path: 'notes/*', read_only: true }, { path: DOC }),
    },
    attempt: (c) => edit(c, DOC, `edit-${edits++}`),
    state,
    succeeded: (result, _before, after) => expect(after).toHaveProperty([DOC], expect.arrayContaining([result])),
  },
  {
    tool: 'sync.create',
    granted: paths({ path: 'notes/*' }),
    refused: NO_CREATE,
    prepare: async () => void fresh++,
    attempt: (c) => c.sync.create(freshPath(), null, { schema: listSchema() }),
    state,
    succeeded: (_result, before, after) => {
      expect(before).toHaveProperty([freshPath()], 'missing');
      expect(after).toHaveProperty([freshPath()], []);
    },
  },
];

describe('authorization matrix: sync', () => {
  it('has a row for every sync tool the running server offers', () => {
    expect(coveredTools(ROWS)).toEqual(catalogTools(server, 'sync'));
  });

  describeRows(ROWS, () => server, ROOM);

  it('does not let a read-only opener give a stored document without a schema its schema', async () => {
    // A document file without a schema (an older or damaged sidecar), put in place by the server side.
    const legacy = new Y.Doc();
    legacy.get('xml', Y.XmlElement);
    const file = pack({ format: 'convene.sync', version: 1, schema: null }, Y.encodeStateAsUpdate(legacy));
    await server.core.room(ROOM)!.storage.writeFile('.sync/notes/legacy.doc.yjs', file);
    const reader = await joinWith(server, ROOM, 'reader', paths({ path: 'notes/*', read_only: true }));
    try {
      // Reading with a schema of its own is fine...
      await reader.sync.open('notes/legacy.doc', { schema: listSchema(), create: false });
      await reader.sync.close('notes/legacy.doc');
      // ...but the stored document must not have changed: it still has no schema of its own.
      await expect.poll(async () => (await admin.sync.open('notes/legacy.doc', { create: false }).then(() => 'opened', (e: { code: string }) => e.code))).toBe('bad_request');
    } finally {
      reader.dispose();
    }
  });
});
