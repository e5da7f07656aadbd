import { SERVER_OWNED_FOLDER } from '../../storage/storage-path.js';
import { isPlainObject, pack, unpackObject } from '@convene/protocol';
import { normalizeStoragePath } from '../../storage/storage-path.js';

/** Where a document's state lives in room storage: a sidecar, so `<path>` itself stays free. */
export const SYNC_FOLDER = SERVER_OWNED_FOLDER;
const FORMAT = 'convene.sync';
const VERSION = 1;

/** `notes/a.doc` → `.sync/notes/a.doc.yjs` (checked like any storage path). */
export function documentFilePath(path: string): string {
  return normalizeStoragePath(`${SYNC_FOLDER}/${path}.yjs`);
}

export interface DocumentFile {
  /** The MeshSchema JSON the document was created with, or null. */
  schema: Record<string, unknown> | null;
  /** The whole document as one Yjs v1 update. */
  update: Uint8Array;
}

/**
 * The sidecar is the protocol's own payload packing (PROTOCOL.md §3): a JSON header
 * `{format, version, schema}` followed by the Yjs v1 update, so the file is self-describing and
 * readable with the same `unpack` every Convene package already has.
 */
export function encodeDocumentFile(file: DocumentFile): Uint8Array {
  return pack({ format: FORMAT, version: VERSION, schema: file.schema }, file.update);
}

/** Throws when the bytes are not a document file this version understands. */
export function decodeDocumentFile(data: Uint8Array): DocumentFile {
  const { header, payload } = unpackObject(data);
  if (header['format'] !== FORMAT) throw new Error('not a Convene document file');
  if (header['version'] !== VERSION) throw new Error(`unsupported document file version ${String(header['version'])}`);
  const schema = header['schema'];
  return { schema: isPlainObject(schema) ? schema : null, update: payload };
}
