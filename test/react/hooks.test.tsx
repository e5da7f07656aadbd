import { act, render, screen, waitFor } from '@testing-library/react';
import { StrictMode } from 'react';
import { renderToString } from 'react-dom/server';
import { afterEach, describe, expect, it } from 'vitest';
import {
  useConnectionStatus,
  useLocalParticipant,
  useMessages,
  useParticipants,
  useTyping,
  type RoomConnectionResult,
} from '@convene/react';
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

/** A second participant outside React, as another app or agent would be. */
async function otherParticipant(name: string) {
  const client = conveneClient({ url: server!.url, room: 'r', name });
  cleanups.push(() => client.dispose());
  await client.start();
  await client.messaging.enable();
  return client;
}

function Status() {
  const { status } = useConnectionStatus();
  return <p data-testid="status">{status}</p>;
}

function Names() {
  const names = useParticipants((ps) => ps.map((p) => `${p.name}:${String(p.attributes['mood'] ?? '')}`).join(','));
  return <p data-testid="names">{names}</p>;
}

describe('useRoomConnection', () => {
  it('goes authorizing → connecting → ready, and reconnecting → ready when the server restarts', async () => {
    server = await startServer();
    const port = server.port;
    const states: string[] = [];
    let connection: RoomConnectionResult | undefined;
    render(
      <ConnectedRoom url={server.url} room="r" name="alice" onConnection={(c) => { connection = c; if (states.at(-1) !== c.state) states.push(c.state); }}>
        <Status />
      </ConnectedRoom>,
    );
    await waitFor(() => expect(connection?.state).toBe('ready'));
    expect(states).toEqual(['authorizing', 'connecting', 'ready']);
    expect(connection!.client.messaging.isEnabled).toBe(true);

    await act(async () => server!.close());
    await waitFor(() => expect(connection?.state).toBe('reconnecting'));
    expect(screen.getByTestId('status').textContent).toBe('reconnecting');
    server = await startServer({ port });
    await waitFor(() => expect(connection?.state).toBe('ready'), { timeout: 10_000 });
    expect(screen.getByTestId('status').textContent).toBe('connected');
  });

  it('keeps exactly one live connection under StrictMode', async () => {
    server = await startServer();
    let authorizations = 0;
    let connection: RoomConnectionResult | undefined;
    render(
      <StrictMode>
        <ConnectedRoom url={server.url} room="r" name="alice" onAuthorize={() => authorizations++} onConnection={(c) => (connection = c)} />
      </StrictMode>,
    );
    await waitFor(() => expect(connection?.state).toBe('ready'));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(server.core.connectionCount).toBe(1);
    expect(authorizations).toBe(1);
  });

  it('opens no socket and does not throw during server rendering', async () => {
    server = await startServer();
    let authorizations = 0;
    const html = renderToString(
      <ConnectedRoom url={server.url} room="r" name="alice" onAuthorize={() => authorizations++}>
        <Status />
        <Names />
      </ConnectedRoom>,
    );
    expect(html).toContain('idle');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(authorizations).toBe(0);
    expect(server.core.connectionCount).toBe(0);
  });

  it('does not reconnect when an inline authorization callback changes identity', async () => {
    server = await startServer();
    let authorizations = 0;
    let connection: RoomConnectionResult | undefined;
    const view = render(<ConnectedRoom url={server.url} room="r" name="alice" onAuthorize={() => authorizations++} onConnection={(c) => (connection = c)} />);
    await waitFor(() => expect(connection?.state).toBe('ready'));
    const client = connection!.client;
    view.rerender(<ConnectedRoom url={server.url} room="r" name="alice" onAuthorize={() => authorizations++} onConnection={(c) => (connection = c)} />);
    view.rerender(<ConnectedRoom url={server.url} room="r" name="alice" onAuthorize={() => authorizations++} onConnection={(c) => (connection = c)} />);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(connection!.client).toBe(client);
    expect(authorizations).toBe(1);
  });
});

describe('hooks on a live room', () => {
  it('shows participants joining, changing attributes and leaving', async () => {
    server = await startServer();
    render(<ConnectedRoom url={server.url} room="r" name="alice"><Names /></ConnectedRoom>);
    await waitFor(() => expect(server!.core.room('r')?.size).toBe(1));
    const bob = await otherParticipant('bob');
    await waitFor(() => expect(screen.getByTestId('names').textContent).toBe('bob:'));
    bob.localParticipant.setAttribute('mood', 'happy');
    await waitFor(() => expect(screen.getByTestId('names').textContent).toBe('bob:happy'));
    bob.dispose();
    await waitFor(() => expect(screen.getByTestId('names').textContent).toBe(''));
  });

  it('carries messages both ways, with our own going pending → sent', async () => {
    server = await startServer();
    let broadcast: ReturnType<typeof useMessages>['broadcast'] | undefined;
    function Messages() {
      const result = useMessages({ type: 'chat' });
      broadcast = result.broadcast;
      return (
        <ul>
          {result.messages.map((m) => (
            <li key={m.id} data-state={m.state}>{`${m.senderName}: ${String(m.body['text'])}`}</li>
          ))}
        </ul>
      );
    }
    let connection: RoomConnectionResult | undefined;
    render(<ConnectedRoom url={server.url} room="r" name="alice" onConnection={(c) => (connection = c)}><Messages /></ConnectedRoom>);
    await waitFor(() => expect(connection?.state).toBe('ready'));
    const bob = await otherParticipant('bob');
    const atBob: unknown[] = [];
    bob.messaging.on('message', (m) => atBob.push(m.message));
    await waitFor(() => expect(connection!.client.messaging.remoteParticipants).toHaveLength(1));

    await act(async () => broadcast!('chat', { text: 'hello bob' }));
    expect(screen.getByText('alice: hello bob').getAttribute('data-state')).toBe('sent');
    await eventually(() => atBob.length, (n) => n === 1);
    expect(atBob).toEqual([{ text: 'hello bob' }]);

    await bob.messaging.broadcastMessage({ type: 'chat', message: { text: 'hi alice' } });
    await waitFor(() => expect(screen.getByText('bob: hi alice').getAttribute('data-state')).toBe('received'));
    // The filter leaves other types out.
    await bob.messaging.broadcastMessage({ type: 'reaction', message: { emoji: '+1' } });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(screen.getAllByRole('listitem')).toHaveLength(2);
  });

  it('shows who is typing and forgets them when the notification expires', async () => {
    server = await startServer();
    let notify: ((typing?: boolean) => void) | undefined;
    function Typing() {
      const { names, notifyTyping } = useTyping();
      notify = notifyTyping;
      return <p data-testid="typing">{names.join(',')}</p>;
    }
    let connection: RoomConnectionResult | undefined;
    render(
      <ConnectedRoom url={server.url} room="r" name="alice" storeOptions={{ typingTimeoutMs: 300 }} onConnection={(c) => (connection = c)}>
        <Typing />
      </ConnectedRoom>,
    );
    await waitFor(() => expect(connection?.state).toBe('ready'));
    const bob = await otherParticipant('bob');
    const atBob: unknown[] = [];
    bob.messaging.on('message', (m) => atBob.push(m));
    await waitFor(() => expect(connection!.client.messaging.remoteParticipants).toHaveLength(1));

    await bob.messaging.broadcastMessage({ type: 'typing', message: { typing: true } });
    await waitFor(() => expect(screen.getByTestId('typing').textContent).toBe('bob'));
    await waitFor(() => expect(screen.getByTestId('typing').textContent).toBe(''), { timeout: 2_000 });

    // Ours are throttled: three calls in a row send one notification.
    act(() => {
      notify!();
      notify!();
      notify!();
    });
    await eventually(() => atBob.length, (n) => n >= 1);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(atBob).toHaveLength(1);
  });

  it('sets our attributes through useLocalParticipant and the others see them', async () => {
    server = await startServer();
    let local: ReturnType<typeof useLocalParticipant> | undefined;
    function Me() {
      local = useLocalParticipant();
      return <p data-testid="me">{`${local.name}:${String(local.attributes['mood'] ?? '')}`}</p>;
    }
    let connection: RoomConnectionResult | undefined;
    render(<ConnectedRoom url={server.url} room="r" name="alice" onConnection={(c) => (connection = c)}><Me /></ConnectedRoom>);
    await waitFor(() => expect(connection?.state).toBe('ready'));
    expect(screen.getByTestId('me').textContent).toBe('alice:');
    const bob = await otherParticipant('bob');
    act(() => local!.setAttribute('mood', 'curious'));
    expect(screen.getByTestId('me').textContent).toBe('alice:curious');
    await eventually(() => bob.messaging.getParticipantByName('alice')?.attributes['mood'], (mood) => mood === 'curious');
    expect(bob.messaging.getParticipantByName('alice')?.attributes['mood']).toBe('curious');
  });

  it('throws a clear error naming the provider when a hook is used outside it', () => {
    function Orphan() {
      useParticipants();
      return null;
    }
    const original = console.error;
    console.error = () => {};
    try {
      expect(() => render(<Orphan />)).toThrow(/useParticipants must be used inside <RoomProvider/);
    } finally {
      console.error = original;
    }
  });
});

