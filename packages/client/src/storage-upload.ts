import { RoomError, type Content } from '@convene/protocol';
import type { ToolCallStream } from './tool-call-stream.js';
import type { UploadProgress } from './storage-types.js';

const EMPTY = new Uint8Array(0);
/** MeshAgent's default when a pull names no size. */
const DEFAULT_PULL_BYTES = 64 * 1024;

/** What an upload reads from: bytes, a Blob/File, a web stream or any async iterable of bytes. */
export type UploadSource = AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>;

/**
 * Cuts a source's chunks into the sizes the server pulls, reading the source only when a pull
 * needs more bytes, so at most one source chunk and one pulled chunk are held at a time.
 */
export class PulledReader {
  readonly #source: AsyncIterator<Uint8Array>;
  #pending: Uint8Array = EMPTY;
  #done = false;

  constructor(source: UploadSource | Uint8Array) {
    this.#source = iteratorOf(source);
  }

  /** Up to `size` bytes; null once the source is exhausted. */
  async read(size: number): Promise<Uint8Array | null> {
    const parts: Uint8Array[] = [];
    let length = 0;
    while (length < size) {
      if (this.#pending.length === 0) {
        if (this.#done) break;
        const next = await this.#source.next();
        if (next.done) {
          this.#done = true;
          break;
        }
        if (!(next.value instanceof Uint8Array)) throw new TypeError('an upload source must yield Uint8Array chunks');
        this.#pending = next.value;
        continue;
      }
      const take = Math.min(size - length, this.#pending.length);
      parts.push(this.#pending.subarray(0, take));
      this.#pending = this.#pending.subarray(take);
      length += take;
    }
    if (length === 0) return null;
    return parts.length === 1 ? parts[0]! : concat(parts, length);
  }

  /** Releases the source (cancels a web stream, finishes a generator). */
  async close(): Promise<void> {
    this.#done = true;
    this.#pending = EMPTY;
    await this.#source.return?.();
  }
}

/**
 * Runs the caller's side of `storage.upload` on an open stream (PROTOCOL.md §5.3): sends `start`,
 * answers each `pull` with one `data` chunk, ends the input when the source runs dry, and returns
 * when the server closes (after committing). An `error` chunk rejects with its typed error. If
 * `signal` aborts or anything fails, an `abort` chunk tells the server to drop the upload
 * (WIRE-EXTENSIONS.md) and the stream is ended either way.
 */
export async function pumpUpload(
  stream: ToolCallStream,
  reader: PulledReader,
  start: Content,
  options: { signal: AbortSignal; total: number | null; onProgress?: ((progress: UploadProgress) => void) | undefined },
): Promise<void> {
  const { signal, total, onProgress } = options;
  const cancel = (): Promise<void> => stream.send({ type: 'binary', headers: { kind: 'abort' }, data: EMPTY }).catch(() => {});
  const onAbort = (): void => void cancel();
  signal.addEventListener('abort', onAbort, { once: true });
  let sent = 0;
  let ended = false;
  try {
    await stream.send(start, { signal });
    let pending = stream.next();
    for (let chunk = await pending; chunk !== null; chunk = await pending) {
      if (signal.aborted) throw signal.reason;
      const size = pullSize(chunk);
      // Listen for the server while the source is read: an error chunk or a dropped connection
      // must end the upload even if the source never yields again.
      pending = stream.next();
      if (ended) continue; // a pull after our close: the server will close too
      const data = await Promise.race([reader.read(size), pending.then(() => Promise.reject(unexpectedChunk()))]);
      if (data === null) {
        ended = true;
        await stream.end();
        continue;
      }
      await stream.send({ type: 'binary', headers: { kind: 'data' }, data });
      sent += data.length;
      onProgress?.({ sent, total });
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    // Not awaited: a source stuck in a read cannot finish until that read returns.
    void reader.close().catch(() => {});
    if (!ended) {
      // Failed midway (source error, abort, server error): a plain close would commit what was
      // sent, so cancel first. The server keeps a stream until our input ends, so end it too.
      await cancel();
      await stream.end().catch(() => {});
    }
  }
}

function unexpectedChunk(): RoomError {
  return new RoomError('protocol_error', 'storage.upload: the server answered before it was sent data');
}

function pullSize(chunk: Content): number {
  if (chunk.type !== 'binary' || chunk.headers['kind'] !== 'pull') {
    throw new RoomError('protocol_error', `storage.upload: expected a "pull" chunk, got ${chunk.type}`);
  }
  const size = chunk.headers['chunk_size'];
  return typeof size === 'number' && Number.isSafeInteger(size) && size > 0 ? size : DEFAULT_PULL_BYTES;
}

function iteratorOf(source: UploadSource | Uint8Array): AsyncIterator<Uint8Array> {
  if (source instanceof Uint8Array) {
    let given = false;
    return {
      next: async () => (given ? { done: true, value: undefined } : ((given = true), { done: false, value: source })),
    };
  }
  // Web streams are read through a reader: not every browser makes them async-iterable.
  if (typeof (source as ReadableStream<Uint8Array>).getReader === 'function') {
    const reader = (source as ReadableStream<Uint8Array>).getReader();
    return {
      next: async () => {
        const { done, value } = await reader.read();
        return done ? { done: true, value: undefined } : { done: false, value };
      },
      return: async () => {
        await reader.cancel().catch(() => {});
        reader.releaseLock();
        return { done: true, value: undefined };
      },
    };
  }
  return (source as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
}

function concat(parts: Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
