import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RoomError } from '@convene/protocol';
import { ensureServerBuilt, startServerProcess, type ServerProcess } from './support/server-process.js';
import { joinMember, sleep, track, waitFor, type Member, type Outcome } from './reliability-restart-members.js';

/**
 * The limit behind the gate in reliability-restart.test.ts: the outbox flushes as soon as its
 * own client is back, to whoever is back by then. Messages are not stored on the server, so a
 * participant who rejoins later misses broadcasts sent before, and a direct message to them is
 * refused (typed, never silently dropped and never hanging).
 */
const cleanup: (() => Promise<unknown> | unknown)[] = [];

beforeAll(() => ensureServerBuilt(), 180_000);

afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function startServer(dataDir: string, port?: number): Promise<ServerProcess> {
  const server = await startServerProcess({ dataDir, ...(port !== undefined ? { port } : {}) });
  cleanup.push(() => server.stop('SIGKILL'));
  return server;
}

async function join(server: ServerProcess, name: string): Promise<Member> {
  const member = await joinMember(server.url, 'outbox', name);
  cleanup.push(() => member.client.dispose());
  await member.client.messaging.enable();
  return member;
}

describe('the outbox after a kill -9, when the receiver rejoins after the sender', () => {
  it('refuses a direct message to someone not back yet and delivers broadcasts only to those back', async () => {
    const dataDir = await mkdtemp(joinPath(tmpdir(), 'convene-outbox-'));
    cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
    const first = await startServer(dataDir);
    const alice = await join(first, 'alice');
    const bob = await join(first, 'bob');
    const carol = await join(first, 'carol');
    await waitFor(() => alice.client.messaging.remoteParticipants.length === 2, () => 'alice sees bob and carol');
    const heard = new Map<string, string[]>([['bob', []], ['carol', []]]);
    for (const member of [bob, carol]) member.client.messaging.on('message', (m) => heard.get(member.name)!.push(String(m.message['text'])));
    const carolId = carol.client.localParticipant.id!;

    // carol's token endpoint is slow after the restart: she comes back well after alice.
    let restartedAt = Number.POSITIVE_INFINITY;
    carol.gate = waitFor(() => alice.reconnectedAt.some((at) => at >= restartedAt), () => 'alice back', 30_000)
      .then(() => sleep(500))
      .catch(() => {});
    await first.stop('SIGKILL');
    const direct: Outcome = { state: 'pending' };
    const broadcast: Outcome = { state: 'pending' };
    const settled = Promise.all([
      track(alice.client.messaging.sendMessage({ to: carolId, type: 'chat', message: { text: 'direct while down' } }), direct),
      track(alice.client.messaging.broadcastMessage({ type: 'chat', message: { text: 'broadcast while down' } }), broadcast),
    ]);
    restartedAt = Date.now();
    const second = await startServer(dataDir, first.port);
    await settled;
    await waitFor(() => carol.reconnectedAt.some((at) => at >= restartedAt), () => 'carol back', 30_000);
    await sleep(300);

    expect(second.port).toBe(first.port);
    expect(direct.state).toBe('failed');
    expect(direct.error).toBeInstanceOf(RoomError);
    expect((direct.error as RoomError).code).toBe('participant_not_found');
    expect(broadcast.state).toBe('acked');
    // bob was back in time only if his reconnect beat alice's flush; carol never was.
    expect(heard.get('carol')).toEqual([]);
    expect(heard.get('bob')!.filter((text) => text !== 'broadcast while down')).toEqual([]);
    console.info(`outbox after kill -9: direct to a late participant → ${(direct.error as RoomError).code}; broadcast acknowledged, heard by bob: ${heard.get('bob')!.length}, by carol (late): 0`);
  }, 60_000);
});
