import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeMessage, pack } from '@convene/protocol';
import type { RunningRoomServer } from '@convene/server';
import { RawClient, type Received } from './support/raw-client.js';
import { startServer } from './support/server.js';
import { mintToken } from './support/tokens.js';

/**
 * Fuzzes the server with generated frames and payloads from a seeded PRNG, so any failure
 * reproduces: rerun with FUZZ_SEED=<seed> (each connection i uses seed + i).
 */
const SEED = Number(process.env['FUZZ_SEED'] ?? 0xc0ffee);
const CONNECTIONS = 200;
const INPUTS_PER_CONNECTION = 50;
const CONCURRENCY = 8;
const ROOM = 'fuzz';

type Rng = () => number;

function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Gen {
  constructor(readonly rng: Rng) {}
  int(n: number): number {
    return Math.floor(this.rng() * n);
  }
  chance(p: number): boolean {
    return this.rng() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.int(256);
    return out;
  }
  string(max = 24): string {
    const pieces = ['a', 'Z', '0', ' ', '"', '\\', '\u0000', 'é', '漢', '😀', '\ud800', '\udfff', '\n', '{', '[', '=', '/', '+'];
    let out = '';
    const length = this.int(max);
    for (let i = 0; i < length; i++) out += this.pick(pieces);
    return out;
  }
  huge(): string {
    return this.pick(["x", "é", "😀", "\\", "\""]).repeat(4_000 + this.int(8_000));
  }
  deepJsonText(): string {
    const depth = 4_000 + this.int(6_000);
    return this.chance(0.5) ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
  }
  /** Any JSON value, with the keys and shapes that tend to break naive code. */
  junk(depth = 0): unknown {
    switch (this.int(depth > 3 ? 6 : 9)) {
      case 0: return null;
      case 1: return this.chance(0.5);
      case 2: return this.pick([0, -1, 1, 0.5, 1e308, -1e308, 2 ** 53 + 1, 4294967296, -0]);
      case 3: return this.string();
      case 4: return this.chance(0.03) ? this.huge() : this.string(200);
      case 5: return this.pick(['json', 'text', 'binary', 'file', 'link', 'empty', 'error', 'control', 'open', 'close']);
      case 6: return Array.from({ length: this.int(5) }, () => this.junk(depth + 1));
      default: {
        const out: Record<string, unknown> = {};
        const keys = ['type', 'json', 'text', 'headers', 'method', 'code', '__proto__', 'constructor', 'toString', 'id', 'name', 'message'];
        for (let i = this.int(5); i > 0; i--) out[this.chance(0.7) ? this.pick(keys) : this.string(8)] = this.junk(depth + 1);
        return out;
      }
    }
  }
}

interface Peer {
  self: string;
  bystander: string;
}

/** A JSON text for the packed header; sometimes raw text that JSON.stringify could not produce. */
function messagingArguments(g: Gen, peer: Peer): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  if (g.chance(0.9)) args['type'] = g.pick<unknown>(['chat', 'chat', 'participant.enabled', 'messaging.enabled', 'participant.attributes', '', 'x'.repeat(300), g.junk(), g.string()]);
  if (g.chance(0.9)) {
    args['message_json'] = g.pick<unknown>(['{}', '{"a":1}', '[1,2]', 'null', '"s"', '{bad', '', '  {"pad":true}  ', g.string(), g.junk()]);
    if (g.chance(0.05)) args['message_json'] = g.deepJsonText();
    if (g.chance(0.03)) args['message_json'] = JSON.stringify({ big: g.huge() });
  }
  if (g.chance(0.9)) args['to_participant_id'] = g.pick<unknown>([peer.bystander, peer.bystander, peer.self, 'p-nope', '', g.junk()]);
  if (g.chance(0.5)) {
    args['attachment_base64'] = g.pick<unknown>([
      'AQI=', '!!!!', 'A', '====', 'QQ=', 'QUJD=', 'AQI', '', null, g.string(), g.junk(),
      Buffer.from(g.bytes(g.int(3000))).toString('base64'),
    ]);
  }
  if (g.chance(0.3)) args['message_id'] = g.pick<unknown>([`m-${g.int(5)}`, '', 'x'.repeat(200), g.junk()]);
  if (g.chance(0.2)) args[g.string(6)] = g.junk();
  return args;
}

/** Data for a message whose framing is valid but whose content is anything. */
function garbageMessage(g: Gen, peer: Peer): { type: string; data: Uint8Array } {
  const type = g.pick([
    'room.invoke_tool', 'room.invoke_tool', 'room.invoke_tool', 'room.invoke_tool', 'set_attributes', 'set_attributes',
    'room.list_toolkits', 'room.tool_call_response', 'room.tool_call_request_chunk', '__response__', 'messaging.send',
    'room_ready', 'connected', 'x', g.string(12) || 'y',
  ]);
  switch (g.int(6)) {
    case 0: // raw bytes
      return { type, data: g.bytes(g.int(g.chance(0.1) ? 4000 : 64)) };
    case 1: { // a packed prefix that lies about the header length, or bad UTF-8 / bad JSON inside it
      const body = g.pick([g.bytes(g.int(40)), new TextEncoder().encode('{"a":'), new Uint8Array([0xff, 0xfe, 0x7b, 0x7d]), new TextEncoder().encode('{}')]);
      const data = new Uint8Array(8 + body.length + g.int(4));
      const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
      view.setUint32(0, g.chance(0.2) ? g.int(2 ** 32) : 0);
      view.setUint32(4, g.pick([body.length, body.length + 1, 2 ** 32 - 1, g.int(2 ** 32), 0]));
      data.set(body, 8);
      return { type, data };
    }
    case 2: // valid pack, junk header
      return { type, data: pack(g.junk(), g.chance(0.2) ? g.bytes(g.int(100)) : undefined) };
    case 3: { // set_attributes-like junk, sometimes nested far too deep
      if (g.chance(0.2)) {
        const text = new TextEncoder().encode(`{"deep":${g.deepJsonText()}}`);
        const data = new Uint8Array(8 + text.length);
        new DataView(data.buffer, data.byteOffset, data.byteLength).setUint32(4, text.length);
        data.set(text, 8);
        return { type: 'set_attributes', data };
      }
      return { type: 'set_attributes', data: pack(g.chance(0.8) ? { [g.pick(['color', 'name', '__proto__', g.string(6)])]: g.junk() } : g.junk()) };
    }
    default: { // a messaging invoke with garbage Content header / tool arguments
      const args = messagingArguments(g, peer);
      const argumentsHeader = g.pick<unknown>([
        { type: 'json', json: args },
        { type: 'json', json: args },
        { type: 'json', json: args },
        { type: 'json', json: g.junk() },
        { type: g.junk(), json: args },
        { ...args },
        g.junk(),
        { type: g.pick(['text', 'binary', 'file', 'link', 'empty', 'error', 'control']), ...(g.junk(3) as object) },
      ]);
      const header: Record<string, unknown> = {
        toolkit: g.pick<unknown>(['messaging', 'messaging', 'messaging', 'messaging', 'storage', '', '__proto__', 'constructor', g.junk()]),
        tool: g.pick<unknown>(['send', 'send', 'broadcast', 'broadcast', 'enable', 'disable', 'nope', 'hasOwnProperty', g.junk()]),
        arguments: argumentsHeader,
      };
      if (g.chance(0.2)) header['tool_call_id'] = g.junk();
      if (g.chance(0.1)) header['participant_id'] = g.junk();
      if (g.chance(0.1)) header['caller_context'] = g.junk();
      if (g.chance(0.05)) delete header[g.pick(['toolkit', 'tool', 'arguments'])];
      return { type: 'room.invoke_tool', data: pack(header, g.chance(0.1) ? g.bytes(g.int(200)) : undefined) };
    }
  }
}

/** Frames for one input. Valid framing unless `breakFraming`. */
function framesFor(g: Gen, peer: Peer, id: number, breakFraming: boolean): Uint8Array[] {
  if (breakFraming && g.chance(0.3)) {
    // A random frame.
    return [g.bytes(g.chance(0.2) ? g.int(3000) : g.int(40))];
  }
  const message = garbageMessage(g, peer);
  const frames = encodeMessage({ id, ...message }, breakFraming ? g.pick([64, 256, 1024]) : g.pick([1024, 4096, 65536]));
  if (!breakFraming) return frames;
  // Mutate a valid message's frames.
  const victim = g.int(frames.length);
  const frame = frames[victim]!;
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  switch (g.int(8)) {
    case 0: // bit flips
      for (let i = 1 + g.int(3); i > 0; i--) frame[g.int(frame.length)]! ^= 1 << g.int(8);
      break;
    case 1: // truncation
      frames[victim] = frame.subarray(0, g.int(frame.length));
      break;
    case 2: // wrong packet count in the header
      new DataView(frames[0]!.buffer, frames[0]!.byteOffset, frames[0]!.byteLength).setUint32(12, g.pick([0, 1, 2, 1000, 2 ** 32 - 1, frames.length, frames.length - 2 < 0 ? 0 : frames.length - 2]));
      break;
    case 3: // wrong id
      view.setUint32(4, g.int(2 ** 32));
      if (g.chance(0.3)) view.setUint32(0, g.int(2 ** 32));
      break;
    case 4: // wrong packet index
      view.setUint32(8, g.pick([0, 1, 2, 3, victim + 1, 2 ** 32 - 1]));
      break;
    case 5: // a frame lost
      frames.splice(victim, 1);
      break;
    case 6: // a frame repeated
      frames.splice(victim, 0, frame);
      break;
    default: { // two frames swapped
      const other = g.int(frames.length);
      [frames[victim], frames[other]] = [frames[other]!, frames[victim]!];
    }
  }
  return frames;
}

type Outcome = { kind: 'answered' } | { kind: 'closed'; code: number; reason: string };

let server: RunningRoomServer;
let alice: RawClient;
let bob: RawClient;

beforeAll(async () => {
  server = await startServer();
  const url = `${server.url}/rooms/${ROOM}`;
  alice = await RawClient.join(url, await mintToken({ name: 'alice', room: ROOM }));
  bob = await RawClient.join(url, await mintToken({ name: 'bob', room: ROOM }));
  expect(await alice.invoke('messaging', 'enable', {})).toEqual({ type: 'empty' });
  expect(await bob.invoke('messaging', 'enable', {})).toEqual({ type: 'empty' });
});

afterAll(async () => {
  alice?.ws.terminate();
  bob?.ws.terminate();
  await server?.close();
});

async function fuzzConnection(index: number): Promise<{ outcome: Outcome; inputs: number }> {
  const g = new Gen(mulberry32(SEED + index));
  const client = await RawClient.join(`${server.url}/rooms/${ROOM}`, await mintToken({ name: `fuzz-${index % 17}`, room: ROOM }));
  try {
    if (g.chance(0.5)) await client.invoke('messaging', 'enable', {});
    const peer: Peer = { self: client.participantId, bystander: bob.participantId };
    // A quarter of the connections also break the framing; the rest keep it valid so every
    // input reaches the message handlers.
    const breakFraming = index % 4 === 0;
    for (let i = 0; i < INPUTS_PER_CONNECTION; i++) {
      for (const frame of framesFor(g, peer, 1000 + i, breakFraming && g.chance(0.5))) client.sendFrame(frame);
      // Let the server work through the inputs a few at a time.
      if (i % 10 === 9) await new Promise((resolve) => setImmediate(resolve));
    }
    // A valid probe after the fuzzing: a direct message to bob, with an id the inputs never use.
    const probeId = 0x7abcde00 + index;
    const probeType = `probe-${index}`;
    const data = pack({
      toolkit: 'messaging',
      tool: 'send',
      arguments: { type: 'json', json: { type: probeType, message_json: '{"probe":true}', to_participant_id: bob.participantId } },
    });
    for (const frame of encodeMessage({ id: probeId, type: 'room.invoke_tool', data })) client.sendFrame(frame);
    const answered = client.waitFor((m) => m.type === '__response__' && m.id === probeId, 8_000).then((m): Outcome => {
      expect(m.header, `seed ${SEED + index}`).toEqual({ type: 'empty' });
      return { kind: 'answered' };
    });
    const closed = client.closed.then((c): Outcome => ({ kind: 'closed', ...c }));
    const outcome = await Promise.race([answered, closed]);
    if (outcome.kind === 'answered') {
      const delivered = await bob.waitFor((m) => m.type === 'messaging.send' && (m.header as { type?: string }).type === probeType);
      expect(delivered.header, `seed ${SEED + index}`).toEqual({ from_participant_id: client.participantId, type: probeType, message: { probe: true }, to_participant_id: bob.participantId });
    }
    answered.catch(() => {}); // the socket may close instead
    return { outcome, inputs: INPUTS_PER_CONNECTION };
  } finally {
    client.ws.terminate();
  }
}

describe('fuzzing', () => {
  it(`survives ${CONNECTIONS * INPUTS_PER_CONNECTION} generated inputs (seed ${SEED})`, async () => {
    const outcomes: Outcome[] = [];
    let inputs = 0;
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < CONNECTIONS) {
          const index = next++;
          const result = await fuzzConnection(index);
          inputs += result.inputs;
          outcomes[index] = result.outcome;
        }
      }),
    );
    expect(inputs).toBeGreaterThanOrEqual(10_000);

    // Every fuzzed connection either still answered a valid request or was closed with a code and a reason.
    outcomes.forEach((outcome, index) => {
      if (outcome.kind === 'closed') {
        expect([1002, 1008, 1009, 1011], `connection ${index} (seed ${SEED + index})`).toContain(outcome.code);
        expect(outcome.reason.length, `connection ${index} (seed ${SEED + index})`).toBeGreaterThan(0);
      }
    });
    const answered = outcomes.filter((o) => o.kind === 'answered').length;
    const closed = outcomes.filter((o) => o.kind === 'closed').length;
    // The fuzzing did both things it is meant to: break some connections, not others.
    expect(answered).toBeGreaterThan(CONNECTIONS / 2);
    expect(closed).toBeGreaterThan(0);

    // The bystanders are unaffected: a message sent now still arrives.
    const sent = await alice.invoke('messaging', 'send', { type: 'after-fuzz', message_json: '{"n":1}', to_participant_id: bob.participantId });
    expect(sent).toEqual({ type: 'empty' });
    const delivered = await bob.waitFor((m: Received) => m.type === 'messaging.send' && (m.header as { type?: string }).type === 'after-fuzz');
    expect(delivered.header).toEqual({ from_participant_id: alice.participantId, type: 'after-fuzz', message: { n: 1 }, to_participant_id: bob.participantId });
    expect(alice.ws.readyState).toBe(alice.ws.OPEN);
    expect(bob.ws.readyState).toBe(bob.ws.OPEN);

    // The server is healthy and holds only the bystanders.
    await expect.poll(() => server.core.connectionCount, { timeout: 5_000 }).toBe(2);
    expect(server.core.roomCount).toBe(1);
    expect(server.core.room(ROOM)?.size).toBe(2);
    const health = await fetch(`http://127.0.0.1:${server.port}/healthz`);
    expect(health.status).toBe(200);
  });
});
