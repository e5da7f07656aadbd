import { render, screen, waitFor } from '@testing-library/react';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useQueueConsumer } from '@convene/react';
import type { RoomClient } from '@convene/client';
import type { RunningRoomServer } from '@convene/server';
import { conveneClient } from '../support/convene.js';
import { startServer } from '../support/server.js';
import { ConnectedRoom } from './support.js';

let server: RunningRoomServer;
let producer: RoomClient;
beforeAll(async () => {
  server = await startServer();
  producer = conveneClient({ url: server.url, room: 'r', name: 'producer' });
  await producer.start();
}, 60_000);
afterAll(async () => {
  producer?.dispose();
  await server?.close();
});

describe('useQueueConsumer', () => {
  it('receives each message once while mounted, and an unmount loses none', async () => {
    const seen: string[] = [];
    function Worker() {
      const { messages } = useQueueConsumer<{ job: string }>('jobs', { onMessage: (m) => seen.push(m.job) });
      return <p data-testid="jobs">{messages.map((m) => m.job).join(',')}</p>;
    }
    const view = render(<ConnectedRoom url={server.url} room="r" name="worker"><Worker /></ConnectedRoom>);
    await producer.queues.send('jobs', { job: 'a' }, { create: true });
    await producer.queues.send('jobs', { job: 'b' }, { create: true });
    await waitFor(() => expect(screen.getByTestId('jobs').textContent).toBe('a,b'), { timeout: 20_000 });
    view.unmount();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await producer.queues.send('jobs', { job: 'c' }, { create: true });
    // The unmounted consumer's aborted wait did not take "c": it is still in the queue.
    expect(await producer.queues.receive<{ job: string }>('jobs')).toEqual({ job: 'c' });
    expect(seen).toEqual(['a', 'b']);
  }, 60_000);
});
