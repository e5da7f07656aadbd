import { QueryClient, QueryClientContext, QueryClientProvider } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { RoomClient } from '@convene/client';
import { createRoomStore, type RoomStore } from './store/create-room-store.js';
import type { RoomStoreOptions } from './store/room-store-types.js';

export const RoomStoreContext = createContext<RoomStore | null>(null);

const mounts = new WeakMap<RoomStore, number>();

export interface RoomProviderProps {
  client: RoomClient;
  /** Options of the store created for this client. Read once per client. */
  storeOptions?: RoomStoreOptions;
  children?: ReactNode;
}

/**
 * Holds one store per RoomClient for the hooks below it, and a QueryClient when the app has none.
 *
 * @example
 * const { client } = useRoomConnection({ authorization });
 * return <RoomProvider client={client}><RoomChat /></RoomProvider>;
 */
export function RoomProvider({ client, storeOptions, children }: RoomProviderProps) {
  // Created during render so the first render (and SSR) already has a store; keyed by client.
  const store = useMemo(() => createRoomStore(client, storeOptions), [client]); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => {
    mounts.set(store, (mounts.get(store) ?? 0) + 1);
    return () => {
      mounts.set(store, mounts.get(store)! - 1);
      // StrictMode unmounts and remounts the same store synchronously; destroy only if nobody
      // mounted it again by the next microtask.
      queueMicrotask(() => {
        if (mounts.get(store) === 0) store.destroy();
      });
    };
  }, [store]);
  const hasQueryClient = useContext(QueryClientContext) !== undefined;
  const [queryClient] = useState(() => (hasQueryClient ? null : new QueryClient()));
  const content = <RoomStoreContext.Provider value={store}>{children}</RoomStoreContext.Provider>;
  return queryClient ? <QueryClientProvider client={queryClient}>{content}</QueryClientProvider> : content;
}
