// Files and documents of the restart tests (test/reliability-restart.test.ts); chat, queues and
// the database are in ./reliability-restart-activity.ts.
import { randomBytes } from 'node:crypto';
import type { MeshDocument } from '@convene/client/sync';
import { labelSet, listSchema } from './support/sync-fixtures.js';
import { track, sleep, type Member, type Outcome } from './reliability-restart-members.js';
import type { Running } from './reliability-restart-activity.js';

/** Bytes of the upload that is still in flight at the crash, and its pace. */
const BIG_FILE_BYTES = 8 * 1024 * 1024;
const BIG_FILE_PIECE = 64 * 1024;
const BIG_FILE_PIECE_DELAY_MS = 25;

/** Storage: `uploader` uploads small files one after another, and one big slow file. */
export class StorageActivity {
  readonly files = new Map<string, { bytes: Uint8Array; outcome: Outcome }>();
  readonly big = { path: 'big.bin', bytes: new Uint8Array(randomBytes(BIG_FILE_BYTES)), outcome: { state: 'pending' } as Outcome, done: Promise.resolve() as Promise<unknown> };

  constructor(readonly uploader: Member) {}

  async run(running: Running): Promise<void> {
    for (let i = 0; running(); i++) {
      const path = `files/f${i}.bin`;
      const bytes = new Uint8Array(randomBytes(32 * 1024 + ((i * 7919) % 200_000)));
      const outcome: Outcome = { state: 'pending' };
      this.files.set(path, { bytes, outcome });
      await track(this.uploader.client.storage.upload(path, bytes), outcome);
      await sleep(20);
    }
  }

  /** Starts the big upload, read from a slow source, so it is mid-way when the server dies. */
  startBigUpload(): void {
    const { bytes } = this.big;
    async function* slowly(): AsyncGenerator<Uint8Array> {
      for (let offset = 0; offset < bytes.length; offset += BIG_FILE_PIECE) {
        await sleep(BIG_FILE_PIECE_DELAY_MS);
        yield bytes.subarray(offset, offset + BIG_FILE_PIECE);
      }
    }
    this.big.done = track(this.uploader.client.storage.uploadStream(this.big.path, slowly(), { size: bytes.length }), this.big.outcome);
  }

  /** Every file path the room lists after the restart (root and `files/`). */
  async listed(reader: Member): Promise<string[]> {
    const root = await reader.client.storage.list('');
    const files = root.some((entry) => entry.path === 'files' && entry.isFolder) ? await reader.client.storage.list('files') : [];
    return [...root, ...files].filter((entry) => !entry.isFolder).map((entry) => entry.path).sort();
  }
}

/** Sets of item labels, compared the way a user would read the list. */
export function sameLabels(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((label, i) => label === b[i]);
}

/**
 * Documents: every editor adds items to `shared.doc` and stays connected through the crash;
 * `soloEditor` adds items to `solo.doc` and is gone for good at the crash, so what a fresh
 * client reads there afterwards is what the server itself kept.
 */
export class DocumentActivity {
  /** label → when the server acknowledged it (shared.doc). */
  readonly acked = new Map<string, number>();
  /** label → when the server acknowledged it (solo.doc). */
  readonly soloAcked = new Map<string, number>();
  /** Every label a live editor created (acknowledged, cut by the crash, or made offline). */
  readonly made = new Set<string>();
  /** Every label the solo editor created. */
  readonly soloMade = new Set<string>();
  /** Labels added by live editors while the server was down. */
  readonly offline: string[] = [];
  readonly docs = new Map<string, MeshDocument>();
  #solo: MeshDocument | null = null;

  constructor(
    readonly editors: Member[],
    readonly soloEditor: Member,
  ) {}

  async open(): Promise<void> {
    for (const editor of this.editors) this.docs.set(editor.name, await editor.client.sync.open('shared.doc', { schema: listSchema() }));
    this.#solo = await this.soloEditor.client.sync.open('solo.doc', { schema: listSchema() });
  }

  async edit(editor: Member, running: Running): Promise<void> {
    await this.#editLoop(editor, this.docs.get(editor.name)!, 'shared.doc', editor.name, this.made, this.acked, running);
  }

  async editSolo(running: Running): Promise<void> {
    await this.#editLoop(this.soloEditor, this.#solo!, 'solo.doc', 'solo', this.soloMade, this.soloAcked, running);
  }

  /** Called while the server is down: edits that only the editor's Y.Doc holds. */
  editOffline(editor: Member, count: number): void {
    for (let i = 0; i < count; i++) {
      const label = `${editor.name}-offline-${i}`;
      this.docs.get(editor.name)!.root.createChildElement('item', { label });
      this.offline.push(label);
      this.made.add(label);
    }
  }

  /** Every label a live editor made, sorted: what each of them must end up showing. */
  expectedLabels(): string[] {
    return [...this.made].sort();
  }

  labelsOf(editor: Member): string[] {
    return labelSet(this.docs.get(editor.name)!);
  }

  async #editLoop(editor: Member, doc: MeshDocument, path: string, prefix: string, made: Set<string>, acked: Map<string, number>, running: Running): Promise<void> {
    for (let i = 0; running(); i++) {
      const label = `${prefix}-${i}`;
      doc.root.createChildElement('item', { label });
      made.add(label);
      await editor.client.sync.flush(path);
      // flush also resolves when the send failed with the connection; only a live one acknowledged it.
      if (editor.client.status === 'connected') acked.set(label, Date.now());
      await sleep(30);
    }
  }
}
