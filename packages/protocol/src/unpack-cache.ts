import { readU32 } from './bytes.js';
import { unpack, type Packed } from './packing.js';

export interface UnpackCacheOptions {
  /** Which parsed headers may be kept and shared (default: every one). */
  share?: (header: unknown) => boolean;
  /** Headers remembered at once (default 8): one per stream that repeats its header. */
  entries?: number;
  /** Longer headers are always parsed (default 512 bytes). */
  maxHeaderBytes?: number;
}

interface Entry {
  bytes: Uint8Array;
  header: unknown;
}

/**
 * {@link unpack} for messages that repeat the same header: a document stream sends every edit
 * under the same chunk header, and parsing that JSON (with its UTF-8 decoding) was the largest
 * part of handling a chunk after Yjs itself. A header whose bytes equal one of the last few kept
 * is not parsed again: its value is shared between messages, so every header this cache returns
 * and may share is **deeply frozen**, whether it was just parsed or found.
 *
 * @example
 * const chunks = new UnpackCache({ share: (h) => isPlainObject(h) });
 * const { header, payload } = chunks.unpack(message.data);
 */
export class UnpackCache {
  readonly #share: (header: unknown) => boolean;
  readonly #maxEntries: number;
  readonly #maxHeaderBytes: number;
  readonly #entries: Entry[] = [];
  /** The entry the next new header replaces once the cache is full. */
  #next = 0;

  constructor(options: UnpackCacheOptions = {}) {
    this.#share = options.share ?? (() => true);
    this.#maxEntries = Math.max(1, options.entries ?? 8);
    this.#maxHeaderBytes = options.maxHeaderBytes ?? 512;
  }

  /** Like {@link unpack}, with the same errors; a shared header is frozen. */
  unpack(data: Uint8Array): Packed {
    // A header too long to cache, or a prefix unpack will refuse, takes the plain path.
    const length = data.length >= 8 && readU32(data, 0) === 0 ? readU32(data, 4) : -1;
    if (length < 0 || length > this.#maxHeaderBytes || length > data.length - 8) return unpack(data);
    for (const entry of this.#entries) {
      if (sameBytes(entry.bytes, data, 8, length)) return { header: entry.header, payload: data.subarray(8 + length) };
    }
    const packed = unpack(data);
    if (!this.#share(packed.header)) return packed;
    deepFreeze(packed.header);
    const entry = { bytes: data.slice(8, 8 + length), header: packed.header };
    if (this.#entries.length < this.#maxEntries) this.#entries.push(entry);
    else {
      this.#entries[this.#next] = entry;
      this.#next = (this.#next + 1) % this.#maxEntries;
    }
    return packed;
  }
}

function sameBytes(kept: Uint8Array, data: Uint8Array, offset: number, length: number): boolean {
  if (kept.length !== length) return false;
  for (let i = 0; i < length; i++) if (kept[i] !== data[offset + i]) return false;
  return true;
}

function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const inner of Object.values(value)) deepFreeze(inner);
}

/** The header of a tool-call chunk carrying binary content (`{tool_call_id, chunk: {type: "binary", …}}`): what streams repeat. */
export function isBinaryChunkHeader(header: unknown): boolean {
  if (typeof header !== 'object' || header === null) return false;
  const chunk = (header as Record<string, unknown>)['chunk'];
  return typeof chunk === 'object' && chunk !== null && (chunk as Record<string, unknown>)['type'] === 'binary';
}
