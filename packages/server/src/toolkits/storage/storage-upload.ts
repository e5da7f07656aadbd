import { RoomError } from '@convene/protocol';
import type { StreamingTool } from '../../toolkit.js';
import type { ToolCallStream } from '../../tool-call-stream.js';
import type { StorageWriter } from '../../storage/storage-backend.js';
import { optionalBoolean, pathArgument, requireWrite } from './storage-arguments.js';
import type { StorageEvents } from './storage-events.js';

const EMPTY = new Uint8Array(0);

export interface UploadOptions {
  /** Largest file accepted; more is refused with `payload_too_large` (413). */
  maxUploadBytes: number;
  /** `chunk_size` asked for in each pull; kept below the message size limit. */
  chunkBytes: number;
  events: StorageEvents;
}

/**
 * `storage.upload` (PROTOCOL.md §5.3): pull-based, so the server holds one chunk at a time and a
 * slow disk slows the sender instead of filling memory. Bytes go to a storage writer that shows
 * the file only on commit; any failure or a dropped connection aborts it, leaving the path as it
 * was.
 */
export function uploadTool({ maxUploadBytes, chunkBytes, events }: UploadOptions): StreamingTool {
  return {
    async stream({ room, participant }, stream) {
      const start = await stream.expect('start');
      const path = pathArgument(start.headers, 'path');
      const overwrite = optionalBoolean(start.headers, 'overwrite') ?? false;
      const size = declaredSize(start.headers['size']);
      requireWrite(participant, path);
      if (size !== null && size > maxUploadBytes) throw tooLarge(maxUploadBytes);
      const writer = await room.storage.openWriter(path, { overwrite });
      let committed = false;
      try {
        const received = await receive(stream, writer, { size, maxUploadBytes, chunkBytes });
        // The input also ends when the connection drops; only a caller's own close finishes the file.
        if (participant.connection.closed) throw new RoomError('aborted', 'the uploader disconnected');
        if (size !== null && received !== size) {
          throw new RoomError('bad_request', `the upload ended after ${received} of ${size} bytes`);
        }
        await writer.commit();
        committed = true;
      } finally {
        if (!committed) await writer.abort();
      }
      stream.close();
      events.updated(room, participant, path);
    },
  };
}

/** Pulls until the caller closes its input; returns the byte count. */
async function receive(
  stream: ToolCallStream,
  writer: StorageWriter,
  limits: { size: number | null; maxUploadBytes: number; chunkBytes: number },
): Promise<number> {
  let received = 0;
  for (;;) {
    stream.send({ type: 'binary', headers: { kind: 'pull', chunk_size: limits.chunkBytes }, data: EMPTY });
    const chunk = await stream.next();
    if (chunk === null) return received;
    // Convene's client cancels with an `abort` chunk, since a close would commit (WIRE-EXTENSIONS.md).
    if (chunk.type === 'binary' && chunk.headers['kind'] === 'abort') throw new RoomError('aborted', 'the uploader cancelled the upload');
    if (chunk.type !== 'binary' || chunk.headers['kind'] !== 'data') {
      throw new RoomError('bad_request', 'an upload takes "data" chunks after "start"');
    }
    received += chunk.data.length;
    if (received > limits.maxUploadBytes) throw tooLarge(limits.maxUploadBytes);
    if (limits.size !== null && received > limits.size) {
      throw new RoomError('bad_request', `the upload is larger than its declared size of ${limits.size} bytes`);
    }
    await writer.write(chunk.data);
  }
}

function declaredSize(value: unknown): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new RoomError('bad_request', '"size" must be a non-negative integer or null');
  }
  return value;
}

function tooLarge(limit: number): RoomError {
  return new RoomError('payload_too_large', `uploads are limited to ${limit} bytes`);
}
