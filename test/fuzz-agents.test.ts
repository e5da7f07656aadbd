import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessageType, encodeMessage, pack } from '@convene/protocol';
import { b64, answerCounts, type FuzzCase } from './support/fuzz-cases.js';
import { FuzzClient } from './support/fuzz-client.js';
import { expectHealthyAfter, fuzz, startFuzzRoom, type FuzzRoom } from './support/fuzz-harness.js';
import { FuzzRandom, FUZZ_SEED, scaled } from './support/fuzz-random.js';
import { mintToken } from './support/tokens.js';

/**
 * Agents: the toolkit messages (`room.register_toolkit`, `unregister_toolkit`, `list_toolkits`,
 * `tool_call_response[_chunk]` from anyone) with generated headers, and calls to a toolkit hosted
 * by a participant that answers with junk: unreadable bytes, results nested far too deep, chunks
 * for calls that do not exist. Every caller still gets an answer and nobody else is disturbed.
 */
const CASES = scaled(3_000);
const ROOM = 'fuzz-agents';
const KIT = 'fz-kit';

let room: FuzzRoom;
let host: FuzzClient;

function rawPacked(text: string): Uint8Array {
  const bytes = new TextEncoder().encode(text);
  const data = new Uint8Array(8 + bytes.length);
  new DataView(data.buffer, data.byteOffset, data.byteLength).setUint32(4, bytes.length);
  data.set(bytes, 8);
  return data;
}

/** The host's answer to one call, chosen from the call's own arguments so a case replays alike. */
function answerCall(id: number, header: Record<string, unknown>): void {
  const g = new FuzzRandom(JSON.stringify(header).length * 7919 + id);
  const deep = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;
  if (header['stream'] === true) {
    const callId = header['tool_call_id'];
    for (let i = g.int(3); i > 0; i--) {
      const chunk = g.pick<unknown>([{ type: 'json', json: g.junk(2) }, { type: 'text', text: g.nasty() }, g.junk(1)]);
      host.send(MessageType.ToolCallResponseChunk, pack({ tool_call_id: g.chance(0.9) ? callId : g.junk(1), chunk }));
    }
    if (g.chance(0.1)) host.send(MessageType.ToolCallResponseChunk, rawPacked(`{"tool_call_id":${JSON.stringify(callId)},"chunk":{"type":"json","json":${deep(20_000)}}}`));
    host.send(MessageType.ToolCallResponseChunk, pack({ tool_call_id: callId, chunk: { type: 'control', method: 'close' } }));
    return;
  }
  const data = g.pick([
    () => pack({ type: 'json', json: { echo: header['arguments'] ?? null } }),
    () => pack({ type: 'text', text: g.nasty() }),
    () => pack({ type: 'empty' }),
    () => g.bytes(g.int(20)),
    () => rawPacked(`{"type":"json","json":${deep(g.pick([10, 300, 20_000]))}}`),
    () => pack({ type: 'binary', headers: g.junk(2) }, g.bytes(8)),
  ])();
  if (g.chance(0.05)) host.send(MessageType.ToolCallResponse, data); // a response under an id nobody asked for
  host.sendFrames(encodeMessage({ id, type: MessageType.ToolCallResponse, data }));
}

beforeAll(async () => {
  room = await startFuzzRoom(ROOM);
  host = await FuzzClient.join(room.url, await mintToken({ name: 'host', room: ROOM }), (type, header, id) => {
    if (type === `room.tool_call.${KIT}`) answerCall(id, header as Record<string, unknown>);
  });
  const registered = await host.answer(host.send(MessageType.RegisterToolkit, pack({ name: KIT, public: true, tools: { echo: { description: 'echo' }, stream: {} } })));
  expect(registered).toMatchObject({ type: 'json' });
});

afterAll(async () => {
  host?.ws.terminate();
  room?.bystander.ws.terminate();
  room?.sender.ws.terminate();
  await room?.server.close();
});

/** One agents case: a message of the agents' own types, or a call to the hosted toolkit. */
function agentsCase(g: FuzzRandom): FuzzCase {
  const deep = (depth: number): unknown => Array.from({ length: depth }).reduce<unknown>((inner) => [inner], 1);
  switch (g.int(6)) {
    case 0: { // register with a generated header
      const header = { name: g.chance(0.5) ? g.pick([KIT, 'fz-other', 'storage', 'x'.repeat(129), '']) : g.junk(1), tools: g.chance(0.6) ? { t: { d: g.chance(0.1) ? deep(g.pick([127, 200])) : g.junk(2) } } : g.junk(2), public: g.junk(0) };
      return { kind: 'message', type: MessageType.RegisterToolkit, data_base64: b64(pack(header)) };
    }
    case 1: return { kind: 'message', type: g.pick([MessageType.UnregisterToolkit, MessageType.ListToolkits]), data_base64: b64(pack(g.chance(0.7) ? { id: g.junk(1), participant_id: g.junk(1), participant_name: g.junk(1) } : g.junk(2))) };
    case 2: return { kind: 'message', type: g.pick([MessageType.ToolCallResponse, MessageType.ToolCallResponseChunk]), data_base64: b64(g.chance(0.7) ? pack({ tool_call_id: g.junk(1), chunk: g.junk(2) }) : g.bytes(g.int(30))) };
    case 3: return { kind: 'stream', toolkit: KIT, tool: g.pick(['stream', 'echo', 'nope']), tool_call_id: `a${g.int(1_000_000)}`, chunks: g.chance(0.5) ? [{ chunk: g.junk(2) }] : [] };
    default: {
      const args = g.chance(0.9) ? { type: 'json', json: g.chance(0.05) ? deep(300) : g.junk(3) } : g.junk(2);
      const extra: Record<string, unknown> = {};
      if (g.chance(0.2)) extra['participant_id'] = g.chance(0.5) ? host.participantId : g.junk(1);
      if (g.chance(0.2)) extra['tool_call_id'] = g.junk(1);
      return { kind: 'invoke', calls: [{ toolkit: g.chance(0.9) ? KIT : g.nasty(), tool: g.pick(['echo', 'echo', 'stream', 'nope', '__proto__']), arguments: args, extra }] };
    }
  }
}

describe('fuzzing agents', () => {
  it(`answers ${CASES} generated toolkit messages and hosted calls (seed ${FUZZ_SEED})`, async () => {
    answerCounts.clear();
    const report = await fuzz(room, { target: 'agents', cases: CASES, connections: 2, window: 8, makeCase: (g) => agentsCase(g) });
    console.log(`fuzz-agents: ${report.cases} cases; answers ${JSON.stringify(Object.fromEntries(answerCounts))}`);
    expect(report.cases).toBe(CASES);
    expect(answerCounts.get('json') ?? 0, 'hosted calls were relayed and answered').toBeGreaterThan(CASES / 20);
    // The host was never disturbed by what callers sent, and its toolkit is still listed.
    expect(host.isClosed).toBe(false);
    const listed = await room.bystander.answer(room.bystander.send(MessageType.ListToolkits, pack({})));
    expect(listed).toMatchObject({ type: 'json', json: { tools: { [KIT]: { participant_id: host.participantId } } } });
    host.close();
    await expectHealthyAfter(room, report);
  }, 240_000);
});
