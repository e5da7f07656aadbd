import * as Y from 'yjs';
import {
  PermissionError,
  RoomError,
  decodeBase64,
  decodeBase64Bytes,
  encodeBase64,
  encodeBase64Bytes,
  errorContent,
  syncReadAllowed,
  syncWriteAllowed,
  type Content,
} from '@convene/protocol';
import type { ToolCallStream } from '../../tool-call-stream.js';
import type { ToolContext } from '../../toolkit.js';
import { documentPaths } from './document-path.js';
import { extensionSchema, noSchemaError, requestedSchema } from './resolve-schema.js';
import type { RoomDocuments } from './room-documents.js';
import type { SyncDocument } from './sync-document.js';
import { outlineUpdate, type UpdateOutline } from './update-outline.js';

const NO_DATA = new Uint8Array(0);

/**
 * `sync.open` (PROTOCOL.md §5.2): reads the `start` chunk, answers `state` with the document (or
 * the diff against the caller's vector) and the schema used, then applies the caller's `sync`
 * chunks and forwards everyone else's changes until the caller sends `control close`.
 */
export async function openDocumentStream(context: ToolContext, stream: ToolCallStream, documents: RoomDocuments): Promise<void> {
  const start = await stream.expect('start');
  const headers = start.headers;
  const { key, wire } = documentPaths(headers['path']);
  const api = context.participant.claims.api;
  if (!syncReadAllowed(api, key)) throw new PermissionError(`the token does not allow reading "${key}"`);
  const canWrite = syncWriteAllowed(api, key);
  const vector = readVector(headers['vector']);
  const storage = context.room.storage;
  const requested = await requestedSchema(storage, headers['schema'], headers['schema_path']);
  const fallback = requested ?? (await extensionSchema(storage, key));
  const document = await documents.acquire(key, {
    create: headers['create'] !== false,
    mayCreate: canWrite,
    schema: fallback,
    json: headers['initial_json'],
  });
  let unlisten = (): void => {};
  try {
    // The caller's schema wins for its own view; a stored document remembers the one it was made with.
    const schema = requested ?? document.schema ?? fallback;
    if (!schema) throw noSchemaError(key);
    if (!document.schema && canWrite) {
      // A document stored without a schema remembers the first one it is opened with, but only
      // by a token that may write it: storing the schema changes the document.
      document.schema = schema;
      document.markDirty();
    }
    const update = vector ? Y.encodeStateAsUpdate(document.doc, vector) : Y.encodeStateAsUpdate(document.doc);
    stream.send({
      type: 'binary',
      // `vector` is a Convene extension (docs/WIRE-EXTENSIONS.md): our client diffs its offline edits against it.
      // `chunk_acks`: `sync` chunks that say `ack: false` are answered only if they fail (docs/WIRE-EXTENSIONS.md).
      headers: { kind: 'state', path: wire, schema: schema.json, vector: encodeBase64(Y.encodeStateVector(document.doc)), chunk_acks: 'optional' },
      data: encodeBase64Bytes(update),
    });
    // This stream's own updates carry `stream` as their origin, so they are not sent back to it.
    // Every update goes out under the same chunk header, encoded once for the stream.
    const syncHeader = stream.encodeChunkHeader({ type: 'binary', headers: { kind: 'sync', path: wire }, data: NO_DATA });
    unlisten = document.listen((base64Bytes, origin, pushId) => {
      if (origin !== stream) stream.sendEncoded(syncHeader, base64Bytes, pushId);
    });
    // Each edit is applied (and relayed) as its chunk arrives, before the chunk is acknowledged.
    await new Promise<void>((resolve, reject) => {
      let done = false;
      stream.consume((chunk) => {
        if (done) return;
        if (chunk === null) {
          done = true;
          return resolve();
        }
        try {
          const problem = applyChunk(document, chunk, canWrite, stream);
          if (problem) stream.send(problem);
        } catch (error) {
          done = true;
          reject(error);
        }
      });
    });
  } finally {
    unlisten();
    documents.release(document);
  }
}

/** Applies one request chunk; returns the error chunk to send when it is refused. The stream stays open. */
function applyChunk(document: SyncDocument, chunk: Content, canWrite: boolean, origin: ToolCallStream): Content | null {
  if (chunk.type !== 'binary' || chunk.headers['kind'] !== 'sync') {
    return errorContent('bad_request', 'sync.open takes "sync" chunks after "start"');
  }
  if (!canWrite) return errorContent('permission_denied', `the token does not allow writing "${document.path}"`);
  let update: Uint8Array;
  let outline: UpdateOutline;
  try {
    update = decodeBase64Bytes(chunk.data);
    if (update.length === 0) return null;
    // Read whole first, as Yjs would: a malformed update is refused before it can touch the
    // document or reach another stream.
    outline = outlineUpdate(update);
  } catch {
    return errorContent('bad_request', 'a "sync" chunk must carry the base64 text of a Yjs update');
  }
  // Padded text is forwarded as it came; other forms are re-encoded, so readers get canonical base64.
  const text = chunk.data;
  const base64Bytes = (): Uint8Array => ((text.length & 3) === 0 ? text : encodeBase64Bytes(update));
  try {
    document.receive(update, outline, base64Bytes, origin);
  } catch {
    return errorContent('bad_request', 'the Yjs update could not be applied');
  }
  return null;
}

function readVector(value: unknown): Uint8Array | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value !== 'string') throw new RoomError('bad_request', '"vector" must be base64 text or null');
  try {
    const vector = decodeBase64(value);
    Y.decodeStateVector(vector);
    return vector;
  } catch {
    throw new RoomError('bad_request', '"vector" is not a base64 Yjs state vector');
  }
}
