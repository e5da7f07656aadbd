import * as Y from 'yjs';
import { encodeBase64 } from '@convene/protocol';
import { b64, type FuzzCase, type FuzzChunk } from './fuzz-cases.js';
import { databaseArguments } from './fuzz-database-inputs.js';
import { define, type FuzzRandom } from './fuzz-random.js';
import type { Operation } from './fuzz-toolkits.js';
import { listSchema } from './sync-fixtures.js';

/** Who else is in the room, so messages sometimes reach a real recipient. */
export interface FuzzPeers {
  self: string;
  bystander: string;
}

const SCHEMA = listSchema().toJson();

/** A storage path: real ones, traversal, NUL, unicode, very long, `.sync/`, non-strings. */
export function storagePath(g: FuzzRandom): unknown {
  switch (g.int(10)) {
    case 0: case 1: return g.pick(['a.txt', 'docs/a.txt', 'docs', '', '/', './a.txt', 'docs//b.bin', 'x/y/z/w.doc', 'notes/a.doc', 'é/漢字.txt', '😀.bin']);
    case 2: return g.pick(['../a', '../../etc/passwd', 'a/../../b', '..', './..', 'a/..', '/../x', '\\..\\x', 'a\\b', '%2e%2e/x', '.%2e/x', '%2F', '%5c', 'a%00b', 'C:/x', 'c:\\x']);
    case 3: return g.pick(['.sync', '.sync/', '.sync/a.doc.yjs', './.sync/x', '/.sync/notes/a.doc.yjs', '.sync/../a', '.SYNC/a', '.sync2/a', 'a/.sync/b']);
    case 4: return `${g.pick(['a', 'docs/a', ''])}${g.pick(['\u0000', '\u0001', '\n', '\u007f', ' ', '.', '. ', '/.', '\ud800', '\u202e'])}${g.pick(['', 'b', '/c'])}`;
    case 5: return `${'d/'.repeat(g.pick([100, 400, 511, 512, 600]))}f`;
    case 6: return g.pick(['x', 'é', '😀']).repeat(g.pick([255, 256, 1023, 1024, 1025, 4000]));
    case 7: return g.nasty();
    case 8: return g.junk(1);
    default: return `${g.pick(['', './', '/', '//'])}${g.text(6)}/${g.text(6)}`;
  }
}

/** A queue name: valid ones, every edge of `^[A-Za-z0-9_.:@/-]{1,128}$`, and junk. */
export function queueName(g: FuzzRandom): unknown {
  switch (g.int(6)) {
    case 0: case 1: return g.pick(['jobs', 'q1', 'a.b:c@d/e-f_g', 'x'.repeat(128), 'J']);
    case 2: return g.pick(['', 'x'.repeat(129), 'a b', 'a\u0000', 'é', '../q', "q'; DROP TABLE q; --", 'q\n', '*', '%', 'q?x', '😀']);
    case 3: return g.nasty();
    case 4: return g.junk(1);
    default: return `q${g.int(8)}`;
  }
}

function messagingArguments(g: FuzzRandom, peers: FuzzPeers): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  if (g.chance(0.9)) args['type'] = g.chance(0.6) ? g.pick(['chat', 'fz', 'x'.repeat(256), 'x'.repeat(257), '', 'participant.enabled', 'messaging.enabled']) : g.junk(1);
  if (g.chance(0.9)) args['message_json'] = g.chance(0.6) ? g.pick(['{}', '{"a":1}', '[1]', 'null', ' {"pad":1} ', '{bad', '', '{"__proto__":{"x":1}}', `${'['.repeat(5000)}${']'.repeat(5000)}`]) : g.junk(1);
  if (g.chance(0.9)) args['to_participant_id'] = g.chance(0.7) ? g.pick([peers.bystander, peers.self, 'nobody', '']) : g.junk(1);
  if (g.chance(0.4)) args['attachment_base64'] = g.chance(0.7) ? g.pick(['', 'AQI=', 'AQI', '!!!!', '====', 'QQ=', encodeBase64(g.bytes(g.int(300)))]) : g.junk(1);
  if (g.chance(0.3)) args['message_id'] = g.chance(0.7) ? g.pick(['m1', '', 'x'.repeat(128), 'x'.repeat(129)]) : g.junk(1);
  return args;
}

function storageArguments(g: FuzzRandom, tool: string): Record<string, unknown> {
  const flag = (): unknown => (g.chance(0.8) ? g.chance(0.5) : g.junk(1));
  switch (tool) {
    case 'delete': return { path: storagePath(g), ...(g.chance(0.5) ? { recursive: flag() } : {}) };
    case 'move': return { source_path: storagePath(g), destination_path: storagePath(g), ...(g.chance(0.5) ? { overwrite: flag() } : {}) };
    default: return g.chance(0.95) ? { path: storagePath(g) } : (g.junk(1) as Record<string, unknown>);
  }
}

function queueArguments(g: FuzzRandom, tool: string): Record<string, unknown> {
  const flag = (): unknown => (g.chance(0.8) ? g.chance(0.5) : g.junk(1));
  const receiveId = (): unknown => (g.chance(0.7) ? g.pick(['r1', 'r_2-x', 'x'.repeat(128), 'x'.repeat(129), '', 'a b']) : g.junk(1));
  const args: Record<string, unknown> = { name: queueName(g) };
  if (tool === 'send') {
    args['message'] = g.chance(0.9) ? g.junk(2) : g.pick([null, 'x'.repeat(100_000), deep(300)]);
    if (g.chance(0.3)) args['create'] = flag();
    if (g.chance(0.2)) args['front'] = flag();
  }
  // `wait: true` would hold the answer until a message comes; the runner only sees it with a cancel.
  if (tool === 'receive' && g.chance(0.3)) args['create'] = flag();
  if ((tool === 'receive' || tool === 'send' || tool === 'cancel_receive') && g.chance(0.5)) args['receive_id'] = receiveId();
  if (tool === 'cancel_receive' && g.chance(0.8)) args['receive_id'] = receiveId();
  return args;
}

function deep(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

function yjsUpdate(g: FuzzRandom): Uint8Array {
  const doc = new Y.Doc();
  doc.getMap(g.pick(['root', 'doc', ''])).set(g.pick(['a', 'b', '__proto__']), g.int(100));
  const update = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  if (g.chance(0.5)) return update;
  const mutated = update.slice(0, g.int(update.length + 1));
  if (mutated.length > 0 && g.chance(0.5)) mutated[g.int(mutated.length)]! ^= 1 << g.int(8);
  return mutated;
}

const binary = (headers: Record<string, unknown>, data?: Uint8Array): FuzzChunk => ({ chunk: { type: 'binary', headers }, ...(data ? { payload_base64: b64(data) } : {}) });

function junkChunk(g: FuzzRandom): FuzzChunk {
  return g.chance(0.5) ? { chunk: g.junk(2) } : binary(g.junk(1) as Record<string, unknown>, g.bytes(g.int(20)));
}

/** Request chunks for a streaming tool, starting (usually) with its `start` chunk. */
function streamChunks(g: FuzzRandom, op: Operation): FuzzChunk[] {
  const chunks: FuzzChunk[] = [];
  const start: Record<string, unknown> = { kind: g.chance(0.9) ? 'start' : g.junk(1) };
  if (op.toolkit === 'storage' && op.tool === 'upload') {
    define(start, 'path', storagePath(g));
    if (g.chance(0.5)) start['size'] = g.chance(0.7) ? g.pick([0, 1, 3, 10, 2 ** 53, -1, 1.5]) : g.junk(1);
    if (g.chance(0.3)) start['overwrite'] = g.chance(0.8) ? g.chance(0.5) : g.junk(1);
    chunks.push(binary(start));
    for (let i = g.int(4); i > 0; i--) chunks.push(g.chance(0.8) ? binary({ kind: g.pick(['data', 'data', 'abort', 'pull']) }, g.bytes(g.int(8))) : junkChunk(g));
  } else if (op.toolkit === 'storage' && op.tool === 'download') {
    define(start, 'path', storagePath(g));
    if (g.chance(0.5)) start['chunk_size'] = g.chance(0.7) ? g.pick([1, 2, 1024, 2 ** 31, 0, -1, 0.5]) : g.junk(1);
    chunks.push(binary(start));
    for (let i = g.int(4); i > 0; i--) chunks.push(g.chance(0.8) ? binary({ kind: g.pick(['pull', 'pull', 'data']) }) : junkChunk(g));
  } else if (op.toolkit === 'sync' && op.tool === 'open') {
    define(start, 'path', g.chance(0.7) ? g.pick(['a.doc', 'notes/b.doc', 'c.doc']) : storagePath(g));
    if (g.chance(0.8)) start['schema'] = g.chance(0.8) ? SCHEMA : g.junk(2);
    if (g.chance(0.2)) start['schema_path'] = storagePath(g);
    if (g.chance(0.2)) start['create'] = g.chance(0.8) ? g.chance(0.5) : g.junk(1);
    if (g.chance(0.2)) start['vector'] = g.chance(0.5) ? encodeBase64(g.bytes(g.int(10))) : g.junk(1);
    if (g.chance(0.2)) start['initial_json'] = g.chance(0.5) ? { doc: { title: g.nasty(), children: [{ item: { label: g.nasty() } }] } } : g.junk(2);
    chunks.push(binary(start));
    for (let i = g.int(4); i > 0; i--) {
      const text = g.chance(0.8) ? encodeBase64(yjsUpdate(g)) : g.pick(['', '!!', 'AA==', g.text(8)]);
      chunks.push(g.chance(0.85) ? binary({ kind: 'sync' }, new TextEncoder().encode(text)) : junkChunk(g));
    }
  } else {
    // A streaming tool this generator does not know yet: junk chunks still exercise it.
    chunks.push(binary(start, g.bytes(g.int(16))));
    for (let i = g.int(4); i > 0; i--) chunks.push(junkChunk(g));
  }
  if (g.chance(0.1)) chunks.splice(g.int(chunks.length + 1), 0, junkChunk(g));
  return chunks;
}

/** The Content header wrapping `args`: usually json, sometimes the wrong envelope. */
function envelope(g: FuzzRandom, args: unknown): unknown {
  if (g.chance(0.9)) return { type: 'json', json: args };
  return g.pick<unknown>([{ type: 'text', text: JSON.stringify(args) ?? '' }, { type: 'empty' }, { type: 'binary', headers: args }, { type: 'control', method: 'open' }, args, g.junk(2)]);
}

/** One fuzz case for a built-in operation. */
export function caseFor(g: FuzzRandom, op: Operation, peers: FuzzPeers): FuzzCase {
  if (op.streaming && g.chance(0.9)) {
    const toolCallId = g.chance(0.9) ? `s${g.int(1_000_000)}` : g.pick<unknown>(['', 'x'.repeat(129), 42, null, g.nasty()]);
    return { kind: 'stream', toolkit: op.toolkit, tool: op.tool, tool_call_id: toolCallId, chunks: streamChunks(g, op) };
  }
  if (op.toolkit === 'queues' && op.tool === 'receive' && g.chance(0.1)) {
    // A waiting receive is answered when a message comes or when it is cancelled: both in one case.
    const receiveId = `w${g.int(1_000_000)}`;
    const wait = { name: g.pick(['jobs', 'q1', 'empty-queue']), wait: true, receive_id: receiveId, ...(g.chance(0.5) ? { create: g.chance(0.5) } : {}) };
    return { kind: 'invoke', calls: [{ toolkit: 'queues', tool: 'receive', arguments: { type: 'json', json: wait } }, { toolkit: 'queues', tool: 'cancel_receive', arguments: { type: 'json', json: { receive_id: receiveId } } }] };
  }
  let args: unknown;
  switch (op.toolkit) {
    case 'messaging': args = messagingArguments(g, peers); break;
    case 'storage': args = storageArguments(g, op.tool); break;
    case 'sync': args = { path: g.chance(0.5) ? g.pick(['a.doc', 'n/c.doc']) : storagePath(g), ...(g.chance(0.7) ? { schema: SCHEMA } : {}), ...(g.chance(0.3) ? { json: g.junk(2) } : {}) }; break;
    case 'database': args = databaseArguments(g, op.tool); break;
    case 'queues': args = queueArguments(g, op.tool); break;
    default: args = g.junk(2);
  }
  if (g.chance(0.05) && args !== null && typeof args === 'object') define(args as Record<string, unknown>, g.nasty(), g.junk(1));
  const extra: Record<string, unknown> = {};
  if (g.chance(0.05)) extra['tool_call_id'] = g.junk(1);
  if (g.chance(0.05)) extra['participant_id'] = g.junk(1);
  if (g.chance(0.05)) extra['caller_context'] = g.junk(2);
  const payload = g.chance(0.05) ? { payload_base64: b64(g.bytes(g.int(64))) } : {};
  return { kind: 'invoke', calls: [{ toolkit: op.toolkit, tool: op.tool, arguments: envelope(g, args), ...payload, ...(Object.keys(extra).length ? { extra } : {}) }] };
}
