import { render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { RoomChat, type RoomConnectionResult } from '@convene/react';
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

describe('agent replies in RoomChat', () => {
  it('shows "is thinking…" while the agent works, and one growing message for a streamed reply', async () => {
    server = await startServer();
    let connection: RoomConnectionResult | undefined;
    const { container } = render(
      <ConnectedRoom url={server.url} room="r" name="alice" onConnection={(c) => (connection = c)}>
        <RoomChat label="Chat" />
      </ConnectedRoom>,
    );
    await waitFor(() => expect(connection?.state).toBe('ready'));
    const agent = conveneClient({ url: server.url, room: 'r', name: 'Helper' });
    cleanups.push(() => agent.dispose());
    await agent.start();
    await agent.messaging.enable();

    agent.localParticipant.setAttribute('thinking', true);
    await screen.findByText('Helper is thinking…');

    const say = (text: string, done: boolean) =>
      agent.messaging.broadcastMessage({ type: 'chat', message: { text, stream: { id: 'reply-1', done } } });
    await say('Hel', false);
    await screen.findByText('Hel');
    expect(container.querySelector('[data-streaming]')).not.toBeNull();
    await say('Hello, Alice', false);
    agent.localParticipant.setAttribute('thinking', false);
    await say('Hello, Alice!', true);
    await screen.findByText('Hello, Alice!');
    // One message, updated in place; no longer streaming; the thinking line is gone.
    expect(screen.queryByText('Hel')).toBeNull();
    expect(container.querySelectorAll('.cv-message')).toHaveLength(1);
    expect(container.querySelector('[data-streaming]')).toBeNull();
    await waitFor(() => expect(screen.queryByText('Helper is thinking…')).toBeNull());
  });
});
