import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseFor, storagePath } from './support/fuzz-arguments.js';
import { answerCounts } from './support/fuzz-cases.js';
import { expectHealthyAfter, fuzz, startFuzzRoom, type FuzzRoom } from './support/fuzz-harness.js';
import { FUZZ_SEED, scaled } from './support/fuzz-random.js';
import { builtInOperations } from './support/fuzz-toolkits.js';

/**
 * Storage paths (traversal, NUL, control characters, unicode, very long, `.sync/`, non-strings)
 * through every storage operation and the document tools, on the filesystem backend: answers are
 * typed, and nothing is ever written outside the room's folder or into the server-owned `.sync/`.
 */
const CASES = scaled(2_000);
const ROOM = 'fuzz-paths';
const operations = builtInOperations().filter((op) => op.toolkit === 'storage' || op.toolkit === 'sync');

let room: FuzzRoom;
let parent: string;
let dataDir: string;

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => !e.isDirectory()).map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'));
}

beforeAll(async () => {
  parent = await mkdtemp(join(tmpdir(), 'convene-fuzz-paths-'));
  dataDir = join(parent, 'data');
  room = await startFuzzRoom(ROOM, { dataDir });
});

afterAll(async () => {
  room?.bystander.ws.terminate();
  room?.sender.ws.terminate();
  await room?.server.close();
  await rm(parent, { recursive: true, force: true });
});

describe('fuzzing storage paths', () => {
  it(`answers ${CASES} generated path operations with typed errors and keeps every byte inside the room (seed ${FUZZ_SEED})`, async () => {
    answerCounts.clear();
    const report = await fuzz(room, {
      target: 'storage-paths',
      cases: CASES,
      connections: 2,
      makeCase: (g, index, self) => {
        const op = operations[index % operations.length]!;
        const fuzzCase = caseFor(g, op, { self, bystander: room.bystander.participantId });
        // Aim the document tools at paths too (their own generator prefers plain names).
        if (fuzzCase.kind === 'stream' && op.toolkit === 'sync') {
          const headers = (fuzzCase.chunks[0]?.chunk as { headers?: unknown } | undefined)?.headers;
          if (typeof headers === 'object' && headers !== null && !Array.isArray(headers) && g.chance(0.7)) (headers as Record<string, unknown>)['path'] = storagePath(g);
        }
        return fuzzCase;
      },
    });
    console.log(`fuzz-storage-paths: ${report.cases} cases over ${operations.map((op) => `${op.toolkit}.${op.tool}`).join(' ')}; answers ${JSON.stringify(Object.fromEntries(answerCounts))}`);
    expect(report.cases).toBe(CASES);
    expect(answerCounts.get('empty') ?? 0, 'some uploads, moves and deletes succeed').toBeGreaterThan(CASES / 50);
    await expectHealthyAfter(room, report);

    // Nothing outside the data directory, and inside it only the room's files.
    expect(await readdir(parent)).toEqual(['data']);
    const files = await filesUnder(dataDir);
    const roomFiles = files.map((file) => file.split('/'));
    expect(files.length, 'uploads reached the disk').toBeGreaterThan(0);
    for (const segments of roomFiles) {
      expect(segments[0], segments.join('/')).toBe('rooms');
      expect(segments[2], segments.join('/')).toBe('files');
    }
    // Only the server writes under .sync/, and only documents.
    for (const segments of roomFiles.filter((s) => s[3] === '.sync')) expect(segments.join('/')).toMatch(/\.yjs$/);
  }, 240_000);
});
