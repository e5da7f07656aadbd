import { RoomError, type Content } from '@convene/protocol';
import type { FileDownload } from './storage-types.js';
import type { ToolCallStream } from './tool-call-stream.js';

const EMPTY = new Uint8Array(0);
const PULL: Content = { type: 'binary', headers: { kind: 'pull' }, data: EMPTY };

/**
 * Reads the server's `start` chunk of `storage.download` (PROTOCOL.md §5.3) and returns the file's
 * metadata with a lazy iterable of its bytes: each step sends one `pull` and yields the `data`
 * chunk that answers it, so nothing is buffered ahead of the consumer. Our input is ended when
 * the iteration finishes, fails or is broken off, which also stops the server.
 */
export async function openDownload(stream: ToolCallStream, signal?: AbortSignal): Promise<FileDownload> {
  let start: Content | null;
  try {
    start = await stream.next();
  } catch (error) {
    await stream.end().catch(() => {});
    throw error;
  }
  const meta = start?.type === 'binary' && start.headers['kind'] === 'start' ? start.headers : null;
  const { name, mime_type: mimeType, size: announced } = meta ?? {};
  if (typeof name !== 'string' || typeof mimeType !== 'string' || typeof announced !== 'number' || !Number.isSafeInteger(announced) || announced < 0) {
    await stream.end().catch(() => {});
    throw unexpected('the first chunk is not a valid "start"');
  }
  const size: number = announced;
  let iterated = false;
  async function* chunks(): AsyncGenerator<Uint8Array> {
    if (iterated) throw new TypeError('a download can be iterated only once');
    iterated = true;
    try {
      for (let received = 0; received < size;) {
        if (signal?.aborted) throw signal.reason;
        const [, chunk] = await Promise.all([stream.send(PULL), stream.next()]);
        if (chunk === null) throw unexpected(`the stream closed after ${received} of ${size} bytes`);
        if (chunk.type !== 'binary' || chunk.headers['kind'] !== 'data') throw unexpected(`expected a "data" chunk, got ${chunk.type}`);
        received += chunk.data.length;
        if (received > size) throw unexpected(`more than the announced ${size} bytes`);
        yield chunk.data;
      }
      // The server closes right after the last chunk.
      if ((await stream.next()) !== null) throw unexpected('data after the announced size');
    } finally {
      await stream.end().catch(() => {});
    }
  }
  return {
    name,
    mimeType,
    size,
    chunks: { [Symbol.asyncIterator]: chunks },
    cancel: async () => {
      iterated = true;
      await stream.end().catch(() => {});
    },
  };
}

function unexpected(detail: string): RoomError {
  return new RoomError('protocol_error', `storage.download: ${detail}`);
}
