import { mkdtemp, rm, symlink, writeFile as writeRealFile, readFile as readRealFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { RoomError } from '@convene/protocol';
import type { Logger } from '../logger.js';
import { FilesystemStorageBackend } from '../storage/filesystem-storage.js';
import { MemoryStorageBackend } from '../storage/memory-storage.js';
import type { RoomStorage } from '../storage/storage-backend.js';
import { decodeDocumentFile, documentFilePath } from '../toolkits/sync/document-file.js';
import { parseDocumentSchema } from '../toolkits/sync/document-schema.js';
import { RoomDocuments } from '../toolkits/sync/room-documents.js';

const SCHEMA = parseDocumentSchema({
  $root_tag_ref: '#/$defs/doc',
  $defs: {
    doc: { properties: { doc: { properties: { children: { type: 'array', items: { anyOf: [{ $ref: '#/$defs/item' }] } } } } } },
    item: { properties: { item: { properties: { label: { type: ['string', 'null'] } } } } },
  },
});
const create = { create: true, mayCreate: true, schema: SCHEMA, json: null };
const logs: string[] = [];
const logger: Logger = { debug: () => {}, info: () => {}, warn: (m) => void logs.push(m), error: (m) => void logs.push(m) };
const dirs: string[] = [];
afterEach(async () => {
  logs.length = 0;
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'convene-append-'));
  dirs.push(dir);
  return dir;
}

function addItem(doc: Y.Doc, label: string): void {
  const item = new Y.XmlElement('item');
  item.setAttribute('label', label);
  doc.get('xml', Y.XmlElement).push([item]);
}

/** The document as its stored file holds it, and how many records that file has. */
async function stored(storage: RoomStorage, path: string): Promise<{ xml: string; records: number; complete: boolean }> {
  const file = decodeDocumentFile((await storage.readFile(documentFilePath(path)))!);
  const doc = new Y.Doc();
  for (const update of file.updates) Y.applyUpdate(doc, update);
  return { xml: doc.get('xml', Y.XmlElement).toString(), records: file.updates.length, complete: file.complete };
}

/** A storage that records which writes reach it and can fail the next append. */
function recording(storage: RoomStorage) {
  const calls: string[] = [];
  let failNextAppend: Error | null = null;
  const wrapped: RoomStorage = Object.assign(Object.create(null) as RoomStorage, {
    list: storage.list.bind(storage),
    stat: storage.stat.bind(storage),
    delete: storage.delete.bind(storage),
    move: storage.move.bind(storage),
    openWriter: storage.openWriter.bind(storage),
    read: storage.read.bind(storage),
    readFile: storage.readFile.bind(storage),
    writeFile: (path: string, data: Uint8Array) => {
      calls.push('write');
      return storage.writeFile(path, data);
    },
    appendFile: async (path: string, data: Uint8Array) => {
      calls.push('append');
      if (failNextAppend) {
        const error = failNextAppend;
        failNextAppend = null;
        // Half of the records made it before the failure, as after a full disk.
        await storage.appendFile!(path, data.subarray(0, Math.floor(data.length / 2)));
        throw error;
      }
      return storage.appendFile!(path, data);
    },
  });
  return { storage: wrapped, calls, failAppend: (error: Error) => void (failNextAppend = error) };
}

const backends: [string, () => Promise<RoomStorage>][] = [
  ['memory', async () => new MemoryStorageBackend().forRoom('r')],
  ['filesystem', async () => new FilesystemStorageBackend(await tempDir()).forRoom('r')],
];

describe.each(backends)('document writes append to the file (%s storage)', (_name, makeStorage) => {
  it('writes the file whole once, then appends only what changed, and the file holds the document', async () => {
    const { storage, calls } = recording(await makeStorage());
    const documents = new RoomDocuments({ storage, windowMs: 60_000, logger });
    const document = await documents.acquire('a.doc', create);
    addItem(document.doc, 'one');
    await document.flush();
    addItem(document.doc, 'two');
    await document.flush();
    addItem(document.doc, 'three');
    addItem(document.doc, 'four');
    await document.flush();
    expect(calls).toEqual(['write', 'append', 'append']);
    const file = await stored(storage, 'a.doc');
    expect(file.xml).toBe(document.doc.get('xml', Y.XmlElement).toString());
    expect(file.xml).toContain('label="four"');
    expect(file.records).toBe(4); // the state written whole, then three updates
    expect(file.complete).toBe(true);
    documents.release(document);
  });

  it('after a failed append (part of it landed), the next write is whole and the file is sound again', async () => {
    const { storage, calls, failAppend } = recording(await makeStorage());
    const documents = new RoomDocuments({ storage, windowMs: 60_000, logger });
    const document = await documents.acquire('b.doc', create);
    addItem(document.doc, 'one');
    await document.flush();
    failAppend(new Error('ENOSPC: no space left on device'));
    addItem(document.doc, 'two');
    await expect(document.flush()).rejects.toThrow('ENOSPC');
    expect(logs.some((line) => line.includes('writing a document to storage failed'))).toBe(true);
    expect((await stored(storage, 'b.doc')).complete).toBe(false); // the torn record is on disk
    addItem(document.doc, 'three');
    await document.flush();
    expect(calls).toEqual(['write', 'append', 'write']);
    const file = await stored(storage, 'b.doc');
    expect(file.complete).toBe(true);
    expect(file.xml).toBe(document.doc.get('xml', Y.XmlElement).toString());
    documents.release(document);
  });

  it('a file deleted between two writes is written whole again, nothing lost', async () => {
    const { storage, calls } = recording(await makeStorage());
    const documents = new RoomDocuments({ storage, windowMs: 60_000, logger });
    const document = await documents.acquire('c.doc', create);
    addItem(document.doc, 'one');
    await document.flush();
    await storage.delete(documentFilePath('c.doc'), { recursive: false });
    addItem(document.doc, 'two');
    await document.flush();
    expect(calls).toEqual(['write', 'append', 'write']);
    expect((await stored(storage, 'c.doc')).xml).toBe(document.doc.get('xml', Y.XmlElement).toString());
    documents.release(document);
  });

  it('appendFile refuses what is not an existing file with not_found, changing nothing', async () => {
    const storage = await makeStorage();
    await storage.writeFile('dir/file.bin', new Uint8Array([1, 2]));
    await storage.appendFile!('dir/file.bin', new Uint8Array([3]));
    expect(await storage.readFile('dir/file.bin')).toEqual(new Uint8Array([1, 2, 3]));
    for (const path of ['missing.bin', 'dir', 'dir/file.bin/below', '']) {
      const refusal = await storage.appendFile!(path, new Uint8Array([9])).then(() => null, (error: unknown) => error);
      expect(refusal, path).toBeInstanceOf(RoomError);
      expect((refusal as RoomError).code, path).toBe('not_found');
    }
    expect(await storage.readFile('dir/file.bin')).toEqual(new Uint8Array([1, 2, 3]));
    expect(await storage.stat('missing.bin')).toBeNull();
  });
});

describe('filesystem appendFile', () => {
  it('does not follow a symlink out of the room: not_found, and the target is untouched', async () => {
    const dataDir = await tempDir();
    const outside = join(await tempDir(), 'secret.txt');
    await writeRealFile(outside, 'secret');
    const storage = new FilesystemStorageBackend(dataDir).forRoom('r');
    await storage.writeFile('placeholder.bin', new Uint8Array([0]));
    const roomFiles = join(dataDir, 'rooms');
    const { readdirSync } = await import('node:fs');
    const roomDir = join(roomFiles, readdirSync(roomFiles)[0]!, 'files');
    await symlink(outside, join(roomDir, 'link.txt'));
    const refusal = await storage.appendFile!('link.txt', new TextEncoder().encode('!')).then(() => null, (error: unknown) => error);
    expect((refusal as RoomError).code).toBe('not_found');
    expect(await readRealFile(outside, 'utf8')).toBe('secret');
  });
});
