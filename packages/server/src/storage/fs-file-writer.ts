import type { FileHandle } from 'node:fs/promises';
import { unlink } from 'node:fs/promises';
import { RoomError } from '@convene/protocol';
import type { StorageEntry, StorageWriter } from './storage-backend.js';

/**
 * An upload into a temp file. `commit` flushes it to disk (fsync) and hands it to `install`,
 * which renames it into place, so the path shows either the old file or the whole new one, even
 * after a crash. `abort` removes the temp file. Operations run one after another, so an `abort`
 * that races a `write` (the client disconnected) waits for it instead of closing under it.
 */
export class FsFileWriter implements StorageWriter {
  readonly #handle: FileHandle;
  readonly #tempPath: string;
  readonly #install: (tempPath: string) => Promise<StorageEntry>;
  #queue: Promise<unknown> = Promise.resolve();
  #state: 'open' | 'committed' | 'aborted' = 'open';

  constructor(handle: FileHandle, tempPath: string, install: (tempPath: string) => Promise<StorageEntry>) {
    this.#handle = handle;
    this.#tempPath = tempPath;
    this.#install = install;
  }

  write(chunk: Uint8Array): Promise<void> {
    return this.#run(async () => {
      this.#requireOpen();
      for (let offset = 0; offset < chunk.length;) {
        const { bytesWritten } = await this.#handle.write(chunk, offset, chunk.length - offset);
        offset += bytesWritten;
      }
    });
  }

  commit(): Promise<StorageEntry> {
    return this.#run(async () => {
      this.#requireOpen();
      this.#state = 'committed';
      try {
        await this.#handle.sync();
        await this.#handle.close();
        return await this.#install(this.#tempPath);
      } catch (error) {
        await this.#handle.close().catch(() => {});
        await unlink(this.#tempPath).catch(() => {});
        throw error;
      }
    });
  }

  abort(): Promise<void> {
    return this.#run(async () => {
      if (this.#state !== 'open') return;
      this.#state = 'aborted';
      await this.#handle.close().catch(() => {});
      await unlink(this.#tempPath).catch(() => {});
    });
  }

  #requireOpen(): void {
    if (this.#state !== 'open') throw new RoomError('bad_request', 'the upload is finished');
  }

  #run<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(operation);
    this.#queue = result.catch(() => {});
    return result;
  }
}
