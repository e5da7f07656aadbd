import { constants, type Stats } from 'node:fs';
import { type FileHandle, link, lstat, mkdir, open, readdir, rename, rm, rmdir, unlink, utimes } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { RoomError } from '@convene/protocol';
import { FileChunks } from './fs-file-chunks.js';
import { FsFileWriter } from './fs-file-writer.js';
import { FsRoomRoot, isCode } from './fs-room-root.js';
import { roomDirectoryName } from './room-directory-name.js';
import { baseName, parentPath } from './storage-path.js';
import type { RoomStorage, StorageBackend, StorageEntry, StorageWriter } from './storage-backend.js';

/** Reads never follow a symlink in the last segment (parents are checked by FsRoomRoot). */
const READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW;
/** Appends likewise, and never wait on a FIFO without a reader (ENXIO instead). */
const APPEND_FLAGS = constants.O_WRONLY | constants.O_APPEND | constants.O_NOFOLLOW | constants.O_NONBLOCK;
/**
 * Attempts at an operation a concurrent change of the tree can make fail: a delete pruning a
 * parent folder between our mkdir and rename, a write landing in a folder being removed.
 */
const INSTALL_ATTEMPTS = 3;

/**
 * Rooms' files on disk: `<dataDir>/rooms/<room directory name>/files/`. Uploads and whole-file
 * writes go to a temp file that is fsynced and renamed into place. Folders exist while they hold
 * files (empty ones are pruned after deletes and moves), as in {@link MemoryStorageBackend}.
 *
 * @example
 * const server = new RoomServer({ secret, storage: new FilesystemStorageBackend('/var/lib/convene') });
 */
export class FilesystemStorageBackend implements StorageBackend {
  readonly #roomsDir: string;
  readonly #rooms = new Map<string, FilesystemRoomStorage>();

  constructor(dataDir: string) {
    this.#roomsDir = join(resolve(dataDir), 'rooms');
  }

  forRoom(room: string): RoomStorage {
    let storage = this.#rooms.get(room);
    if (!storage) this.#rooms.set(room, (storage = new FilesystemRoomStorage(join(this.#roomsDir, roomDirectoryName(room)))));
    return storage;
  }
}

class FilesystemRoomStorage implements RoomStorage {
  readonly #root: FsRoomRoot;

  constructor(roomDir: string) {
    this.#root = new FsRoomRoot(roomDir);
  }

  async list(path: string): Promise<StorageEntry[]> {
    const dir = await this.#root.resolve(path);
    if (path !== '' && !(await this.#lstat(path))?.isDirectory()) throw notFound(path);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (error) {
      if (isCode(error, 'ENOENT') || isCode(error, 'ENOTDIR')) throw notFound(path);
      throw error;
    }
    const entries = await Promise.all(names.map((name) => this.stat(path === '' ? name : `${path}/${name}`)));
    return entries.filter((entry): entry is StorageEntry => entry !== null).sort((a, b) => a.name.localeCompare(b.name));
  }

  async stat(path: string): Promise<StorageEntry | null> {
    const info = await this.#lstat(path);
    if (!info || !(info.isFile() || info.isDirectory())) return null; // symlinks and devices are not ours
    return entryOf(path, info);
  }

  async delete(path: string, { recursive }: { recursive: boolean }): Promise<void> {
    if (path === '') throw new RoomError('bad_request', 'the room root cannot be deleted');
    const full = await this.#root.resolve(path);
    const info = await this.#lstat(path);
    if (!info) throw notFound(path);
    // A concurrent delete or move may take the entry after the lstat: that is a 404, not a 500.
    const gone = (error: unknown): never => {
      throw isCode(error, 'ENOENT') ? notFound(path) : error;
    };
    if (!info.isDirectory()) await unlink(full).catch(gone);
    else if (recursive) await removeTree(full, path).catch(gone);
    else {
      await rmdir(full).catch((error: unknown) => {
        if (isCode(error, 'ENOTEMPTY') || isCode(error, 'EEXIST')) throw new RoomError('bad_request', `"${path}" is a folder that is not empty; pass recursive`);
        gone(error);
      });
    }
    await this.#prune(parentPath(path));
  }

  async move(from: string, to: string, { overwrite }: { overwrite: boolean }): Promise<void> {
    if (from === to) return;
    if (from === '' || to === '') throw new RoomError('bad_request', 'the room root cannot be moved or replaced');
    if (to.startsWith(`${from}/`)) throw new RoomError('bad_request', 'a folder cannot move into itself');
    const target = await this.stat(to);
    if (target && !overwrite) throw new RoomError('bad_request', `"${to}" exists; pass overwrite`);
    const source = await this.stat(from);
    if (!source) throw notFound(from);
    if (!source.isFolder && target?.isFolder) throw new RoomError('bad_request', `"${to}" is a folder`);
    await this.#checkParents(to);
    const fromFull = await this.#root.resolve(from);
    const toFull = await this.#root.resolve(to);
    // A file never replaces a folder (refused above); a folder replaces whatever is there.
    if (target && source.isFolder) await removeTree(toFull, to, { force: true });
    await this.#withParent(to, () => rename(fromFull, toFull)).catch(async (error: unknown) => {
      // A concurrent delete or move took the source after the checks above: a 404, not a 500.
      if (isCode(error, 'ENOENT') && !(await this.stat(from))) throw notFound(from);
      throw error;
    });
    // A move counts as an update, as in the memory backend (unless it has already moved on).
    if (!source.isFolder) {
      await utimes(toFull, new Date(), new Date()).catch((error: unknown) => {
        if (!isCode(error, 'ENOENT')) throw error;
      });
    }
    await this.#prune(parentPath(from));
  }

  async openWriter(path: string, { overwrite }: { overwrite: boolean }): Promise<StorageWriter> {
    await this.#checkWritable(path, overwrite);
    const tempPath = await this.#root.tempPath();
    const handle = await open(tempPath, 'wx', 0o644);
    return new FsFileWriter(handle, tempPath, (temp) => this.#install(temp, path, overwrite));
  }

  async read(path: string, { chunkSize, signal }: { chunkSize: number; signal?: AbortSignal }) {
    if (!Number.isInteger(chunkSize) || chunkSize <= 0) throw new RoomError('bad_request', 'chunkSize must be a positive integer');
    const handle = await this.#openForRead(path);
    if (!handle) throw notFound(path);
    const info = await handle.stat();
    return { entry: entryOf(path, info), chunks: new FileChunks(handle, info.size, chunkSize, signal) };
  }

  async readFile(path: string): Promise<Uint8Array | null> {
    const handle = await this.#openForRead(path);
    if (!handle) return null;
    try {
      return new Uint8Array(await handle.readFile());
    } finally {
      await handle.close();
    }
  }

  async writeFile(path: string, data: Uint8Array): Promise<StorageEntry> {
    const writer = await this.openWriter(path, { overwrite: true });
    try {
      await writer.write(data);
    } catch (error) {
      await writer.abort();
      throw error;
    }
    return writer.commit();
  }

  async appendFile(path: string, data: Uint8Array): Promise<void> {
    if (path === '') throw notFound(path);
    let handle: FileHandle;
    try {
      handle = await open(await this.#root.resolve(path), APPEND_FLAGS);
    } catch (error) {
      if (['ENOENT', 'ENOTDIR', 'ELOOP', 'EISDIR', 'ENXIO'].some((code) => isCode(error, code))) throw notFound(path);
      throw error;
    }
    try {
      if (!(await handle.stat()).isFile()) throw notFound(path);
      await handle.appendFile(data);
      await handle.datasync();
    } finally {
      await handle.close();
    }
  }

  /** Opens a regular file for reading; null when missing, a folder, or a symlink. */
  async #openForRead(path: string): Promise<FileHandle | null> {
    if (path === '') return null;
    const full = await this.#root.resolve(path);
    let handle: FileHandle;
    try {
      handle = await open(full, READ_FLAGS);
    } catch (error) {
      if (isCode(error, 'ENOENT') || isCode(error, 'ENOTDIR') || isCode(error, 'ELOOP') || isCode(error, 'EISDIR')) return null;
      throw error;
    }
    if ((await handle.stat()).isFile()) return handle;
    await handle.close();
    return null;
  }

  /** Moves a finished temp file to `path`: rename to replace, link + unlink to never replace. */
  async #install(tempPath: string, path: string, overwrite: boolean): Promise<StorageEntry> {
    await this.#checkWritable(path, overwrite);
    const full = await this.#root.resolve(path);
    // The temp file is ours alone, so this describes what was written even if a concurrent
    // delete or move takes the file right after it lands (that was a 500 for a finished upload).
    const written = await lstat(tempPath);
    await this.#withParent(path, async () => {
      if (overwrite) return rename(tempPath, full);
      try {
        await link(tempPath, full); // fails with EEXIST instead of replacing: no check-then-act race
      } catch (error) {
        if (isCode(error, 'EEXIST')) throw new RoomError('bad_request', `"${path}" exists; pass overwrite`);
        if (!isCode(error, 'EPERM') && !isCode(error, 'ENOTSUP') && !isCode(error, 'EXDEV')) throw error;
        return rename(tempPath, full); // a filesystem without hard links: checked just above
      }
      await unlink(tempPath);
    });
    await syncDirectory(dirname(full));
    return (await this.stat(path)) ?? entryOf(path, written);
  }

  /** Runs `operation` after creating the parent folders, retrying if a prune removed them meanwhile. */
  async #withParent(path: string, operation: () => Promise<void>): Promise<void> {
    const parent = dirname(await this.#root.resolve(path));
    for (let attempt = 1; ; attempt++) {
      try {
        await mkdir(parent, { recursive: true });
      } catch (error) {
        if (isCode(error, 'ENOTDIR') || isCode(error, 'EEXIST')) throw new RoomError('bad_request', `a parent of "${path}" is a file`);
        // A concurrent delete pruned a folder while mkdir walked down (found by the fuzz
        // campaign): the same race as below, so the same retry.
        if (isCode(error, 'ENOENT') && attempt < INSTALL_ATTEMPTS) continue;
        throw raced(error, path);
      }
      try {
        return await operation();
      } catch (error) {
        if (!isCode(error, 'ENOENT') || attempt >= INSTALL_ATTEMPTS) throw raced(error, path);
      }
    }
  }

  async #checkWritable(path: string, overwrite: boolean): Promise<void> {
    if (path === '') throw new RoomError('bad_request', 'the room root is a folder');
    const info = await this.#lstat(path);
    if (info?.isDirectory()) throw new RoomError('bad_request', `"${path}" is a folder`);
    if (info && !overwrite) throw new RoomError('bad_request', `"${path}" exists; pass overwrite`);
    await this.#checkParents(path);
  }

  /** Every existing ancestor must be a folder; the first one found settles it. */
  async #checkParents(path: string): Promise<void> {
    // Resolved (and checked against escapes) once: resolving every parent again made a path with
    // hundreds of missing folders cost seconds of syscalls per request.
    let full = await this.#root.resolve(path);
    for (let parent = parentPath(path); parent !== ''; parent = parentPath(parent)) {
      full = dirname(full);
      const info = await lstat(full).catch((error: unknown) => {
        if (isCode(error, 'ENOENT') || isCode(error, 'ENOTDIR')) return null;
        throw error;
      });
      if (!info) continue;
      if (info.isDirectory()) return;
      throw new RoomError('bad_request', `"${parent}" is a file, not a folder`);
    }
  }

  /** Removes folders left empty, up to (not including) the root; stops at the first non-empty one. */
  async #prune(path: string): Promise<void> {
    for (let folder = path; folder !== ''; folder = parentPath(folder)) {
      try {
        await rmdir(await this.#root.resolve(folder));
      } catch {
        return;
      }
    }
  }

  async #lstat(path: string): Promise<Stats | null> {
    try {
      return await lstat(await this.#root.resolve(path));
    } catch (error) {
      if (isCode(error, 'ENOENT') || isCode(error, 'ENOTDIR')) return null;
      throw error;
    }
  }
}

function entryOf(path: string, info: Stats): StorageEntry {
  const folder = info.isDirectory();
  // Some filesystems report no birth time (0); the last change is the best substitute.
  const created = info.birthtimeMs > 0 ? info.birthtime : info.mtime;
  return { name: baseName(path), path, isFolder: folder, size: folder ? null : info.size, createdAt: created, updatedAt: info.mtime };
}

/** Makes a rename durable; best effort, since some platforms cannot open a directory. */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, constants.O_RDONLY);
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Durability of the directory entry is a bonus; the data itself was fsynced.
  }
}

/**
 * A rename that failed because another request changed the tree since our checks (a file became
 * a folder or the other way round): the caller's conflict, a 400 as in the database, not a 500.
 */
function raced(error: unknown, path: string): unknown {
  // ENOENT here: a concurrent delete kept pruning the folders this write needs, every attempt.
  const codes = ['EISDIR', 'ENOTDIR', 'ENOTEMPTY', 'EEXIST', 'ENOENT'];
  if (!codes.some((code) => isCode(error, code))) return error;
  return new RoomError('bad_request', `a concurrent change to "${path}" conflicted with this one; try again`);
}

/**
 * Removes a folder and everything in it. A write landing in the folder while it is emptied makes
 * the last `rmdir` fail with ENOTEMPTY (found by the fuzz campaign): the removal is retried, so
 * the delete takes the new file too, and a race lost every time is the caller's 400 "try again".
 */
async function removeTree(full: string, path: string, options: { force?: boolean } = {}): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await rm(full, { recursive: true, force: options.force ?? false });
    } catch (error) {
      if (!isCode(error, 'ENOTEMPTY')) throw error; // ENOENT: the caller decides (a delete's 404)
      if (attempt >= INSTALL_ATTEMPTS) throw raced(error, path);
    }
  }
}

function notFound(path: string): RoomError {
  return new RoomError('not_found', `nothing at "${path}"`);
}
