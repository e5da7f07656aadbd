import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { RoomError } from '@convene/client';
import { ChildProperty, ElementType, MeshDocument, MeshSchema, SchemaError, ValueProperty, type DocumentChangeEvent } from '@convene/client/sync';

const schema = new MeshSchema({
  rootTagName: 'doc',
  elements: [
    new ElementType({ tagName: 'doc', properties: [new ValueProperty({ name: 'title', type: 'string' }), new ChildProperty({ name: 'children', childTagNames: ['item', 'text'] })] }),
    new ElementType({ tagName: 'item', properties: [new ValueProperty({ name: 'label', type: 'string' }), new ValueProperty({ name: 'tags', type: 'string' }), new ChildProperty({ name: 'children', childTagNames: ['item'] })] }),
    new ElementType({ tagName: 'text', properties: [] }),
  ],
});

/** Two documents joined like two clients through a server: every update goes both ways. */
function pair(): [MeshDocument, MeshDocument] {
  const a = new MeshDocument({ schema });
  const b = new MeshDocument({ schema });
  a.ydoc.on('update', (u: Uint8Array, _o: unknown, _d: Y.Doc, t: Y.Transaction) => t.local && Y.applyUpdate(b.ydoc, u));
  b.ydoc.on('update', (u: Uint8Array, _o: unknown, _d: Y.Doc, t: Y.Transaction) => t.local && Y.applyUpdate(a.ydoc, u));
  return [a, b];
}

describe('MeshDocument', () => {
  it('stores elements the MeshAgent way: Y.XmlElement named by tag, $id, text as Y.XmlText', () => {
    const doc = new MeshDocument({ schema });
    const item = doc.root.createChildElement('item', { label: 'a' }, { id: 'fixed-id' });
    const text = doc.root.createChildElement('text');
    text.text!.insert(0, 'hey');
    const yRoot = doc.ydoc.get('xml', Y.XmlElement);
    const [yItem, yText] = yRoot.toArray() as Y.XmlElement[];
    expect(yItem!.nodeName).toBe('item');
    expect(yItem!.getAttributes()).toEqual({ $id: 'fixed-id', label: 'a' });
    expect(yText!.firstChild).toBeInstanceOf(Y.XmlText);
    expect(item.id).toBe('fixed-id');
    expect(doc.root.createChildElement('item').id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('gives MeshAgent-shaped JSON, and a snapshot with ids and text', () => {
    const doc = new MeshDocument({ schema });
    doc.root.setAttribute('title', 'T');
    const item = doc.root.appendJson({ item: { label: 'parent', children: [{ item: { label: 'child' } }] } });
    doc.root.appendJson({ text: { $text: 'body' } });
    expect(doc.toJson()).toEqual({ doc: { title: 'T', children: [{ item: { label: 'parent', children: [{ item: { label: 'child', children: [] } }] } }, { text: {} }] } });
    expect(doc.snapshot).toEqual({
      doc: { title: 'T', children: [{ item: { $id: item.id, label: 'parent', children: [{ item: { $id: expect.any(String), label: 'child', children: [] } }] } }, { text: { $id: expect.any(String), $text: 'body' } }] },
    });
    expect(Object.isFrozen(doc.snapshot)).toBe(true);
  });

  it('keeps the snapshot reference until a change, and unchanged subtrees across changes', () => {
    const doc = new MeshDocument({ schema });
    const first = doc.root.createChildElement('item', { label: 'one' });
    const second = doc.root.createChildElement('item', { label: 'two' });
    const before = doc.snapshot;
    expect(doc.snapshot).toBe(before);
    second.setAttribute('label', 'TWO');
    const after = doc.snapshot;
    expect(after).not.toBe(before);
    const children = (s: typeof before) => s['doc']!['children'] as readonly unknown[];
    expect(children(after)[0]).toBe(children(before)[0]);
    expect(children(after)[1]).not.toBe(children(before)[1]);
    expect(first.getAttribute('label')).toBe('one');
  });

  it('emits one change per transaction, local or from the room', () => {
    const [a, b] = pair();
    const seenA: DocumentChangeEvent[] = [];
    const seenB: DocumentChangeEvent[] = [];
    a.on('change', (e) => seenA.push(e));
    b.on('change', (e) => seenB.push(e));
    a.transact(() => {
      a.root.createChildElement('item', { label: 'x' });
      a.root.createChildElement('item', { label: 'y' });
    });
    expect(seenA).toEqual([{ local: true }]);
    expect(seenB).toEqual([{ local: false }]);
    expect(b.snapshot).toEqual(a.snapshot);
    let calls = 0;
    const off = b.subscribe(() => calls++);
    a.root.getChildren()[0]!.delete();
    off();
    a.root.getChildren()[0]!.delete();
    expect(calls).toBe(1);
    expect(b.root.getChildren()).toHaveLength(0);
  });

  it('has a fresh snapshot after remote edits made before anyone listened or read it', () => {
    // The deep observer starts with the first listener or snapshot; edits before that must still show.
    const [a, b] = pair();
    a.root.createChildElement('item', { label: 'early' });
    expect(b.snapshot).toEqual(a.snapshot);
    const seen = b.snapshot;
    a.root.getChildren()[0]!.setAttribute('label', 'later');
    expect(b.snapshot).not.toBe(seen);
    expect(b.root.getChildren()[0]!.getAttribute('label')).toBe('later');
    expect(b.snapshot).toEqual(a.snapshot);
    let changes = 0;
    const quiet = new MeshDocument({ schema });
    quiet.root.createChildElement('item', { label: 'unobserved' });
    quiet.on('change', () => changes++);
    quiet.root.createChildElement('item', { label: 'observed' });
    expect(changes).toBe(1);
  });

  it('merges concurrent edits made on both sides', () => {
    const a = new MeshDocument({ schema });
    const b = new MeshDocument({ schema });
    a.root.createChildElement('item', { label: 'a' });
    b.root.createChildElement('item', { label: 'b' });
    Y.applyUpdate(b.ydoc, Y.encodeStateAsUpdate(a.ydoc, Y.encodeStateVector(b.ydoc)));
    Y.applyUpdate(a.ydoc, Y.encodeStateAsUpdate(b.ydoc, Y.encodeStateVector(a.ydoc)));
    expect(a.snapshot).toEqual(b.snapshot);
    expect(a.root.getChildren().map((e) => e.getAttribute('label')).sort()).toEqual(['a', 'b']);
  });

  it('refuses mutations the schema does not allow, and any on deleted elements', () => {
    const doc = new MeshDocument({ schema });
    const item = doc.root.createChildElement('item', { label: 'x' });
    const reason = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        expect(error).toBeInstanceOf(SchemaError);
        return (error as SchemaError).reason;
      }
      return 'no error';
    };
    expect(reason(() => doc.root.createChildElement('ghost'))).toBe('unknown_element');
    expect(reason(() => item.createChildElement('text'))).toBe('child_not_allowed');
    expect(reason(() => doc.root.createChildElement('text').createChildElement('item'))).toBe('child_not_allowed');
    expect(reason(() => item.setAttribute('label', 3))).toBe('invalid_value');
    expect(reason(() => item.setAttribute('children', 'x'))).toBe('unknown_attribute');
    expect(reason(() => doc.root.appendJson({ item: { colour: 'red' } }))).toBe('unknown_attribute');
    expect(reason(() => doc.root.appendJson({ item: {}, text: {} }))).toBe('invalid_json');
    expect(doc.root.getChildren()).toHaveLength(2);
    item.delete();
    expect(item.isAlive).toBe(false);
    expect(() => item.setAttribute('label', 'y')).toThrow(RoomError);
    expect(() => doc.root.delete()).toThrow(/root element cannot be deleted/);
  });

  it('finds elements by id and knows their parents', () => {
    const doc = new MeshDocument({ schema });
    const parent = doc.root.createChildElement('item', { label: 'p' });
    const child = parent.createChildElementAt(0, 'item', { label: 'c' });
    expect(doc.getElementById(child.id!)).toBe(child);
    expect(child.parent).toBe(parent);
    expect(parent.parent).toBe(doc.root);
    expect(doc.root.parent).toBeNull();
    expect(doc.getElementById('nope')).toBeNull();
  });
});
