import { act, render, screen, waitFor } from '@testing-library/react';
import { StrictMode, useState } from 'react';
import { renderToString } from 'react-dom/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ElementJson, RoomClient } from '@convene/client';
import { useDocument, type DocumentResult, type RoomConnectionResult } from '@convene/react';
import type { RunningRoomServer } from '@convene/server';
import { conveneClient } from '../support/convene.js';
import { startServer } from '../support/server.js';
import { labelSet, listSchema } from '../support/sync-fixtures.js';
import { ConnectedRoom } from './support.js';

let server: RunningRoomServer | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  await server?.close();
  server = undefined;
});

async function otherParticipant(name: string): Promise<RoomClient> {
  const client = conveneClient({ url: server!.url, room: 'r', name });
  cleanups.push(() => client.dispose());
  await client.start();
  return client;
}

/** What a list app renders: item labels from the snapshot, keyed by `$id`. */
function ItemList({ path, onResult }: { path: string; onResult?: (result: DocumentResult) => void }) {
  // A new schema object and options object on every render, as app code often writes it.
  const result = useDocument(path, { schema: listSchema(), initialJson: { doc: { title: 'List', children: [] } } });
  onResult?.(result);
  if (result.status === 'error') return <p role="alert">{result.error!.message}</p>;
  if (result.status === 'loading') return <p>loading</p>;
  const children = (result.snapshot!['doc']!['children'] ?? []) as ElementJson[];
  return (
    <ul>
      {children.map((child) => {
        const item = child['item'];
        return item ? <li key={String(item['$id'])}>{String(item['label'])}</li> : null;
      })}
    </ul>
  );
}

describe('useDocument', () => {
  it('goes loading → ready and shows edits from another participant', async () => {
    server = await startServer();
    let latest: DocumentResult | undefined;
    render(<ConnectedRoom url={server.url} room="r" name="alice"><ItemList path="list.doc" onResult={(r) => (latest = r)} /></ConnectedRoom>);
    expect(screen.getByText('loading')).toBeTruthy();
    await waitFor(() => expect(latest?.status).toBe('ready'));
    expect(latest!.snapshot).toMatchObject({ doc: { title: 'List', children: [] } });

    const bob = await otherParticipant('bob');
    const theirs = await bob.sync.open('list.doc', { schema: listSchema() });
    theirs.root.createChildElement('item', { label: 'from bob' });
    await waitFor(() => expect(screen.getByText('from bob')).toBeTruthy());

    act(() => void latest!.document!.root.createChildElement('item', { label: 'from alice' }));
    expect(screen.getByText('from alice')).toBeTruthy();
    await waitFor(() => expect(labelSet(theirs)).toEqual(['from alice', 'from bob']));
  });

  it('keeps the same snapshot across renders without changes, and does not reopen for inline options', async () => {
    server = await startServer();
    let connection: RoomConnectionResult | undefined;
    const results: DocumentResult[] = [];
    let bump = (): void => {};
    function Parent() {
      const [, setCount] = useState(0);
      bump = () => setCount((c) => c + 1);
      return <ItemList path="stable.doc" onResult={(r) => results.push(r)} />;
    }
    render(<ConnectedRoom url={server.url} room="r" name="alice" onConnection={(c) => (connection = c)}><Parent /></ConnectedRoom>);
    await waitFor(() => expect(results.at(-1)?.status).toBe('ready'));
    const open = vi.spyOn(connection!.client.sync, 'open');
    const ready = results.at(-1)!;
    act(() => bump());
    act(() => bump());
    expect(results.at(-1)!.snapshot).toBe(ready.snapshot);
    expect(results.at(-1)).toBe(ready); // the whole result is memoized
    expect(open).not.toHaveBeenCalled();
    act(() => void ready.document!.root.setAttribute('title', 'Changed'));
    expect(results.at(-1)!.snapshot).not.toBe(ready.snapshot);
    expect(results.at(-1)!.snapshot).toMatchObject({ doc: { title: 'Changed' } });
  });

  it('ends in error with a clear message when no schema applies', async () => {
    server = await startServer();
    function NoSchema() {
      const { status, error } = useDocument('orphan.unknown');
      return <p data-testid="state">{status === 'error' ? `error: ${error!.message}` : status}</p>;
    }
    render(<ConnectedRoom url={server.url} room="r" name="alice"><NoSchema /></ConnectedRoom>);
    await waitFor(() => expect(screen.getByTestId('state').textContent).toMatch(/^error: no schema for document "orphan.unknown"/));
  });

  it('closes the document on unmount, also under StrictMode', async () => {
    server = await startServer();
    let connection: RoomConnectionResult | undefined;
    let latest: DocumentResult | undefined;
    const view = render(
      <StrictMode>
        <ConnectedRoom url={server.url} room="r" name="alice" onConnection={(c) => (connection = c)}>
          <ItemList path="strict.doc" onResult={(r) => (latest = r)} />
        </ConnectedRoom>
      </StrictMode>,
    );
    await waitFor(() => expect(latest?.status).toBe('ready'));
    const client = connection!.client;
    expect(client.sync.get('strict.doc')).toBe(latest!.document);
    // StrictMode mounted twice; exactly one reference is left, so one close ends it.
    view.rerender(
      <StrictMode>
        <ConnectedRoom url={server.url} room="r" name="alice" onConnection={(c) => (connection = c)} />
      </StrictMode>,
    );
    await waitFor(() => expect(client.sync.get('strict.doc')).toBeUndefined());
  });

  it('renders loading on the server without opening anything', async () => {
    server = await startServer();
    const html = renderToString(<ConnectedRoom url={server.url} room="r" name="alice"><ItemList path="ssr.doc" /></ConnectedRoom>);
    expect(html).toContain('loading');
  });
});
