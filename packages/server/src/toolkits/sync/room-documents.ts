import * as Y from 'yjs';
import { PermissionError, RoomError } from '@convene/protocol';
import type { Logger } from '../../logger.js';
import type { RoomStorage } from '../../storage/storage-backend.js';
import { populateDocument } from './document-from-json.js';
import { decodeDocumentFile, documentFilePath, type DocumentFile } from './document-file.js';
import { parseDocumentSchema, type DocumentSchema } from './document-schema.js';
import { noSchemaError } from './resolve-schema.js';
import { SyncDocument } from './sync-document.js';

/** How long a release waits for open streams to apply what they already acknowledged. */
const DRAIN_LIMIT_MS = 2_000;

export interface AcquireOptions {
  /** Create the document when it does not exist. */
  create: boolean;
  /** The caller may create documents at this path (write grant). */
  mayCreate: boolean;
  /** Schema for a new document; a missing document cannot be created without one. */
  schema: DocumentSchema | null;
  /** Content of a new document, in MeshAgent's JSON shape. */
  json: unknown;
}

/**
 * The documents of one live room, by normalized path: loaded from storage on first open (or
 * created), shared by every stream on that path, written back when the last stream lets go and
 * evicted once that write landed. `flushAll` runs when the room is released.
 */
export class RoomDocuments {
  readonly #live = new Map<string, SyncDocument>();
  readonly #reads = new Map<string, Promise<DocumentFile | null>>();
  readonly #tasks = new Set<Promise<unknown>>();
  readonly #storage: RoomStorage;
  readonly #windowMs: number;
  readonly #logger: Logger;
  /** Storage reads wait for this: the previous session of the room may still be writing. */
  readonly #ready: Promise<void>;

  constructor(options: { storage: RoomStorage; windowMs: number; logger: Logger; after?: Promise<void> }) {
    this.#storage = options.storage;
    this.#windowMs = options.windowMs;
    this.#logger = options.logger;
    this.#ready = options.after ?? Promise.resolve();
  }

  /** The live document, loaded or created as needed; the caller owns one reference until `release`. */
  async acquire(path: string, options: AcquireOptions): Promise<SyncDocument> {
    let document = this.#live.get(path);
    if (!document) {
      const stored = await this.#read(path);
      // Another opener may have loaded or created it while we were reading.
      document = this.#live.get(path) ?? this.#materialize(path, stored, options);
    }
    document.refs += 1;
    return document;
  }

  /** Drops one reference; the last one writes the document and evicts it from memory. */
  release(document: SyncDocument): void {
    document.refs -= 1;
    if (document.refs > 0) return;
    document.flush().then(
      () => {
        if (document.refs === 0 && !document.dirty && this.#live.get(document.path) === document) {
          this.#live.delete(document.path);
          document.destroy();
        }
      },
      () => {}, // logged by the document; it stays in memory and retries
    );
  }

  /** True when the document exists, live or in storage. */
  async exists(path: string): Promise<boolean> {
    return this.#live.has(path) || (await this.#read(path)) !== null;
  }

  /** Registers a running stream, so `flushAll` can let it apply the chunks it already acknowledged. */
  track<T>(task: Promise<T>): Promise<T> {
    this.#tasks.add(task);
    const forget = (): void => void this.#tasks.delete(task);
    task.then(forget, forget);
    return task;
  }

  /**
   * Writes every live document (room release and shutdown). Streams end when their connections
   * close, but may still hold acknowledged chunks; those are applied first (for a bounded time).
   */
  async flushAll(): Promise<void> {
    if (this.#tasks.size > 0) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const cap = new Promise<void>((resolve) => (timer = setTimeout(resolve, DRAIN_LIMIT_MS)));
      await Promise.race([Promise.allSettled([...this.#tasks]), cap]);
      clearTimeout(timer);
    }
    await Promise.allSettled([...this.#live.values()].map((document) => document.flush()));
  }

  #materialize(path: string, stored: DocumentFile | null, options: AcquireOptions): SyncDocument {
    const doc = new Y.Doc({ gc: true });
    let schema: DocumentSchema | null = null;
    if (stored) {
      try {
        Y.transact(doc, () => {
          for (const update of stored.updates) Y.applyUpdate(doc, update);
        });
      } catch (error) {
        doc.destroy();
        this.#logger.error('a stored document does not load', { path, error: String(error) });
        throw new RoomError('internal', `the stored document "${path}" could not be loaded`);
      }
      schema = stored.schema ? this.#storedSchema(path, stored.schema) : null;
      // A write torn by a crash loses its last record only; the next write replaces the file whole.
      if (!stored.complete) this.#logger.warn('a stored document ends in a partial record; it is left out', { path });
    } else {
      if (!options.create) throw new RoomError('not_found', `document "${path}" does not exist`);
      if (!options.mayCreate) throw new PermissionError(`the token does not allow creating "${path}"`);
      if (!options.schema) throw noSchemaError(path);
      schema = options.schema;
      if (options.json !== null && options.json !== undefined) {
        try {
          populateDocument(doc, schema, options.json);
        } catch (error) {
          doc.destroy();
          throw error;
        }
      }
    }
    const document = new SyncDocument({
      path,
      doc,
      schema,
      storage: this.#storage,
      windowMs: this.#windowMs,
      logger: this.#logger,
      stored: stored?.updates ?? null,
      compact: stored !== null && !stored.complete,
    });
    // A new document is written even when empty, so that it exists from now on.
    if (!stored) document.markDirty();
    this.#live.set(path, document);
    return document;
  }

  #storedSchema(path: string, json: Record<string, unknown>): DocumentSchema | null {
    try {
      return parseDocumentSchema(json);
    } catch (error) {
      this.#logger.warn('ignoring the stored schema of a document', { path, error: String(error) });
      return null;
    }
  }

  /** Reads the stored state once per path at a time. A corrupt file fails the open, never an empty doc. */
  #read(path: string): Promise<DocumentFile | null> {
    let read = this.#reads.get(path);
    if (!read) {
      read = this.#ready.then(async () => {
        const data = await this.#storage.readFile(documentFilePath(path));
        if (data === null) return null;
        try {
          return decodeDocumentFile(data);
        } catch (error) {
          this.#logger.error('a stored document is unreadable', { path, error: String(error) });
          throw new RoomError('internal', `the stored document "${path}" could not be read`);
        }
      });
      this.#reads.set(path, read);
      const forget = (): void => void this.#reads.delete(path);
      read.then(forget, forget);
    }
    return read;
  }
}
