import { RoomError } from '@convene/protocol';

const MAX_PATH_LENGTH = 1024;
const MAX_SEGMENT_BYTES = 255;

/**
 * Normalizes a room storage path to `a/b/c` (no leading or trailing slash; `""` is the root).
 * Anything that could leave the room's root or confuse a filesystem is refused with a
 * `bad_request` RoomError: `..` segments, absolute Windows paths, backslashes, NUL and control
 * characters, percent-encoded separators or dots, over-long paths.
 *
 * @example
 * normalizeStoragePath('./notes//a.txt') // 'notes/a.txt'
 * normalizeStoragePath('../etc/passwd')  // throws RoomError('bad_request')
 */
export function normalizeStoragePath(path: unknown): string {
  if (typeof path !== 'string') throw refuse('a storage path must be a string');
  if (path.length > MAX_PATH_LENGTH) throw refuse(`a storage path is at most ${MAX_PATH_LENGTH} characters`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(path)) throw refuse('a storage path may not contain control characters');
  if (path.includes('\\')) throw refuse('a storage path uses "/" as its separator');
  if (/%(2e|2f|5c|00)/i.test(path)) throw refuse('a storage path may not contain percent-encoded dots or separators');
  if (/^[a-zA-Z]:/.test(path)) throw refuse('a storage path is relative to the room');
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') throw refuse('a storage path may not contain ".."');
    // Counted in UTF-8 bytes, as filesystems count NAME_MAX: 255 "é" are 510 bytes, which the
    // disk refuses (ENAMETOOLONG) after the path was accepted, and the caller got a 500.
    if (Buffer.byteLength(segment, 'utf8') > MAX_SEGMENT_BYTES) throw refuse(`a path segment is at most ${MAX_SEGMENT_BYTES} bytes of UTF-8`);
    if (segment.trim() !== segment || segment.endsWith('.')) throw refuse(`"${segment}" is not a portable file name`);
    segments.push(segment);
  }
  return segments.join('/');
}

/**
 * Folder where the server keeps document state (`.sync/<path>.yjs`). Participants may read it,
 * but only the server writes there: a stray upload or delete would corrupt a live document.
 */
export const SERVER_OWNED_FOLDER = '.sync';

/** True for the server-owned folder and anything inside it. */
export function isServerOwned(path: string): boolean {
  return path === SERVER_OWNED_FOLDER || path.startsWith(`${SERVER_OWNED_FOLDER}/`);
}

/** The last segment of a normalized path (`""` for the root). */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** The parent of a normalized path (`""` for top-level entries and the root). */
export function parentPath(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

function refuse(message: string): RoomError {
  return new RoomError('bad_request', message);
}
