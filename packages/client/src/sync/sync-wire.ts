import { ProtocolError, decodeBase64, decodeBase64Bytes, encodeBase64Bytes, isPlainObject, type Content } from '@convene/protocol';

/** MeshAgent's `normalizeSyncPath`: leading `./`, then leading `/`, are dropped; `.` is `""`. */
export function normalizeSyncPath(path: string): string {
  let normalized = path;
  while (normalized.startsWith('./')) normalized = normalized.slice(2);
  while (normalized.startsWith('/')) normalized = normalized.slice(1);
  return normalized === '.' ? '' : normalized;
}

/** Sync payloads are the UTF-8 bytes of the base64 text of a Yjs v1 update (PROTOCOL.md §5.2). */
export function encodeSyncPayload(update: Uint8Array): Uint8Array {
  return encodeBase64Bytes(update);
}

export function decodeSyncPayload(data: Uint8Array): Uint8Array {
  return data.length === 0 ? data : decodeBase64Bytes(data);
}

/** Frozen and shared: a stream reuses the encoded header of chunks with the same frozen headers. */
const SYNC_HEADERS: Readonly<Record<string, unknown>> = Object.freeze({ kind: 'sync' });

/** A `sync` request chunk carrying one update. */
export function syncChunk(update: Uint8Array): Content {
  return { type: 'binary', headers: SYNC_HEADERS, data: encodeSyncPayload(update) };
}

export interface StateChunk {
  schema: Record<string, unknown>;
  update: Uint8Array;
  /** The server's state vector (Convene extension), when it sent one. */
  vector: Uint8Array | null;
  /** The server acknowledges a `sync` chunk only when asked (`chunk_acks: "optional"`, Convene extension). */
  optionalAcks: boolean;
}

/** Reads the first response chunk of `sync.open`; throws `ProtocolError` when it is not a `state` for `path`. */
export function readStateChunk(chunk: Content | null, path: string): StateChunk {
  if (chunk === null) throw new ProtocolError('sync.open closed before the document state arrived');
  if (chunk.type !== 'binary' || chunk.headers['kind'] !== 'state') throw new ProtocolError(`sync.open answered with a ${chunk.type} chunk, not "state"`);
  const { path: replyPath, schema, vector, chunk_acks: chunkAcks } = chunk.headers;
  if (typeof replyPath !== 'string' || normalizeSyncPath(replyPath) !== path) throw new ProtocolError('sync.open answered for another path');
  if (!isPlainObject(schema)) throw new ProtocolError('sync.open answered without a schema');
  return {
    schema,
    update: decodeSyncPayload(chunk.data),
    vector: typeof vector === 'string' && vector.length > 0 ? decodeBase64(vector) : null,
    optionalAcks: chunkAcks === 'optional',
  };
}
