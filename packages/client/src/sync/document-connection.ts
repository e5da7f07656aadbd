import { ConnectionError, ConveneError, ProtocolError, RoomError, encodeBase64, type Content } from '@convene/protocol';
import * as Y from 'yjs';
import { withDeadline } from '../deadline.js';
import type { RequestOptions } from '../request-options.js';
import type { ChunkOptions, ToolCallStream } from '../tool-call-stream.js';
import type { StreamInvokeRequest } from '../tool-call-streams.js';
import type { ElementJson } from './document-json.js';
import { MeshDocument } from './mesh-document.js';
import { MeshSchema } from './mesh-schema.js';
import { decodeSyncPayload, readStateChunk, syncChunk, type StateChunk } from './sync-wire.js';

/** What a document connection needs from the RoomClient. */
export interface SyncStreamHost {
  invokeStream(request: StreamInvokeRequest, options?: RequestOptions): Promise<ToolCallStream>;
}

export interface OpenParams {
  path: string;
  create: boolean;
  schema: MeshSchema | null;
  initialJson: ElementJson | null;
}

/** An update with no structs and an empty delete set: two zero varints. */
const EMPTY_UPDATE = new Uint8Array(2);

/**
 * With a server that acknowledges `sync` chunks only when asked, every this-many-th chunk asks
 * (the others settle when it is answered), so chunks never fill the stream's send window.
 */
export const ACK_EVERY = 8;
const SILENT: ChunkOptions = Object.freeze({ ack: false });

/**
 * A chunk the room refused for the connection's message rate (`rate_limited`) goes again after
 * this long, merged with the edits made meanwhile; the wait doubles while refusals continue, up to
 * {@link RETRY_MAX_MS}. Without it the room would lack that edit until the next reconnect.
 */
export const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 4_000;

/**
 * One open document and its `sync.open` stream. The local transactions of one tick are merged into
 * one chunk, which goes out at once and in order: chunks are pipelined (the stream bounds how many
 * await their acknowledgement), so an edit never waits a round trip behind the previous one. When the connection drops, edits stay
 * in the Y.Doc; `resume` re-opens with the local state vector, applies the server's diff and sends
 * whatever the server lacks (diffed against the server's vector), so offline edits are merged.
 */
export class DocumentConnection {
  readonly document: MeshDocument;
  readonly #host: SyncStreamHost;
  #stream: ToolCallStream | null = null;
  #reader: Promise<void> = Promise.resolve();
  #pending: Uint8Array[] = [];
  /** A send of `#pending` is queued for the end of this tick. */
  #scheduled = false;
  /** Chunks sent and not yet acknowledged (each settles either way). */
  #unacked = 0;
  /** The stream's server acknowledges a chunk only when asked (`chunk_acks: "optional"`). */
  #optionalAcks = false;
  /** Chunks sent since the last one that asked for an acknowledgement, with optional acks. */
  #silentRun = 0;
  /** `whenSent` callers waiting until no chunk is in flight or waiting to go again. */
  #drained: (() => void)[] = [];
  #closed = false;
  /** `#onUpdate` is registered: it is left off while a remote edit applies (see `#apply`). */
  #listening = false;
  /** Updates the room refused for its rate, to go again when `#retryTimer` fires. */
  #retry: Uint8Array[] = [];
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #retryDelay = RETRY_FIRST_MS;

  private constructor(host: SyncStreamHost, document: MeshDocument, stream: ToolCallStream, optionalAcks: boolean) {
    this.#host = host;
    this.document = document;
    document.ydoc.on('beforeTransaction', this.#onTransaction);
    this.#listen(true);
    this.#attach(stream, optionalAcks);
  }

  /** Opens the stream, waits for `state`, and builds the document with the schema the server used. */
  static async open(host: SyncStreamHost, params: OpenParams, options?: RequestOptions): Promise<DocumentConnection> {
    const { stream, state } = await openStream(host, params, null, options);
    let schema: MeshSchema;
    try {
      schema = MeshSchema.fromJson(state.schema);
    } catch (error) {
      endQuietly(stream);
      throw new ProtocolError(`the server sent a schema this client cannot read: ${(error as Error).message}`);
    }
    const ydoc = new Y.Doc();
    Y.applyUpdate(ydoc, state.update);
    return new DocumentConnection(host, new MeshDocument({ schema, path: params.path, ydoc }), stream, state.optionalAcks);
  }

  /** The connection dropped: the stream is gone; edits keep accumulating in the document. */
  suspend(): void {
    this.#stream = null;
    // `resume` sends everything the server lacks, refused updates included.
    this.#cancelRetry();
  }

  /** After a reconnect: exchange state vectors both ways (PROTOCOL.md §1.4, WIRE-EXTENSIONS "Documents"). */
  async resume(): Promise<void> {
    if (this.#closed) return;
    const params: OpenParams = { path: this.document.path, create: true, schema: this.document.schema, initialJson: null };
    let opened: { stream: ToolCallStream; state: StateChunk };
    try {
      opened = await openStream(this.#host, params, Y.encodeStateVector(this.document.ydoc));
    } catch (error) {
      // Lost again: the next session retries. Anything else (a grant revoked…) the app should hear about.
      if (!(error instanceof ConnectionError)) this.document.reportError(asConveneError(error));
      return;
    }
    if (this.#closed) return endQuietly(opened.stream);
    Y.applyUpdate(this.document.ydoc, opened.state.update);
    // Without the server's vector (a server without the extension) the whole state goes: always safe.
    const missing = opened.state.vector ? Y.encodeStateAsUpdate(this.document.ydoc, opened.state.vector) : Y.encodeStateAsUpdate(this.document.ydoc);
    this.#pending = missing.length > EMPTY_UPDATE.length ? [missing] : [];
    this.#attach(opened.stream, opened.state.optionalAcks);
    this.#kick();
  }

  /** Resolves once every local change so far was acknowledged by the room (or could not be sent). */
  async whenSent(): Promise<void> {
    for (;;) {
      if (this.#scheduled) await Promise.resolve(); // the queued send runs first
      else if (this.#unacked > 0 || this.#retryTimer !== undefined) {
        // Chunks that asked for no acknowledgement settle only when a later one is answered.
        if (this.#silentRun > 0) this.#sendChunk(EMPTY_UPDATE, true);
        await new Promise<void>((resolve) => this.#drained.push(resolve));
      } else return;
    }
  }

  /** Sends what is pending, then `control close`, and waits for the server's close. */
  async close(): Promise<void> {
    await this.whenSent();
    this.#closed = true;
    this.#cancelRetry();
    this.document.ydoc.off('beforeTransaction', this.#onTransaction);
    this.#listen(false);
    const stream = this.#stream;
    this.#stream = null;
    if (!stream) return;
    await stream.end().catch(() => {});
    await this.#reader;
  }

  /**
   * Yjs encodes every transaction into an update when anyone listens for `update`, which cost a
   * remote edit's reader as much as integrating it, for an update nobody sends. So `#apply` stops
   * listening, and any local transaction (an edit, or an observer reacting to a remote one inside
   * the same cleanup) starts it again before Yjs looks for listeners at that transaction's end.
   */
  #listen(on: boolean): void {
    if (on === this.#listening) return;
    this.#listening = on;
    if (on) this.document.ydoc.on('update', this.#onUpdate);
    else this.document.ydoc.off('update', this.#onUpdate);
  }

  readonly #onTransaction = (transaction: Y.Transaction): void => {
    if (transaction.local) this.#listen(true);
  };

  readonly #onUpdate = (update: Uint8Array, _origin: unknown, _doc: Y.Doc, transaction: Y.Transaction): void => {
    // Updates from the room are not echoed back; offline edits wait for `resume`'s diff.
    if (!transaction.local || this.#closed || !this.#stream) return;
    this.#pending.push(update);
    this.#kick();
  };

  #attach(stream: ToolCallStream, optionalAcks: boolean): void {
    this.#stream = stream;
    this.#optionalAcks = optionalAcks;
    this.#silentRun = 0;
    // Remote edits are applied as their chunk arrives, not one promise per chunk later.
    this.#reader = new Promise<void>((resolve) =>
      stream.consume({
        chunk: (chunk) => this.#apply(chunk),
        error: (error) => this.document.reportError(error), // the room refused one chunk; the stream goes on
        end: () => {
          if (this.#stream === stream) this.#stream = null;
          resolve();
        },
      }),
    );
  }

  #kick(): void {
    if (this.#scheduled || this.#pending.length === 0) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      this.#sendPending();
    });
  }

  #sendPending(): void {
    if (this.#pending.length === 0) return;
    const stream = this.#stream;
    if (!stream) {
      this.#pending = []; // offline: `resume` sends the diff instead
      return;
    }
    const updates = this.#pending.splice(0);
    this.#sendChunk(updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates), false);
  }

  /**
   * With optional acks, a chunk asks for one every {@link ACK_EVERY} chunks or when `ack` (the
   * empty update `whenSent` sends to learn that everything before it arrived). Each
   * acknowledgement the server writes is a socket write of its own, a tenth of what one edit cost
   * it among ten editors (bench scenario 4).
   */
  #sendChunk(update: Uint8Array, ack: boolean): void {
    const stream = this.#stream;
    if (!stream) return;
    // While `whenSent` waits, every chunk asks: a silent one sent then would be settled by nothing
    // if no edit followed it, and the wait would never end.
    const silent = this.#optionalAcks && !ack && this.#drained.length === 0 && ++this.#silentRun < ACK_EVERY;
    if (!silent) this.#silentRun = 0;
    this.#unacked++;
    stream.send(syncChunk(update), silent ? SILENT : undefined).then(this.#acknowledged, (error: unknown) => this.#refused(stream, update, error));
  }

  readonly #acknowledged = (): void => {
    this.#retryDelay = RETRY_FIRST_MS;
    this.#settled();
  };

  /**
   * The room refused one chunk and the stream goes on: a refusal for rate is sent again later,
   * anything else (too large, not allowed) is the app's to hear. A failed or replaced stream needs
   * nothing here: `resume` sends everything the server lacks.
   */
  #refused(stream: ToolCallStream, update: Uint8Array, error: unknown): void {
    if (stream === this.#stream && !stream.closed && !this.#closed) {
      if (error instanceof RoomError && error.code === 'rate_limited') {
        // The empty update `whenSent` sends only asks for an answer, and the refusal was one.
        if (update !== EMPTY_UPDATE) this.#retryLater(update);
      } else if (!(error instanceof ConnectionError)) {
        this.document.reportError(asConveneError(error));
      }
    }
    this.#settled();
  }

  #retryLater(update: Uint8Array): void {
    this.#retry.push(update);
    if (this.#retryTimer !== undefined) return;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      // First in the merge: it came before what is pending.
      this.#pending.unshift(...this.#retry.splice(0));
      this.#kick();
      this.#wakeDrained(); // `whenSent` looks again (the send is queued, or there is no stream)
    }, this.#retryDelay);
    this.#retryDelay = Math.min(this.#retryDelay * 2, RETRY_MAX_MS);
  }

  #cancelRetry(): void {
    if (this.#retryTimer === undefined) return;
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    this.#retry = [];
    this.#retryDelay = RETRY_FIRST_MS;
    this.#wakeDrained();
  }

  readonly #settled = (): void => {
    this.#unacked--;
    this.#wakeDrained();
  };

  /** Wakes the `whenSent` callers when nothing is in flight or waiting to go again; each checks anew. */
  #wakeDrained(): void {
    if (this.#unacked > 0 || this.#retryTimer !== undefined) return;
    for (const resolve of this.#drained.splice(0)) resolve();
  }

  #apply(chunk: Content): void {
    if (chunk.type !== 'binary' || (chunk.headers['kind'] !== 'sync' && chunk.headers['kind'] !== 'state')) return;
    const ydoc = this.document.ydoc;
    // Inside a transaction (an app applying chunks from an observer) a local one may be pending.
    if (ydoc._transaction === null) this.#listen(false);
    try {
      Y.applyUpdate(ydoc, decodeSyncPayload(chunk.data));
    } catch (error) {
      this.document.reportError(new ProtocolError('the room sent an update this client cannot apply', { cause: error }));
    }
  }
}

/** Calls `sync.open`, sends `start`, and reads `state`, all under the caller's timeout and signal. */
async function openStream(
  host: SyncStreamHost,
  params: OpenParams,
  vector: Uint8Array | null,
  options?: RequestOptions,
): Promise<{ stream: ToolCallStream; state: StateChunk }> {
  let stream: ToolCallStream | undefined;
  let abandoned = false;
  const start: Content = {
    type: 'binary',
    headers: {
      kind: 'start',
      path: params.path,
      create: params.create,
      vector: vector ? encodeBase64(vector) : null,
      schema: params.schema?.toJson() ?? null,
      schema_path: null,
      initial_json: params.initialJson,
    },
    data: new Uint8Array(0),
  };
  try {
    return await withDeadline(options, async () => {
      const opened = await host.invokeStream({ toolkit: 'sync', tool: 'open' });
      stream = opened;
      // The caller gave up (timeout, abort) while we waited: nobody will close this stream but us.
      const giveUpIfAbandoned = (): void => {
        if (!abandoned) return;
        endQuietly(opened);
        throw new RoomError('aborted', 'sync.open was abandoned');
      };
      giveUpIfAbandoned();
      const sent = opened.send(start);
      sent.catch(() => {}); // a failure also ends the stream, which `next` reports
      const first = await opened.next();
      await sent;
      giveUpIfAbandoned();
      return { stream: opened, state: readStateChunk(first, params.path) };
    });
  } catch (error) {
    abandoned = true;
    if (stream) endQuietly(stream);
    throw error;
  }
}

function endQuietly(stream: ToolCallStream): void {
  if (!stream.closed) stream.end().catch(() => {});
}

function asConveneError(error: unknown): ConveneError {
  return error instanceof ConveneError ? error : new RoomError('internal', String(error));
}
