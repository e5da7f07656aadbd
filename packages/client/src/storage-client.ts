import { isPlainObject, type Content } from '@convene/protocol';
import { withDeadline } from './deadline.js';
import { Emitter, type Listener } from './event-emitter.js';
import type { InvokeRequest } from './invoke-tool.js';
import { mimeTypeOf } from '@convene/protocol';
import type { RequestOptions } from './request-options.js';
import type { ServerMessage } from './room-host.js';
import { openDownload } from './storage-download.js';
import { parseEntry, parseFileEvent, parseMoveEvent, storageChildPath, unexpected } from './storage-parse.js';
import type {
  DownloadedFile,
  DownloadOptions,
  FileDownload,
  StorageEntry,
  StorageEvents,
  UploadOptions,
  UploadStreamOptions,
} from './storage-types.js';
import { PulledReader, pumpUpload, type UploadSource } from './storage-upload.js';
import type { ToolCallStream } from './tool-call-stream.js';
import type { StreamInvokeRequest } from './tool-call-streams.js';

/** What the storage client needs from the RoomClient. */
export interface StorageHost {
  invoke(request: InvokeRequest, options?: RequestOptions): Promise<Content>;
  invokeStream(request: StreamInvokeRequest, options?: RequestOptions): Promise<ToolCallStream>;
  registerHandler(type: string, handler: (message: ServerMessage) => void): () => void;
}

const DEFAULT_DOWNLOAD_CHUNK = 1024 * 1024;
const EMPTY = new Uint8Array(0);

/**
 * `room.storage`: the room's files (PROTOCOL.md §5.3). Uploads and downloads stream in chunks
 * pulled one at a time, so memory stays flat whatever the file size. Every method takes
 * `RequestOptions`; for transfers the timeout and signal cover the whole transfer.
 *
 * @example
 * await room.storage.upload('docs/hello.txt', new TextEncoder().encode('hi'), { overwrite: true });
 * const entries = await room.storage.list('docs');
 * const file = await room.storage.download('docs/hello.txt');
 * room.storage.on('file_updated', ({ path }) => console.log('changed', path));
 */
export class StorageClient {
  readonly #host: StorageHost;
  readonly #events = new Emitter<StorageEvents>();
  #unregister: (() => void) | null = null;

  constructor(host: StorageHost) {
    this.#host = host;
  }

  /**
   * Subscribes to `storage.file.*` pushes. Handlers are registered only while someone listens,
   * so without listeners these pushes still reach `server_message`.
   */
  on<K extends keyof StorageEvents>(event: K, listener: Listener<StorageEvents[K]>): () => void {
    this.#listen();
    this.#events.on(event, listener);
    return () => this.off(event, listener);
  }

  off<K extends keyof StorageEvents>(event: K, listener: Listener<StorageEvents[K]>): void {
    this.#events.off(event, listener);
    const count = this.#events.listenerCount('file_updated') + this.#events.listenerCount('file_deleted') + this.#events.listenerCount('file_moved');
    if (count === 0) {
      this.#unregister?.();
      this.#unregister = null;
    }
  }

  /** Entries directly inside a folder (`""` = the root), sorted by name. */
  async list(path: string, options?: RequestOptions): Promise<StorageEntry[]> {
    const json = await this.#json('list', { path }, options);
    if (!Array.isArray(json['files'])) throw unexpected('list');
    return json['files'].map((item) => parseEntry(item, storageChildPath(path, item), 'list')).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The entry, or null when nothing is there. */
  async stat(path: string, options?: RequestOptions): Promise<StorageEntry | null> {
    const json = await this.#json('stat', { path }, options);
    if (typeof json['exists'] !== 'boolean') throw unexpected('stat');
    return json['exists'] ? parseEntry(json, storageChildPath(path), 'stat') : null;
  }

  async exists(path: string, options?: RequestOptions): Promise<boolean> {
    const json = await this.#json('exists', { path }, options);
    if (typeof json['exists'] !== 'boolean') throw unexpected('exists');
    return json['exists'];
  }

  /** Deletes a file, or a folder with `recursive`. */
  async delete(path: string, { recursive = false }: { recursive?: boolean } = {}, options?: RequestOptions): Promise<void> {
    await this.#host.invoke({ toolkit: 'storage', tool: 'delete', arguments: { path, recursive } }, options);
  }

  /** Moves a file or folder; an existing destination needs `overwrite`. */
  async move(from: string, to: string, { overwrite = false }: { overwrite?: boolean } = {}, options?: RequestOptions): Promise<void> {
    const args = { source_path: from, destination_path: to, overwrite };
    await this.#host.invoke({ toolkit: 'storage', tool: 'move', arguments: args }, options);
  }

  /** A short-lived HTTP URL that fetches the file without further credentials. */
  async downloadUrl(path: string, options?: RequestOptions): Promise<string> {
    const json = await this.#json('download_url', { path }, options);
    if (typeof json['url'] !== 'string') throw unexpected('download_url');
    return json['url'];
  }

  /** Uploads bytes or a Blob/File (read in pieces as the server pulls them). */
  upload(path: string, data: Uint8Array | Blob, uploadOptions: UploadOptions = {}, options?: RequestOptions): Promise<void> {
    if (data instanceof Uint8Array) return this.#upload(path, data, { ...uploadOptions, size: data.length }, options);
    return this.#upload(path, data.stream() as ReadableStream<Uint8Array>, { ...uploadOptions, size: data.size }, options);
  }

  /** Uploads from a stream, reading it only when the server pulls, so memory stays flat. */
  uploadStream(path: string, source: UploadSource, uploadOptions: UploadStreamOptions = {}, options?: RequestOptions): Promise<void> {
    return this.#upload(path, source, uploadOptions, options);
  }

  /** Downloads a whole file into memory (use {@link downloadStream} for large ones). */
  download(path: string, downloadOptions: DownloadOptions = {}, options?: RequestOptions): Promise<DownloadedFile> {
    return withDeadline(options, async (signal) => {
      const file = await this.#openDownload(path, downloadOptions, signal);
      const data = new Uint8Array(file.size);
      let offset = 0;
      for await (const chunk of file.chunks) {
        data.set(chunk, offset);
        offset += chunk.length;
      }
      return { name: file.name, mimeType: file.mimeType, size: file.size, data };
    });
  }

  /**
   * Opens a download: resolves with the metadata once the server started it; the bytes are
   * pulled as `chunks` is iterated. The timeout covers opening; the signal also stops iteration.
   */
  downloadStream(path: string, downloadOptions: DownloadOptions = {}, options?: RequestOptions): Promise<FileDownload> {
    // The deadline's signal ends with the opening; iteration listens to the caller's own signal.
    return withDeadline(options, (signal) => this.#openDownload(path, downloadOptions, signal, options?.signal));
  }

  async #openDownload(
    path: string,
    { chunkSize = DEFAULT_DOWNLOAD_CHUNK }: DownloadOptions,
    signal: AbortSignal,
    iterationSignal: AbortSignal | undefined = signal,
  ): Promise<FileDownload> {
    const stream = await this.#host.invokeStream({ toolkit: 'storage', tool: 'download' }, { signal });
    try {
      await stream.send({ type: 'binary', headers: { kind: 'start', path, chunk_size: chunkSize }, data: EMPTY }, { signal });
      const file = await openDownload(stream, iterationSignal);
      // Nobody will read a download whose caller gave up while it opened: release it now.
      if (signal.aborted) throw signal.reason;
      return file;
    } catch (error) {
      await stream.end().catch(() => {});
      throw error;
    }
  }

  #upload(path: string, source: UploadSource | Uint8Array, uploadOptions: UploadStreamOptions, options?: RequestOptions): Promise<void> {
    const name = uploadOptions.name || (path.split('/').filter(Boolean).pop() ?? path);
    const size = uploadOptions.size ?? null;
    const start: Content = {
      type: 'binary',
      headers: { kind: 'start', path, overwrite: uploadOptions.overwrite ?? false, name, mime_type: uploadOptions.mimeType || mimeTypeOf(name), size },
      data: EMPTY,
    };
    return withDeadline(options, async (signal) => {
      const reader = new PulledReader(source);
      let stream: ToolCallStream;
      try {
        stream = await this.#host.invokeStream({ toolkit: 'storage', tool: 'upload' }, { signal });
      } catch (error) {
        void reader.close().catch(() => {});
        throw error;
      }
      await pumpUpload(stream, reader, start, { signal, total: size, onProgress: uploadOptions.onProgress });
    });
  }

  async #json(tool: string, args: Record<string, unknown>, options?: RequestOptions): Promise<Record<string, unknown>> {
    const reply = await this.#host.invoke({ toolkit: 'storage', tool, arguments: args }, options);
    if (reply.type !== 'json' || !isPlainObject(reply.json)) throw unexpected(tool);
    return reply.json;
  }

  #listen(): void {
    if (this.#unregister) return;
    const offs = [
      this.#host.registerHandler('storage.file.updated', ({ header }) => {
        const event = parseFileEvent(header);
        if (event) this.#events.emit('file_updated', event);
      }),
      this.#host.registerHandler('storage.file.deleted', ({ header }) => {
        const event = parseFileEvent(header);
        if (event) this.#events.emit('file_deleted', event);
      }),
      this.#host.registerHandler('storage.file.moved', ({ header }) => {
        const event = parseMoveEvent(header);
        if (event) this.#events.emit('file_moved', event);
      }),
    ];
    this.#unregister = () => offs.forEach((off) => off());
  }
}
