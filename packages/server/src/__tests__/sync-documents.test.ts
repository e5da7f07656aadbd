import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { PermissionError, RoomError } from '@convene/protocol';
import type { Logger } from '../logger.js';
import { MemoryStorageBackend } from '../storage/memory-storage.js';
import type { RoomStorage } from '../storage/storage-backend.js';
import { decodeDocumentFile, documentFilePath, encodeDocumentFile, encodeVersion1DocumentFile } from '../toolkits/sync/document-file.js';
import { parseDocumentSchema } from '../toolkits/sync/document-schema.js';
import { RoomDocuments } from '../toolkits/sync/room-documents.js';

const SCHEMA = parseDocumentSchema({
  $root_tag_ref: '#/$defs/doc',
  $defs: {
    doc: { properties: { doc: { properties: { children: { type: 'array', items: { anyOf: [{ $ref: '#/$defs/item' }] } } } } } },
    item: { properties: { item: { properties: { label: { type: ['string', 'null'] } } } } },
  },
});
const WINDOW = 1_000;
const logs: string[] = [];
const logger: Logger = { debug: () => {}, info: () => {}, warn: (m) => void logs.push(m), error: (m) => void logs.push(m) };

function addItem(doc: Y.Doc, label: string): void {
  const item = new Y.XmlElement('item');
  item.setAttribute('label', label);
  doc.get('xml', Y.XmlElement).push([item]);
}

async function stored(storage: RoomStorage, path: string): Promise<string | null> {
  const data = await storage.readFile(documentFilePath(path));
  if (!data) return null;
  const doc = new Y.Doc();
  for (const update of decodeDocumentFile(data).updates) Y.applyUpdate(doc, update);
  return doc.get('xml', Y.XmlElement).toString();
}

const create = { create: true, mayCreate: true, schema: SCHEMA, json: null };

describe('RoomDocuments', () => {
  let storage: RoomStorage;
  beforeEach(() => {
    vi.useFakeTimers();
    storage = new MemoryStorageBackend().forRoom('r');
    logs.length = 0;
  });
  afterEach(() => vi.useRealTimers());

  it('writes a change no later than the window after it, not before', async () => {
    const documents = new RoomDocuments({ storage, windowMs: WINDOW, logger });
    const document = await documents.acquire('a.doc', create);
    await vi.advanceTimersByTimeAsync(WINDOW);
    addItem(document.doc, 'x');
    await vi.advanceTimersByTimeAsync(WINDOW - 10);
    expect(await stored(storage, 'a.doc')).not.toContain('label');
    // Later changes ride along with the pending write instead of pushing it back.
    addItem(document.doc, 'y');
    await vi.advanceTimersByTimeAsync(10);
    expect(await stored(storage, 'a.doc')).toContain('label="y"');
  });

  it('shares one document between openers, writes and evicts it after the last release', async () => {
    const documents = new RoomDocuments({ storage, windowMs: WINDOW, logger });
    const [one, two] = await Promise.all([documents.acquire('s.doc', create), documents.acquire('s.doc', create)]);
    expect(two).toBe(one);
    expect(one.refs).toBe(2);
    addItem(one.doc, 'kept');
    documents.release(one);
    documents.release(two);
    await vi.advanceTimersByTimeAsync(0);
    expect(await stored(storage, 's.doc')).toContain('label="kept"');
    const again = await documents.acquire('s.doc', { ...create, create: false });
    expect(again).not.toBe(one);
    expect(again.doc.get('xml', Y.XmlElement).toString()).toContain('label="kept"');
    expect(again.schema?.root).toBe('doc');
  });

  it('flushAll writes every live document at once (room release)', async () => {
    const documents = new RoomDocuments({ storage, windowMs: 60_000, logger });
    const a = await documents.acquire('a.doc', create);
    const b = await documents.acquire('b.doc', create);
    addItem(a.doc, 'A');
    addItem(b.doc, 'B');
    await documents.flushAll();
    expect(await stored(storage, 'a.doc')).toContain('"A"');
    expect(await stored(storage, 'b.doc')).toContain('"B"');
  });

  it('fails the open of a corrupt document and leaves the stored bytes alone', async () => {
    const garbage = encodeDocumentFile(null, [new Uint8Array([255, 255, 255, 1])]);
    await storage.writeFile(documentFilePath('c.doc'), garbage);
    await storage.writeFile(documentFilePath('d.doc'), new Uint8Array([1, 2, 3]));
    const documents = new RoomDocuments({ storage, windowMs: WINDOW, logger });
    await expect(documents.acquire('c.doc', create)).rejects.toMatchObject({ code: 'internal' });
    await expect(documents.acquire('d.doc', create)).rejects.toMatchObject({ code: 'internal' });
    await documents.flushAll();
    await vi.advanceTimersByTimeAsync(WINDOW * 2);
    expect(await storage.readFile(documentFilePath('c.doc'))).toEqual(garbage);
    expect(await storage.readFile(documentFilePath('d.doc'))).toEqual(new Uint8Array([1, 2, 3]));
  });

  it('creates only with create, the write grant and a schema', async () => {
    const documents = new RoomDocuments({ storage, windowMs: WINDOW, logger });
    await expect(documents.acquire('n.doc', { ...create, create: false })).rejects.toMatchObject({ code: 'not_found' });
    await expect(documents.acquire('n.doc', { ...create, mayCreate: false })).rejects.toBeInstanceOf(PermissionError);
    const noSchema = await documents.acquire('n.doc', { ...create, schema: null }).catch((e: unknown) => e);
    expect(noSchema).toBeInstanceOf(RoomError);
    expect((noSchema as RoomError).message).toMatch(/\.schemas\/doc\.json/);
    expect(await documents.exists('n.doc')).toBe(false);
  });

  it('keeps a document whose write failed dirty, and retries', async () => {
    let failures = 1;
    const flaky: RoomStorage = {
      ...storage,
      readFile: (path) => storage.readFile(path),
      writeFile: (path, data) => (failures-- > 0 ? Promise.reject(new Error('disk full')) : storage.writeFile(path, data)),
    };
    const documents = new RoomDocuments({ storage: flaky, windowMs: WINDOW, logger });
    const document = await documents.acquire('f.doc', create);
    addItem(document.doc, 'retry');
    await vi.advanceTimersByTimeAsync(WINDOW);
    expect(logs).toContain('writing a document to storage failed');
    expect(document.dirty).toBe(true);
    await vi.advanceTimersByTimeAsync(WINDOW);
    expect(await stored(storage, 'f.doc')).toContain('"retry"');
    expect(document.dirty).toBe(false);
  });

  it('reads nothing until the previous session of the room finished writing', async () => {
    let finish = (): void => {};
    const previous = new Promise<void>((resolve) => (finish = resolve));
    const documents = new RoomDocuments({ storage, windowMs: WINDOW, logger, after: previous });
    let opened = false;
    const acquiring = documents.acquire('late.doc', create).then((d) => ((opened = true), d));
    await vi.advanceTimersByTimeAsync(50);
    expect(opened).toBe(false);
    const earlier = new Y.Doc();
    addItem(earlier, 'written-by-previous-session');
    // Written by an earlier server version: format version 1, one update.
    await storage.writeFile(documentFilePath('late.doc'), encodeVersion1DocumentFile(null, Y.encodeStateAsUpdate(earlier)));
    finish();
    const document = await acquiring;
    expect(document.doc.get('xml', Y.XmlElement).toString()).toContain('written-by-previous-session');
  });
});
