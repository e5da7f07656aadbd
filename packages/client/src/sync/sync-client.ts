import { RoomError, type Content } from '@convene/protocol';
import type { InvokeRequest } from '../invoke-tool.js';
import type { RequestOptions } from '../request-options.js';
import type { SessionHooks } from '../room-host.js';
import { DocumentConnection, type SyncStreamHost } from './document-connection.js';
import { validateElementJson, type ElementJson } from './document-json.js';
import type { MeshDocument } from './mesh-document.js';
import type { MeshSchema } from './mesh-schema.js';
import { normalizeSyncPath } from './sync-wire.js';

/** What the sync client needs from the RoomClient. */
export interface SyncHost extends SyncStreamHost {
  invoke(request: InvokeRequest, options?: RequestOptions): Promise<Content>;
  registerHooks(hooks: SessionHooks): () => void;
}

export interface OpenDocumentOptions {
  /** Create the document if it does not exist (default true). */
  create?: boolean;
  /** Content of a newly created document, in MeshAgent's JSON shape (`{<root>: {…}}`). */
  initialJson?: ElementJson;
  /**
   * The schema to open with. Without one the room uses the document's own, or storage
   * `.schemas/<extension>.json`; with none of those the open fails with `bad_request`.
   */
  schema?: MeshSchema;
}

interface Entry {
  refs: number;
  ready: Promise<DocumentConnection>;
  /** Set once `ready` resolved. */
  connection?: DocumentConnection;
}

/**
 * `room.sync`: shared documents (PROTOCOL.md §5.2). Opening a path twice shares one document;
 * each `open` needs a `close`. Documents survive reconnects: they re-open with their state vector
 * and merge the edits made while offline.
 *
 * @example
 * const doc = await room.sync.open('notes/today.doc', { schema });
 * doc.root.createChildElement('item', { label: 'call Bob' });
 * await room.sync.close('notes/today.doc');
 */
export class SyncClient {
  readonly #host: SyncHost;
  readonly #entries = new Map<string, Entry>();
  readonly #closing = new Map<string, Promise<void>>();

  constructor(host: SyncHost) {
    this.#host = host;
    host.registerHooks({
      sessionStarted: (session) => (session.isReconnect ? this.#resumeAll() : undefined),
      sessionLost: () => this.#suspendAll(),
      stopped: () => this.#suspendAll(),
    });
  }

  /**
   * Opens the document at `path`, or shares it if it is already open (the first open's options
   * apply). Rejects with the room's typed error, e.g. `bad_request` when no schema applies.
   */
  async open(path: string, options: OpenDocumentOptions = {}, requestOptions?: RequestOptions): Promise<MeshDocument> {
    const key = normalizeSyncPath(path);
    if (options.initialJson !== undefined && options.schema) {
      validateElementJson(options.schema, options.initialJson, [options.schema.rootTagName]);
    }
    await this.#closing.get(key);
    let entry = this.#entries.get(key);
    if (!entry) {
      const ready = DocumentConnection.open(
        this.#host,
        { path: key, create: options.create ?? true, schema: options.schema ?? null, initialJson: options.initialJson ?? null },
        requestOptions,
      );
      const created: Entry = (entry = { refs: 0, ready });
      this.#entries.set(key, created);
      ready.then(
        (connection) => void (created.connection = connection),
        () => void (this.#entries.get(key) === created && this.#entries.delete(key)),
      );
    }
    entry.refs += 1;
    try {
      return (await entry.ready).document;
    } catch (error) {
      entry.refs -= 1;
      throw error;
    }
  }

  /** Releases one `open`; the last one sends pending edits, then closes the stream. */
  async close(path: string): Promise<void> {
    const key = normalizeSyncPath(path);
    const entry = this.#entries.get(key);
    if (!entry) throw new RoomError('not_found', `document "${key}" is not open`);
    entry.refs -= 1;
    if (entry.refs > 0) return;
    this.#entries.delete(key);
    const closing = entry.ready.then((connection) => connection.close(), () => {});
    this.#closing.set(key, closing);
    try {
      await closing;
    } finally {
      if (this.#closing.get(key) === closing) this.#closing.delete(key);
    }
  }

  /** The open document at `path`, if any (without taking a reference). */
  get(path: string): MeshDocument | undefined {
    return this.#entries.get(normalizeSyncPath(path))?.connection?.document;
  }

  /** Creates the document if it does not exist (`sync.create`); `json` in MeshAgent's shape. */
  async create(path: string, json?: ElementJson | null, options: { schema?: MeshSchema } & RequestOptions = {}): Promise<void> {
    const { schema, ...requestOptions } = options;
    if (json && schema) validateElementJson(schema, json, [schema.rootTagName]);
    await this.#host.invoke(
      {
        toolkit: 'sync',
        tool: 'create',
        arguments: { type: 'json', json: { path: normalizeSyncPath(path), json: json ?? null, schema: schema?.toJson() ?? null, schema_path: null } },
      },
      requestOptions,
    );
  }

  /** Resolves once every local change of the open document was acknowledged by the room. */
  async flush(path: string): Promise<void> {
    const entry = this.#entries.get(normalizeSyncPath(path));
    if (entry) await (await entry.ready).whenSent();
  }

  #suspendAll(): void {
    for (const entry of this.#entries.values()) entry.connection?.suspend();
  }

  /** Documents still opening when the connection dropped fail their `open`; open ones re-open. */
  async #resumeAll(): Promise<void> {
    const connections = [...this.#entries.values()].flatMap((entry) => (entry.connection ? [entry.connection] : []));
    await Promise.allSettled(connections.map((connection) => connection.resume()));
  }
}
