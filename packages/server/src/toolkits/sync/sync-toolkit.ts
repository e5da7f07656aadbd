import {
  DEFAULT_LIMITS,
  EMPTY_CONTENT,
  PermissionError,
  RoomError,
  isPlainObject,
  syncWriteAllowed,
  type Content,
} from '@convene/protocol';
import { silentLogger, type Logger } from '../../logger.js';
import type { Participant } from '../../participant.js';
import type { Room } from '../../room.js';
import type { ToolContext, Toolkit } from '../../toolkit.js';
import { documentPaths } from './document-path.js';
import { openDocumentStream } from './open-stream.js';
import { extensionSchema, requestedSchema } from './resolve-schema.js';
import { RoomDocuments } from './room-documents.js';

/** Default longest time a change waits before it is written to storage. */
export const DEFAULT_SYNC_PERSIST_WINDOW_MS = 1_000;

export interface SyncToolkitOptions {
  /**
   * A change is written to room storage at most this long after it happened (plus the time the
   * write takes): the most a crash can lose. Default 1 000 ms.
   */
  persistWindowMs?: number;
  /** `sync.open` streams one participant may hold at once (`Limits.maxOpenDocuments`, default 128). */
  maxOpenDocuments?: number;
  logger?: Logger;
}

/**
 * The `sync` toolkit (PROTOCOL.md §5.2): `create` and the streaming `open`. Documents are Yjs,
 * one per path per room, kept in memory while open and persisted in room storage as
 * `.sync/<path>.yjs` (docs/WIRE-EXTENSIONS.md "Documents").
 *
 * RoomServer registers one per server; its options come from `RoomServerOptions.sync`.
 *
 * @example
 * const server = await createRoomServer({ secret, dataDir, sync: { persistWindowMs: 500 } });
 */
export function createSyncToolkit(options: SyncToolkitOptions = {}): Toolkit {
  const windowMs = options.persistWindowMs ?? DEFAULT_SYNC_PERSIST_WINDOW_MS;
  if (!(windowMs >= 0)) throw new TypeError('persistWindowMs must be a number ≥ 0');
  const logger = options.logger ?? silentLogger;
  const maxOpen = options.maxOpenDocuments ?? DEFAULT_LIMITS.maxOpenDocuments;
  // Every open stream pins a document and a listener, so one connection could otherwise hold
  // memory without bound by opening path after path.
  const openCounts = new WeakMap<Participant, number>();
  const rooms = new WeakMap<Room, RoomDocuments>();
  // A room released moments ago may still be writing; its next session reads after that.
  const releases = new Map<string, Promise<void>>();

  const documentsOf = (room: Room): RoomDocuments => {
    let documents = rooms.get(room);
    if (!documents) {
      const after = releases.get(room.name);
      documents = new RoomDocuments({ storage: room.storage, windowMs, logger, ...(after ? { after } : {}) });
      rooms.set(room, documents);
      const current = documents;
      room.onRelease(() => {
        const released = current.flushAll();
        releases.set(room.name, released);
        const forget = (): void => void (releases.get(room.name) === released && releases.delete(room.name));
        return released.finally(forget);
      });
    }
    return documents;
  };

  return {
    name: 'sync',
    api: 'sync',
    tools: {
      create: {
        async handle({ room, participant }: ToolContext, input: Content) {
          const args = jsonArguments(input);
          const { key } = documentPaths(args['path']);
          if (!syncWriteAllowed(participant.claims.api, key)) throw new PermissionError(`the token does not allow creating "${key}"`);
          const documents = documentsOf(room);
          if (await documents.exists(key)) return EMPTY_CONTENT;
          const schema =
            (await requestedSchema(room.storage, args['schema'], args['schema_path'])) ?? (await extensionSchema(room.storage, key));
          const document = await documents.acquire(key, { create: true, mayCreate: true, schema, json: args['json'] });
          documents.release(document);
          // Answered once the new document is in storage, so `create` is durable.
          await document.flush();
          return EMPTY_CONTENT;
        },
      },
      open: {
        stream: (context, stream) => {
          const { participant } = context;
          const open = openCounts.get(participant) ?? 0;
          if (open >= maxOpen) {
            return Promise.reject(
              new RoomError('rate_limited', `at most ${maxOpen} documents may be open on one connection; close one before opening another`),
            );
          }
          openCounts.set(participant, open + 1);
          const documents = documentsOf(context.room);
          const closed = (): void => void openCounts.set(participant, (openCounts.get(participant) ?? 1) - 1);
          return documents.track(openDocumentStream(context, stream, documents)).finally(closed);
        },
      },
    },
  };
}

function jsonArguments(input: Content): Record<string, unknown> {
  if (input.type !== 'json' || !isPlainObject(input.json)) throw new RoomError('bad_request', 'sync.create takes a json object');
  return input.json;
}
