import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoomError, type RoomClient } from '@convene/client';
import { conveneClient } from './support/convene.js';
import { ensureServerBuilt, startServerProcess, type ServerProcess, type ServerStats } from './support/server-process.js';
import { labels, listSchema, until } from './support/sync-fixtures.js';

// Limits of the room APIs (documents, message attachments, uploads) as a Convene client meets
// them, against the built server in its own process so its memory can be measured after a full
// GC. Each test pushes about 50 times the limit; the server must keep a small fraction of that.

const KiB = 1024;
const MiB = 1024 * KiB;
const LIMITS = { maxMessageBytes: 512 * KiB, maxOpenDocuments: 4 };
const MAX_UPLOAD_BYTES = 1 * MiB;

let server: ServerProcess;
const clients: RoomClient[] = [];

beforeAll(async () => {
  ensureServerBuilt();
  server = await startServerProcess({ serverOptions: { limits: LIMITS, maxUploadBytes: MAX_UPLOAD_BYTES } });
}, 120_000);

afterAll(async () => {
  for (const client of clients.splice(0)) client.dispose();
  await server?.stop();
});

async function join(name: string, room: string): Promise<RoomClient> {
  const client = conveneClient({ url: server.url, room, name });
  clients.push(client);
  await client.start();
  return client;
}

const held = (stats: ServerStats): number => stats.heapUsed + stats.external;
const mb = (bytes: number): string => (bytes / MiB).toFixed(2);

/** Polls until the growth since `before` is under `bound` (in-flight bytes are transient), and reports it. */
async function expectHeldUnder(label: string, pushed: number, before: ServerStats, bound: number): Promise<void> {
  let after = await server.stats();
  await expect.poll(async () => held((after = await server.stats())) - held(before), { timeout: 10_000, interval: 250 }).toBeLessThan(bound);
  console.log(
    `[limits] ${label}: pushed ${mb(pushed)} MiB; heap ${mb(before.heapUsed)} -> ${mb(after.heapUsed)} MiB, ` +
      `external ${mb(before.external)} -> ${mb(after.external)} MiB, growth ${mb(held(after) - held(before))} MiB`,
  );
}

async function refusal(promise: Promise<unknown>): Promise<RoomError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RoomError);
  return error as RoomError;
}

describe('API limits hold and memory stays bounded (server in its own process)', () => {
  it('refuses 50x maxOpenDocuments opens with rate_limited; the open documents stay live', async () => {
    const alice = await join('alice', 'documents');
    const bob = await join('bob', 'documents');
    const schema = listSchema();
    const open = [];
    for (let i = 0; i < LIMITS.maxOpenDocuments; i++) open.push(await alice.sync.open(`open-${i}.doc`, { schema }));
    const watched = await bob.sync.open('open-0.doc', { schema });
    const before = await server.stats();
    const attempts = 50 * LIMITS.maxOpenDocuments;
    for (let i = 0; i < attempts; i++) {
      const error = await refusal(alice.sync.open(`extra-${i}.doc`, { schema }));
      expect(error.code).toBe('rate_limited');
      expect(error.message).toBe('at most 4 documents may be open on one connection; close one before opening another');
    }
    open[0]!.root.createChildElement('item', { label: 'after the refusals' });
    await until(() => labels(watched), (seen) => seen.includes('after the refusals'));
    expect(alice.status).toBe('connected');
    await expectHeldUnder(`${attempts} refused document opens`, 0, before, 2 * MiB);
  });

  it('refuses 50 attachments above maxMessageBytes with payload_too_large; messages go on', async () => {
    const alice = await join('alice', 'attachments');
    const bob = await join('bob', 'attachments');
    await Promise.all([alice.messaging.enable(), bob.messaging.enable()]);
    const got: unknown[] = [];
    bob.messaging.on('message', (m) => got.push(m.message));
    const before = await server.stats();
    const attachment = new Uint8Array(LIMITS.maxMessageBytes + 1);
    for (let i = 0; i < 50; i++) {
      const error = await refusal(alice.messaging.broadcastMessage({ type: 'big', message: { i }, attachment }));
      expect(error.code).toBe('payload_too_large');
      expect(error.message).toBe('message exceeds the limit of 524288 bytes');
    }
    await alice.messaging.broadcastMessage({ type: 'small', message: { ok: true }, attachment: new Uint8Array(1000) });
    await until(() => got.length, (n) => n === 1);
    expect(got).toEqual([{ ok: true }]);
    await expectHeldUnder('50 attachments of maxMessageBytes + 1', 50 * attachment.length, before, 2 * MiB);
  });

  it('refuses an upload of 50x maxUploadBytes with payload_too_large, sized or not, and keeps nothing', async () => {
    const alice = await join('alice', 'uploads');
    const before = await server.stats();
    const size = 50 * MAX_UPLOAD_BYTES;
    // Declared size: refused at `start`, before the bytes are sent.
    const sized = await refusal(alice.storage.upload('sized.bin', new Uint8Array(size)));
    expect(sized.code).toBe('payload_too_large');
    expect(sized.message).toBe(`uploads are limited to ${MAX_UPLOAD_BYTES} bytes`);
    // No declared size: refused once the bytes pass the limit; the source is not drained.
    let produced = 0;
    async function* unsized(): AsyncGenerator<Uint8Array> {
      while (produced < size) {
        produced += 256 * KiB;
        yield new Uint8Array(256 * KiB);
      }
    }
    const streamed = await refusal(alice.storage.uploadStream('unsized.bin', unsized()));
    expect(streamed.code).toBe('payload_too_large');
    expect(produced).toBeLessThan(8 * MAX_UPLOAD_BYTES);
    expect(await alice.storage.list('')).toEqual([]);
    // The connection goes on: an upload within the limit succeeds.
    await alice.storage.upload('fits.bin', new Uint8Array(MAX_UPLOAD_BYTES));
    expect((await alice.storage.stat('fits.bin'))?.size).toBe(MAX_UPLOAD_BYTES);
    await alice.storage.delete('fits.bin');
    await expectHeldUnder(`uploads of ${size / MiB} MiB (sized) and ${mb(produced)} MiB produced (unsized)`, produced, before, 2 * MiB);
  });
});
