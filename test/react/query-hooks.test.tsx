import { act, render, screen, waitFor } from '@testing-library/react';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useFile, useStorageList, useTable, useTableMutation, type RoomConnectionResult } from '@convene/react';
import type { RunningRoomServer } from '@convene/server';
import type { RoomClient } from '@convene/client';
import { conveneClient } from '../support/convene.js';
import { startServer } from '../support/server.js';
import { ConnectedRoom } from './support.js';

/** One server for the file: the first database request starts PGlite, which takes seconds. */
let server: RunningRoomServer;
let other: RoomClient;
beforeAll(async () => {
  server = await startServer();
  other = conveneClient({ url: server.url, room: 'r', name: 'bob' });
  await other.start();
}, 60_000);
afterAll(async () => {
  other?.dispose();
  await server?.close();
});

describe('request/response hooks refreshed by room events', () => {
  it('useStorageList and useFile follow uploads made by someone else', async () => {
    function Files() {
      const { data: entries = [] } = useStorageList('shared');
      const { data: file } = useFile('shared/readme.txt');
      return (
        <>
          <p data-testid="list">{entries.map((e) => e.name).join(',')}</p>
          <p data-testid="file">{file ? new TextDecoder().decode(file.data) : '-'}</p>
        </>
      );
    }
    let connection: RoomConnectionResult | undefined;
    await other.storage.upload('shared/readme.txt', new TextEncoder().encode('v1'));
    render(<ConnectedRoom url={server.url} room="r" name="alice" onConnection={(c) => (connection = c)}><Files /></ConnectedRoom>);
    await waitFor(() => expect(connection?.state).toBe('ready'));
    await waitFor(() => expect(screen.getByTestId('file').textContent).toBe('v1'));
    expect(screen.getByTestId('list').textContent).toBe('readme.txt');

    await other.storage.upload('shared/second.txt', new TextEncoder().encode('2'));
    await waitFor(() => expect(screen.getByTestId('list').textContent).toBe('readme.txt,second.txt'));
    await other.storage.upload('shared/readme.txt', new TextEncoder().encode('v2'), { overwrite: true });
    await waitFor(() => expect(screen.getByTestId('file').textContent).toBe('v2'));
    await other.storage.delete('shared/second.txt');
    await waitFor(() => expect(screen.getByTestId('list').textContent).toBe('readme.txt'));
  });

  it('useTable follows changes by anyone, and useTableMutation writes', async () => {
    await other.database.createTable('todos', [
      { name: 'id', type: 'integer', primary_key: true },
      { name: 'title', type: 'text' },
    ], { mode: 'overwrite' });
    let mutate: ReturnType<typeof useTableMutation>['mutateAsync'] | undefined;
    function Todos() {
      const { data: rows = [] } = useTable<{ id: number; title: string }>('todos', { orderBy: [{ column: 'id', direction: 'asc' }] });
      mutate = useTableMutation('todos').mutateAsync;
      return <p data-testid="todos">{rows.map((r) => r.title).join(',')}</p>;
    }
    let connection: RoomConnectionResult | undefined;
    render(<ConnectedRoom url={server.url} room="r" name="alice" onConnection={(c) => (connection = c)}><Todos /></ConnectedRoom>);
    await waitFor(() => expect(connection?.state).toBe('ready'));
    await other.database.insert('todos', [{ id: 1, title: 'from bob' }]);
    await waitFor(() => expect(screen.getByTestId('todos').textContent).toBe('from bob'), { timeout: 15_000 });
    await act(async () => {
      expect(await mutate!({ insert: [{ id: 2, title: 'from alice' }] })).toBe(1);
    });
    await waitFor(() => expect(screen.getByTestId('todos').textContent).toBe('from bob,from alice'));
    await act(async () => {
      await mutate!({ update: { where: { id: 1 }, values: { title: 'edited' } } });
    });
    await waitFor(() => expect(screen.getByTestId('todos').textContent).toBe('edited,from alice'));
    expect(await other.database.count('todos')).toBe(2);
  }, 60_000);
});
