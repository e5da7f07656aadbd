import { MessageType, encodeMessage, pack } from '@convene/protocol';
import { b64, type FuzzCase } from './fuzz-cases.js';
import type { FuzzRandom } from './fuzz-random.js';

const TYPES = [...Object.values(MessageType), 'room.tool_call.fz', 'x', 'é', 'messaging.send', 'room.invoke_tool'];
const CONTENT_TYPES = ['json', 'text', 'binary', 'file', 'link', 'empty', 'error', 'control', 'nope'];
const encoder = new TextEncoder();

/** A Content header of any type with fields that are right, wrong or missing. */
function envelope(g: FuzzRandom): Record<string, unknown> {
  const out: Record<string, unknown> = { type: g.pick(CONTENT_TYPES) };
  const fields: [string, () => unknown][] = [
    ['json', () => g.junk(2)], ['text', () => (g.chance(0.7) ? g.nasty() : g.junk(1))], ['headers', () => g.junk(2)],
    ['name', () => g.nasty()], ['mime_type', () => g.pick(['text/plain', '', 7])], ['url', () => g.nasty()],
    ['code', () => g.number()], ['method', () => g.pick(['open', 'close', 'x', 1])], ['status_code', () => g.number()], ['message', () => g.junk(1)],
  ];
  for (const [key, make] of fields) if (g.chance(0.3)) out[key] = make();
  return out;
}

/** The data of one message: a packed payload (valid or lying), a Content envelope, or raw bytes. */
function messageData(g: FuzzRandom, type: string): Uint8Array {
  switch (g.int(7)) {
    case 0: return g.bytes(g.int(g.chance(0.1) ? 3000 : 40));
    case 1: { // a length prefix that lies, or bad UTF-8 / bad JSON after it
      const body = g.pick([g.bytes(g.int(40)), encoder.encode('{"a":'), new Uint8Array([0xff, 0xfe, 0x7b, 0x7d]), encoder.encode('{}'), encoder.encode('[]'), encoder.encode('"\\ud800"')]);
      const data = new Uint8Array(8 + body.length + g.int(4));
      const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
      view.setUint32(0, g.chance(0.2) ? g.int(2 ** 32) : 0);
      view.setUint32(4, g.pick([body.length, body.length + 1, Math.max(0, body.length - 1), 2 ** 32 - 1, g.int(2 ** 32), 0]));
      data.set(body, 8);
      return data;
    }
    case 2: return pack(g.junk(3), g.chance(0.3) ? g.bytes(g.int(100)) : undefined);
    case 3: // an invoke whose arguments are any Content envelope
      return pack({ toolkit: g.pick(['messaging', 'storage', 'sync', 'database', 'queues', 'fz', g.nasty()]), tool: g.pick(['send', 'list', 'open', 'select', 'receive', g.nasty()]), arguments: envelope(g), ...(g.chance(0.3) ? { tool_call_id: g.junk(1) } : {}) }, g.chance(0.4) ? g.bytes(g.int(64)) : undefined);
    case 4: // a request chunk for a call that may or may not be open
      return pack({ tool_call_id: g.chance(0.7) ? `s${g.int(4)}` : g.junk(1), chunk: envelope(g) }, g.chance(0.4) ? g.bytes(g.int(64)) : undefined);
    case 5: // the agents' own messages
      return pack(type === MessageType.RegisterToolkit || g.chance(0.5)
        ? { name: g.chance(0.5) ? g.pick(['fz-kit', 'messaging', 'storage', 'x'.repeat(129)]) : g.junk(1), tools: g.chance(0.7) ? { t: { description: g.nasty() } } : g.junk(2), public: g.junk(0), title: g.junk(1), thumbnail_url: g.junk(1) }
        : { id: g.junk(1), participant_id: g.junk(1), participant_name: g.junk(1) });
    default: return pack({ [g.pick(['color', 'name', '__proto__', 'constructor'])]: g.junk(3) });
  }
}

/**
 * One frames case: usually a message with valid framing and odd packet sizes (so the input
 * reaches the handlers), sometimes frames broken on purpose: bit flips, truncation, wrong packet
 * counts, ids and indexes, lost, repeated, swapped or interleaved frames, raw and empty frames.
 */
export function framesCase(g: FuzzRandom, id: number): FuzzCase {
  const type = g.chance(0.85) ? g.pick(TYPES) : g.pick(['', 'x'.repeat(257), g.text(10)]) || 'y';
  const data = messageData(g, type);
  const packetBytes = g.pick([1, 3, 16, 64, 1024, 65536]);
  let frames: Uint8Array[];
  try {
    frames = encodeMessage({ id, type, data }, packetBytes);
  } catch {
    frames = [g.bytes(g.int(30))]; // a type the encoder refuses (empty, too long) becomes raw bytes
  }
  // Valid framing: the message reaches its handler, and its answer is checked.
  if (frames.length > 1 && g.chance(0.8)) return { kind: 'message', type, data_base64: b64(data), packet_bytes: packetBytes };
  const victim = g.int(frames.length);
  const frame = frames[victim]!.slice();
  frames[victim] = frame;
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  switch (g.int(11)) {
    case 0: for (let i = 1 + g.int(3); i > 0; i--) if (frame.length) frame[g.int(frame.length)]! ^= 1 << g.int(8); break;
    case 1: frames[victim] = frame.subarray(0, g.int(frame.length)); break;
    case 2: if (frames[0]!.length >= 16) new DataView(frames[0]!.buffer, frames[0]!.byteOffset, frames[0]!.byteLength).setUint32(12, g.pick([0, 1, 2, 1000, 2 ** 32 - 1, frames.length])); break;
    case 3: if (frame.length >= 8) view.setUint32(g.pick([0, 4]), g.int(2 ** 32)); break;
    case 4: if (frame.length >= 12) view.setUint32(8, g.pick([0, 1, 2, victim + 1, 2 ** 32 - 1])); break;
    case 5: frames.splice(victim, 1); break;
    case 6: frames.splice(victim, 0, frame); break;
    case 7: { const other = g.int(frames.length); [frames[victim], frames[other]] = [frames[other]!, frames[victim]!]; break; }
    case 8: { // a second message interleaved into the first
      const second = encodeMessage({ id: id + 1, type: g.pick(TYPES), data: pack({ a: 1 }) }, 4);
      frames.splice(g.int(frames.length + 1), 0, ...second.slice(0, 1 + g.int(second.length)));
      break;
    }
    case 9: frames.push(new Uint8Array(0)); break;
    default: frames = [g.bytes(g.int(g.chance(0.2) ? 3000 : 40))];
  }
  return { kind: 'frames', frames_base64: frames.map(b64) };
}
