import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { decodeBase64Bytes, encodeBase64Bytes } from '@convene/protocol';
import { silentLogger } from '../logger.js';
import { MemoryStorageBackend } from '../storage/memory-storage.js';
import { decodeDocumentFile, documentFilePath } from '../toolkits/sync/document-file.js';
import { SyncDocument } from '../toolkits/sync/sync-document.js';
import { outlineUpdate } from '../toolkits/sync/update-outline.js';

/**
 * The document fast path: small appending updates are forwarded as they came and applied later in
 * a batch; echoes are dropped; everything else is applied first. Whatever the path, every reader
 * and the stored document must end up with the same content.
 */

const WINDOW = 1_000;

interface Reader {
  doc: Y.Doc;
  received: Uint8Array[];
}

function setup() {
  const storage = new MemoryStorageBackend().forRoom('r');
  const document = new SyncDocument({ path: 'a.doc', doc: new Y.Doc(), schema: null, storage, windowMs: WINDOW, logger: silentLogger });
  const readers = new Map<string, Reader>();
  const reader = (name: string): Reader => {
    const entry: Reader = { doc: new Y.Doc(), received: [] };
    Y.applyUpdate(entry.doc, Y.encodeStateAsUpdate(document.doc));
    document.listen((bytes, origin) => {
      if (origin === name) return;
      const update = decodeBase64Bytes(bytes);
      entry.received.push(update);
      Y.applyUpdate(entry.doc, update);
    });
    readers.set(name, entry);
    return entry;
  };
  /** What a stream does with a chunk: read its outline, then hand over (the text as a padded client sends it). */
  const send = (update: Uint8Array, from: string): void => {
    const text = encodeBase64Bytes(update);
    document.receive(update, outlineUpdate(update), () => text, from);
  };
  const storedText = async (): Promise<string | null> => {
    const data = await storage.readFile(documentFilePath('a.doc'));
    if (!data) return null;
    const doc = new Y.Doc();
    for (const update of decodeDocumentFile(data).updates) Y.applyUpdate(doc, update);
    return doc.getText('t').toString();
  };
  return { document, reader, send, storedText };
}

/** A client doc whose every local change is captured as an update. */
function writer(clientID: number) {
  const doc = new Y.Doc();
  doc.clientID = clientID;
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin !== 'remote') updates.push(update);
  });
  return { doc, text: doc.getText('t'), updates, take: () => updates.splice(0) };
}

describe('SyncDocument.receive', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('forwards a small append as the same bytes to the others only, and applies it by the next read', async () => {
    const { document, reader, send, storedText } = setup();
    const alice = reader('alice');
    const bob = reader('bob');
    const a = writer(1);
    a.text.insert(0, 'hello');
    const [update] = a.take();
    send(update!, 'alice');
    expect(alice.received).toHaveLength(0);
    expect(bob.received).toHaveLength(1);
    expect(bob.received[0]).toEqual(update);
    expect(bob.doc.getText('t').toString()).toBe('hello');
    // Reading the document applies what was held.
    expect(document.doc.getText('t').toString()).toBe('hello');
    await vi.advanceTimersByTimeAsync(WINDOW);
    expect(await storedText()).toBe('hello');
  });

  it('gives every listener of one update the same push id, and each update a new one, relayed or applied', () => {
    const { document, send } = setup();
    const ids: number[][] = [];
    for (let k = 0; k < 3; k++) document.listen((_bytes, _origin, pushId) => void (ids[pushId] ??= []).push(pushId));
    const a = writer(1);
    a.text.insert(0, 'one');
    send(a.take()[0]!, 'alice'); // relayed
    a.text.delete(0, 1);
    send(a.take()[0]!, 'alice'); // a deletion: applied, and what it changed goes out
    expect(ids).toEqual([
      [0, 0, 0],
      [1, 1, 1],
    ]);
  });

  it('a held update reaches storage within the window even when nobody reads the document', async () => {
    const { send, storedText } = setup();
    const a = writer(1);
    a.text.insert(0, 'kept');
    send(a.take()[0]!, 'alice');
    await vi.advanceTimersByTimeAsync(WINDOW);
    expect(await storedText()).toBe('kept');
  });

  it('drops an echo of what it already has (MeshAgent echoes every update it applies)', () => {
    const { reader, send } = setup();
    reader('alice');
    const bob = reader('bob');
    const carol = reader('carol');
    const a = writer(1);
    a.text.insert(0, 'x');
    const [update] = a.take();
    send(update!, 'alice');
    // Bob and Carol echo it back, before and after the server applied it.
    send(update!, 'bob');
    expect(carol.received).toHaveLength(1);
    send(update!, 'carol');
    expect(bob.received).toHaveLength(1);
    expect(carol.received).toHaveLength(1);
  });

  it('applies a deletion first and forwards what it changed; a repeated deletion goes nowhere', () => {
    const { document, reader, send } = setup();
    reader('alice');
    const bob = reader('bob');
    const a = writer(1);
    a.text.insert(0, 'abcdef');
    send(a.take()[0]!, 'alice');
    a.text.delete(1, 3);
    const [deletion] = a.take();
    send(deletion!, 'alice');
    expect(bob.doc.getText('t').toString()).toBe('aef');
    expect(document.doc.getText('t').toString()).toBe('aef');
    const before = bob.received.length;
    send(deletion!, 'bob');
    expect(bob.received).toHaveLength(before);
  });

  it('an update that arrives before the one it follows is held by Yjs and both go out once complete', () => {
    const { document, reader, send } = setup();
    reader('alice');
    const bob = reader('bob');
    const a = writer(1);
    a.text.insert(0, 'one');
    const first = a.take()[0]!;
    a.text.insert(3, 'two');
    const second = a.take()[0]!;
    send(second, 'alice');
    expect(bob.doc.getText('t').toString()).toBe('');
    send(first, 'alice');
    expect(bob.doc.getText('t').toString()).toBe('onetwo');
    expect(document.doc.getText('t').toString()).toBe('onetwo');
  });

  it('applies a large update (offline edits) first and forwards only what is new to the document', () => {
    const { reader, send } = setup();
    reader('alice');
    const bob = reader('bob');
    const a = writer(1);
    a.text.insert(0, 'shared ');
    send(a.take()[0]!, 'alice');
    // Alice reconnects and sends her whole state: mostly what the server has, plus 4 KiB of new text.
    a.text.insert(7, 'y'.repeat(4096));
    a.take();
    const whole = Y.encodeStateAsUpdate(a.doc);
    send(whole, 'alice');
    expect(bob.doc.getText('t').toString()).toBe(`shared ${'y'.repeat(4096)}`);
    const forwarded = bob.received.at(-1)!;
    expect(Y.decodeUpdate(forwarded).structs.every((s) => s.id.clock >= 7)).toBe(true);
  });

  it('holds a bounded number of updates: after thousands of appends the document has them all', () => {
    const { document, reader, send } = setup();
    const bob = reader('bob');
    const a = writer(1);
    for (let i = 0; i < 3_000; i++) {
      a.text.insert(a.text.length, String(i % 10));
      send(a.take()[0]!, 'alice');
    }
    expect(bob.doc.getText('t').length).toBe(3_000);
    expect(document.doc.getText('t').toString()).toBe(bob.doc.getText('t').toString());
  });

  it('random edits from three writers, with echoes, duplicates and reordering: everyone converges', async () => {
    let seed = 7;
    const random = (): number => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const { document, reader, send, storedText } = setup();
    const names = ['w1', 'w2', 'w3'];
    const writers = names.map((name, k) => ({ name, ...writer(k + 1) }));
    const readers = new Map(names.map((name) => [name, reader(name)]));
    const observer = reader('observer');
    const backlog: { update: Uint8Array; from: string }[] = [];
    for (let step = 0; step < 600; step++) {
      const w = writers[Math.floor(random() * writers.length)]!;
      // Each writer first takes in what reached it (a client applies what the server forwards).
      Y.applyUpdate(w.doc, Y.encodeStateAsUpdate(readers.get(w.name)!.doc), 'remote');
      const length = w.text.length;
      if (length > 0 && random() < 0.3) w.text.delete(Math.floor(random() * length), 1 + Math.floor(random() * 3));
      else w.text.insert(Math.floor(random() * (length + 1)), 'abcdefgh'.slice(0, 1 + Math.floor(random() * 8)));
      for (const update of w.take()) backlog.push({ update, from: w.name });
      // Deliver some of the backlog, sometimes out of order, sometimes twice (an echo or a resend).
      while (backlog.length > 0 && random() < 0.7) {
        const index = random() < 0.2 ? Math.floor(random() * backlog.length) : 0;
        const { update, from } = backlog.splice(index, 1)[0]!;
        send(update, from);
        if (random() < 0.1) send(update, names[Math.floor(random() * names.length)]!);
      }
    }
    for (const { update, from } of backlog) send(update, from);
    const expected = document.doc.getText('t').toString();
    expect(expected.length).toBeGreaterThan(100);
    expect(observer.doc.getText('t').toString()).toBe(expected);
    await vi.advanceTimersByTimeAsync(WINDOW);
    expect(await storedText()).toBe(expected);
  });
});
