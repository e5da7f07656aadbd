import type { FileHandle } from 'node:fs/promises';
import { RoomError } from '@convene/protocol';

/**
 * A file read as chunks of at most `chunkSize` bytes, one `read()` per chunk, so memory stays at
 * one chunk whatever the file size. The handle was opened before the size was taken, and files
 * are only ever replaced by rename, so the bytes read are exactly the `size` announced. The
 * handle closes at the end, on `return()` (a `for await` that breaks) or on abort.
 */
export class FileChunks implements AsyncIterableIterator<Uint8Array> {
  readonly #handle: FileHandle;
  readonly #size: number;
  readonly #chunkSize: number;
  readonly #signal: AbortSignal | undefined;
  #offset = 0;
  #closed = false;

  constructor(handle: FileHandle, size: number, chunkSize: number, signal?: AbortSignal) {
    this.#handle = handle;
    this.#size = size;
    this.#chunkSize = chunkSize;
    this.#signal = signal;
  }

  async next(): Promise<IteratorResult<Uint8Array>> {
    if (this.#closed) return { done: true, value: undefined };
    if (this.#signal?.aborted) {
      await this.#close();
      throw new RoomError('aborted', 'the read was aborted');
    }
    if (this.#offset >= this.#size) return this.return();
    const length = Math.min(this.#chunkSize, this.#size - this.#offset);
    const buffer = new Uint8Array(length);
    let filled = 0;
    try {
      while (filled < length) {
        const { bytesRead } = await this.#handle.read(buffer, filled, length - filled, this.#offset + filled);
        if (bytesRead === 0) throw new RoomError('internal', 'the file shrank while it was being read');
        filled += bytesRead;
      }
    } catch (error) {
      await this.#close();
      throw error;
    }
    this.#offset += length;
    return { done: false, value: buffer };
  }

  async return(): Promise<IteratorResult<Uint8Array>> {
    await this.#close();
    return { done: true, value: undefined };
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<Uint8Array> {
    return this;
  }

  async #close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#handle.close().catch(() => {});
  }
}
