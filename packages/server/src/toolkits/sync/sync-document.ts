import * as Y from 'yjs';
import { RoomError, encodeBase64Bytes } from '@convene/protocol';
import type { Logger } from '../../logger.js';
import type { RoomStorage } from '../../storage/storage-backend.js';
import { documentFilePath } from './document-file.js';
import { DocumentLog, type DocumentWrite } from './document-log.js';
import type { DocumentSchema } from './document-schema.js';
import type { UpdateOutline } from './update-outline.js';

/**
 * Receives every state-changing update of the document as the UTF-8 bytes of its base64 text (the
 * payload of a `sync` chunk), encoded once for all streams, and the message id to send it under:
 * the same for every stream, so a socket adapter can lay out one recipient's message and copy it
 * for the next (clients ignore the ids of pushes, PROTOCOL.md §2).
 */
export type UpdateListener = (base64Bytes: Uint8Array, origin: unknown, pushId: number) => void;

/**
 * Relayed updates are applied at most this long after the first of them arrived, in one
 * transaction (any read of the document applies them first, so nobody sees the difference). Each
 * transaction has a fixed cost that a larger batch spreads: with ten writers at 100 edits/s in
 * all, applying took 12-16 µs of the server's JavaScript per edit with 200 ms, 6-7 µs with 1 s
 * and 3-5 µs with 5 s (bench/doc-server-micro.mjs, five 8 s rounds each). The caps below keep a
 * batch from growing large at high rates.
 */
const SETTLE_DELAY_MS = 1_000;
/** Relayed updates held unapplied before they are applied at once (memory bound). */
const MAX_HELD_UPDATES = 1_024;
const MAX_HELD_BYTES = 1 << 20;
/**
 * Larger updates, such as offline edits sent on reconnect, are applied on arrival and only what
 * they changed is forwarded. Typing produces updates of a few dozen bytes.
 */
const RELAY_MAX_BYTES = 2_048;

/**
 * One live document of a room: the server's Y.Doc, the schema it was created with, the open
 * streams that hold it (`refs`) and its persistence. Every change marks it dirty; a write of the
 * whole state follows at most `windowMs` later. Writes are serialized, so the last one to land
 * always holds the newest state.
 */
export class SyncDocument {
  readonly path: string;
  readonly #doc: Y.Doc;
  schema: DocumentSchema | null;
  refs = 0;
  readonly #listeners = new Set<UpdateListener>();
  #pushId = 0;
  readonly #storage: RoomStorage;
  readonly #windowMs: number;
  readonly #logger: Logger;
  #dirty = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #settleTimer: ReturnType<typeof setTimeout> | undefined;
  #writes: Promise<void> = Promise.resolve();
  /** Relayed updates not applied yet, and where each client's structs end with them. */
  #held: Uint8Array[] = [];
  #heldBytes = 0;
  readonly #heldEnds = new Map<number, number>();

  readonly #log: DocumentLog;

  /** `stored`: the updates of the document's file as read (null for a new document); `compact` rewrites it whole on the first write. */
  constructor(options: {
    path: string;
    doc: Y.Doc;
    schema: DocumentSchema | null;
    storage: RoomStorage;
    windowMs: number;
    logger: Logger;
    stored?: readonly Uint8Array[] | null;
    compact?: boolean;
  }) {
    this.#log = new DocumentLog(options.stored ?? null, { compact: options.compact ?? false });
    this.path = options.path;
    this.#doc = options.doc;
    this.schema = options.schema;
    this.#storage = options.storage;
    this.#windowMs = options.windowMs;
    this.#logger = options.logger;
    this.#doc.on('update', this.#onUpdate);
  }

  /**
   * What a transaction other than a settle changed. Yjs emits `update` only for transactions
   * that changed something, so duplicates of what is applied neither fan out nor dirty the document.
   */
  readonly #onUpdate = (update: Uint8Array, origin: unknown): void => {
    this.#log.append(update);
    this.markDirty();
    this.#fanOut(encodeBase64Bytes(update), origin);
  };

  /** The Y.Doc, with every relayed update applied. */
  get doc(): Y.Doc {
    this.settle();
    return this.#doc;
  }

  /**
   * Takes an update a stream sent, with its outline (reading which checked it is well-formed);
   * throws when Yjs refuses it.
   *
   * A small update that only appends to the document (each client's new structs start where the
   * document, counting what is held, ends; nothing deleted) is **relayed**: forwarded to the other
   * streams as the same base64 bytes, and held to be applied with the others in one transaction
   * {@link SETTLE_DELAY_MS} later, or at the next read. Applying each update on arrival was most of the
   * server's cost per edit: a Yjs transaction per 8-character insert, plus re-encoding the update
   * it emits. An update whose structs are all known already is dropped: MeshAgent's client echoes
   * every update it applies, and relaying echoes would multiply traffic by the number of readers.
   * Anything else (deletions, gaps, overlaps, large offline edits) is applied now, and what it
   * changed goes out, as Yjs computes it.
   */
  receive(update: Uint8Array, outline: UpdateOutline, base64Bytes: () => Uint8Array, origin: unknown): void {
    const kind = this.#classify(update, outline);
    if (kind === 'known') return;
    if (kind === 'other') {
      Y.applyUpdate(this.doc, update, origin);
      return;
    }
    const { structs } = outline;
    for (let i = 0; i < structs.length; i += 3) this.#heldEnds.set(structs[i]!, structs[i + 1]! + structs[i + 2]!);
    this.#fanOut(base64Bytes(), origin);
    this.#held.push(update);
    this.#heldBytes += update.length;
    this.#log.append(update);
    this.markDirty();
    if (this.#held.length >= MAX_HELD_UPDATES || this.#heldBytes >= MAX_HELD_BYTES) this.settle();
    else if (this.#settleTimer === undefined) {
      this.#settleTimer = setTimeout(() => {
        this.#settleTimer = undefined;
        this.settle();
      }, SETTLE_DELAY_MS);
      this.#settleTimer.unref?.();
    }
  }

  #classify(update: Uint8Array, { structs, hasSkip, deletes }: UpdateOutline): 'known' | 'append' | 'other' {
    const store = this.#doc.store;
    // Deletions, gaps and Yjs' own pending structs need the document to tell what is new.
    if (update.length > RELAY_MAX_BYTES || deletes || hasSkip || store.pendingStructs !== null || store.pendingDs !== null) return 'other';
    let known = 0;
    // A v1 update lists each client's structs together, in clock order.
    let client = -1;
    let end = 0;
    for (let i = 0; i < structs.length; i += 3) {
      const clock = structs[i + 1]!;
      const length = structs[i + 2]!;
      if (structs[i] !== client) {
        client = structs[i]!;
        end = this.#heldEnds.get(client) ?? Y.getState(store, client);
      }
      if (clock + length <= end) known++;
      else if (clock === end) end += length;
      else return 'other';
    }
    if (known * 3 === structs.length) return 'known';
    return known === 0 ? 'append' : 'other';
  }

  /** Applies the relayed updates held so far, in one transaction. */
  settle(): void {
    if (this.#settleTimer !== undefined) clearTimeout(this.#settleTimer);
    this.#settleTimer = undefined;
    if (this.#held.length === 0) return;
    const held = this.#held;
    this.#held = [];
    this.#heldBytes = 0;
    this.#heldEnds.clear();
    // They were forwarded when they arrived. Without an `update` listener, Yjs does not encode
    // what the transaction changed.
    this.#doc.off('update', this.#onUpdate);
    try {
      Y.transact(this.#doc, () => {
        for (const update of held) {
          try {
            Y.applyUpdate(this.#doc, update);
          } catch (error) {
            // It decoded, so this is a Yjs edge case; the other streams have it already and
            // reject it the same way.
            this.#logger.warn('a relayed document update could not be applied', { path: this.path, error: String(error) });
          }
        }
      });
    } finally {
      this.#doc.on('update', this.#onUpdate);
    }
  }

  #fanOut(base64Bytes: Uint8Array, origin: unknown): void {
    const pushId = this.#pushId++;
    for (const listener of this.#listeners) listener(base64Bytes, origin, pushId);
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
    if (this.#settleTimer !== undefined) clearTimeout(this.#settleTimer);
    this.#settleTimer = undefined;
    this.#listeners.clear();
    this.#held = [];
    this.#heldEnds.clear();
    this.#doc.destroy();
  }

  async #write(): Promise<void> {
    if (!this.#dirty) return;
    this.#dirty = false;
    if (this.#log.needsCompaction) this.#log.compact(Y.encodeStateAsUpdate(this.doc));
    const path = documentFilePath(this.path);
    const schema = this.schema?.json ?? null;
    const write = this.#log.nextWrite(schema, this.#storage.appendFile !== undefined);
    try {
      if (!write.append) await this.#storage.writeFile(path, write.data);
      else if (write.data.length > 0) await this.#append(path, write, schema);
      this.#log.written(write);
    } catch (error) {
      this.#log.writeFailed();
      this.#logger.error('writing a document to storage failed', { path: this.path, error: String(error) });
      // Still dirty: the next window tries again.
      this.markDirty();
      throw error;
    }
  }

  /** Appends the new records; a file that went away meanwhile is written whole instead. */
  async #append(path: string, write: DocumentWrite, schema: Record<string, unknown> | null): Promise<void> {
    try {
      await this.#storage.appendFile!(path, write.data);
    } catch (error) {
      if (!(error instanceof RoomError && error.code === 'not_found')) throw error;
      // Up to the same record as the append: what arrived since goes with the next write.
      await this.#storage.writeFile(path, this.#log.file(schema, write.end));
    }
  }
}
