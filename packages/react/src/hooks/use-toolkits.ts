// Registers `room.agents` on the client (the API's code is an opt-in entry point).
import '@convene/client/agents';
import { useQuery, useQueryClient, type UseQueryResult } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { ToolkitDescription } from '@convene/client';
import { useRoomSelector } from './use-room-selector.js';
import { useRoomStore } from './use-room-store.js';

/**
 * The toolkits participants host in the room (public ones, and our own), as a TanStack Query.
 * Refetched when participants join or leave (toolkits come and go with their hosts), when this
 * tab starts or stops hosting one, and every 15 s.
 *
 * @example
 * const { data: toolkits = [] } = useToolkits();
 * toolkits.map((t) => <li key={t.name}>{t.title}</li>);
 */
export function useToolkits(): UseQueryResult<ToolkitDescription[]> {
  const store = useRoomStore('useToolkits');
  const client = store.client;
  const queryClient = useQueryClient();
  const connected = useRoomSelector((state) => state.status === 'connected', Object.is, 'useToolkits');
  const participantIds = useRoomSelector((state) => state.participants.map((p) => p.id).join(','), Object.is, 'useToolkits');
  const queryKey = toolkitsQueryKey(client.resumeKey);
  useEffect(() => {
    void queryClient.invalidateQueries({ queryKey });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [participantIds, queryClient]);
  // Hosts that do not use messaging announce nothing, so the list is also refreshed now and then.
  return useQuery({ queryKey, queryFn: () => client.agents.listToolkits(), enabled: connected, refetchInterval: 15_000 });
}

/** The query key of a client's toolkit list; hosting from this tab invalidates it. */
export function toolkitsQueryKey(clientKey: string) {
  return ['convene', clientKey, 'toolkits'] as const;
}
