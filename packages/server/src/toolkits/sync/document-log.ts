import { encodeDocumentFileFromRecords, recordBytes, writeRecord } from './document-file.js';

/** The records since the last compaction may grow to this many bytes before the next one, or to the size of the state. */
const MIN_LOG_BYTES = 64 * 1024;
/** Room for the first updates after a compaction, before the record buffer grows. */
const HEADROOM_BYTES = 4 * 1024;

/** One write of the document's file: the whole file, or the records added since the last write landed. */
export interface DocumentWrite {
  append: boolean;
  data: Uint8Array;
  /** The records the file holds once this write landed, in bytes. */
  end: number;
  schema: Record<string, unknown> | null;
}

/**
 * What a document's file holds, kept in memory as the file's records, already encoded: the state
 * at the last compaction, then every update since, as it came. A write is then the header plus one
 * copy of these bytes. Writing the whole state every window instead cost the encoding of the whole
 * document per window, which grows with the document (and paused everything else meanwhile); and
 * keeping the updates as a list cost one small copy per update per window (thousands per write
 * between compactions, 2 % of the server's CPU under a steady stream of edits). A compaction (a
 * fresh state record, the updates dropped) happens when the updates outgrow the state, so the file
 * stays within about twice the document's size and a compaction's cost is spread over the updates
 * that caused it.
 */
export class DocumentLog {
  /** The records, back to back, in `[0, #length)`; grows by doubling. */
  #records: Uint8Array;
  #length = 0;
  /**
   * Record bytes the stored file holds, when it is known to be this log's file up to there with
   * `#storedSchema` in its header; -1 when the next write must be whole (after a compaction, a
   * failed write, or before the first write of this process).
   */
  #stored = -1;
  #storedSchema: Record<string, unknown> | null = null;
  #stateBytes: number;
  #updateBytes = 0;
  #mustCompact: boolean;

  /** `stored`: the updates the file holds, or null for a new document; both a new document and a file with more than one record are compacted on their first write. */
  constructor(stored: readonly Uint8Array[] | null, options: { compact?: boolean } = {}) {
    const updates = stored ?? [];
    this.#records = new Uint8Array(updates.reduce((n, update) => n + recordBytes(update), HEADROOM_BYTES));
    for (const update of updates) this.#length = writeRecord(this.#records, this.#length, update);
    this.#stateBytes = this.#length;
    // Stored updates after the state record are not state: counted as such, every reopen would
    // double how far the file may grow before it is compacted. Compacting once per open is one
    // encoding of the document.
    this.#mustCompact = stored === null || stored.length > 1 || options.compact === true;
  }

  append(update: Uint8Array): void {
    const bytes = recordBytes(update);
    if (this.#length + bytes > this.#records.length) {
      const grown = new Uint8Array(Math.max(this.#records.length * 2, this.#length + bytes));
      grown.set(this.#records.subarray(0, this.#length));
      this.#records = grown;
    }
    this.#length = writeRecord(this.#records, this.#length, update);
    this.#updateBytes += bytes;
  }

  get needsCompaction(): boolean {
    return this.#mustCompact || this.#updateBytes > Math.max(MIN_LOG_BYTES, this.#stateBytes);
  }

  /** Replaces every record with the document's whole state. */
  compact(state: Uint8Array): void {
    this.#records = new Uint8Array(recordBytes(state) + HEADROOM_BYTES);
    this.#length = writeRecord(this.#records, 0, state);
    this.#stored = -1;
    this.#stateBytes = this.#length;
    this.#updateBytes = 0;
    this.#mustCompact = false;
  }

  /** The file's bytes now, or with the records up to `end` only. */
  file(schema: Record<string, unknown> | null, end = this.#length): Uint8Array {
    return encodeDocumentFileFromRecords(schema, this.#records.subarray(0, end));
  }

  /**
   * What to write now. With `canAppend` (the storage appends), and the stored file known to be
   * this log's with the same schema, only the records since the last write: a write then costs
   * what changed, not the whole file again (and its fsync). Otherwise the whole file.
   */
  nextWrite(schema: Record<string, unknown> | null, canAppend: boolean): DocumentWrite {
    const end = this.#length;
    if (canAppend && this.#stored >= 0 && schema === this.#storedSchema) {
      // Records are never changed once written (growth and compaction make new buffers), so a view will do.
      return { append: true, data: this.#records.subarray(this.#stored, end), end, schema };
    }
    return { append: false, data: this.file(schema), end, schema };
  }

  /** `write` landed in storage. */
  written(write: DocumentWrite): void {
    this.#stored = write.end;
    this.#storedSchema = write.schema;
  }

  /** A write failed: what storage holds is unknown (an append may have landed in part), so the next one is whole. */
  writeFailed(): void {
    this.#stored = -1;
  }
}
