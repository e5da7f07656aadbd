import { encodeDocumentFile, recordBytes } from './document-file.js';

/** The records since the last compaction may grow to this many bytes before the next one, or to the size of the state. */
const MIN_LOG_BYTES = 64 * 1024;

/**
 * What a document's file holds, kept in memory so a write is the records so far plus the new
 * ones: the state at the last compaction, then every update since, as it came. Writing the whole
 * state every window instead cost the encoding of the whole document per window, which grows with
 * the document (and paused everything else meanwhile). A compaction (a fresh state record, the
 * updates dropped) happens when the updates outgrow the state, so the file stays within about
 * twice the document's size and a compaction's cost is spread over the updates that caused it.
 */
export class DocumentLog {
  /** The updates the file holds, each written as one record (kept as they came: no copy per edit). */
  #updates: Uint8Array[];
  #stateBytes: number;
  #updateBytes = 0;
  #mustCompact: boolean;

  /** `stored`: the updates the file holds, or null for a new document; both a new document and a file with more than one record are compacted on their first write. */
  constructor(stored: readonly Uint8Array[] | null, options: { compact?: boolean } = {}) {
    this.#updates = stored ? [...stored] : [];
    this.#stateBytes = this.#updates.reduce((n, update) => n + recordBytes(update), 0);
    // Stored updates after the state record are not state: counted as such, every reopen would
    // double how far the file may grow before it is compacted. Compacting once per open is one
    // encoding of the document.
    this.#mustCompact = stored === null || stored.length > 1 || options.compact === true;
  }

  append(update: Uint8Array): void {
    this.#updates.push(update);
    this.#updateBytes += recordBytes(update);
  }

  get needsCompaction(): boolean {
    return this.#mustCompact || this.#updateBytes > Math.max(MIN_LOG_BYTES, this.#stateBytes);
  }

  /** Replaces every record with the document's whole state. */
  compact(state: Uint8Array): void {
    this.#updates = [state];
    this.#stateBytes = recordBytes(state);
    this.#updateBytes = 0;
    this.#mustCompact = false;
  }

  /** The file's bytes now. */
  file(schema: Record<string, unknown> | null): Uint8Array {
    return encodeDocumentFile(schema, this.#updates);
  }
}
