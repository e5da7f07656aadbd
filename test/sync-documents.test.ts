import { afterEach, describe, expect, it } from 'vitest';
import { RoomError, type RoomClient } from '@convene/client';
import { SchemaError, type ElementJson } from '@convene/client/sync';
import type { RunningRoomServer } from '@convene/server';
import { conveneClient, tappedTransport } from './support/convene.js';
import { startServer } from './support/server.js';
import { labelSet, labels, listSchema, until } from './support/sync-fixtures.js';

const decoder = new TextDecoder();
let server: RunningRoomServer | undefined;
const clients: RoomClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.dispose();
  await server?.close();
  server = undefined;
});

async function join(name: string): Promise<RoomClient> {
  server ??= await startServer();
  const client = conveneClient({ url: server.url, room: 'docs', name });
  clients.push(client);
  await client.start();
  return client;
}

describe('room.sync with two Convene clients', () => {
  it('merges concurrent edits from both sides into the same document', async () => {
    const alice = await join('alice');
    const bob = await join('bob');
    const schema = listSchema();
    const a = await alice.sync.open('lists/shared.doc', { schema });
    const b = await bob.sync.open('/lists/shared.doc', { schema });
    for (let i = 0; i < 20; i++) {
      a.root.createChildElement('item', { label: `a${i}` });
      b.root.createChildElement('item', { label: `b${i}` });
    }
    const expected = [...Array.from({ length: 20 }, (_, i) => `a${i}`), ...Array.from({ length: 20 }, (_, i) => `b${i}`)].sort();
    await until(() => labelSet(a).join() + labelSet(b).join(), () => labelSet(a).join() === expected.join() && labelSet(b).join() === expected.join());
    expect(labelSet(a)).toEqual(expected);
    // Same order on both sides, not just the same set.
    expect(labels(a)).toEqual(labels(b));
    expect(a.snapshot).toEqual(b.snapshot);
  });

  it('asks the room to acknowledge one edit in eight, and sync.flush still confirms them all', async () => {
    server ??= await startServer();
    // Counts the acknowledgements alice's socket receives: header frames of `__response__` messages.
    let responses = 0;
    const counting = tappedTransport((frame) => {
      if (frame.length >= 16 && new DataView(frame.buffer, frame.byteOffset).getUint32(8) === 0 && decoder.decode(frame.subarray(16)) === '__response__') responses++;
    });
    const alice = conveneClient({ url: server.url, room: 'docs', name: 'alice', transport: counting });
    clients.push(alice);
    await alice.start();
    const bob = await join('bob');
    const schema = listSchema();
    const a = await alice.sync.open('quiet.doc', { schema });
    const b = await bob.sync.open('quiet.doc', { schema });
    const before = responses;
    const edits = 80;
    for (let i = 0; i < edits; i++) {
      a.root.createChildElement('item', { label: `a${i}` });
      await new Promise((resolve) => setTimeout(resolve, 0)); // one chunk per edit
    }
    await alice.sync.flush('quiet.doc');
    const acknowledged = responses - before;
    expect(acknowledged).toBeGreaterThanOrEqual(edits / 8);
    expect(acknowledged).toBeLessThanOrEqual(edits / 8 + 2);
    const expected = Array.from({ length: edits }, (_, i) => `a${i}`).sort();
    await until(() => labelSet(b).join(), () => labelSet(b).join() === expected.join());
    expect(labels(b)).toEqual(labels(a));
    // A newcomer gets the whole document from the server's own copy.
    const carol = await join('carol');
    const c = await carol.sync.open('quiet.doc', { schema });
    expect(labels(c)).toEqual(labels(a));
  });

  it('carries attributes and text both ways, and deletions', async () => {
    const alice = await join('alice');
    const bob = await join('bob');
    const schema = listSchema();
    const a = await alice.sync.open('notes.doc', { schema });
    const b = await bob.sync.open('notes.doc', { schema });
    const item = a.root.createChildElement('item', { label: 'milk', count: 2 });
    const seen = await until(() => b.getElementById(item.id!), (e) => e !== null);
    expect(seen!.getAttribute('count')).toBe(2);
    seen!.setAttribute('done', true);
    await until(() => item.getAttribute('done'), (v) => v === true);
    const text = b.root.createChildElement('text').text!;
    text.insert(0, 'hello');
    await until(() => a.snapshot, (s) => JSON.stringify(s).includes('"$text":"hello"'));
    item.delete();
    await until(() => b.getElementById(item.id!), (e) => e === null);
    expect(seen!.isAlive).toBe(false);
  });

  it('shares one document between repeated opens and closes it with the last close', async () => {
    const alice = await join('alice');
    const schema = listSchema();
    const first = await alice.sync.open('x.doc', { schema });
    const second = await alice.sync.open('./x.doc', { schema });
    expect(second).toBe(first);
    await alice.sync.close('x.doc');
    expect(alice.sync.get('x.doc')).toBe(first);
    await alice.sync.close('x.doc');
    expect(alice.sync.get('x.doc')).toBeUndefined();
    await expect(alice.sync.close('x.doc')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('fills a new document from initialJson and sync.create, in the MeshAgent JSON shape', async () => {
    const alice = await join('alice');
    const schema = listSchema();
    const initialJson: ElementJson = { doc: { title: 'Groceries', children: [{ item: { label: 'eggs', children: [{ item: { label: 'brown' } }] } }, { text: { $text: 'notes' } }] } };
    const doc = await alice.sync.open('g.doc', { schema, initialJson });
    expect(doc.toJson()).toEqual({ doc: { title: 'Groceries', children: [{ item: { label: 'eggs', children: [{ item: { label: 'brown', children: [] } }] } }, { text: {} }] } });
    expect(doc.snapshot).toMatchObject({ doc: { children: [{ item: { label: 'eggs' } }, { text: { $text: 'notes' } }] } });
    await alice.sync.create('made.doc', { doc: { title: 'Made', children: [] } }, { schema });
    const made = await alice.sync.open('made.doc', { schema, create: false });
    expect(made.root.getAttribute('title')).toBe('Made');
    // initialJson is ignored for a document that already exists.
    await alice.sync.close('g.doc');
    const again = await alice.sync.open('g.doc', { schema, initialJson: { doc: { title: 'Other' } } });
    expect(again.root.getAttribute('title')).toBe('Groceries');
  });

  it('refuses schema violations locally with a typed error, before anything is sent', async () => {
    const alice = await join('alice');
    const doc = await alice.sync.open('strict.doc', { schema: listSchema() });
    const item = doc.root.createChildElement('item', { label: 'ok' });
    const attempts: [string, () => unknown][] = [
      ['unknown_element', () => doc.root.createChildElement('nope')],
      ['child_not_allowed', () => item.createChildElement('text')],
      ['unknown_attribute', () => item.setAttribute('colour', 'red')],
      ['invalid_value', () => item.setAttribute('count', 'three')],
      ['invalid_value', () => doc.root.createChildElement('item', { done: 'yes' })],
      ['unknown_attribute', () => item.setAttribute('$id', 'x')],
    ];
    for (const [reason, attempt] of attempts) {
      const error = (() => {
        try {
          attempt();
        } catch (e) {
          return e;
        }
      })();
      expect(error, reason).toBeInstanceOf(SchemaError);
      expect(error).toBeInstanceOf(RoomError);
      expect((error as SchemaError).code).toBe('bad_request');
      expect((error as SchemaError).reason).toBe(reason);
    }
    expect(doc.root.getChildren()).toHaveLength(1);
    await expect(alice.sync.open('bad.doc', { schema: listSchema(), initialJson: { doc: { children: [{ nope: {} }] } } })).rejects.toBeInstanceOf(SchemaError);
  });

  it('fails an open without any schema with a clear error, and one with create: false on a missing document', async () => {
    const alice = await join('alice');
    const error = await alice.sync.open('no-schema.doc').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RoomError);
    expect((error as RoomError).code).toBe('bad_request');
    expect((error as RoomError).message).toMatch(/no schema for document "no-schema.doc".*\.schemas\/doc\.json/);
    await expect(alice.sync.open('missing.doc', { schema: listSchema(), create: false })).rejects.toMatchObject({ code: 'not_found' });
    // The client stays usable.
    const doc = await alice.sync.open('fine.doc', { schema: listSchema() });
    expect(doc.root.tagName).toBe('doc');
  });
});
