import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CloseCode } from '@convene/protocol';
import type { MeshDocument, RoomClient } from '@convene/client';
import type { RunningRoomServer } from '@convene/server';
import type * as Mesh from '@meshagent/meshagent';
import { conveneClient } from './support/convene.js';
import { joinMeshAgent, mesh } from './support/meshagent.js';
import { SECRET, startServer } from './support/server.js';
import { labelSet, listSchema, until } from './support/sync-fixtures.js';

/** The test schema, built with MeshAgent's own classes (the same shape as `listSchema()`). */
function meshSchema(): Mesh.MeshSchema {
  const { MeshSchema, ElementType, ChildProperty, ValueProperty, SimpleValue } = mesh;
  return new MeshSchema({
    rootTagName: 'doc',
    elements: [
      new ElementType({ tagName: 'doc', properties: [new ValueProperty({ name: 'title', type: SimpleValue.string }), new ChildProperty({ name: 'children', childTagNames: ['item', 'text'] })] }),
      new ElementType({
        tagName: 'item',
        properties: [
          new ValueProperty({ name: 'label', type: SimpleValue.string }),
          new ValueProperty({ name: 'done', type: SimpleValue.boolean }),
          new ValueProperty({ name: 'count', type: SimpleValue.number }),
          new ChildProperty({ name: 'children', childTagNames: ['item'] }),
        ],
      }),
      new ElementType({ tagName: 'text', properties: [] }),
    ],
  });
}

/** What the official client's document tree shows: item labels, sorted. */
function meshLabels(doc: Mesh.MeshDocument): string[] {
  return doc.root.getChildren().flatMap((node) => (node instanceof mesh.Element && node.tagName === 'item' ? [String(node.getAttribute('label'))] : [])).sort();
}

function meshItem(doc: Mesh.MeshDocument, label: string): Mesh.Element | undefined {
  return doc.root.getChildren().find((n): n is Mesh.Element => n instanceof mesh.Element && n.getAttribute('label') === label);
}

describe('MeshAgent 0.39.9 documents on a Convene server', () => {
  let server: RunningRoomServer;
  let official: Mesh.RoomClient;
  let convene: RoomClient;

  beforeEach(async () => {
    // The official document runtime logs every change it applies.
    vi.spyOn(console, 'log').mockImplementation(() => {});
    server = await startServer();
    official = await joinMeshAgent({ url: server.url, room: 'docs', name: 'agent', secret: SECRET });
    convene = conveneClient({ url: server.url, room: 'docs', name: 'carol' });
    await convene.start();
  });

  afterEach(async () => {
    convene?.dispose();
    official?.dispose();
    await server?.close();
    vi.restoreAllMocks();
  });

  it('both sides see each other\'s elements with their attributes', async () => {
    const meshDoc = await official.sync.open('shared/plan.doc', { schema: meshSchema() });
    const ours: MeshDocument = await convene.sync.open('shared/plan.doc', { schema: listSchema() });
    // The server answered the official client with the schema it sent, in MeshAgent's JSON form.
    expect(ours.schema.toJson()).toEqual(JSON.parse(JSON.stringify(meshSchema().toJson())));

    const fromOfficial = meshDoc.root.createChildElement('item', { label: 'from-official', count: 3 });
    const seen = await until(() => ours.getElementById(fromOfficial.id!), (e) => e !== null);
    expect(seen?.tagName).toBe('item');
    expect(seen?.getAttribute('label')).toBe('from-official');
    expect(seen?.getAttribute('count')).toBe(3);

    const fromConvene = ours.root.createChildElement('item', { label: 'from-convene', done: true });
    const theirs = await until(() => meshItem(meshDoc, 'from-convene'), (e) => e !== undefined);
    expect(theirs?.id).toBe(fromConvene.id);
    expect(theirs?.getAttribute('done')).toBe(true);

    // Attribute changes and deletions, both ways.
    seen!.setAttribute('done', true);
    await until(() => fromOfficial.getAttribute('done'), (v) => v === true);
    theirs!.setAttribute('label', 'renamed');
    await until(() => fromConvene.getAttribute('label'), (v) => v === 'renamed');
    theirs!.delete();
    await until(() => fromConvene.isAlive, (alive) => !alive);
    expect(labelSet(ours)).toEqual(['from-official']);
    expect(meshLabels(meshDoc)).toEqual(['from-official']);
  });

  it('carries text edits both ways', async () => {
    const meshDoc = await official.sync.open('text.doc', { schema: meshSchema() });
    const ours = await convene.sync.open('text.doc', { schema: listSchema() });
    const meshText = meshDoc.root.createChildElement('text', {});
    const ourText = (await until(() => ours.getElementById(meshText.id!), (e) => e !== null))!.text!;
    (meshText.getChildren()[0] as Mesh.TextElement).insert(0, 'hello');
    await until(() => ourText.toString(), (t) => t === 'hello');
    ourText.insert(5, ' world');
    const delta = await until(() => (meshText.getChildren()[0] as Mesh.TextElement).delta.map((d) => d['insert']).join(''), (t) => t === 'hello world');
    expect(delta).toBe('hello world');
  });

  it('serves the official client a document the Convene client created, and the reverse', async () => {
    await convene.sync.create('made-by-convene.doc', { doc: { title: 'T', children: [{ item: { label: 'seed' } }] } }, { schema: listSchema() });
    const meshDoc = await official.sync.open('made-by-convene.doc', { schema: meshSchema() });
    await until(() => meshLabels(meshDoc), (l) => l.join() === 'seed');
    expect(meshDoc.root.getAttribute('title')).toBe('T');

    const other = await official.sync.open('made-by-official.doc', { schema: meshSchema() });
    other.root.createChildElement('item', { label: 'x' });
    await official.sync.close('made-by-official.doc');
    const ours = await convene.sync.open('made-by-official.doc', { create: false });
    expect(labelSet(ours)).toEqual(['x']);
  });

  it('re-opens the official client\'s documents after it reconnects, with what it missed', async () => {
    const meshDoc = await official.sync.open('reconnect.doc', { schema: meshSchema() });
    const ours = await convene.sync.open('reconnect.doc', { schema: listSchema() });
    meshDoc.root.createChildElement('item', { label: 'before' });
    await until(() => labelSet(ours), (l) => l.includes('before'));

    const reconnected = new Promise<void>((resolve) => official.on('reconnected', () => resolve()));
    const participant = [...server.core.room('docs')!.participants()].find((p) => p.claims.name === 'agent')!;
    participant.connection.close(CloseCode.TryAgainLater, 'server_shutdown', 'test');
    // While the official client is away, the Convene client edits.
    ours.root.createChildElement('item', { label: 'while-away' });
    await reconnected;
    expect(await until(() => meshLabels(meshDoc), (l) => l.includes('while-away'))).toEqual(['before', 'while-away']);
    // And its edits after the reconnect flow again.
    meshDoc.root.createChildElement('item', { label: 'after' });
    await until(() => labelSet(ours), (l) => l.includes('after'));
    expect(labelSet(ours)).toEqual(['after', 'before', 'while-away']);
  });
});
