import { RoomError, isPlainObject } from '@convene/protocol';
import type { StorageEntry, StorageFileEvent, StorageMoveEvent } from './storage-types.js';

/** Storage replies parsed as strictly as MeshAgent's client does, into typed objects with Dates. */
export function parseEntry(value: unknown, path: string, tool: string): StorageEntry {
  if (!isPlainObject(value)) throw unexpected(tool);
  const { name, is_folder: isFolder, size } = value;
  if (typeof name !== 'string' || typeof isFolder !== 'boolean' || (size != null && typeof size !== 'number')) throw unexpected(tool);
  return {
    name,
    path,
    isFolder,
    size: typeof size === 'number' ? size : null,
    createdAt: parseTimestamp(value['created_at'], tool),
    updatedAt: parseTimestamp(value['updated_at'], tool),
  };
}

/**
 * The path of an entry: `folder` itself (for stat) or `folder/<item.name>` (for list), written
 * the way the server normalizes it (no leading, trailing or doubled slashes).
 */
export function storageChildPath(folder: string, item?: unknown): string {
  const base = folder.split('/').filter((segment) => segment !== '' && segment !== '.').join('/');
  if (item === undefined) return base;
  const name = isPlainObject(item) && typeof item['name'] === 'string' ? item['name'] : '';
  return base === '' ? name : `${base}/${name}`;
}

/** A `storage.file.updated` / `storage.file.deleted` header, or null when malformed. */
export function parseFileEvent(header: unknown): StorageFileEvent | null {
  if (!isPlainObject(header) || typeof header['path'] !== 'string') return null;
  return { path: header['path'], participantId: optionalString(header['participant_id']) };
}

export function parseMoveEvent(header: unknown): StorageMoveEvent | null {
  if (!isPlainObject(header)) return null;
  const { source_path: sourcePath, destination_path: destinationPath } = header;
  if (typeof sourcePath !== 'string' || typeof destinationPath !== 'string') return null;
  return { sourcePath, destinationPath, participantId: optionalString(header['participant_id']) };
}

function parseTimestamp(value: unknown, tool: string): Date | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw unexpected(tool);
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw unexpected(tool);
  return date;
}

function optionalString(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** The typed error for a reply that does not have the documented shape. */
export function unexpected(tool: string): RoomError {
  return new RoomError('protocol_error', `unexpected reply from storage.${tool}`);
}
