import { afterEach, describe, expect, it } from 'vitest';
import type { RunningRoomServer } from '@convene/server';
import { RawClient } from './support/raw-client.js';
import { startServer } from './support/server.js';
import { mintToken } from './support/tokens.js';

let server: RunningRoomServer;
afterEach(async () => server?.close());

describe('room server startup', () => {
  it('sends room_ready and connected with the token name', async () => {
    server = await startServer();
    const jwt = await mintToken({ name: 'alice', room: 'r1' });
    const client = await RawClient.connect(`${server.url}/rooms/r1`, jwt);
    const { roomReady, connected } = await client.startup();
    expect(roomReady['room_name']).toBe('r1');
    expect(typeof roomReady['session_id']).toBe('string');
    expect(connected).toMatchObject({ type: 'init', attributes: { name: 'alice' } });
    client.close();
  });
});
