import { render, screen, waitFor } from '@testing-library/react';
import { StrictMode, useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { useHostedToolkit, useToolkits, type RoomConnectionResult } from '@convene/react';
import type { RunningRoomServer } from '@convene/server';
import { conveneClient } from '../support/convene.js';
import { startServer } from '../support/server.js';
import { ConnectedRoom } from './support.js';

let server: RunningRoomServer | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  await server?.close();
  server = undefined;
});

function Toolkits() {
  const { data } = useToolkits();
  return <p data-testid="toolkits">{(data ?? []).map((t) => t.name).join(',')}</p>;
}

describe('agents hooks', () => {
  it('useHostedToolkit hosts from a StrictMode component with the latest handler; useToolkits lists it', async () => {
    server = await startServer();
    let connection: RoomConnectionResult | undefined;
    let setGreeting: (value: string) => void = () => {};
    function Host() {
      const [greeting, set] = useState('hello');
      setGreeting = set;
      const { status } = useHostedToolkit({
        name: 'ui',
        public: true,
        tools: { greet: { inputSchema: { type: 'object', required: ['who'] }, handler: ({ who }: { who: string }) => ({ text: `${greeting} ${who}` }) } },
      });
      return <p data-testid="hosted">{status}</p>;
    }
    render(
      <StrictMode>
        <ConnectedRoom url={server.url} room="r" name="alice" onConnection={(c) => (connection = c)}>
          <Host />
          <Toolkits />
        </ConnectedRoom>
      </StrictMode>,
    );
    await waitFor(() => expect(screen.getByTestId('hosted').textContent).toBe('hosted'));
    const caller = conveneClient({ url: server.url, room: 'r', name: 'bob' });
    cleanups.push(() => caller.dispose());
    await caller.start();
    const listed = await caller.agents.listToolkits();
    expect(listed.map((t) => t.name)).toEqual(['ui']);
    expect(listed[0]!.participantId).toBe(connection!.client.localParticipant.id);
    expect(await caller.agents.invokeTool({ toolkit: 'ui', tool: 'greet', arguments: { who: 'bob' } })).toEqual({ type: 'json', json: { text: 'hello bob' } });
    setGreeting('hi');
    await waitFor(async () =>
      expect(await caller.agents.invokeTool({ toolkit: 'ui', tool: 'greet', arguments: { who: 'bob' } })).toEqual({ type: 'json', json: { text: 'hi bob' } }),
    );
    // The hosting tab sees its own toolkit too (refetched when bob joined).
    await waitFor(() => expect(screen.getByTestId('toolkits').textContent).toBe('ui'));
  });

  it('unregisters when the component unmounts', async () => {
    server = await startServer();
    let connection: RoomConnectionResult | undefined;
    function Host() {
      useHostedToolkit({ name: 'temp', public: true, tools: { ping: { handler: () => 'pong' } } });
      return null;
    }
    const view = render(
      <ConnectedRoom url={server.url} room="r" name="alice" onConnection={(c) => (connection = c)}>
        <Host />
      </ConnectedRoom>,
    );
    await waitFor(() => expect(connection?.state).toBe('ready'));
    const caller = conveneClient({ url: server.url, room: 'r', name: 'bob' });
    cleanups.push(() => caller.dispose());
    await caller.start();
    await waitFor(async () => expect((await caller.agents.listToolkits()).map((t) => t.name)).toEqual(['temp']));
    view.rerender(<ConnectedRoom url={server.url} room="r" name="alice" onConnection={(c) => (connection = c)} />);
    await waitFor(async () => expect(await caller.agents.listToolkits()).toEqual([]));
  });
});
