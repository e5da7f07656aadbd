import { registerRoomExtension } from './room-extensions.js';
import { StorageClient } from './storage-client.js';

/**
 * Room storage: files with pull-based streaming uploads and downloads.
 * Importing this module (once, anywhere in the app) makes `room.storage` available.
 *
 * @example
 * import '@convene/client/storage';
 */
registerRoomExtension('storage', (client) => new StorageClient(client));

export { StorageClient } from './storage-client.js';
export type { StorageHost } from './storage-client.js';
export type {
  StorageEntry,
  StorageEvents,
  StorageFileEvent,
  StorageMoveEvent,
  UploadOptions,
  UploadStreamOptions,
  UploadProgress,
  DownloadOptions,
  DownloadedFile,
  FileDownload,
} from './storage-types.js';
export type { UploadSource } from './storage-upload.js';
