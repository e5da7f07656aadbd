import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoomClient } from '@convene/client';
import type { RunningRoomServer } from '@convene/server';
import { conveneClient } from './support/convene.js';
import { startServer } from './support/server.js';

const SIZE = 50 * 1024 * 1024;
const PIECE = 1024 * 1024;
/** Live growth allowed while 50 MiB pass through client and server, both in this process. */
const BOUND = 20 * 1024 * 1024;

// Vitest's workers run without --expose-gc; V8 accepts the flag at run time and a new context
// then sees `gc`, so "before" and "after" are measured on a collected heap, not on leftover garbage.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const used = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

/**
 * Samples memory while `run` runs. `live` is measured right after a collection, so it counts what
 * the transfer holds on to (with the memory backend, which keeps files whole, the upload shows
 * 51 MiB here); `raw` is sampled without
 * collecting and includes garbage not yet reclaimed. Both are growth over a collected baseline.
 */
async function peakGrowth(run: () => Promise<void>): Promise<{ live: number; raw: number; after: number }> {
  await settle();
  const baseline = used();
  let live = 0;
  let raw = 0;
  let ticks = 0;
  const timer = setInterval(() => {
    raw = Math.max(raw, used() - baseline);
    if (++ticks % 5 !== 0) return;
    // Twice: V8 releases ArrayBuffer memory on a sweeper that the second collection waits for.
    gc();
    gc();
    live = Math.max(live, used() - baseline);
  }, 10);
  try {
    await run();
  } finally {
    clearInterval(timer);
  }
  await settle();
  return { live, raw, after: used() - baseline };
}

/** Collects twice around a turn of the event loop, so buffers freed by finalizers are gone too. */
async function settle(): Promise<void> {
  gc();
  await new Promise((resolve) => setTimeout(resolve, 20));
  gc();
}

const report = (what: string, m: { live: number; raw: number; after: number }) =>
  console.info(`${what}: live peak ${mib(m.live)}, raw peak ${mib(m.raw)} (incl. garbage), after ${mib(m.after)}`);

/** Deterministic, non-repeating bytes, produced one piece at a time. */
async function* generate(hash: ReturnType<typeof createHash>, size = SIZE): AsyncGenerator<Uint8Array> {
  let x = 12345;
  for (let offset = 0; offset < size; offset += PIECE) {
    const piece = new Uint8Array(PIECE);
    const words = new Uint32Array(piece.buffer);
    for (let i = 0; i < words.length; i++) words[i] = x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    hash.update(piece);
    yield piece;
  }
}

const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;

describe('large files stream through the server', () => {
  let server: RunningRoomServer;
  let dataDir: string;
  let client: RoomClient;
  const sourceHash = createHash('sha256');

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'convene-large-'));
    server = await startServer({ dataDir });
    client = conveneClient({ url: server.url, room: 'big', name: 'alice' });
    await client.start();
    // Warm-up: the first transfer compiles and optimizes code and lets fetch load its modules,
    // which shows up as heap growth that has nothing to do with the file's size.
    await client.storage.uploadStream('warm.bin', generate(createHash('sha256'), 4 * PIECE), { size: 4 * PIECE });
    for await (const chunk of (await client.storage.downloadStream('warm.bin')).chunks) void chunk;
    await (await fetch(await client.storage.downloadUrl('warm.bin'))).arrayBuffer();
  });
  afterAll(async () => {
    client.dispose();
    await server.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('uploads 50 MiB with flat memory, and the file on disk is identical', async () => {
    const upload = await peakGrowth(() => client.storage.uploadStream('big/file.bin', generate(sourceHash), { size: SIZE }));
    report('50 MiB upload', upload);
    expect(upload.live).toBeLessThan(BOUND);
    const onDisk = createHash('sha256');
    for await (const chunk of createReadStream(join(dataDir, 'rooms', 'big', 'files', 'big', 'file.bin'))) onDisk.update(chunk as Buffer);
    expect(onDisk.digest('hex')).toBe(sourceHash.copy().digest('hex'));
  });

  it('downloads 50 MiB with flat memory, byte-identical', async () => {
    const received = createHash('sha256');
    let total = 0;
    const download = await peakGrowth(async () => {
      const file = await client.storage.downloadStream('big/file.bin');
      expect(file.size).toBe(SIZE);
      for await (const chunk of file.chunks) {
        received.update(chunk);
        total += chunk.length;
      }
    });
    report('50 MiB download', download);
    expect(total).toBe(SIZE);
    expect(received.digest('hex')).toBe(sourceHash.copy().digest('hex'));
    expect(download.live).toBeLessThan(BOUND);
  });

  it('serves 50 MiB over the download URL with flat memory', async () => {
    const received = createHash('sha256');
    const http = await peakGrowth(async () => {
      const response = await fetch(await client.storage.downloadUrl('big/file.bin'));
      expect(response.headers.get('content-length')).toBe(String(SIZE));
      for await (const chunk of response.body!) received.update(chunk);
    });
    report('50 MiB over HTTP', http);
    expect(received.digest('hex')).toBe(sourceHash.copy().digest('hex'));
    expect(http.live).toBeLessThan(BOUND);
  });
});
