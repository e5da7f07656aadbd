/** A file or folder in room storage. */
export interface StorageEntry {
  /** The last path segment. */
  name: string;
  /** Path from the room root (`docs/a.txt`), as the caller would pass it back. */
  path: string;
  isFolder: boolean;
  /** Bytes for files; null for folders (or when the server does not say). */
  size: number | null;
  createdAt: Date | null;
  updatedAt: Date | null;
}

/** `file_updated` / `file_deleted`: who changed which file. */
export interface StorageFileEvent {
  path: string;
  /** The participant that made the change; null if the server did not say. */
  participantId: string | null;
}

export interface StorageMoveEvent {
  sourcePath: string;
  destinationPath: string;
  participantId: string | null;
}

export type StorageEvents = {
  file_updated: StorageFileEvent;
  file_deleted: StorageFileEvent;
  file_moved: StorageMoveEvent;
};

export interface UploadProgress {
  /** Bytes sent so far. */
  sent: number;
  /** The declared size, or null when unknown (a stream without `size`). */
  total: number | null;
}

export interface UploadOptions {
  /** Replace an existing file (default false: an existing file is an error). */
  overwrite?: boolean;
  /** Announced file name (default: the last path segment). */
  name?: string;
  /** Announced type (default: from the name's extension). */
  mimeType?: string;
  /** Called after each chunk the server took. */
  onProgress?: (progress: UploadProgress) => void;
}

export interface UploadStreamOptions extends UploadOptions {
  /** Total bytes, if known: the server then checks that exactly this many arrived. */
  size?: number | null;
}

export interface DownloadOptions {
  /** Bytes per pulled chunk (default 1 MiB; the server may cap it). */
  chunkSize?: number;
}

/** A whole downloaded file. */
export interface DownloadedFile {
  name: string;
  mimeType: string;
  size: number;
  data: Uint8Array;
}

/**
 * A download in progress: the metadata is known, the bytes are pulled one chunk at a time as
 * `chunks` is iterated. Iterate it once (breaking out of the loop ends the download), or call
 * `cancel()` if you will not read it: until then the server keeps the file open.
 */
export interface FileDownload {
  name: string;
  mimeType: string;
  size: number;
  chunks: AsyncIterable<Uint8Array>;
  cancel(): Promise<void>;
}
