import { SERVER_OWNED_FOLDER } from '../../storage/storage-path.js';
import { isPlainObject, pack, unpackObject } from '@convene/protocol';
import { normalizeStoragePath } from '../../storage/storage-path.js';

/** Where a document's state lives in room storage: a sidecar, so `<path>` itself stays free. */
export const SYNC_FOLDER = SERVER_OWNED_FOLDER;
const FORMAT = 'convene.sync';
/** Version 1: the payload is one Yjs v1 update. Version 2: a sequence of records, each one update. */
const VERSION = 2;
const RECORD_PREFIX_BYTES = 4;

/** `notes/a.doc` → `.sync/notes/a.doc.yjs` (checked like any storage path). */
export function documentFilePath(path: string): string {
  return normalizeStoragePath(`${SYNC_FOLDER}/${path}.yjs`);
}

export interface DocumentFile {
  /** The MeshSchema JSON the document was created with, or null. */
  schema: Record<string, unknown> | null;
  /** Yjs v1 updates, applied in order; together they are the document. */
  updates: Uint8Array[];
  /** False when the last record was cut short (a write torn by a crash); the records before it are whole. */
  complete: boolean;
}

/**
 * The sidecar is the protocol's own payload packing (PROTOCOL.md §3): a JSON header
 * `{format, version, schema}` followed by the records, so the file is self-describing and readable
 * with the same `unpack` every Convene package already has. A record is a u32be byte length and
 * one Yjs v1 update: the document's state when it was last compacted, then the updates since, so a
 * write costs what changed rather than the whole document.
 */
export function encodeDocumentFile(schema: Record<string, unknown> | null, updates: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const update of updates) total += recordBytes(update);
  const records = new Uint8Array(total);
  let offset = 0;
  for (const update of updates) offset = writeRecord(records, offset, update);
  return encodeDocumentFileFromRecords(schema, records);
}

/** The file's bytes from records already encoded (by {@link writeRecord}), back to back. */
export function encodeDocumentFileFromRecords(schema: Record<string, unknown> | null, records: Uint8Array): Uint8Array {
  const header = new TextEncoder().encode(JSON.stringify({ format: FORMAT, version: VERSION, schema }));
  // The packing of PROTOCOL.md §3, written in place: u64be header length, header, records.
  const out = new Uint8Array(8 + header.length + records.length);
  new DataView(out.buffer).setUint32(4, header.length);
  out.set(header, 8);
  out.set(records, 8 + header.length);
  return out;
}

/** Writes `update` as one record (u32be length, then the update) at `offset`; returns the offset after it. */
export function writeRecord(target: Uint8Array, offset: number, update: Uint8Array): number {
  const length = update.length;
  target[offset] = length >>> 24;
  target[offset + 1] = (length >>> 16) & 0xff;
  target[offset + 2] = (length >>> 8) & 0xff;
  target[offset + 3] = length & 0xff;
  target.set(update, offset + RECORD_PREFIX_BYTES);
  return offset + RECORD_PREFIX_BYTES + length;
}

/** The bytes `update` takes in a document file: its record's length prefix and itself. */
export function recordBytes(update: Uint8Array): number {
  return RECORD_PREFIX_BYTES + update.length;
}

/** A version 1 file (one update after the header), as earlier servers wrote them. */
export function encodeVersion1DocumentFile(schema: Record<string, unknown> | null, update: Uint8Array): Uint8Array {
  return pack({ format: FORMAT, version: 1, schema }, update);
}

/** Throws when the bytes are not a document file this version understands. */
export function decodeDocumentFile(data: Uint8Array): DocumentFile {
  const { header, payload } = unpackObject(data);
  if (header['format'] !== FORMAT) throw new Error('not a Convene document file');
  const schema = isPlainObject(header['schema']) ? header['schema'] : null;
  if (header['version'] === 1) return { schema, updates: [payload], complete: true };
  if (header['version'] !== VERSION) throw new Error(`unsupported document file version ${String(header['version'])}`);
  const updates: Uint8Array[] = [];
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  let offset = 0;
  while (offset + RECORD_PREFIX_BYTES <= payload.length) {
    const length = view.getUint32(offset);
    const start = offset + RECORD_PREFIX_BYTES;
    if (start + length > payload.length) break;
    updates.push(payload.subarray(start, start + length));
    offset = start + length;
  }
  return { schema, updates, complete: offset === payload.length };
}
