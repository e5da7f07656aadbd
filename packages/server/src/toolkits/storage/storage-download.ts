import { RoomError } from '@convene/protocol';
import type { StreamingTool } from '../../toolkit.js';
import { mimeTypeOf } from '@convene/protocol';
import { pathArgument, requireRead } from './storage-arguments.js';

const EMPTY = new Uint8Array(0);
export const DEFAULT_DOWNLOAD_CHUNK_BYTES = 64 * 1024;

/**
 * `storage.download` (PROTOCOL.md §5.3): a `start` chunk with the file's name, type and size,
 * then one `data` chunk per `pull`, read from storage only when pulled. The output closes right
 * after the last data chunk (or the start chunk for an empty file); a caller that stops pulling
 * and closes its input ends the download early.
 */
export function downloadTool({ maxChunkBytes }: { maxChunkBytes: number }): StreamingTool {
  return {
    async stream({ room, participant }, stream) {
      const start = await stream.expect('start');
      const path = pathArgument(start.headers, 'path');
      const chunkSize = Math.min(requestedChunkSize(start.headers['chunk_size']), maxChunkBytes);
      requireRead(participant, path);
      const { entry, chunks } = await room.storage.read(path, { chunkSize });
      const iterator = chunks[Symbol.asyncIterator]();
      try {
        const size = entry.size ?? 0;
        stream.send({ type: 'binary', headers: { kind: 'start', name: entry.name, mime_type: mimeTypeOf(entry.name), size }, data: EMPTY });
        for (let sent = 0; sent < size;) {
          const request = await stream.next();
          if (request === null) return;
          if (request.type !== 'binary' || request.headers['kind'] !== 'pull') {
            throw new RoomError('bad_request', 'a download takes "pull" chunks after "start"');
          }
          const next = await iterator.next();
          if (next.done) throw new RoomError('internal', `"${path}" ended before its announced size`);
          stream.send({ type: 'binary', headers: { kind: 'data' }, data: next.value });
          sent += next.value.length;
        }
      } finally {
        await iterator.return?.();
      }
    },
  };
}

function requestedChunkSize(value: unknown): number {
  if (value === undefined || value === null) return DEFAULT_DOWNLOAD_CHUNK_BYTES;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new RoomError('bad_request', '"chunk_size" must be a positive integer');
  }
  return value;
}
