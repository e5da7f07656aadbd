import { RoomError } from '@convene/protocol';
import { normalizeStoragePath } from '../../storage/storage-path.js';

export interface DocumentPaths {
  /** The storage-normalized path: the document's identity in the room and its grant subject. */
  key: string;
  /**
   * The path as MeshAgent's client normalizes it (leading `./` and `/` stripped, nothing else).
   * Replies carry this one: the client refuses a reply whose path differs from its own.
   */
  wire: string;
}

/** Reads a document path from a request; refuses the empty path and anything storage would refuse. */
export function documentPaths(path: unknown): DocumentPaths {
  if (typeof path !== 'string') throw new RoomError('bad_request', 'a document "path" must be a string');
  // Exactly MeshAgent's `normalizeSyncPath`: all leading `./`, then all leading `/`.
  let wire = path;
  while (wire.startsWith('./')) wire = wire.slice(2);
  while (wire.startsWith('/')) wire = wire.slice(1);
  if (wire === '.') wire = '';
  const key = normalizeStoragePath(path);
  if (key === '') throw new RoomError('bad_request', 'a document path must name a file');
  return { key, wire };
}
