import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import type { Logger } from '../logger.js';
import { MemoryStorageBackend } from '../storage/memory-storage.js';
import type { RoomStorage } from '../storage/storage-backend.js';
import { decodeDocumentFile, documentFilePath } from '../toolkits/sync/document-file.js';
import { RoomDocuments } from '../toolkits/sync/room-documents.js';
import { parseDocumentSchema } from '../toolkits/sync/document-schema.js';

/**
 * A document's file is its state at the last compaction followed by the updates since: a write
 * adds what changed instead of encoding the whole document again.
 */

const WINDOW = 100;
const SCHEMA = parseDocumentSchema({
  $root_tag_ref: '#/$defs/doc',
  $defs: { doc: { properties: { doc: { properties: { children: { type: 'array', items: { anyOf: [] } } } } } } },
});
const warnings: string[] = [];
const logger: Logger = { debug: () => {}, info: () => {}, warn: (m) => void warnings.push(m), error: (m) => void warnings.push(m) };
const create = { create: true, mayCreate: true, schema: SCHEMA, json: null };

async function records(storage: RoomStorage, path: string): Promise<Uint8Array[]> {
  const data = await storage.readFile(documentFilePath(path));
  return data ? decodeDocumentFile(data).updates : [];
}

async function storedText(storage: RoomStorage, path: string): Promise<string> {
  const doc = new Y.Doc();
  for (const update of await records(storage, path)) Y.applyUpdate(doc, update);
  return doc.getText('t').toString();
}

describe('document files', () => {
  let storage: RoomStorage;
  beforeEach(() => {
    vi.useFakeTimers();
    storage = new MemoryStorageBackend().forRoom('r');
    warnings.length = 0;
  });
  afterEach(() => vi.useRealTimers());

  it('a new document is written whole, and each later write adds only the updates since', async () => {
    const documents = new RoomDocuments({ storage, windowMs: WINDOW, logger });
    const document = await documents.acquire('a.doc', create);
    const text = document.doc.getText('t');
    text.insert(0, 'base');
    await vi.advanceTimersByTimeAsync(WINDOW);
    expect(await records(storage, 'a.doc')).toHaveLength(1);
    text.insert(4, ' one');
    await vi.advanceTimersByTimeAsync(WINDOW);
    text.insert(8, ' two');
    text.insert(12, ' three');
    await vi.advanceTimersByTimeAsync(WINDOW);
    const written = await records(storage, 'a.doc');
    expect(written).toHaveLength(4);
    // The first record is untouched by later writes: nothing was re-encoded.
    expect(written[0]!.length).toBeLessThan(30);
    expect(await storedText(storage, 'a.doc')).toBe('base one two three');
  });

  it('compacts to one record once the updates outgrow the state', async () => {
    const documents = new RoomDocuments({ storage, windowMs: WINDOW, logger });
    const document = await documents.acquire('b.doc', create);
    const text = document.doc.getText('t');
    let longest = 0;
    for (let i = 0; i < 400; i++) {
      // Replacing the text keeps the state small while the updates pile up.
      document.doc.transact(() => {
        text.delete(0, text.length);
        text.insert(0, `version ${i} `.repeat(20));
      });
      await vi.advanceTimersByTimeAsync(WINDOW);
      longest = Math.max(longest, (await records(storage, 'b.doc')).length);
    }
    expect(longest).toBeGreaterThan(10);
    const file = (await storage.readFile(documentFilePath('b.doc')))!;
    // The file stays within the compaction bound: 64 KiB of updates beyond the state.
    expect(file.length).toBeLessThan(80 * 1024);
    expect(await storedText(storage, 'b.doc')).toBe('version 399 '.repeat(20));
  });

  it('a write torn inside its last record loses that record only, and the next write is whole', async () => {
    const first = new RoomDocuments({ storage, windowMs: WINDOW, logger });
    const document = await first.acquire('c.doc', create);
    document.doc.getText('t').insert(0, 'kept');
    await vi.advanceTimersByTimeAsync(WINDOW);
    document.doc.getText('t').insert(4, ' torn');
    await vi.advanceTimersByTimeAsync(WINDOW);
    first.release(document);
    await first.flushAll();
    const file = (await storage.readFile(documentFilePath('c.doc')))!;
    await storage.writeFile(documentFilePath('c.doc'), file.subarray(0, file.length - 3));

    const second = new RoomDocuments({ storage, windowMs: WINDOW, logger });
    const reopened = await second.acquire('c.doc', create);
    expect(reopened.doc.getText('t').toString()).toBe('kept');
    expect(warnings.join('\n')).toMatch(/partial record/);
    reopened.doc.getText('t').insert(4, '!');
    await vi.advanceTimersByTimeAsync(WINDOW);
    expect(await records(storage, 'c.doc')).toHaveLength(1);
    expect(await storedText(storage, 'c.doc')).toBe('kept!');
  });
});

describe('document files across reopens', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    warnings.length = 0;
  });
  afterEach(() => vi.useRealTimers());

  it('stays bounded when the document is closed and reopened between edits', async () => {
    const storage = new MemoryStorageBackend().forRoom('r');
    const documents = new RoomDocuments({ storage, windowMs: WINDOW, logger });
    const sizes: number[] = [];
    for (let session = 0; session < 12; session++) {
      const document = await documents.acquire('d.doc', create);
      const text = document.doc.getText('t');
      for (let i = 0; i < 60; i++) {
        // Replacing the text keeps the state small while the updates pile up.
        document.doc.transact(() => {
          text.delete(0, text.length);
          text.insert(0, `session ${session} edit ${i} `.repeat(40));
        });
        await vi.advanceTimersByTimeAsync(WINDOW);
      }
      documents.release(document);
      await documents.flushAll();
      await vi.advanceTimersByTimeAsync(WINDOW);
      sizes.push((await storage.readFile(documentFilePath('d.doc')))!.length);
    }
    // Each session adds ~60 KiB of updates to a ~1 KiB state: without compaction after a reopen the
    // bound doubled every session (the stored updates counted as state).
    expect(Math.max(...sizes)).toBeLessThan(140 * 1024);
    expect(await storedText(storage, 'd.doc')).toBe('session 11 edit 59 '.repeat(40));
  });
});
