// Registers `room.database` on the client (the API's code is an opt-in entry point).
import '@convene/client/database';
import { useMutation, useQuery, useQueryClient, type UseMutationResult, type UseQueryResult } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { DatabaseFilter, DatabaseRow, DatabaseValue, SelectOptions } from '@convene/client';
import { roomQueryKeys } from './use-room-query-key.js';
import { useRoomSelector } from './use-room-selector.js';
import { useRoomStore } from './use-room-store.js';

export type TableQuery = Omit<SelectOptions, 'signal' | 'timeout'>;

/**
 * Rows of a room table as a TanStack Query, refetched when anyone changes that table
 * (`database.changed`) or the client reconnects.
 *
 * @example
 * const { data: todos = [] } = useTable('todos', { orderBy: [{ column: 'created_at', direction: 'asc' }] });
 */
export function useTable<Row = DatabaseRow>(table: string, query: TableQuery = {}): UseQueryResult<Row[]> {
  const { client } = useRoomStore('useTable');
  const queryClient = useQueryClient();
  const connected = useRoomSelector((state) => state.status === 'connected', Object.is, 'useTable');
  useEffect(() => {
    const invalidate = () => void queryClient.invalidateQueries({ queryKey: roomQueryKeys.table(client, table) });
    const offs = [
      client.database.on('changed', (change) => change.table === table && invalidate()),
      client.on('reconnected', invalidate),
    ];
    return () => offs.forEach((off) => off());
  }, [client, queryClient, table]);
  return useQuery({
    // The query object is part of the key, so an inline object does not refetch on every render.
    queryKey: roomQueryKeys.table(client, table, query),
    queryFn: ({ signal }) => client.database.select<Row>(table, { ...query, signal }),
    enabled: connected,
  });
}

export type TableMutation =
  | { insert: Record<string, DatabaseValue>[] }
  | { update: { where: DatabaseFilter; values: Record<string, DatabaseValue> } }
  | { delete: { where: DatabaseFilter } };

/**
 * Changes rows of a room table; resolves with the number of rows touched. The table's queries
 * refetch through the `database.changed` event, so there is no cache to patch by hand.
 *
 * @example
 * const { mutate } = useTableMutation('todos');
 * mutate({ insert: [{ title: 'Ship it' }] });
 */
export function useTableMutation(table: string): UseMutationResult<number, Error, TableMutation> {
  const { client } = useRoomStore('useTableMutation');
  return useMutation({
    mutationFn: (change: TableMutation) =>
      'insert' in change
        ? client.database.insert(table, change.insert)
        : 'update' in change
          ? client.database.update(table, change.update.where, change.update.values)
          : client.database.delete(table, change.delete.where),
  });
}
