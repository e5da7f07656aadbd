import { RoomError } from '@convene/protocol';
import { baseName, parentPath } from './storage-path.js';
import type { RoomStorage, StorageBackend, StorageEntry, StorageWriter } from './storage-backend.js';

interface MemoryFile {
  data: Uint8Array;
  /**
   * Set by appends: the array `data` is the start of, with room after it for further appends.
   * Appending then writes past the end of every array handed out so far, which stays as it was.
   */
  room?: Uint8Array;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * Rooms' files in memory, for tests and ephemeral servers. Folders exist implicitly while they
 * hold files, plus any created by moves of folders; semantics match the filesystem backend.
 */
export class MemoryStorageBackend implements StorageBackend {
  readonly #rooms = new Map<string, MemoryRoomStorage>();

  forRoom(room: string): RoomStorage {
    let storage = this.#rooms.get(room);
    if (!storage) this.#rooms.set(room, (storage = new MemoryRoomStorage()));
    return storage;
  }
}

class MemoryRoomStorage implements RoomStorage {
  readonly #files = new Map<string, MemoryFile>();

  async list(path: string): Promise<StorageEntry[]> {
    if (path !== '' && !this.#isFolder(path)) throw notFound(path);
    const prefix = path === '' ? '' : `${path}/`;
    const names = new Map<string, StorageEntry>();
    for (const [filePath, file] of this.#files) {
      if (!filePath.startsWith(prefix)) continue;
      const rest = filePath.slice(prefix.length);
      const slash = rest.indexOf('/');
      const name = slash < 0 ? rest : rest.slice(0, slash);
      if (names.has(name)) continue;
      names.set(name, slash < 0 ? fileEntry(filePath, file) : folderEntry(prefix + name));
    }
    return [...names.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  async stat(path: string): Promise<StorageEntry | null> {
    if (path === '') return folderEntry('');
    const file = this.#files.get(path);
    if (file) return fileEntry(path, file);
    return this.#isFolder(path) ? folderEntry(path) : null;
  }

  async delete(path: string, { recursive }: { recursive: boolean }): Promise<void> {
    if (path === '') throw new RoomError('bad_request', 'the room root cannot be deleted');
    if (this.#files.delete(path)) return;
    if (!this.#isFolder(path)) throw notFound(path);
    if (!recursive) throw new RoomError('bad_request', `"${path}" is a folder that is not empty; pass recursive`);
    for (const key of [...this.#files.keys()]) if (key.startsWith(`${path}/`)) this.#files.delete(key);
  }

  async move(from: string, to: string, { overwrite }: { overwrite: boolean }): Promise<void> {
    if (from === to) return;
    if (from === '' || to === '') throw new RoomError('bad_request', 'the room root cannot be moved or replaced');
    if (to.startsWith(`${from}/`)) throw new RoomError('bad_request', 'a folder cannot move into itself');
    const target = await this.stat(to);
    if (target && !overwrite) throw new RoomError('bad_request', `"${to}" exists; pass overwrite`);
    this.#checkParents(to);
    const file = this.#files.get(from);
    if (file) {
      if (target?.isFolder) throw new RoomError('bad_request', `"${to}" is a folder`);
      this.#files.delete(from);
      this.#files.set(to, { ...file, updatedAt: new Date() });
      return;
    }
    if (!this.#isFolder(from)) throw notFound(from);
    if (target) await this.delete(to, { recursive: true });
    for (const [key, value] of [...this.#files]) {
      if (!key.startsWith(`${from}/`)) continue;
      this.#files.delete(key);
      this.#files.set(to + key.slice(from.length), value);
    }
  }

  async openWriter(path: string, { overwrite }: { overwrite: boolean }): Promise<StorageWriter> {
    await this.#checkWritable(path, overwrite);
    const parts: Uint8Array[] = [];
    let done = false;
    return {
      write: async (chunk) => {
        if (done) throw new RoomError('bad_request', 'the upload is finished');
        parts.push(chunk.slice());
      },
      commit: async () => {
        if (done) throw new RoomError('bad_request', 'the upload is finished');
        done = true;
        await this.#checkWritable(path, overwrite);
        return this.#put(path, concat(parts));
      },
      abort: async () => {
        done = true;
      },
    };
  }

  async read(path: string, { chunkSize }: { chunkSize: number }) {
    const file = this.#files.get(path);
    if (!file) throw notFound(path);
    const data = file.data;
    async function* chunks(): AsyncIterable<Uint8Array> {
      for (let offset = 0; offset < data.length; offset += chunkSize) yield data.subarray(offset, offset + chunkSize);
    }
    return { entry: fileEntry(path, file), chunks: chunks() };
  }

  async readFile(path: string): Promise<Uint8Array | null> {
    return this.#files.get(path)?.data ?? null;
  }

  async writeFile(path: string, data: Uint8Array): Promise<StorageEntry> {
    await this.#checkWritable(path, true);
    return this.#put(path, data.slice());
  }

  async appendFile(path: string, data: Uint8Array): Promise<void> {
    const file = this.#files.get(path);
    if (!file) throw notFound(path);
    const start = file.data.length;
    const end = start + data.length;
    let room = file.room;
    if (room === undefined || end > room.length) {
      // Doubling: a document appended to every second copied the whole file each time (O(n²)).
      room = new Uint8Array(Math.max(end, 2 * (room?.length ?? start), 256));
      room.set(file.data);
      file.room = room;
    }
    room.set(data, start);
    file.data = room.subarray(0, end);
    file.updatedAt = new Date();
  }

  #put(path: string, data: Uint8Array): StorageEntry {
    const now = new Date();
    const file = { data, createdAt: this.#files.get(path)?.createdAt ?? now, updatedAt: now };
    this.#files.set(path, file);
    return fileEntry(path, file);
  }

  async #checkWritable(path: string, overwrite: boolean): Promise<void> {
    if (path === '') throw new RoomError('bad_request', 'the room root is a folder');
    if (this.#isFolder(path)) throw new RoomError('bad_request', `"${path}" is a folder`);
    this.#checkParents(path);
    if (!overwrite && this.#files.has(path)) throw new RoomError('bad_request', `"${path}" exists; pass overwrite`);
  }

  #checkParents(path: string): void {
    for (let parent = parentPath(path); parent !== ''; parent = parentPath(parent)) {
      if (this.#files.has(parent)) throw new RoomError('bad_request', `"${parent}" is a file, not a folder`);
    }
  }

  #isFolder(path: string): boolean {
    const prefix = `${path}/`;
    for (const key of this.#files.keys()) if (key.startsWith(prefix)) return true;
    return false;
  }
}

function fileEntry(path: string, file: MemoryFile): StorageEntry {
  return { name: baseName(path), path, isFolder: false, size: file.data.length, createdAt: file.createdAt, updatedAt: file.updatedAt };
}

function folderEntry(path: string): StorageEntry {
  return { name: baseName(path), path, isFolder: true, size: null, createdAt: null, updatedAt: null };
}

function notFound(path: string): RoomError {
  return new RoomError('not_found', `nothing at "${path}"`);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
