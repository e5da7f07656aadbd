/**
 * Where a room's files live. The filesystem backend keeps one directory per room under the
 * server's data directory; the memory backend is for tests. Paths given to a backend are already
 * normalized by {@link normalizeStoragePath}; a backend never sees `..` or an absolute path.
 * Errors are `RoomError`s with codes `not_found`, `conflict`-like `bad_request` (exists, not empty,
 * is a folder) so tool handlers can pass them straight to the caller.
 */
export interface StorageEntry {
  /** The entry's own name (last path segment). */
  name: string;
  /** Normalized path from the room root. */
  path: string;
  isFolder: boolean;
  /** Bytes for files; null for folders. */
  size: number | null;
  createdAt: Date | null;
  updatedAt: Date | null;
}

/** An upload in progress: bytes go to a temporary place and appear at `path` only on `commit`. */
export interface StorageWriter {
  write(chunk: Uint8Array): Promise<void>;
  /** Makes the file visible atomically (replacing an existing one only if the writer was opened with overwrite). */
  commit(): Promise<StorageEntry>;
  /** Drops what was written; the previous file, if any, is untouched. */
  abort(): Promise<void>;
}

export interface RoomStorage {
  /** Entries directly inside a folder (`""` = root). A missing folder → `not_found`. */
  list(path: string): Promise<StorageEntry[]>;
  /** The entry, or null when nothing is there. */
  stat(path: string): Promise<StorageEntry | null>;
  /** Deletes a file, or a folder (only with `recursive`, unless empty). Missing → `not_found`. */
  delete(path: string, options: { recursive: boolean }): Promise<void>;
  /** Moves a file or folder; an existing destination needs `overwrite`. */
  move(from: string, to: string, options: { overwrite: boolean }): Promise<void>;
  /** Starts an upload; an existing file needs `overwrite` (checked now and again at commit). */
  openWriter(path: string, options: { overwrite: boolean }): Promise<StorageWriter>;
  /**
   * Reads a file as a stream of chunks of at most `chunkSize` bytes, without loading it whole.
   * Missing or a folder → `not_found`.
   */
  read(path: string, options: { chunkSize: number; signal?: AbortSignal }): Promise<{ entry: StorageEntry; chunks: AsyncIterable<Uint8Array> }>;
  /** Small whole-file helpers (documents, schemas): null when missing; writes are atomic. */
  readFile(path: string): Promise<Uint8Array | null>;
  writeFile(path: string, data: Uint8Array): Promise<StorageEntry>;
  /**
   * Optional: appends `data` to an existing file and resolves once it is durable. Not atomic: a
   * crash may leave part of `data` appended, so it suits formats whose reader detects a torn tail
   * (the document log). A missing file or a folder → `not_found`; callers then write the file whole.
   */
  appendFile?(path: string, data: Uint8Array): Promise<void>;
}

/** Gives each room its own isolated storage. */
export interface StorageBackend {
  forRoom(room: string): RoomStorage;
}
