import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessageType, defaultApiScope, type ApiScope } from '@convene/protocol';
import type { RunningRoomServer } from '@convene/server';
import { RawClient } from './support/raw-client.js';
import { SECRET, startServer } from './support/server.js';
import { mintToken } from './support/tokens.js';

/**
 * The authorization matrix, part 1 (issue 7). The rows live in one file per toolkit
 * (test/authorization-matrix-<toolkit>.test.ts; each also checks that its rows cover every tool
 * the running server lists). This file checks that every built-in toolkit and every message a
 * participant can send has such a file or a stated reason, and sweeps every tool of the running
 * server with tokens that lack its `api` key, reading the exact refusal on the wire.
 */

/** The toolkits the matrix covers, with the `api` grant key that gates each one. */
const MATRIX_FILES: Record<string, { api: string; file: string }> = {
  messaging: { api: 'messaging', file: 'authorization-matrix-messaging.test.ts' },
  storage: { api: 'storage', file: 'authorization-matrix-storage.test.ts' },
  sync: { api: 'sync', file: 'authorization-matrix-sync.test.ts' },
  database: { api: 'dataset', file: 'authorization-matrix-database.test.ts' },
  queues: { api: 'queues', file: 'authorization-matrix-queues.test.ts' },
};

/**
 * Every message type, by who sends it and where its grant is checked. A new type fails the test
 * until someone decides which it is.
 */
const MESSAGE_TYPES: Record<string, string> = {
  [MessageType.RoomReady]: 'server → client',
  [MessageType.Connected]: 'server → client',
  [MessageType.Response]: 'server → client',
  [MessageType.RoomStatus]: 'server → client',
  [MessageType.MessagingSend]: 'server → client',
  [MessageType.InvokeTool]: 'matrix: every built-in tool (files above) and hosted toolkits (agents file)',
  [MessageType.RegisterToolkit]: 'matrix: agents file',
  [MessageType.ListToolkits]: 'matrix: agents file',
  [MessageType.UnregisterToolkit]: 'no grant: only the host\'s own registrations (agents file checks another\'s is not_found)',
  [MessageType.ToolCallRequestChunk]: 'no grant: only the sender\'s own open tool calls, whose grant was checked at open',
  [MessageType.ToolCallResponse]: 'no grant: only answers to calls relayed to this host',
  [MessageType.ToolCallResponseChunk]: 'no grant: only chunks of calls relayed to this host',
  [MessageType.SetAttributes]: 'no grant: a participant\'s own attributes',
};

const ROOM = 'matrix-wire';
let server: RunningRoomServer;

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.close();
});

/** A token whose `grants` hold no `api` entry at all: every room API is denied. */
function tokenWithoutApiGrant(name: string): Promise<string> {
  const payload = { name, grants: [{ name: 'room', scope: ROOM }, { name: 'role', scope: 'user' }], version: '0.39.9' };
  return new SignJWT(payload).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(new TextEncoder().encode(SECRET));
}

describe('authorization matrix coverage', () => {
  it('has a matrix file for every built-in toolkit the running server offers', () => {
    const catalog = server.core.toolCatalog();
    expect(catalog.map((entry) => entry.toolkit).sort()).toEqual(Object.keys(MATRIX_FILES).sort());
    for (const entry of catalog) expect(entry.api, entry.toolkit).toBe(MATRIX_FILES[entry.toolkit]!.api);
  });

  it('classifies every message type of the protocol', () => {
    expect(Object.values(MessageType).sort()).toEqual(Object.keys(MESSAGE_TYPES).sort());
  });
});

describe('the api grant, on the wire, for every tool of the running server', () => {
  it('refuses every tool with a 403 error naming the tool when the token lacks its api key', async () => {
    const catalog = server.core.toolCatalog();
    let refusals = 0;
    for (const { toolkit, api, tools } of catalog) {
      const everythingElse = { ...defaultApiScope(), [api]: undefined } as ApiScope;
      delete everythingElse[api];
      const tokens: Record<string, string> = {
        [`no "${api}" key`]: await mintToken({ name: 'sweeper', room: ROOM, api: everythingElse }),
        [`"${api}": false`]: await mintToken({ name: 'sweeper', room: ROOM, api: { ...everythingElse, [api]: false } }),
        [`"${api}": null`]: await mintToken({ name: 'sweeper', room: ROOM, api: { ...everythingElse, [api]: null } }),
        'no api grant': await tokenWithoutApiGrant('sweeper'),
      };
      for (const [why, jwt] of Object.entries(tokens)) {
        const raw = await RawClient.join(`${server.url}/rooms/${ROOM}`, jwt);
        for (const tool of tools) {
          // Called the way a real client calls it: streams with `control open`, others with json.
          const args = tool.streaming ? { type: 'control', method: 'open' } : { type: 'json', json: {} };
          const reply = await raw.request('room.invoke_tool', { toolkit, tool: tool.name, tool_call_id: `t-${refusals}`, arguments: args });
          expect(reply, `${toolkit}.${tool.name} with ${why}`).toEqual({
            type: 'error',
            code: 403,
            text: `the token does not grant ${toolkit}.${tool.name}`,
          });
          refusals++;
        }
        raw.close();
        await raw.closed;
      }
    }
    console.info(`authorization matrix (api key sweep): ${refusals} refusals verified on the wire`);
    expect(refusals).toBeGreaterThanOrEqual(4 * 30);
  });
});
