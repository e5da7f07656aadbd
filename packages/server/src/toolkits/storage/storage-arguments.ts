import {
  PermissionError,
  RoomError,
  isPlainObject,
  storageReadAllowed,
  storageTreeWriteAllowed,
  storageWriteAllowed,
  type Content,
} from '@convene/protocol';
import type { Participant } from '../../participant.js';
import type { StorageEntry } from '../../storage/storage-backend.js';
import { isServerOwned, normalizeStoragePath } from '../../storage/storage-path.js';

/** The `json` object a unary storage tool takes; anything else is a `bad_request`. */
export function jsonArguments(input: Content, tool: string): Record<string, unknown> {
  if (input.type !== 'json' || !isPlainObject(input.json)) throw new RoomError('bad_request', `storage.${tool} takes a json object`);
  return input.json;
}

/** A normalized path from `args[key]` (400 when missing or unsafe). */
export function pathArgument(args: Record<string, unknown>, key: string): string {
  if (!Object.hasOwn(args, key)) throw new RoomError('bad_request', `"${key}" is required`);
  return normalizeStoragePath(args[key]);
}

/** A boolean that may be absent or null (MeshAgent sends `recursive: null`). */
export function optionalBoolean(args: Record<string, unknown>, key: string): boolean | undefined {
  const value = args[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw new RoomError('bad_request', `"${key}" must be a boolean`);
  return value;
}

export function requireRead(participant: Participant, path: string): void {
  if (!storageReadAllowed(participant.claims.api, path)) throw denied('read', path);
}

export function requireWrite(participant: Participant, path: string): void {
  if (isServerOwned(path)) throw serverOwned(path);
  if (!storageWriteAllowed(participant.claims.api, path)) throw denied('write', path);
}

/** For deletes and moves, which may take a whole folder with them. */
export function requireTreeWrite(participant: Participant, path: string): void {
  if (isServerOwned(path)) throw serverOwned(path);
  if (!storageTreeWriteAllowed(participant.claims.api, path)) throw denied('write', path);
}

/** An entry as MeshAgent's client parses it: snake_case, ISO timestamps, nulls for unknowns. */
export function entryJson(entry: StorageEntry): Record<string, unknown> {
  return {
    name: entry.name,
    is_folder: entry.isFolder,
    size: entry.size,
    created_at: entry.createdAt?.toISOString() ?? null,
    updated_at: entry.updatedAt?.toISOString() ?? null,
  };
}

function serverOwned(path: string): PermissionError {
  return new PermissionError(`"${path}" holds the server's document state; only the server writes there`);
}

function denied(access: 'read' | 'write', path: string): PermissionError {
  return new PermissionError(`the token's storage grant does not allow ${access} access to "${path || '/'}"`);
}
