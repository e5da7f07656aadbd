import { act, render, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { useMessages, useParticipant, useParticipants, type RoomConnectionResult } from '@convene/react';
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

/** Lets the push travel server → client and React commit (loopback takes well under this). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 150));

const renders = { messageList: 0, participantList: 0, bob: 0, carol: 0 };

function MessageList() {
  renders.messageList++;
  const { messages } = useMessages();
  return <p>{messages.length}</p>;
}
function ParticipantList() {
  renders.participantList++;
  return <p>{useParticipants().length}</p>;
}
function ParticipantBadge({ id, counter }: { id: string; counter: 'bob' | 'carol' }) {
  renders[counter]++;
  const participant = useParticipant(id);
  return <span>{String(participant?.attributes['mood'] ?? '')}</span>;
}

describe('render counts with selector hooks', () => {
  it('re-renders only the consumers whose slice changed', async () => {
    server = await startServer();
    let connection: RoomConnectionResult | undefined;
    const tree = (ids: { bob: string; carol: string } | null) => (
      <ConnectedRoom url={server!.url} room="r" name="alice" onConnection={(c) => (connection = c)}>
        <MessageList />
        <ParticipantList />
        {ids && <ParticipantBadge id={ids.bob} counter="bob" />}
        {ids && <ParticipantBadge id={ids.carol} counter="carol" />}
      </ConnectedRoom>
    );
    const view = render(tree(null));
    await waitFor(() => expect(connection?.state).toBe('ready'));
    const bob = conveneClient({ url: server.url, room: 'r', name: 'bob' });
    const carol = conveneClient({ url: server.url, room: 'r', name: 'carol' });
    cleanups.push(() => bob.dispose(), () => carol.dispose());
    await Promise.all([bob.start(), carol.start()]);
    await Promise.all([bob.messaging.enable(), carol.messaging.enable()]);
    await waitFor(() => expect(connection!.client.messaging.remoteParticipants).toHaveLength(2));
    view.rerender(tree({ bob: bob.localParticipant.id!, carol: carol.localParticipant.id! }));
    await new Promise((resolve) => setTimeout(resolve, 100));

    // One incoming message: the message list renders once, participant consumers not at all.
    Object.assign(renders, { messageList: 0, participantList: 0, bob: 0, carol: 0 });
    await act(async () => {
      await bob.messaging.broadcastMessage({ type: 'chat', message: { text: 'hi' } });
      await settle();
    });
    expect(renders).toEqual({ messageList: 1, participantList: 0, bob: 0, carol: 0 });

    // One participant's attribute change: that participant's consumer renders once, and the list
    // (which reads every participant) once; Carol's badge and the message list not at all.
    Object.assign(renders, { messageList: 0, participantList: 0, bob: 0, carol: 0 });
    await act(async () => {
      bob.localParticipant.setAttribute('mood', 'happy');
      await settle();
    });
    expect(renders).toEqual({ messageList: 0, participantList: 1, bob: 1, carol: 0 });
  });
});
