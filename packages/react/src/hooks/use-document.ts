// Registers `room.sync` on the client (the API's code is an opt-in entry point).
import '@convene/client/sync';
import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import type { ElementJson, MeshDocument, MeshSchema } from '@convene/client';
import { documentOptionsKey } from './document-options-key.js';
import { useRoomStore } from './use-room-store.js';

export interface UseDocumentOptions {
  /** Schema to open with; without one the room's (`.schemas/<ext>.json`) or the document's own applies. */
  schema?: MeshSchema;
  /** Content of the document if this open creates it, in MeshAgent's JSON shape. */
  initialJson?: ElementJson;
  /** Create the document when missing (default true). */
  create?: boolean;
}

export type DocumentStatus = 'loading' | 'ready' | 'error';

export interface DocumentResult {
  /** The live document, for edits; null until ready. */
  document: MeshDocument | null;
  /** Immutable JSON of the document (with `$id`s and `$text`); a new reference only after a change. */
  snapshot: ElementJson | null;
  status: DocumentStatus;
  /** Why the document could not be opened (missing schema, grant, …). */
  error: Error | null;
}

interface Opened {
  key: string;
  document: MeshDocument | null;
  error: Error | null;
}

const noSubscription = (): (() => void) => () => {};

/**
 * Opens a shared document for as long as the component is mounted (opens are shared and
 * ref-counted, so many components may use the same path) and re-renders when it changes.
 * Options may be written inline: only a change in their meaning reopens the document.
 *
 * @example
 * const { document, snapshot, status, error } = useDocument('lists/groceries.list', { schema });
 * if (status !== 'ready') return <p>{error?.message ?? 'Loading…'}</p>;
 * return <button onClick={() => document!.root.createChildElement('item', { label: 'milk' })}>Add</button>;
 */
export function useDocument(path: string, options: UseDocumentOptions = {}): DocumentResult {
  const { client } = useRoomStore('useDocument');
  const key = documentOptionsKey(path, options);
  const [opened, setOpened] = useState<Opened>({ key, document: null, error: null });

  useEffect(() => {
    let mounted = true;
    let holding = false;
    client.sync.open(path, options).then(
      (document) => {
        if (!mounted) return void client.sync.close(path).catch(() => {});
        holding = true;
        setOpened({ key, document, error: null });
      },
      (error: unknown) => {
        if (mounted) setOpened({ key, document: null, error: error instanceof Error ? error : new Error(String(error)) });
      },
    );
    return () => {
      mounted = false;
      if (holding) void client.sync.close(path).catch(() => {});
    };
    // `key` stands for path and options: the options of the render that changed it are used.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, key]);

  // After a key change, the previous document is not this one: loading until the new one opens.
  const current = opened.key === key ? opened : null;
  const document = current?.document ?? null;
  const read = (): ElementJson | null => document?.snapshot ?? null;
  const snapshot = useSyncExternalStore(document?.subscribe ?? noSubscription, read, read);
  const error = current?.error ?? null;
  const status: DocumentStatus = error ? 'error' : document ? 'ready' : 'loading';
  return useMemo(() => ({ document, snapshot, status, error }), [document, snapshot, status, error]);
}
