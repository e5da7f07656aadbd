import { EMPTY_CONTENT, RoomError, type Content } from '@convene/protocol';
import type { DownloadTokens } from '../../storage/download-token.js';
import type { Toolkit } from '../../toolkit.js';
import {
  entryJson,
  jsonArguments,
  optionalBoolean,
  pathArgument,
  requireRead,
  requireTreeWrite,
} from './storage-arguments.js';
import { downloadTool } from './storage-download.js';
import { StorageEvents } from './storage-events.js';
import { uploadTool } from './storage-upload.js';

export const DEFAULT_MAX_UPLOAD_BYTES = 1024 ** 3;
/**
 * Chunks are large because each one is a message and messages are rate-limited per connection:
 * 1 MiB pulls keep a 1 GiB upload far below the default 200 messages/s. A download's chunk size
 * is the caller's (MeshAgent asks for 64 KiB), up to 4 MiB.
 */
const UPLOAD_CHUNK_BYTES = 1024 * 1024;
const MAX_DOWNLOAD_CHUNK_BYTES = 4 * 1024 * 1024;
/** Room for the chunk's JSON header next to its bytes within one message. */
const CHUNK_HEADER_ALLOWANCE = 4096;

export interface StorageToolkitOptions {
  tokens: DownloadTokens;
  /** Largest upload accepted (default 1 GiB). */
  maxUploadBytes?: number;
  /** The server's message size limit: chunks in either direction stay below it. */
  maxMessageBytes: number;
}

const json = (value: unknown): Content => ({ type: 'json', json: value });

/**
 * The `storage` toolkit (PROTOCOL.md §5.3), gated by the `storage` API grant and, for every
 * operation, by its `paths` (read: list, stat, exists, download_url, download; write: upload,
 * delete, move). Changes are pushed to the room as `storage.file.*` events. RoomServer registers
 * it; the download URLs it hands out are served by `createDownloadRoute` with the same secret.
 *
 * @example
 * router.register(createStorageToolkit({ tokens: new DownloadTokens(secret), maxMessageBytes: limits.maxMessageBytes }));
 */
export function createStorageToolkit(options: StorageToolkitOptions): Toolkit {
  const events = new StorageEvents();
  const chunkBytes = chunkLimit(UPLOAD_CHUNK_BYTES, options.maxMessageBytes);
  const maxUploadBytes = options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES;
  return {
    name: 'storage',
    api: 'storage',
    tools: {
      list: {
        async handle({ room, participant }, input) {
          const path = pathArgument(jsonArguments(input, 'list'), 'path');
          requireRead(participant, path);
          return json({ files: (await room.storage.list(path)).map(entryJson) });
        },
      },
      stat: {
        async handle({ room, participant }, input) {
          const path = pathArgument(jsonArguments(input, 'stat'), 'path');
          requireRead(participant, path);
          const entry = await room.storage.stat(path);
          return json(entry ? { exists: true, ...entryJson(entry) } : { exists: false });
        },
      },
      exists: {
        async handle({ room, participant }, input) {
          const path = pathArgument(jsonArguments(input, 'exists'), 'path');
          requireRead(participant, path);
          return json({ exists: (await room.storage.stat(path)) !== null });
        },
      },
      delete: {
        async handle({ room, participant }, input) {
          const args = jsonArguments(input, 'delete');
          const path = pathArgument(args, 'path');
          const recursive = optionalBoolean(args, 'recursive') ?? false;
          requireTreeWrite(participant, path);
          await room.storage.delete(path, { recursive });
          events.deleted(room, participant, path);
          return EMPTY_CONTENT;
        },
      },
      move: {
        async handle({ room, participant }, input) {
          const args = jsonArguments(input, 'move');
          const from = pathArgument(args, 'source_path');
          const to = pathArgument(args, 'destination_path');
          const overwrite = optionalBoolean(args, 'overwrite') ?? false;
          requireTreeWrite(participant, from);
          requireTreeWrite(participant, to);
          await room.storage.move(from, to, { overwrite });
          if (from !== to) events.moved(room, participant, from, to);
          return EMPTY_CONTENT;
        },
      },
      download_url: {
        async handle({ room, participant }, input) {
          const path = pathArgument(jsonArguments(input, 'download_url'), 'path');
          requireRead(participant, path);
          const entry = await room.storage.stat(path);
          if (!entry || entry.isFolder) throw new RoomError('not_found', `no file at "${path}"`);
          const token = await options.tokens.sign({ room: room.name, path });
          return json({ url: downloadUrl(room.url, path, token) });
        },
      },
      upload: uploadTool({ maxUploadBytes, chunkBytes, events }),
      download: downloadTool({ maxChunkBytes: chunkLimit(MAX_DOWNLOAD_CHUNK_BYTES, options.maxMessageBytes) }),
    },
  };
}

function chunkLimit(preferred: number, maxMessageBytes: number): number {
  return Math.max(1024, Math.min(preferred, maxMessageBytes - CHUNK_HEADER_ALLOWANCE));
}

/** `ws(s)://host/rooms/<room>` → `http(s)://host/rooms/<room>/files/<path>?token=…` (WIRE-EXTENSIONS.md). */
function downloadUrl(roomUrl: string, path: string, token: string): string {
  const base = roomUrl.replace(/^ws(s?):/, 'http$1:');
  const encodedPath = path.split('/').map(encodeURIComponent).join('/');
  return `${base}/files/${encodedPath}?token=${encodeURIComponent(token)}`;
}
