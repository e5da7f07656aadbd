import { ERROR_STATUS, MessageType, encodeBase64, decodeBase64, pack, type Content } from '@convene/protocol';
import type { FuzzClient } from './fuzz-client.js';

/**
 * One fuzz input, in a JSON shape so a case that finds a bug can be saved to test/fuzz-corpus and
 * replayed on every run. Bytes travel as base64.
 */
export type FuzzCase =
  /** Tool calls sent back to back; every one must be answered. */
  | { kind: 'invoke'; calls: FuzzCall[] }
  /** A streaming tool call: `control open`, then request chunks, then the caller's `control close`. */
  | { kind: 'stream'; toolkit: string; tool: string; tool_call_id: unknown; extra?: Record<string, unknown>; chunks: FuzzChunk[] }
  /** One message of any type with any data (valid framing). */
  | { kind: 'message'; type: string; data_base64: string; packet_bytes?: number }
  /** Raw frames: the connection may be closed for them, with a code and a reason. */
  | { kind: 'frames'; frames_base64: string[] }
  /** Cases one after the other (a file to exist before two calls race on it, say). */
  | { kind: 'sequence'; cases: FuzzCase[] }
  /** Cases at the same time on one connection (races between operations). */
  | { kind: 'parallel'; cases: FuzzCase[] };

export interface FuzzCall {
  toolkit: unknown;
  tool: unknown;
  /** The Content header of the arguments (anything, for the fuzz). */
  arguments: unknown;
  payload_base64?: string;
  /** More invoke header fields (tool_call_id, participant_id, caller_context…). */
  extra?: Record<string, unknown>;
}

export interface FuzzChunk {
  chunk: unknown;
  payload_base64?: string;
}

/** A saved case: why it is in the corpus, and where it came from. */
export interface CorpusEntry {
  name: string;
  note: string;
  /** Which fuzz target made it (or "hand-written"). */
  target: string;
  seed?: number;
  index?: number;
  /** A room setup the case needs (tables, files); see fuzz-corpus.test.ts. */
  setup?: 'database' | 'none';
  case: FuzzCase;
}

/** Statuses a typed error may carry; 500 (`internal`) is excluded on purpose: bad input is never a server error. */
const TYPED_STATUSES = new Set(Object.entries(ERROR_STATUS).filter(([code]) => code !== 'internal').map(([, status]) => status));

/** Close codes a broken input may earn (WIRE-EXTENSIONS.md): protocol error, policy (flood), too big. */
export const INPUT_CLOSE_CODES = [1002, 1008, 1009];

/** How often each kind of answer came back ("json", "error 400", …), to see how deep the inputs reach. */
export const answerCounts = new Map<string, number>();

/** A problem with one answer: not an answer, or an error without a known code. */
export function answerProblem(what: string, content: Content | null): string | null {
  if (content === null) return `${what}: no answer`;
  const kind = content.type === 'error' ? `error ${String(content.code)}` : content.type;
  answerCounts.set(kind, (answerCounts.get(kind) ?? 0) + 1);
  if (content.type !== 'error') return null;
  if (content.code === undefined || !TYPED_STATUSES.has(content.code)) return `${what}: error with code ${String(content.code)}: ${content.text}`;
  return null;
}

export const b64 = (bytes: Uint8Array): string => encodeBase64(bytes);
const bytesOf = (text: string | undefined): Uint8Array | undefined => (text === undefined ? undefined : decodeBase64(text));

/** The answer of an unknown message type: everything sent before it has been handled. */
async function barrier(client: FuzzClient): Promise<Content | null> {
  return client.answer(client.send('convene.fuzz.barrier', pack({})));
}

/**
 * Runs one case on `client` and returns what went wrong (empty when the server behaved). A case
 * that closed the connection reports the close through `client.closed`; the caller judges it.
 */
export async function runCase(client: FuzzClient, fuzzCase: FuzzCase): Promise<string[]> {
  const problems: string[] = [];
  const note = (problem: string | null): void => void (problem && problems.push(problem));
  switch (fuzzCase.kind) {
    case 'invoke': {
      const answers = fuzzCase.calls.map((call) =>
        client.answer(client.send(MessageType.InvokeTool, pack({ toolkit: call.toolkit, tool: call.tool, arguments: call.arguments, ...call.extra }, bytesOf(call.payload_base64)))),
      );
      const contents = await Promise.all(answers);
      contents.forEach((content, i) => note(answerProblem(`${JSON.stringify(fuzzCase.calls[i]!.toolkit)}.${JSON.stringify(fuzzCase.calls[i]!.tool)}`, content)));
      return client.isClosed ? [] : problems;
    }
    case 'stream': {
      const name = `${fuzzCase.toolkit}.${fuzzCase.tool}`;
      const opened = await client.invoke(fuzzCase.toolkit, fuzzCase.tool, { type: 'control', method: 'open' }, { tool_call_id: fuzzCase.tool_call_id, ...fuzzCase.extra });
      note(answerProblem(`${name} open`, opened));
      if (opened?.type !== 'control' || typeof fuzzCase.tool_call_id !== 'string') return client.isClosed ? [] : problems;
      const id = fuzzCase.tool_call_id;
      const acks = fuzzCase.chunks.map(({ chunk, payload_base64 }) =>
        client.answer(client.send(MessageType.ToolCallRequestChunk, pack({ tool_call_id: id, chunk }, bytesOf(payload_base64)))),
      );
      acks.push(client.answer(client.send(MessageType.ToolCallRequestChunk, pack({ tool_call_id: id, chunk: { type: 'control', method: 'close' } }))));
      (await Promise.all(acks)).forEach((ack, i) => note(answerProblem(`${name} chunk ${i}`, ack)));
      // Once the caller closed its input, every tool must end its output: no stream is left hanging.
      if (!(await client.streamEnded(id)) && !client.isClosed) problems.push(`${name}: output never closed`);
      for (const chunk of client.streamOutput(id)) if (chunk.type === 'error') note(answerProblem(`${name} output`, chunk));
      client.forgetStream(id);
      return client.isClosed ? [] : problems;
    }
    case 'message': {
      const id = client.send(fuzzCase.type, decodeBase64(fuzzCase.data_base64), fuzzCase.packet_bytes);
      const answered = isAnswered(fuzzCase.type) ? client.answer(id) : Promise.resolve({ type: 'empty' } as Content);
      note(answerProblem(`message ${fuzzCase.type.slice(0, 40)}`, await answered));
      note(answerProblem('barrier after the message', await barrier(client)));
      return client.isClosed ? [] : problems;
    }
    case 'sequence': {
      for (const step of fuzzCase.cases) problems.push(...(await runCase(client, step)));
      return problems;
    }
    case 'parallel':
      return (await Promise.all(fuzzCase.cases.map((step) => runCase(client, step)))).flat();
    case 'frames': {
      client.sendFrames(fuzzCase.frames_base64.map((frame) => decodeBase64(frame)));
      // A message split by the fuzz may wait for packets that never come; the barrier then
      // gets stuck behind it, which is correct. Only a socket that stays open *and* answers
      // wrongly is a problem.
      const answer = await Promise.race([barrier(client), client.closed.then(() => null)]);
      if (answer && answer.type !== 'error') problems.push(`barrier answered ${answer.type}`);
      return problems;
    }
  }
}

/** Message types the server answers with `__response__` (the others are one-way). */
function isAnswered(type: string): boolean {
  return type !== MessageType.SetAttributes && type !== MessageType.ToolCallResponse && type !== MessageType.ToolCallResponseChunk;
}

/** A failure line with everything needed to replay the case. */
export function describeFailure(target: string, seed: number, index: number, fuzzCase: FuzzCase, problems: readonly string[]): string {
  const json = JSON.stringify(fuzzCase);
  return `[${target}] seed ${seed} case ${index}: ${problems.join('; ')}\n  case: ${json.length > 600 ? `${json.slice(0, 600)}…` : json}`;
}
