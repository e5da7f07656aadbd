import { randomUUID } from 'node:crypto';
import { lstat, mkdir, readdir, realpath, stat, unlink } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { RoomError } from '@convene/protocol';

/** Upload temp files older than this are leftovers of a crash and are removed on first use. */
const STALE_TEMP_MS = 60 * 60 * 1000;

/**
 * One room's directories: `files/` (what the room sees) and `tmp/` (uploads in progress, on the
 * same filesystem so a finished upload is a rename). Turns normalized storage paths into absolute
 * paths that provably stay under `files/`.
 */
export class FsRoomRoot {
  readonly filesDir: string;
  readonly #tmpDir: string;
  #ready: Promise<string> | null = null;

  constructor(roomDir: string) {
    this.filesDir = join(roomDir, 'files');
    this.#tmpDir = join(roomDir, 'tmp');
  }

  /**
   * The absolute path of a normalized storage path. Normalization already refused `..`, but the
   * check is repeated here (defence in depth), and the nearest existing ancestor's real path must
   * lie under the real root, so a symlink planted inside the room cannot lead outside it.
   */
  async resolve(path: string): Promise<string> {
    const realRoot = await this.#realRoot();
    const full = path === '' ? this.filesDir : resolve(this.filesDir, ...path.split('/'));
    if (!inside(this.filesDir, full)) throw escape(path);
    for (let probe = dirname(full); inside(this.filesDir, probe); probe = dirname(probe)) {
      let real: string;
      try {
        // One lstat per missing ancestor: realpath walks every component, and calling it for each
        // of a deep path's missing folders (again for each parent checked) made a 400-folder
        // path take over a minute of syscalls, blocking that room's storage.
        await lstat(probe);
        real = await realpath(probe);
      } catch (error) {
        if (isCode(error, 'ENOENT') || isCode(error, 'ENOTDIR')) continue;
        throw error;
      }
      if (!inside(realRoot, real)) throw escape(path);
      break;
    }
    return full;
  }

  /** A fresh temp file path for an upload. */
  async tempPath(): Promise<string> {
    await this.#realRoot();
    return join(this.#tmpDir, `${randomUUID()}.part`);
  }

  /** Creates the directories once and answers the root's real path (the data dir may be a symlink). */
  #realRoot(): Promise<string> {
    this.#ready ??= (async () => {
      await mkdir(this.filesDir, { recursive: true });
      await mkdir(this.#tmpDir, { recursive: true });
      await this.#removeStaleTemps();
      return realpath(this.filesDir);
    })().catch((error: unknown) => {
      this.#ready = null;
      throw error;
    });
    return this.#ready;
  }

  async #removeStaleTemps(): Promise<void> {
    const now = Date.now();
    for (const name of await readdir(this.#tmpDir).catch(() => [] as string[])) {
      const path = join(this.#tmpDir, name);
      const info = await stat(path).catch(() => null);
      if (info && now - info.mtimeMs > STALE_TEMP_MS) await unlink(path).catch(() => {});
    }
  }
}

/** True when `path` is `root` or below it. */
export function inside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** Narrowing for Node's system errors. */
export function isCode(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}

function escape(path: string): RoomError {
  return new RoomError('bad_request', `"${path}" leaves the room's storage`);
}
