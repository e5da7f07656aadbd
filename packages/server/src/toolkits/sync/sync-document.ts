import * as Y from 'yjs';
import { encodeBase64 } from '@convene/protocol';
import type { Logger } from '../../logger.js';
import type { RoomStorage } from '../../storage/storage-backend.js';
import { documentFilePath, encodeDocumentFile } from './document-file.js';
import type { DocumentSchema } from './document-schema.js';

/**
 * Receives every state-changing update of the document as the UTF-8 bytes of its base64 text (the
 * payload of a `sync` chunk), encoded once for all streams.
 */
export type UpdateListener = (base64Bytes: Uint8Array, origin: unknown) => void;

const encoder = new TextEncoder();

/**
 * One live document of a room: the server's Y.Doc, the schema it was created with, the open
 * streams that hold it (`refs`) and its persistence. Every change marks it dirty; a write of the
 * whole state follows at most `windowMs` later. Writes are serialized, so the last one to land
 * always holds the newest state.
 */
export class SyncDocument {
  readonly path: string;
  readonly doc: Y.Doc;
  schema: DocumentSchema | null;
  refs = 0;
  readonly #listeners = new Set<UpdateListener>();
  readonly #storage: RoomStorage;
  readonly #windowMs: number;
  readonly #logger: Logger;
  #dirty = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #writes: Promise<void> = Promise.resolve();

  constructor(options: { path: string; doc: Y.Doc; schema: DocumentSchema | null; storage: RoomStorage; windowMs: number; logger: Logger }) {
    this.path = options.path;
    this.doc = options.doc;
    this.schema = options.schema;
    this.#storage = options.storage;
    this.#windowMs = options.windowMs;
    this.#logger = options.logger;
    // Yjs emits `update` only for transactions that changed something, so echoes and
    // duplicates neither fan out nor dirty the document.
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      this.markDirty();
      if (this.#listeners.size === 0) return;
      const bytes = encoder.encode(encodeBase64(update));
      for (const listener of [...this.#listeners]) listener(bytes, origin);
    });
  }

  get dirty(): boolean {
    return this.#dirty;
  }

  /** Subscribes to changes; returns the unsubscribe function. */
  listen(listener: UpdateListener): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  /** Schedules a write within the window; later changes ride along with it. */
  markDirty(): void {
    this.#dirty = true;
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.flush().catch(() => {}); // logged in #write; retried on the next change or flush
    }, this.#windowMs);
    this.#timer.unref?.();
  }

  /** Writes the state now if it changed since the last write; resolves once it is in storage. */
  flush(): Promise<void> {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const write = this.#writes.then(() => this.#write());
    this.#writes = write.catch(() => {});
    return write;
  }

  destroy(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#listeners.clear();
    this.doc.destroy();
  }

  async #write(): Promise<void> {
    if (!this.#dirty) return;
    this.#dirty = false;
    const data = encodeDocumentFile({ schema: this.schema?.json ?? null, update: Y.encodeStateAsUpdate(this.doc) });
    try {
      await this.#storage.writeFile(documentFilePath(this.path), data);
    } catch (error) {
      this.#logger.error('writing a document to storage failed', { path: this.path, error: String(error) });
      // Still dirty: the next window tries again.
      this.markDirty();
      throw error;
    }
  }
}
