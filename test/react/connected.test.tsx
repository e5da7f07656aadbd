import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { RoomChat, RoomConnectionStatus, RoomPresence, type RoomConnectionResult } from '@convene/react';
import type { RunningRoomServer } from '@convene/server';
import { conveneClient } from '../support/convene.js';
import { eventually } from '../support/meshagent.js';
import { startServer } from '../support/server.js';
import { ConnectedRoom } from './support.js';

let server: RunningRoomServer | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  await server?.close();
  server = undefined;
});

describe('connected wrappers on a live room', () => {
  it('RoomChat sends on Enter, shows replies, and RoomPresence lists both participants', async () => {
    server = await startServer();
    let connection: RoomConnectionResult | undefined;
    render(
      <ConnectedRoom url={server.url} room="r" name="alice" onConnection={(c) => (connection = c)}>
        <RoomConnectionStatus />
        <RoomPresence />
        <RoomChat label="Room chat" />
      </ConnectedRoom>,
    );
    await waitFor(() => expect(connection?.state).toBe('ready'));
    const bob = conveneClient({ url: server.url, room: 'r', name: 'bob' });
    cleanups.push(() => bob.dispose());
    await bob.start();
    await bob.messaging.enable();
    const atBob: unknown[] = [];
    const typingAtBob: unknown[] = [];
    bob.messaging.on('message', (m) => {
      if (m.type === 'chat') atBob.push(m.message);
      else typingAtBob.push(m.message);
    });

    const list = await screen.findByRole('region', { name: /participants/i });
    await waitFor(() => expect(within(list).getByText('bob')).toBeTruthy());
    expect(within(list).getByText(/alice/)).toBeTruthy();

    const user = userEvent.setup();
    await user.type(screen.getByRole('textbox'), 'hello from the chat{Enter}');
    await eventually(() => atBob.length, (n) => n === 1);
    expect(atBob).toEqual([{ text: 'hello from the chat' }]);
    // Typing was announced while typing (throttled), and its end on send.
    expect(typingAtBob[0]).toEqual({ typing: true });
    expect(typingAtBob.at(-1)).toEqual({ typing: false });
    await screen.findByText('hello from the chat');
    expect((screen.getByRole('textbox') as HTMLTextAreaElement).value).toBe('');

    await bob.messaging.broadcastMessage({ type: 'chat', message: { text: 'hi alice' } });
    await screen.findByText('hi alice');
  });

  it('RoomConnectionStatus announces reconnecting while the server is away', async () => {
    server = await startServer();
    const port = server.port;
    let connection: RoomConnectionResult | undefined;
    render(
      <ConnectedRoom url={server.url} room="r" name="alice" onConnection={(c) => (connection = c)}>
        <RoomConnectionStatus />
      </ConnectedRoom>,
    );
    await waitFor(() => expect(connection?.state).toBe('ready'));
    expect(screen.queryByRole('status')).toBeNull();
    await server.close();
    const banner = await screen.findByRole('status');
    expect(banner.textContent).toMatch(/reconnecting/i);
    server = await startServer({ port });
    await waitFor(() => expect(screen.queryByRole('status')).toBeNull(), { timeout: 10_000 });
  });
});
